/**
 * The safety net's detector: runs on every message before anything else. All languages' patterns
 * run on every message (people mix languages); ordinary phrases that share the words ("mort de
 * rire", "dying to know") are cut out first. Tuned for recall: missing a crisis is the worst error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { foldArabic, normalize } from '../nlu/normalize';

/** `other_danger`: a danger to life or safety outside the other kinds (an attack or threat by a stranger, exploitation, someone held, wanting to hurt someone). */
export const CATEGORIES = ['suicide', 'violence_domestic', 'violence_sexual', 'violence_child', 'medical', 'no_shelter', 'other_danger'] as const;
export type Category = (typeof CATEGORIES)[number];
export type Level = 'none' | 'urgent' | 'emergency';

export interface Danger {
  level: Level;
  categories: Category[];
}

interface Compiled {
  category: Category;
  patterns: RegExp;
  exclude?: RegExp;
}

export function defaultSafetyDir(): string {
  for (const c of [path.resolve(__dirname, '..', '..', 'data', 'safety'), path.resolve(__dirname, '..', '..', '..', 'data', 'safety')]) if (fs.existsSync(c)) return c;
  throw new Error('data/safety not found');
}

/** Whole words only: each alternative is framed by start/space and space/end. */
const framed = (sources: string[]) => new RegExp(`(?:^| )(?:${sources.join('|')})(?= |$)`, 'u');

export function compileDetector(dir = defaultSafetyDir()): (text: string) => Danger {
  const raw = JSON.parse(fs.readFileSync(path.join(dir, 'patterns.json'), 'utf8')) as { categories: Partial<Record<Category, { patterns: string[]; exclude: string[] }>> };
  const compiled: Compiled[] = CATEGORIES.flatMap((category) => {
    const c = raw.categories[category];
    if (!c?.patterns.length) return [];
    return [{ category, patterns: framed(c.patterns.map((p) => foldArabic(p))), exclude: c.exclude.length ? new RegExp(`(?:^| )(?:${c.exclude.map((p) => foldArabic(p)).join('|')})`, 'gu') : undefined }];
  });
  return (text: string): Danger => {
    const norm = normalize(text);
    if (!norm) return { level: 'none', categories: [] };
    const categories = compiled.filter((c) => c.patterns.test(c.exclude ? norm.replace(c.exclude, ' ~ ') : norm)).map((c) => c.category);
    const level: Level = categories.length === 0 ? 'none' : categories.every((c) => c === 'no_shelter') ? 'urgent' : 'emergency';
    return { level, categories };
  };
}

