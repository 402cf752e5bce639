/**
 * Theme and intent of a free-text message, learnt at start-up from labelled utterances
 * (data/nlu/<lang>.json and the lexicons' phrases): a multinomial naive Bayes over words and their
 * stems (natural's stemmers where it has one, our light stemmers elsewhere: stemming.ts), with
 * Laplace smoothing and equal priors (the files do not say how often people write each thing).
 * natural's own BayesClassifier was measured first and left aside: it scores present features
 * only, per class document count, which favours the labels with fewer examples — 41–59% against
 * 63–67% for this model in 5-fold cross-validation on the same features (bench/nlu-cv.ts).
 * Sparse counts: a classification costs a few hash lookups per word and label.
 */
import { normalize, tokens } from './normalize';
import { wordFeatures } from './stemming';

export function features(text: string): string[] {
  return [...new Set(tokens(normalize(text)).flatMap(wordFeatures))];
}

export interface Scored {
  label: string;
  p: number;
}

const ALPHA = 0.1;
/** A feature seen in fewer documents than this is noise (a one-off typo, a name), not evidence. */
const MIN_DOCUMENTS = 2;
/** A feature spread over many labels ("where", "mon") says nothing: its main label must hold this share. */
const MIN_MAIN_SHARE = 0.4;

export class MessageClassifier {
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly totals = new Map<string, number>();
  private readonly vocab = new Set<string>();
  readonly labels: string[];

  constructor(docs: Array<{ text: string; label: string }>) {
    const seen = new Map<string, Map<string, number>>();
    const featured = docs.map((d) => ({ label: d.label, f: features(d.text) }));
    for (const d of featured)
      for (const f of d.f) {
        const byLabel = seen.get(f) ?? new Map<string, number>();
        byLabel.set(d.label, (byLabel.get(d.label) ?? 0) + 1);
        seen.set(f, byLabel);
      }
    for (const [f, byLabel] of seen) {
      const n = [...byLabel.values()].reduce((a, b) => a + b, 0);
      if (n >= MIN_DOCUMENTS && Math.max(...byLabel.values()) / n >= MIN_MAIN_SHARE) this.vocab.add(f);
    }
    for (const d of featured) {
      let m = this.counts.get(d.label);
      if (!m) this.counts.set(d.label, (m = new Map()));
      for (const f of d.f) {
        if (!this.vocab.has(f)) continue;
        m.set(f, (m.get(f) ?? 0) + 1);
        this.totals.set(d.label, (this.totals.get(d.label) ?? 0) + 1);
      }
    }
    this.labels = [...this.counts.keys()];
  }

  /** The classifier has evidence about this word (or one of its stems). */
  knows(word: string): boolean {
    return features(word).some((f) => this.vocab.has(f));
  }

  /** Every label with its probability (summing to 1), best first; empty when no word is known. */
  classify(text: string): Scored[] {
    const f = features(text).filter((x) => this.vocab.has(x));
    if (!f.length) return [];
    const V = this.vocab.size;
    const logs = this.labels.map((label) => {
      const m = this.counts.get(label)!;
      const denom = Math.log((this.totals.get(label) ?? 0) + ALPHA * V);
      return { label, s: f.reduce((s, x) => s + Math.log((m.get(x) ?? 0) + ALPHA) - denom, 0) };
    });
    const max = Math.max(...logs.map((l) => l.s));
    const exp = logs.map((l) => ({ label: l.label, e: Math.exp(l.s - max) }));
    const sum = exp.reduce((s, x) => s + x.e, 0);
    return exp.map((x) => ({ label: x.label, p: x.e / sum })).sort((a, b) => b.p - a.p);
  }
}
