/**
 * What the learned safety classifier learns from: the labelled crisis and ordinary messages of
 * data/safety/train and data/safety/dev, and the NLU training utterances (data/nlu) as ordinary
 * messages — what residents write every day — except those the patterns flag (a few of them tell a
 * danger on purpose: "je dors dans la rue" is a housing message and a night outside).
 */
import path from 'node:path';
import { z } from 'zod';
import { defaultTrainingDir, loadTrainingData, readLangFiles } from '../nlu/training-data';
import { CATEGORIES, compileDetector } from './detect';

const example = z.object({
  text: z.string().min(1).max(1000),
  labels: z.array(z.enum(CATEGORIES)),
  kind: z.string().optional(),
  register: z.string().optional(),
  writer: z.string().optional(),
});
export type SafetyExample = z.infer<typeof example> & { lang: string };

/** One labelled set: <dir>/<lang>.json. */
export function readSafetySet(dir: string): SafetyExample[] {
  return readLangFiles(dir, example).flatMap(({ lang, rows }) => rows.map((e) => ({ ...e, lang })));
}

/**
 * How much an everyday message (the NLU's utterances, negatives of the gate) counts against a
 * written one. With 7 writers the CV preferred 0.05, measuring false alarms on look-alikes only;
 * with 15 writers and the CV also scoring held-back everyday messages (bench/safety-cv.ts,
 * 2026-12-06), recall at the same everyday false-alarm rate rose with the weight up to 0.6–1
 * (at ~3% everyday alarms: 0.05 → 90%, 0.15 → 92%, 0.3 → 93%, 1 → 94%), look-alikes unchanged.
 */
export const EVERYDAY_WEIGHT = 1;

export interface WeightedExample {
  text: string;
  labels: readonly string[];
  weight?: number;
  writer?: string;
  lang?: string;
}

export function labelledSets(dir: string): SafetyExample[] {
  return [...readSafetySet(path.join(dir, 'train')), ...readSafetySet(path.join(dir, 'dev')), ...firstMessages()];
}

const firstMessage = z.object({ id: z.string(), text: z.string().min(1).max(1000), facts: z.record(z.string(), z.unknown()) });

/**
 * First messages to the bot, written apart for the understanding with the facts a human read in
 * them (data/nlu/facts-dev): ordinary messages for the safety net — hard situations told plainly
 * ("il a plus rien du tout", "I can't cope with the rent") that must not bring the crisis numbers —
 * except a night outside, which is its `no_shelter` danger. Writer: `f` + the author's code.
 */
export function firstMessages(nluDir = defaultTrainingDir()): SafetyExample[] {
  return readLangFiles(path.join(nluDir, 'facts-dev'), firstMessage).flatMap(({ lang, rows }) =>
    rows.map((m) => ({
      text: m.text,
      labels: m.facts.housing_situation === 'no_roof' ? (['no_shelter'] as SafetyExample['labels']) : [],
      kind: 'first_message',
      writer: `f${m.id.split('-')[1] ?? ''}`,
      lang,
    })),
  );
}

export function everydayMessages(dir: string): WeightedExample[] {
  const patterns = compileDetector(dir);
  return loadTrainingData()
    .filter((u) => patterns(u.text).level === 'none')
    .map((u) => ({ text: u.text, labels: [], weight: EVERYDAY_WEIGHT, writer: 'nlu', lang: u.lang }));
}
