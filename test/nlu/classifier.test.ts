/** The stemmers we wrote, the training files' loader, and the classifier's behaviour on clear cases. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageClassifier, features } from '../../src/nlu/classifier';
import { arabicStem, prefixStem, wordFeatures } from '../../src/nlu/stemming';
import { arabicSkeleton, isArabiziWord, withoutArabiziArticle } from '../../src/nlu/arabizi';
import { noisyCopy, seededRandom, withTypo } from '../../src/nlu/typing-noise';
import { loadTrainingData, readLabelledFile } from '../../src/nlu/training-data';
import { LANGUAGES } from '../../src/catalogue/schema';

test.each<[string, string]>([
  ['والسكن', 'سكن'],
  ['بالبيت', 'بيت'],
  ['الشقة', 'شقة'], // the suffix would leave two letters: kept
  ['مشاكلها', 'مشاكل'],
  ['حامل', 'حامل'], // three letters or more stay
  ['ولد', 'ولد'],
])('Arabic light stem %s → %s', (word, stem) => {
  expect(arabicStem(word)).toBe(stem);
});

test.each<[string, string]>([
  ['evimden', 'evimd'],
  ['evimi', 'evimi'], // short words are kept whole
  ['kiranin', 'kiran'],
  ['chiriei', 'chiri'],
  ['locuinta', 'locui'],
])('prefix stem %s → %s', (word, stem) => {
  expect(prefixStem(word)).toBe(stem);
});

// The same Arabic word typed in Arabic script and in Arabizi meets on one skeleton.
test.each<[string, string, string]>([
  ['عندي', '3andi', '3nd'],
  ['مشكل', 'mochkil', 'mckl'],
  ['بغيت', 'bghit', 'bgt'],
  ['نهضر', 'nhder', 'nhdr'],
  ['الكرا', 'lkra', 'lkr'],
  ['خدمة', 'khedma', 'xdm'],
  ['حبس', '7bes', 'hbs'],
  ['قلبي', '9albi', 'qlb'],
])('Arabic %s and Arabizi %s share the skeleton %s', (arabic, arabizi, skeleton) => {
  expect(arabicSkeleton(arabic)).toBe(skeleton);
  expect(arabicSkeleton(arabizi)).toBe(skeleton);
});

test('skeletons: too short to say anything is none; the glued article of Arabizi comes off like ال', () => {
  expect(arabicSkeleton('ya')).toBeUndefined();
  expect(arabicSkeleton('في')).toBeUndefined();
  expect(withoutArabiziArticle('lbdya')).toBe('bdya');
  expect(withoutArabiziArticle('lokal')).toBe('lokal'); // a vowel after "l": part of the word
  expect(features('3awd mn lbdya')).toEqual(expect.arrayContaining(['%lbd', '%bd']));
  expect(wordFeatures('البدايه')).toEqual(expect.arrayContaining(['%lbd', '%bd'])); // as normalised: ة → ه
});

test.each<[string, boolean]>([
  ['3andi mochkil m3a lkra', true],
  ['bghit n7der m3a chi wa7ed', true],
  ['ik heb hulp nodig', false], // "hulp" is not حليب
  ['mon fils a 17 ans', false], // a number is not a letter
  ['3 mois de loyer', false],
])('Latin words meet Arabic script on their skeleton only in an Arabizi message: %s → %s', (text, arabizi) => {
  expect(features(text).some((f) => f.startsWith('%'))).toBe(arabizi);
  expect(text.split(' ').some(isArabiziWord)).toBe(arabizi);
});

test('typing noise: seeded, one typo inside a word, first and last letters kept, never an empty copy', () => {
  const a = seededRandom(3);
  const b = seededRandom(3);
  const copies = Array.from({ length: 50 }, () => noisyCopy('mon proprietaire veut m expulser', a));
  expect(copies).toEqual(Array.from({ length: 50 }, () => noisyCopy('mon proprietaire veut m expulser', b)));
  expect(new Set(copies).size).toBeGreaterThan(10);
  for (let i = 0; i < 200; i++) {
    const t = withTypo('proprietaire', a);
    expect(Math.abs(t.length - 'proprietaire'.length)).toBeLessThanOrEqual(1);
    expect(t[0]).toBe('p');
    expect(t[t.length - 1]).toBe('e');
  }
  expect(withTypo('de', a)).toBe('de');
  for (let i = 0; i < 100; i++) expect(noisyCopy('psy', a).length).toBeGreaterThan(0);
  expect(noisyCopy('حامل منذ خمسة أشهر', a)).not.toBe('');
});

test('a word\'s features: itself and its stems (marked), numbers as one feature', () => {
  expect(wordFeatures('logements')).toEqual(expect.arrayContaining(['logements', '~logement']));
  expect(wordFeatures('2026')).toEqual(['#num']);
  expect(features('Logement LOGEMENT')).toEqual(features('logement')); // each feature once
});

test('the classifier: clear cases, probabilities that sum to 1, typos it never saw, nothing for unknown words', () => {
  const c = new MessageClassifier([
    { text: 'mon proprietaire veut m expulser', label: 'logement' },
    { text: 'humidite dans l appartement', label: 'logement' },
    { text: 'expulsion de l appartement', label: 'logement' },
    { text: 'je suis enceinte', label: 'perinatalite' },
    { text: 'enceinte suivi de grossesse', label: 'perinatalite' },
    { text: 'un mot unique', label: 'perinatalite' },
  ]);
  const r = c.classify('expulsion de mon appartement');
  expect(r[0].label).toBe('logement');
  expect(r.reduce((s, x) => s + x.p, 0)).toBeCloseTo(1, 6);
  expect(c.classify('enceinte de 5 mois')[0].label).toBe('perinatalite');
  expect(c.classify('zzz qqq')).toEqual([]);
  expect(c.classify('expulsoin de l apartement')[0].label).toBe('logement');
  expect(c.classify('enceitne')[0].label).toBe('perinatalite');
});

test('every training file is loaded and validated, with every theme, every command and out-of-scope examples', () => {
  const data = loadTrainingData();
  const langs = LANGUAGES.filter((l) => data.some((d) => d.lang === l));
  expect(langs).toEqual(['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro']);
  for (const l of langs) expect({ l, labels: new Set(data.filter((d) => d.lang === l).map((d) => d.label)).size }).toEqual({ l, labels: 14 });
});

test.each<[string, unknown, RegExp]>([
  ['an unknown label', { language: 'fr', themes: { cuisine: ['x'] }, intents: {} }, /unknown label cuisine/],
  ['an unknown language', { language: 'de', themes: {}, intents: {} }, /language/],
  ['an empty list', { language: 'fr', themes: { logement: [] }, intents: {} }, /themes\.logement/],
])('a training file with %s is refused with its name', (_n, content, error) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlu-')), 'fr.json');
  fs.writeFileSync(file, JSON.stringify(content));
  expect(() => readLabelledFile(file)).toThrow(error);
});
