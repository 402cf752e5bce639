/**
 * Web chat conversations and their activity log (the Direct Line channel's memory), in MongoDB.
 *
 * Activities are stored as a JSON string: bot replies may hold keys MongoDB refuses (`$schema` in an
 * Adaptive Card, dotted keys), and a string is never interpreted as an operator.
 *
 * Sequence numbers (the Direct Line watermark) are claimed by inserting `_id = <conversationId>|<seq>`:
 * the unique `_id` is the arbiter, so two server instances never share a number and a number is visible
 * only once its activity is, which keeps watermarks gap-free. A counter updated with `$inc` is NOT safe
 * here: FerretDB v1 on SQLite loses concurrent `$inc` updates (measured: 200 concurrent increments → 6).
 *
 * "Forget my data" erases the activities but keeps the (content-free) conversation record and its
 * sequence floor, so the bot's confirmation is still delivered above the client's watermark.
 *
 * Cost: FerretDB v1 on SQLite pushes a filter down only when it is exactly `{ _id: <string> }` in a
 * find; any other filter, and every update or delete (even by `_id`), reads the whole collection.
 * So appending and polling are finds and inserts by `_id` (the conversation record, and
 * `<conversationId>|<seq>`), nothing else, and both collections are split in buckets by conversation
 * (buckets.ts) so the rare updates and the purge read a small part of what is stored. The record is
 * rewritten only when its expiry is due to move by more than `refreshMs`, not at every message.
 * The record's `lastSeq` is a hint (a number known to be in use), as is this process's memory of the
 * last number of recent conversations; the unique `_id` stays the arbiter.
 *
 * Expiry: only the conversation record carries `expiresAt`, moved to now + retention by an append
 * when it is due (so a conversation lives between retention − refreshMs and retention after its last message);
 * activities expire with their conversation: `purgeExpired()` deletes the expired conversations, then
 * every activity whose conversation is gone. A TTL index on conversations is created where the server
 * supports it (MongoDB); FerretDB v1 refuses `expireAfterSeconds` ("not implemented yet"), and the
 * activities need the purge anyway, so `purgeExpired()` runs on a timer.
 */
import { Buckets, breathe } from './buckets';
import { RecentMap } from './recent-map';
import { ensureExpiryIndex } from './expiry';
import type { StoreLayout } from './store-layout';
import { MongoBulkWriteError, type Collection, type Db } from 'mongodb';

export interface DirectLineConversation {
  id: string;
  userId: string;
  locale?: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface StoredActivity {
  seq: number;
  /** The activity as written by the channel, without its `id` (derived from the sequence number). */
  activity: Record<string, unknown>;
}

export interface IndexReport {
  /** True when the database erases expired conversations itself (TTL index); their activities always need purgeExpired(). */
  ttl: boolean;
}

export interface PurgeResult {
  conversations: number;
  activities: number;
}

/** What the Direct Line channel needs from storage. */
export interface DirectLineStore {
  ensureIndexes(): Promise<IndexReport>;
  /** Creates the conversation, or returns the live one with that id (`created: false`). */
  createConversation(input: { id: string; userId: string; locale?: string }): Promise<{ created: boolean; conversation: DirectLineConversation }>;
  /** The conversation, or null when unknown, erased or expired. */
  getConversation(id: string): Promise<DirectLineConversation | null>;
  /** Appends in order; returns the sequence numbers, or null when the conversation is gone. */
  appendActivities(conversationId: string, activities: Record<string, unknown>[]): Promise<number[] | null>;
  /** Activities with seq > afterSeq, oldest first, at most `limit`. */
  listActivities(conversationId: string, afterSeq: number, limit: number): Promise<StoredActivity[]>;
  /**
   * "Forget my data": erases every activity of the conversation. The conversation itself stays open
   * (it holds ids, locale and dates only) so the bot can confirm; `{ end: true }` deletes it too.
   * True when something was erased.
   */
  eraseConversation(conversationId: string, opts?: { end?: boolean }): Promise<boolean>;
  purgeExpired(now?: Date): Promise<PurgeResult>;
}

interface ConversationDoc {
  _id: string;
  userId: string;
  locale?: string;
  createdAt: Date;
  expiresAt: Date;
  /** Highest sequence number erased: numbering continues above it. */
  seqFloor?: number;
  /** A sequence number in use (the last this record was told of): the next append starts above it. */
  lastSeq?: number;
}

interface ActivityDoc {
  _id: string;
  conversationId: string;
  seq: number;
  json: string;
  storedAt: Date;
}

const DUPLICATE_KEY = 11000;
const MAX_CLAIM_ATTEMPTS = 50;
/** Conversations whose last sequence number this process remembers (a hint: saves lookups). */
const REMEMBERED = 20_000;

export const DIRECTLINE_COLLECTIONS = { conversations: 'directline_conversations', activities: 'directline_activities' } as const;

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === DUPLICATE_KEY;
}

function toConversation(doc: ConversationDoc): DirectLineConversation {
  const c: DirectLineConversation = { id: doc._id, userId: doc.userId, createdAt: doc.createdAt, expiresAt: doc.expiresAt };
  if (doc.locale) c.locale = doc.locale;
  return c;
}

/** A damaged record is skipped (null) rather than breaking the whole poll. */
function parseActivity(seq: number, json: string): StoredActivity | null {
  try {
    return { seq, activity: JSON.parse(json) as Record<string, unknown> };
  } catch {
    return null;
  }
}

export class DirectLineRepository implements DirectLineStore {
  private readonly conversationBuckets: Buckets<ConversationDoc>;
  private readonly activityBuckets: Buckets<ActivityDoc>;
  private readonly retentionMs: number;
  /** The record's expiry is rewritten only when it would move by more than this. */
  private readonly refreshMs: number;
  private readonly layout: StoreLayout;
  private readonly now: () => Date;
  /** Last number used, per conversation (its record's createdAt tells one life of an id from the next). */
  private readonly lastSeqs = new RecentMap<string, { seq: number; born: number }>(REMEMBERED);
  /** Appends of one conversation in this process run one after the other (no self-contention). */
  private readonly appendQueues = new Map<string, Promise<unknown>>();
  /**
   * Conversation records as this process last read or wrote them, when it is the only one writing
   * (the embedded database: one app per data directory). FerretDB's SQLite backend evaluates even
   * an `_id` lookup by reading its whole table, and a message reads the record two or three times.
   */
  private readonly records?: RecentMap<string, ConversationDoc>;

  constructor(
    db: Db,
    opts: {
      retentionMs: number;
      layout?: StoreLayout;
      /** Default: 1% of the retention, at most an hour. */ refreshMs?: number;
      now?: () => Date;
      /** Only when no other process writes these collections: records are then kept in memory. */
      soleWriter?: boolean;
    },
  ) {
    if (opts.soleWriter) this.records = new RecentMap(REMEMBERED);
    this.layout = opts.layout ?? { buckets: 1, indexes: true };
    this.conversationBuckets = new Buckets<ConversationDoc>(db, DIRECTLINE_COLLECTIONS.conversations, this.layout.buckets);
    this.activityBuckets = new Buckets<ActivityDoc>(db, DIRECTLINE_COLLECTIONS.activities, this.layout.buckets);
    this.retentionMs = opts.retentionMs;
    this.refreshMs = opts.refreshMs ?? Math.min(opts.retentionMs / 100, 3600_000);
    this.now = opts.now ?? (() => new Date());
  }

  /** The record of a conversation (its bucket). */
  private conversations(conversationId: string): Collection<ConversationDoc> {
    return this.conversationBuckets.of(conversationId);
  }

  /** The activities of a conversation (same bucket number as its record). */
  private activities(conversationId: string): Collection<ActivityDoc> {
    return this.activityBuckets.of(conversationId);
  }

  async ensureIndexes(): Promise<IndexReport> {
    if (!this.layout.indexes) return { ttl: false };
    let ttl = true;
    for (const col of this.activityBuckets.all()) await col.createIndex({ conversationId: 1, seq: 1 }, { name: 'conversation_seq' });
    for (const col of this.conversationBuckets.all()) ttl = (await ensureExpiryIndex(col)) === 'ttl' && ttl;
    return { ttl };
  }

  private remember(conversationId: string, born: Date, seq: number): void {
    this.lastSeqs.set(conversationId, { seq, born: born.getTime() });
  }

  /** The last number this process used for this life of the id (`known`: as read earlier). */
  private remembered(conversationId: string, born: Date | undefined, known = this.lastSeqs.get(conversationId)): number {
    return known && born && known.born === born.getTime() ? known.seq : 0;
  }

  private cacheRecord(doc: ConversationDoc): void {
    this.records?.set(doc._id, doc);
  }

  private forgetRecord(id: string): void {
    this.records?.delete(id);
  }

  async createConversation(input: { id: string; userId: string; locale?: string }): Promise<{ created: boolean; conversation: DirectLineConversation }> {
    const now = this.now();
    const doc: ConversationDoc = { _id: input.id, userId: input.userId, createdAt: now, expiresAt: this.expiry(now) };
    if (input.locale) doc.locale = input.locale;
    // An expired conversation not purged yet must not block (or be revived with old activities).
    await this.purgeConversationIfExpired(input.id, now);
    try {
      await this.conversations(input.id).insertOne({ ...doc });
      this.lastSeqs.delete(input.id);
      this.cacheRecord(doc);
      return { created: true, conversation: toConversation(doc) };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await this.getConversation(input.id);
      if (!existing) throw err;
      return { created: false, conversation: existing };
    }
  }

  async getConversation(id: string): Promise<DirectLineConversation | null> {
    const doc = await this.liveRecord(id, this.now());
    return doc ? toConversation(doc) : null;
  }

  appendActivities(conversationId: string, activities: Record<string, unknown>[]): Promise<number[] | null> {
    const previous = this.appendQueues.get(conversationId) ?? Promise.resolve();
    const run = previous.then(() => this.appendNow(conversationId, activities));
    const settled = run.catch(() => undefined);
    this.appendQueues.set(conversationId, settled);
    void settled.then(() => {
      if (this.appendQueues.get(conversationId) === settled) this.appendQueues.delete(conversationId);
    });
    return run;
  }

  private async appendNow(conversationId: string, activities: Record<string, unknown>[]): Promise<number[] | null> {
    const now = this.now();
    const conversation = await this.liveRecord(conversationId, now);
    if (!conversation) return null;
    const seqs: number[] = [];
    // Above every number known to be used; another instance may have gone further (duplicate: look).
    let next = Math.max(conversation.lastSeq ?? 0, conversation.seqFloor ?? 0, this.remembered(conversationId, conversation.createdAt)) + 1;
    // A turn's replies in one command (what a bot says at once is usually several messages).
    const stored = activities.length > 1 ? await this.insertRun(conversationId, activities, next, now) : 0;
    for (let i = 0; i < stored; i++) seqs.push(next + i);
    if (stored) {
      this.remember(conversationId, conversation.createdAt, next + stored - 1);
      next += stored;
      // Stopped short: another writer took the next number; the rest go one by one below.
      if (stored < activities.length) next = await this.firstFreeAfter(conversationId, next - 1);
    }
    for (const activity of activities.slice(stored)) {
      const json = JSON.stringify(activity);
      for (let attempt = 1; ; attempt++) {
        try {
          await this.activities(conversationId).insertOne({ _id: `${conversationId}|${next}`, conversationId, seq: next, json, storedAt: now });
          break;
        } catch (err) {
          // Another writer (another server instance) took this number: continue after its last one.
          if (!isDuplicateKey(err) || attempt >= MAX_CLAIM_ATTEMPTS) throw err;
          next = await this.firstFreeAfter(conversationId, next);
        }
      }
      seqs.push(next);
      this.remember(conversationId, conversation.createdAt, next);
      next += 1;
    }
    // The record is rewritten only when its expiry is due (earlier activities are never rewritten).
    if (conversation.expiresAt.getTime() - now.getTime() > this.retentionMs - this.refreshMs) return seqs;
    const expiresAt = this.expiry(now);
    this.forgetRecord(conversationId);
    const touched = await this.conversations(conversationId).updateOne({ _id: conversationId }, { $set: { expiresAt }, ...(seqs.length ? { $max: { lastSeq: seqs[seqs.length - 1] } } : {}) });
    if (touched.matchedCount) this.cacheRecord({ ...conversation, expiresAt, lastSeq: Math.max(conversation.lastSeq ?? 0, seqs[seqs.length - 1] ?? 0) });
    // Ended while we were writing: do not leave orphans behind.
    if (!touched.matchedCount) {
      await this.activities(conversationId).deleteMany({ conversationId });
      return null;
    }
    return seqs;
  }

  /**
   * Inserts `activities` numbered from `first` in one ordered command. Returns how many were
   * stored: all of them, or those before the first number another writer had taken.
   */
  private async insertRun(conversationId: string, activities: Record<string, unknown>[], first: number, now: Date): Promise<number> {
    const docs = activities.map((activity, i) => ({ _id: `${conversationId}|${first + i}`, conversationId, seq: first + i, json: JSON.stringify(activity), storedAt: now }));
    try {
      await this.activities(conversationId).insertMany(docs, { ordered: true });
      return docs.length;
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError) || !isDuplicateKey(err)) throw err;
      const failed = ([] as Array<{ index: number }>).concat(err.writeErrors as never);
      return Math.min(...failed.map((e) => e.index), docs.length);
    }
  }

  /**
   * The first number above `taken` with no activity, found by `_id` lookups only: numbers above the
   * erasure floor have no gaps, so it is the end of a run (doubling steps, then halving).
   */
  private async firstFreeAfter(conversationId: string, taken: number): Promise<number> {
    const used = async (seq: number) => (await this.activities(conversationId).findOne({ _id: `${conversationId}|${seq}` }, { projection: { _id: 1 } })) !== null;
    let low = taken; // known used
    let step = 1;
    while (await used(low + step)) {
      low += step;
      step *= 2;
    }
    let high = low + step; // known free
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await used(mid)) low = mid;
      else high = mid;
    }
    return high;
  }

  /** One `_id` lookup per activity (pushed down on FerretDB), instead of a query over every conversation's. */
  async listActivities(conversationId: string, afterSeq: number, limit: number): Promise<StoredActivity[]> {
    // The only writer knows the last number it gave: a poll with nothing new reads nothing (Web Chat
    // without WebSocket polls every second, and at hundreds of people those lookups were the load).
    // Only once this process has written to the conversation: an earlier life of the app may have
    // died between an activity and its record, and appending steps over such numbers.
    const known = this.records?.get(conversationId);
    const mine = known ? this.remembered(conversationId, known.createdAt) : 0;
    if (known && mine > 0 && Math.max(known.seqFloor ?? 0, known.lastSeq ?? 0, mine) <= afterSeq) return [];
    const out: StoredActivity[] = [];
    let seq = afterSeq + 1;
    let jumped = false;
    for (let read = 0; read < limit; ) {
      // What this process had written before the lookup: an append landing after the miss is
      // announced to streams by the feed and found by the next poll, so it must not count as a
      // hole (which would send this read to the query over the whole collection).
      const hint = this.lastSeqs.get(conversationId);
      const doc = await this.activities(conversationId).findOne({ _id: `${conversationId}|${seq}` });
      if (!doc) {
        const record = this.records?.get(conversationId) ?? (await this.conversations(conversationId).findOne({ _id: conversationId }, { projection: { seqFloor: 1, lastSeq: 1, createdAt: 1 } }));
        const floor = record?.seqFloor ?? 0;
        if (Math.max(floor, record?.lastSeq ?? 0, this.remembered(conversationId, record?.createdAt, hint)) < seq) break; // nothing further: the usual empty poll
        // Numbers have no gaps except below an erasure floor: continue above it.
        if (floor >= seq && !jumped) {
          jumped = true;
          seq = floor + 1;
          continue;
        }
        // Anything else (the record lost its floor to a concurrent write): one query, the slow way.
        return out.concat(await this.queryAfter(conversationId, seq - 1, limit - read));
      }
      read += 1;
      const parsed = parseActivity(seq, doc.json);
      if (parsed) out.push(parsed);
      seq += 1;
    }
    return out;
  }

  private async queryAfter(conversationId: string, afterSeq: number, limit: number): Promise<StoredActivity[]> {
    const docs = await this.activities(conversationId).find({ conversationId, seq: { $gt: afterSeq } }).sort({ seq: 1 }).limit(limit).toArray();
    return docs.map((d) => parseActivity(d.seq, d.json)).filter((a): a is StoredActivity => a !== null);
  }

  async eraseConversation(conversationId: string, opts: { end?: boolean } = {}): Promise<boolean> {
    this.forgetRecord(conversationId);
    if (opts.end) {
      this.lastSeqs.delete(conversationId);
      const ended = (await this.conversations(conversationId).deleteOne({ _id: conversationId })).deletedCount;
      const erased = (await this.activities(conversationId).deleteMany({ conversationId })).deletedCount;
      return ended + erased > 0;
    }
    // Floor first, then delete up to it: a reply claimed meanwhile keeps a number above the floor.
    const last = await this.lastActivitySeq(conversationId);
    if (last === 0) return false;
    await this.conversations(conversationId).updateOne({ _id: conversationId, $or: [{ seqFloor: { $exists: false } }, { seqFloor: { $lt: last } }] }, { $set: { seqFloor: last } });
    this.forgetRecord(conversationId);
    return (await this.activities(conversationId).deleteMany({ conversationId, seq: { $lte: last } })).deletedCount > 0;
  }

  /** Bucket by bucket, letting turns run in between: a purge never holds the database for long. */
  async purgeExpired(now: Date = this.now()): Promise<PurgeResult> {
    const out: PurgeResult = { conversations: 0, activities: 0 };
    const records = this.conversationBuckets.all();
    const logs = this.activityBuckets.all();
    for (let i = 0; i < records.length; i++) {
      out.conversations += (await records[i].deleteMany({ expiresAt: { $lte: now } })).deletedCount;
      await breathe();
      out.activities += await this.purgeOrphans(records[i], logs[i]);
      await breathe();
    }
    return out;
  }

  /**
   * Activities expire with their conversation: erases those whose conversation is gone (expired, TTL,
   * ended, or left by an interrupted write), in one bucket (a record and its activities share the
   * bucket number). Activity ids are read before conversation ids, and an activity is stored only
   * once its conversation exists; `storedAt` spares one written meanwhile.
   */
  private async purgeOrphans(records: Collection<ConversationDoc>, logs: Collection<ActivityDoc>): Promise<number> {
    const started = this.now();
    const withActivities = (await logs.distinct('conversationId')).map(String);
    if (!withActivities.length) return 0;
    const live = new Set<string>();
    for (let i = 0; i < withActivities.length; i += 1000) {
      for (const d of await records.find({ _id: { $in: withActivities.slice(i, i + 1000) } }, { projection: { _id: 1 } }).toArray()) live.add(d._id);
    }
    const orphaned = withActivities.filter((id) => !live.has(id));
    let deleted = 0;
    for (let i = 0; i < orphaned.length; i += 500) {
      deleted += (await logs.deleteMany({ conversationId: { $in: orphaned.slice(i, i + 500) }, storedAt: { $lt: started } })).deletedCount;
      await breathe();
    }
    return deleted;
  }

  private async purgeConversationIfExpired(id: string, now: Date): Promise<void> {
    const found = await this.conversations(id).findOne({ _id: id }, { projection: { expiresAt: 1 } });
    if (!found || found.expiresAt > now) return;
    this.lastSeqs.delete(id);
    this.forgetRecord(id);
    await this.conversations(id).deleteOne({ _id: id });
    await this.activities(id).deleteMany({ conversationId: id });
  }

  /** The conversation's record if it has not expired; read by `_id` alone (FerretDB pushes only that down). */
  private async liveRecord(id: string, now: Date): Promise<ConversationDoc | null> {
    const doc = this.records?.get(id) ?? (await this.conversations(id).findOne({ _id: id }));
    if (doc) this.cacheRecord(doc);
    return doc && doc.expiresAt > now ? doc : null;
  }

  private async lastActivitySeq(conversationId: string): Promise<number> {
    const last = await this.activities(conversationId).find({ conversationId }, { projection: { seq: 1 } }).sort({ seq: -1 }).limit(1).next();
    return last ? last.seq : 0;
  }

  private expiry(now: Date): Date {
    return new Date(now.getTime() + this.retentionMs);
  }
}
