/**
 * The utterances the classifier learns from at start-up: `data/nlu/<lang>.json`, one file per
 * language, labelled by theme (the journeys), by global intent, and out of scope (greetings, other
 * needs, gibberish: the label `none`, so that the model learns to say "neither"). Validated on load: a broken
 * file stops the start with its name, not a classifier that silently knows less.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LANGUAGES, THEMES, type Lang } from '../catalogue/schema';

/** The global commands the classifier learns (short fixed words like "more" stay lexicon-only). */
export const TRAINED_INTENTS = ['help', 'restart', 'back', 'human', 'change_language', 'stop', 'forget_me'] as const;
export type TrainedIntent = (typeof TRAINED_INTENTS)[number];
/** The label of messages about none of the themes and commands. */
export const OUT_OF_SCOPE = 'none';

const utterances = z.array(z.string().min(1).max(300)).min(1);
const fileSchema = z.object({
  $comment: z.string().optional(),
  language: z.enum(LANGUAGES),
  themes: z.record(z.string(), utterances),
  intents: z.record(z.string(), utterances),
  out_of_scope: utterances.optional(),
});

export interface LabelledUtterance {
  text: string;
  label: string;
  lang: Lang;
}

export function defaultTrainingDir(): string {
  for (const c of [path.resolve(__dirname, '..', '..', 'data', 'nlu'), path.resolve(__dirname, '..', '..', '..', 'data', 'nlu')]) if (fs.existsSync(c)) return c;
  throw new Error('data/nlu/ folder not found');
}

/** Reads one labelled file (training or evaluation: same shape). */
export function readLabelledFile(file: string): LabelledUtterance[] {
  const parsed = fileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const { language, themes, intents, out_of_scope: outOfScope = [] } = parsed.data;
  const unknownTheme = Object.keys(themes).find((t) => !(THEMES as readonly string[]).includes(t));
  const unknownIntent = Object.keys(intents).find((t) => !(TRAINED_INTENTS as readonly string[]).includes(t));
  if (unknownTheme || unknownIntent) throw new Error(`${file}: unknown label ${unknownTheme ?? unknownIntent}`);
  return [...Object.entries(themes), ...Object.entries(intents), [OUT_OF_SCOPE, outOfScope] as const].flatMap(([label, texts]) => texts.map((text) => ({ text, label, lang: language })));
}

/** Every language's training file that exists (a language without one learns from its lexicon only). */
export function loadTrainingData(dir = defaultTrainingDir()): LabelledUtterance[] {
  return LANGUAGES.flatMap((l) => {
    const file = path.join(dir, `${l}.json`);
    return fs.existsSync(file) ? readLabelledFile(file) : [];
  });
}

/** Every <dir>/<lang>.json (two-letter files; others, such as sets.json, describe the set), validated (a broken file names itself). */
export function readLangFiles<T extends z.ZodTypeAny>(dir: string, item: T): Array<{ lang: string; rows: Array<z.infer<T>> }> {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^[a-z]{2}\.json$/.test(f))
    .sort()
    .map((f) => {
      const parsed = z.array(item).safeParse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
      if (!parsed.success) throw new Error(`${path.join(dir, f)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return { lang: f.slice(0, 2), rows: parsed.data as Array<z.infer<T>> };
    });
}
