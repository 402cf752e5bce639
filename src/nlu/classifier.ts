/**
 * Theme and intent of a free-text message, learnt at start-up from labelled utterances
 * (data/nlu/<lang>.json and the lexicons' phrases): a multinomial logistic regression (softmax)
 * over sparse binary features, trained with AdaGrad in a few seeded passes.
 *
 * Features of each word: the word, its stems (natural's stemmers where it has one, our light
 * stemmers elsewhere: stemming.ts) and its character 3- to 5-grams with word boundaries. The
 * n-grams are what carry typos, missing accents and agglutinated words ("anderlech", "evimden",
 * "jsui") to the words the model has seen. Measured against the models it replaced with 5-fold
 * cross-validation on the training files (bench/nlu-cv.ts): natural's BayesClassifier 41–59%,
 * our multinomial naive Bayes on words and stems 67%, the same with n-grams 73%, this model 78%.
 * One model for every language, since people mix them within one message.
 */
import { normalize, tokens } from './normalize';
import { arabiziFeatures, isArabiziWord } from './arabizi';
import { FeatureIndex } from './feature-index';
import { wordFeatures } from './stemming';
import { noisyCopy, seededRandom } from './typing-noise';

const MIN_GRAM = 3;
const MAX_GRAM = 5;

/**
 * Stemming is the costly part, and people reuse words: each word's features are kept once made,
 * about 850 bytes a word. The messages people write keep up to 5,000 words (a running server kept
 * up to 50,000, some 40 MB, for as long as it ran); training, which reads every word of its
 * documents and their copies three times, keeps up to 50,000 while it does (with 5,000 the theme
 * model took 50% longer to train).
 */
const wordCache = new Map<string, string[]>();
const WORD_CACHE_SIZE = 5_000;
const TRAINING_WORD_CACHE_SIZE = 50_000;
let wordCacheSize = WORD_CACHE_SIZE;

/** The features of one normalised word: itself, its stems and its character n-grams. */
function featuresOfWord(word: string): string[] {
  const cached = wordCache.get(word);
  if (cached) return cached;
  const out = wordFeatures(word);
  if (!/^\d+$/.test(word)) {
    const padded = `<${word}>`;
    for (let n = MIN_GRAM; n <= MAX_GRAM; n++) for (let i = 0; i + n <= padded.length; i++) out.push(`^${padded.slice(i, i + n)}`);
  }
  if (wordCache.size >= wordCacheSize) wordCache.clear();
  wordCache.set(word, out);
  return out;
}

export function features(text: string): string[] {
  const out = new Set<string>();
  const words = tokens(normalize(text));
  for (const w of words) for (const f of featuresOfWord(w)) out.add(f);
  // In a message written in Arabizi, Latin words also meet Arabic script on their skeleton
  // (arabizi.ts); elsewhere they do not: "hulp" is not حليب.
  if (words.some(isArabiziWord)) for (const w of words) for (const f of arabiziFeatures(w)) out.add(f);
  return [...out];
}

export interface Scored {
  label: string;
  p: number;
}

export interface TrainingOptions {
  /** Passes over the data (8 was the knee of the cross-validation curve). */
  epochs?: number;
  /** AdaGrad base learning rate. */
  rate?: number;
  /**
   * L2 penalty per update: keeps one-off words from dominating. Cross-validation: 5e-4 (with the
   * thresholds re-chosen: theme 0.5, command 0.45) kept 0.3 points more in scope and rejected 1.5
   * points more out-of-scope messages than 1e-4.
   */
  l2?: number;
  /** Seed of the shuffle and of the noisy copies, so that the same data always gives the same model. */
  seed?: number;
  /** Noisy copies (typing-noise.ts) learnt alongside each utterance (2: cross-validation gained 1.1 points, 4 no more). */
  noisyCopies?: number;
  /** A feature seen in fewer documents than this is left out (default MIN_DOCUMENTS): fewer, smaller weights. */
  minDocuments?: number;
}

/** A feature seen in fewer documents (utterances and their copies) than this is noise, not evidence. */
const MIN_DOCUMENTS = 2;
/** Gradients smaller than this are skipped: most labels are settled after the first pass. */
const SETTLED = 1e-3;

/**
 * What the training reads, made once: every document's known features (their rows), one document
 * after the other in a single array (document r: features[starts[r]] up to features[starts[r + 1]]),
 * with its label and weight; documents without a known feature are left out. Made in a function
 * of its own so that the texts' feature names are garbage before the training starts, and in one
 * array because 100,000 small ones (the safety gate's documents and their copies) fragmented the
 * memory allocator: the process stayed some 50 MB larger after training.
 */
function learningRows(docs: Array<{ text: string; label: string; weight?: number }>, labels: string[], featurize: Featurizer, seed: number, noisyCopies: number, minDocuments: number) {
  const noise = seededRandom(seed);
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const featured: Array<{ y: number; f: string[]; w: number }> = [];
  wordCacheSize = TRAINING_WORD_CACHE_SIZE;
  try {
    for (const d of docs) featured.push({ y: labelIndex.get(d.label)!, f: featurize(d.text), w: d.weight ?? 1 });
    // Copies as people would type the utterances (typing-noise.ts); their misspelt n-grams count as
    // evidence like any other feature (cross-validation: 87.6% against 87.0% when only the
    // utterances as written decide which features count).
    for (let c = 0; c < noisyCopies; c++) for (const d of docs) featured.push({ y: labelIndex.get(d.label)!, f: featurize(noisyCopy(d.text, noise)), w: d.weight ?? 1 });
  } finally {
    // What the training texts' words made is no use to the messages people will write.
    wordCacheSize = WORD_CACHE_SIZE;
    wordCache.clear();
  }
  const seen = new Map<string, number>();
  for (const d of featured) for (const f of d.f) seen.set(f, (seen.get(f) ?? 0) + 1);
  const index = new Map<string, number>();
  for (const [f, n] of seen) if (n >= minDocuments) index.set(f, index.size);
  seen.clear();
  let known = 0;
  let count = 0;
  for (const d of featured) {
    let n = 0;
    for (const x of d.f) if (index.has(x)) n++;
    known += n;
    if (n > 0) count++;
  }
  const rows = { names: FeatureIndex.fromNames([...index.keys()]), count, features: new Int32Array(known), starts: new Int32Array(count + 1), labels: new Int32Array(count), weights: new Float64Array(count) };
  let r = 0;
  let at = 0;
  for (const d of featured) {
    const from = at;
    for (const x of d.f) {
      const id = index.get(x);
      if (id !== undefined) rows.features[at++] = id;
    }
    if (at === from) continue;
    rows.labels[r] = d.y;
    rows.weights[r] = d.w;
    rows.starts[++r] = at;
  }
  return rows;
}

/** A trained model as stored (model-cache.ts): its labels, feature names and weights. */
export interface ModelState {
  labels: string[];
  /** The feature names; row i of the weights is feature i. */
  features: FeatureIndex;
  /** features × labels, row-major. */
  weights: Float32Array;
  bias: Float32Array;
}

/** Turns a text into its feature names (`features` for the theme classifier; the safety net adds its own). */
export type Featurizer = (text: string) => string[];

export class MessageClassifier {
  readonly labels: string[];
  private readonly index: FeatureIndex;
  private readonly featurize: Featurizer;
  private readonly weights: Float32Array;
  private readonly bias: Float32Array;

  /** A model trained before, as it was (no training). */
  static fromState(state: ModelState, featurize: Featurizer = features): MessageClassifier {
    if (state.weights.length !== state.features.size * state.labels.length || state.bias.length !== state.labels.length) throw new Error('model state: sizes do not match');
    const m = Object.create(MessageClassifier.prototype) as MessageClassifier;
    Object.assign(m, { labels: state.labels, index: state.features, weights: state.weights, bias: state.bias, featurize });
    return m;
  }

  state(): ModelState {
    return { labels: this.labels, features: this.index, weights: this.weights, bias: this.bias };
  }

  constructor(docs: Array<{ text: string; label: string; weight?: number }>, opts: TrainingOptions = {}, featurize: Featurizer = features) {
    const { epochs = 8, rate = 0.5, l2 = 5e-4, seed = 1, noisyCopies = 2, minDocuments = MIN_DOCUMENTS } = opts;
    this.featurize = featurize;
    this.labels = [...new Set(docs.map((d) => d.label))];
    const L = this.labels.length;
    const rows = learningRows(docs, this.labels, featurize, seed, noisyCopies, minDocuments);
    this.index = rows.names;

    this.weights = new Float32Array(this.index.size * L);
    this.bias = new Float32Array(L);
    const squares = new Float32Array(this.index.size * L);
    const z = new Float64Array(L);
    const random = seededRandom(seed);
    const order = Array.from({ length: rows.count }, (_, i) => i);
    for (let e = 0; e < epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const r of order) {
        const y = rows.labels[r];
        const weight = rows.weights[r];
        const f = rows.features.subarray(rows.starts[r], rows.starts[r + 1]);
        const scale = 1 / Math.sqrt(f.length);
        this.scoresInto(f, scale, z);
        for (let c = 0; c < L; c++) {
          // A weighted document counts as that many copies of itself.
          const g = weight * (z[c] - (c === y ? 1 : 0));
          // A label the model already rules out for this message has nothing left to learn from it.
          if (Math.abs(g) < SETTLED) continue;
          this.bias[c] -= rate * 0.1 * g;
          for (let k = 0; k < f.length; k++) {
            const w = f[k] * L + c;
            const grad = g * scale + l2 * this.weights[w];
            squares[w] += grad * grad;
            this.weights[w] -= (rate * grad) / Math.sqrt(squares[w] + 1e-8);
          }
        }
      }
    }
  }

  /** Softmax of the linear scores of the given feature ids, written into z. */
  private scoresInto(f: Int32Array | number[], scale: number, z: Float64Array): void {
    const L = this.labels.length;
    let max = -Infinity;
    for (let c = 0; c < L; c++) {
      let s = this.bias[c];
      for (let k = 0; k < f.length; k++) s += this.weights[f[k] * L + c] * scale;
      z[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let c = 0; c < L; c++) sum += z[c] = Math.exp(z[c] - max);
    for (let c = 0; c < L; c++) z[c] /= sum;
  }

  /** Every label with its probability (summing to 1), best first; empty when nothing in the text is known. */
  classify(text: string): Scored[] {
    const f: number[] = [];
    for (const x of this.featurize(text)) {
      const row = this.index.get(x);
      if (row >= 0) f.push(row);
    }
    if (!f.length) return [];
    const z = new Float64Array(this.labels.length);
    this.scoresInto(f, 1 / Math.sqrt(f.length), z);
    return this.labels.map((label, c) => ({ label, p: z[c] })).sort((a, b) => b.p - a.p);
  }
}
