/**
 * The real app as a separate process (the built `dist/src/main.js`, as `npm run start:prod` runs
 * it) with its own embedded FerretDB in a throw-away DATA_DIR, so that tests can pause and kill the
 * database and the app itself. `npm test` builds before jest runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DirectLineClient, type WireActivity } from '../directline/support';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');

export interface AppProcess {
  url: string;
  api: string;
  proc: ChildProcess;
  dataDir: string;
  /** The pid of the app's FerretDB now (from the lock in DATA_DIR). */
  ferretPid(): number;
  /** Log events seen so far (names only). */
  events(): string[];
  /** Events that gave a reason, as name(reason): for failure reports. */
  reasons(): string[];
  stop(): Promise<void>;
}

export async function startApp(dataDir: string, env: Record<string, string> = {}): Promise<AppProcess> {
  if (!fs.existsSync(MAIN)) throw new Error('dist/src/main.js is missing: run `npm run build` first (npm test does)');
  const proc = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      DATA_DIR: dataDir,
      TOOLS_DIR: path.join(ROOT, '.tools'),
      BOT_AUTH: 'local',
      LOG_LEVEL: 'info',
      STORAGE_TIMEOUT_MS: '1500',
      ...(process.env.FERRETDB_BIN ? { FERRETDB_BIN: process.env.FERRETDB_BIN } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const events: string[] = [];
  const reasons: string[] = [];
  let partial = '';
  proc.stdout!.on('data', (b: Buffer) => {
    const lines = (partial + b.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const name = /"event":"([^"]+)"/.exec(line)?.[1];
      if (!name) continue;
      events.push(name);
      // Why the store is unreachable, kept apart so that tests matching event names stay exact.
      const why = /"(?:reason|why)":"([^"]+)"/.exec(line)?.[1];
      if (why) reasons.push(`${name}(${why})`);
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start: ${out.slice(-2000)}`)), 90_000);
    proc.stdout!.on('data', (b: Buffer) => {
      out = (out + b.toString('utf8')).slice(-20000);
      const m = /"event":"boussole\.started".*?"url":"([^"]+)"/.exec(out) ?? /"url":"([^"]+)".*?"event":"boussole\.started"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.stderr!.on('data', (b: Buffer) => (out = (out + b.toString('utf8')).slice(-20000)));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited (${code}): ${out.slice(-2000)}`));
    });
  });
  return {
    url,
    api: `${url}v3/directline`,
    proc,
    dataDir,
    events: () => [...events],
    reasons: () => [...reasons],
    ferretPid: () => (JSON.parse(fs.readFileSync(path.join(dataDir, 'ferretdb.lock'), 'utf8')) as { ferretdb: number }).ferretdb,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, ms: number, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What the person sees: each activity once (Web Chat replaces an activity that comes again with its id). */
export function shown(client: DirectLineClient): WireActivity[] {
  const byId = new Map<string, WireActivity>();
  for (const a of client.seen) byId.set(String(a.id), a);
  return [...byId.values()];
}

/** The bot's messages that answer the activity `id` (replyToId), as stored in the log. */
export function answersTo(client: DirectLineClient, id: string): WireActivity[] {
  return shown(client).filter((a) => a.from.role === 'bot' && (a as { replyToId?: string }).replyToId === id);
}

/** Polls once, tolerating failures (the server may be down): true when the poll answered 200. */
export async function pollQuietly(client: DirectLineClient): Promise<boolean> {
  try {
    return (await client.poll()).status === 200;
  } catch {
    return false;
  }
}
