/**
 * Copies of a training utterance as people type on a phone: a letter dropped, two letters
 * swapped, a letter doubled, a small word left out. The classifier learns from these too, so that a
 * typo it never saw still lands near the word it was meant to be ("logment", "pyschologue").
 * Seeded: the same utterances always give the same copies, hence the same model.
 */
import { normalize, tokens } from './normalize';

/** Share of words that get a typo in a copy. */
const TYPO_RATE = 0.3;
/** Share of words left out of a copy (never in a message of one or two words). */
const DROP_RATE = 0.1;
/** Words shorter than this are typed right (a typo in "de" makes another word). */
const MIN_TYPO_LENGTH = 4;

export type Random = () => number;

/** A Park–Miller generator: small, seeded, the same on every machine. */
export function seededRandom(seed: number): Random {
  let state = seed % 2147483647 || 1;
  return () => (state = (state * 16807) % 2147483647) / 2147483647;
}

/** One typo inside a word (first and last letters kept: people get those right most often). */
export function withTypo(word: string, random: Random): string {
  const letters = [...word];
  if (letters.length < MIN_TYPO_LENGTH) return word;
  const i = 1 + Math.floor(random() * (letters.length - 2));
  const r = random();
  if (r < 0.4) letters.splice(i, 1);
  else if (r < 0.7 && i + 1 < letters.length - 1) [letters[i], letters[i + 1]] = [letters[i + 1], letters[i]];
  else letters.splice(i, 0, letters[i]);
  return letters.join('');
}

/** A noisy copy of a text (normalised), never empty. */
export function noisyCopy(text: string, random: Random): string {
  const words = tokens(normalize(text));
  const kept = words.filter(() => words.length < 3 || random() >= DROP_RATE);
  const out = (kept.length ? kept : words).map((w) => (random() < TYPO_RATE ? withTypo(w, random) : w));
  return out.join(' ');
}
