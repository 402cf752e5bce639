/**
 * Benchmark of the decision-graph engine over the seeded catalogue (in memory): a full logement
 * journey (start → answers → results) and one ranking query. Writes bench/results/engine.{json,md}.
 * Run: npm run bench
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { memoryPorts } from '../src/catalogue/memory-catalogue';
import { Places } from '../src/catalogue/places';
import { rankServices } from '../src/catalogue/ranking';
import { loadSeed } from '../src/catalogue/seed';
import { loadGraphs } from '../src/engine/graph-loader';
import { Engine } from '../src/engine/interpreter';
import type { AnswerParser } from '../src/engine/types';

const parse: AnswerParser = (text, _f, spec) => (spec.kind === 'choice' && spec.options?.includes(text) ? { ok: true, value: text } : { ok: true, value: text });

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, meanMs: s.reduce((a, b) => a + b, 0) / s.length, p50Ms: q(0.5), p95Ms: q(0.95), p99Ms: q(0.99) };
}

export async function runEngineBench(iterations = 2000) {
  const seed = loadSeed();
  const { graphs, facts } = loadGraphs();
  const engine = new Engine(graphs, facts, memoryPorts(seed), parse);
  const places = new Places(seed.communes);
  const journey: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    let r = await engine.start('main', { language: 'fr', audience: 'resident' }, 'fr');
    r = await engine.answer(r.state, 'logement', 'fr');
    r = await engine.answer(r.state, 'eviction', 'fr');
    r = await engine.answer(r.state, '21015', 'fr');
    if (!r.outputs.some((o) => o.kind === 'results')) throw new Error('journey did not reach results');
    journey.push(performance.now() - t0);
  }
  const ranking: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    rankServices(seed.services, { themes: ['sante_mentale'], tags: ['first_line_psy', 'ssm', 'listening_line'], facts: { age: 30 }, apply: ['age'], commune: '21001', bassin: 'centre-ouest', language: 'fr', now: new Date() }, (n) => places.bassinsOf(n));
    ranking.push(performance.now() - t0);
  }
  return { journeyFourTurns: stats(journey.slice(100)), rankingQuery: stats(ranking.slice(100)), services: seed.services.length };
}

if (require.main === module) {
  void runEngineBench().then((r) => {
    const out = path.resolve(__dirname, '../../bench/results');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'engine.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, ...r }, null, 2));
    const md = `| measure | n | mean ms | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|\n${(['journeyFourTurns', 'rankingQuery'] as const)
      .map((k) => `| ${k} | ${r[k].n} | ${r[k].meanMs.toFixed(3)} | ${r[k].p50Ms.toFixed(3)} | ${r[k].p95Ms.toFixed(3)} | ${r[k].p99Ms.toFixed(3)} |`)
      .join('\n')}\n`;
    fs.writeFileSync(path.join(out, 'engine.md'), md);
    console.log(md);
  });
}
