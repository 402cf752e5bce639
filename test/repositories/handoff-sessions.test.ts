import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { HandoffRepository, type SessionRecord } from '../../src/repositories/handoff-repository';
import { openTestDb, type TestDb } from '../support/db';

let t: TestDb;
let watched: MongoClient;
const finds: CommandStartedEvent[] = [];

beforeAll(async () => {
  t = await openTestDb();
  watched = new MongoClient(t.uri, { monitorCommands: true });
  await watched.connect();
  watched.on('commandStarted', (e) => e.commandName === 'find' && e.command.find === 'handoff_sessions' && finds.push(e));
});
afterAll(async () => {
  await watched.close();
  await t.close();
});

const session = (key: string, step: SessionRecord['step'], minutes = 60): SessionRecord => ({ _id: key, step, data: {}, tries: 0, expiresAt: new Date(Date.now() + minutes * 60_000) });

test.each([
  ['the only writer (embedded database)', true, 1],
  ['one of several instances', false, 6],
])('%s (kept in memory: %s): the session looked up six times costs %i database reads', async (_name, soleWriter, reads) => {
  const repo = new HandoffRepository(watched.db(t.name), { soleWriter });
  const key = `directline/${soleWriter ? 'sole' : 'shared'}`;
  finds.length = 0;
  expect(await repo.session(key)).toBeNull();
  await repo.saveSession(session(key, 'contact'));
  expect((await repo.session(key))?.step).toBe('contact');
  await repo.saveSession(session(key, 'live'));
  expect((await repo.session(key))?.step).toBe('live');
  await repo.endSession(key);
  expect(await repo.session(key)).toBeNull();
  await repo.saveSession(session(key, 'feedback', -1));
  expect(await repo.session(key)).toBeNull(); // expired
  expect(await repo.session(key, new Date(Date.now() - 120_000))).not.toBeNull();
  expect(finds.length).toBe(reads);
});

test('the only writer forgets a session erased with its conversation', async () => {
  const repo = new HandoffRepository(watched.db(t.name), { soleWriter: true });
  await repo.saveSession(session('directline/erased', 'time'));
  expect(await repo.session('directline/erased')).not.toBeNull();
  await repo.eraseConversation('directline/erased');
  expect(await repo.session('directline/erased')).toBeNull();
  expect(await t.db.collection('handoff_sessions').countDocuments({ _id: 'directline/erased' } as never)).toBe(0);
});
