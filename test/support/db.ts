/** A private database on the test server for one test file; dropped by `close()`. */
import crypto from 'node:crypto';
import { connectMongo } from '../../src/db/database';
import type { Db, MongoClient } from 'mongodb';

export interface TestDb {
  db: Db;
  client: MongoClient;
  uri: string;
  name: string;
  close(): Promise<void>;
}

export async function openTestDb(): Promise<TestDb> {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run tests through jest (global setup starts FerretDB)');
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  const { client, db } = await connectMongo(uri, name);
  return {
    db,
    client,
    uri,
    name,
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}
