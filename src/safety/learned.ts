/**
 * The learned half of the safety net: a softmax classifier (src/nlu/classifier.ts) over the
 * danger categories and `none`, trained on labelled messages written apart from the patterns
 * (data/safety/train, data/safety/dev). Its features are those of the theme classifier (words,
 * stems, character n-grams that carry typos and missing accents, Arabizi skeletons) plus word pairs
 * and the danger concepts (concepts.ts) and their pairs, so that what was learnt in one language
 * and one wording reaches the others. A message with several dangers is learnt once per category.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { features, type Featurizer, type MessageClassifier } from '../nlu/classifier';
import { sharedModel } from '../nlu/model-cache';
import { normalize, tokens } from '../nlu/normalize';
import { loadConcepts, type ConceptIndex } from './concepts';
import type { Category } from './detect';
import { everydayMessages, labelledSets } from './training-set';

export const NONE = 'none';
export const DANGER = 'danger';

/** The classifier's features and the danger concepts, alone and in pairs. */
export function safetyFeaturizer(concepts: ConceptIndex): Featurizer {
  return (text: string) => {
    const norm = normalize(text);
    const out = features(text);
    const words = tokens(norm);
    for (let i = 0; i + 1 < words.length; i++) out.push(`=${words[i]}_${words[i + 1]}`);
    const cs = concepts.of(norm);
    for (let i = 0; i < cs.length; i++) {
      out.push(`#${cs[i]}`);
      for (let j = i + 1; j < cs.length; j++) out.push(`#${cs[i]}+${cs[j]}`);
    }
    return out;
  };
}

/** Documents for the gate: is there a danger at all (every category pooled) or not. */
export function gateDocs(examples: Array<{ text: string; labels: readonly string[]; weight?: number }>): Array<{ text: string; label: string; weight?: number }> {
  return examples.map((e) => ({ text: e.text, label: e.labels.length ? DANGER : NONE, ...(e.weight === undefined ? {} : { weight: e.weight }) }));
}

/** Documents for the kind of danger: crisis messages only, once per category. */
export function kindDocs(examples: Array<{ text: string; labels: readonly string[] }>): Array<{ text: string; label: string }> {
  return examples.flatMap((e) => e.labels.map((label) => ({ text: e.text, label })));
}

export interface LearnedScore {
  /** How likely the message tells a danger at all (the gate). */
  danger: number;
  /** The categories, most likely first (the kind model; meaningful when there is a danger). */
  categories: Array<{ category: Category; p: number }>;
}

/**
 * Two models: a gate that pools every kind of danger against ordinary messages (each category has
 * few examples; together they teach what danger sounds like), and a model of the kind of danger,
 * trained on crisis messages only, which picks the numbers.
 */
export class LearnedSafety {
  constructor(
    private readonly gate: MessageClassifier,
    private readonly kind: MessageClassifier,
  ) {}

  score(text: string): LearnedScore {
    const g = this.gate.classify(text);
    const danger = g.find((s) => s.label === DANGER)?.p ?? 0;
    const kinds = this.kind.classify(text);
    return { danger, categories: kinds.map((s) => ({ category: s.label as Category, p: s.p })) };
  }
}

export interface LearnedOptions {
  /** data/safety (train/, dev/, concepts.json). */
  dir: string;
  /** Where trained models are kept (model-cache.ts); undefined: trained at every start. */
  cacheDir?: string;
  /** The labelled examples to learn from (default: training-set.ts). */
  examples?: Array<{ text: string; labels: readonly string[]; weight?: number }>;
}

/** Training options, chosen by leave-one-writer-out cross-validation (bench/safety-cv.ts). */
export const SAFETY_TRAINING = { epochs: 10, noisyCopies: 2, l2: 2e-4 };

export function trainLearnedSafety(opts: LearnedOptions): LearnedSafety {
  const concepts = loadConcepts(path.join(opts.dir, 'concepts.json'));
  const examples = opts.examples ?? [...labelledSets(opts.dir), ...everydayMessages(opts.dir)];
  const featurize = safetyFeaturizer(concepts);
  const fingerprint = createHash('sha256').update('safety-features-v1').update(concepts.source).update(fs.readFileSync(__filename)).digest('hex');
  const custom = { featurize, fingerprint };
  return new LearnedSafety(sharedModel(gateDocs(examples), SAFETY_TRAINING, opts.cacheDir, custom), sharedModel(kindDocs(examples), SAFETY_TRAINING, opts.cacheDir, custom));
}
