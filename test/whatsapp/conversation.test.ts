/**
 * The real app with the WhatsApp channel on, against the fake Graph API (which fails the test on
 * any payload breaking a WhatsApp limit): orientation conversations in French, Dutch and Arabic
 * with lists and buttons, a voice note, a crisis, "forget me", and a live handoff on a fixed
 * Wednesday morning where the agent's replies reach WhatsApp — as free-form messages inside the
 * 24-hour window, as the approved template once it has closed.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { createAccount } from '../../src/helpdesk/create-account';
import { createLogger } from '../../src/logging/logger';
import { AuditRepository } from '../../src/repositories/audit-repository';
import { HandoffRepository } from '../../src/repositories/handoff-repository';
import { StaffRepository } from '../../src/repositories/staff-repository';
import { StaffClient } from '../helpdesk/support';
import { ACCESS_TOKEN, APP_SECRET, FakeGraph, PHONE_NUMBER_ID, VERIFY_TOKEN, WhatsAppPerson, type SentMessage } from './fake-graph';

jest.setTimeout(90000);

const WEDNESDAY_10H = new Date('2026-11-25T10:00:00+01:00').getTime();
let clockMs = WEDNESDAY_10H;
let app: RunningBoussole;
let graph: FakeGraph;
let agent: StaffClient;
const logLines: string[] = [];
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  graph = await new FakeGraph().start();
  app = await startBoussole({
    env: {
      MONGODB_URI: process.env.TEST_MONGODB_URI,
      MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`,
      PORT: '0',
      BOT_AUTH: 'local',
      LOG_LEVEL: 'debug',
      DATA_DIR: path.join(os.tmpdir(), `boussole-wa-${process.pid}`),
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_GRAPH_URL: graph.url,
      WHATSAPP_TEMPLATE_NAME: 'boussole_message',
      WHATSAPP_TEMPLATE_LANGUAGES: 'fr,nl,en',
    },
    log: createLogger('debug', {}, (l) => logLines.push(l)),
    now: () => new Date(clockMs),
  });
  const staff = new StaffRepository(app.database.db);
  const audit = new AuditRepository(app.database.db, 365);
  expect(await createAccount(staff, audit, { email: 'sara@helpdesk.example', name: 'Sara', role: 'agent', bassins: ['sud-est'], password: PASSWORD })).toMatchObject({ ok: true });
  agent = new StaffClient(app.url);
  expect((await agent.signIn('sara@helpdesk.example', PASSWORD)).status).toBe(200);
  await agent.listen();
}, 180_000); // the first start may train the understanding model
afterAll(async () => {
  agent?.stop();
  await app?.database.db.dropDatabase().catch(() => undefined);
  await app?.close();
  await graph?.close();
});
afterEach(() => {
  expect(graph.violations).toEqual([]);
});

/** A person on WhatsApp, with the messages they received so far. */
class Chat {
  readonly person: WhatsAppPerson;
  private seen = 0;
  constructor(number: string) {
    this.person = new WhatsAppPerson(`${app.url}webhooks/whatsapp`, number);
  }
  private async replies(): Promise<SentMessage[]> {
    const r = await graph.waitFor(this.person.number, this.seen);
    this.seen += r.length;
    return r;
  }
  async say(text: string): Promise<SentMessage[]> {
    expect((await this.person.say(text)).status).toBe(200);
    return this.replies();
  }
  /** Taps the option whose title (or full label in the description) matches, in the last menu received. */
  async tap(label: RegExp): Promise<SentMessage[]> {
    const menu = graph.to(this.person.number).filter((m) => m.ids.length).at(-1);
    if (!menu) throw new Error('no menu');
    const i = menu.options.findIndex((o, k) => label.test(o) || label.test(menu.descriptions[k] ?? ''));
    if (i < 0) throw new Error(`no option ${label} in ${JSON.stringify(menu.options)}`);
    expect((await this.person.tap({ id: menu.ids[i], title: menu.options[i] }, menu.type === 'interactive/list' ? 'list_reply' : 'button_reply')).status).toBe(200);
    return this.replies();
  }
  async send(message: Record<string, unknown>): Promise<SentMessage[]> {
    expect((await this.person.post([message])).status).toBe(200);
    return this.replies();
  }
}

const texts = (ms: SentMessage[]) => ms.map((m) => m.text).join('\n');
const contactCount = async () => {
  let n = 0;
  for (const c of await app.database.db.listCollections({}, { nameOnly: true }).toArray()) if (c.name.startsWith('whatsapp_contacts')) n += await app.database.db.collection(c.name).countDocuments();
  return n;
};
let numbers = 0;
const newNumber = () => `32470${String(100000 + ++numbers)}`;

test('French: welcome, language list, audience and theme lists, a housing row tapped by its id, commune typed → services with phone numbers', async () => {
  const chat = new Chat(newNumber());
  let r = await chat.say('Bonjour');
  expect(texts(r)).toMatch(/Boussole/);
  expect(texts(r)).toMatch(/112/);
  expect(r.at(-1)!.type).toBe('interactive/list');
  expect(r.at(-1)!.options).toEqual(['Français', 'Nederlands', 'English', 'العربية', 'Türkçe', 'Español', 'Română']);
  r = await chat.tap(/^Français$/);
  r = await chat.tap(/^Pour moi/);
  expect(r.at(-1)!.options).toContain('Logement');
  r = await chat.tap(/^Logement$/);
  // Row titles are shortened to fit; the full label is in the description, the id carries the value.
  expect(r.at(-1)!.descriptions).toContain("Je risque d'être expulsé·e");
  r = await chat.tap(/^Je risque d'être expulsé·e$/);
  expect(texts(r)).toMatch(/commune/);
  r = await chat.say('Schaerbeek');
  const results = texts(r);
  expect(results).toMatch(/\*CPAS de Schaerbeek\*/);
  expect(results).toMatch(/\d{2,3} \d{2,3} \d{2}/); // a phone number in the compact card
  expect(r.at(-1)!.options).toEqual(['Recommencer', 'Parler à une personne']);
});

test('Dutch: the first message says it all; the commune typed → services in Dutch; "opnieuw" from the list → the theme list', async () => {
  const chat = new Chat(newNumber());
  let r = await chat.say('Goedendag, ik word uit mijn huis gezet');
  expect(texts(r)).toMatch(/In welke gemeente/);
  r = await chat.say('schaarbeek');
  expect(texts(r)).toMatch(/\*OCMW Schaarbeek\*/);
  r = await chat.tap(/^Opnieuw beginnen$/);
  expect(r.at(-1)!.type).toBe('interactive/list');
  expect(r.at(-1)!.options).toContain('Wonen');
});

test('Arabic: right-to-left texts, services, Arabic reply buttons; a voice note is answered in Arabic', async () => {
  const chat = new Chat(newNumber());
  let r = await chat.say('مرحبا، أبحث عن سكن');
  expect(r.every((m) => m.text.startsWith('\u200f'))).toBe(true);
  r = await chat.say('Anderlecht');
  expect(texts(r)).toMatch(/[\u0600-\u06ff]/);
  expect(texts(r)).toMatch(/\*[^*\n]+\*/); // a service name in bold
  expect(r.at(-1)!.type).toBe('interactive/button');
  expect(r.at(-1)!.options).toEqual(['البدء من جديد', 'التحدث مع شخص']);
  r = await chat.send({ type: 'audio', audio: { id: 'media-1', mime_type: 'audio/ogg; codecs=opus', voice: true } });
  expect(r).toHaveLength(1);
  expect(r[0].text).toContain('لا أستطيع قراءة إلا الرسائل المكتوبة');
  expect(r[0].text).not.toMatch(/112/); // not in danger: no numbers
});

test('a crisis gets the numbers at once; a picture afterwards is answered with what Boussole reads and the numbers again', async () => {
  const chat = new Chat(newNumber());
  let r = await chat.say('je veux mourir');
  expect(texts(r)).toMatch(/112/);
  r = await chat.send({ type: 'image', image: { id: 'media-2', mime_type: 'image/jpeg' } });
  expect(r).toHaveLength(1);
  expect(r[0].text).toMatch(/Je ne peux lire que les messages écrits/);
  expect(r[0].text).toMatch(/112/);
});

test('a sticker, a location and a document each get the short answer; a reaction gets none', async () => {
  const chat = new Chat(newNumber());
  for (const m of [{ type: 'sticker', sticker: { id: 's' } }, { type: 'location', location: { latitude: 50.8, longitude: 4.3 } }, { type: 'document', document: { id: 'd' } }]) {
    const r = await chat.send(m);
    expect(r.map((x) => x.text)).toEqual([expect.stringMatching(/Je ne peux lire que les messages écrits/)]);
  }
  const before = graph.to(chat.person.number).length;
  expect((await chat.person.post([{ type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } }])).status).toBe(200);
  await new Promise((res) => setTimeout(res, 400));
  expect(graph.to(chat.person.number)).toHaveLength(before);
});

test('"forget me" erases the number and the conversation; the next message starts afresh', async () => {
  const sent = app.database.db.collection<{ _id: string; at: Date; c?: string }>('whatsapp_sent');
  const keysBefore = new Set((await sent.distinct('c')).map(String));
  const chat = new Chat(newNumber());
  await chat.say('Bonjour');
  await chat.tap(/^Français$/);
  const before = await contactCount();
  // This person's conversation key: the one new among the recorded deliveries.
  const keys = (await sent.distinct('c')).map(String).filter((k) => !keysBefore.has(k));
  expect(keys).toHaveLength(1);
  const key = keys[0];
  const earlier = (await sent.find({ c: key }).toArray()).map((d) => d._id);
  expect(earlier.length).toBeGreaterThan(0);
  const r = await chat.say('oublie-moi');
  expect(texts(r)).toMatch(/effac/);
  expect(await contactCount()).toBe(before - 1);
  // What the earlier turns delivered is erased too (the confirmation's own record is written after).
  expect(await sent.countDocuments({ _id: { $in: earlier } })).toBe(0);
  const again = await chat.say('Bonjour');
  expect(texts(again)).toMatch(/je suis Boussole/); // welcomed again: nothing was remembered
});

test('live handoff: the agent takes the case and writes, the person reads it on WhatsApp; the person’s words reach the console; a reply after 24 hours goes as the template', async () => {
  const chat = new Chat(newNumber());
  await chat.say('Bonjour');
  await chat.tap(/^Français$/);
  await chat.tap(/^Pour moi/);
  let r = await chat.say('logement insalubre etterbeek');
  expect(texts(r)).toMatch(/\*/);
  r = await chat.say("je veux parler à quelqu'un");
  expect(texts(r)).toMatch(/disponible maintenant/);
  expect(r.at(-1)!.type).toBe('interactive/button');
  r = await chat.tap(/^Oui$/);
  r = await chat.tap(/^Oui$/);
  expect(texts(r)).toMatch(/Vous êtes en contact/);
  const event = await agent.waitForEvent((e) => e.event === 'case' && e.data.status === 'new');
  const caseId = String(event.data.caseId);

  const beforeTake = graph.to(chat.person.number).length;
  expect((await agent.call('POST', `/cases/${caseId}/take`, {})).status).toBe(200);
  r = await graph.waitFor(chat.person.number, beforeTake);
  expect(r[0].text).toMatch(/Sara, du Helpdesk, est avec vous/);
  const count = graph.to(chat.person.number).length;
  expect((await agent.call('POST', `/cases/${caseId}/messages`, { text: 'Bonjour, je suis Sara. Depuis quand ?' })).status).toBe(200);
  r = await graph.waitFor(chat.person.number, count);
  expect(r.map((m) => m.type)).toEqual(['text']);
  expect(r[0].text).toMatch(/Sara \(Helpdesk\) : Bonjour, je suis Sara/);

  // The person's words reach the console; the bot stays silent.
  const silent = graph.to(chat.person.number).length;
  expect((await chat.person.say('depuis 3 mois')).status).toBe(200);
  await agent.waitForEvent((e) => e.event === 'message' && (e.data.message as { text: string }).text === 'depuis 3 mois');
  await new Promise((res) => setTimeout(res, 400));
  expect(graph.to(chat.person.number)).toHaveLength(silent);

  // 25 hours later the window is closed: the agent's reply goes as the approved template.
  clockMs += 25 * 3600 * 1000;
  const late = graph.to(chat.person.number).length;
  expect((await agent.call('POST', `/cases/${caseId}/messages`, { text: 'Avez-vous pu appeler le service ?' })).status).toBe(200);
  r = await graph.waitFor(chat.person.number, late);
  expect(r.map((m) => m.type)).toEqual(['template']);
  expect(r[0].raw.template).toMatchObject({ name: 'boussole_message', language: { code: 'fr' } });
  expect(r[0].text).toMatch(/Avez-vous pu appeler le service/);
  clockMs = WEDNESDAY_10H;
});

test('callback from WhatsApp: the agent’s words reach the person there (the template once the window has closed), the answers reach the case, closing asks how it went', async () => {
  clockMs = new Date('2026-11-28T10:00:00+01:00').getTime(); // a Saturday: the Helpdesk is closed
  const chat = new Chat(newNumber());
  await chat.say('Bonjour');
  await chat.tap(/^Français$/);
  await chat.tap(/^Pour moi/);
  await chat.say('logement insalubre etterbeek');
  let r = await chat.say("je veux parler à quelqu'un");
  expect(texts(r)).toMatch(/vous rappelle/);
  r = await chat.tap(/^Oui$/);
  expect(texts(r)).toMatch(/Comment vous joindre/);
  await chat.say('0470 12 34 56');
  await chat.tap(/^Le matin$/);
  r = await chat.tap(/^Oui$/);
  expect(texts(r)).toMatch(/C'est enregistré/);
  const event = await agent.waitForEvent((e) => e.event === 'case' && e.data.status === 'new' && e.data.mode === 'callback');
  const caseId = String(event.data.caseId);
  const view = await agent.call<{ case: Record<string, unknown> }>('GET', `/cases/${caseId}`);
  expect(view.body.case).toMatchObject({ mode: 'callback', writable: true, conversation: { key: 'hidden' } });

  // Taking a callback case says nothing to the person; writing does.
  const beforeTake = graph.to(chat.person.number).length;
  expect((await agent.call('POST', `/cases/${caseId}/take`, {})).status).toBe(200);
  await new Promise((res) => setTimeout(res, 300));
  expect(graph.to(chat.person.number)).toHaveLength(beforeTake);
  expect((await agent.call('POST', `/cases/${caseId}/messages`, { text: 'Bonjour, ici Sara. Je peux vous appeler lundi à 10 h ?' })).status).toBe(200);
  r = await graph.waitFor(chat.person.number, beforeTake);
  expect(r.map((m) => m.type)).toEqual(['text']);
  expect(r[0].text).toMatch(/Sara \(Helpdesk\) : Bonjour, ici Sara/);

  // The person's answer reaches the case; the bot stays silent.
  const silent = graph.to(chat.person.number).length;
  expect((await chat.person.say('oui lundi ça va')).status).toBe(200);
  await agent.waitForEvent((e) => e.event === 'message' && (e.data.message as { text: string }).text === 'oui lundi ça va');
  await new Promise((res) => setTimeout(res, 400));
  expect(graph.to(chat.person.number)).toHaveLength(silent);

  // Two days later the window has closed: the approved template carries the words.
  clockMs += 49 * 3600 * 1000;
  const late = graph.to(chat.person.number).length;
  expect((await agent.call('POST', `/cases/${caseId}/messages`, { text: 'Je vous appelle dans 5 minutes.' })).status).toBe(200);
  r = await graph.waitFor(chat.person.number, late);
  expect(r.map((m) => m.type)).toEqual(['template']);
  expect(r[0].text).toMatch(/Je vous appelle dans 5 minutes/);

  // Closing hands the conversation back to the bot, which asks how it went.
  const beforeClose = graph.to(chat.person.number).length;
  expect((await agent.call('POST', `/cases/${caseId}/close`, { outcome: 'oriented' })).status).toBe(200);
  r = await graph.waitFor(chat.person.number, beforeClose);
  expect(texts(r)).toMatch(/Sara a terminé la conversation/);
  r = await chat.say('oui');
  expect(texts(r)).toMatch(/Merci/);
  // Closed: the case can no longer be written to.
  expect((await agent.call('POST', `/cases/${caseId}/messages`, { text: 'encore ?' })).status).toBe(409);
  clockMs = WEDNESDAY_10H;
});

test('a callback case from the web chat cannot be written to (the person has left the page): the agent calls or e-mails (409 not_live)', async () => {
  const at = new Date(clockMs);
  await new HandoffRepository(app.database.db).saveCase({ _id: '6f1c2a3e-0b7d-4c1e-9a55-3d2b8e9f0a11', status: 'new', mode: 'callback', reason: 'asked', language: 'fr', situation: { bassin: 'sud-est', facts: {}, servicesSuggested: [] }, contact: { kind: 'phone', value: '0470 12 34 56' }, conversation: { key: 'directline/abc' }, history: [], assignee: null, outcome: null, createdAt: at, updatedAt: at, expiresAt: new Date(clockMs + 86400000) });
  expect((await agent.call<{ case: Record<string, unknown> }>('GET', '/cases/6f1c2a3e-0b7d-4c1e-9a55-3d2b8e9f0a11')).body.case).toMatchObject({ mode: 'callback', writable: false });
  expect((await agent.call('POST', '/cases/6f1c2a3e-0b7d-4c1e-9a55-3d2b8e9f0a11/take', {})).status).toBe(200);
  expect(await agent.call('POST', '/cases/6f1c2a3e-0b7d-4c1e-9a55-3d2b8e9f0a11/messages', { text: 'Bonjour' })).toMatchObject({ status: 409, body: { error: { code: 'not_live' } } });
});

test('the logs never hold a number or what a person wrote', () => {
  const joined = logLines.join('\n');
  expect(joined).toContain('whatsapp.');
  expect(joined).not.toMatch(/32470\d{6}/);
  for (const secret of ['je veux mourir', 'Goedendag', 'أبحث عن سكن', 'depuis 3 mois', 'Depuis quand']) expect(joined).not.toContain(secret);
});
