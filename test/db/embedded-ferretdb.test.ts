import { openTestDb, type TestDb } from '../support/db';

describe('the embedded FerretDB test server, over the wire', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(async () => t.close());

  test('stores and reads back a document, and keeps a $-prefixed string as plain text', async () => {
    const col = t.db.collection<{ _id: string; v: string }>('probe');
    await col.insertOne({ _id: 'a', v: '{"$gt": ""}' });
    expect(await col.findOne({ _id: 'a' })).toEqual({ _id: 'a', v: '{"$gt": ""}' });
    expect(await col.countDocuments({ v: '$where' })).toBe(0);
  });
});
