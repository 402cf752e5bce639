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
 * Cost: FerretDB v1 on SQLite pushes a filter down only when it is exactly `{ _id: <string> }`; any
 * other filter reads and decodes the whole collection. So appending and polling address documents by
 * `_id` only (the conversation record, and `<conversationId>|<seq>`), and an append writes its own
 * activities and the conversation record, nothing else: its cost does not grow with the conversation.
 * It still grows with the number of conversations stored: measured (bench:load, 2026-12-07),
 * FerretDB reads the whole collection for `updateOne`/`replaceOne` even by `_id` (finds, inserts and
 * deletes by `_id` stay flat) — the record's update is the part to replace (load and scale issue).
 * The record's `lastSeq` is a hint (a number known to be in use); the unique `_id` stays the arbiter.
 *
 * Expiry: only the conversation record carries `expiresAt`, moved to now + retention by every append;
 * activities expire with their conversation: `purgeExpired()` deletes the expired conversations, then
 * every activity whose conversation is gone. A TTL index on conversations is created where the server
 * supports it (MongoDB); FerretDB v1 refuses `expireAfterSeconds` ("not implemented yet"), and the
 * activities need the purge anyway, so `purgeExpired()` runs on a timer.
 */
import { ensureExpiryIndex } from './expiry';
import type { Collection, Db } from 'mongodb';

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
  private readonly conversations: Collection<ConversationDoc>;
  private readonly activities: Collection<ActivityDoc>;
  private readonly retentionMs: number;
  private readonly now: () => Date;
  /** Appends of one conversation in this process run one after the other (no self-contention). */
  private readonly appendQueues = new Map<string, Promise<unknown>>();

  constructor(db: Db, opts: { retentionMs: number; now?: () => Date }) {
    this.conversations = db.collection<ConversationDoc>(DIRECTLINE_COLLECTIONS.conversations);
    this.activities = db.collection<ActivityDoc>(DIRECTLINE_COLLECTIONS.activities);
    this.retentionMs = opts.retentionMs;
    this.now = opts.now ?? (() => new Date());
  }

  async ensureIndexes(): Promise<IndexReport> {
    await this.activities.createIndex({ conversationId: 1, seq: 1 }, { name: 'conversation_seq' });
    return { ttl: (await ensureExpiryIndex(this.conversations)) === 'ttl' };
  }

  async createConversation(input: { id: string; userId: string; locale?: string }): Promise<{ created: boolean; conversation: DirectLineConversation }> {
    const now = this.now();
    const doc: ConversationDoc = { _id: input.id, userId: input.userId, createdAt: now, expiresAt: this.expiry(now) };
    if (input.locale) doc.locale = input.locale;
    // An expired conversation not purged yet must not block (or be revived with old activities).
    await this.purgeConversationIfExpired(input.id, now);
    try {
      await this.conversations.insertOne(doc);
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
    let next = Math.max(conversation.lastSeq ?? 0, conversation.seqFloor ?? 0) + 1;
    for (const activity of activities) {
      const json = JSON.stringify(activity);
      for (let attempt = 1; ; attempt++) {
        try {
          await this.activities.insertOne({ _id: `${conversationId}|${next}`, conversationId, seq: next, json, storedAt: now });
          break;
        } catch (err) {
          // Another writer (another server instance) took this number: continue after its last one.
          if (!isDuplicateKey(err) || attempt >= MAX_CLAIM_ATTEMPTS) throw err;
          next = Math.max(next, await this.lastSeq(conversationId)) + 1;
        }
      }
      seqs.push(next);
      next += 1;
    }
    // The one other write: the conversation's expiry (earlier activities are never rewritten).
    const touched = await this.conversations.updateOne({ _id: conversationId }, { $set: { expiresAt: this.expiry(now) }, ...(seqs.length ? { $max: { lastSeq: seqs[seqs.length - 1] } } : {}) });
    // Ended while we were writing: do not leave orphans behind.
    if (!touched.matchedCount) {
      await this.activities.deleteMany({ conversationId });
      return null;
    }
    return seqs;
  }

  /** One `_id` lookup per activity (pushed down on FerretDB), instead of a query over every conversation's. */
  async listActivities(conversationId: string, afterSeq: number, limit: number): Promise<StoredActivity[]> {
    const out: StoredActivity[] = [];
    let seq = afterSeq + 1;
    let jumped = false;
    for (let read = 0; read < limit; ) {
      const doc = await this.activities.findOne({ _id: `${conversationId}|${seq}` });
      if (!doc) {
        const record = await this.conversations.findOne({ _id: conversationId }, { projection: { seqFloor: 1, lastSeq: 1 } });
        const floor = record?.seqFloor ?? 0;
        if (Math.max(floor, record?.lastSeq ?? 0) < seq) break; // nothing further: the usual empty poll
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
    const docs = await this.activities.find({ conversationId, seq: { $gt: afterSeq } }).sort({ seq: 1 }).limit(limit).toArray();
    return docs.map((d) => parseActivity(d.seq, d.json)).filter((a): a is StoredActivity => a !== null);
  }

  async eraseConversation(conversationId: string, opts: { end?: boolean } = {}): Promise<boolean> {
    if (opts.end) {
      const ended = (await this.conversations.deleteOne({ _id: conversationId })).deletedCount;
      const erased = (await this.activities.deleteMany({ conversationId })).deletedCount;
      return ended + erased > 0;
    }
    // Floor first, then delete up to it: a reply claimed meanwhile keeps a number above the floor.
    const last = await this.lastActivitySeq(conversationId);
    if (last === 0) return false;
    await this.conversations.updateOne({ _id: conversationId, $or: [{ seqFloor: { $exists: false } }, { seqFloor: { $lt: last } }] }, { $set: { seqFloor: last } });
    return (await this.activities.deleteMany({ conversationId, seq: { $lte: last } })).deletedCount > 0;
  }

  async purgeExpired(now: Date = this.now()): Promise<PurgeResult> {
    const expired = await this.conversations.find({ expiresAt: { $lte: now } }, { projection: { _id: 1 } }).toArray();
    const ids = expired.map((d) => d._id);
    const conversations = ids.length ? (await this.conversations.deleteMany({ _id: { $in: ids }, expiresAt: { $lte: now } })).deletedCount : 0;
    return { conversations, activities: await this.purgeOrphans() };
  }

  /**
   * Activities expire with their conversation: erases those whose conversation is gone (expired, TTL,
   * ended, or left by an interrupted write). Activity ids are read before conversation ids, and an
   * activity is stored only once its conversation exists; `storedAt` spares one written meanwhile.
   */
  private async purgeOrphans(): Promise<number> {
    const started = this.now();
    const withActivities = (await this.activities.distinct('conversationId')).map(String);
    if (!withActivities.length) return 0;
    const live = new Set((await this.conversations.find({ _id: { $in: withActivities } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
    const orphaned = withActivities.filter((id) => !live.has(id));
    let deleted = 0;
    for (let i = 0; i < orphaned.length; i += 500) {
      deleted += (await this.activities.deleteMany({ conversationId: { $in: orphaned.slice(i, i + 500) }, storedAt: { $lt: started } })).deletedCount;
    }
    return deleted;
  }

  private async purgeConversationIfExpired(id: string, now: Date): Promise<void> {
    const found = await this.conversations.findOne({ _id: id }, { projection: { expiresAt: 1 } });
    if (!found || found.expiresAt > now) return;
    await this.conversations.deleteOne({ _id: id });
    await this.activities.deleteMany({ conversationId: id });
  }

  /** The conversation's record if it has not expired; read by `_id` alone (FerretDB pushes only that down). */
  private async liveRecord(id: string, now: Date): Promise<ConversationDoc | null> {
    const doc = await this.conversations.findOne({ _id: id });
    return doc && doc.expiresAt > now ? doc : null;
  }

  /** The last number in use: activities first, then the erasure floor (see eraseConversation's order). */
  private async lastSeq(conversationId: string): Promise<number> {
    const last = await this.lastActivitySeq(conversationId);
    const conv = await this.conversations.findOne({ _id: conversationId }, { projection: { seqFloor: 1 } });
    return Math.max(last, conv?.seqFloor ?? 0);
  }

  private async lastActivitySeq(conversationId: string): Promise<number> {
    const last = await this.activities.find({ conversationId }, { projection: { seq: 1 } }).sort({ seq: -1 }).limit(1).next();
    return last ? last.seq : 0;
  }

  private expiry(now: Date): Date {
    return new Date(now.getTime() + this.retentionMs);
  }
}
