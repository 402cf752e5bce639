/**
 * Bad requests get a 4xx with `{ error: { code, message } }`, never a 500 and never a crash.
 */
import crypto from 'node:crypto';
import { TokenService } from '../../src/channels/directline/tokens';
import { MAX_JSON_DEPTH } from '../../src/server/json-depth';
import { call, DirectLineClient, startDirectLineServer, TEST_CONFIG, type DirectLineServer } from './support';

let server: DirectLineServer;
/** a and b: started conversations; unstarted: a token whose conversation was never started. */
let a: DirectLineClient;
let b: DirectLineClient;
let unstarted: DirectLineClient;
let expiredToken: string;
let foreignToken: string;
let tamperedToken: string;

beforeAll(async () => {
  server = await startDirectLineServer();
  a = new DirectLineClient(server.api);
  b = new DirectLineClient(server.api);
  unstarted = new DirectLineClient(server.api);
  for (const c of [a, b, unstarted]) await c.generate();
  await a.start();
  await b.start();
  expiredToken = server.tokensAt(Date.now() - 2 * 3600 * 1000).issue(a.conversationId, a.userId).token;
  foreignToken = new TokenService(crypto.randomBytes(32), 1800).issue(a.conversationId, a.userId).token;
  const [h, p, s] = a.token.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  tamperedToken = [h, Buffer.from(JSON.stringify({ ...claims, conv: b.conversationId })).toString('base64url'), s].join('.');
});
afterAll(async () => server.close());

interface Case {
  name: string;
  method: 'GET' | 'POST';
  path: () => string;
  token?: () => string | undefined;
  headers?: Record<string, string>;
  body?: () => string | undefined;
  status: number;
  code: string;
}

const activities = () => `/conversations/${a.conversationId}/activities`;
const msg = (extra: Record<string, unknown> = {}) => () => JSON.stringify({ type: 'message', text: 'hi', from: { id: a.userId }, ...extra });
const tokenA = () => a.token;
/** An object `levels` deep: `{"a":{"a":…{}}}`; in an activity's `value` it is `levels + 1` deep. */
const nested = (levels: number): unknown => Array.from({ length: levels - 1 }).reduce<unknown>((inner) => ({ a: inner }), {});
const json = { 'Content-Type': 'application/json' };

const cases: Case[] = [
  { name: 'malformed JSON activity', method: 'POST', path: activities, token: tokenA, headers: json, body: () => '{"type": "message", ', status: 400, code: 'malformed_json' },
  { name: 'malformed JSON start', method: 'POST', path: () => '/conversations', token: tokenA, headers: json, body: () => '{user', status: 400, code: 'malformed_json' },
  { name: 'a JSON string instead of an object', method: 'POST', path: activities, token: tokenA, headers: json, body: () => '"message"', status: 400, code: 'malformed_json' },
  { name: 'an array instead of an activity', method: 'POST', path: activities, token: tokenA, headers: json, body: () => '[]', status: 400, code: 'invalid_activity' },
  { name: 'oversized body (40 kB)', method: 'POST', path: activities, token: tokenA, headers: json, body: msg({ text: 'x'.repeat(40 * 1024) }), status: 413, code: 'payload_too_large' },
  { name: 'text longer than MAX_MESSAGE_CHARS', method: 'POST', path: activities, token: tokenA, headers: json, body: msg({ text: 'x'.repeat(TEST_CONFIG.MAX_MESSAGE_CHARS + 1) }), status: 400, code: 'invalid_activity' },
  { name: 'missing type', method: 'POST', path: activities, token: tokenA, headers: json, body: () => JSON.stringify({ text: 'hi', from: { id: a.userId } }), status: 400, code: 'invalid_activity' },
  { name: 'type of the wrong kind', method: 'POST', path: activities, token: tokenA, headers: json, body: msg({ type: 42 }), status: 400, code: 'invalid_activity' },
  { name: 'a type users may not send', method: 'POST', path: activities, token: tokenA, headers: json, body: msg({ type: 'conversationUpdate' }), status: 400, code: 'invalid_activity' },
  { name: 'text that is not a string', method: 'POST', path: activities, token: tokenA, headers: json, body: msg({ text: { $gt: '' } }), status: 400, code: 'invalid_activity' },
  { name: 'missing from', method: 'POST', path: activities, token: tokenA, headers: json, body: () => JSON.stringify({ type: 'message', text: 'hi' }), status: 400, code: 'invalid_activity' },
  { name: 'an invalid locale', method: 'POST', path: activities, token: tokenA, headers: json, body: msg({ locale: 'fr_FR;drop' }), status: 400, code: 'invalid_activity' },
  { name: 'from.id of someone else', method: 'POST', path: activities, token: tokenA, headers: json, body: msg({ from: { id: 'dl_someoneElse12345678' } }), status: 403, code: 'wrong_user' },
  { name: 'attachments', method: 'POST', path: activities, token: tokenA, headers: json, body: msg({ attachments: [{ contentType: 'image/png', contentUrl: 'blob:x' }] }), status: 400, code: 'attachments_not_accepted' },
  { name: 'JSON nested 5,000 deep in the value', method: 'POST', path: activities, token: tokenA, headers: json, body: () => `{"type":"message","text":"hi","from":{"id":"${a.userId}"},"value":${'['.repeat(5000)}${']'.repeat(5000)}}`, status: 400, code: 'json_too_deep' },
  { name: 'JSON nested one level deeper than allowed', method: 'POST', path: activities, token: tokenA, headers: json, body: msg({ value: nested(MAX_JSON_DEPTH) }), status: 400, code: 'json_too_deep' },
  { name: 'a token request nested 5,000 deep', method: 'POST', path: () => '/tokens/generate', headers: json, body: () => `{"user":{"id":${'['.repeat(5000)}${']'.repeat(5000)}}}`, status: 400, code: 'json_too_deep' },
  { name: 'a text/plain body', method: 'POST', path: activities, token: tokenA, headers: { 'Content-Type': 'text/plain' }, body: msg(), status: 415, code: 'unsupported_media_type' },
  { name: 'an upload', method: 'POST', path: () => `/conversations/${a.conversationId}/upload?userId=${a.userId}`, token: tokenA, headers: { 'Content-Type': 'multipart/form-data; boundary=x' }, body: () => '--x\r\n\r\nfile\r\n--x--', status: 400, code: 'uploads_not_accepted' },
  { name: 'no Authorization header', method: 'GET', path: activities, status: 401, code: 'missing_token' },
  { name: 'a Basic Authorization header', method: 'GET', path: activities, headers: { Authorization: 'Basic dXNlcjpwYXNz' }, status: 401, code: 'missing_token' },
  { name: 'a garbage token', method: 'GET', path: activities, token: () => 'not-a-token', status: 403, code: 'invalid_token' },
  { name: 'a token with a changed payload', method: 'GET', path: () => `/conversations/${b.conversationId}/activities`, token: () => tamperedToken, status: 403, code: 'invalid_token' },
  { name: 'a token signed with another secret', method: 'GET', path: activities, token: () => foreignToken, status: 403, code: 'invalid_token' },
  { name: 'an "alg: none" token', method: 'GET', path: activities, token: () => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${a.token.split('.')[1]}.`, status: 403, code: 'invalid_token' },
  { name: 'an expired token (poll)', method: 'GET', path: activities, token: () => expiredToken, status: 403, code: 'token_expired' },
  { name: 'an expired token (post)', method: 'POST', path: activities, token: () => expiredToken, headers: json, body: msg(), status: 403, code: 'token_expired' },
  { name: 'an expired token (refresh)', method: 'POST', path: () => '/tokens/refresh', token: () => expiredToken, status: 403, code: 'token_expired' },
  { name: 'the token of another conversation (poll)', method: 'GET', path: () => `/conversations/${b.conversationId}/activities`, token: tokenA, status: 403, code: 'wrong_conversation' },
  { name: 'the token of another conversation (post)', method: 'POST', path: () => `/conversations/${b.conversationId}/activities`, token: tokenA, headers: json, body: msg(), status: 403, code: 'wrong_conversation' },
  { name: 'the token of another conversation (resume)', method: 'GET', path: () => `/conversations/${b.conversationId}`, token: tokenA, status: 403, code: 'wrong_conversation' },
  { name: 'an unknown conversation id', method: 'GET', path: () => '/conversations/doesNotExist0000000000/activities', token: tokenA, status: 403, code: 'wrong_conversation' },
  { name: 'a conversation never started (poll)', method: 'GET', path: () => `/conversations/${unstarted.conversationId}/activities`, token: () => unstarted.token, status: 404, code: 'conversation_not_found' },
  { name: 'a conversation never started (resume)', method: 'GET', path: () => `/conversations/${unstarted.conversationId}`, token: () => unstarted.token, status: 404, code: 'conversation_not_found' },
  { name: 'a watermark that is not a number', method: 'GET', path: () => `${activities()}?watermark=abc`, token: tokenA, status: 400, code: 'invalid_watermark' },
  { name: 'a repeated watermark', method: 'GET', path: () => `${activities()}?watermark=1&watermark=2`, token: tokenA, status: 400, code: 'invalid_watermark' },
  { name: 'a start with another user id', method: 'POST', path: () => '/conversations', token: tokenA, headers: json, body: () => JSON.stringify({ user: { id: 'dl_intruder000000000000' } }), status: 403, code: 'wrong_user' },
  { name: 'a start with an invalid locale', method: 'POST', path: () => '/conversations', token: tokenA, headers: json, body: () => JSON.stringify({ locale: 42 }), status: 400, code: 'invalid_request' },
  { name: 'a token request with a non-object user', method: 'POST', path: () => '/tokens/generate', headers: json, body: () => JSON.stringify({ user: 5 }), status: 400, code: 'invalid_request' },
  { name: 'an unknown endpoint', method: 'GET', path: () => '/nothing/here', status: 404, code: 'not_found' },
  { name: 'GET on a POST-only endpoint', method: 'GET', path: () => '/tokens/generate', status: 404, code: 'not_found' },
];

test.each(cases)('$name → $status $code', async (c) => {
  const r = await call<{ error: { code: string; message: string } }>(`${server.api}${c.path()}`, { method: c.method, token: c.token?.(), headers: c.headers, body: c.body?.() });
  expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: c.status, code: c.code });
  expect(r.contentType).toMatch(/^application\/json/);
  expect(r.body).toEqual({ error: { code: c.code, message: expect.any(String) } });
});

test('nothing of the refused requests reached the conversation, and the server still works', async () => {
  const r = await call<{ activities: { text?: string }[] }>(`${server.api}${activities()}`, { token: a.token });
  expect(r.status).toBe(200);
  expect(r.body.activities.map((x) => x.text)).toEqual(['Welcome to the echo bot']);
  expect((await a.say('ok')).status).toBe(200);
});

test('a value nested as deep as allowed is accepted', async () => {
  const r = await a.say('deep', { value: nested(MAX_JSON_DEPTH - 1) });
  expect(r.status).toBe(200);
  await a.pollUntil((seen) => seen.some((x) => x.text === 'Echo: deep'));
});

test.each([
  ['no body', undefined, /^dl_[A-Za-z0-9_-]{16,}$/],
  ['an invalid user id', JSON.stringify({ user: { id: 'admin' } }), /^dl_[A-Za-z0-9_-]{16,}$/],
  ['a valid user id', JSON.stringify({ user: { id: 'dl_keptUserId1234567890' } }), /^dl_keptUserId1234567890$/],
])('a token request with %s gets a fresh conversation and a dl_ user id', async (_name, body, userId) => {
  const r = await call<{ conversationId: string; token: string }>(`${server.api}/tokens/generate`, { method: 'POST', body, headers: body ? json : {} });
  expect(r.status).toBe(200);
  const claims = JSON.parse(Buffer.from(r.body.token.split('.')[1], 'base64url').toString('utf8')) as { user: string; conv: string };
  expect(claims.user).toMatch(userId);
  expect(claims.conv).toBe(r.body.conversationId);
  expect([a.conversationId, b.conversationId]).not.toContain(r.body.conversationId);
});
