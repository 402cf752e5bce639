import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { MongoBotStorage } from '../../src/repositories/bot-state-storage';
import { bucketName, bucketOf } from '../../src/repositories/buckets';
import type { StoreLayout } from '../../src/repositories/store-layout';
import { openTestDb, type TestDb } from '../support/db';

const LAYOUTS: Array<[string, StoreLayout, boolean]> = [
  ['one collection (MongoDB)', { buckets: 1, indexes: true }, false],
  ['in buckets (FerretDB)', { buckets: 16, indexes: false }, false],
  ['in buckets, the only writer keeping states in memory (embedded FerretDB)', { buckets: 16, indexes: false }, true],
];

describe.each(LAYOUTS)('Bot Framework state in MongoDB, %s', (_name, layout, soleWriter) => {
  let t: TestDb;
  let storage: MongoBotStorage;
  beforeAll(async () => {
    t = await openTestDb();
    storage = new MongoBotStorage(t.db, 3600_000, layout, 'bot_state', { soleWriter });
    await storage.ensureIndexes();
  });
  afterAll(async () => t.close());

  test('writes, reads back with an eTag, and keeps $-keys and operator-looking text as plain data', async () => {
    const value = { dialogStack: [{ id: 'boussole', state: { $weird: 1, 'a.b': 2, text: '{"$gt": ""}', where: '$where' } }] };
    await storage.write({ 'directline/conversations/c1/': value });
    const read = await storage.read(['directline/conversations/c1/', 'missing']);
    expect(Object.keys(read)).toEqual(['directline/conversations/c1/']);
    expect(read['directline/conversations/c1/']).toMatchObject(value);
    expect(typeof read['directline/conversations/c1/'].eTag).toBe('string');
  });

  test('optimistic concurrency: a stale eTag is refused, the current one accepted', async () => {
    await storage.write({ k: { n: 1 } });
    const first = (await storage.read(['k'])).k;
    await storage.write({ k: { ...first, n: 2 } });
    await expect(storage.write({ k: { ...first, n: 3 } })).rejects.toThrow(/eTag conflict/);
    const current = (await storage.read(['k'])).k;
    expect(current.n).toBe(2);
    await storage.write({ k: { ...current, n: 4 } });
    expect((await storage.read(['k'])).k.n).toBe(4);
  });

  test('a key is a key, never a query: an operator-looking key matches nothing', async () => {
    expect(await storage.read(['{"$gt":""}', '$where'])).toEqual({});
  });

  test('expired state is neither read nor kept', async () => {
    const short = new MongoBotStorage(t.db, -1000, layout, 'bot_state_expiry', { soleWriter });
    await short.write({ old: { n: 1 } });
    expect(await short.read(['old'])).toEqual({});
    expect(await short.purgeExpired()).toBe(1);
  });

  test('deletePrefix erases one conversation and leaves others', async () => {
    await storage.write({ 'web/conversations/x/': { a: 1 }, 'web/conversations/y/': { a: 2 } });
    expect(await storage.deletePrefix('web/conversations/x/')).toBe(1);
    expect(Object.keys(await storage.read(['web/conversations/x/', 'web/conversations/y/']))).toEqual(['web/conversations/y/']);
  });

  test('each key lives in its bucket, and only there', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `directline/conversations/spread-${i}/`);
    for (const key of keys) await storage.write({ [key]: { n: 1 } });
    for (const key of keys) {
      const home = bucketName('bot_state', bucketOf(key, layout.buckets), layout.buckets);
      expect(await t.db.collection(home).countDocuments({ _id: key } as never)).toBe(1);
    }
    const homes = new Set(keys.map((k) => bucketOf(k, layout.buckets)));
    expect(homes.size).toBe(layout.buckets === 1 ? 1 : Math.min(layout.buckets, homes.size));
    if (layout.buckets > 1) expect(homes.size).toBeGreaterThan(8);
  });
});

test('concurrent writers holding the same eTag: exactly one wins', async () => {
  const t = await openTestDb();
  const storage = new MongoBotStorage(t.db, 3600_000, { buckets: 16, indexes: false });
  await storage.write({ race: { n: 0 } });
  const base = (await storage.read(['race'])).race;
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => storage.write({ race: { ...base, n: i + 1 } })));
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const winner = results.findIndex((r) => r.status === 'fulfilled');
  expect((await storage.read(['race'])).race.n).toBe(winner + 1);
  await t.close();
});

test('a turn reads its state by _id only (FerretDB on SQLite would read every conversation\'s state for any other filter)', async () => {
  const t = await openTestDb();
  const watched = new MongoClient(t.uri, { monitorCommands: true });
  await watched.connect();
  try {
    const storage = new MongoBotStorage(watched.db(t.name), 3600_000);
    await storage.write({ 'directline/conversations/a/': { n: 1 }, 'directline/users/u/': { lang: 'fr' } });
    const finds: CommandStartedEvent[] = [];
    watched.on('commandStarted', (e) => e.commandName === 'find' && finds.push(e));
    const read = await storage.read(['directline/conversations/a/', 'directline/users/u/', 'directline/conversations/a/']);
    expect(Object.keys(read).sort()).toEqual(['directline/conversations/a/', 'directline/users/u/']);
    expect(finds.map((f) => f.command.filter)).toEqual([{ _id: 'directline/conversations/a/' }, { _id: 'directline/users/u/' }]);
  } finally {
    await watched.close();
    await t.close();
  }
});

test('the only writer reads a state from the database once, then from memory; a refused write leaves no guess behind', async () => {
  const t = await openTestDb();
  const watched = new MongoClient(t.uri, { monitorCommands: true });
  await watched.connect();
  try {
    const key = 'directline/conversations/sole/';
    await new MongoBotStorage(t.db, 3600_000, { buckets: 16, indexes: false }).write({ [key]: { n: 1 } });
    const storage = new MongoBotStorage(watched.db(t.name), 3600_000, { buckets: 16, indexes: false }, 'bot_state', { soleWriter: true });
    const finds: CommandStartedEvent[] = [];
    watched.on('commandStarted', (e) => e.commandName === 'find' && finds.push(e));
    const first = (await storage.read([key]))[key];
    expect(first.n).toBe(1);
    await storage.write({ [key]: { ...first, n: 2 } });
    const second = (await storage.read([key]))[key];
    expect(second.n).toBe(2);
    expect(finds).toHaveLength(1); // the first read only
    // A stale eTag is refused (by the database), and the state read next is the stored one.
    await expect(storage.write({ [key]: { ...first, n: 3 } })).rejects.toThrow(/eTag conflict/);
    expect((await storage.read([key]))[key].n).toBe(2);
    await storage.delete([key]);
    expect(await storage.read([key])).toEqual({});
  } finally {
    await watched.close();
    await t.close();
  }
});
