/** Where the collections written at every message live, decided once per database, on the real test server. */
import { bucketName, Buckets } from '../../src/repositories/buckets';
import { BUCKETED, FERRETDB_BUCKETS, storeLayout } from '../../src/repositories/store-layout';
import { openTestDb, type TestDb } from '../support/db';

let t: TestDb;
beforeEach(async () => {
  t = await openTestDb();
});
afterEach(async () => t.close());

test('this server (FerretDB) gets buckets and no secondary indexes; the choice is stored and kept', async () => {
  expect(await storeLayout(t.db)).toEqual({ buckets: FERRETDB_BUCKETS, indexes: false });
  expect(await t.db.collection('settings').findOne({ _id: 'store_layout' } as never)).toMatchObject({ buckets: FERRETDB_BUCKETS });
  expect(await storeLayout(t.db)).toEqual({ buckets: FERRETDB_BUCKETS, indexes: false });
  // Every bucket exists before the first message (FerretDB would create each table on a first insert, one at a time).
  const names = new Set((await t.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of BUCKETED) for (let i = 0; i < FERRETDB_BUCKETS; i++) expect(names.has(bucketName(name, i, FERRETDB_BUCKETS))).toBe(true);
});

test('a database laid out earlier keeps its layout (a later default never moves data away)', async () => {
  await t.db.collection('settings').insertOne({ _id: 'store_layout', buckets: 1, indexes: true } as never);
  expect(await storeLayout(t.db)).toEqual({ buckets: 1, indexes: true });
});

test('instances starting together agree on one layout', async () => {
  const layouts = await Promise.all(Array.from({ length: 5 }, () => storeLayout(t.db)));
  expect(new Set(layouts.map((l) => JSON.stringify(l))).size).toBe(1);
});

test('data written before buckets existed is moved into them, nothing lost, and the old collections are dropped', async () => {
  const state = Array.from({ length: 300 }, (_, i) => ({ _id: `directline/conversations/old-${i}/`, data: `{"n":${i}}`, eTag: 'e', expiresAt: new Date(Date.now() + 3600_000) }));
  const records = Array.from({ length: 50 }, (_, i) => ({ _id: `old-conv-${i}`, userId: 'u', createdAt: new Date(), expiresAt: new Date(Date.now() + 3600_000) }));
  const activities = records.flatMap((r) => [1, 2].map((seq) => ({ _id: `${r._id}|${seq}`, conversationId: r._id, seq, json: '{}', storedAt: new Date() })));
  await t.db.collection('bot_state').insertMany(state as never[]);
  await t.db.collection('directline_conversations').insertMany(records as never[]);
  await t.db.collection('directline_activities').insertMany(activities as never[]);

  const layout = await storeLayout(t.db);
  const names = (await t.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  expect(names).not.toContain('bot_state');
  expect(names).not.toContain('directline_activities');
  const states = new Buckets(t.db, 'bot_state', layout.buckets);
  for (const doc of state) expect(await states.of(doc._id).findOne({ _id: doc._id } as never)).toMatchObject({ data: doc.data });
  const logs = new Buckets(t.db, 'directline_activities', layout.buckets);
  const convs = new Buckets(t.db, 'directline_conversations', layout.buckets);
  for (const r of records) {
    expect(await convs.of(r._id).countDocuments({ _id: r._id } as never)).toBe(1);
    expect(await logs.of(r._id).countDocuments({ conversationId: r._id })).toBe(2);
  }
});
