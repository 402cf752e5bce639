/**
 * Direct Line tokens: a JWT (HS256, node:crypto) bound to one conversation and one user.
 * JWT-shaped on purpose: Web Chat decodes the token and takes its `user` claim as the user id.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { isConversationId, isUserId } from './ids';

export interface TokenClaims {
  conversationId: string;
  userId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const MAX_TOKEN_LENGTH = 2048;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

const Payload = z.object({
  conv: z.string().refine(isConversationId),
  user: z.string().refine(isUserId),
  iat: z.number().int(),
  exp: z.number().int(),
});

export class TokenService {
  private readonly secret: Buffer;
  private readonly ttlSeconds: number;
  private readonly nowMs: () => number;

  constructor(secret: Buffer, ttlSeconds: number, nowMs: () => number = Date.now) {
    if (secret.length < 32) throw new Error('The Direct Line token secret must be at least 32 bytes.');
    this.secret = secret;
    this.ttlSeconds = ttlSeconds;
    this.nowMs = nowMs;
  }

  issue(conversationId: string, userId: string): IssuedToken {
    const iat = Math.floor(this.nowMs() / 1000);
    const payload = Buffer.from(JSON.stringify({ conv: conversationId, user: userId, iat, exp: iat + this.ttlSeconds })).toString('base64url');
    const signed = `${HEADER}.${payload}`;
    return { token: `${signed}.${this.sign(signed)}`, expiresIn: this.ttlSeconds };
  }

  verify(token: string): TokenCheck {
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p)) || parts[0] !== HEADER) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const payload = Payload.safeParse(decoded);
    if (!payload.success) return { ok: false, reason: 'malformed' };
    if (payload.data.exp * 1000 <= this.nowMs()) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { conversationId: payload.data.conv, userId: payload.data.user, exp: payload.data.exp } };
  }

  private sign(data: string): string {
    return crypto.createHmac('sha256', this.secret).update(data).digest('base64url');
  }
}
