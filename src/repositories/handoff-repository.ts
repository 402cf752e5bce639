/**
 * Helpdesk cases and the handoff sessions that collect them. A case holds the structured
 * situation (journey, facts, bassin, services suggested), the contact for a callback, the
 * transcript only with consent, and its status history; it expires after CASE_RETENTION_DAYS.
 */
import type { Collection, Db } from 'mongodb';
import { ensureExpiryIndex } from './expiry';

export interface CaseRecord {
  _id: string;
  mode: 'callback';
  reason: string;
  language: string;
  situation: { journey?: string; facts: Record<string, unknown>; bassin?: string; servicesSuggested: string[] };
  contact: { kind: 'phone' | 'email'; value: string };
  timeOfDay: 'morning' | 'afternoon' | 'any';
  transcript?: Array<{ from: string; text: string; at: string }>;
  status: string;
  history: Array<{ status: string; at: Date; by: string }>;
  assignee: string | null;
  outcome: string | null;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date;
}

export interface SessionRecord {
  _id: string;
  step: 'consent' | 'contact' | 'time' | 'transcript';
  data: Record<string, unknown>;
  tries: number;
  expiresAt: Date;
}

export class HandoffRepository {
  readonly cases: Collection<CaseRecord>;
  private readonly sessions: Collection<SessionRecord>;
  constructor(db: Db) {
    this.cases = db.collection<CaseRecord>('helpdesk_cases');
    this.sessions = db.collection<SessionRecord>('handoff_sessions');
  }

  async ensureIndexes(): Promise<void> {
    await ensureExpiryIndex(this.cases);
    await ensureExpiryIndex(this.sessions);
    await this.cases.createIndex({ status: 1, createdAt: -1 });
  }

  /** Durable write: acknowledged by the majority before the person is told. Idempotent by id. */
  async saveCase(c: CaseRecord): Promise<void> {
    await this.cases.replaceOne({ _id: c._id }, c, { upsert: true, writeConcern: { w: 'majority' } });
  }

  async updateStatus(caseId: string, status: string, by: string, at = new Date()): Promise<boolean> {
    const r = await this.cases.updateOne({ _id: String(caseId) }, { $set: { status, updatedAt: at }, $push: { history: { status, at, by } } });
    return r.matchedCount > 0;
  }

  async listCases(limit = 50): Promise<CaseRecord[]> {
    return this.cases.find({}).sort({ createdAt: -1 }).limit(limit).toArray();
  }

  async session(key: string): Promise<SessionRecord | null> {
    return this.sessions.findOne({ _id: String(key), expiresAt: { $gt: new Date() } });
  }

  async saveSession(s: SessionRecord): Promise<void> {
    await this.sessions.replaceOne({ _id: s._id }, s, { upsert: true });
  }

  async endSession(key: string): Promise<void> {
    await this.sessions.deleteOne({ _id: String(key) });
  }

  async purgeExpired(now = new Date()): Promise<number> {
    return (await this.cases.deleteMany({ expiresAt: { $lte: now } })).deletedCount + (await this.sessions.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}
