/**
 * The embedded MongoDB-compatible server used when MONGODB_URI is unset: FerretDB v1 on SQLite.
 *
 * Build: FerretDB's module is fetched through the Go module proxy and compiled with the machine's Go
 * toolchain into TOOLS_DIR, once. A plain `go install …@v1.24.2` is not enough: the module archive
 * ships an empty build/version/version.txt (its release process generates it), and such a binary
 * panics at start. So we download the module, write that file as `bin/task gen-version` would, and
 * `go build` — the same sources, the same flags.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../logging/logger';
import { privateDirs, sqliteUrl } from './data-at-rest';

export const FERRETDB_VERSION = 'v1.24.2';
const MODULE = 'github.com/FerretDB/FerretDB';

export class EmbeddedDbError extends Error {}

const HOW_TO_FIX =
  'Boussole needs a MongoDB-compatible database. Either set MONGODB_URI to a MongoDB server ' +
  '(for example mongodb://127.0.0.1:27017), or let Boussole build its embedded FerretDB: that needs the Go ' +
  'toolchain (go 1.21 or newer on the PATH) and access to the Go module proxy the first time only; the binary ' +
  'is then cached in TOOLS_DIR. You can also point FERRETDB_BIN to an existing FerretDB v1 binary.';

function runGo(args: string[], cwd: string): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync('go', args, { cwd, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false', CGO_ENABLED: '0' }, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { ok: false, stdout: '', stderr: String(r.error.message) };
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function binaryWorks(bin: string): boolean {
  if (!fs.existsSync(bin)) return false;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 20000 });
  return r.status === 0 && r.stdout.includes(FERRETDB_VERSION);
}

/** Returns the path of a working FerretDB binary, building it on first use. */
export function ensureFerretDbBinary(toolsDir: string, log: Logger, explicitBin?: string): string {
  if (explicitBin) {
    if (!binaryWorks(explicitBin)) throw new EmbeddedDbError(`FERRETDB_BIN=${explicitBin} is not a working FerretDB ${FERRETDB_VERSION} binary.\n${HOW_TO_FIX}`);
    return explicitBin;
  }
  const dir = path.resolve(toolsDir, `ferretdb-${FERRETDB_VERSION}`);
  const bin = path.join(dir, 'ferretdb');
  if (binaryWorks(bin)) return bin;

  const goVersion = runGo(['version'], process.cwd());
  if (!goVersion.ok) throw new EmbeddedDbError(`The Go toolchain was not found (needed to build the embedded FerretDB).\n${HOW_TO_FIX}`);
  fs.mkdirSync(dir, { recursive: true });
  log.info('ferretdb.build.start', { version: FERRETDB_VERSION, go: goVersion.stdout.trim(), note: 'first start only: downloading and compiling (about 1-3 minutes)' });
  const started = Date.now();

  const dl = runGo(['mod', 'download', '-json', `${MODULE}@${FERRETDB_VERSION}`], dir);
  let moduleDir: string | undefined;
  try {
    moduleDir = (JSON.parse(dl.stdout) as { Dir?: string }).Dir;
  } catch {
    moduleDir = undefined;
  }
  if (!dl.ok || !moduleDir) throw new EmbeddedDbError(`Could not download ${MODULE}@${FERRETDB_VERSION} through the Go module proxy: ${dl.stderr.trim().slice(-500)}\n${HOW_TO_FIX}`);
  log.info('ferretdb.build.downloaded', { ms: Date.now() - started });

  // The module cache is read-only: build from a private copy that carries the version file.
  const src = fs.mkdtempSync(path.join(dir, 'src-'));
  try {
    fs.cpSync(moduleDir, src, { recursive: true });
    for (const p of walk(src)) fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    fs.writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    const tmpBin = path.join(dir, `ferretdb.tmp-${process.pid}`);
    const build = runGo(['build', '-trimpath', '-o', tmpBin, './cmd/ferretdb'], src);
    if (!build.ok) throw new EmbeddedDbError(`Building FerretDB failed: ${build.stderr.trim().slice(-800)}\n${HOW_TO_FIX}`);
    fs.renameSync(tmpBin, bin); // atomic: a concurrent start never sees half a binary
  } finally {
    fs.rmSync(src, { recursive: true, force: true });
  }
  if (!binaryWorks(bin)) throw new EmbeddedDbError(`The FerretDB binary built in ${dir} does not run.\n${HOW_TO_FIX}`);
  log.info('ferretdb.build.done', { ms: Date.now() - started });
  return bin;
}

function* walk(p: string): Generator<string> {
  yield p;
  if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) yield* walk(path.join(p, e));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

export interface EmbeddedFerretDb {
  uri: string;
  port: number;
  /** The FerretDB process now (it changes when it is restarted). */
  pid: number | undefined;
  /** How many times it was restarted after dying. */
  restarts: number;
  /** True while a FerretDB process is running and accepting connections. */
  running: boolean;
  /**
   * Stops the running FerretDB at once (SIGKILL) so that the supervisor starts a new one: for a
   * server that accepts connections but no longer answers.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs FerretDB so that it dies with us: the shell prints FerretDB's pid, then watches its own
 * standard input (a pipe from this process) and stops FerretDB when the pipe closes, which the
 * kernel does when this process dies, even by SIGKILL. SIGTERM to the shell stops FerretDB too.
 */
const DIES_WITH_PARENT = [
  'umask 077', // the SQLite files FerretDB creates are the server user's only (see data-at-rest.ts)
  'exec 3<&0',
  '"$@" </dev/null &',
  'child=$!',
  'echo "$child"',
  '{ while read -r _ <&3; do :; done; kill -TERM "$child" 2>/dev/null; } &',
  'watcher=$!',
  "trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT",
  'while :; do wait "$child"; status=$?; kill -0 "$child" 2>/dev/null || break; done',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

const RESTART_BACKOFF_MS = [500, 1000, 2000, 5000, 10000, 30000];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isFerretDb(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('ferretdb');
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

interface LockInfo {
  owner: number;
  ferretdb?: number;
}

/**
 * One FerretDB on one set of SQLite files: a lock file in the data dir names the Boussole process
 * that owns them and its FerretDB. A lock left by a dead owner is taken over, and its FerretDB,
 * if still running (orphaned by a crash), is stopped first.
 */
class DataDirLock {
  private readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, 'ferretdb.lock');
  }

  async acquire(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(this.file, JSON.stringify({ owner: process.pid } satisfies LockInfo), { flag: 'wx', mode: 0o600 });
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const held = this.read();
      if (held && held.owner !== process.pid && alive(held.owner)) {
        throw new EmbeddedDbError(`Another Boussole (pid ${held.owner}) is using the database in ${path.dirname(this.file)}. Stop it, or give this one another DATA_DIR.`);
      }
      if (held?.ferretdb && alive(held.ferretdb) && isFerretDb(held.ferretdb)) {
        process.kill(held.ferretdb, 'SIGTERM');
        if (!(await waitGone(held.ferretdb, 10000))) process.kill(held.ferretdb, 'SIGKILL');
        await waitGone(held.ferretdb, 5000);
      }
      fs.rmSync(this.file, { force: true });
    }
    throw new EmbeddedDbError(`Could not take the database lock ${this.file}.`);
  }

  /** Records the running FerretDB, so that a later start can stop it if we crash. */
  record(ferretdb: number | undefined): void {
    fs.writeFileSync(this.file, JSON.stringify({ owner: process.pid, ferretdb } satisfies LockInfo), { mode: 0o600 });
  }

  release(): void {
    if (this.read()?.owner === process.pid) fs.rmSync(this.file, { force: true });
  }

  private read(): LockInfo | undefined {
    try {
      const v = JSON.parse(fs.readFileSync(this.file, 'utf8')) as LockInfo;
      return Number.isInteger(v.owner) ? v : undefined;
    } catch {
      return undefined;
    }
  }
}

interface RunningChild {
  child: ChildProcess;
  ferretPid: Promise<number | undefined>;
  exited: Promise<void>;
  hasExited: () => boolean;
  stderrTail: () => string;
}

function spawnGuarded(bin: string, args: string[]): RunningChild {
  const child = spawn('/bin/sh', ['-c', DIES_WITH_PARENT, 'ferretdb-guard', bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let tail = '';
  child.stderr?.on('data', (b: Buffer) => {
    tail = (tail + b.toString('utf8')).slice(-2000);
  });
  const ferretPid = new Promise<number | undefined>((resolve) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(/^\d+$/.test(line) ? Number(line) : undefined);
    });
    child.once('exit', () => resolve(undefined));
  });
  let exited = false;
  const exitedP = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  return { child, ferretPid, exited: exitedP, hasExited: () => exited, stderrTail: () => tail };
}

/**
 * Starts FerretDB on a loopback port with its SQLite files under dataDir, and keeps it running:
 * when it dies it is started again on the same port (the driver reconnects by itself), after a
 * growing pause. Never two on the same files (DataDirLock); it stops when this process dies.
 */
export async function startFerretDb(opts: { bin: string; dataDir: string; log: Logger; port?: number }): Promise<EmbeddedFerretDb> {
  const dataDir = path.resolve(opts.dataDir, 'ferretdb');
  const stateDir = path.resolve(opts.dataDir, 'ferretdb-state');
  privateDirs(path.resolve(opts.dataDir), dataDir, stateDir);
  const lock = new DataDirLock(path.resolve(opts.dataDir));
  await lock.acquire();
  const port = opts.port ?? (await freePort());
  const args = [
    '--handler=sqlite',
    `--sqlite-url=${sqliteUrl(dataDir)}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--telemetry=disable',
    '--debug-addr=-',
    `--state-dir=${stateDir}`,
    '--log-level=warn',
  ];

  let current: RunningChild | undefined;
  let stopping = false;
  let restarts = 0;
  let failuresInARow = 0;
  let ready = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let ferretPid: number | undefined;

  const launch = async (): Promise<void> => {
    const run = spawnGuarded(opts.bin, args);
    current = run;
    ferretPid = await run.ferretPid;
    lock.record(ferretPid);
    const deadline = Date.now() + 30000;
    while (!(await canConnect(port))) {
      if (run.hasExited()) throw new EmbeddedDbError(`FerretDB exited at start: ${run.stderrTail().trim().slice(-800)}`);
      if (Date.now() > deadline) {
        run.child.kill('SIGTERM');
        throw new EmbeddedDbError('FerretDB did not accept connections within 30 s.');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    ready = true;
    opts.log.info('ferretdb.started', { port, pid: ferretPid });
    void run.exited.then(() => {
      ready = false;
      if (stopping || current !== run) return;
      const wait = RESTART_BACKOFF_MS[Math.min(failuresInARow, RESTART_BACKOFF_MS.length - 1)];
      opts.log.error('ferretdb.died', { port, restartInMs: wait });
      restartTimer = setTimeout(() => void relaunch(), wait);
    });
  };

  const relaunch = async (): Promise<void> => {
    if (stopping) return;
    try {
      await launch();
      restarts++;
      failuresInARow = 0;
      opts.log.warn('ferretdb.restarted', { port, restarts });
    } catch (err) {
      failuresInARow++;
      const wait = RESTART_BACKOFF_MS[Math.min(failuresInARow, RESTART_BACKOFF_MS.length - 1)];
      opts.log.error('ferretdb.restart_failed', { port, errorName: err instanceof Error ? err.name : typeof err, restartInMs: wait });
      if (!stopping) restartTimer = setTimeout(() => void relaunch(), wait);
    }
  };

  try {
    await launch();
  } catch (err) {
    lock.release();
    throw err;
  }

  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    get pid() {
      return ready ? ferretPid : undefined;
    },
    get restarts() {
      return restarts;
    },
    get running() {
      return ready;
    },
    async restart() {
      const run = current;
      if (stopping || !run || run.hasExited()) return;
      const pid = await run.ferretPid;
      opts.log.warn('ferretdb.restarting', { port, reason: 'unresponsive' });
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    },
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const run = current;
      if (run && !run.hasExited()) {
        const pid = await run.ferretPid;
        run.child.kill('SIGTERM');
        const timer = setTimeout(() => {
          run.child.kill('SIGKILL');
          if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
        }, 5000);
        await run.exited;
        clearTimeout(timer);
        if (pid) await waitGone(pid, 5000);
      }
      lock.release();
      opts.log.info('ferretdb.stopped', { port });
    },
  };
}
