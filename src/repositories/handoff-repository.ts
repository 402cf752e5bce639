/**
 * Helpdesk cases, their live messages, and the handoff sessions that collect them.
 * A case holds the structured situation (journey, facts, bassin, services suggested), the contact
 * for a callback, the transcript only with consent, its status history, assignee and outcome; it
 * expires CASE_RETENTION_DAYS after its last update. A live case also keeps the person's
 * conversation reference (for proactive delivery) until it is closed.
 */
import type { Collection, Db, Filter } from 'mongodb';
import { ensureExpiryIndex } from './expiry';
import { RecentMap } from './recent-map';

export type CaseMode = 'live' | 'callback';
export const CASE_STATUSES = ['new', 'assigned', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const OUTCOMES = ['oriented', 'appointment_made', 'referred', 'callback_planned', 'no_reply', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** States a Bot Framework handoff host reports in a `handoff.status` event. */
export const HOST_STATES = ['accepted', 'failed', 'completed'] as const;
export type HostState = (typeof HOST_STATES)[number];
/** Longest status history a case keeps (Helpdesk actions add at most a few entries). */
export const HISTORY_MAX = 20;

export interface CaseRecord {
  _id: string;
  mode: CaseMode;
  reason: string;
  language: string;
  situation: { journey?: string; facts: Record<string, unknown>; bassin?: string; servicesSuggested: string[] };
  /** Callback only: how to reach the person. */
  contact?: { kind: 'phone' | 'email'; value: string };
  timeOfDay?: 'morning' | 'afternoon' | 'any';
  transcript?: Array<{ from: string; text: string; at: string }>;
  /** `channel/conversation` the case came from (to erase it on "forget me"); the reference only while live. */
  conversation?: { key: string; ref?: Record<string, unknown> };
  status: string;
  history: Array<{ status: string; at: Date; by: string }>;
  assignee: string | null;
  assigneeName?: string | null;
  outcome: string | null;
  feedback?: string;
  /** The Helpdesk's own note on the case (never shown to the person); kept and expiring with the case. */
  note?: { text: string; by: string; name: string; at: Date };
  createdAt: Date;
  updatedAt: Date;
  closedAt?: Date;
  expiresAt: Date;
}

export interface CaseMessage {
  _id: string;
  caseId: string;
  from: 'person' | 'agent' | 'system';
  text: string;
  /** An agent's display name (never the account id). */
  name?: string;
  /** The safety net fired on this message (level), so the agent sees it at once. */
  alarm?: string;
  at: Date;
  expiresAt: Date;
}

export interface SessionRecord {
  _id: string;
  step: 'consent' | 'contact' | 'time' | 'transcript' | 'live' | 'feedback';
  data: Record<string, unknown>;
  tries: number;
  expiresAt: Date;
}

export interface QueueQuery {
  view: 'new' | 'mine' | 'all';
  agentId: string;
  /** Bassins the agent works for; empty: all. */
  bassins: string[];
  bassin?: string;
  /** The first eight hex digits of the case id (a reference the person was given); then `view` is ignored. */
  idPrefix?: string;
  limit?: number;
}

export class HandoffRepository {
  readonly cases: Collection<CaseRecord>;
  readonly messages: Collection<CaseMessage>;
  private readonly sessions: Collection<SessionRecord>;
  /** FerretDB v1 does not make a conditional update atomic: takes are serialised in-process. */
  private takeLock: Promise<unknown> = Promise.resolve();
  /**
   * The only writer (embedded database) remembers each recent conversation's session, or that it
   * has none: the lookup made at every message then costs no command.
   */
  private readonly sessionCache?: RecentMap<string, SessionRecord | null>;
  /** Session writes so far: a read that raced a write does not fill the cache. */
  private sessionWrites = 0;

  constructor(db: Db, opts: { soleWriter?: boolean } = {}) {
    this.cases = db.collection<CaseRecord>('helpdesk_cases');
    this.messages = db.collection<CaseMessage>('helpdesk_messages');
    this.sessions = db.collection<SessionRecord>('handoff_sessions');
    if (opts.soleWriter) this.sessionCache = new RecentMap(CACHED_SESSIONS);
  }

  async ensureIndexes(): Promise<void> {
    await ensureExpiryIndex(this.cases);
    await ensureExpiryIndex(this.sessions);
    await ensureExpiryIndex(this.messages);
    await this.cases.createIndex({ status: 1, createdAt: -1 });
    await this.cases.createIndex({ 'conversation.key': 1 });
    await this.messages.createIndex({ caseId: 1, at: 1 });
  }

  /** Durable write: acknowledged by the majority before the person is told. Idempotent by id. */
  async saveCase(c: CaseRecord): Promise<void> {
    await this.cases.replaceOne({ _id: c._id }, c, { upsert: true, writeConcern: { w: 'majority' } });
  }

  async getCase(caseId: string): Promise<CaseRecord | null> {
    return this.cases.findOne({ _id: String(caseId) });
  }

  /**
   * A handoff host reports the state of the case of its own conversation: recorded in the history
   * only (the status belongs to the Helpdesk's actions), and no more once the history holds
   * HISTORY_MAX entries. False when the case is not this conversation's, or its history is full.
   */
  async recordHostState(caseId: string, conversationKey: string, state: HostState, at = new Date()): Promise<boolean> {
    // The cap is a filter, not a read-then-write: concurrent reports can overshoot it by a few at most.
    const filter = { _id: String(caseId), 'conversation.key': String(conversationKey), [`history.${HISTORY_MAX - 1}`]: { $exists: false } } as Filter<CaseRecord>;
    const r = await this.cases.updateOne(filter, { $set: { updatedAt: at }, $push: { history: { status: `host_${state}`, at, by: 'channel' } } });
    return r.modifiedCount > 0;
  }

  /** The agent takes a new case; false when someone else was first (or it is closed). */
  async take(caseId: string, agent: { id: string; name: string }, retentionDays: number, at = new Date()): Promise<boolean> {
    const run = this.takeLock.then(async () => {
      const r = await this.cases.updateOne(
        { _id: String(caseId), status: 'new' },
        { $set: { status: 'assigned', assignee: agent.id, assigneeName: agent.name, updatedAt: at, expiresAt: plusDays(at, retentionDays) }, $push: { history: { status: 'assigned', at, by: agent.id } } },
      );
      return r.modifiedCount > 0;
    });
    this.takeLock = run.catch(() => undefined);
    return run;
  }

  /** Closes a case with its outcome; the conversation reference is dropped (no more delivery). */
  async close(caseId: string, agentId: string, outcome: Outcome, retentionDays: number, at = new Date()): Promise<CaseRecord | null> {
    const before = await this.cases.findOne({ _id: String(caseId), status: { $ne: 'closed' } });
    if (!before) return null;
    await this.cases.updateOne(
      { _id: before._id },
      { $set: { status: 'closed', outcome, closedAt: at, updatedAt: at, expiresAt: plusDays(at, retentionDays) }, $unset: { 'conversation.ref': '' }, $push: { history: { status: 'closed', at, by: agentId } } },
    );
    return before;
  }

  async setNote(caseId: string, note: NonNullable<CaseRecord['note']>): Promise<void> {
    await this.cases.updateOne({ _id: String(caseId) }, { $set: { note, updatedAt: note.at } });
  }

  async setFeedback(caseId: string, feedback: string, at = new Date()): Promise<void> {
    await this.cases.updateOne({ _id: String(caseId) }, { $set: { feedback, updatedAt: at } });
  }

  async queue(q: QueueQuery): Promise<CaseRecord[]> {
    const filter: Filter<CaseRecord> = {};
    // A reference read out by the person (caseReference): hex digits only, checked by the caller.
    if (q.idPrefix !== undefined) {
      if (!/^[0-9a-f]{8}$/.test(q.idPrefix)) return [];
      filter._id = { $regex: `^${q.idPrefix}` };
    } else if (q.view === 'new') filter.status = 'new';
    if (q.idPrefix === undefined && q.view === 'mine') Object.assign(filter, { assignee: q.agentId, status: { $ne: 'closed' } });
    // An agent sees their bassins' cases and the cases whose bassin is not known.
    if (q.bassin) {
      if (q.bassins.length && !q.bassins.includes(q.bassin)) return [];
      filter['situation.bassin'] = String(q.bassin);
    } else if (q.bassins.length) filter.$or = [{ 'situation.bassin': { $in: q.bassins } }, { 'situation.bassin': { $exists: false } }, { 'situation.bassin': null }];
    return this.cases
      .find(filter)
      .sort({ createdAt: -1 })
      .limit(q.limit ?? 100)
      .toArray();
  }

  async listCases(limit = 50): Promise<CaseRecord[]> {
    return this.cases.find({}).sort({ createdAt: -1 }).limit(limit).toArray();
  }

  async addMessage(m: CaseMessage): Promise<void> {
    await this.messages.insertOne(m, { writeConcern: { w: 'majority' } });
  }

  async messagesOf(caseId: string, limit = 500): Promise<CaseMessage[]> {
    return this.messages
      .find({ caseId: String(caseId) })
      .sort({ at: 1 })
      .limit(limit)
      .toArray();
  }

  /** "Forget me": every case and message that came from this conversation. */
  async eraseConversation(key: string): Promise<number> {
    const ids = (await this.cases.find({ 'conversation.key': String(key) }, { projection: { _id: 1 } }).toArray()).map((c) => c._id);
    if (ids.length) await this.messages.deleteMany({ caseId: { $in: ids } });
    await this.endSession(key);
    return ids.length ? (await this.cases.deleteMany({ _id: { $in: ids } })).deletedCount : 0;
  }

  async session(key: string, now = new Date()): Promise<SessionRecord | null> {
    const cached = this.sessionCache?.get(String(key));
    const writes = this.sessionWrites;
    // Read at every message: by `_id` alone (FerretDB pushes nothing else down), expiry checked here.
    const s = cached !== undefined ? cached : await this.sessions.findOne({ _id: String(key) });
    if (cached === undefined && writes === this.sessionWrites) this.sessionCache?.set(String(key), s);
    return s && s.expiresAt > now ? s : null;
  }

  async saveSession(s: SessionRecord): Promise<void> {
    this.sessionWrites++;
    this.sessionCache?.delete(s._id);
    await this.sessions.replaceOne({ _id: s._id }, s, { upsert: true });
    this.sessionCache?.set(s._id, s);
  }

  async endSession(key: string): Promise<void> {
    this.sessionWrites++;
    this.sessionCache?.delete(String(key));
    await this.sessions.deleteOne({ _id: String(key) });
    this.sessionCache?.set(String(key), null);
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const expired = { expiresAt: { $lte: now } };
    return (await this.cases.deleteMany(expired)).deletedCount + (await this.sessions.deleteMany(expired)).deletedCount + (await this.messages.deleteMany(expired)).deletedCount;
  }
}

const CACHED_SESSIONS = 2000;

function plusDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86400000);
}
