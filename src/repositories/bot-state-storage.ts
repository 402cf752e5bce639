/**
 * Bot Framework `Storage` over MongoDB, so any instance can serve any turn.
 * Values are stored as JSON text: state holds keys MongoDB rejects (`$…`, dotted) and, being text,
 * nothing a person typed can ever be read as a query operator. Optimistic concurrency by eTag.
 * Every write pushes `expiresAt` forward; expired state is erased (TTL index and purgeExpired).
 * FerretDB v1 does not make a conditional replace atomic under concurrency, so writes to one key
 * are also serialised in this process (on MongoDB the filter alone is enough across instances).
 * Kept in buckets by key (buckets.ts) where the server reads a whole collection for each write.
 */
import crypto from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder-core';
import type { Collection, Db } from 'mongodb';
import { Buckets, breathe } from './buckets';
import { RecentMap } from './recent-map';
import { ensureExpiryIndex } from './expiry';
import type { StoreLayout } from './store-layout';

interface StateDoc {
  _id: string;
  data: string;
  eTag: string;
  expiresAt: Date;
}

/** States kept in memory by the only writer (about the conversations active at once). */
const CACHED_STATES = 2000;

export class MongoBotStorage implements Storage {
  private readonly cols: Buckets<StateDoc>;
  private readonly locks = new Map<string, Promise<void>>();
  /**
   * What this process last read or wrote, when it is the only writer (the embedded database: one
   * app per data directory). FerretDB's SQLite backend evaluates even an `_id` lookup by reading its
   * whole table, so each turn's read would cost in proportion to every stored state.
   */
  private readonly cache?: RecentMap<string, StateDoc>;
  constructor(
    db: Db,
    private readonly retentionMs: number,
    private readonly layout: StoreLayout = { buckets: 1, indexes: true },
    collection = 'bot_state',
    opts: { soleWriter?: boolean } = {},
  ) {
    this.cols = new Buckets<StateDoc>(db, collection, layout.buckets);
    if (opts.soleWriter) this.cache = new RecentMap(CACHED_STATES);
  }

  private remember(doc: StateDoc): void {
    this.cache?.set(doc._id, doc);
  }

  async ensureIndexes(): Promise<void> {
    if (this.layout.indexes) for (const col of this.cols.all()) await ensureExpiryIndex(col);
  }

  private col(key: string): Collection<StateDoc> {
    return this.cols.of(key);
  }

  /** One lookup per key: FerretDB pushes only an exact `_id` filter down (`$in` would read every conversation's state). */
  async read(keys: string[]): Promise<StoreItems> {
    const now = new Date();
    const out: StoreItems = {};
    for (const key of new Set(keys.map(String))) {
      const d = this.cache?.get(key) ?? (await this.col(key).findOne({ _id: key }));
      if (d) this.remember(d);
      if (d && d.expiresAt > now) out[d._id] = { ...(JSON.parse(d.data) as object), eTag: d.eTag };
    }
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, value] of Object.entries(changes)) await this.serialised(String(key), () => this.writeOne(String(key), value));
  }

  private async serialised(key: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  private async writeOne(key: string, value: unknown): Promise<void> {
    const { eTag, ...rest } = (value ?? {}) as { eTag?: string };
    const next: StateDoc = { _id: key, data: JSON.stringify(rest), eTag: crypto.randomUUID(), expiresAt: new Date(Date.now() + this.retentionMs) };
    // Forgotten while the write runs: a failed write must not leave a guess behind.
    this.cache?.delete(key);
    if (!eTag || eTag === '*') {
      await this.col(key).replaceOne({ _id: key }, next, { upsert: true });
      this.remember(next);
      return;
    }
    const res = await this.col(key).replaceOne({ _id: key, eTag: String(eTag) }, next);
    if (res.matchedCount > 0) {
      this.remember(next);
      return;
    }
    if (await this.col(key).findOne({ _id: key }, { projection: { _id: 1 } })) throw new Error(`Storage: eTag conflict for key ${key}`);
    await this.col(key).insertOne(next);
    this.remember(next);
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of new Set(keys.map(String))) {
      this.cache?.delete(key);
      await this.col(key).deleteOne({ _id: key });
    }
  }

  /** Deletes every key that starts with a prefix (a conversation's or a user's state). */
  async deletePrefix(prefix: string): Promise<number> {
    for (const key of this.cache?.keys() ?? []) if (key.startsWith(prefix)) this.cache?.delete(key);
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    let deleted = 0;
    for (const col of this.cols.all()) deleted += (await col.deleteMany({ _id: { $regex: `^${escaped}` } })).deletedCount;
    return deleted;
  }

  /** Bucket by bucket, letting turns run in between: a purge never holds the database for long. */
  async purgeExpired(now = new Date()): Promise<number> {
    let deleted = 0;
    for (const col of this.cols.all()) {
      deleted += (await col.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
      await breathe();
    }
    return deleted;
  }
}
