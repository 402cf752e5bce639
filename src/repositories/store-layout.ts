/**
 * How this database lays out the collections written at every message (buckets.ts), decided once
 * per database and stored in `settings` so every instance and every later start agrees.
 *
 * - MongoDB: 1 bucket (plain collection names), secondary indexes and TTL indexes.
 * - FerretDB (the embedded server): FERRETDB_BUCKETS buckets, and no secondary indexes on them:
 *   its SQLite backend never uses them for a filter, while every insert would still maintain them.
 */
import type { Db, Document } from 'mongodb';
import { bucketName, bucketOf } from './buckets';

export interface StoreLayout {
  buckets: number;
  /** Create secondary indexes (the server uses them). */
  indexes: boolean;
}

/**
 * 128: with 100k conversations each bucket holds ~800 records, an update reads them in ~2 ms;
 * more buckets means more SQLite tables for little gain (three bucketed collections → 384 tables).
 */
export const FERRETDB_BUCKETS = 128;

interface LayoutDoc {
  _id: string;
  buckets: number;
  indexes: boolean;
}

/** Server error code for "collection already exists". */
const NAMESPACE_EXISTS = 48;

export async function isFerretDb(db: Db): Promise<boolean> {
  const info = (await db.command({ buildInfo: 1 })) as { ferretdbVersion?: unknown };
  return typeof info.ferretdbVersion === 'string';
}

/** Collections written at every message, hence split in buckets where the layout says so. */
export const BUCKETED = ['bot_state', 'directline_conversations', 'directline_activities'] as const;

export async function storeLayout(db: Db): Promise<StoreLayout> {
  const layout = await decide(db);
  if (layout.buckets > 1) {
    for (const name of BUCKETED) await moveIntoBuckets(db, name, layout.buckets);
    await createBuckets(db, layout.buckets);
  }
  return layout;
}

/**
 * Every bucket exists before the first message: FerretDB creates a table (and its metadata) on the
 * first insert into a collection, one at a time, so a new server hit by many first conversations at
 * once spent seconds creating tables while messages waited (measured with 200 users arriving within
 * 10 s on a new database: replies over 9 s, messages kept locally). Idempotent; another instance
 * creating the same collection at the same moment is fine.
 */
async function createBuckets(db: Db, buckets: number): Promise<void> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of BUCKETED) {
    for (let i = 0; i < buckets; i++) {
      const physical = bucketName(name, i, buckets);
      if (existing.has(physical)) continue;
      try {
        await db.createCollection(physical);
      } catch (e) {
        if ((e as { code?: number }).code !== NAMESPACE_EXISTS) throw e;
      }
    }
  }
}

async function decide(db: Db): Promise<StoreLayout> {
  const col = db.collection<LayoutDoc>('settings');
  const found = await col.findOne({ _id: 'store_layout' });
  if (found) return { buckets: found.buckets, indexes: found.indexes };
  const ferret = await isFerretDb(db);
  const proposal: LayoutDoc = { _id: 'store_layout', buckets: ferret ? FERRETDB_BUCKETS : 1, indexes: !ferret };
  try {
    await col.insertOne(proposal);
  } catch (e) {
    if ((e as { code?: number }).code !== 11000) throw e; // another instance decided first: use its choice
  }
  const stored = await col.findOne({ _id: 'store_layout' });
  if (!stored) throw new Error('store layout could not be stored');
  return { buckets: stored.buckets, indexes: stored.indexes };
}

/**
 * A database written before buckets existed keeps its data: documents of the plain collection are
 * copied into their buckets (a copy already there wins), then the plain collection is dropped.
 * Idempotent, so a start interrupted half-way finishes the move at the next one.
 */
async function moveIntoBuckets(db: Db, name: string, buckets: number): Promise<void> {
  if (!(await db.listCollections({ name }, { nameOnly: true }).toArray()).length) return;
  const key = (d: Document): string => String(name === 'directline_activities' ? d.conversationId : d._id);
  const batch: Document[][] = Array.from({ length: buckets }, () => []);
  const flush = async (i: number): Promise<void> => {
    if (!batch[i].length) return;
    try {
      await db.collection(bucketName(name, i, buckets)).insertMany(batch[i], { ordered: false });
    } catch (e) {
      if (!/E11000|duplicate/i.test(String((e as Error).message))) throw e;
    }
    batch[i] = [];
  };
  for await (const doc of db.collection(name).find({})) {
    const i = bucketOf(key(doc), buckets);
    batch[i].push(doc);
    if (batch[i].length >= 500) await flush(i);
  }
  for (let i = 0; i < buckets; i++) await flush(i);
  await db.collection(name).drop();
}
