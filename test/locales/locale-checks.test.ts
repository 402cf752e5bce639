/** The completeness checker itself, on small in-memory locale sets: it must name the wrong key and language. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkLocales, formatProblem, pluralCategories, readLocaleSet, type LocaleSet } from './locale-checks';

const LANGS = ['fr', 'en', 'ar'] as const;
const base = () => ({
  fr: { translation: { a: { b: 'Bonjour {{name}}' }, n: 'x' }, lexicon: { yes: ['oui'] } },
  en: { translation: { a: { b: 'Hello {{name}}' }, n: 'x' }, lexicon: { yes: ['yes', 'ok'] } },
  ar: { translation: { a: { b: 'مرحبا {{name}}' }, n: 'x' }, lexicon: { yes: ['نعم'] } },
});
const run = (set: LocaleSet) => checkLocales(set, LANGS).map(formatProblem);

test('a complete set has no problem (lists may differ in length)', () => {
  expect(run(base())).toEqual([]);
});

test.each<[string, (s: ReturnType<typeof base>) => void, string[]]>([
  ['a key missing in one language', (s) => delete (s.en.translation.a as Partial<{ b: string }>).b, ['en translation.json "a.b": missing (present in fr, ar)']],
  ['an empty text', (s) => (s.ar.translation.n = '  '), ['ar translation.json "n": empty text']],
  ['a text where fr has a list', (s) => ((s.en.lexicon as Record<string, unknown>).yes = 'yes'), ['en lexicon.json "yes": should be a list of words (as in the reference language), got "yes"']],
  ['an empty list', (s) => (s.ar.lexicon.yes = []), ['ar lexicon.json "yes": empty list']],
  ['an empty word in a list', (s) => (s.ar.lexicon.yes = ['نعم', '']), ['ar lexicon.json "yes": list holds empty or non-text items: [""]']],
  ['a translated placeholder name', (s) => (s.ar.translation.a.b = 'مرحبا {{الاسم}}'), ['ar translation.json "a.b": placeholders {{الاسم}} differ from {{name}} (as in fr and 1 other language(s))']],
  ['a lost placeholder', (s) => (s.fr.translation.a.b = 'Bonjour'), ['fr translation.json "a.b": placeholders none differ from {{name}} (as in en and 1 other language(s))']],
  ['an object where others have a text', (s) => ((s.en.translation as Record<string, unknown>).n = { x: 'y' }), ['en translation.json "n": missing (present in fr, ar)', 'fr translation.json "n.x": missing (present in en)', 'ar translation.json "n.x": missing (present in en)']],
])('reports %s', (_, spoil, expected) => {
  const s = base();
  spoil(s);
  expect(run(s).sort()).toEqual(expected.sort());
});

describe('plural forms follow each language’s own rules', () => {
  const withPlurals = (forms: Record<string, Record<string, string>>): LocaleSet =>
    Object.fromEntries(LANGS.map((l) => [l, { translation: { more: forms[l] } }]));
  // CLDR gives French a "many" form (1 000 000 de services), and i18next asks for it.
  const fr = { count_one: '{{count}} autre', count_many: '{{count}} d’autres', count_other: '{{count}} autres' };
  const en = { count_one: 'One more', count_other: '{{count}} more' };
  const arAll = Object.fromEntries(pluralCategories('ar', 'cardinal').map((c) => [`count_${c}`, `{{count}} ${c}`]));

  test('Arabic needs six forms, English two', () => {
    expect(pluralCategories('ar', 'cardinal')).toEqual(['zero', 'one', 'two', 'few', 'many', 'other']);
    expect(pluralCategories('en', 'cardinal')).toEqual(['one', 'other']);
    expect(run(withPlurals({ fr, en, ar: arAll }))).toEqual([]);
  });

  test('a language with fewer forms than its rules need is reported, form by form', () => {
    expect(run(withPlurals({ fr, en, ar: { count_one: 'x {{count}}', count_other: '{{count}} y' } })).sort()).toEqual(
      ['ar translation.json "more.count_few": missing plural form (ar needs _zero, _one, _two, _few, _many, _other)', 'ar translation.json "more.count_many": missing plural form (ar needs _zero, _one, _two, _few, _many, _other)', 'ar translation.json "more.count_two": missing plural form (ar needs _zero, _one, _two, _few, _many, _other)', 'ar translation.json "more.count_zero": missing plural form (ar needs _zero, _one, _two, _few, _many, _other)'].sort(),
    );
  });

  test('a plain key in one language where others have plural forms is reported', () => {
    const problems = run(withPlurals({ fr, en: { count: '{{count}} more' }, ar: arAll }));
    expect(problems).toContain('en translation.json "more.count (cardinal plural)": missing (present in fr, ar)');
    expect(problems).toContain('fr translation.json "more.count": missing (present in en)');
  });

  test('a lone key ending in _other is a plain key, not a plural group', () => {
    expect(run(withPlurals({ fr: { option_other: 'Autre' }, en: { option_other: 'Other' }, ar: { option_other: 'آخر' } }))).toEqual([]);
  });
});

test('reading the folder reports a namespace file missing in one language and a file that does not parse', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'locales-'));
  try {
    for (const l of LANGS) fs.mkdirSync(path.join(dir, l));
    for (const l of LANGS) fs.writeFileSync(path.join(dir, l, 'translation.json'), l === 'en' ? '{"a": ' : '{"a": "x"}');
    fs.writeFileSync(path.join(dir, 'fr', 'safety.json'), '{"s": "x"}');
    const { problems } = readLocaleSet(dir, LANGS);
    expect(problems.map(formatProblem).map((p) => p.replace(/JSON: .*/, 'JSON')).sort()).toEqual(['ar safety.json: file missing (present in fr)', 'en safety.json: file missing (present in fr)', 'en translation.json: not valid JSON']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
