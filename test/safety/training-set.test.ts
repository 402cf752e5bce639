/** What the safety classifier learns from the understanding's first messages (data/nlu/facts-dev). */
import fs from 'node:fs';
import path from 'node:path';
import { firstMessages, labelledSets } from '../../src/safety/training-set';
import { defaultSafetyDir } from '../../src/safety/detect';

test('first messages are ordinary, except a night outside, which is the no_shelter danger', () => {
  const dir = path.resolve(__dirname, '../../data/nlu/facts-dev');
  const told = fs.readdirSync(dir).filter((f) => /^[a-z]{2}\.json$/.test(f)).sort().flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Array<{ text: string; facts: Record<string, unknown> }>);
  const learnt = firstMessages();
  expect(learnt).toHaveLength(told.length);
  expect(learnt.length).toBeGreaterThanOrEqual(400);
  for (const [i, m] of learnt.entries()) {
    expect(m.text).toBe(told[i].text);
    expect(m.labels).toEqual(told[i].facts.housing_situation === 'no_roof' ? ['no_shelter'] : []);
    expect(m.writer).toMatch(/^fd[12]$/);
  }
  expect(learnt.filter((m) => m.labels.length).length).toBeGreaterThan(5);
  // Part of the labelled sets, one writer per author: the cross-validation holds each out in turn.
  expect(labelledSets(defaultSafetyDir()).filter((e) => e.kind === 'first_message')).toHaveLength(learnt.length);
});
