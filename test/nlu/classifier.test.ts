/** The stemmers we wrote, the training files' loader, and the classifier's behaviour on clear cases. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageClassifier, features } from '../../src/nlu/classifier';
import { arabicStem, prefixStem, wordFeatures } from '../../src/nlu/stemming';
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

test('a word\'s features: itself and its stems (marked), numbers as one feature', () => {
  expect(wordFeatures('logements')).toEqual(expect.arrayContaining(['logements', '~logement']));
  expect(wordFeatures('2026')).toEqual(['#num']);
  expect(features('Logement LOGEMENT')).toEqual(features('logement')); // each feature once
});

test('the classifier: clear cases, probabilities that sum to 1, nothing for unknown or one-off words', () => {
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
  expect(c.classify('unique')).toEqual([]); // seen in one document only: not evidence
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
