/**
 * Direct Line streaming over WebSocket, as botframework-directlinejs uses it (webSocket: true): the
 * streamUrl of a start or resume, ActivitySets pushed the moment activities exist, empty keep-alive
 * messages, refusals on the upgrade, and the limits. Real HTTP server, real FerretDB, a `ws` client.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { StandbyNotices } from '../../src/channels/directline/standby';
import { seqOf, StreamClient } from './stream-client';
import { botMessages, call, DirectLineClient, startDirectLineServer, type ActivitySet, type DirectLineServer } from './support';

interface Started {
  conversationId: string;
  token: string;
  expires_in: number;
  streamUrl: string;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function refusedWith(url: string): Promise<{ status: number; code?: string; retryAfter?: string }> {
  try {
    const opened = await StreamClient.open(url);
    await opened.close();
  } catch (err) {
    const e = err as { status?: number; retryAfter?: string; body?: { error?: { code: string } } };
    if (e.status) return { status: e.status, code: e.body?.error?.code, retryAfter: e.retryAfter };
    throw err;
  }
  throw new Error('the stream was opened');
}

let server: DirectLineServer;
const opened: StreamClient[] = [];
beforeAll(async () => {
  server = await startDirectLineServer();
});
afterEach(async () => {
  server.streamReads.before = server.streamReads.after = undefined;
  await Promise.all(opened.splice(0).map((s) => (s.ws.readyState === WebSocket.CLOSED ? undefined : s.close())));
});
afterAll(async () => server.close());

async function startConversation(srv = server): Promise<{ client: DirectLineClient; started: Started }> {
  const client = new DirectLineClient(srv.api);
  expect((await client.generate()).status).toBe(200);
  const r = await call<Started>(`${srv.api}/conversations`, { method: 'POST', token: client.token, json: { user: {}, locale: 'en-US' } });
  expect(r.status).toBe(201);
  client.token = r.body.token;
  return { client, started: r.body };
}

async function openStream(url: string): Promise<StreamClient> {
  const stream = await StreamClient.open(url);
  opened.push(stream);
  return stream;
}

/** Every activity once, numbered 1, 2, 3…; each set's watermark is its last activity's number, rising. */
function expectGapFree(stream: StreamClient, from = 1): void {
  const seqs = stream.activities.map(seqOf);
  expect(seqs).toEqual(seqs.map((_, i) => i + from));
  const marks = stream.sets.map((s) => Number(s.watermark));
  expect(marks).toEqual(stream.sets.map((s) => seqOf(s.activities[s.activities.length - 1])));
  expect([...marks].sort((a, b) => a - b)).toEqual(marks);
  expect(new Set(marks).size).toBe(marks.length);
}

test('starting a conversation returns a streamUrl; the welcome and every reply are pushed, in order, without polling', async () => {
  const { client, started } = await startConversation();
  const port = new URL(server.baseUrl).port;
  expect(started.streamUrl).toBe(`ws://127.0.0.1:${port}/v3/directline/conversations/${started.conversationId}/stream?watermark=&t=${encodeURIComponent(started.token)}`);

  const stream = await openStream(started.streamUrl);
  await stream.until((a) => botMessages(a).includes('Welcome to the echo bot'));
  await client.say('hello');
  await stream.until((a) => botMessages(a).includes('Echo: hello'));
  await client.say('three');
  await stream.until((a) => botMessages(a).includes('part 3'));

  expect(stream.activities.map((a) => a.text)).toEqual(['Welcome to the echo bot', 'hello', 'Echo: hello', 'three', 'part 1', 'part 2', 'part 3']);
  expectGapFree(stream);
  // The same activities, ids and all, as a poll returns them.
  const polled = await call<ActivitySet>(`${server.api}/conversations/${client.conversationId}/activities`, { token: client.token });
  expect(stream.activities).toEqual(polled.body.activities);
  // The person's own message comes back with its clientActivityID: Web Chat marks it as sent.
  expect(stream.activities[1]).toMatchObject({ from: { id: client.userId, role: 'user' }, channelData: { clientActivityID: expect.stringMatching(/^c1-/) } });
});

test('a proactive message (a Helpdesk agent) is pushed to the open stream', async () => {
  const { client, started } = await startConversation();
  const stream = await openStream(started.streamUrl);
  await stream.until((a) => a.length === 1);
  await server.adapter.continueConversation({ conversation: { id: client.conversationId, isGroup: false, conversationType: '', name: '' }, channelId: 'directline' }, async (ctx) => {
    await ctx.sendActivity('An agent answers');
  });
  await stream.until((a) => botMessages(a).includes('An agent answers'));
  expectGapFree(stream);
});

test('resuming with a watermark gives a new streamUrl that sends only what follows it', async () => {
  const { client, started } = await startConversation();
  const first = await openStream(started.streamUrl);
  await first.until((a) => a.length === 1);
  await first.close();

  await client.say('while away');
  await server.adapter.drain();
  const resumed = await call<Started>(`${server.api}/conversations/${client.conversationId}?watermark=1`, { token: client.token });
  expect(resumed.status).toBe(200);
  expect(resumed.body.streamUrl).toMatch(new RegExp(`/conversations/${client.conversationId}/stream\\?watermark=1&t=`));
  expect(resumed.body.token).toEqual(expect.any(String));

  const again = await openStream(resumed.body.streamUrl);
  await again.until((a) => botMessages(a).includes('Echo: while away'));
  expect(again.activities.map((a) => a.text)).toEqual(['while away', 'Echo: while away']);
  expectGapFree(again, 2);
  // Live ones follow on the resumed stream.
  await client.say('back');
  await again.until((a) => botMessages(a).includes('Echo: back'));
  expectGapFree(again, 2);

  // A watermark that is not a number is refused, as on the activities endpoint.
  expect((await call(`${server.api}/conversations/${client.conversationId}?watermark=abc`, { token: client.token })).status).toBe(400);
});

test('a missing, wrong, expired, other-conversation or other-user token is refused on the upgrade; the server goes on', async () => {
  const { client, started } = await startConversation();
  const other = await startConversation();
  const streamPath = (id: string, token?: string, watermark = '') => `${server.baseUrl.replace('http', 'ws')}/v3/directline/conversations/${id}/stream?watermark=${watermark}${token === undefined ? '' : `&t=${encodeURIComponent(token)}`}`;
  const expired = server.tokensAt(Date.now() - 3600_000).issue(client.conversationId, client.userId).token;
  const otherUser = server.tokensAt(Date.now()).issue(client.conversationId, `dl_${crypto.randomBytes(16).toString('base64url')}`).token;
  const notStarted = new DirectLineClient(server.api);
  await notStarted.generate();
  const tampered = started.token.slice(0, -4) + (started.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');

  expect(await refusedWith(streamPath(client.conversationId))).toEqual({ status: 401, code: 'missing_token' });
  expect(await refusedWith(streamPath(client.conversationId, 'not-a-token'))).toEqual({ status: 403, code: 'invalid_token' });
  expect(await refusedWith(streamPath(client.conversationId, tampered))).toEqual({ status: 403, code: 'invalid_token' });
  expect(await refusedWith(streamPath(client.conversationId, expired))).toEqual({ status: 403, code: 'token_expired' });
  expect(await refusedWith(streamPath(client.conversationId, other.started.token))).toEqual({ status: 403, code: 'wrong_conversation' });
  expect(await refusedWith(streamPath(client.conversationId, otherUser))).toEqual({ status: 403, code: 'wrong_user' });
  expect(await refusedWith(streamPath(notStarted.conversationId, notStarted.token))).toEqual({ status: 404, code: 'conversation_not_found' });
  expect(await refusedWith(streamPath(client.conversationId, started.token, '1x'))).toEqual({ status: 400, code: 'invalid_watermark' });
  expect(await refusedWith(`${server.baseUrl.replace('http', 'ws')}/v3/directline/conversations/${client.conversationId}/activities?t=${started.token}`)).toEqual({ status: 404, code: 'not_found' });

  // Not a WebSocket handshake at all, on the stream path: an HTTP error, no crash.
  const plain = await call(streamPath(client.conversationId, started.token).replace('ws', 'http'));
  expect(plain.status).toBe(404); // express has no such route; only upgrades reach the stream

  const stream = await openStream(started.streamUrl);
  await stream.until((a) => a.length === 1);
  expect(server.logLines.join('\n')).not.toContain(started.token);
});

test('an activity appended while the stream opens is sent once: neither lost nor duplicated', async () => {
  const { client, started } = await startConversation();
  await server.adapter.drain(); // the welcome is stored: 1
  const id = client.conversationId;
  const bot = { from: { id: 'boussole', role: 'bot' }, conversation: { id }, channelId: 'directline' };
  // Appended after the subscription and before the read: in the read and announced live.
  server.streamReads.before = async (c) => {
    if (c !== id) return;
    server.streamReads.before = undefined;
    await server.store.appendActivities(id, [{ type: 'message', text: 'before the read', ...bot }]);
  };
  // Appended once the read is done, before it is sent: announced only.
  server.streamReads.after = async (c) => {
    if (c !== id) return;
    server.streamReads.after = undefined;
    await server.store.appendActivities(id, [{ type: 'message', text: 'after the read', ...bot }]);
  };
  const stream = await openStream(started.streamUrl);
  await stream.until((a) => a.some((x) => x.text === 'after the read'));
  await wait(200);
  expect(stream.activities.map((a) => a.text)).toEqual(['Welcome to the echo bot', 'before the read', 'after the read']);
  expectGapFree(stream);
});

test('messages posted while streams open and close get every activity once, as the log has them', async () => {
  const { client, started } = await startConversation();
  const words = Array.from({ length: 8 }, (_, i) => `m${i}`);
  const posting = (async () => {
    for (const w of words) {
      await client.say(w);
      await wait(5);
    }
  })();
  const early = await openStream(started.streamUrl);
  await wait(30);
  const late = await openStream(started.streamUrl);
  await posting;
  await server.adapter.drain();
  const log = (await call<ActivitySet>(`${server.api}/conversations/${client.conversationId}/activities`, { token: client.token })).body.activities;
  expect(log).toHaveLength(1 + 2 * words.length);
  for (const stream of [early, late]) {
    await stream.until((a) => a.length === log.length);
    await wait(100);
    expect(stream.activities).toEqual(log);
    expectGapFree(stream);
  }
});

test('an activity kept in memory while the database is down is pushed at once, the watermark unchanged', async () => {
  const { client, started } = await startConversation();
  const stream = await openStream(started.streamUrl);
  await stream.until((a) => a.length === 1);
  const notices = new StandbyNotices(Date.now, (conversationId, added) => server.feed.standby(conversationId, added));
  const [id] = notices.add(client.conversationId, [{ type: 'message', text: 'kept from memory', from: { id: 'boussole', role: 'bot' } }]);
  await stream.until((a) => a.some((x) => x.text === 'kept from memory'));
  expect(stream.sets[stream.sets.length - 1]).toEqual({ activities: [expect.objectContaining({ id, text: 'kept from memory', channelData: { standbyId: expect.stringMatching(/^standby-/) } })], watermark: '1' });
  // Stored activities go on from there.
  await client.say('after');
  await stream.until((a) => botMessages(a).includes('Echo: after'));
  expect(stream.activities.filter((a) => !a.id.includes('standby')).map(seqOf)).toEqual([1, 2, 3]);
});

test('a read of the log that fails closes the stream with 1011 (the client resumes), logged without text', async () => {
  const { client, started } = await startConversation();
  server.streamReads.before = async (c) => {
    if (c !== client.conversationId) return;
    server.streamReads.before = undefined;
    throw new Error('read failed for "secret words"');
  };
  const stream = await openStream(started.streamUrl);
  await expect(stream.closed).resolves.toEqual({ code: 1011, reason: 'server_error' });
  const logged = server.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'directline.stream.read_failed');
  expect(logged).toMatchObject({ level: 'error', conversationId: client.conversationId, errorName: 'Error' });
  expect(server.logLines.join('\n')).not.toContain('secret words');
  const again = await openStream(started.streamUrl);
  await again.until((a) => a.length === 1);
});

test('streams of one conversation are bounded: a new one closes the oldest ("collision")', async () => {
  const { started } = await startConversation();
  const before = server.stream.open;
  const streams: StreamClient[] = [];
  for (let i = 0; i < 5; i++) streams.push(await openStream(started.streamUrl));
  await expect(streams[0].closed).resolves.toEqual({ code: 1008, reason: 'collision' });
  await expect(streams[1].closed).resolves.toEqual({ code: 1008, reason: 'collision' });
  expect(server.stream.open - before).toBe(3);
  for (const s of streams.slice(2)) expect(s.ws.readyState).toBe(WebSocket.OPEN);
});

test('ending the conversation closes its streams (the client then learns it has ended)', async () => {
  const { client, started } = await startConversation();
  const stream = await openStream(started.streamUrl);
  await stream.until((a) => a.length === 1);
  await server.store.eraseConversation(client.conversationId, { end: true });
  await expect(stream.closed).resolves.toEqual({ code: 1000, reason: 'conversation_ended' });
  expect((await call(`${server.api}/conversations/${client.conversationId}?watermark=1`, { token: client.token })).status).toBe(404);
});

test('what a client sends is size- and rate-limited; empty keep-alives are fine', async () => {
  const { started } = await startConversation();
  const calm = await openStream(started.streamUrl);
  for (let i = 0; i < 5; i++) calm.ws.send('');
  const big = await openStream(started.streamUrl);
  big.ws.send('x'.repeat(2048));
  await expect(big.closed).resolves.toMatchObject({ code: 1009 });
  const chatty = await openStream(started.streamUrl);
  for (let i = 0; i < 40; i++) chatty.ws.send('');
  await expect(chatty.closed).resolves.toEqual({ code: 1008, reason: 'too_many_messages' });
  expect(calm.ws.readyState).toBe(WebSocket.OPEN);
});

describe('limits of the whole server', () => {
  let small: DirectLineServer;
  beforeAll(async () => {
    small = await startDirectLineServer({ streamLimits: { maxStreams: 2, heartbeatMs: 150 } });
  });
  afterAll(async () => small.close());

  test('open streams are bounded: one more is refused with 503 and Retry-After, until one closes', async () => {
    const a = await startConversation(small);
    const b = await startConversation(small);
    const c = await startConversation(small);
    const first = await StreamClient.open(a.started.streamUrl);
    const second = await StreamClient.open(b.started.streamUrl);
    expect(await refusedWith(c.started.streamUrl)).toEqual({ status: 503, code: 'too_many_streams', retryAfter: '30' });
    await first.close();
    const third = await StreamClient.open(c.started.streamUrl);
    await third.until((x) => x.length === 1);
    await Promise.all([second.close(), third.close()]);
  });

  test('keep-alives are empty messages; a peer that never answers pings is dropped', async () => {
    const { started } = await startConversation(small);
    const live = await StreamClient.open(started.streamUrl);
    await wait(600);
    expect(live.keepAlives).toBeGreaterThanOrEqual(2);
    expect(live.ws.readyState).toBe(WebSocket.OPEN); // the ws client answers pings

    // A raw upgraded socket that reads nothing and never answers.
    const url = new URL(started.streamUrl.replace('ws', 'http'));
    const socket = await new Promise<Socket>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64') } });
      req.on('upgrade', (_res, s) => resolve(s));
      req.on('error', reject);
      req.end();
    });
    const gone = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    expect(small.stream.open).toBe(2);
    await gone;
    for (let i = 0; i < 100 && small.stream.open !== 1; i++) await wait(10); // the server's side of the close
    expect(small.stream.open).toBe(1);
    await live.close();
  });

  test('a stream closes when its token expires (the client resumes with its refreshed token)', async () => {
    const { client } = await startConversation(small);
    const shortLived = small.tokensAt(Date.now() - (1800 - 2) * 1000).issue(client.conversationId, client.userId).token;
    const stream = await StreamClient.open(`${small.baseUrl.replace('http', 'ws')}/v3/directline/conversations/${client.conversationId}/stream?t=${shortLived}`);
    await expect(stream.closed).resolves.toEqual({ code: 1008, reason: 'token_expired' });
  });
});
