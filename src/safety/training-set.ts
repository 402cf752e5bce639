/**
 * What the learned safety classifier learns from: the labelled crisis and ordinary messages of
 * data/safety/train and data/safety/dev, and the NLU training utterances (data/nlu) as ordinary
 * messages — what residents write every day — except those the patterns flag (a few of them tell a
 * danger on purpose: "je dors dans la rue" is a housing message and a night outside).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadTrainingData } from '../nlu/training-data';
import { CATEGORIES, compileDetector } from './detect';

const example = z.object({
  text: z.string().min(1).max(1000),
  labels: z.array(z.enum(CATEGORIES)),
  kind: z.string().optional(),
  register: z.string().optional(),
  writer: z.string().optional(),
});
export type SafetyExample = z.infer<typeof example> & { lang: string };

/** One labelled set: <dir>/<lang>.json (two-letter files; others, such as sets.json, describe the set), validated (a broken file names itself). */
export function readSafetySet(dir: string): SafetyExample[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^[a-z]{2}\.json$/.test(f))
    .sort()
    .flatMap((f) => {
      const parsed = z.array(example).safeParse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
      if (!parsed.success) throw new Error(`${path.join(dir, f)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data.map((e) => ({ ...e, lang: f.replace(/\.json$/, '') }));
    });
}

/**
 * Everyday messages weigh much less than the written crisis and ordinary messages: there are many
 * more of them, and they use the words of danger harmlessly ("prise de sang", "je dors mal"), which
 * at 0.5 taught the model that blood or breathing are ordinary. Leave-one-writer-out CV
 * (bench/safety-cv.ts): recall at the same false-alarm rate was best at 0.05 (0: recall up but
 * false alarms on look-alikes 2× higher; 0.2 and 0.5: recall down 2–10 points).
 */
export const EVERYDAY_WEIGHT = 0.05;

export interface WeightedExample {
  text: string;
  labels: readonly string[];
  weight?: number;
  writer?: string;
  lang?: string;
}

export function labelledSets(dir: string): SafetyExample[] {
  return [...readSafetySet(path.join(dir, 'train')), ...readSafetySet(path.join(dir, 'dev'))];
}

export function everydayMessages(dir: string): WeightedExample[] {
  const patterns = compileDetector(dir);
  return loadTrainingData()
    .filter((u) => patterns(u.text).level === 'none')
    .map((u) => ({ text: u.text, labels: [], weight: EVERYDAY_WEIGHT, writer: 'nlu', lang: u.lang }));
}
