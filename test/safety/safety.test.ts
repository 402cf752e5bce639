/**
 * The safety net on a labelled set per language (test/safety/cases/<lang>.json): every crisis is
 * caught (recall 100%, required), in its category; ordinary messages with the same words raise few
 * false alarms; the numbers given fit the situation and the language.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileDetector, loadNumbers, numbersFor, type Category } from '../../src/safety';
import type { Lang } from '../../src/catalogue/schema';

const detect = compileDetector();
const numbers = loadNumbers();
const dir = path.join(__dirname, 'cases');
const sets = fs.readdirSync(dir).map((f) => [f.replace('.json', ''), JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))] as [string, { crisis: Array<{ text: string; category: Category }>; ordinary: string[] }]);

describe.each(sets)('%s', (_lang, set) => {
  test.each(set.crisis.map((c) => [c.text, c.category]))('crisis caught: "%s" (%s)', (text, category) => {
    expect(detect(text).categories).toContain(category);
  });
  test('false alarms on ordinary messages stay at or below 10%', () => {
    const alarms = set.ordinary.filter((t) => detect(t).level !== 'none');
    expect({ alarms, rate: alarms.length / set.ordinary.length <= 0.1 }).toEqual({ alarms, rate: true });
  });
});

test.each<[Category[], Lang, string]>([
  [['suicide'], 'fr', 'cps'],
  [['suicide'], 'nl', '1813'],
  [['suicide'], 'ar', '112'],
  [['violence_domestic'], 'fr', 'evc'],
  [['violence_domestic'], 'nl', '1712'],
  [['violence_sexual'], 'en', '112'],
  [['medical'], 'fr', '112'],
  [['no_shelter'], 'tr', 'samusocial'],
])('%j in %s: %s first', (categories, lang, first) => {
  expect(numbersFor(numbers, categories, lang)[0].id).toBe(first);
});

test('every number has a source, and 112 is given for every danger to life', () => {
  for (const n of numbers) expect(n.source.length).toBeGreaterThan(0);
  for (const c of ['suicide', 'violence_domestic', 'violence_sexual', 'violence_child', 'medical'] as Category[]) for (const l of ['fr', 'nl', 'en', 'ar'] as Lang[]) expect(numbersFor(numbers, [c], l).map((n) => n.id)).toContain('112');
});
