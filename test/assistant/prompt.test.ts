// What the model backends are told: today's date in the user's time zone, the tools, and the rules for
// ids, ambiguity and bulk changes (the same behaviour the rules backend has).

import t from 'tap'
import { systemPrompt } from '../../src/assistant/prompt.ts'
import { toolDefinitions } from '../../src/assistant/tools.ts'

t.test("today's date is the user's, with the zone named", async (t) => {
  const now = new Date('2026-03-05T02:00:00.000Z') // Thursday in UTC, still Wednesday evening in New York
  t.match(systemPrompt(now), /Today is Thursday 2026-03-05 in the user's time zone \(UTC\)/)
  t.match(systemPrompt(now, 'America/New_York'), /Today is Wednesday 2026-03-04 in the user's time zone \(America\/New_York\)/)
  t.match(systemPrompt(now, 'Asia/Tokyo'), /Thursday 2026-03-05 .*Asia\/Tokyo/)
})

t.test('the tools and the rules for ids, ambiguity and bulk changes', async (t) => {
  const prompt = systemPrompt(new Date('2026-03-04T10:00:00.000Z'))
  for (const tool of toolDefinitions) t.match(prompt, `- ${tool.name}: `, `names ${tool.name}`)
  t.match(prompt, /never guess an id/)
  t.match(prompt, /more than one task could be meant, do not change any.*ask which one/s)
  t.match(prompt, /Bulk changes.*ask the user to confirm.*explicit yes.*once per listed id/s)
  t.match(prompt, /"I bought the milk" means completing/)
  t.match(prompt, /politeness/)
})
