/**
 * The theme of a free-text message. First the lexicons' phrases (whole words, every language,
 * since people mix them); when none is found, a naive Bayes classifier from `natural`, trained at
 * start-up on the same phrases with stemming where natural has a stemmer (fr, nl, en, es) and the
 * raw words otherwise (ar, tr, ro), guesses with a confidence the dialog can reject.
 */
import { BayesClassifier } from 'natural/lib/natural/classifiers';
import { PorterStemmerEs, PorterStemmerFr, PorterStemmerNl, PorterStemmer } from 'natural/lib/natural/stemmers';
import { LANGUAGES, THEMES, type Lang } from '../catalogue/schema';
import type { Lexicon } from './lexicon';
import { containsPhrase, normalize, tokens } from './normalize';

/** Situations that name their theme: a housing situation is about housing, and so on. */
const FACT_THEMES: Record<string, string> = { housing_situation: 'logement', screening: 'depistage', substance: 'assuetudes', pregnancy_status: 'perinatalite', mh_need: 'sante_mentale', isolation_need: 'isolement' };
const STEMMERS: Partial<Record<Lang, { stem(w: string): string }>> = { fr: PorterStemmerFr, nl: PorterStemmerNl, en: PorterStemmer, es: PorterStemmerEs };

function stemmed(text: string): string[] {
  const words = tokens(normalize(text));
  // A word is stemmed by every stemmer we have: the message's language is not known for sure.
  return words.flatMap((w) => [w, ...Object.values(STEMMERS).map((s) => `~${s!.stem(w)}`)]);
}

export class ThemeClassifier {
  private readonly phrases: Array<{ phrase: string; theme: string }> = [];
  private readonly bayes = new BayesClassifier();

  constructor(lexicons: Record<Lang, Lexicon>) {
    for (const l of LANGUAGES) {
      const f = lexicons[l].facts;
      for (const theme of THEMES) for (const p of f.theme?.[theme] ?? []) this.phrases.push({ phrase: p, theme });
      for (const [fact, theme] of Object.entries(FACT_THEMES)) for (const list of Object.values(f[fact] ?? {})) for (const p of list) this.phrases.push({ phrase: p, theme });
    }
    for (const { phrase, theme } of this.phrases) this.bayes.addDocument(stemmed(phrase), theme);
    this.bayes.train();
  }

  classify(text: string): { theme: string; confidence: number } | undefined {
    const norm = normalize(text);
    if (!norm) return undefined;
    const votes = new Map<string, number>();
    for (const { phrase, theme } of this.phrases) if (containsPhrase(norm, phrase)) votes.set(theme, (votes.get(theme) ?? 0) + phrase.split(' ').length);
    if (votes.size) {
      const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1]);
      const total = ranked.reduce((s, [, v]) => s + v, 0);
      return { theme: ranked[0][0], confidence: Math.min(0.95, 0.5 + (0.5 * ranked[0][1]) / total) };
    }
    const cls = this.bayes.getClassifications(stemmed(text));
    const sum = cls.reduce((s, c) => s + c.value, 0);
    if (!cls.length || sum <= 0) return undefined;
    // Bayes over few words is overconfident: it stays below the dialog's threshold for free text
    // (0.55) and only helps when the person answers the theme question in their own words.
    return { theme: cls[0].label, confidence: Math.min(0.5, cls[0].value / sum) };
  }
}
