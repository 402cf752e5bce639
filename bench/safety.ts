/**
 * The safety net measured on the held-out sets written apart (bench/data/safety-eval/<lang>.json, and
 * those written later, bench/data/safety-eval-2/, safety-eval-3/ and safety-eval-4/; then all together):
 * recall per language × category (a crisis counts as caught when the numbers are given: the
 * emergency band or the middle band with its question), how many of those named the right kind,
 * false alarms on ordinary messages, detection time. The held-out set is read only here and never
 * used for any choice (thresholds come from bench/safety-cv.ts on the training sets).
 * Writes bench/results/safety.{json,md}. Run: npm run bench:safety
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CATEGORIES, createSafetyNet } from '../src/safety';
import { readSafetySet, type SafetyExample } from '../src/safety/training-set';
import { defaultCacheDir } from '../src/nlu/model-cache';
import { readLabelledFile } from '../src/nlu/training-data';

const root = path.resolve(__dirname, '../..');
const net = createSafetyNet({ cacheDir: defaultCacheDir() });
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(0)}%` : '–');
type Cell = { n: number; caught: number; named: number };
type Assessed = { e: SafetyExample; a: ReturnType<typeof net> };

interface HeldOutSet {
  name: string;
  title: string;
  description: string;
  writers: Record<string, string>;
  examples: SafetyExample[];
}

function readHeldOut(dirName: string, title: string): HeldOutSet {
  const dir = path.join(root, 'bench', 'data', dirName);
  const sets = JSON.parse(fs.readFileSync(path.join(dir, 'sets.json'), 'utf8')) as { description: string; writers: Record<string, string> };
  return { name: dirName, title, description: sets.description, writers: sets.writers, examples: readSafetySet(dir) };
}

const heldOut = [readHeldOut('safety-eval', 'First held-out set (e1–e3)'), readHeldOut('safety-eval-2', 'Second held-out set (e4–e6)'), readHeldOut('safety-eval-3', 'Third held-out set (e7–e12)'), readHeldOut('safety-eval-4', 'Fourth held-out set (e13–e18)')];
const together: HeldOutSet = { name: 'all', title: 'The held-out sets together', description: `${heldOut.map((h) => h.examples.length).reduce((a, b) => a + b, 0)} messages: the ${heldOut.length} sets above.`, writers: {}, examples: heldOut.flatMap((h) => h.examples) };

function measure(set: HeldOutSet) {
  const assessed: Assessed[] = set.examples.map((e) => ({ e, a: net(e.text) }));
  const langs = [...new Set(assessed.map((r) => r.e.lang))].sort();
  const cell = (rows: Assessed[], category?: string): Cell => {
    const crisis = rows.filter((r) => (category ? r.e.labels.includes(category as never) : r.e.labels.length > 0));
    return { n: crisis.length, caught: crisis.filter((r) => r.a.level !== 'none').length, named: crisis.filter((r) => r.a.level !== 'none' && r.e.labels.some((l) => r.a.categories.includes(l))).length };
  };
  const table: Record<string, Record<string, Cell>> = {};
  const alarms: Record<string, { n: number; alarms: number; asked: number }> = {};
  for (const lang of [...langs, 'all']) {
    const rows = assessed.filter((r) => lang === 'all' || r.e.lang === lang);
    table[lang] = Object.fromEntries([...CATEGORIES.map((c) => [c, cell(rows, c)] as const), ['all', cell(rows)] as const]);
    const ordinary = rows.filter((r) => r.e.labels.length === 0);
    alarms[lang] = { n: ordinary.length, alarms: ordinary.filter((r) => r.a.level !== 'none').length, asked: ordinary.filter((r) => r.a.level === 'ask').length };
  }
  const bands = { emergency: assessed.filter((r) => r.e.labels.length && (r.a.level === 'emergency' || r.a.level === 'urgent')).length, ask: assessed.filter((r) => r.e.labels.length && r.a.level === 'ask').length };
  const head = `| language | ${CATEGORIES.join(' | ')} | all crises | false alarms (of them: question only) |\n|---|${CATEGORIES.map(() => '---:').join('|')}|---:|---:|`;
  const fmt = (c: Cell) => (c.n ? `${pct(c.caught, c.n)} (${c.caught}/${c.n})` : '–');
  const rows = [...langs, 'all'].map((l) => `| ${l} | ${CATEGORIES.map((c) => fmt(table[l][c])).join(' | ')} | ${fmt(table[l].all)} | ${pct(alarms[l].alarms, alarms[l].n)} (${alarms[l].alarms}/${alarms[l].n}; ${alarms[l].asked}) |`).join('\n');
  const all = table.all.all;
  const writers = Object.entries(set.writers).map(([w, d]) => `- ${w}: ${d}`).join('\n');
  const md = `## ${set.title}\n\n${set.description}\n\n${writers ? `${writers}\n\n` : ''}${head}\n${rows}\n\nOf ${all.caught} crises caught: ${bands.emergency} in the emergency band, ${bands.ask} in the middle band (numbers and a question); ${pct(all.named, all.caught)} named a category the writer gave (the numbers fit).\n`;
  return { md, json: { table, falseAlarms: alarms, bands } };
}

const measured = [...heldOut, together].map((set) => ({ set, ...measure(set) }));
const examples = together.examples;

// Everyday messages written apart for the understanding's held-out set (bench/data/nlu-eval): how
// often the net speaks on what residents write about housing, screening, pregnancy… (it is not
// trained on them; a few of them may tell a real danger, so this is an upper bound on false alarms).
const nluEval = path.join(root, 'bench', 'data', 'nlu-eval');
const everyday = fs.readdirSync(nluEval).filter((f) => f.endsWith('.json')).flatMap((f) => readLabelledFile(path.join(nluEval, f)));
const everydayFlags = everyday.map((u) => net(u.text).level);
const everydayAlarms = { n: everyday.length, alarms: everydayFlags.filter((l) => l !== 'none').length, asked: everydayFlags.filter((l) => l === 'ask').length };

// Detection time: every held-out message, many rounds, after a warm-up.
const texts = examples.map((e) => e.text);
for (const t of texts) net(t);
const times: number[] = [];
for (let round = 0; round < 20; round++)
  for (const t of texts) {
    const t0 = performance.now();
    net(t);
    times.push(performance.now() - t0);
  }
times.sort((a, b) => a - b);
const meanMs = times.reduce((a, b) => a + b, 0) / times.length;
const p99Ms = times[Math.floor(times.length * 0.99)];

const md = `Recall = the numbers were given (emergency band, or the middle band's numbers and question); cells are caught/messages.\n\n${measured.map((m) => m.md).join('\n')}\n## Everyday messages\n\nEveryday messages (the understanding's held-out set, ${everydayAlarms.n} messages about housing, mental health, pregnancy, screening, loneliness, addiction and commands, written apart): the net spoke on ${pct(everydayAlarms.alarms, everydayAlarms.n)} (${everydayAlarms.alarms}; of them ${everydayAlarms.asked} with the question only).\n\nDetection time per message (patterns + classifier): mean ${meanMs.toFixed(3)} ms, p99 ${p99Ms.toFixed(3)} ms.\n`;
const out = path.join(root, 'bench', 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'safety.json'), JSON.stringify({ at: new Date().toISOString(), meanDetectionMs: meanMs, p99DetectionMs: p99Ms, sets: Object.fromEntries(measured.map((m) => [m.set.name, m.json])), everyday: everydayAlarms }, null, 2));
fs.writeFileSync(path.join(out, 'safety.md'), md);
console.log(md);
