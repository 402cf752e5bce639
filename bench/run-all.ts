/**
 * `npm run bench`: every benchmark, results in bench/results/. Other benchmarks (NLU, safety) are
 * run when present, each as its own process so that one's warm-up does not help another.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const here = __dirname;
for (const name of ['engine', 'http', 'nlu', 'safety']) {
  const file = path.join(here, `${name}.js`);
  if (!fs.existsSync(file)) continue;
  console.log(`\n== bench ${name}`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
