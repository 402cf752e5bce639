/**
 * FerretDB on PostgreSQL, for comparing the two backends under the same load (`--backend=postgresql`):
 * the machine's PostgreSQL is started in a throw-away folder (as the `postgres` user when the bench
 * runs as root: PostgreSQL refuses root), then FerretDB v1.24.2 (the binary the app builds) with its
 * `pg` handler on it. The app then runs with MONGODB_URI pointing at that FerretDB.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureFerretDbBinary, freePort } from '../../src/db/embedded-ferretdb';
import { silentLogger } from '../../src/logging/logger';

export interface PostgresFerret {
  uri: string;
  ferretPid: number;
  /** The PostgreSQL server's main process. */
  postgresPid(): number | undefined;
  stop(): Promise<void>;
}

/** Where initdb and pg_ctl are: PG_BIN_DIR, else Debian's /usr/lib/postgresql/<version>/bin. */
function binDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (fs.existsSync(path.join(root, v, 'bin', 'pg_ctl'))) return path.join(root, v, 'bin');
  throw new Error('PostgreSQL not found: install it (Debian: postgresql) or set PG_BIN_DIR');
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function run(bin: string, args: string[]): void {
  const [cmd, full] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, full, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} failed: ${(r.stderr || r.stdout || '').slice(-1000)}`);
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on port ${port}`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

/** `dir` is created for it (outside the app's DATA_DIR, which only its user may enter) and removed by stop(). */
export async function startPostgresFerret(toolsDir: string): Promise<PostgresFerret> {
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boussole-load-pg-'));
  const data = path.join(dir, 'pgdata');
  fs.mkdirSync(data, { recursive: true, mode: 0o700 });
  if (asRoot) spawnSync('chown', ['-R', 'postgres:postgres', dir]);
  const pgPort = await freePort();
  run(path.join(bin, 'initdb'), ['-D', data, '-U', 'boussole', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  run(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(data, 'server.log'), '-w', '-o', `-p ${pgPort} -k ${data} -c listen_addresses=127.0.0.1`, 'start']);
  run(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'boussole', 'ferretdb']);
  const ferretPort = await freePort();
  const ferret: ChildProcess = spawn(
    ensureFerretDbBinary(toolsDir, silentLogger, process.env.FERRETDB_BIN || undefined),
    ['--handler=pg', `--postgresql-url=postgres://boussole@127.0.0.1:${pgPort}/ferretdb`, `--listen-addr=127.0.0.1:${ferretPort}`, '--telemetry=disable', '--debug-addr=-', `--state-dir=${path.join(dir, 'ferretdb-state')}`, '--log-level=warn'],
    { stdio: 'ignore' },
  );
  fs.mkdirSync(path.join(dir, 'ferretdb-state'), { recursive: true });
  await waitForPort(ferretPort, 30_000);
  const stop = async () => {
    ferret.kill('SIGTERM');
    try {
      run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', 'stop']);
    } catch {
      // already stopped
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return {
    uri: `mongodb://127.0.0.1:${ferretPort}/`,
    ferretPid: ferret.pid!,
    postgresPid: () => {
      try {
        return Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
      } catch {
        return undefined;
      }
    },
    stop,
  };
}
