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
  /** Resolves true when the server answers; rejects with the driver's error otherwise. */
  ping(): Promise<boolean>;
  /**
   * Called while the store has been unreachable for a while: tells a stuck driver from a stuck
   * server with a fresh connection, and restarts what is stuck (see heal below).
   */
  heal(): Promise<'client_reset' | 'server_restarted' | 'nothing'>;
  close(): Promise<void>;
}

export async function connectMongo(uri: string, dbName: string): Promise<{ client: MongoClient; db: Db }> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000, socketTimeoutMS: 30_000, retryWrites: false });
  await client.connect();
  return { client, db: client.db(dbName) };
}

/** One ping on a new, short-lived client: does the server answer at all? */
async function answersOnAFreshConnection(uri: string): Promise<boolean> {
  const probe = new MongoClient(uri, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000, socketTimeoutMS: 2000, maxPoolSize: 1 });
  try {
    await probe.connect();
    await probe.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await probe.close(true).catch(() => undefined);
  }
}

export async function openDatabase(cfg: Pick<Config, 'MONGODB_URI' | 'MONGODB_DB' | 'DATA_DIR' | 'TOOLS_DIR' | 'FERRETDB_BIN'>, log: Logger): Promise<Database> {
  let embedded: EmbeddedFerretDb | undefined;
  let uri = cfg.MONGODB_URI;
  if (!uri) {
    const bin = ensureFerretDbBinary(cfg.TOOLS_DIR, log, cfg.FERRETDB_BIN);
    embedded = await startFerretDb({ bin, dataDir: cfg.DATA_DIR, log });
    uri = embedded.uri;
  }
  const serverUri = uri;
  try {
    const { client, db } = await connectMongo(uri, cfg.MONGODB_DB);
    return {
      client,
      db,
      embedded,
      // Throws the driver's error when the server does not answer (its name says why).
      async ping() {
        await db.command({ ping: 1 });
        return true;
      },
      async heal() {
        if (await answersOnAFreshConnection(serverUri)) {
          // The server answers a new client but not ours: start our client afresh (the same object,
          // so every repository's Db and Collection keep working once it is connected again).
          log.warn('storage.client_reset', {});
          await client.close(true).catch(() => undefined);
          await client.connect().catch(() => undefined);
          return 'client_reset';
        }
        if (embedded?.running) {
          // Accepts connections but answers nothing: the supervisor starts a new one.
          await embedded.restart();
          return 'server_restarted';
        }
        return 'nothing';
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
