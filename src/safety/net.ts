/**
 * The whole safety net: the patterns (detect.ts) for what they are sure of, and the learned
 * classifier (learned.ts) for the many ways people say danger that no pattern lists. Three bands:
 * - `emergency` (or `urgent` when the only danger is having no shelter): a pattern matched, or the
 *   classifier is sure enough (≥ high) — the numbers at once;
 * - `ask`: the classifier is unsure (≥ low) — the numbers and one direct question, as crisis lines
 *   do ("Are you safe right now?");
 * - `none`.
 * The thresholds (data/safety/thresholds.json) were chosen by leave-one-writer-out
 * cross-validation for recall (bench/safety-cv.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { normalize, tokens } from '../nlu/normalize';
import { compileDetector, defaultSafetyDir, type Category } from './detect';
import { loadConcepts } from './concepts';
import { trainLearnedSafety, type LearnedSafety } from './learned';

export type Band = 'none' | 'ask' | 'urgent' | 'emergency';

/** The fewest words the classifier reads. */
const MIN_WORDS = 3;

export interface Assessment {
  level: Band;
  /** Most serious first is not implied: the responder orders them. */
  categories: Category[];
  /** Something was swallowed or taken (pills, a product): the poison centre is given too. */
  ingestion: boolean;
  /** The classifier's probability that the message tells a danger (0 when only patterns ran). */
  score: number;
  /** A pattern matched (sure). */
  sure: boolean;
}

export interface Thresholds {
  low: number;
  high: number;
  /** A category is named when its probability is at least this share of the most likely one's. */
  share: number;
}

export function loadThresholds(dir = defaultSafetyDir()): Thresholds {
  const raw = JSON.parse(fs.readFileSync(path.join(dir, 'thresholds.json'), 'utf8')) as Thresholds;
  if (!(raw.low > 0 && raw.low <= raw.high && raw.high < 1 && raw.share > 0 && raw.share <= 1)) throw new Error('data/safety/thresholds.json: need 0 < low ≤ high < 1 and 0 < share ≤ 1');
  return raw;
}

export interface SafetyNetOptions {
  dir?: string;
  cacheDir?: string;
  /** A model already trained (cross-validation, tests). */
  learned?: LearnedSafety;
  thresholds?: Thresholds;
}

/** `learned: false`: the patterns only (the text is the title of one of our own answer buttons, not the person's words). */
export type SafetyNet = (text: string, opts?: { learned?: boolean }) => Assessment;

export function createSafetyNet(opts: SafetyNetOptions = {}): SafetyNet {
  const dir = opts.dir ?? defaultSafetyDir();
  const patterns = compileDetector(dir);
  const learned = opts.learned ?? trainLearnedSafety({ dir, cacheDir: opts.cacheDir });
  const th = opts.thresholds ?? loadThresholds(dir);
  const concepts = loadConcepts(path.join(dir, 'concepts.json'));
  return (text: string, { learned: useModel = true } = {}): Assessment => {
    const sure = patterns(text);
    // One or two words ("plus", "41 yasindayim") give the classifier too little to go on: its
    // letter groups alone raised alarms on answers; the patterns read short cries ("wanna die").
    const s = useModel && tokens(normalize(text)).length >= MIN_WORDS ? learned.score(text) : { danger: 0, categories: [] };
    const top = s.categories[0];
    const named = top ? s.categories.filter((c) => c.p >= th.share * top.p).map((c) => c.category) : [];
    let categories: Category[] = [...sure.categories];
    let level: Band = 'none';
    if (sure.categories.length || s.danger >= th.high) {
      if (s.danger >= th.high) for (const c of named) if (!categories.includes(c)) categories.push(c);
      level = categories.every((c) => c === 'no_shelter') ? 'urgent' : 'emergency';
    } else if (s.danger >= th.low && top) {
      categories = [top.category];
      level = 'ask';
    }
    if (level === 'none') return { level, categories: [], ingestion: false, score: s.danger, sure: false };
    const cs = concepts.of(normalize(text));
    // Taken, not only at hand: "j'ai avalé", "all my pills", "too many tablets".
    const ingestion = (categories.includes('medical') || categories.includes('suicide')) && (cs.includes('poison') || (cs.includes('pills') && cs.includes('too_much')));
    return { level, categories, ingestion, score: s.danger, sure: sure.categories.length > 0 };
  };
}
