// The assistant evaluation (eval/assistant) on the rules backend, held to the targets of the issue: at
// least 90% of the cases overall, at least 75% in every category, and no change to a task the user did not
// mean. `npm run eval:assistant` prints the same report with every failure.

import t from 'tap'
import { createAssistant } from '../../src/assistant/index.ts'
import { createMetrics } from '../../src/metrics.ts'
import { CASES, type Category } from '../../eval/assistant/cases.ts'
import { formatReport, runEval, TARGETS } from '../../eval/assistant/harness.ts'
import { silentLogger, testConfig } from './helpers.ts'

const CATEGORIES: Category[] = [
  'add: title only', 'add: date', 'add: priority', 'add: tags', 'add: description', 'add: command-like title',
  'list', 'complete', 'delete', 'update', 'small talk', 'bulk / adversarial',
]

t.test('the evaluation covers every category with enough realistic cases', async (t) => {
  t.ok(CASES.length >= 150, `${CASES.length} cases`)
  t.equal(new Set(CASES.map((c) => c.id)).size, CASES.length, 'case ids are unique')
  for (const category of CATEGORIES) t.ok(CASES.filter((c) => c.category === category).length >= 4, `${category} has cases`)
  t.ok(CASES.some((c) => c.before?.length), 'multi-turn follow-ups are included')
})

t.test('the rules backend meets the targets', async (t) => {
  const config = testConfig({ aiBackend: 'rules' })
  const report = await runEval('rules', CASES, ({ store, clock }) => createAssistant({ config, store, metrics: createMetrics(), clock, logger: silentLogger }))
  t.comment(formatReport(report).split('\n').slice(0, 20).join('\n'))
  t.ok(report.overall >= TARGETS.overall, `overall ${(report.overall * 100).toFixed(1)}% >= ${TARGETS.overall * 100}%`)
  for (const [category, { pass, total }] of report.byCategory) {
    t.ok(pass / total >= TARGETS.perCategory, `${category}: ${pass}/${total}`)
  }
  t.equal(report.wrongTaskChanges, 0, 'no change to a task the user did not mean')
  if (report.overall < 1) t.comment(formatReport(report).split('\nfailures:\n')[1] ?? '')
})

t.test('the scoring catches a backend that gets things wrong', async (t) => {
  // A backend that deletes the first task whatever is said: every case that expects anything else fails,
  // and each deletion of a task not meant counts as a wrong-task change.
  const config = testConfig({ aiBackend: 'rules' })
  const sample = CASES.filter((c) => ['del-id', 'done-id', 'list-week', 'talk-hi'].includes(c.id))
  const report = await runEval('broken', sample, async ({ store, clock }) => {
    const real = await createAssistant({ config, store, metrics: createMetrics(), clock, logger: silentLogger })
    return { ...real, reply: (input) => real.reply({ ...input, message: 'delete task 1' }) }
  })
  t.equal(report.results.filter((r) => r.pass).length, 0, 'nothing passes')
  t.equal(report.wrongTaskChanges, 4, 'deleting task 1 was wrong in each: none of them asked for it')
})

t.test('a change in place to a task not meant counts as a wrong-task change', async (t) => {
  const config = testConfig({ aiBackend: 'rules' })
  const sample = CASES.filter((c) => ['done-id', 'list-week'].includes(c.id)) // mark 3 done; a list
  const report = await runEval('meddling', sample, async ({ store, clock }) => {
    const real = await createAssistant({ config, store, metrics: createMetrics(), clock, logger: silentLogger })
    return { ...real, reply: (input) => real.reply({ ...input, message: 'make task 2 urgent' }) }
  })
  t.equal(report.results.filter((r) => r.pass).length, 0)
  t.equal(report.wrongTaskChanges, 2, 'task 2 changed in both cases without being meant')
  t.match(report.results.find((r) => r.case.id === 'done-id')?.problems, [/task 3: completed false, expected true/, /task 2 "buy milk" was changed but was not meant/])
})
