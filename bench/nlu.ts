/**
 * Theme recognition on a labelled set written apart from the lexicons (bench/data/nlu-eval.json):
 * accuracy per language and per theme, macro-F1, confusions, mean time per message.
 * Writes bench/results/nlu.{json,md}. Run: npm run bench:nlu
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createUnderstanding } from '../src/nlu';

async function main() {
  const root = path.resolve(__dirname, '../..');
  const u = await createUnderstanding();
  const data = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'nlu-eval.json'), 'utf8')) as { themes: Record<string, Record<string, string[]>> };
  const rows: Array<{ lang: string; n: number; accuracy: number; macroF1: number }> = [];
  const confusions = new Map<string, number>();
  let calls = 0;
  let ms = 0;
  for (const [lang, byTheme] of Object.entries(data.themes)) {
    const themes = Object.keys(byTheme);
    const tp: Record<string, number> = {};
    const fp: Record<string, number> = {};
    const fn: Record<string, number> = {};
    let correct = 0;
    let n = 0;
    for (const [theme, utterances] of Object.entries(byTheme))
      for (const text of utterances) {
        const t0 = performance.now();
        const got = u.theme(text, lang as never);
        ms += performance.now() - t0;
        calls++;
        n++;
        const guess = got && got.confidence >= 0.45 ? got.theme : 'none';
        if (guess === theme) {
          correct++;
          tp[theme] = (tp[theme] ?? 0) + 1;
        } else {
          fn[theme] = (fn[theme] ?? 0) + 1;
          fp[guess] = (fp[guess] ?? 0) + 1;
          confusions.set(`${lang}: ${theme} → ${guess}`, (confusions.get(`${lang}: ${theme} → ${guess}`) ?? 0) + 1);
        }
      }
    const f1 = themes.map((th) => {
      const p = (tp[th] ?? 0) / Math.max(1, (tp[th] ?? 0) + (fp[th] ?? 0));
      const r = (tp[th] ?? 0) / Math.max(1, (tp[th] ?? 0) + (fn[th] ?? 0));
      return p + r ? (2 * p * r) / (p + r) : 0;
    });
    rows.push({ lang, n, accuracy: correct / n, macroF1: f1.reduce((a, b) => a + b, 0) / f1.length });
  }
  const top = [...confusions.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const out = path.join(root, 'bench', 'results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'nlu.json'), JSON.stringify({ at: new Date().toISOString(), rows, confusions: top, meanMs: ms / calls }, null, 2));
  const md = `| language | messages | theme accuracy | macro-F1 |\n|---|---:|---:|---:|\n${rows.map((r) => `| ${r.lang} | ${r.n} | ${(100 * r.accuracy).toFixed(0)}% | ${r.macroF1.toFixed(2)} |`).join('\n')}\n\nMean time per message: ${(ms / calls).toFixed(3)} ms. Most frequent confusions: ${top.map(([k, v]) => `${k} (${v})`).join('; ') || 'none'}.\n`;
  fs.writeFileSync(path.join(out, 'nlu.md'), md);
  console.log(md);
}

void main();
