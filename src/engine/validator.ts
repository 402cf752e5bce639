/**
 * Checks every journey as a whole: structure (reachable nodes, no dead ends, no loops), references
 * (facts, options, journeys, locale keys in every language, catalogue tags) and coverage (every
 * `recommend` node finds at least one service in each of the five bassins).
 */
import { BASSIN_IDS, LANGUAGES, type BassinId } from '../catalogue/schema';
import { Places } from '../catalogue/places';
import { rankServices } from '../catalogue/ranking';
import type { CatalogueSeed } from '../catalogue/seed';
import { lookup, type Resources } from '../i18n/resources';
import type { LoadedGraphs } from './graph-loader';
import type { RecommendNode } from './nodes/recommend';
import { emptyRefs, nodeType } from './registry';
import type { Graph, Refs } from './types';

export interface CoverageRow {
  journey: string;
  node: string;
  counts: Record<BassinId, number>;
}

export interface ValidationReport {
  errors: string[];
  coverage: CoverageRow[];
}

export function nodeRefs(graph: Graph, id: string): Refs {
  const node = graph.nodes[id];
  const refs = emptyRefs();
  const t = node && nodeType(node.type);
  if (!t) return refs;
  const r = t.refs(node);
  for (const k of Object.keys(refs) as Array<keyof Refs>) (refs[k] as unknown[]).push(...((r[k] as unknown[] | undefined) ?? []));
  return refs;
}

function successors(graph: Graph, id: string): string[] {
  const node = graph.nodes[id];
  const t = node && nodeType(node.type);
  return t ? t.successors(node) : [];
}

/** Keys a journey needs besides those its nodes name: its title and the labels of the options it offers. */
function implicitLocaleKeys(graph: Graph, loaded: LoadedGraphs): string[] {
  const keys = [graph.title];
  for (const id of Object.keys(graph.nodes)) {
    const n = graph.nodes[id];
    if (n.type !== 'ask') continue;
    const fact = String(n.fact);
    const spec = loaded.facts[fact];
    const options = (n.options as string[] | undefined) ?? spec?.options ?? [];
    for (const o of options) keys.push(`facts.${fact}.options.${o}`);
  }
  return keys;
}

export function validateGraphs(loaded: LoadedGraphs, seed: CatalogueSeed, resources: Resources): ValidationReport {
  const errors = [...loaded.errors];
  const coverage: CoverageRow[] = [];
  const places = new Places(seed.communes);
  const tags = new Set(seed.services.flatMap((s) => s.tags));
  const journeyEdges = new Map<string, string[]>();

  for (const graph of loaded.graphs.values()) {
    const where = (id?: string) => `${graph.id}.json${id ? ` node "${id}"` : ''}`;
    if (!graph.nodes[graph.start]) errors.push(`${where()}: start node "${graph.start}" does not exist`);
    const jumps: string[] = [];
    for (const id of Object.keys(graph.nodes)) {
      const refs = nodeRefs(graph, id);
      for (const n of refs.nodes) if (!graph.nodes[n]) errors.push(`${where(id)}: leads to missing node "${n}"`);
      for (const j of refs.journeys) {
        if (!loaded.graphs.has(j)) errors.push(`${where(id)}: leads to missing journey "${j}"`);
        jumps.push(j);
      }
      for (const f of refs.facts) if (!loaded.facts[f]) errors.push(`${where(id)}: unknown fact "${f}" (declare it in dialogs/facts.json)`);
      for (const { fact, option } of refs.factOptions) {
        const spec = loaded.facts[fact];
        if (spec?.kind === 'choice' && !spec.options?.includes(option)) errors.push(`${where(id)}: "${option}" is not an option of fact "${fact}"`);
      }
      for (const t of refs.tags) if (!tags.has(t)) errors.push(`${where(id)}: no service in the catalogue carries tag "${t}"`);
      for (const key of refs.localeKeys) for (const lng of LANGUAGES) if (typeof lookup(resources[lng]?.translation, key) !== 'string') errors.push(`${where(id)}: locale key "${key}" is missing in ${lng}`);
    }
    for (const key of implicitLocaleKeys(graph, loaded)) for (const lng of LANGUAGES) if (typeof lookup(resources[lng]?.translation, key) !== 'string') errors.push(`${where()}: locale key "${key}" is missing in ${lng}`);
    journeyEdges.set(graph.id, jumps);

    // Reachability and loops: depth-first from the start.
    const state = new Map<string, 'open' | 'done'>();
    const visit = (id: string, path: string[]): void => {
      if (!graph.nodes[id]) return;
      if (state.get(id) === 'open') {
        errors.push(`${where(id)}: loop ${[...path.slice(path.indexOf(id)), id].join(' → ')}`);
        return;
      }
      if (state.get(id) === 'done') return;
      state.set(id, 'open');
      const next = successors(graph, id);
      const t = nodeType(graph.nodes[id].type);
      if (next.length === 0 && t && !t.terminal) errors.push(`${where(id)}: dead end`);
      for (const n of next) visit(n, [...path, id]);
      state.set(id, 'done');
    };
    visit(graph.start, []);
    for (const id of Object.keys(graph.nodes)) if (!state.has(id)) errors.push(`${where(id)}: unreachable from start "${graph.start}"`);

    // Coverage: each recommend node, in a commune of each bassin, with nothing else known.
    for (const [id, node] of Object.entries(graph.nodes)) {
      if (node.type !== 'recommend') continue;
      const n = node as unknown as RecommendNode;
      const counts = {} as Record<BassinId, number>;
      for (const b of BASSIN_IDS) {
        const communes = places.communesOfBassin(b);
        counts[b] = Math.min(
          ...communes.map(
            (c) => rankServices(seed.services, { themes: n.themes, tags: n.tags, facts: {}, apply: n.apply, commune: c.nis, bassin: b, language: 'fr', now: new Date() }, (x) => places.bassinsOf(x)).length,
          ),
        );
        if (!(counts[b] > 0)) errors.push(`${where(id)}: coverage: no service for a commune of bassin ${b}`);
      }
      coverage.push({ journey: graph.id, node: id, counts });
    }
  }

  // Loops across journeys (a journey that leads back to itself).
  const seen = new Set<string>();
  const walk = (j: string, path: string[]): void => {
    if (path.includes(j)) {
      errors.push(`journeys loop: ${[...path.slice(path.indexOf(j)), j].join(' → ')}`);
      return;
    }
    if (seen.has(j)) return;
    for (const n of journeyEdges.get(j) ?? []) walk(n, [...path, j]);
    seen.add(j);
  };
  for (const j of journeyEdges.keys()) walk(j, []);
  return { errors, coverage };
}

export function formatCoverage(rows: CoverageRow[]): string {
  const head = `| journey | recommend node | ${BASSIN_IDS.join(' | ')} |\n|---|---|${BASSIN_IDS.map(() => '---:').join('|')}|`;
  return [head, ...rows.map((r) => `| ${r.journey} | ${r.node} | ${BASSIN_IDS.map((b) => (r.counts[b] > 0 ? String(r.counts[b]) : '**0**')).join(' | ')} |`)].join('\n');
}
