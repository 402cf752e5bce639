/**
 * The embedded FerretDB is supervised: restarted when it dies, never two on the same files, and
 * it does not outlive the process that started it (even killed with SIGKILL).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { EmbeddedDbError, ensureFerretDbBinary, startFerretDb, type EmbeddedFerretDb } from '../../src/db/embedded-ferretdb';
import { silentLogger } from '../../src/logging/logger';

const bin = ensureFerretDbBinary(path.resolve(__dirname, '../../.tools'), silentLogger, process.env.FERRETDB_BIN || undefined);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const started: EmbeddedFerretDb[] = [];
afterAll(async () => {
  for (const s of started) await s.stop();
});

test('killed, FerretDB is started again on the same port and the data is still there', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferret-sup-'));
  const db = await startFerretDb({ bin, dataDir: dir, log: silentLogger });
  started.push(db);
  const client = new MongoClient(db.uri, { serverSelectionTimeoutMS: 15000 });
  await client.connect();
  await client.db('t').collection('c').insertOne({ _id: 'kept' } as never);
  const first = db.pid!;
  process.kill(first, 'SIGKILL');
  await until(() => db.running && db.pid !== undefined && db.pid !== first, 15000);
  expect(db.restarts).toBe(1);
  expect(await client.db('t').collection('c').findOne({ _id: 'kept' } as never)).toEqual({ _id: 'kept' });
  await client.close();
});

test('a second FerretDB on the same files is refused while the first one runs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferret-lock-'));
  const db = await startFerretDb({ bin, dataDir: dir, log: silentLogger });
  started.push(db);
  // The lock names this very process; a different live owner is what is refused.
  const lockFile = path.join(dir, 'ferretdb.lock');
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { owner: number; ferretdb: number };
  expect(lock).toEqual({ owner: process.pid, ferretdb: db.pid });
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    fs.writeFileSync(lockFile, JSON.stringify({ owner: holder.pid, ferretdb: db.pid }));
    await expect(startFerretDb({ bin, dataDir: dir, log: silentLogger })).rejects.toThrow(EmbeddedDbError);
    expect(alive(db.pid!)).toBe(true);
  } finally {
    holder.kill('SIGKILL');
  }
});

test('an orphan FerretDB left by a crashed owner is stopped before a new one starts on its files', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferret-orphan-'));
  fs.mkdirSync(path.join(dir, 'ferretdb'), { recursive: true });
  // An orphan: FerretDB started directly (not through us) on these files; its owner is a dead pid.
  const orphan = spawn(bin, ['--handler=sqlite', `--sqlite-url=file:${path.join(dir, 'ferretdb')}/`, '--listen-addr=127.0.0.1:0', '--telemetry=disable', '--debug-addr=-', `--state-dir=${dir}`], { stdio: 'ignore' });
  const dead = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => dead.once('exit', r));
  fs.writeFileSync(path.join(dir, 'ferretdb.lock'), JSON.stringify({ owner: dead.pid, ferretdb: orphan.pid }));
  const db = await startFerretDb({ bin, dataDir: dir, log: silentLogger });
  started.push(db);
  await until(() => !alive(orphan.pid!) || orphan.exitCode !== null || orphan.signalCode !== null, 5000);
  expect(db.running).toBe(true);
});

test('FerretDB dies with the process that started it, even when that process is killed with SIGKILL', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferret-parent-'));
  // The parent: a Node process that starts FerretDB through the built module (npm test builds first).
  const built = path.resolve(__dirname, '../../dist/src/db/embedded-ferretdb.js');
  expect(fs.existsSync(built)).toBe(true);
  const script = `const m=require(${JSON.stringify(built)});const log={info(){},warn(){},error(){},debug(){},child(){return log}};m.startFerretDb({bin:${JSON.stringify(bin)},dataDir:${JSON.stringify(dir)},log}).then(d=>{process.stdout.write(String(d.pid)+'\\n');setInterval(()=>{},1000)});`;
  const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout!.once('data', (b: Buffer) => resolve(Number(String(b).trim())));
    parent.once('exit', () => reject(new Error('parent exited')));
  });
  expect(alive(pid)).toBe(true);
  parent.kill('SIGKILL');
  await until(() => !alive(pid), 10000);
});
