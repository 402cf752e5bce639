/**
 * Rate limits: per conversation and per client address, on Direct Line and /api/messages; polling is
 * counted apart from posting; 429 with Retry-After and the channel's JSON error; bounded memory.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { loadConfig } from '../../src/config/config';
import { silentLogger } from '../../src/logging/logger';
import { botEndpoint, createCloudAdapter } from '../../src/server/bot-endpoint';
import { addressKey, take, TokenBuckets } from '../../src/server/rate-limit';
import { call, DirectLineClient, startDirectLineServer, type DirectLineServer } from './support';

describe('token buckets', () => {
  let clock = 0;
  const now = () => clock;

  test('a burst of half a minute’s worth, then one more every 60/N seconds; Retry-After says when', () => {
    const b = new TokenBuckets(60, now); // 1 a second, bursts of 30
    for (let i = 0; i < 30; i++) expect(take([[b, 'k']])).toBe(0);
    expect(take([[b, 'k']])).toBe(1);
    clock += 500;
    expect(take([[b, 'k']])).toBe(1);
    clock += 501;
    expect(take([[b, 'k']])).toBe(0);
    const slow = new TokenBuckets(6, now); // one every 10 s, bursts of 3
    for (let i = 0; i < 3; i++) take([[slow, 'x']]);
    expect(take([[slow, 'x'], [b, 'k']])).toBe(10); // the longest wait of the refusing buckets
  });

  test('all or nothing: a refused request spends no token of the other bucket; 0 per minute is no limit', () => {
    const conversation = new TokenBuckets(2, now); // burst 1
    const address = new TokenBuckets(4, now); // burst 2
    expect(take([[conversation, 'c1'], [address, 'a']])).toBe(0);
    expect(take([[conversation, 'c1'], [address, 'a']])).toBe(30);
    expect(take([[conversation, 'c2'], [address, 'a']])).toBe(0); // the address still had its second token
    expect(take([[new TokenBuckets(0, now), 'k'], [conversation, undefined]])).toBe(0);
  });

  test('memory stays bounded: idle buckets are forgotten, and there are never more than the cap', () => {
    const b = new TokenBuckets(60, now, 1000);
    for (let i = 0; i < 5000; i++) take([[b, `addr-${i}`]]);
    expect(b.size).toBe(1000);
    clock += 30_000; // long enough for every bucket to be full again
    take([[b, 'fresh']]);
    expect(b.size).toBe(1);
  });

  test('addresses: IPv4 as is (also IPv4-mapped), IPv6 by /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:aa:bb:1:2:3:4')).toBe('2001:db8:aa:bb::/64');
    expect(addressKey('2001:db8:aa:bb::9')).toBe(addressKey('2001:0db8:00aa:00bb:ffff::1'));
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});

describe('Direct Line', () => {
  let server: DirectLineServer;
  beforeAll(async () => {
    // Per conversation: 3 messages then 1 every 10 s, 10 polls then 1 every 3 s; per address: 10 requests other than polls.
    server = await startDirectLineServer({ limits: { RATE_LIMIT_MESSAGES_PER_MINUTE: 6, RATE_LIMIT_POLLS_PER_MINUTE: 20, RATE_LIMIT_ADDRESS_MESSAGES_PER_MINUTE: 20, RATE_LIMIT_ADDRESS_POLLS_PER_MINUTE: 0 } });
  });
  afterAll(async () => server.close());

  test('a conversation posting too fast gets 429 with Retry-After and the Direct Line error; it may still poll; another conversation may post', async () => {
    const a = new DirectLineClient(server.api);
    await a.generate();
    await a.start();
    for (const text of ['one', 'two', 'three']) expect((await a.say(text)).status).toBe(200);
    const refused = await fetch(`${server.api}/conversations/${a.conversationId}/activities`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${a.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'four', from: { id: a.userId } }),
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await refused.json()).toEqual({ error: { code: 'too_many_requests', message: expect.any(String) } });

    expect((await a.poll()).status).toBe(200); // reading is counted apart
    const b = new DirectLineClient(server.api);
    await b.generate();
    await b.start();
    expect((await b.say('hello')).status).toBe(200);
    const stored = await server.repository.listActivities(a.conversationId, 0, 100);
    expect(stored.filter((s) => (s.activity.from as { role?: string }).role === 'user').map((s) => s.activity.text)).toEqual(['one', 'two', 'three']);
  });

  test('polling has its own, larger allowance per conversation', async () => {
    const c = new DirectLineClient(server.api);
    await c.generate();
    await c.start();
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await c.poll()).status);
    expect(statuses).toEqual(Array(10).fill(200));
    const r = await fetch(`${server.api}/conversations/${c.conversationId}/activities`, { headers: { Authorization: `Bearer ${c.token}` } });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('3');
  });

  test('one address opening conversations too fast gets 429 (per address, all conversations together)', async () => {
    let status = 200;
    for (let i = 0; i < 20 && status === 200; i++) status = (await call(`${server.api}/tokens/generate`, { method: 'POST' })).status;
    expect(status).toBe(429);
  });
});

describe('/api/messages', () => {
  test('one conversation sending too fast gets 429 with Retry-After and the endpoint’s JSON error', async () => {
    const cfg = loadConfig({ RATE_LIMIT_MESSAGES_PER_MINUTE: '4' }); // bursts of 2
    const app = express();
    app.use(botEndpoint({ cfg, adapter: createCloudAdapter(cfg, silentLogger), bot: { run: async () => undefined }, track: (p) => p }));
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
    const activity = (conversation: string) => ({ type: 'message', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9/', from: { id: 'u' }, recipient: { id: 'b' }, conversation: { id: conversation }, text: 'bonjour' });
    try {
      // The channel is off in this configuration (503): what counts here is what comes first.
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(url, { method: 'POST', json: activity('c-1') })).status);
      expect(statuses).toEqual([503, 503, 429]);
      const refused = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(activity('c-1')) });
      expect(refused.headers.get('retry-after')).toBe('15');
      expect(await refused.json()).toEqual({ error: { code: 'too_many_requests', message: expect.any(String) } });
      expect((await call(url, { method: 'POST', json: activity('c-2') })).status).toBe(503); // another conversation is not held back
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
