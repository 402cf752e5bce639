import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { TurnInboxRepository } from '../../src/repositories/turn-inbox-repository';
import { openTestDb, type TestDb } from '../support/db';

let t: TestDb;
let watched: MongoClient;
let inbox: TurnInboxRepository;
const commands: CommandStartedEvent[] = [];

beforeAll(async () => {
  t = await openTestDb();
  watched = new MongoClient(t.uri, { monitorCommands: true });
  await watched.connect();
  watched.on('commandStarted', (e) => commands.push(e));
  inbox = new TurnInboxRepository(watched.db(t.name), 'instance-a');
  await inbox.ensureIndexes();
});
afterAll(async () => {
  await watched.close();
  await t.close();
});

const stored = async () => (await t.db.collection('directline_inbox').find({}).project({ _id: 1 }).toArray()).map((d) => String(d._id)).sort();
const writes = (name: 'insert' | 'delete') => commands.filter((c) => c.commandName === name && c.command[name] === 'directline_inbox').length;

test('a turn written twice is one entry, and the second writer is told so', async () => {
  expect(await inbox.add('c1|1', 'c1', { text: 'a' })).toBe(true);
  expect(await inbox.add('c1|1', 'c1', { text: 'a' })).toBe(false);
  expect(await stored()).toEqual(['c1|1']);
  await inbox.done('c1|1');
  expect(await stored()).toEqual([]);
});

test('many turns at once: each caller gets its own answer, the database far fewer commands', async () => {
  await inbox.add('c0|1', 'c0', { text: 'already there' });
  commands.length = 0;
  const ids = Array.from({ length: 60 }, (_, i) => `c${i}|1`);
  // c0|1 is there already; c5|1 is asked twice in the same burst.
  const answers = await Promise.all([...ids, 'c5|1'].map((id) => inbox.add(id, id.split('|')[0], { text: id })));
  expect(answers.filter((a) => !a)).toHaveLength(2);
  expect(answers[0]).toBe(false);
  expect([answers[5], answers[60]].filter(Boolean)).toHaveLength(1);
  expect(await stored()).toEqual([...ids].sort());
  expect(writes('insert')).toBeLessThanOrEqual(3);

  await Promise.all(ids.map((id) => inbox.done(id)));
  expect(await stored()).toEqual([]);
  expect(writes('delete')).toBeLessThanOrEqual(3);
});

test('a failure reaches every caller of the batch, and the next writes go on', async () => {
  const broken = new TurnInboxRepository(watched.db(t.name), 'instance-b', () => new Date(), { entries: 'bad$name', claims: 'bad_claims' });
  const results = await Promise.allSettled([broken.add('x|1', 'x', {}), broken.add('x|2', 'x', {})]);
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  expect(await inbox.add('after|1', 'after', {})).toBe(true);
  expect(await stored()).toEqual(['after|1']);
});
