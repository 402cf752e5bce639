/** Numbers written in words for the cultures Recognizers-Text lacks (nl, ar, tr, ro). */
import { numberBeforeLastWord, numberFromWords, type NumberWordsLang } from '../../src/nlu/number-words';
import { normalize } from '../../src/nlu/normalize';

const cases: Array<[NumberWordsLang, string, number | undefined]> = [
  // Dutch
  ['nl', 'vijfendertig', 35],
  ['nl', 'vijf en dertig', 35],
  ['nl', 'vijfentwintig jaar', 25],
  ['nl', 'Ik ben zesenveertig jaar oud', 46],
  ['nl', 'tweeëntwintig', 22],
  ['nl', 'eenentwintig', 21],
  ['nl', 'honderd', 100],
  ['nl', 'honderdtwintig', 120],
  ['nl', 'honderd en vijf', 105],
  ['nl', 'achttien', 18],
  ['nl', 'achtien', 18],
  ['nl', 'zeventig', 70],
  ['nl', 'mijn zoon is twaalf', 12],
  ['nl', 'nul', 0],
  ['nl', 'een', 1],
  ['nl', 'Eén.', 1],
  ['nl', 'ik heb er één', 1],
  ['nl', 'een jaar', 1],
  ['nl', 'ik heb een kind', 1],
  ['nl', 'ik heb een dochter van negen jaar', 9],
  ['nl', 'ik heb een vraag', undefined],
  ['nl', 'een paar jaar', undefined],
  ['nl', 'ik woon in Tienen', undefined],
  ['nl', 'we vieren zijn verjaardag', undefined],
  ['nl', 'honderdvijftig', undefined],
  ['nl', 'geen idee', undefined],
  ['nl', 'vijf-en-dertig', 35],
  // Arabic
  ['ar', 'خمسة وثلاثين', 35],
  ['ar', 'خمس و ثلاثون', 35],
  ['ar', 'عمري اربعة وعشرين سنة', 24],
  ['ar', 'عشرين', 20],
  ['ar', 'مية', 100],
  ['ar', 'مائة', 100],
  ['ar', 'مئة وعشرين', 120],
  ['ar', 'ربعين', 40],
  ['ar', 'أربعين', 40],
  ['ar', 'تلاتين', 30],
  ['ar', 'خمستاشر', 15],
  ['ar', 'خمسطعش', 15],
  ['ar', 'خمسة عشر', 15],
  ['ar', 'اثنا عشر', 12],
  ['ar', 'خَمْسَة وَثَلَاثِين', 35],
  ['ar', 'واحد', 1],
  ['ar', 'ست سنين', 6],
  ['ar', 'عندي ولد واحد', 1],
  ['ar', 'واحد صاحبي قال لي', undefined],
  ['ar', 'بدي مية', undefined],
  ['ar', 'السلام عليكم', undefined],
  ['ar', 'عندي مشكلة في السكن', undefined],
  // Turkish
  ['tr', 'otuz bes', 35],
  ['tr', 'otuz beş', 35],
  ['tr', 'otuzbes', 35],
  ['tr', 'yirmi', 20],
  ['tr', 'yuz', 100],
  ['tr', 'yüz', 100],
  ['tr', 'yüz yirmi', 120],
  ['tr', 'kirk iki', 42],
  ['tr', 'Kırk iki yaşındayım', 42],
  ['tr', 'on beş', 15],
  ['tr', 'altmış', 60],
  ['tr', 'yirmi bir', 21],
  ['tr', 'bir', 1],
  ['tr', 'bir yaşında', 1],
  ['tr', 'bir çocuğum var', 1],
  ['tr', 'bir sorum var', undefined],
  ['tr', 'çocuk yemek yedi', undefined],
  ['tr', 'merhaba', undefined],
  ['tr', 'yüz elli', undefined],
  // Romanian
  ['ro', 'treizeci si cinci', 35],
  ['ro', 'treizeci și cinci', 35],
  ['ro', 'douazeci', 20],
  ['ro', 'doua zeci si cinci', 25],
  ['ro', 'o suta', 100],
  ['ro', 'o sută douăzeci', 120],
  ['ro', 'saptesprezece', 17],
  ['ro', 'șaptesprezece', 17],
  ['ro', 'unsprezece', 11],
  ['ro', 'doisprezece', 12],
  ['ro', 'douasprezece', 12],
  ['ro', 'am douăzeci și unu de ani', 21],
  ['ro', 'noua', 9],
  ['ro', 'o', 1],
  ['ro', 'o luna', 1],
  ['ro', 'am un copil', 1],
  ['ro', 'am o fată de nouă ani', 9],
  ['ro', 'am o intrebare', undefined],
  ['ro', 'a doua zi', undefined],
  ['ro', 'o casa noua', undefined],
  ['ro', 'buna ziua', undefined],
];

test.each(cases)('%s %s → %p', (lang, text, expected) => {
  expect(numberFromWords(text, lang)).toBe(expected);
});

test.each(cases)('%s normalised %s → %p', (lang, text, expected) => {
  expect(numberFromWords(normalize(text), lang)).toBe(lang === 'nl' && /[éÉ]én/.test(text) && expected === 1 ? expectAccentLost(text) : expected);
});

/** Normalising first drops the accent of "één", so it becomes the ambiguous article again. */
function expectAccentLost(text: string): number | undefined {
  return normalize(text).split(' ').length === 1 ? 1 : undefined;
}

/** The number right before a unit the caller found (the last word): ages and weeks in free text. */
const beforeUnit: Array<[NumberWordsLang, string, number | undefined]> = [
  ['nl', 'ik ben vijfenveertig jaar', 45],
  ['nl', 'ik heb twee kinderen en ben vijf en veertig jaar', 45],
  ['nl', 'een jaar', 1],
  ['nl', 'een paar jaar', undefined],
  ['nl', 'honderd vijftig jaar', undefined],
  ['ar', 'عمري خمسة وأربعين سنة', 45],
  ['ar', 'عندي ولدين وعمري ثلاثين سنة', 30],
  ['ar', 'خمسطعش سنة', 15],
  ['tr', 'kırk beş yaşındayım', 45],
  ['tr', 'iki çocuğum var ve otuz yaşındayım', 30],
  ['tr', 'bir yaşında', 1],
  ['tr', 'yüz elli yaş', undefined],
  ['ro', 'am doua zeci si cinci ani', 25],
  ['ro', 'o luna', 1],
  ['ro', 'a doua luna', undefined],
  ['ro', 'am o fată de nouă ani', 9],
  ['ro', 'ani', undefined],
];

test.each(beforeUnit)('%s before the unit: %s → %p', (lang, text, expected) => {
  expect(numberBeforeLastWord(text, lang)).toBe(expected);
});
