/**
 * Which language a short message is in, and explicit requests for a language. Arabic script is
 * Arabic; otherwise each language's stop words vote. Short or mixed texts may give no answer.
 */
import { LANGUAGES, type Lang } from '../catalogue/schema';
import type { Lexicon } from './lexicon';
import { containsPhrase, normalize, tokens } from './normalize';

export class LanguageDetector {
  private readonly stop: Array<[Lang, Set<string>]>;
  private readonly names: Array<[Lang, string]>;
  constructor(lexicons: Record<Lang, Lexicon>) {
    this.stop = LANGUAGES.map((l) => [l, new Set(lexicons[l].stopwords)]);
    // Language names of every lexicon, longest first ("in het nederlands" before "nl").
    this.names = LANGUAGES.flatMap((l) => lexicons[l].language_names.map((n): [Lang, string] => [l, n])).sort((a, b) => b[1].length - a[1].length);
  }

  detect(text: string): { lang: Lang; confidence: number } | undefined {
    if (/[\u0600-\u06FF]/.test(text)) return { lang: 'ar', confidence: 0.95 };
    const words = tokens(normalize(text));
    if (words.length === 0) return undefined;
    // A word shared by k languages ("de": fr, es, ro) gives each of them 1/k of a vote.
    const weight = (w: string) => 1 / Math.max(1, this.stop.filter(([, set]) => set.has(w)).length);
    const scores = this.stop.map(([l, set]) => [l, words.filter((w) => set.has(w)).reduce((s, w) => s + weight(w), 0)] as [Lang, number]).sort((a, b) => b[1] - a[1]);
    const [top] = scores;
    if (top[1] === 0) return undefined;
    const total = scores.reduce((s, x) => s + x[1], 0);
    // Share of the votes, weighed by how many words voted (one shared word proves little).
    const confidence = 0.3 + 0.7 * (top[1] / total) * Math.min(1, top[1] / 3);
    return { lang: top[0], confidence };
  }

  /** "nederlands", "in english please", "عربي", "türkçe", "español", "română" — short messages only. */
  request(text: string): Lang | undefined {
    const norm = normalize(text);
    const words = tokens(norm);
    if (words.length === 0 || words.length > 4) return undefined;
    const hit = this.names.find(([, n]) => n.length > 2 && containsPhrase(norm, n));
    if (hit) return hit[0];
    if (words.length === 1) return this.names.find(([, n]) => n === norm)?.[0];
    return undefined;
  }
}
