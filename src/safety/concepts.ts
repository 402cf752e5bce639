/**
 * Danger concepts (data/safety/concepts.json): the same situation said in seven languages meets on
 * the same names ("bebe bleu", "baby blue", "طفل ازرق" → child + colour_bad). They are features
 * for the learned classifier, which weighs them and their pairs; on their own they decide nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { normalize, tokens } from '../nlu/normalize';

export interface ConceptIndex {
  /** The concepts a normalised text holds. */
  of(normalized: string): string[];
  /** The data the index was made from (for the model's fingerprint). */
  readonly source: string;
}

const MIN_PREFIX = 4;

export function loadConcepts(file: string): ConceptIndex {
  const source = fs.readFileSync(file, 'utf8');
  const raw = JSON.parse(source) as { concepts: Record<string, string[]> };
  const words = new Map<string, Set<string>>();
  const prefixes: Array<{ prefix: string; concept: string }> = [];
  const phrases: Array<{ phrase: string; concept: string }> = [];
  for (const [concept, entries] of Object.entries(raw.concepts)) {
    for (const entry of entries) {
      const star = entry.endsWith('*');
      const norm = normalize(star ? entry.slice(0, -1) : entry);
      if (!norm) continue;
      if (norm.includes(' ')) phrases.push({ phrase: norm, concept });
      else if (star) {
        if (norm.length < MIN_PREFIX) throw new Error(`concepts: prefix too short: ${entry}`);
        prefixes.push({ prefix: norm, concept });
      } else {
        const set = words.get(norm) ?? new Set<string>();
        set.add(concept);
        words.set(norm, set);
      }
    }
  }
  return {
    source,
    of(normalized: string): string[] {
      const out = new Set<string>();
      for (const w of tokens(normalized)) {
        for (const c of words.get(w) ?? []) out.add(c);
        for (const p of prefixes) if (w.startsWith(p.prefix)) out.add(p.concept);
      }
      const padded = ` ${normalized} `;
      for (const p of phrases) if (padded.includes(` ${p.phrase} `)) out.add(p.concept);
      return [...out].sort();
    },
  };
}

export function defaultConceptsFile(dir: string): string {
  return path.join(dir, 'concepts.json');
}
