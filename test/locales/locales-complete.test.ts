/**
 * Every namespace file under locales/<lang>/ (discovered, not listed), in all 7 languages: same keys,
 * non-empty values, same {{placeholders}}, and the plural forms each language's rules need.
 * One case per namespace and language, so a failure names both, and the diff lists the keys.
 */
import path from 'node:path';
import { LANGUAGES } from '../../src/catalogue/schema';
import { checkLocales, formatProblem, namespacesOf, readLocaleSet } from './locale-checks';

const dir = path.resolve(__dirname, '..', '..', 'locales');
const { set, problems: readProblems } = readLocaleSet(dir, LANGUAGES);
const problems = [...readProblems, ...checkLocales(set, LANGUAGES)];
const namespaces = namespacesOf(set);
const cases = namespaces.flatMap((ns) => LANGUAGES.map((lang) => [ns, lang] as const));

test('the user-facing namespace is among the discovered ones, in every language', () => {
  expect(LANGUAGES).toEqual(['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro']);
  expect(namespaces).toContain('translation');
});

test.each(cases)('%s.json in %s: every key, non-empty values, same placeholders, own plural forms', (ns, lang) => {
  expect(problems.filter((p) => p.ns === ns && p.lang === lang).map(formatProblem)).toEqual([]);
});

describe('translation.json', () => {
  const options = (lang: string) => (set[lang]?.translation as { facts?: { language?: { options?: unknown } } } | undefined)?.facts?.language?.options;

  test.each([...LANGUAGES])('%s names each language in that language (the same list everywhere)', (lang) => {
    expect(options(lang)).toEqual({ fr: 'Français', nl: 'Nederlands', en: 'English', ar: 'العربية', tr: 'Türkçe', es: 'Español', ro: 'Română' });
  });

  const days = (lang: string) => (set[lang]?.translation as { card?: { days?: Record<string, string> } } | undefined)?.card?.days ?? {};
  test.each([...LANGUAGES])('%s has seven different day names for the cards', (lang) => {
    const d = days(lang);
    expect(Object.keys(d).sort()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(new Set(Object.values(d)).size).toBe(7);
  });

  // Romanian comma-below letters (ș ț), not the cedilla look-alikes (ş ţ) that some keyboards type.
  test('Romanian uses ș and ț, never ş or ţ', () => {
    const text = JSON.stringify(set.ro?.translation ?? {});
    expect(text.match(/[şţŞŢ]/g) ?? []).toEqual([]);
    expect(text).toMatch(/[șț]/);
  });

  // Phone numbers are copied, never translated: each language holds the same ones.
  test.each([...LANGUAGES])('%s keeps the same phone numbers as fr', (lang) => {
    const phones = (t: unknown) => [...JSON.stringify(t ?? {}).matchAll(/\b(0800 \d\d \d{3}|1813|112)\b/g)].map((m) => m[1]).sort();
    expect(phones(set[lang]?.translation)).toEqual(phones(set.fr?.translation));
  });
});
