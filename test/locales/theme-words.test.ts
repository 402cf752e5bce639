/**
 * The lexicons' theme words vote for their theme wherever they stand, in every language. A word
 * that, in the labelled utterances of data/nlu/, is mostly about something else ("casa", "home",
 * "maison": people mention home in every situation) is not evidence of the theme and must not vote,
 * and that holds in the messages of each language, since a word votes in all of them.
 */
import { LANGUAGES } from '../../src/catalogue/schema';
import { loadLexicons } from '../../src/nlu/lexicon';
import { containsPhrase, normalize } from '../../src/nlu/normalize';
import { loadTrainingData } from '../../src/nlu/training-data';

const lexicons = loadLexicons();
const utterances = loadTrainingData().map((d) => ({ ...d, norm: normalize(d.text) }));

test.each([...LANGUAGES])('%s: no theme word is mostly found in messages about something else', (lang) => {
  const misleading: string[] = [];
  for (const [theme, words] of Object.entries(lexicons[lang].facts.theme ?? {}))
    for (const w of words) {
      // Language by language: "one" (the ONE, in French) votes in English messages too, where it is a number.
      for (const among of LANGUAGES) {
        const found = utterances.filter((u) => u.lang === among && containsPhrase(u.norm, w));
        const elsewhere = found.filter((u) => u.label !== theme).length;
        if (elsewhere >= 2 && elsewhere >= found.length / 2) misleading.push(`${theme}: "${w}" (in ${among}: ${elsewhere} of ${found.length} elsewhere)`);
      }
    }
  expect(misleading).toEqual([]);
});
