import { takePhrases } from '../../src/nlu/normalize';

/** A long lexicon (indexed by first word) must read a text exactly as a short one (tried in order). */
const filler = Array.from({ length: 40 }, (_, i) => ({ phrase: `mot${i} filler`, fact: `f${i}` }));
const lexicon = [
  { phrase: 'pas de mutuelle', fact: 'insured' },
  { phrase: 'parler a quelqu un', fact: 'mh_need' },
  { phrase: 'parler a quelqu un', fact: 'isolation_need' },
  { phrase: 'mutuelle', fact: 'insured_yes' },
  { phrase: 'enceinte', fact: 'pregnancy' },
  ...filler,
].sort((a, b) => b.phrase.length - a.phrase.length);

const cases: Array<[string, string[], string]> = [
  ['je n ai pas de mutuelle', ['insured'], 'je n ai ;'],
  ['j ai une mutuelle', ['insured_yes'], 'j ai une ;'],
  ['je veux parler a quelqu un je suis enceinte', ['mh_need', 'isolation_need', 'pregnancy'], 'je veux ; je suis ;'],
  ['mot3 filler et mot3 mais pas mot39', ['f3'], '; et mot3 mais pas mot39'],
  ['rien de tout cela', [], 'rien de tout cela'],
  ['', [], ''],
];

test.each(cases)('%p → %p', (text, facts, rest) => {
  const short = lexicon.filter((i) => !i.fact.startsWith('f'));
  for (const items of facts.some((f) => /^f\d/.test(f)) ? [lexicon] : [lexicon, short]) {
    const found: string[] = [];
    const left = takePhrases(text, items, (i) => (found.push(i.fact), true));
    expect(found.sort()).toEqual([...facts].sort());
    expect(left).toBe(rest);
  }
});

test('an item refused by the caller leaves its words for a shorter phrase', () => {
  const found: string[] = [];
  takePhrases('pas de mutuelle', lexicon, (i) => (found.push(i.fact), i.fact !== 'insured'));
  expect(found).toEqual(['insured', 'insured_yes']);
});
