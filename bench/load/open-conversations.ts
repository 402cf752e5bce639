/**
 * The app's memory with many conversations open at once (the target: app RSS ≤ 300 MB with 1,000
 * open conversations on one instance). Starts the built app as bench:load does (its own embedded
 * FerretDB in a throw-away DATA_DIR), notes its resident memory idle, then opens `--conversations`
 * web-chat conversations (token, start, WebSocket stream or polling) `--parallel` at a time, each
 * sending the first `--messages` messages of a journey (journeys.ts) and waiting for each reply, and
 * keeps them all open: resident memory when they are all open, its peak while opening, and again
 * after `--settle` seconds.
 *
 *   npm run build && node dist/bench/load/open-conversations.js [--conversations=1000] [--messages=1]
 *     [--parallel=50] [--mode=ws|poll] [--settle=10] [--out=bench/results]
 *     [--url=http://127.0.0.1:3978/ --pid=<the app's pid>]   (an app already running, with BOT_AUTH=local
 *                                                             and the per-address rate limits off)
 *
 * Writes <out>/open-conversations.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchClient, type Mode } from './client';
import { JOURNEYS } from './journeys';
import { rssBytes, UsageSampler } from './proc-stats';
import { ROOT, startServer } from './server-process';
import { count, fmt, summarize, total } from './stats';

const MB = 1024 * 1024;

interface Options {
  conversations: number;
  messages: number;
  parallel: number;
  mode: Mode;
  settleS: number;
  out: string;
  url?: string;
  pid?: number;
}

function parse(argv: string[]): Options {
  const o: Options = { conversations: 1000, messages: 1, parallel: 50, mode: 'ws', settleS: 10, out: 'bench/results' };
  for (const arg of argv) {
    const m = /^--([a-z]+)=(.+)$/.exec(arg);
    const whole = (v: string, min: number) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new Error(`--${m![1]}: expected a whole number ≥ ${min}, got "${v}"`);
      return n;
    };
    if (!m) throw new Error(`unknown argument "${arg}"`);
    if (m[1] === 'conversations') o.conversations = whole(m[2], 1);
    else if (m[1] === 'messages') o.messages = whole(m[2], 0);
    else if (m[1] === 'parallel') o.parallel = whole(m[2], 1);
    else if (m[1] === 'settle') o.settleS = whole(m[2], 0);
    else if (m[1] === 'out') o.out = m[2];
    else if (m[1] === 'url') o.url = m[2].endsWith('/') ? m[2] : `${m[2]}/`;
    else if (m[1] === 'pid') o.pid = whole(m[2], 1);
    else if (m[1] === 'mode' && (m[2] === 'ws' || m[2] === 'poll')) o.mode = m[2];
    else throw new Error(`unknown option "${arg}"`);
  }
  return o;
}

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const dataDir = o.url ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'boussole-open-'));
  if (dataDir) log(`starting the app (DATA_DIR ${dataDir})`);
  const started = dataDir ? await startServer('boussole', dataDir) : undefined;
  const server = started ?? { pid: o.pid, api: `${o.url}v3/directline`, ferretPid: () => undefined, stored: async () => undefined, problems: () => ({}) };
  const clients: BenchClient[] = [];
  try {
    const idleMb = (rssBytes(server.pid) ?? NaN) / MB;
    log(`idle: app ${fmt(idleMb)} MB; opening ${o.conversations} conversations (${o.mode}, ${o.messages} message(s) each, ${o.parallel} at a time)`);
    const errors: Record<string, number> = {};
    const latencies: number[] = [];
    const sampler = new UsageSampler(() => ({ app: server.pid, db: server.ferretPid() }));
    sampler.start();
    const openedAt = performance.now();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < o.conversations; i = next++) {
        const journey = JOURNEYS[i % JOURNEYS.length];
        const client = new BenchClient(server.api, { mode: o.mode, pollMs: 1000, requestTimeoutMs: 30_000, replyTimeoutMs: 30_000, error: (kind) => count(errors, kind) });
        clients.push(client);
        const welcome = await client.open(journey.locale);
        if (welcome.error) continue;
        for (const text of journey.messages.slice(0, o.messages)) {
          const turn = await client.say(text, journey.locale);
          if (turn.latencyMs === undefined) break;
          latencies.push(turn.latencyMs);
        }
        if ((i + 1) % 100 === 0) log(`  ${i + 1} opened, app ${fmt((rssBytes(server.pid) ?? NaN) / MB)} MB`);
      }
    };
    await Promise.all(Array.from({ length: o.parallel }, worker));
    const openingS = (performance.now() - openedAt) / 1000;
    const opening = sampler.stop();
    const openMb = (rssBytes(server.pid) ?? NaN) / MB;
    log(`all open after ${fmt(openingS)} s: app ${fmt(openMb)} MB (peak ${fmt(opening.app.rssPeakMb)} MB), db ${fmt(opening.db.rssEndMb)} MB; ${total(errors)} errors`);
    await new Promise((r) => setTimeout(r, o.settleS * 1000));
    const settledMb = (rssBytes(server.pid) ?? NaN) / MB;
    const stored = await server.stored().catch(() => undefined);
    log(`after ${o.settleS} s more: app ${fmt(settledMb)} MB`);
    const result = {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, memoryGb: os.totalmem() / 1024 ** 3, node: process.version },
      options: o,
      appRssMb: { idle: idleMb, allOpen: openMb, peakWhileOpening: opening.app.rssPeakMb, settled: settledMb },
      dbRssMb: { allOpen: opening.db.rssEndMb, peakWhileOpening: opening.db.rssPeakMb },
      openingS,
      reply: summarize(latencies),
      errors,
      stored,
      serverProblems: server.problems(),
    };
    const dir = path.resolve(ROOT, o.out);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'open-conversations.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify({ appRssMb: result.appRssMb, reply: result.reply, errors, stored }, null, 2));
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await started?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
