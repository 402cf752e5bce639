/**
 * The Helpdesk audit log: who did what to which case, when. Never message text or contact
 * details — only ids and the kind of action. Kept AUDIT_RETENTION_DAYS.
 */
import crypto from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { ensureExpiryIndex } from './expiry';

export interface AuditEntry {
  _id: string;
  at: Date;
  /** Staff account id, `person`, `system` or `cli`. */
  actor: string;
  action: string;
  caseId?: string;
  /** Small structured details (ids, outcome, role), never free text typed by a person. */
  detail?: Record<string, string | number | boolean>;
  expiresAt: Date;
}

export class AuditRepository {
  readonly col: Collection<AuditEntry>;
  constructor(db: Db, private readonly retentionDays: number) {
    this.col = db.collection<AuditEntry>('audit_log');
  }

  async ensureIndexes(): Promise<void> {
    await ensureExpiryIndex(this.col);
    await this.col.createIndex({ at: -1 });
    await this.col.createIndex({ caseId: 1, at: 1 });
  }

  async record(e: { actor: string; action: string; caseId?: string; detail?: AuditEntry['detail'] }, at = new Date()): Promise<void> {
    await this.col.insertOne({ _id: crypto.randomUUID(), at, ...e, expiresAt: new Date(at.getTime() + this.retentionDays * 86400000) });
  }

  async recent(limit = 200, caseId?: string): Promise<AuditEntry[]> {
    return this.col
      .find(caseId ? { caseId: String(caseId) } : {})
      .sort({ at: -1 })
      .limit(limit)
      .toArray();
  }

  async purgeExpired(now = new Date()): Promise<number> {
    return (await this.col.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}
