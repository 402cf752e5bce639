/**
 * Safety net quality on the labelled sets (test/safety/cases/<lang>.json): recall on crisis
 * messages (category included), false-alarm rate on ordinary messages, mean detection time.
 * Writes bench/results/safety.{json,md}. Run: npm run bench:safety
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileDetector, type Category } from '../src/safety';

const root = path.resolve(__dirname, '../..');
const detect = compileDetector();
const dir = path.join(root, 'test', 'safety', 'cases');
const rows = fs
  .readdirSync(dir)
  .sort()
  .map((f) => {
    const set = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { crisis: Array<{ text: string; category: Category }>; ordinary: string[] };
    const caught = set.crisis.filter((c) => detect(c.text).categories.includes(c.category)).length;
    const alarms = set.ordinary.filter((t) => detect(t).level !== 'none').length;
    return { lang: f.replace('.json', ''), crisis: set.crisis.length, recall: caught / set.crisis.length, ordinary: set.ordinary.length, falseAlarmRate: alarms / set.ordinary.length };
  });
const all = fs.readdirSync(dir).flatMap((f) => {
  const set = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { crisis: Array<{ text: string }>; ordinary: string[] };
  return [...set.crisis.map((c) => c.text), ...set.ordinary];
});
const t0 = performance.now();
const rounds = 200;
for (let i = 0; i < rounds; i++) for (const t of all) detect(t);
const meanMs = (performance.now() - t0) / (rounds * all.length);
const out = path.join(root, 'bench', 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'safety.json'), JSON.stringify({ at: new Date().toISOString(), meanDetectionMs: meanMs, rows }, null, 2));
const md = `| language | crisis messages | recall | ordinary messages | false-alarm rate |\n|---|---:|---:|---:|---:|\n${rows.map((r) => `| ${r.lang} | ${r.crisis} | ${(100 * r.recall).toFixed(0)}% | ${r.ordinary} | ${(100 * r.falseAlarmRate).toFixed(0)}% |`).join('\n')}\n\nMean detection time per message: ${(meanMs * 1000).toFixed(1)} µs.\n`;
fs.writeFileSync(path.join(out, 'safety.md'), md);
console.log(md);
