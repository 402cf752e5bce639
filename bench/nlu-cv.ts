/**
 * 5-fold cross-validation on the training files only, to choose the model and features without
 * touching the held-out set: `npm run build && node dist/bench/nlu-cv.js bayes|mnb|lr|conf [lang]`.
 */
import { BayesClassifier, LogisticRegressionClassifier } from 'natural/lib/natural/classifiers';
import { features } from '../src/nlu/classifier';
import { loadTrainingData } from '../src/nlu/training-data';
import { performance } from 'node:perf_hooks';

const data = loadTrainingData();
const K = 5;
type Doc = { text: string; label: string; lang: string };
function balance(docs: Doc[]): Doc[] {
  const counts = new Map<string, Doc[]>();
  for (const d of docs) counts.set(d.label, [...(counts.get(d.label) ?? []), d]);
  const max = Math.max(...[...counts.values()].map((v) => v.length));
  return [...counts.values()].flatMap((v) => Array.from({ length: max }, (_, i) => v[i % v.length]));
}
function run(name: string, make: (train: Doc[]) => (t: string) => string | undefined, perLang: boolean) {
  const byLang = new Map<string, { n: number; ok: number }>();
  let ms = 0, calls = 0, trainMs = 0;
  for (let k = 0; k < K; k++) {
    const langs = perLang ? [...new Set(data.map((d) => d.lang))] : ['*'];
    for (const l of langs) {
      const train = data.filter((d, i) => i % K !== k && (l === '*' || d.lang === l));
      const test = data.filter((d, i) => i % K === k && (l === '*' || d.lang === l));
      const t0 = performance.now();
      const c = make(train);
      trainMs += performance.now() - t0;
      for (const d of test) {
        const t1 = performance.now();
        const top = c(d.text);
        ms += performance.now() - t1;
        calls++;
        const r = byLang.get(d.lang) ?? { n: 0, ok: 0 };
        r.n++;
        if (top === d.label) r.ok++;
        byLang.set(d.lang, r);
      }
    }
  }
  console.log(name, [...byLang].map(([l, r]) => `${l} ${((100 * r.ok) / r.n).toFixed(1)}`).join(' | '), 'ms', (ms / calls).toFixed(3), 'train', (trainMs / K).toFixed(0));
}
const bayes = (bal: boolean, smoothing?: number) => (train: Doc[]) => {
  const b = new BayesClassifier(undefined, smoothing);
  for (const d of bal ? balance(train) : train) b.addDocument(features(d.text), d.label);
  b.train();
  return (t: string) => b.classify(features(t));
};
const lr = (train: Doc[]) => {
  const b = new LogisticRegressionClassifier();
  for (const d of train) b.addDocument(features(d.text), d.label);
  b.train();
  return (t: string) => b.classify(features(t));
};
const which = process.argv[2] ?? 'all';
if (which === 'all' || which === 'bayes') {
  run('bayes global', bayes(false), false);
  run('bayes perlang', bayes(false), true);
  run('bayes perlang balanced', bayes(true), true);
  run('bayes perlang balanced s0.1', bayes(true, 0.1), true);
}
if (which === 'lr') run('lr perlang', lr, true);
const mnb = (alpha: number) => (train: Doc[]) => {
  const counts = new Map<string, Map<string, number>>();
  const totals = new Map<string, number>();
  const docs = new Map<string, number>();
  const vocab = new Set<string>();
  for (const d of train) {
    const m = counts.get(d.label) ?? new Map<string, number>();
    counts.set(d.label, m);
    docs.set(d.label, (docs.get(d.label) ?? 0) + 1);
    for (const f of new Set(features(d.text))) {
      m.set(f, (m.get(f) ?? 0) + 1);
      totals.set(d.label, (totals.get(d.label) ?? 0) + 1);
      vocab.add(f);
    }
  }
  const V = vocab.size;
  const labels = [...counts.keys()];
  return (t: string) => {
    const f = [...new Set(features(t))].filter((x) => vocab.has(x));
    let best: string | undefined;
    let bestScore = -Infinity;
    for (const l of labels) {
      const m = counts.get(l)!;
      const tot = totals.get(l)!;
      let s = Math.log(1 / labels.length);
      for (const x of f) s += Math.log(((m.get(x) ?? 0) + alpha) / (tot + alpha * V));
      if (s > bestScore) {
        bestScore = s;
        best = l;
      }
    }
    return best;
  };
};
if (which === 'mnb') {
  run('mnb global a1', mnb(1), false);
  run('mnb global a0.1', mnb(0.1), false);
  run('mnb perlang a0.1', mnb(0.1), true);
}
if (which === 'conf') {
  const conf = new Map<string, number>();
  const lang = process.argv[3] ?? 'fr';
  const all = data.filter((d) => d.lang === lang);
  for (let k = 0; k < K; k++) {
    const c = mnb(0.1)(data.filter((_, i) => i % K !== k));
    for (const d of data.filter((x, i) => i % K === k && x.lang === lang)) {
      const g = c(d.text);
      if (g !== d.label) { conf.set(`${d.label}→${g}`, (conf.get(`${d.label}→${g}`) ?? 0) + 1); if (Math.random() < 0.15) console.log(d.label, '→', g, ':', d.text); }
    }
  }
  console.log(all.length, [...conf].sort((a, b) => b[1] - a[1]).slice(0, 15));
}
