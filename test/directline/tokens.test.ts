import crypto from 'node:crypto';
import { TokenService } from '../../src/channels/directline/tokens';

const secret = crypto.randomBytes(32);
const CONV = 'conversation000000001';
const USER = 'dl_user00000000000001';
const T0 = Date.UTC(2025, 0, 1);

test('a token carries its conversation, user and expiry, readable by Web Chat as a JWT', () => {
  const issued = new TokenService(secret, 600, () => T0).issue(CONV, USER);
  expect(issued.expiresIn).toBe(600);
  const [header, payload] = issued.token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>);
  expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
  expect(payload).toMatchObject({ conv: CONV, user: USER, exp: T0 / 1000 + 600 });
  expect(new TokenService(secret, 600, () => T0 + 599_000).verify(issued.token)).toEqual({ ok: true, claims: { conversationId: CONV, userId: USER, exp: T0 / 1000 + 600 } });
});

const good = new TokenService(secret, 600, () => T0).issue(CONV, USER).token;
const [h, p, s] = good.split('.');
const reencode = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

test.each([
  ['expired (at the exact expiry second)', good, T0 + 600_000, 'expired'],
  ['signed with another secret', new TokenService(crypto.randomBytes(32), 600, () => T0).issue(CONV, USER).token, T0, 'bad_signature'],
  ['payload changed', `${h}.${reencode({ conv: CONV, user: 'dl_other0000000000000001', iat: T0 / 1000, exp: T0 / 1000 + 600 })}.${s}`, T0, 'bad_signature'],
  ['signature cut short', `${h}.${p}.${s.slice(0, 10)}`, T0, 'bad_signature'],
  ['alg none', `${reencode({ alg: 'none', typ: 'JWT' })}.${p}.`, T0, 'malformed'],
  ['two parts', `${h}.${p}`, T0, 'malformed'],
  ['not base64url', `${h}.${p}.${s}!`, T0, 'malformed'],
  ['very long', `${h}.${'a'.repeat(5000)}.${s}`, T0, 'malformed'],
  ['empty', '', T0, 'malformed'],
])('a token %s is refused', (_name, token, now, reason) => {
  expect(new TokenService(secret, 600, () => now).verify(token)).toEqual({ ok: false, reason });
});

test('a correctly signed token with invalid claims is refused', () => {
  const signer = (data: string) => crypto.createHmac('sha256', secret).update(data).digest('base64url');
  const body = reencode({ conv: 'short', user: USER, iat: 0, exp: T0 / 1000 + 600 });
  expect(new TokenService(secret, 600, () => T0).verify(`${h}.${body}.${signer(`${h}.${body}`)}`)).toEqual({ ok: false, reason: 'malformed' });
});

test('a secret shorter than 32 bytes is refused', () => {
  expect(() => new TokenService(Buffer.alloc(16), 600)).toThrow(/32 bytes/);
});
