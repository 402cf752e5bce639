/**
 * Staff sign-in for the Helpdesk console: e-mail + password (scrypt), a session cookie that
 * scripts cannot read (HttpOnly, SameSite=Strict, Secure behind HTTPS, Path=/helpdesk), a CSRF
 * token for every change, an Origin check, lock-out after repeated failures, and a per-address
 * limit on attempts. Every sign-in, failure and lock is written to the audit log.
 * A refusal says nothing of why: unknown e-mail, wrong password and locked account get the same
 * answer after the same work (one scrypt), so the sign-in form does not tell which e-mails exist.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import crypto from 'node:crypto';
import type { AuditRepository } from '../repositories/audit-repository';
import type { Role, StaffAccount, StaffRepository, StaffSession } from '../repositories/staff-repository';
import { sendError } from '../server/errors';
import { decoyHash, verifyPassword } from './passwords';

export const COOKIE = 'boussole_staff';

export interface AuthOptions {
  staff: StaffRepository;
  audit: AuditRepository;
  sessionHours: number;
  maxFailures: number;
  lockMinutes: number;
  secureCookie: boolean;
  now?: () => Date;
}

export interface Signed {
  account: StaffAccount;
  session: StaffSession;
  token: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    staff?: Signed;
  }
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header.length > 4096) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** At most `max` attempts per address per window (in memory: a brake, the lock-out is the wall). */
export function attemptLimiter(max: number, windowMs: number): (key: string) => boolean {
  const hits = new Map<string, number[]>();
  return (key) => {
    const now = Date.now();
    const recent = (hits.get(key) ?? []).filter((t) => now - t < windowMs);
    recent.push(now);
    hits.set(key, recent);
    if (hits.size > 10000) hits.clear();
    return recent.length <= max;
  };
}

export type SignInResult = { ok: true; signed: Signed } | { ok: false; code: 'invalid_credentials' };

const REFUSED: SignInResult = { ok: false, code: 'invalid_credentials' };

export class StaffAuth {
  constructor(private readonly o: AuthOptions) {}

  private now(): Date {
    return this.o.now ? this.o.now() : new Date();
  }

  private locked(account: StaffAccount): boolean {
    return Boolean(account.lockedUntil && account.lockedUntil > this.now());
  }

  /** A refusal costs a scrypt like a real check, so that its timing says nothing either. */
  private async refuse(password: string, actor: string, action: string): Promise<SignInResult> {
    await verifyPassword(password, await decoyHash());
    await this.o.audit.record({ actor, action });
    return REFUSED;
  }

  async signIn(email: string, password: string): Promise<SignInResult> {
    const account = await this.o.staff.byEmail(email);
    if (!account || account.disabled) return this.refuse(password, 'unknown', 'signin_failed');
    if (this.locked(account)) return this.refuse(password, account._id, 'signin_refused_locked');
    // The right to check a password is claimed first: a burst gets no more checks than the limit.
    const attempt = await this.o.staff.claimAttempt(account, this.o.maxFailures, this.now());
    if (!attempt) return this.refuse(password, account._id, 'signin_refused_locked');
    if (!(await verifyPassword(password, account.passwordHash))) {
      const last = attempt >= this.o.maxFailures;
      if (last) await this.o.staff.lock(account._id, new Date(this.now().getTime() + this.o.lockMinutes * 60000), this.now());
      await this.o.audit.record({ actor: account._id, action: last ? 'account_locked' : 'signin_failed' });
      return REFUSED;
    }
    await this.o.staff.signedIn(account._id);
    const { token, session } = await this.o.staff.openSession(account, this.o.sessionHours, this.now());
    await this.o.audit.record({ actor: account._id, action: 'signed_in' });
    return { ok: true, signed: { account, session, token } };
  }

  setCookie(res: Response, token: string): void {
    const attrs = [`${COOKIE}=${token}`, 'Path=/helpdesk', 'HttpOnly', 'SameSite=Strict', `Max-Age=${this.o.sessionHours * 3600}`];
    if (this.o.secureCookie) attrs.push('Secure');
    res.append('Set-Cookie', attrs.join('; '));
  }

  clearCookie(res: Response): void {
    res.append('Set-Cookie', `${COOKIE}=; Path=/helpdesk; HttpOnly; SameSite=Strict; Max-Age=0${this.o.secureCookie ? '; Secure' : ''}`);
  }

  async signOut(req: Request, res: Response): Promise<void> {
    if (req.staff) {
      await this.o.staff.closeSession(req.staff.token);
      await this.o.audit.record({ actor: req.staff.account._id, action: 'signed_out' });
    }
    this.clearCookie(res);
  }

  /** The signed-in staff member, or 401. */
  required(): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const token = readCookie(req, COOKIE);
      const session = token ? await this.o.staff.session(token, this.now()) : null;
      const account = session ? await this.o.staff.byId(session.accountId) : null;
      // A lock or a new password ends the sessions opened before it (a new stamp).
      if (!token || !session || !account || account.disabled || this.locked(account) || session.stamp !== account.sessionStamp) return sendError(res, 401, 'not_signed_in', 'Sign in first.');
      req.staff = { account, session, token };
      next();
    };
  }

  /** Changes need the session's CSRF token in `X-CSRF-Token` (a cross-site page cannot read it). */
  csrf(): RequestHandler {
    return (req, res, next) => {
      if (req.method === 'GET' || req.method === 'HEAD') return next();
      const given = req.get('x-csrf-token') ?? '';
      const expected = req.staff?.session.csrf ?? '';
      const a = Buffer.from(given);
      const b = Buffer.from(expected);
      if (!expected || a.length !== b.length || !crypto.timingSafeEqual(a, b)) return sendError(res, 403, 'csrf', 'Missing or wrong CSRF token.');
      next();
    };
  }

  /** Only these roles may go on. */
  role(...roles: Role[]): RequestHandler {
    return (req, res, next) => (req.staff && roles.includes(req.staff.account.role) ? next() : sendError(res, 403, 'forbidden', 'Not allowed for your role.'));
  }
}

/** Changes must come from our own pages: a browser always sends Origin on a cross-site POST. */
export const sameOrigin: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  const origin = req.get('origin');
  if (origin === undefined) return next();
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (!host || host !== req.get('host')) return sendError(res, 403, 'cross_origin', 'Cross-origin request refused.');
  next();
};
