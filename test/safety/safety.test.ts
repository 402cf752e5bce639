/**
 * The safety net on a labelled set per language (test/safety/cases/<lang>.json): every crisis is
 * caught (recall 100%, required), in its category; ordinary messages with the same words raise few
 * false alarms; the numbers given fit the situation and the language.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileDetector, loadNumbers, numbersFor, safetyReplies, type Category, type Danger } from '../../src/safety';
import { LANGUAGES, type Lang } from '../../src/catalogue/schema';
import { createI18n } from '../../src/i18n/i18n';

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

// What a person in danger reads: the numbers' names and hours in their own language.
describe('the numbers, in the person\'s language', () => {
  const { t } = createI18n();
  const shelter: Danger = { level: 'urgent', categories: ['no_shelter'] };
  test.each<[Lang, string, string]>([
    ['fr', 'Samusocial (hébergement d\'urgence)', 'emergency shelter'],
    ['ar', 'Samusocial (إيواء طارئ)', 'emergency shelter'],
    ['tr', 'Samusocial (acil barınma)', 'emergency shelter'],
    ['es', 'Samusocial (alojamiento de urgencia)', 'emergency shelter'],
    ['ro', 'Samusocial (adăpost de urgență)', 'emergency shelter'],
  ])('%s: %s', (lang, name, notThere) => {
    const text = String(safetyReplies(shelter, lang, t, numbers)[0].text);
    expect(text).toContain(name);
    expect(text).not.toContain(notThere);
  });

  test('every number has its name and hours in all seven languages', () => {
    const missing = numbers.flatMap((n) => LANGUAGES.flatMap((l) => [n.name, n.hours].filter((v) => !(v as Partial<Record<Lang, string>>)[l]).map(() => `${n.id} ${l}`)));
    expect(missing).toEqual([]);
  });

  test('a name missing in a language falls back to French and says so', () => {
    const only = numbers.map((n) => (n.id === 'samusocial' ? { ...n, name: { fr: n.name.fr }, hours: { fr: n.hours.fr } } : n));
    const text = String(safetyReplies(shelter, 'tr', t, only)[0].text);
    expect(text).toContain(`${numbers.find((n) => n.id === 'samusocial')!.name.fr} ${t('tr', 'card.fallback_language', { language: 'Français' })}`);
  });
});
