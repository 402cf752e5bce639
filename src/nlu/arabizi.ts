/**
 * One spelling for Arabic words whichever script they are typed in. Many people write Arabic
 * (Darija, Levantine, Egyptian) in Latin letters with digits for the sounds Latin lacks
 * ("3andi mochkil", "bghit n7der"), others in Arabic script ("عندي مشكل", "بغيت نهضر"). Both are
 * brought to a consonant skeleton ("3nd", "mckl"), so that what the classifier learnt from one script
 * carries to the other. Short vowels are not written in Arabic script, so vowels (and the
 * letters that stand for long vowels, ا و ي) are left out on both sides. Latin words get a
 * skeleton only in a message with an Arabizi word (a digit for a sound): in a Dutch message, "hulp"
 * must not meet حليب (milk). Cross-validation on the training files: Arabic 82.0% → 84.6%, other
 * languages unchanged.
 */

const FROM_ARABIC: Record<string, string> = {
  'ب': 'b', 'ت': 't', 'ث': 't', 'ج': 'j', 'ح': 'h', 'خ': 'x', 'د': 'd', 'ذ': 'd', 'ر': 'r', 'ز': 'z', 'س': 's', 'ش': 'c', 'ص': 's', 'ض': 'd', 'ط': 't', 'ظ': 'd', 'ع': '3', 'غ': 'g', 'ف': 'f', 'ق': 'q', 'ك': 'k', 'ل': 'l', 'م': 'm', 'ن': 'n', 'ه': 'h', 'گ': 'g', 'ڭ': 'g', 'پ': 'b', 'ڤ': 'f', 'چ': 'c',
};
/** Latin letter pairs first ("ch" is one sound), then single letters and the digits of Arabizi. */
const LATIN_PAIRS: Array<[RegExp, string]> = [[/dj/g, 'j'], [/ch|sh/g, 'c'], [/kh/g, 'x'], [/gh/g, 'g'], [/th/g, 't'], [/dh/g, 'd']];
const FROM_LATIN: Record<string, string> = { '3': '3', '7': 'h', '5': 'x', '9': 'q', '8': 'g', p: 'b', v: 'f' };
const VOWELS = /[aeiouyw2]/g;

/** The consonant skeleton of one normalised word, or undefined when too short to say anything. */
export function arabicSkeleton(word: string): string | undefined {
  let s: string;
  // A final ة (ه once normalised) is said "a" ("khedma" خدمة): a vowel, left out like the others.
  if (/[\u0600-\u06FF]/.test(word)) s = [...word.replace(/[هة]$/, '')].map((ch) => FROM_ARABIC[ch] ?? '').join('');
  else {
    s = word;
    for (const [re, to] of LATIN_PAIRS) s = s.replace(re, to);
    s = s.replace(VOWELS, '').replace(/[0-9pv]/g, (ch) => FROM_LATIN[ch] ?? '').replace(/[^a-z3]/g, '');
  }
  s = s.replace(/(.)\1+/g, '$1');
  return s.length >= 2 ? s : undefined;
}

/** A word of letters with a digit for an Arabic sound ("3andi", "m3a", "7bes", "9albi"): Arabizi. */
export function isArabiziWord(word: string): boolean {
  return /^(?=.*[a-z])(?=.*[235789])[a-z0-9]+$/.test(word);
}

/** "lbdya" → "bdya", "w7di" → "7di": the article or conjunction glued to an Arabizi word, as arabicStem strips ال و ب ف. */
export function withoutArabiziArticle(word: string): string {
  return word.replace(/^(el|al|l|w|b|f)(?=[^aeiou])/, '');
}

/** The skeleton features (marked %) of a word's forms. */
export function skeletonFeatures(forms: string[]): string[] {
  return [...new Set(forms.map(arabicSkeleton).filter((x): x is string => !!x))].map((x) => `%${x}`);
}

/** The skeleton features of a Latin word of an Arabizi message (with and without its glued article). */
export function arabiziFeatures(word: string): string[] {
  return /[a-z]/.test(word) ? skeletonFeatures([word, withoutArabiziArticle(word)]) : [];
}
