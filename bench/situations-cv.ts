/**
 * 5-fold cross-validation of the situation models (src/nlu/situations.ts) on the development sets
 * of first messages only (data/nlu/facts-dev*, situations-none), to choose SITUATION_CONFIDENCE
 * without touching the held-out set: each fold trains on four fifths and reads the fifth. For each
 * message of a fact's theme: a fill is right when it is the value a human read; a fill of a
 * message that told none, or of another value, is wrong.
 * Run: npm run build && node dist/bench/situations-cv.js [threshold,…]
 * Writes bench/results/situations-cv.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadResources } from '../src/i18n/resources';
import { loadLexicons } from '../src/nlu/lexicon';
import { MessageClassifier } from '../src/nlu/classifier';
import { NO_SITUATION, readFirstMessages, situationDocs, SITUATION_CONFIDENCE, SITUATION_TRAINING } from '../src/nlu/situations';
import { FACT_THEMES } from '../src/nlu/themes';
import { defaultTrainingDir } from '../src/nlu/training-data';

const K = 5;

interface Tally {
  told: number;
  right: number;
  fills: number;
  wrong: number;
  noneFills: number;
  none: number;
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '—');

function line(fact: string, t: number, s: Tally): string {
  return `| ${fact} | ${t} | ${s.told} | ${s.none} | ${pct(s.right, s.told)} | ${pct(s.right, s.fills)} | ${s.wrong} | ${s.noneFills} |`;
}

function main(): void {
  const thresholds = (process.argv[2] ?? '0.4,0.5,0.6,0.7,0.8,0.9').split(',').map(Number);
  // Variants of the training documents to compare (SITUATION_VARIANT=nophrases,none3): the app's by default.
  const variant = process.env.SITUATION_VARIANT ?? '';
  const docOpts = { ...(variant.includes('nophrases') ? { phrases: false } : {}), ...(/none(\d+)/.test(variant) ? { noneWeight: Number(/none(\d+)/.exec(variant)![1]) } : {}) };
  const lexicons = loadLexicons(loadResources());
  const examples = readFirstMessages(defaultTrainingDir());
  const rows: string[] = [];
  const total = new Map<number, Tally>();
  for (const t of thresholds) total.set(t, { told: 0, right: 0, fills: 0, wrong: 0, noneFills: 0, none: 0 });
  for (const [fact, theme] of Object.entries(FACT_THEMES)) {
    const per = new Map<number, Tally>();
    for (const t of thresholds) per.set(t, { told: 0, right: 0, fills: 0, wrong: 0, noneFills: 0, none: 0 });
    for (let k = 0; k < K; k++) {
      const train = examples.filter((_, i) => i % K !== k);
      const test = examples.filter((m, i) => i % K === k && m.facts.theme === theme);
      const model = new MessageClassifier(situationDocs(fact, theme, train, lexicons, docOpts), { ...SITUATION_TRAINING, ...(/min(\d+)/.test(variant) ? { minDocuments: Number(/min(\d+)/.exec(variant)![1]) } : {}) });
      for (const m of test) {
        const told = typeof m.facts[fact] === 'string' ? (m.facts[fact] as string) : undefined;
        const top = model.classify(m.text)[0];
        for (const t of thresholds)
          for (const s of [per.get(t)!, total.get(t)!]) {
            if (told) s.told++;
            else s.none++;
            if (!top || top.label === NO_SITUATION || top.p < t) continue;
            s.fills++;
            if (top.label === told) s.right++;
            else s.wrong++;
            if (!told) s.noneFills++;
          }
      }
    }
    for (const t of thresholds) rows.push(line(fact, t, per.get(t)!));
  }
  for (const t of thresholds) rows.push(line('**all**', t, total.get(t)!));
  const md = [
    '# Situation models: 5-fold cross-validation on the development sets (`node dist/bench/situations-cv.js`)',
    '',
    `${new Date().toISOString().slice(0, 10)}; ${examples.length} first messages from data/nlu/facts-dev* and situations-none; the app uses ${Object.entries(SITUATION_CONFIDENCE).map(([f, t]) => `${f} ${t}`).join(', ')} (the lowest threshold with ≥ 95% of fills right; none for the others). Each row: the messages of the fact's theme.`,
    '',
    '| fact | threshold | told | told none | recall | precision of fills | wrong fills | fills where none was told |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n');
  const out = path.resolve(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, variant ? `situations-cv-${variant.replace(/[^a-z0-9]+/g, '-')}.md` : 'situations-cv.md'), md);
  process.stdout.write(md);
}

main();
