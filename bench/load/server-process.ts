/**
 * The server under load as a separate process (so that its memory and CPU are its own, apart from
 * the load generator's): the built app (`dist/src/main.js`, as `npm run start:prod` runs it) or the
 * echo floor (`dist/bench/load/echo-server.js`), each starting its own embedded FerretDB in a
 * throw-away DATA_DIR. FerretDB's pid is read from DATA_DIR/ferretdb.lock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { connectMongo } from '../../src/db/database';
import { Buckets } from '../../src/repositories/buckets';
import { startPostgresFerret } from './postgres';
import { DIRECTLINE_COLLECTIONS } from '../../src/repositories/directline-repository';
import { storeLayout } from '../../src/repositories/store-layout';
import { count } from './stats';

/** The repository root (this file runs from dist/bench/load/). */
export const ROOT = path.resolve(__dirname, '../../..');
export const ENTRIES = {
  boussole: path.join(ROOT, 'dist/src/main.js'),
  echo: path.join(ROOT, 'dist/bench/load/echo-server.js'),
} as const;
export type ServerKind = keyof typeof ENTRIES;

export interface ServerProcess {
  kind: ServerKind;
  url: string;
  api: string;
  pid: number;
  dataDir: string;
  /** Milliseconds from spawn to "started". */
  startMs: number;
  /** The FerretDB process now (it changes if it is restarted), from the lock file. */
  ferretPid(): number | undefined;
  /** FerretDB's address, for a direct connection of the driver. */
  dbUri(): string;
  /** With the PostgreSQL backend: PostgreSQL's main process (its CPU shows in "machine busy"). */
  postgresPid(): number | undefined;
  /** Documents stored now in the collections that grow with conversations. */
  stored(): Promise<Stored>;
  /** Warnings and errors the server logged so far, by event name (and runs of the retention purge). */
  problems(): Record<string, number>;
  /** Whether the process is still running. */
  running(): boolean;
  stop(): Promise<void>;
}

/**
 * All simulated users come from 127.0.0.1, so the per-address limits (meant for one person's
 * browser) are off; the per-conversation limits keep their defaults.
 */
export const BENCH_ENV: Record<string, string> = {
  BOT_AUTH: 'local',
  RATE_LIMIT_ADDRESS_MESSAGES_PER_MINUTE: '0',
  RATE_LIMIT_ADDRESS_POLLS_PER_MINUTE: '0',
};

/** MongoBotStorage's collection (src/repositories/bot-state-storage.ts). */
export const BOT_STATE = 'bot_state';

export interface Stored {
  conversations: number;
  activities: number;
  /** bot_state documents: each conversation's state and its user's. */
  states: number;
}

/** FerretDB's address, from its command line (`--listen-addr=127.0.0.1:<port>`, src/db/embedded-ferretdb.ts). */
export function ferretUri(pid: number | undefined): string {
  if (!pid) throw new Error('FerretDB pid not found in DATA_DIR/ferretdb.lock');
  const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const addr = args.find((a) => a.startsWith('--listen-addr='))?.slice('--listen-addr='.length);
  if (!addr) throw new Error(`FerretDB (pid ${pid}) has no --listen-addr`);
  return `mongodb://${addr}/`;
}

/** FerretDB's backend: SQLite embedded in the app (the default), or PostgreSQL started by the bench. */
export type Backend = 'sqlite' | 'postgresql';

/**
 * The Node flags `npm run start:prod` runs the app with (read from package.json, so that the bench
 * measures what is deployed): a heap limit, under which V8 collects before growing instead of
 * letting garbage pile up (with 1,000 open conversations the live heap is about 90 MB).
 */
export const PRODUCTION_NODE_FLAGS: string[] = (() => {
  const script = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start:prod'] ?? '';
  return script.split(/\s+/).filter((w) => /^--[a-z-]+=\S+$/.test(w));
})();

export async function startServer(kind: ServerKind, dataDir: string, env: Record<string, string> = {}, backend: Backend = 'sqlite'): Promise<ServerProcess> {
  const entry = ENTRIES[kind];
  if (!fs.existsSync(entry)) throw new Error(`${path.relative(ROOT, entry)} is missing: run \`npm run build\` first (npm run bench:load does)`);
  const toolsDir = process.env.TOOLS_DIR ? path.resolve(process.env.TOOLS_DIR) : path.join(ROOT, '.tools');
  const external = backend === 'postgresql' ? await startPostgresFerret(toolsDir) : undefined;
  const started = performance.now();
  const proc: ChildProcess = spawn(process.execPath, [...PRODUCTION_NODE_FLAGS, entry], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      DATA_DIR: dataDir,
      TOOLS_DIR: toolsDir,
      ...(external ? { MONGODB_URI: external.uri, MONGODB_DB: 'boussole', SINGLE_INSTANCE: 'true' } : {}),
      LOG_LEVEL: 'info',
      ...(process.env.FERRETDB_BIN ? { FERRETDB_BIN: process.env.FERRETDB_BIN } : {}),
      ...(process.env.GOCACHE ? { GOCACHE: process.env.GOCACHE } : {}),
      ...(process.env.GOMODCACHE ? { GOMODCACHE: process.env.GOMODCACHE } : {}),
      // For profiling the server under load (e.g. --cpu-prof or a -r hook); not set by the bench.
      ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
      ...BENCH_ENV,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  let partial = '';
  const problems: Record<string, number> = {};
  let onLine: (line: string) => void = () => undefined;
  proc.stdout!.on('data', (b: Buffer) => {
    const text = partial + b.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      tail = (tail + line + '\n').slice(-4000);
      const level = /"level":"(warn|error)"/.exec(line);
      if (level) count(problems, `${level[1]}:${/"event":"([^"]+)"/.exec(line)?.[1] ?? 'unknown'}`);
      else if (line.includes('"event":"retention.purged"')) count(problems, 'info:retention.purged'); // the purge job reads whole collections
      onLine(line);
    }
  });
  proc.stderr!.on('data', (b: Buffer) => (tail = (tail + b.toString('utf8')).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} did not start within 180 s: ${tail.slice(-2000)}`)), 180_000);
    onLine = (line) => {
      if (!/"event":"(boussole|echo)\.started"/.test(line)) return;
      const m = /"url":"([^"]+)"/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve(m[1]);
    };
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited (${code ?? signal}) before it started: ${tail.slice(-2000)}`));
    });
  });
  onLine = () => undefined;
  const base = url.endsWith('/') ? url : `${url}/`;
  // main.js warms up the number models after "started" (synchronous, a few seconds): wait for it,
  // so that the first level does not measure it. That pause can make a storage call started before
  // it time out (the database then counts as down for about a second): wait until it is ready again.
  await waitFor(`${base}healthz`, 60_000);
  await new Promise((r) => setTimeout(r, 2000));
  await waitFor(`${base}readyz`, 30_000);
  const lockFile = path.join(dataDir, 'ferretdb.lock');
  const ferretPid = (): number | undefined => {
    if (external) return external.ferretPid;
    try {
      return (JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { ferretdb?: number }).ferretdb;
    } catch {
      return undefined;
    }
  };
  return {
    kind,
    url: base,
    api: `${base}v3/directline`,
    pid: proc.pid!,
    dataDir,
    startMs: performance.now() - started,
    ferretPid,
    dbUri: () => external?.uri ?? ferretUri(ferretPid()),
    postgresPid: () => external?.postgresPid(),
    async stored() {
      const { client, db } = await connectMongo(external?.uri ?? ferretUri(ferretPid()), 'boussole');
      try {
        const { buckets } = await storeLayout(db);
        const n = async (name: string) => {
          let count = 0;
          for (const col of new Buckets(db, name, buckets).all()) count += await col.estimatedDocumentCount();
          return count;
        };
        return { conversations: await n(DIRECTLINE_COLLECTIONS.conversations), activities: await n(DIRECTLINE_COLLECTIONS.activities), states: await n(BOT_STATE) };
      } finally {
        await client.close();
      }
    },
    problems: () => ({ ...problems }),
    running: () => proc.exitCode === null && proc.signalCode === null,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const killer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(killer);
      }
      await external?.stop();
    },
  };
}

async function waitFor(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {
      // still busy: try again
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Differences of two snapshots of `problems()`. */
export function problemsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}
