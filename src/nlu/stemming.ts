/**
 * Word stems for the classifier. natural has stemmers for French, Dutch, English and Spanish; for
 * Turkish, Romanian and Arabic it has none, so we use small light stemmers of our own: Arabic
 * prefixes (و ف ب ل ك ال) and suffixes (ها ات ون ين ية ة ه ي …) stripped; Turkish and Romanian
 * words cut to their first five letters, which keeps the root of most inflected forms
 * ("evimden" → "evimd", "kiranin" → "kiran", "chiriei" → "chiri"). The message's language is not
 * known for sure (people mix them), so a word gets every stem that applies to its script.
 */
// One module each, not natural's index of every stemmer (natural-modules.d.ts).
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer';
import PorterStemmerEs from 'natural/lib/natural/stemmers/porter_stemmer_es';
import PorterStemmerFr from 'natural/lib/natural/stemmers/porter_stemmer_fr';
import PorterStemmerNl from 'natural/lib/natural/stemmers/porter_stemmer_nl';
import { skeletonFeatures } from './arabizi';

const NATURAL_STEMMERS = [PorterStemmerFr, PorterStemmerNl, PorterStemmer, PorterStemmerEs];
const ARABIC = /[\u0600-\u06FF]/;
const ARABIC_PREFIXES = ['وال', 'بال', 'كال', 'فال', 'لل', 'ال', 'و', 'ف', 'ب', 'ل'];
const ARABIC_SUFFIXES = ['هما', 'كما', 'ات', 'ون', 'ين', 'ان', 'ية', 'ها', 'هم', 'كم', 'نا', 'ني', 'ة', 'ه', 'ي', 'ك'];

/** Light Arabic stem: at most one prefix and one suffix, never below three letters. */
export function arabicStem(word: string): string {
  let w = word;
  const p = ARABIC_PREFIXES.find((x) => w.startsWith(x) && w.length - x.length >= 3);
  if (p) w = w.slice(p.length);
  const s = ARABIC_SUFFIXES.find((x) => w.endsWith(x) && w.length - x.length >= 3);
  if (s) w = w.slice(0, -s.length);
  return w;
}

/** Root-ish prefix for languages without a stemmer (Turkish, Romanian). */
export function prefixStem(word: string, length = 5): string {
  return word.length > length + 1 ? word.slice(0, length) : word;
}

/** The features of one normalised word: itself and its stems, each marked so they cannot collide. */
export function wordFeatures(word: string): string[] {
  // Arabic script also gives its consonant skeletons, which Arabizi messages share (arabizi.ts).
  if (ARABIC.test(word)) {
    const stem = arabicStem(word);
    return [word, `~${stem}`, ...skeletonFeatures([word, stem])];
  }
  if (/^\d+$/.test(word)) return ['#num'];
  const stems = new Set(NATURAL_STEMMERS.map((s) => s.stem(word)));
  stems.add(prefixStem(word));
  return [word, ...[...stems].map((s) => `~${s}`)];
}
