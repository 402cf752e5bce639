/**
 * Opens the one store: an external MongoDB (MONGODB_URI) or the embedded FerretDB.
 * Only modules under src/db and src/repositories import the driver.
 */
import { MongoClient, type Db } from 'mongodb';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { ensureFerretDbBinary, startFerretDb, type EmbeddedFerretDb } from './embedded-ferretdb';

export interface Database {
  client: MongoClient;
  db: Db;
  embedded?: EmbeddedFerretDb;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export async function connectMongo(uri: string, dbName: string): Promise<{ client: MongoClient; db: Db }> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000, socketTimeoutMS: 30_000, retryWrites: false });
  await client.connect();
  return { client, db: client.db(dbName) };
}

export async function openDatabase(cfg: Pick<Config, 'MONGODB_URI' | 'MONGODB_DB' | 'DATA_DIR' | 'TOOLS_DIR' | 'FERRETDB_BIN'>, log: Logger): Promise<Database> {
  let embedded: EmbeddedFerretDb | undefined;
  let uri = cfg.MONGODB_URI;
  if (!uri) {
    const bin = ensureFerretDbBinary(cfg.TOOLS_DIR, log, cfg.FERRETDB_BIN);
    embedded = await startFerretDb({ bin, dataDir: cfg.DATA_DIR, log });
    uri = embedded.uri;
  }
  try {
    const { client, db } = await connectMongo(uri, cfg.MONGODB_DB);
    return {
      client,
      db,
      embedded,
      async ping() {
        try {
          await db.command({ ping: 1 });
          return true;
        } catch {
          return false;
        }
      },
      async close() {
        await client.close();
        if (embedded) await embedded.stop();
      },
    };
  } catch (err) {
    if (embedded) await embedded.stop();
    throw err;
  }
}
