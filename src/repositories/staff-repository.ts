/**
 * Helpdesk staff: accounts (password hash only, never the password), sign-in sessions (stored by
 * the SHA-256 of their token, so a database leak does not give sessions away) and failed sign-ins
 * for the lock-out.
 */
import crypto from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { ensureExpiryIndex } from './expiry';

export const ROLES = ['agent', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface StaffAccount {
  _id: string;
  /** Lower-case; unique. */
  email: string;
  /** Shown to the person in the chat ("Sara, Helpdesk"). */
  name: string;
  role: Role;
  /** Bassins this person works for; empty: all. */
  bassins: string[];
  passwordHash: string;
  failedSignIns: number;
  lockedUntil: Date | null;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface StaffSession {
  /** SHA-256 of the cookie token. */
  _id: string;
  accountId: string;
  csrf: string;
  createdAt: Date;
  expiresAt: Date;
}

export const tokenDigest = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export class StaffRepository {
  readonly accounts: Collection<StaffAccount>;
  private readonly sessions: Collection<StaffSession>;
  constructor(db: Db) {
    this.accounts = db.collection<StaffAccount>('staff_accounts');
    this.sessions = db.collection<StaffSession>('staff_sessions');
  }

  async ensureIndexes(): Promise<void> {
    await this.accounts.createIndex({ email: 1 }, { unique: true });
    await ensureExpiryIndex(this.sessions);
  }

  async count(): Promise<number> {
    return this.accounts.countDocuments({});
  }

  async create(a: Omit<StaffAccount, '_id' | 'failedSignIns' | 'lockedUntil' | 'disabled' | 'createdAt' | 'updatedAt'>, at = new Date()): Promise<StaffAccount> {
    const account: StaffAccount = { _id: crypto.randomUUID(), ...a, email: a.email.toLowerCase(), failedSignIns: 0, lockedUntil: null, disabled: false, createdAt: at, updatedAt: at };
    await this.accounts.insertOne(account);
    return account;
  }

  async byEmail(email: string): Promise<StaffAccount | null> {
    return this.accounts.findOne({ email: String(email).toLowerCase() });
  }

  async byId(id: string): Promise<StaffAccount | null> {
    return this.accounts.findOne({ _id: String(id) });
  }

  async list(): Promise<StaffAccount[]> {
    return this.accounts.find({}, { projection: { passwordHash: 0 } }).sort({ email: 1 }).toArray();
  }

  /** Counts a failed sign-in; locks the account for `lockMs` once `max` is reached. Returns the new state. */
  async failedSignIn(id: string, max: number, lockMs: number, at = new Date()): Promise<{ locked: boolean }> {
    const a = await this.byId(id);
    if (!a) return { locked: false };
    const failed = a.failedSignIns + 1;
    const locked = failed >= max;
    await this.accounts.updateOne({ _id: a._id }, { $set: { failedSignIns: locked ? 0 : failed, lockedUntil: locked ? new Date(at.getTime() + lockMs) : a.lockedUntil, updatedAt: at } });
    return { locked };
  }

  async signedIn(id: string, at = new Date()): Promise<void> {
    await this.accounts.updateOne({ _id: String(id) }, { $set: { failedSignIns: 0, lockedUntil: null, updatedAt: at } });
  }

  async setPassword(id: string, passwordHash: string, at = new Date()): Promise<void> {
    await this.accounts.updateOne({ _id: String(id) }, { $set: { passwordHash, failedSignIns: 0, lockedUntil: null, updatedAt: at } });
    await this.sessions.deleteMany({ accountId: String(id) });
  }

  async openSession(accountId: string, hours: number, at = new Date()): Promise<{ token: string; session: StaffSession }> {
    const token = crypto.randomBytes(32).toString('base64url');
    const session: StaffSession = { _id: tokenDigest(token), accountId, csrf: crypto.randomBytes(24).toString('base64url'), createdAt: at, expiresAt: new Date(at.getTime() + hours * 3600000) };
    await this.sessions.insertOne(session);
    return { token, session };
  }

  async session(token: string, now = new Date()): Promise<StaffSession | null> {
    if (typeof token !== 'string' || token.length > 100) return null;
    return this.sessions.findOne({ _id: tokenDigest(token), expiresAt: { $gt: now } });
  }

  async closeSession(token: string): Promise<void> {
    await this.sessions.deleteOne({ _id: tokenDigest(String(token)) });
  }

  async purgeExpired(now = new Date()): Promise<number> {
    return (await this.sessions.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}
