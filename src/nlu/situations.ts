/**
 * The situation a message tells within its theme — the kind of mental-health or loneliness help
 * wanted, the housing situation, the screening, the substance, the pregnancy — read by a classifier
 * per fact, for what the lexicons' phrases did not find: people tell these in more ways than any
 * list of phrases holds ("je voudrais voir du monde" / "sortir un peu de chez moi" / "un club").
 *
 * Each model learns from first messages written apart with the facts a human read in them
 * (data/nlu/facts-dev*), from messages that name a theme without its situation (the `none` label:
 * not every message about housing says which housing problem), and from the lexicons' phrases.
 * Same model and features as the theme classifier (classifier.ts), kept in the same cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LANGUAGES, type Lang } from '../catalogue/schema';
import type { MessageClassifier } from './classifier';
import type { Lexicon } from './lexicon';
import { sharedModel } from './model-cache';
import { normalize, tokens } from './normalize';
import { FACT_THEMES } from './themes';
import { readLangFiles } from './training-data';

/** A first message as written apart, with the facts a human read in it. */
export interface FirstMessage {
  text: string;
  facts: Record<string, unknown>;
}

export interface SituationGuess {
  fact: string;
  value: string;
  confidence: number;
}

/** The label of a message that says no value of the fact. */
export const NO_SITUATION = 'none';
/**
 * How sure each model must be before its reading counts as told: chosen by 5-fold cross-validation
 * on the development sets (bench/situations-cv.ts, bench/results/situations-cv.md), as the lowest
 * threshold from 0.5 where at least 95% of the facts it fills are right, counting every fill of a
 * message that told none as wrong (among them, asks for help with verbs of seeking, "ik zoek hulp
 * voor mijn woning", which the conversation tests had shown read as looking for housing). The
 * substance model never got there (the phrases read 100% of it): it fills nothing.
 */
export const SITUATION_CONFIDENCE: Readonly<Record<string, number>> = { housing_situation: 0.7, screening: 0.5, pregnancy_status: 0.5, mh_need: 0.5, isolation_need: 0.7 };
/**
 * A message of fewer words names its theme, seldom its situation ("je me sens seul", "housing",
 * "je suis sans logement"): the phrases read what it says, the model does not guess. The
 * development sets have few such messages, so the cross-validation could not see these guesses;
 * the conversation tests did.
 */
export const SITUATION_MIN_WORDS = 5;
/** Messages about another theme teach what is no situation of this one, at this weight. */
const OTHER_THEME_WEIGHT = 0.5;
/**
 * A message of the theme that tells no situation, at this weight: they are few against those that
 * tell one, and a fill where none was told costs more than a question (cross-validation: at the
 * same recall, 3 made fewer wrong fills than 1).
 */
const NONE_WEIGHT = 3;
/** Whether the lexicons' phrases are learnt too. */
const PHRASES = true;
/** Features seen in fewer than 6 documents are left out: the five models weigh 4 MB instead of 10, and read as well (bench/situations-cv.ts). */
export const SITUATION_TRAINING = { epochs: 8, seed: 7, noisyCopies: 2, minDocuments: 6 };

const firstMessage = z.object({ text: z.string().min(1).max(2000), facts: z.record(z.string(), z.unknown()) });

/** Every development set of first messages under `nluDir` (facts-dev, facts-dev-2, …, situations-none). */
export function readFirstMessages(nluDir: string): FirstMessage[] {
  if (!fs.existsSync(nluDir)) return [];
  return fs
    .readdirSync(nluDir)
    .filter((d) => /^(facts-dev(-\d+)?|situations-none)$/.test(d))
    .sort()
    .flatMap((d) => readLangFiles(path.join(nluDir, d), firstMessage).flatMap(({ rows }) => rows));
}

/** The documents a fact's model learns from. */
export function situationDocs(
  fact: string,
  theme: string,
  examples: FirstMessage[],
  lexicons: Record<Lang, Lexicon>,
  opts: { phrases?: boolean; noneWeight?: number; otherWeight?: number } = {},
): Array<{ text: string; label: string; weight?: number }> {
  const { phrases = PHRASES, noneWeight = NONE_WEIGHT, otherWeight = OTHER_THEME_WEIGHT } = opts;
  const docs: Array<{ text: string; label: string; weight?: number }> = [];
  for (const m of examples) {
    const value = m.facts[fact];
    if (typeof value === 'string') docs.push({ text: m.text, label: value });
    else docs.push({ text: m.text, label: NO_SITUATION, weight: m.facts.theme === theme ? noneWeight : otherWeight });
  }
  if (phrases) for (const l of LANGUAGES) for (const [value, list] of Object.entries(lexicons[l].facts[fact] ?? {})) for (const phrase of list) docs.push({ text: phrase, label: value });
  return docs;
}

export class SituationReader {
  private readonly models = new Map<string, { fact: string; model: MessageClassifier }>();

  constructor(lexicons: Record<Lang, Lexicon>, examples: FirstMessage[], cacheDir?: string) {
    for (const [fact, theme] of Object.entries(FACT_THEMES)) {
      // A model that may never fill is not worth its memory.
      if (SITUATION_CONFIDENCE[fact] === undefined) continue;
      const docs = situationDocs(fact, theme, examples, lexicons);
      if (new Set(docs.map((d) => d.label)).size < 2) continue;
      this.models.set(theme, { fact, model: sharedModel(docs, SITUATION_TRAINING, cacheDir) });
    }
  }

  /** The theme's situation told in `text`, with the model's confidence; undefined when it reads none. */
  read(text: string, theme: string): SituationGuess | undefined {
    const m = this.models.get(theme);
    const top = m?.model.classify(text)[0];
    if (!m || !top || top.label === NO_SITUATION) return undefined;
    return { fact: m.fact, value: top.label, confidence: top.p };
  }

  /** `read`, only for a message of a few words or more, when the model is sure enough to act on (SITUATION_CONFIDENCE). */
  readSure(text: string, theme: string): SituationGuess | undefined {
    if (tokens(normalize(text)).length < SITUATION_MIN_WORDS) return undefined;
    const s = this.read(text, theme);
    const threshold = s ? SITUATION_CONFIDENCE[s.fact] : undefined;
    return s && threshold !== undefined && s.confidence >= threshold ? s : undefined;
  }
}
