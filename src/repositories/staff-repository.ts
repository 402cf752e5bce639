/**
 * Helpdesk staff: accounts (password hash only, never the password), sign-in sessions (stored by
 * the SHA-256 of their token, so a database leak does not give sessions away) and sign-in attempts
 * for the lock-out.
 *
 * Attempts are counted by inserting `<account>|<round>|<n>` for n = 1…max: the unique `_id` is the
 * arbiter (updates are not atomic on FerretDB), so at most `max` password checks run per round,
 * whatever the number of requests or server instances. A lock starts a new round; a success
 * forgets the round's failures.
 */
import crypto from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { ensureExpiryIndex } from './expiry';

/** Agents answer cases; editors keep the catalogue (not cases); admins do both and manage accounts. */
export const ROLES = ['agent', 'editor', 'admin'] as const;
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
  lockedUntil: Date | null;
  /** Attempts are counted per round (absent: the first round). */
  signInRound?: string;
  /** Sessions opened under another stamp have ended (set on a lock and a password change). */
  sessionStamp?: string;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface StaffSession {
  /** SHA-256 of the cookie token. */
  _id: string;
  accountId: string;
  csrf: string;
  /** The account's `sessionStamp` when the session was opened. */
  stamp?: string;
  createdAt: Date;
  expiresAt: Date;
}

interface SignInAttempt {
  /** `<account>|<round>|<n>` */
  _id: string;
  accountId: string;
  at: Date;
  expiresAt: Date;
}

/** A failure is forgotten after a day (the lock-out counts failures in a row, not for ever). */
const ATTEMPT_MEMORY_MS = 24 * 3600000;
const DUPLICATE_KEY = 11000;
const newStamp = () => crypto.randomBytes(12).toString('base64url');

export const tokenDigest = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export class StaffRepository {
  readonly accounts: Collection<StaffAccount>;
  private readonly sessions: Collection<StaffSession>;
  private readonly attempts: Collection<SignInAttempt>;
  constructor(db: Db) {
    this.accounts = db.collection<StaffAccount>('staff_accounts');
    this.sessions = db.collection<StaffSession>('staff_sessions');
    this.attempts = db.collection<SignInAttempt>('staff_signin_attempts');
  }

  async ensureIndexes(): Promise<void> {
    await this.accounts.createIndex({ email: 1 }, { unique: true });
    await ensureExpiryIndex(this.sessions);
    await ensureExpiryIndex(this.attempts);
  }

  async count(): Promise<number> {
    return this.accounts.countDocuments({});
  }

  async create(a: Omit<StaffAccount, '_id' | 'lockedUntil' | 'disabled' | 'createdAt' | 'updatedAt'>, at = new Date()): Promise<StaffAccount> {
    const account: StaffAccount = { _id: crypto.randomUUID(), ...a, email: a.email.toLowerCase(), lockedUntil: null, disabled: false, createdAt: at, updatedAt: at };
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

  /**
   * Claims the right to check one password: the number of the attempt in the account's round
   * (1…max), or 0 when `max` attempts have been made — then no password may be checked.
   */
  async claimAttempt(a: Pick<StaffAccount, '_id' | 'signInRound'>, max: number, at = new Date()): Promise<number> {
    const round = a.signInRound ?? 'first';
    for (let n = 1; n <= max; n++) {
      try {
        await this.attempts.insertOne({ _id: `${a._id}|${round}|${n}`, accountId: a._id, at, expiresAt: new Date(at.getTime() + ATTEMPT_MEMORY_MS) });
        return n;
      } catch (e) {
        if ((e as { code?: unknown }).code !== DUPLICATE_KEY) throw e;
      }
    }
    return 0;
  }

  /** A success: the failures in a row end (the account document is not written: no lost update of a lock). */
  async signedIn(id: string): Promise<void> {
    await this.attempts.deleteMany({ accountId: String(id) });
  }

  /** Locks the account until `until`, starts a new round of attempts, and ends its sessions. */
  async lock(id: string, until: Date, at = new Date()): Promise<void> {
    await this.accounts.updateOne({ _id: String(id) }, { $set: { lockedUntil: until, signInRound: newStamp(), sessionStamp: newStamp(), updatedAt: at } });
    await this.sessions.deleteMany({ accountId: String(id) });
  }

  /** A new password unlocks the account and ends its sessions. */
  async setPassword(id: string, passwordHash: string, at = new Date()): Promise<void> {
    await this.accounts.updateOne({ _id: String(id) }, { $set: { passwordHash, lockedUntil: null, signInRound: newStamp(), sessionStamp: newStamp(), updatedAt: at } });
    await this.sessions.deleteMany({ accountId: String(id) });
  }

  async openSession(account: Pick<StaffAccount, '_id' | 'sessionStamp'>, hours: number, at = new Date()): Promise<{ token: string; session: StaffSession }> {
    const token = crypto.randomBytes(32).toString('base64url');
    const session: StaffSession = {
      _id: tokenDigest(token),
      accountId: account._id,
      csrf: crypto.randomBytes(24).toString('base64url'),
      ...(account.sessionStamp ? { stamp: account.sessionStamp } : {}),
      createdAt: at,
      expiresAt: new Date(at.getTime() + hours * 3600000),
    };
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
    const expired = { expiresAt: { $lte: now } };
    return (await this.sessions.deleteMany(expired)).deletedCount + (await this.attempts.deleteMany(expired)).deletedCount;
  }
}
