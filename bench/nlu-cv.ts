/**
 * 5-fold cross-validation of the whole understanding (what bench:nlu measures) on the training
 * files only, to choose the model, its features and the thresholds without touching the held-out
 * set: each fold trains on four fifths of data/nlu/ and predicts the fifth.
 * Run: npm run build && node dist/bench/nlu-cv.js [intentConfidence,… [themeConfidence,…]]
 */
import { performance } from 'node:perf_hooks';
import { LANGUAGES } from '../src/catalogue/schema';
import { createUnderstanding, INTENT_CONFIDENCE } from '../src/nlu';
import { THEME_CONFIDENCE } from '../src/bot/understanding';
import { loadTrainingData, OUT_OF_SCOPE } from '../src/nlu/training-data';
import { predictLabel } from './nlu-predict';

const K = 5;

async function main() {
  const data = loadTrainingData();
  const intentThresholds = (process.argv[2] ?? String(INTENT_CONFIDENCE)).split(',').map(Number);
  const themeThresholds = (process.argv[3] ?? String(THEME_CONFIDENCE)).split(',').map(Number);
  for (const ic of intentThresholds) {
    const folds = [];
    let trainMs = 0;
    for (let k = 0; k < K; k++) {
      const t0 = performance.now();
      // Fold models are thrown away: they are not stored, so as not to push the app's model out of the folder.
      const u = await createUnderstanding({ training: data.filter((_, i) => i % K !== k), intentConfidence: ic, modelCacheDir: null });
      trainMs += performance.now() - t0;
      folds.push({ u, test: data.filter((_, i) => i % K === k) });
    }
    for (const tc of themeThresholds) {
      const by = new Map<string, { n: number; ok: number; none: number }>();
      const oos = { n: 0, rejected: 0 };
      for (const { u, test } of folds)
        for (const d of test) {
          const got = predictLabel(u, d.text, d.lang, tc);
          if (d.label === OUT_OF_SCOPE) {
            oos.n++;
            if (got === OUT_OF_SCOPE) oos.rejected++;
            continue;
          }
          const r = by.get(d.lang) ?? { n: 0, ok: 0, none: 0 };
          r.n++;
          if (got === d.label) r.ok++;
          if (got === 'none') r.none++;
          by.set(d.lang, r);
        }
      const all = [...by.values()].reduce((a, r) => ({ n: a.n + r.n, ok: a.ok + r.ok, none: a.none + r.none }), { n: 0, ok: 0, none: 0 });
      const cells = LANGUAGES.filter((l) => by.has(l)).map((l) => `${l} ${((100 * by.get(l)!.ok) / by.get(l)!.n).toFixed(1)}`);
      console.log(`intent≥${ic} theme≥${tc}: ${cells.join(' | ')} | all ${((100 * all.ok) / all.n).toFixed(1)} (none ${((100 * all.none) / all.n).toFixed(1)}%) · out of scope rejected ${((100 * oos.rejected) / Math.max(1, oos.n)).toFixed(1)}% of ${oos.n} · build ${(trainMs / K).toFixed(0)} ms`);
    }
  }
}

void main();
