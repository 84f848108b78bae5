// Reads a TAP stream (`tap -R tap`) on stdin and prints the plain closing line CI reads,
// "N passed, N failed[, N skipped]", counted over every leaf assertion (nested subtests flattened).
// Exits 1 when anything failed or nothing was tested at all.
import { Parser } from 'tap-parser'

let passed = 0
let failed = 0
let skipped = 0
const parser = new Parser({ bail: false })
parser.on('result', (a) => {
  if (a.closingTestPoint) return // a subtest's own summary point, not an assertion
  if (a.skip || a.todo) skipped++
  else if (a.ok) passed++
  else failed++
})
parser.on('complete', (r) => {
  if (!r.ok && failed === 0) failed = 1 // a crashed file or a bad plan is a failure too
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1
})
process.stdin.pipe(parser)
