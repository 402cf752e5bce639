/**
 * The webhook with a small echo bot on the test database and the fake Graph API: verification,
 * signatures, hostile bodies, duplicate deliveries, a restart between acknowledgement and answer,
 * retries of the Graph API, and logs that never hold the number or the text.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ActivityHandler, MessageFactory } from 'botbuilder';
import { loadConfig } from '../../src/config/config';
import { createI18n } from '../../src/i18n/i18n';
import { createLogger } from '../../src/logging/logger';
import { storeLayout } from '../../src/repositories/store-layout';
import { createWhatsApp, type WhatsApp, type WhatsAppDeps } from '../../src/channels/whatsapp';
import { safetyCheck } from '../../src/app/safety';
import { emergencyReplies } from '../../src/app/standby-replies';
import { StorageWatch } from '../../src/db/storage-watch';
import { openTestDb, type TestDb } from '../support/db';
import { ACCESS_TOKEN, APP_SECRET, FakeGraph, PHONE_NUMBER_ID, sign, VERIFY_TOKEN, webhookBody, WhatsAppPerson } from './fake-graph';

class EchoBot extends ActivityHandler {
  /** While set, turns wait for it (a process that stops before answering). */
  hold?: Promise<void>;
  /** While set, a turn stops after sending this many replies, its inbox entry left (a process that dies right after answering). */
  dieAfter?: { replies: number; until: Promise<void> };
  constructor() {
    super();
    this.onMessage(async (ctx, next) => {
      if (this.hold) await this.hold;
      const text = ctx.activity.text ?? '';
      // "two …" is answered with two messages.
      const replies =
        text === 'menu'
          ? [{ ...MessageFactory.suggestedActions(['Oui', 'Non'], 'Choisissez'), locale: 'fr' }]
          : text === 'many'
            ? [{ ...MessageFactory.suggestedActions(Array.from({ length: 12 }, (_, i) => `Choix ${i + 1}`), 'Lequel ?'), locale: 'fr' }]
            : text.startsWith('two ')
              ? [1, 2].map((n) => ({ ...MessageFactory.text(`Echo ${n}: ${text.slice(4)}`), locale: 'fr' }))
              : [{ ...MessageFactory.text(`Echo: ${text}`), locale: 'fr' }];
      for (const [i, reply] of replies.entries()) {
        await ctx.sendActivity(reply);
        if (this.dieAfter && i + 1 >= this.dieAfter.replies) {
          await this.dieAfter.until;
          return;
        }
      }
      await next();
    });
  }
}

let testDb: TestDb;
let graph: FakeGraph;
const logLines: string[] = [];
const log = createLogger('debug', {}, (l) => logLines.push(l));
const { t } = createI18n();
const env = () => ({ WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID, WHATSAPP_GRAPH_URL: graph.url });

interface Instance {
  wa: WhatsApp;
  bot: EchoBot;
  url: string;
  server: http.Server;
}
const instances: Instance[] = [];

async function startInstance(bot = new EchoBot(), extra: Pick<WhatsAppDeps, 'guard' | 'emergency'> = {}): Promise<Instance> {
  const wa = (await createWhatsApp({ cfg: loadConfig(env()), db: testDb.db, layout: await storeLayout(testDb.db), bot, t, log, instanceId: crypto.randomBytes(6).toString('hex'), soleInstance: true, client: { baseDelayMs: 5 }, ...extra }))!;
  const app = express();
  app.use('/webhooks/whatsapp', wa.router);
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const inst = { wa, bot, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp` };
  instances.push(inst);
  return inst;
}

async function stop(inst: Instance): Promise<void> {
  await new Promise<void>((r) => {
    inst.server.close(() => r());
    inst.server.closeAllConnections();
  });
}

let main: Instance;
beforeAll(async () => {
  testDb = await openTestDb();
  graph = await new FakeGraph().start();
  main = await startInstance();
});
afterAll(async () => {
  for (const i of instances) {
    await stop(i).catch(() => undefined);
    i.bot.hold = undefined;
  }
  await Promise.all(instances.map((i) => i.wa.close()));
  await graph.close();
  await testDb.close();
});
afterEach(() => {
  expect(graph.violations).toEqual([]);
});

const number = () => `3247${crypto.randomInt(1000000, 9999999)}`;

test('the channel is off unless the four settings are set', async () => {
  const cfg = loadConfig({ ...env(), WHATSAPP_ACCESS_TOKEN: '' });
  expect(await createWhatsApp({ cfg, db: testDb.db, layout: await storeLayout(testDb.db), bot: new EchoBot(), t, log, instanceId: 'x', soleInstance: true })).toBeUndefined();
});

test.each<[string, Record<string, string>, number, string | null]>([
  ['the right token', { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' }, 200, '1158201444'],
  ['a wrong token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1158201444' }, 403, null],
  ['no token', { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444' }, 403, null],
  ['another mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' }, 403, null],
  ['a challenge with markup', { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '<script>' }, 403, null],
])('verification with %s', async (_name, query, status, body) => {
  const res = await fetch(`${main.url}?${new URLSearchParams(query).toString()}`);
  expect(res.status).toBe(status);
  if (body) {
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(body);
  }
});

test('a token given twice (an array) is refused, not a 500', async () => {
  const res = await fetch(`${main.url}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.verify_token=x&hub.challenge=1`);
  expect(res.status).toBe(403);
});

test.each<[string, (raw: string) => Record<string, string>]>([
  ['no signature', () => ({})],
  ['a signature with another secret', (raw) => ({ 'X-Hub-Signature-256': sign(raw, 'not-the-secret') })],
  ['a signature of another body', (raw) => ({ 'X-Hub-Signature-256': sign(raw + ' ') })],
  ['a truncated signature', (raw) => ({ 'X-Hub-Signature-256': sign(raw).slice(0, 40) })],
  ['sha1 instead of sha256', (raw) => ({ 'X-Hub-Signature-256': `sha1=${crypto.createHmac('sha1', APP_SECRET).update(raw).digest('hex')}` })],
])('a POST with %s: 401 and nothing processed', async (_name, headers) => {
  const to = number();
  const raw = JSON.stringify(webhookBody(to, [{ type: 'text', text: { body: 'bonjour' } }]));
  const res = await fetch(main.url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers(raw) }, body: raw });
  expect(res.status).toBe(401);
  await new Promise((r) => setTimeout(r, 300));
  expect(graph.to(to)).toEqual([]);
});

test.each<[string, string, number]>([
  ['malformed JSON', '{"object": "whatsapp_business_account", ', 400],
  ['a JSON array', '[1,2,3]', 200],
  ['an unknown object', JSON.stringify({ object: 'page', entry: [] }), 200],
  ['an operator as the sender', JSON.stringify(webhookBody('x', [{ type: 'text', text: { body: 'hi' } }])).replace('"from":"x"', '"from":{"$gt":""}'), 200],
  ['an operator as the message id', JSON.stringify(webhookBody('32470000001', [{ type: 'text', text: { body: 'hi' }, id: { $ne: null } }])), 200],
  ['deep nesting', JSON.stringify({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { messages: [JSON.parse('['.repeat(3000) + ']'.repeat(3000))] } }] }] }), 200],
])('a signed POST with %s: a 4xx or 200, no crash, nothing sent', async (_name, raw, status) => {
  const before = graph.sent.length;
  const res = await fetch(main.url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(raw) }, body: raw });
  expect(res.status).toBe(status);
  await new Promise((r) => setTimeout(r, 200));
  expect(graph.sent.length).toBe(before);
});

test('a body over the size limit: 413', async () => {
  const raw = JSON.stringify(webhookBody(number(), [{ type: 'text', text: { body: 'x'.repeat(600_000) } }]));
  const res = await fetch(main.url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(raw) }, body: raw });
  expect(res.status).toBe(413);
});

test('a message for another phone number id is ignored', async () => {
  const to = number();
  const raw = JSON.stringify(webhookBody(to, [{ type: 'text', text: { body: 'bonjour' } }], '999'));
  const res = await fetch(main.url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(raw) }, body: raw });
  expect(res.status).toBe(200);
  await new Promise((r) => setTimeout(r, 300));
  expect(graph.to(to)).toEqual([]);
});

test('a text is answered at the number it came from; the same delivery three times is answered once', async () => {
  const person = new WhatsAppPerson(main.url, number());
  const body = webhookBody(person.number, [{ type: 'text', text: { body: 'première' } }]);
  const raw = JSON.stringify(body);
  const post = () => fetch(main.url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(raw) }, body: raw }).then((r) => r.status);
  expect(await Promise.all([post(), post()])).toEqual([200, 200]);
  const replies = await graph.waitFor(person.number, 0);
  expect(await post()).toBe(200);
  await new Promise((r) => setTimeout(r, 400));
  expect(graph.to(person.number).map((m) => m.text)).toEqual(['Echo: première']);
  expect(replies[0].type).toBe('text');
});

test('status updates are acknowledged and answer nothing', async () => {
  const raw = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { metadata: { phone_number_id: PHONE_NUMBER_ID }, statuses: [{ id: 'wamid.1', status: 'delivered', recipient_id: '32470000000' }] } }] }] });
  const before = graph.sent.length;
  const res = await fetch(main.url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(raw) }, body: raw });
  expect(res.status).toBe(200);
  await new Promise((r) => setTimeout(r, 200));
  expect(graph.sent.length).toBe(before);
});

test('a tapped button is routed on its reply id, not on its title', async () => {
  const person = new WhatsAppPerson(main.url, number());
  await person.say('menu');
  const [menu] = await graph.waitFor(person.number, 0);
  expect(menu.type).toBe('interactive/button');
  expect(menu.options).toEqual(['Oui', 'Non']);
  await person.tap({ id: menu.ids[1], title: 'Translated title the bot must not read' });
  const [echo] = await graph.waitFor(person.number, 1);
  expect(echo.text).toBe('Echo: Non');
});

test('more than ten choices: a numbered menu, whose numbers (in any script) are understood in reply, until another message replaces it', async () => {
  const person = new WhatsAppPerson(main.url, number());
  await person.say('many');
  const [menu] = await graph.waitFor(person.number, 0);
  expect(menu.type).toBe('text');
  expect(menu.text).toMatch(/^1\. Choix 1$/m);
  expect(menu.text).toMatch(/^12\. Choix 12$/m);
  expect(menu.text).toContain(t('fr', 'whatsapp:menu_hint'));
  await person.say('3');
  expect((await graph.waitFor(person.number, 1)).map((m) => m.text)).toEqual(['Echo: Choix 3']);
  await person.say('many');
  await graph.waitFor(person.number, 2);
  await person.say('١١');
  expect((await graph.waitFor(person.number, 3)).map((m) => m.text)).toEqual(['Echo: Choix 11']);
  // The echo replaced the menu: a number is a number again.
  await person.say('3');
  expect((await graph.waitFor(person.number, 4)).map((m) => m.text)).toEqual(['Echo: 3']);
});

test('the Graph API failing with 500 and 429 is retried; the message arrives once', async () => {
  const person = new WhatsAppPerson(main.url, number());
  graph.failNext(500, 429);
  await person.say('retry');
  const replies = await graph.waitFor(person.number, 0);
  expect(replies.map((m) => m.text)).toEqual(['Echo: retry']);
});

test('a 400 from the Graph API is not retried', async () => {
  const person = new WhatsAppPerson(main.url, number());
  const before = graph.requests.length;
  graph.failNext(400);
  await person.say('refused');
  await new Promise((r) => setTimeout(r, 500));
  expect(graph.requests.length - before).toBe(1);
  expect(graph.to(person.number)).toEqual([]);
  expect(logLines.some((l) => l.includes('whatsapp.send_failed') && l.includes('"status":400') && l.includes('"willRetry":false'))).toBe(true);
});

test('a restart between the acknowledgement and the answer: the message is answered after the restart', async () => {
  const bot = new EchoBot();
  let release!: () => void;
  bot.hold = new Promise<void>((r) => (release = r));
  const crashed = await startInstance(bot);
  const person = new WhatsAppPerson(crashed.url, number());
  expect((await person.say('avant la panne')).status).toBe(200);
  await new Promise((r) => setTimeout(r, 200));
  expect(graph.to(person.number)).toEqual([]);
  // The process "dies": its server stops, its turn never ends; a new process starts on the same database.
  await stop(crashed);
  void crashed.wa.close();
  const restarted = await startInstance();
  const replies = await graph.waitFor(person.number, 0);
  expect(replies.map((m) => m.text)).toEqual(['Echo: avant la panne']);
  // A redelivery by Meta after the restart is a duplicate.
  await new Promise((r) => setTimeout(r, 300));
  expect(graph.to(person.number)).toHaveLength(1);
  void restarted;
  bot.hold = undefined;
  release();
});

describe('a crash after the replies went out, before the inbox entry is deleted: the turn runs again after the restart and the person gets each reply once', () => {
  /** Starts an instance whose turns die after `replies` replies, sends `text` to it, stops it once they are out, and starts another on the same database. */
  const dying: Array<() => void> = [];
  const restarted: Instance[] = [];
  // The dead turns end, and the restarted instances stop (each would otherwise take up the others' turns as orphans).
  afterEach(async () => {
    for (const release of dying.splice(0)) release();
    await Promise.all(restarted.splice(0).map(async (i) => (await stop(i), await i.wa.close())));
  });
  async function crashAfter(replies: number, person: (url: string) => WhatsAppPerson, before: () => Promise<void>, text: string): Promise<void> {
    const bot = new EchoBot();
    const crashed = await startInstance(bot);
    const p = person(crashed.url);
    await before();
    let release!: () => void;
    bot.dieAfter = { replies, until: new Promise<void>((r) => (release = r)) };
    dying.push(release);
    const count = graph.to(p.number).length;
    expect((await p.say(text)).status).toBe(200);
    await graph.waitFor(p.number, count + replies - 1);
    await stop(crashed);
    void crashed.wa.close();
    restarted.push(await startInstance());
  }

  test('both replies were out: none is sent again', async () => {
    let person!: WhatsAppPerson;
    await crashAfter(2, (url) => (person = new WhatsAppPerson(url, number())), async () => undefined, 'two tout envoyé');
    await new Promise((r) => setTimeout(r, 1500)); // the new instance has run what was left
    expect(graph.to(person.number).map((m) => m.text)).toEqual(['Echo 1: tout envoyé', 'Echo 2: tout envoyé']);
    // The turn was taken up and is over: nothing of it waits in the inbox.
    expect(await testDb.db.collection('whatsapp_inbox').countDocuments({ conversationId: main.wa.repo.conversationKey(person.number) })).toBe(0);
  });

  test('one of two replies was out: only the second is sent after the restart', async () => {
    let person!: WhatsAppPerson;
    await crashAfter(1, (url) => (person = new WhatsAppPerson(url, number())), async () => undefined, 'two à moitié');
    await graph.waitFor(person.number, 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(graph.to(person.number).map((m) => m.text)).toEqual(['Echo 1: à moitié', 'Echo 2: à moitié']);
  });

  test('a number typed for a button is read the same way when the turn runs again (the replies replaced the buttons)', async () => {
    let person!: WhatsAppPerson;
    await crashAfter(
      1,
      (url) => (person = new WhatsAppPerson(url, number())),
      async () => {
        await person.say('menu');
        await graph.waitFor(person.number, 0);
      },
      '2',
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(graph.to(person.number).map((m) => m.text)).toEqual(['Choisissez', 'Echo: Non']);
  });
});

test('the database down: 503 (Meta delivers again); a message in danger gets the numbers at once, from memory, once; the message is answered when the database is back', async () => {
  // The real safety net (its model loaded first: slow on a busy machine); the language is French here (the understanding's model is not needed for it).
  const emergency = emergencyReplies({ safety: safetyCheck(t), understanding: { detectLanguage: () => ({ lang: 'fr', confidence: 1 }) } });
  let dbUp = false;
  const watch = new StorageWatch({ ping: async () => dbUp, log, timeoutMs: 1000, probeEveryMs: 100 });
  watch.markDown('test');
  const down = await startInstance(new EchoBot(), { guard: (op) => watch.guard(op), emergency });
  const person = new WhatsAppPerson(down.url, number());
  const calm = new WhatsAppPerson(down.url, number());

  const body = webhookBody(person.number, [{ type: 'text', text: { body: 'je veux mourir ce soir' } }]);
  const raw = JSON.stringify(body);
  const deliver = () => fetch(down.url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(raw) }, body: raw }).then((r) => r.status);
  expect(await deliver()).toBe(503);
  // The numbers were sent before Meta got its 503.
  const numbers = graph.to(person.number);
  expect(numbers.length).toBeGreaterThan(0);
  expect(numbers.map((m) => m.text).join('\n')).toMatch(/112/);
  expect(numbers.map((m) => m.text).join('\n')).toMatch(/0800 32 123/);
  expect(numbers.every((m) => m.type === 'text')).toBe(true); // no buttons the bot cannot take now
  // A message without danger gets nothing while the database is down; Meta's redelivery does not repeat the numbers.
  expect((await calm.say('bonjour')).status).toBe(503);
  expect(await deliver()).toBe(503);
  await new Promise((r) => setTimeout(r, 300));
  expect(graph.to(calm.number)).toEqual([]);
  expect(graph.to(person.number)).toHaveLength(numbers.length);

  // The database is back: Meta's next delivery is taken and answered by the bot.
  dbUp = true;
  await new Promise((r) => setTimeout(r, 400));
  expect(watch.up).toBe(true);
  expect(await deliver()).toBe(200);
  expect((await graph.waitFor(person.number, numbers.length)).map((m) => m.text)).toEqual(['Echo: je veux mourir ce soir']);
  watch.stop();
  await stop(down);
  await down.wa.close();
  const joined = logLines.join('\n');
  expect(joined).toContain('whatsapp.emergency_from_memory');
  expect(joined).not.toContain('mourir');
}, 180_000);

test('messages of one person are answered in order', async () => {
  const person = new WhatsAppPerson(main.url, number());
  await person.post(['un', 'deux', 'trois', 'quatre'].map((body) => ({ type: 'text', text: { body } })));
  const replies = await graph.waitFor(person.number, 3);
  expect(graph.to(person.number).map((m) => m.text)).toEqual(['Echo: un', 'Echo: deux', 'Echo: trois', 'Echo: quatre']);
  void replies;
});

test('nothing stored or logged holds the number or the text', async () => {
  const person = new WhatsAppPerson(main.url, '32471234567');
  await person.say('mon secret 8472');
  await graph.waitFor(person.number, 0);
  const joined = logLines.join('\n');
  expect(joined).not.toContain('32471234567');
  expect(joined).not.toContain('mon secret');
  const dump: string[] = [];
  for (const c of await testDb.db.listCollections().toArray()) for (const d of await testDb.db.collection(c.name).find({}).toArray()) dump.push(JSON.stringify(d));
  expect(dump.join('\n')).not.toContain('32471234567');
  expect(dump.join('\n')).not.toContain('mon secret');
});

