/**
 * Leave-one-writer-out cross-validation of the learned safety net on the training and development
 * sets (data/safety/train, data/safety/dev): each writer's messages are scored by a model trained
 * without them — a new hand, as a real person is — and the bands' thresholds are swept. This is
 * where data/safety/thresholds.json comes from. The held-out set (bench/data/safety-eval) is never
 * read here. Run: npm run build && node dist/bench/safety-cv.js
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileDetector, defaultSafetyDir } from '../src/safety/detect';
import { gateDocs, kindDocs, LearnedSafety, SAFETY_TRAINING, safetyFeaturizer } from '../src/safety/learned';
import { loadConcepts } from '../src/safety/concepts';
import { everydayMessages, labelledSets, type WeightedExample } from '../src/safety/training-set';
import { MessageClassifier } from '../src/nlu/classifier';

const root = path.resolve(__dirname, '../..');
const dir = defaultSafetyDir();
const labelled = labelledSets(dir);
const everyday = everydayMessages(dir);
const patterns = compileDetector(dir);
const featurize = safetyFeaturizer(loadConcepts(path.join(dir, 'concepts.json')));
const writers = [...new Set(labelled.map((e) => e.writer ?? 'unknown'))].sort();

interface Scored {
  writer: string;
  lang: string;
  labels: string[];
  sure: boolean;
  danger: number;
  top?: string;
  kinds?: Array<{ category: string; p: number }>;
  text: string;
}
const scored: Scored[] = [];
// Everyday utterances (the NLU's training data, negatives of the gate) are cut into as many parts
// as there are folds: each fold learns from the others and scores its own, so that the CV also
// says how often an everyday message would get the numbers at each threshold.
const everydayScored: Scored[] = [];
const everydayFold = (i: number) => writers[i % writers.length];
// CV_FOLDS=t1,t2: score only these writers' messages (the others still all learn): compares
// training sets on the same messages, e.g. before and after new writers were added.
// CV_PART=k/n: score every n-th fold from the k-th (one process per core), write the scores to
// os.tmpdir() and stop; CV_MERGE=n: read the n parts and report, training nothing.
const part = /^(\d+)\/(\d+)$/.exec(process.env.CV_PART ?? '');
const merge = Number(process.env.CV_MERGE ?? 0);
const partFile = (k: number) => path.join(os.tmpdir(), `boussole-safety-cv-part-${k}.json`);
const chosen = process.env.CV_FOLDS ? writers.filter((w) => process.env.CV_FOLDS!.split(',').includes(w)) : writers;
const folds = merge ? [] : part ? chosen.filter((_, i) => i % Number(part[2]) === Number(part[1])) : chosen;
for (let k = 0; k < merge; k++) {
  const got = JSON.parse(fs.readFileSync(partFile(k), 'utf8')) as { scored: Scored[]; everyday: Scored[] };
  scored.push(...got.scored);
  everydayScored.push(...got.everyday);
}
for (const w of folds) {
  const t0 = Date.now();
  const train: WeightedExample[] = [...labelled.filter((e) => (e.writer ?? 'unknown') !== w), ...everyday.filter((_, i) => everydayFold(i) !== w)];
  const opts = { ...SAFETY_TRAINING, ...(process.env.SAFETY_OPTS ? (JSON.parse(process.env.SAFETY_OPTS) as object) : {}) };
  const ew = process.env.EVERYDAY_WEIGHT ? Number(process.env.EVERYDAY_WEIGHT) : undefined;
  const trainW = ew === undefined ? train : train.map((e) => (e.writer === 'nlu' ? { ...e, weight: ew } : e)).filter((e) => e.weight !== 0);
  const model = new LearnedSafety(new MessageClassifier(gateDocs(trainW), opts, featurize), new MessageClassifier(kindDocs(trainW), opts, featurize));
  for (const e of labelled.filter((x) => (x.writer ?? 'unknown') === w)) {
    const s = model.score(e.text);
    scored.push({ text: e.text, writer: w, lang: e.lang, labels: e.labels, sure: patterns(e.text).level !== 'none', danger: s.danger, top: s.categories[0]?.category, kinds: s.categories });
  }
  everyday.forEach((e, i) => {
    if (everydayFold(i) !== w) return;
    const s = model.score(e.text);
    everydayScored.push({ text: e.text, writer: 'nlu', lang: e.lang ?? '?', labels: [], sure: false, danger: s.danger, top: s.categories[0]?.category });
  });
  console.error(`fold ${w}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (part) {
  fs.writeFileSync(partFile(Number(part[1])), JSON.stringify({ scored, everyday: everydayScored }));
  process.exit(0);
}

const crisis = scored.filter((s) => s.labels.length);
const ordinary = scored.filter((s) => !s.labels.length);
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '–');
const lines: string[] = [];
lines.push(`Leave-one-writer-out cross-validation, ${new Date().toISOString().slice(0, 10)}: writers ${writers.join(', ')} (scored: ${merge ? 'all, in parts' : folds.join(', ')}); ${crisis.length} crisis and ${ordinary.length} ordinary messages; the patterns alone catch ${pct(crisis.filter((s) => s.sure).length, crisis.length)} with ${pct(ordinary.filter((s) => s.sure).length, ordinary.length)} false alarms.`);
lines.push('', '| low | recall (patterns ∪ score ≥ low) | false alarms on look-alikes | on everyday messages | missed |', '|---:|---:|---:|---:|---:|');
for (const low of [0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7]) {
  const caught = crisis.filter((s) => s.sure || s.danger >= low).length;
  const alarms = ordinary.filter((s) => s.sure || s.danger >= low).length;
  const everydayAlarms = everydayScored.filter((s) => s.danger >= low).length;
  lines.push(`| ${low} | ${pct(caught, crisis.length)} | ${pct(alarms, ordinary.length)} | ${pct(everydayAlarms, everydayScored.length)} | ${crisis.length - caught} |`);
}
const th = JSON.parse(fs.readFileSync(path.join(dir, 'thresholds.json'), 'utf8')) as { low: number; high: number };
lines.push('', `At the chosen thresholds (low ${th.low}, high ${th.high}), per category and language:`, '', '| set | messages | caught | in the emergency band |', '|---|---:|---:|---:|');
const groups = new Map<string, Scored[]>();
for (const s of crisis) for (const l of s.labels) groups.set(l, [...(groups.get(l) ?? []), s]);
for (const s of scored) groups.set(`lang ${s.lang}${s.labels.length ? '' : ' ordinary'}`, [...(groups.get(`lang ${s.lang}${s.labels.length ? '' : ' ordinary'}`) ?? []), s]);
for (const [k, v] of [...groups].sort()) lines.push(`| ${k} | ${v.length} | ${pct(v.filter((s) => s.sure || s.danger >= th.low).length, v.length)} | ${pct(v.filter((s) => s.sure || s.danger >= th.high).length, v.length)} |`);
// Which categories to name (their numbers are given; all no-shelter → the journey goes on): those
// within `share` of the most likely one. Scored on crisis messages the model would flag.
lines.push('', 'Naming the kinds of danger (crisis messages scored ≥ high): categories named when within `share` of the most likely one.', '', '| share | most likely is one of the labels | a category named that is not a label | messages with several labels: all named | no-shelter-only messages kept no-shelter-only |', '|---:|---:|---:|---:|---:|');
const flagged = crisis.filter((s) => s.danger >= th.high && s.kinds?.length);
const shelterOnly = flagged.filter((s) => s.labels.length === 1 && s.labels[0] === 'no_shelter');
for (const share of [0.3, 0.5, 0.7, 0.8, 0.9, 1]) {
  const named = (s: Scored) => (s.kinds ?? []).filter((k) => k.p >= share * s.kinds![0].p).map((k) => k.category);
  const topRight = flagged.filter((s) => s.labels.includes(s.kinds![0].category)).length;
  const extra = flagged.filter((s) => named(s).some((c) => !s.labels.includes(c))).length;
  const kept = shelterOnly.filter((s) => named(s).every((c) => c === 'no_shelter')).length;
  const several = flagged.filter((s) => s.labels.length > 1);
  const allNamed = several.filter((s) => s.labels.every((l) => named(s).includes(l))).length;
  lines.push(`| ${share} | ${pct(topRight, flagged.length)} | ${pct(extra, flagged.length)} | ${pct(allNamed, several.length)} | ${pct(kept, shelterOnly.length)} |`);
}
const md = lines.join('\n') + '\n';
fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench', 'results', 'safety-cv.md'), md);
if (process.argv.includes('--alarms')) for (const s of ordinary.filter((x) => x.sure || x.danger >= th.low)) console.log(`ALARM ${s.lang} ${s.danger.toFixed(2)} ${s.text}`);
if (process.argv.includes('--misses')) for (const s of crisis.filter((x) => !x.sure && x.danger < th.low)) console.log(`MISS ${s.lang} ${s.labels.join(",")} ${s.danger.toFixed(2)} ${s.text}`);
console.log(md);
