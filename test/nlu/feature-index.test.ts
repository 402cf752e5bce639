/** The classifiers' feature names kept compactly: every name found at its row, nothing else found, damage refused. */
import { FeatureIndex } from '../../src/nlu/feature-index';

const names = ['logement', '~logem', '^<lo', '^ent>', 'é', '^<éco', 'حليب', '~حلب', 'ş', 'i̇', '😀', '\ud800', 'a\udc00b', '', '#num', '=je_suis', '#pills+poison'];

test('every name is found at its row, and its row gives it back', () => {
  const index = FeatureIndex.fromNames(names);
  expect(index.size).toBe(names.length);
  names.forEach((n, i) => {
    expect(index.get(n)).toBe(i);
    expect(index.name(i)).toBe(n);
  });
});

test('a name the model does not know is -1, also when it shares a prefix or its bytes', () => {
  const index = FeatureIndex.fromNames(names);
  for (const other of ['logements', 'logemen', 'Logement', 'e', 'حلي', '\udc00', 'a\ud800b', ' ', 'é\u0301']) expect(index.get(other)).toBe(-1);
});

test('many names: every one is found (the table spreads them)', () => {
  const many = Array.from({ length: 50_000 }, (_, i) => `^${i.toString(36)}>${i % 7 === 0 ? 'ç' : ''}`);
  const index = FeatureIndex.fromNames(many);
  for (let i = 0; i < many.length; i += 1) if (index.get(many[i]) !== i) throw new Error(`${many[i]} not at ${i}`);
  expect(index.get('^zzzzzz>')).toBe(-1);
});

test('rebuilt from its arrays (as read from a model file), it answers the same', () => {
  const index = FeatureIndex.fromNames(names);
  const again = new FeatureIndex(index.bytes.slice(), index.starts.slice());
  names.forEach((n, i) => expect(again.get(n)).toBe(i));
});

test('offsets that do not fit the names, or a name given twice, are refused', () => {
  const { bytes, starts } = FeatureIndex.fromNames(['ab', 'cd']);
  expect(() => new FeatureIndex(bytes, Uint32Array.from([0, 2]))).toThrow();
  expect(() => new FeatureIndex(bytes, Uint32Array.from([1, 2, 4]))).toThrow();
  expect(() => new FeatureIndex(bytes, Uint32Array.from([0, 3, 2, 4]))).toThrow();
  expect(() => new FeatureIndex(bytes.slice(0, 3), starts)).toThrow();
  expect(() => FeatureIndex.fromNames(['ab', 'cd', 'ab'])).toThrow();
});
