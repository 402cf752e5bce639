/** The Direct Line activity log on the real test database: sequence, expiry, purge, erasure, cost. */
import { MongoClient, type Collection, type CommandStartedEvent, type Document } from 'mongodb';
import { connectMongo } from '../../src/db/database';
import { Buckets } from '../../src/repositories/buckets';
import { DirectLineRepository, DIRECTLINE_COLLECTIONS } from '../../src/repositories/directline-repository';
import { storeLayout, type StoreLayout } from '../../src/repositories/store-layout';
import { openTestDb, type TestDb } from '../support/db';

const HOUR = 3600 * 1000;
let t: TestDb;
let clock: Date;
let repo: DirectLineRepository;
let layout: StoreLayout;

// Every test runs twice: with the layout this server gets (FerretDB: buckets, no secondary indexes) and with MongoDB's (one collection, indexes).
const LAYOUTS: Array<[string, StoreLayout | 'this server']> = [
  ['the layout of this server', 'this server'],
  ['the MongoDB layout', { buckets: 1, indexes: true }],
];

describe.each(LAYOUTS)('%s', (_name, chosen) => {
beforeAll(async () => {
  t = await openTestDb();
  layout = chosen === 'this server' ? await storeLayout(t.db) : chosen;
  clock = new Date('2025-03-01T10:00:00Z');
  repo = new DirectLineRepository(t.db, { retentionMs: 24 * HOUR, layout, now: () => clock });
  await repo.ensureIndexes();
});
afterAll(async () => t.close());

/** The physical collection holding a conversation's record or activities. */
const raw = (name: keyof typeof DIRECTLINE_COLLECTIONS, conversationId: string) => new Buckets(t.db, DIRECTLINE_COLLECTIONS[name], layout.buckets).of(conversationId);
const msg = (text: string) => ({ type: 'message', text });

test('ensureIndexes is idempotent and says whether the database enforces expiry (FerretDB v1 does not)', async () => {
  const build = (await t.db.command({ buildInfo: 1 })) as { ferretdbVersion?: string };
  const again = await repo.ensureIndexes();
  expect(again).toEqual({ ttl: build.ferretdbVersion === undefined && layout.indexes });
  if (!layout.indexes) {
    expect(build.ferretdbVersion).toBeDefined(); // only FerretDB's layout goes without them
    return;
  }
  // Only the conversation record carries the expiry; activities expire with it.
  expect((await raw('conversations', 'any').indexes()).map((i) => i.name)).toContain(again.ttl ? 'expiresAt_ttl' : 'expiresAt');
  expect((await raw('activities', 'any').indexes()).map((i) => i.name)).toContain('conversation_seq');
});

test('on FerretDB, conversations are spread over buckets, a record and its activities in the same one', async () => {
  if (layout.buckets === 1) return;
  const ids = Array.from({ length: 40 }, (_, i) => `conv-spread-${String(i).padStart(9, '0')}`);
  for (const id of ids) {
    await repo.createConversation({ id, userId: 'dl_user00000000000000sp' });
    await repo.appendActivities(id, [msg('x')]);
  }
  const used = new Set(ids.map((id) => raw('conversations', id).collectionName));
  expect(used.size).toBeGreaterThan(20);
  for (const id of ids) {
    expect(await raw('conversations', id).countDocuments({ _id: id } as never)).toBe(1);
    expect(raw('activities', id).collectionName.replace('activities', 'conversations')).toBe(raw('conversations', id).collectionName);
    expect(await raw('activities', id).countDocuments({ conversationId: id })).toBe(1);
  }
});

test('creating a conversation twice returns the first one', async () => {
  const first = await repo.createConversation({ id: 'conv-create-000000001', userId: 'dl_user0000000000000001', locale: 'nl-NL' });
  const second = await repo.createConversation({ id: 'conv-create-000000001', userId: 'dl_user0000000000000001' });
  expect(first.created).toBe(true);
  expect(second).toEqual({ created: false, conversation: first.conversation });
  expect(first.conversation).toMatchObject({ locale: 'nl-NL', expiresAt: new Date(clock.getTime() + 24 * HOUR) });
});

test('two server instances appending at once get unique, gap-free sequence numbers', async () => {
  const other = await connectMongo(t.uri, t.name);
  try {
    const repo2 = new DirectLineRepository(other.db, { retentionMs: 24 * HOUR, layout, now: () => clock });
    await repo.createConversation({ id: 'conv-concurrent-00001', userId: 'dl_user0000000000000002' });
    const writes = Array.from({ length: 30 }, (_, i) => (i % 2 ? repo : repo2).appendActivities('conv-concurrent-00001', [msg(`m${i}`)]));
    const seqs = (await Promise.all(writes)).map((s) => s![0]);
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const listed = await repo.listActivities('conv-concurrent-00001', 0, 100);
    expect(listed.map((l) => l.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(new Set(listed.map((l) => l.activity.text)).size).toBe(30);
  } finally {
    await other.client.close();
  }
});

test('two server instances appending batches at once (one insert each) keep every batch whole and in order, numbers unique and gap-free', async () => {
  const other = await connectMongo(t.uri, t.name);
  try {
    const repo2 = new DirectLineRepository(other.db, { retentionMs: 24 * HOUR, layout, now: () => clock });
    await repo.createConversation({ id: 'conv-concurrent-00002', userId: 'dl_user0000000000000002' });
    const writes = Array.from({ length: 20 }, (_, i) => (i % 2 ? repo : repo2).appendActivities('conv-concurrent-00002', [msg(`b${i}-0`), msg(`b${i}-1`), msg(`b${i}-2`)]));
    const batches = (await Promise.all(writes)).map((s) => s!);
    expect(batches.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const listed = await repo.listActivities('conv-concurrent-00002', 0, 100);
    const texts = listed.map((l) => String(l.activity.text));
    expect(new Set(texts).size).toBe(60);
    // Each batch's messages come in its order, at the numbers it was told.
    batches.forEach((seqs, i) => expect(seqs.map((seq) => texts[seq - 1])).toEqual([`b${i}-0`, `b${i}-1`, `b${i}-2`]));
  } finally {
    await other.client.close();
  }
});

test('a batch meeting numbers another instance took goes on after them', async () => {
  const other = await connectMongo(t.uri, t.name);
  try {
    const repo2 = new DirectLineRepository(other.db, { retentionMs: 24 * HOUR, layout, now: () => clock });
    await repo.createConversation({ id: 'conv-concurrent-00003', userId: 'dl_user0000000000000002' });
    expect(await repo.appendActivities('conv-concurrent-00003', [msg('a')])).toEqual([1]);
    expect(await repo2.appendActivities('conv-concurrent-00003', [msg('b'), msg('c')])).toEqual([2, 3]);
    expect(await repo.appendActivities('conv-concurrent-00003', [msg('d'), msg('e'), msg('f')])).toEqual([4, 5, 6]);
    expect((await repo.listActivities('conv-concurrent-00003', 0, 10)).map((l) => l.activity.text)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  } finally {
    await other.client.close();
  }
});

test('a batch keeps its order; listing pages from a watermark', async () => {
  await repo.createConversation({ id: 'conv-batch-0000000001', userId: 'dl_user0000000000000003' });
  expect(await repo.appendActivities('conv-batch-0000000001', [msg('a'), msg('b'), msg('c')])).toEqual([1, 2, 3]);
  expect((await repo.listActivities('conv-batch-0000000001', 1, 1)).map((l) => l.activity.text)).toEqual(['b']);
  expect(await repo.listActivities('conv-batch-0000000001', 3, 10)).toEqual([]);
});

test('keys MongoDB refuses and operator-looking values round-trip as data', async () => {
  await repo.createConversation({ id: 'conv-json-00000000001', userId: 'dl_user0000000000000004' });
  const activity = { type: 'message', text: '{"$gt": ""}', value: { $schema: 'x', 'a.b': { $where: '1' } } };
  await repo.appendActivities('conv-json-00000000001', [activity]);
  expect((await repo.listActivities('conv-json-00000000001', 0, 10))[0].activity).toEqual(activity);
});

test('appending to an unknown conversation is refused and stores nothing', async () => {
  expect(await repo.appendActivities('conv-unknown-00000001', [msg('x')])).toBeNull();
  expect(await raw('activities', 'conv-unknown-00000001').countDocuments({ conversationId: 'conv-unknown-00000001' })).toBe(0);
});

test('every write pushes the expiry of the conversation; purgeExpired removes only what expired, activities with their conversation', async () => {
  clock = new Date('2025-03-02T10:00:00Z');
  await repo.createConversation({ id: 'conv-old-000000000001', userId: 'dl_user0000000000000005' });
  await repo.createConversation({ id: 'conv-live-00000000001', userId: 'dl_user0000000000000006' });
  await repo.appendActivities('conv-old-000000000001', [msg('old')]);
  await repo.appendActivities('conv-live-00000000001', [msg('first')]);
  clock = new Date('2025-03-03T09:00:00Z'); // 23 h later: the live conversation gets a new message
  await repo.appendActivities('conv-live-00000000001', [msg('second')]);
  const liveExpiry = new Date(clock.getTime() + 24 * HOUR);
  expect((await repo.getConversation('conv-live-00000000001'))?.expiresAt).toEqual(liveExpiry);
  expect((await raw('activities', 'conv-live-00000000001').find({ conversationId: 'conv-live-00000000001' }).toArray()).map((d) => d.expiresAt)).toEqual([undefined, undefined]);

  clock = new Date('2025-03-03T11:00:00Z'); // 25 h after the old conversation's last write
  expect(await repo.getConversation('conv-old-000000000001')).toBeNull(); // expired, even before the purge
  const purged = await repo.purgeExpired(clock);
  expect(purged.conversations).toBeGreaterThanOrEqual(1);
  expect(purged.activities).toBeGreaterThanOrEqual(1);
  expect(await raw('conversations', 'conv-old-000000000001').countDocuments({ _id: 'conv-old-000000000001' } as never)).toBe(0);
  expect(await raw('activities', 'conv-old-000000000001').countDocuments({ conversationId: 'conv-old-000000000001' })).toBe(0);
  expect((await repo.listActivities('conv-live-00000000001', 0, 10)).map((l) => l.activity.text)).toEqual(['first', 'second']);
  expect(await repo.purgeExpired(clock)).toEqual({ conversations: 0, activities: 0 });
});

test('an expired conversation id starts afresh, without its old activities', async () => {
  clock = new Date('2025-03-10T10:00:00Z');
  await repo.createConversation({ id: 'conv-reuse-0000000001', userId: 'dl_user0000000000000007' });
  await repo.appendActivities('conv-reuse-0000000001', [msg('before')]);
  clock = new Date('2025-03-12T10:00:00Z');
  expect((await repo.createConversation({ id: 'conv-reuse-0000000001', userId: 'dl_user0000000000000007' })).created).toBe(true);
  expect(await repo.listActivities('conv-reuse-0000000001', 0, 10)).toEqual([]);
});

test('erasing keeps numbering above what was erased; ending removes everything', async () => {
  await repo.createConversation({ id: 'conv-erase-0000000001', userId: 'dl_user0000000000000008' });
  await repo.appendActivities('conv-erase-0000000001', [msg('secret 1'), msg('secret 2')]);
  expect(await repo.eraseConversation('conv-erase-0000000001')).toBe(true);
  expect(await raw('activities', 'conv-erase-0000000001').countDocuments({ conversationId: 'conv-erase-0000000001' })).toBe(0);
  expect(await repo.appendActivities('conv-erase-0000000001', [msg('confirmation')])).toEqual([3]);
  expect(await repo.eraseConversation('conv-erase-0000000001', { end: true })).toBe(true);
  expect(await repo.getConversation('conv-erase-0000000001')).toBeNull();
  expect(await raw('activities', 'conv-erase-0000000001').countDocuments({ conversationId: 'conv-erase-0000000001' })).toBe(0);
  expect(await repo.eraseConversation('conv-erase-0000000001')).toBe(false);
});

test('activities whose conversation is gone (TTL, interrupted write) are purged; a live conversation keeps its own', async () => {
  clock = new Date('2025-03-20T10:00:00Z');
  await repo.createConversation({ id: 'conv-kept-0000000001', userId: 'dl_user000000000000000a' });
  await repo.appendActivities('conv-kept-0000000001', [msg('kept')]);
  await raw('activities', 'conv-orphan-000000001').insertOne({ _id: 'conv-orphan-000000001|1', conversationId: 'conv-orphan-000000001', seq: 1, json: '{}', storedAt: clock } as never);
  clock = new Date('2025-03-20T10:05:00Z');
  expect((await repo.purgeExpired(clock)).activities).toBeGreaterThanOrEqual(1); // earlier tests' conversations expire too
  expect(await raw('activities', 'conv-orphan-000000001').countDocuments({ conversationId: 'conv-orphan-000000001' })).toBe(0);
  expect((await repo.listActivities('conv-kept-0000000001', 0, 10)).map((l) => l.activity.text)).toEqual(['kept']);
});

test('a client whose watermark is below an erasure gets what came after it', async () => {
  await repo.createConversation({ id: 'conv-floor-0000000001', userId: 'dl_user000000000000000c' });
  await repo.appendActivities('conv-floor-0000000001', [msg('a'), msg('b'), msg('c')]);
  await repo.eraseConversation('conv-floor-0000000001');
  await repo.appendActivities('conv-floor-0000000001', [msg('erased: confirmation'), msg('next')]);
  expect((await repo.listActivities('conv-floor-0000000001', 1, 10)).map((l) => [l.seq, l.activity.text])).toEqual([[4, 'erased: confirmation'], [5, 'next']]);
  expect((await repo.listActivities('conv-floor-0000000001', 4, 10)).map((l) => l.seq)).toEqual([5]);
  expect((await repo.listActivities('conv-floor-0000000001', 0, 1)).map((l) => l.seq)).toEqual([4]);
  // Should a concurrent write on FerretDB (not atomic) lose the floor, the listing still finds them.
  await raw('conversations', 'conv-floor-0000000001').updateOne({ _id: 'conv-floor-0000000001' } as never, { $unset: { seqFloor: '' } });
  expect((await repo.listActivities('conv-floor-0000000001', 1, 10)).map((l) => l.seq)).toEqual([4, 5]);
});

describe('the cost of a message does not grow with the conversation', () => {
  // FerretDB v1 on SQLite pushes down only a filter that is exactly { _id: <string> }: any other filter reads the whole collection.
  let watched: MongoClient;
  let commands: CommandStartedEvent[];
  const written = new Map<number, number>();
  let wrepo: DirectLineRepository;
  const conversationId = 'conv-cost-00000000001';

  beforeAll(async () => {
    watched = new MongoClient(t.uri, { monitorCommands: true, retryWrites: false });
    await watched.connect();
    watched.on('commandStarted', (e) => commands?.push(e));
    watched.on('commandSucceeded', (e) => written.set(e.requestId, Number((e.reply as Document).n ?? 0)));
    wrepo = new DirectLineRepository(watched.db(t.name), { retentionMs: 24 * HOUR, layout, now: () => clock });
    clock = new Date('2025-04-01T10:00:00Z');
    await wrepo.createConversation({ id: conversationId, userId: 'dl_user000000000000000b' });
  });
  afterAll(async () => watched.close());

  /** Each command on the Direct Line collections as `name collection filter-keys`, and the documents it wrote. */
  const observe = async (work: () => Promise<unknown>) => {
    commands = [];
    await work();
    const ours = commands.filter((c) => Object.values(DIRECTLINE_COLLECTIONS).some((name) => String(c.command[c.commandName]).startsWith(name)));
    const filters = (c: CommandStartedEvent): Document[] => {
      if (c.commandName === 'find') return [c.command.filter as Document];
      if (c.commandName === 'update') return (c.command.updates as { q: Document }[]).map((u) => u.q);
      if (c.commandName === 'delete') return (c.command.deletes as { q: Document }[]).map((d) => d.q);
      return [];
    };
    return {
      shape: ours.map((c) => `${c.commandName} ${String(c.command[c.commandName]).replace(/_b\d+$/, '')} ${filters(c).map((f) => Object.keys(f).join(',')).join(';')}`),
      onlyById: ours.every((c) => filters(c).every((f) => Object.keys(f).length === 1 && typeof f._id === 'string')),
      documentsWritten: ours.filter((c) => ['insert', 'update', 'delete'].includes(c.commandName)).reduce((n, c) => n + (written.get(c.requestId) ?? 0), 0),
    };
  };

  test('an append reads the record and writes its activity, by _id, at turn 2 as at turn 60; the record is rewritten only when its expiry is due', async () => {
    const costs = [];
    let first: Document | null = null;
    for (let turn = 1; turn <= 60; turn++) {
      clock = new Date(clock.getTime() + 60_000); // a minute per message
      costs.push(await observe(() => wrepo.appendActivities(conversationId, [msg(`turn ${turn}`)])));
      if (turn === 1) first = await raw('activities', conversationId).findOne({ _id: `${conversationId}|1` } as never);
    }
    const plain = { shape: ['find directline_conversations _id', 'insert directline_activities '], onlyById: true, documentsWritten: 1 };
    const refresh = { shape: [...plain.shape, 'update directline_conversations _id'], onlyById: true, documentsWritten: 2 };
    expect(costs.every((c) => JSON.stringify(c) === JSON.stringify(plain) || JSON.stringify(c) === JSON.stringify(refresh))).toBe(true);
    // Retention 24 h: the expiry is due to move every 14.4 min (1%), so 4 rewrites in an hour, not 60.
    const rewrites = costs.filter((c) => c.documentsWritten === 2).length;
    expect(rewrites).toBeGreaterThanOrEqual(3);
    expect(rewrites).toBeLessThanOrEqual(5);
    expect(await raw('activities', conversationId).findOne({ _id: `${conversationId}|1` } as never)).toEqual(first);
    const expiresAt = (await wrepo.getConversation(conversationId))!.expiresAt.getTime();
    expect(expiresAt).toBeLessThanOrEqual(clock.getTime() + 24 * HOUR);
    expect(expiresAt).toBeGreaterThan(clock.getTime() + 24 * HOUR - 0.01 * 24 * HOUR);
  });

  test('a poll reads the new activities by _id, never the whole collection', async () => {
    const poll = await observe(async () => expect((await wrepo.listActivities(conversationId, 58, 100)).map((a) => a.activity.text)).toEqual(['turn 59', 'turn 60']));
    expect(poll.onlyById).toBe(true);
    expect(poll.documentsWritten).toBe(0);
    const idle = await observe(async () => expect(await wrepo.listActivities(conversationId, 60, 100)).toEqual([]));
    expect(idle).toEqual({ shape: ['find directline_activities _id', 'find directline_conversations _id'], onlyById: true, documentsWritten: 0 });
  });

  test('the only writer (embedded database) reads a record once: then an append is one insert and an empty poll reads nothing; ending or erasing is seen at once', async () => {
    const sole = new DirectLineRepository(watched.db(t.name), { retentionMs: 24 * HOUR, layout, now: () => clock, soleWriter: true });
    const id = 'conv-sole-000000000001';
    await sole.createConversation({ id, userId: 'dl_user000000000000sole' });
    await sole.appendActivities(id, [msg('one')]);
    const append = await observe(() => sole.appendActivities(id, [msg('two')]));
    expect(append.shape).toEqual(['insert directline_activities ']);
    const idle = await observe(async () => expect(await sole.listActivities(id, 2, 100)).toEqual([]));
    expect(idle.shape).toEqual([]);
    // Something new is read as before (by _id).
    const news = await observe(async () => expect((await sole.listActivities(id, 1, 100)).map((a) => a.activity.text)).toEqual(['two']));
    expect(news).toMatchObject({ onlyById: true, documentsWritten: 0 });
    // The app died after storing an activity and before its record (the next life has not written yet): the poll still finds it.
    await raw('activities', id).insertOne({ _id: `${id}|3`, conversationId: id, seq: 3, json: JSON.stringify(msg('stored before the crash')) } as never);
    const nextLife = new DirectLineRepository(watched.db(t.name), { retentionMs: 24 * HOUR, layout, now: () => clock, soleWriter: true });
    expect(await nextLife.getConversation(id)).not.toBeNull();
    expect((await nextLife.listActivities(id, 2, 100)).map((a) => a.activity.text)).toEqual(['stored before the crash']);
    await raw('activities', id).deleteOne({ _id: `${id}|3` } as never);
    // Erasing moves the floor: the next poll from the start sees nothing erased.
    expect(await sole.eraseConversation(id)).toBe(true);
    expect(await sole.listActivities(id, 0, 100)).toEqual([]);
    expect(await sole.appendActivities(id, [msg('three')])).toEqual([3]);
    expect((await sole.listActivities(id, 0, 100)).map((a) => a.activity.text)).toEqual(['three']);
    expect(await sole.eraseConversation(id, { end: true })).toBe(true);
    expect(await sole.getConversation(id)).toBeNull();
    expect(await sole.appendActivities(id, [msg('after the end')])).toBeNull();
  });

  test('a read that misses while an append lands (a stream opening as the welcome is written) ends there: no query over the whole collection', async () => {
    // The append completes between the read's miss and its look at the record: what was written
    // after the miss reaches the reader through the feed (or the next poll), not through a scan.
    const self = wrepo as unknown as { activities(id: string): Collection<Document> };
    const real = self.activities.bind(wrepo);
    let raced = false;
    self.activities = (id: string) => {
      const col = real(id);
      return Object.create(col, {
        findOne: {
          value: async (...args: Parameters<Collection<Document>['findOne']>) => {
            const found = await col.findOne(...args);
            if (!found && !raced) {
              raced = true;
              await wrepo.appendActivities(conversationId, [msg('written meanwhile')]);
            }
            return found;
          },
        },
      }) as Collection<Document>;
    };
    try {
      const read = await observe(async () => expect(await wrepo.listActivities(conversationId, 60, 100)).toEqual([]));
      expect(raced).toBe(true);
      expect(read.shape).not.toContain('find directline_activities conversationId,seq');
      expect(read.onlyById).toBe(true);
    } finally {
      delete (self as { activities?: unknown }).activities;
    }
    expect((await wrepo.listActivities(conversationId, 60, 100)).map((a) => a.activity.text)).toEqual(['written meanwhile']);
  });
});
});
