/**
 * `npm run bench:load`: simulated web-chat users against the real app (a separate process with its
 * own embedded FerretDB), over the WebSocket stream and over 1 s polling, level after level; the
 * same levels against a bare echo bot on the same stack (the floor); and the retained-data sweep.
 * Writes bench/results/load.{json,md,svg}. Options: `npm run bench:load -- --help`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLevel } from './load/generator';
import { isFullRun, OptionError, parseOptions, USAGE, type LoadOptions } from './load/options';
import { rssBytes, UsageSampler, type WindowUsage } from './load/proc-stats';
import { chart, floorRows, markdown, MODE_NAMES, type LevelRow, type LoadResults, type ServerRun } from './load/report';
import { problemsSince, ROOT, startServer, type ServerKind } from './load/server-process';
import { runSweep } from './load/sweep';
import type { Mode } from './load/client';

const MB = 1024 * 1024;
const PAUSE_BETWEEN_LEVELS_MS = 3000;

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

function write(results: LoadResults): void {
  const dir = path.resolve(ROOT, results.options.out);
  fs.mkdirSync(dir, { recursive: true });
  results.floor = floorRows(results.runs);
  fs.writeFileSync(path.join(dir, 'load.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'load.md'), markdown(results));
  if (results.runs.some((r) => r.server === 'boussole' && r.levels.length)) fs.writeFileSync(path.join(dir, 'load.svg'), chart(results));
}

async function serverRun(server: ServerKind, mode: Mode, o: LoadOptions, results: LoadResults): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `boussole-load-${server}-`));
  log(`${server}, ${MODE_NAMES[mode]}: starting (DATA_DIR ${dataDir})`);
  const proc = await startServer(server, dataDir, {}, o.backend);
  const run: ServerRun = { server, mode, startMs: proc.startMs, idleAppRssMb: (rssBytes(proc.pid) ?? NaN) / MB, idleDbRssMb: (rssBytes(proc.ferretPid()) ?? NaN) / MB, levels: [] };
  results.runs.push(run);
  try {
    for (const users of o.levels) {
      const storedBefore = await proc.stored().catch(() => undefined);
      const before = proc.problems();
      const sampler = new UsageSampler(() => ({ app: proc.pid, db: proc.ferretPid() }));
      let usage: WindowUsage | undefined;
      log(`${server}, ${MODE_NAMES[mode]}, ${users} users: ${o.rampS} s ramp + ${o.durationS} s`);
      const level = await runLevel({
        api: proc.api,
        mode,
        users,
        rampMs: o.rampS * 1000,
        durationMs: o.durationS * 1000,
        thinkScale: o.thinkScale,
        pollMs: o.pollMs,
        requestTimeoutMs: o.requestTimeoutS * 1000,
        replyTimeoutMs: o.replyTimeoutS * 1000,
        window: { opened: () => sampler.start(), closed: () => (usage = sampler.stop()) },
      });
      const row: LevelRow = { ...level, usage, serverProblems: problemsSince(before, proc.problems()), storedBefore };
      run.levels.push(row);
      log(`  ${level.turns} turns (${level.turnsPerSecond.toFixed(2)}/s), p50 ${level.reply.p50.toFixed(0)} ms, p95 ${level.reply.p95.toFixed(0)} ms, p99 ${level.reply.p99.toFixed(0)} ms, ${level.errorCount} errors; app ${usage?.app.rssPeakMb?.toFixed(0)} MB, db ${usage?.db.rssPeakMb?.toFixed(0)} MB, db CPU ${usage?.db.cpuPctOfOneCore?.toFixed(0)}%`);
      write(results);
      if (!proc.running()) {
        run.aborted = `the ${server} process exited during the ${users}-user level`;
        log(`  ${run.aborted}`);
        break;
      }
      await new Promise((r) => setTimeout(r, PAUSE_BETWEEN_LEVELS_MS));
    }
  } finally {
    await proc.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(process.argv.slice(2), process.env, 'bench/results');
  } catch (err) {
    if (!(err instanceof OptionError)) throw err;
    console.error(err.message);
    process.exitCode = 2;
    return;
  }
  if (parsed === 'help') {
    console.log(USAGE);
    return;
  }
  const o = parsed;
  const cpus = os.cpus();
  const results: LoadResults = {
    startedAt: new Date().toISOString(),
    run: isFullRun(o) ? 'full' : 'partial',
    machine: { cpus: cpus.length, model: cpus[0]?.model ?? 'unknown', memoryGb: os.totalmem() / 1024 ** 3, node: process.version, loadAverageAtStart: os.loadavg() },
    options: o,
    runs: [],
    floor: [],
    sweep: [],
  };
  log(`bench:load (${results.run} run): levels ${o.levels.join(',')}, modes ${o.modes.join(',')}, ${o.durationS} s per level${o.echo ? ', echo floor' : ''}${o.sweep ? `, sweep ${o.sizes.join(',')}` : ''}`);
  if (o.load) {
    for (const mode of o.modes) {
      await serverRun('boussole', mode, o, results);
      if (o.echo) await serverRun('echo', mode, o, results);
    }
  }
  if (o.sweep) {
    results.sweep = await runSweep({
      backend: o.backend,
      sizes: o.sizes,
      states: o.states,
      users: o.sweepUsers,
      rampMs: Math.min(o.rampS, 5) * 1000,
      durationMs: o.sweepDurationS * 1000,
      thinkScale: o.thinkScale,
      requestTimeoutMs: o.requestTimeoutS * 1000,
      replyTimeoutMs: o.replyTimeoutS * 1000,
      log,
      onPoint: (points) => {
        results.sweep = points;
        write(results);
      },
    });
  }
  results.finishedAt = new Date().toISOString();
  write(results);
  console.log(`\n${markdown(results)}`);
  log(`written to ${path.join(o.out, 'load.{json,md,svg}')}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
