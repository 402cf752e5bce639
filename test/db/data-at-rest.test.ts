/**
 * What the embedded database leaves on disk (a FerretDB of its own, on a fresh data dir): erased
 * data is gone from every file, write-ahead log included, and the files are the server user's only.
 */
import { callbackCase } from '../support/case-record';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from 'mongodb';
import { connectMongo } from '../../src/db/database';
import { ensureFerretDbBinary, startFerretDb, type EmbeddedFerretDb } from '../../src/db/embedded-ferretdb';
import { silentLogger } from '../../src/logging/logger';
import { MongoBotStorage } from '../../src/repositories/bot-state-storage';
import { DirectLineRepository } from '../../src/repositories/directline-repository';
import { storeLayout } from '../../src/repositories/store-layout';
import { HandoffRepository } from '../../src/repositories/handoff-repository';

let dataDir: string;
let server: EmbeddedFerretDb;
let db: Db;
let close: () => Promise<void>;

beforeAll(async () => {
  const bin = ensureFerretDbBinary(path.resolve(__dirname, '../../.tools'), silentLogger, process.env.FERRETDB_BIN || undefined);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'boussole-at-rest-'));
  fs.chmodSync(dataDir, 0o755); // as a DATA_DIR made by hand would be
  fs.mkdirSync(path.join(dataDir, 'ferretdb'), { mode: 0o755 });
  fs.writeFileSync(path.join(dataDir, 'ferretdb', 'leftover.bak'), 'x', { mode: 0o644 }); // left by an earlier version
  server = await startFerretDb({ bin, dataDir, log: silentLogger });
  const conn = await connectMongo(server.uri, 'boussole');
  db = conn.db;
  close = () => conn.client.close();
});

afterAll(async () => {
  await close?.();
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The files under the data dir that hold these bytes, anywhere. */
const holding = (marker: string): string[] => filesUnder(dataDir).filter((f) => fs.readFileSync(f).includes(Buffer.from(marker, 'utf8')));

test('"forget me": no copy of the erased case, messages, activities or state stays in any database file (-wal and -shm included)', async () => {
  const marker = `erase-me-${crypto.randomBytes(8).toString('hex')}@example.org`;
  const conversationId = `conv-at-rest-${crypto.randomBytes(4).toString('hex')}`;
  const key = `directline/${conversationId}`;
  const handoff = new HandoffRepository(db);
  const layout = await storeLayout(db);
  const directLine = new DirectLineRepository(db, { retentionMs: 3600_000, layout });
  const state = new MongoBotStorage(db, 3600_000, layout);
  for (const r of [handoff, directLine, state]) await r.ensureIndexes();

  // What a conversation that went to the Helpdesk leaves, each document written several times.
  await directLine.createConversation({ id: conversationId, userId: 'dl_user_at_rest_0000001' });
  for (let i = 0; i < 5; i++) await directLine.appendActivities(conversationId, [{ type: 'message', text: `my e-mail is ${marker} (${i})` }]);
  for (let i = 0; i < 5; i++) await state.write({ [key]: { turn: i, contact: marker } });
  const at = new Date();
  const record = callbackCase({ _id: `case-${crypto.randomBytes(4).toString('hex')}`, reason: 'asked', contact: { kind: 'email', value: marker }, conversation: { key } }, at);

  await handoff.saveCase(record);
  await handoff.addMessage({ _id: crypto.randomUUID(), caseId: record._id, from: 'person', text: `call me: ${marker}`, at, expiresAt: record.expiresAt });
  await handoff.take(record._id, { id: 'agent-1', name: 'Agent' }, 180);
  await handoff.close(record._id, 'agent-1', 'callback_planned', 180);
  expect(holding(marker).length).toBeGreaterThan(0); // it did reach the disk

  // The erasure path of "forget me" (src/app/boussole.ts, src/bot/boussole-bot.ts).
  await handoff.eraseConversation(key);
  await directLine.eraseConversation(conversationId);
  await state.delete([key]);

  expect(await handoff.getCase(record._id)).toBeNull();
  expect(filesUnder(dataDir).some((f) => f.endsWith('.sqlite-wal'))).toBe(true); // the WAL is there, and scanned
  expect(holding(marker)).toEqual([]);
});

test('the data dir and the database files are readable by the server user only (0700 / 0600), old files included', async () => {
  await db.collection('probe').insertOne({ _id: 'x' } as never); // the database files exist
  const mode = (p: string) => fs.statSync(p).mode & 0o777;
  expect(mode(dataDir)).toBe(0o700);
  expect(mode(path.join(dataDir, 'ferretdb'))).toBe(0o700);
  expect(mode(path.join(dataDir, 'ferretdb-state'))).toBe(0o700);
  const files = filesUnder(dataDir);
  expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['boussole.sqlite', 'boussole.sqlite-wal', 'boussole.sqlite-shm', 'leftover.bak']));
  expect(files.filter((f) => mode(f) !== 0o600).map((f) => `${path.relative(dataDir, f)} ${mode(f).toString(8)}`)).toEqual([]);
});
