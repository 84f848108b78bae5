// `npm run synth`: renders base/, overlays/, argocd/ and log-shipping/ from the environments table.
import { fileURLToPath } from 'node:url'
import { ownedDirs, renderAll } from './render.ts'
import { writeTree } from './write.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
try {
  const result = writeTree(root, renderAll(root), ownedDirs)
  for (const path of result.written) console.log(`wrote   ${path}`)
  for (const path of result.removed) console.log(`removed ${path}`)
  console.log(`synth: ${result.written.length} written, ${result.removed.length} removed, ${result.unchanged} unchanged`)
} catch (err) {
  console.error(`synth failed: ${(err as Error).message}`)
  process.exitCode = 1
}
