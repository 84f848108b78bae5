// The committed trees are exactly what `npm run synth` renders; synth is deterministic, removes what it no
// longer renders, and leaves sealed-secrets/ and hand-written files alone.
import t from 'tap'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { ownedDirs, renderAll } from '../../gen/render.ts'
import { generatedFiles, writeTree } from '../../gen/write.ts'
import { header } from '../../gen/yaml.ts'
import { root, tempDir } from './helpers.ts'

const rendered = renderAll(root)

t.test('a fresh render equals the committed files byte for byte', async (t) => {
  for (const [path, content] of Object.entries(rendered)) {
    const abs = join(root, path)
    t.ok(existsSync(abs), `${path} is committed`)
    if (existsSync(abs)) t.equal(readFileSync(abs, 'utf8'), content, `${path} is up to date (run npm run synth)`)
  }
  const stale = generatedFiles(root, ownedDirs).filter((p) => !(p in rendered))
  t.same(stale, [], 'no generated file that synth no longer renders')
})

t.test('rendering is deterministic and every file says it is generated', async (t) => {
  t.same(renderAll(root), rendered, 'two renders are identical')
  for (const [path, content] of Object.entries(rendered)) {
    t.ok(content.startsWith(header), `${path} starts with the generated-file header`)
    t.notMatch(content, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, `${path} carries no timestamp`)
  }
})

t.test('synth writes, then removes stale generated files, and leaves everything else alone', async (t) => {
  const dir = tempDir(t)
  const first = writeTree(dir, rendered, ownedDirs)
  t.equal(first.written.length, Object.keys(rendered).length, 'first run writes every file')

  const again = writeTree(dir, rendered, ownedDirs)
  t.same([again.written, again.removed], [[], []], 'second run changes nothing')

  mkdirSync(join(dir, 'overlays/qa'), { recursive: true })
  writeFileSync(join(dir, 'overlays/qa/kustomization.yaml'), `${header}kind: Kustomization\n`)
  writeFileSync(join(dir, 'overlays/NOTES.md'), 'hand-written\n')
  mkdirSync(join(dir, 'sealed-secrets/staging'), { recursive: true })
  writeFileSync(join(dir, 'sealed-secrets/staging/todo-app-secrets.yaml'), `${header}kind: SealedSecret\n`)
  const third = writeTree(dir, rendered, ownedDirs)
  t.same(third.removed, ['overlays/qa/kustomization.yaml'], 'the stale generated file is removed')
  t.notOk(existsSync(join(dir, 'overlays/qa')), 'and its empty directory')
  t.equal(readFileSync(join(dir, 'overlays/NOTES.md'), 'utf8'), 'hand-written\n', 'a hand-written file stays')
  t.ok(existsSync(join(dir, 'sealed-secrets/staging/todo-app-secrets.yaml')), 'sealed-secrets/ is never touched')

  writeFileSync(join(dir, 'base/deployment.yaml'), 'edited by hand\n')
  t.throws(() => writeTree(dir, rendered, ownedDirs), /refusing to overwrite base\/deployment\.yaml/, 'a file without the header is not overwritten')
  t.throws(() => writeTree(dir, { 'scripts/x.yaml': 'x' }, ownedDirs), /outside/, 'nothing is written outside the owned directories')
})
