/**
 * Loads the journeys from `dialogs/` (one JSON file per journey, plus facts.json) and validates each
 * node against its registered type. Structural checks across nodes live in validator.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { THEMES } from '../catalogue/schema';
import './nodes';
import { nodeType } from './registry';
import type { FactRegistry, FactSpec, Graph } from './types';

export const graphFileSchema = z
  .object({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z][a-z0-9_]*$/),
    theme: z.enum(THEMES).optional(),
    title: z.string().min(1),
    note: z.string().optional(),
    start: z.string().min(1),
    nodes: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'node ids are snake_case'), z.object({ type: z.string() }).passthrough()),
  })
  .strict();

const factSpecSchema = z
  .object({
    kind: z.enum(['choice', 'yesno', 'number', 'commune', 'date', 'text']),
    options: z.array(z.string().regex(/^[a-z0-9_-]+$/)).min(2).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    maxLength: z.number().int().positive().optional(),
  })
  .strict()
  .refine((f) => (f.kind === 'choice') === Array.isArray(f.options), { message: 'choice facts (and only they) list options' });

export interface LoadedGraphs {
  graphs: Map<string, Graph>;
  facts: FactRegistry;
  errors: string[];
}

export const DEFAULT_DIALOGS_DIR = path.resolve(__dirname, '..', '..', '..', 'dialogs');

function dialogsDir(dir?: string): string {
  if (dir) return dir;
  // Works from src/ (ts-jest/swc) and from dist/src/ (compiled).
  for (const candidate of [path.resolve(__dirname, '..', '..', 'dialogs'), DEFAULT_DIALOGS_DIR]) if (fs.existsSync(path.join(candidate, 'facts.json'))) return candidate;
  throw new Error('dialogs/ folder not found');
}

export function loadGraphs(dir?: string): LoadedGraphs {
  const root = dialogsDir(dir);
  const errors: string[] = [];
  const factsRaw = JSON.parse(fs.readFileSync(path.join(root, 'facts.json'), 'utf8')) as { facts: Record<string, unknown> };
  const facts: FactRegistry = {};
  for (const [id, spec] of Object.entries(factsRaw.facts)) {
    const p = factSpecSchema.safeParse(spec);
    if (p.success) facts[id] = p.data as FactSpec;
    else errors.push(`facts.json: fact "${id}": ${p.error.issues.map((i) => i.message).join('; ')}`);
  }
  const graphs = new Map<string, Graph>();
  for (const file of fs.readdirSync(root).filter((f) => f.endsWith('.json') && f !== 'facts.json').sort()) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
    } catch (e) {
      errors.push(`${file}: not valid JSON (${(e as Error).message})`);
      continue;
    }
    const top = graphFileSchema.safeParse(raw);
    if (!top.success) {
      errors.push(...top.error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`));
      continue;
    }
    const g = top.data;
    if (`${g.id}.json` !== file) errors.push(`${file}: id "${g.id}" must match the file name`);
    const nodes: Graph['nodes'] = {};
    for (const [id, node] of Object.entries(g.nodes)) {
      const t = nodeType(node.type);
      if (!t) {
        errors.push(`${file}: node "${id}": unknown type "${node.type}"`);
        continue;
      }
      const p = t.schema.safeParse(node);
      if (p.success) nodes[id] = p.data as Graph['nodes'][string];
      else errors.push(...p.error.issues.map((i) => `${file}: node "${id}" (${node.type}): ${i.path.join('.') || '(node)'}: ${i.message}`));
    }
    graphs.set(g.id, { id: g.id, theme: g.theme, title: g.title, start: g.start, nodes });
  }
  return { graphs, facts, errors };
}
