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
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts FerretDB on a free loopback port with its SQLite files under dataDir. */
export async function startFerretDb(opts: { bin: string; dataDir: string; log: Logger; port?: number }): Promise<EmbeddedFerretDb> {
  const dataDir = path.resolve(opts.dataDir, 'ferretdb');
  const stateDir = path.resolve(opts.dataDir, 'ferretdb-state');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.mkdirSync(stateDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    '--telemetry=disable',
    '--debug-addr=-',
    `--state-dir=${stateDir}`,
    '--log-level=warn',
  ];
  const child: ChildProcess = spawn(opts.bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderrTail = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderrTail = (stderrTail + b.toString('utf8')).slice(-2000);
  });
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));

  const deadline = Date.now() + 30000;
  while (!(await canConnect(port))) {
    if (exited) throw new EmbeddedDbError(`FerretDB exited at start: ${stderrTail.trim().slice(-800)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new EmbeddedDbError('FerretDB did not accept connections within 30 s.');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  opts.log.info('ferretdb.started', { port, pid: child.pid });
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    pid: child.pid,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(timer);
      opts.log.info('ferretdb.stopped', { port });
    },
  };
}
