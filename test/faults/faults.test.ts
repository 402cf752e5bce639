/**
 * Fault injection on the real app process and its real embedded FerretDB: the database paused and
 * killed during conversations, the app killed with messages in flight. What must hold: every
 * crisis message answered at once with the numbers, every accepted message answered once, no case
 * lost, no case unconfirmed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { call, DirectLineClient, type WireActivity } from '../directline/support';
import { alive, answersTo, pollQuietly, shown, startApp, until, type AppProcess } from './support';

jest.setTimeout(180_000);

const running: AppProcess[] = [];
const paused: number[] = [];
afterEach(async () => {
  for (const pid of paused.splice(0)) if (alive(pid)) process.kill(pid, 'SIGCONT');
  for (const app of running.splice(0)) await app.stop();
});

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `faults-${name}-`));
const isBot = (a: WireActivity) => a.from.role === 'bot' && a.type === 'message';
const stored = (a: WireActivity) => !String(a.id).includes('|standby-');
/** The stored copy of a message the person sent (Web Chat matches it by clientActivityID). */
const storedUserMessage = (client: DirectLineClient, clientId: string) =>
  shown(client).find((a) => a.from.role === 'user' && stored(a) && (a.channelData as { clientActivityID?: string } | undefined)?.clientActivityID === clientId);

async function say(client: DirectLineClient, text: string, locale: string): Promise<{ id: string; clientId: string }> {
  const clientId = `c-${Math.random().toString(36).slice(2)}`;
  const r = await client.post({ type: 'message', text, from: { id: client.userId, role: 'user' }, locale, channelData: { clientActivityID: clientId } });
  expect(r.status).toBe(200);
  return { id: r.body.id, clientId };
}

/** Waits for the stored answer to a message: returns the bot's messages that reply to it. */
async function answerTo(client: DirectLineClient, clientId: string, ms = 60_000): Promise<WireActivity[]> {
  return until(
    async () => {
      await pollQuietly(client);
      const mine = storedUserMessage(client, clientId);
      const answers = mine ? answersTo(client, String(mine.id)).filter((a) => a.type === 'message') : [];
      return answers.length ? answers : undefined;
    },
    ms,
    'a stored answer',
  );
}

async function open(app: AppProcess, locale: string): Promise<DirectLineClient> {
  const client = new DirectLineClient(app.api);
  await client.generate();
  expect((await client.start(locale)).status).toBe(201);
  return client;
}

test('database paused: a crisis message gets 112 and the helpline at once from memory, a new visitor can start, and everything is answered once when it is back', async () => {
  // The app as shipped: if the pause outlasts STORAGE_HEAL_AFTER_MS, its healing may restart the
  // paused server (then there is nothing to resume), and a client stuck after the pause is renewed.
  const app = await startApp(tmp('pause'));
  running.push(app);
  const amal = await open(app, 'fr-FR');
  await amal.pollUntil((s) => s.some(isBot), 30_000);
  // Nothing failed yet: the start (with its number-model warm-up) must not look like an outage.
  expect(app.events()).not.toContain('storage.down');

  const pid = app.ferretPid();
  process.kill(pid, 'SIGSTOP');
  paused.push(pid);

  const crisis = await say(amal, "j'en peux plus je veux me suicider", 'fr-FR');
  const notice = await until(async () => {
    await pollQuietly(amal);
    const texts = shown(amal).filter((a) => isBot(a) && !stored(a)).map((a) => a.text ?? '');
    return texts.some((t) => t.includes('112')) && texts.some((t) => t.includes('0800 32 123')) && texts.some((t) => /gardé/.test(t)) ? texts : undefined;
  }, 15_000, 'the numbers from memory');
  expect(notice.join(' ')).toMatch(/Télé-Accueil 107/);

  expect((await call(`${app.url}readyz`)).status).toBe(503);
  expect((await call(`${app.url}healthz`)).status).toBe(200);

  // A new visitor while the database is down: the conversation opens, with the notice in Dutch.
  const bram = await open(app, 'nl-BE');
  await until(async () => (await pollQuietly(bram)) && shown(bram).some((a) => isBot(a) && /bewaard/.test(a.text ?? '')), 15_000, 'the Dutch notice');
  const hello = await say(bram, 'ik zoek een huisarts in Schaarbeek', 'nl-BE');

  if (alive(pid)) process.kill(pid, 'SIGCONT');
  paused.splice(0);

  const answer = await answerTo(amal, crisis.clientId).catch((e: Error) => {
    throw new Error(`${e.message}\napp events: ${app.events().slice(-60).join(', ')}\nreasons: ${app.reasons().slice(-20).join(', ')}`);
  });
  expect(answer.map((a) => a.text).join(' ')).toMatch(/112/);
  const bramAnswer = await answerTo(bram, hello.clientId);
  expect(bramAnswer.length).toBeGreaterThan(0);
  // Each message is in the log once, and answered once.
  for (const [client, clientId] of [[amal, crisis.clientId], [bram, hello.clientId]] as const) {
    expect(shown(client).filter((a) => (a.channelData as { clientActivityID?: string } | undefined)?.clientActivityID === clientId && stored(a))).toHaveLength(1);
    const texts = answersTo(client, String(storedUserMessage(client, clientId)!.id)).map((a) => a.text);
    expect(new Set(texts).size).toBe(texts.length);
  }
  // Bram's conversation got its welcome too, once.
  const welcome = shown(bram).filter((a) => isBot(a) && stored(a))[0];
  expect(shown(bram).filter((a) => isBot(a) && stored(a) && a.text === welcome.text)).toHaveLength(1);
  await until(async () => (await call(`${app.url}readyz`)).status === 200, 10_000, 'ready again');
});

test('database killed: it is restarted, and a message sent meanwhile is answered', async () => {
  const app = await startApp(tmp('kill'));
  running.push(app);
  const client = await open(app, 'en-GB');
  await client.pollUntil((s) => s.some(isBot), 30_000);
  const first = app.ferretPid();
  process.kill(first, 'SIGKILL');
  const sent = await say(client, 'I need help with housing in Ixelles', 'en-GB');
  // On failure, say what the app went through (event names only) and what the page shows.
  const answer = await answerTo(client, sent.clientId).catch((e: Error) => {
    throw new Error(`${e.message}\napp events: ${app.events().slice(-60).join(', ')}\nreasons: ${app.reasons().slice(-20).join(', ')}\nshown: ${JSON.stringify(shown(client).map((a) => [a.from?.role ?? a.from?.id, a.id, a.text?.slice(0, 40)]))}`);
  });
  expect(answer.length).toBeGreaterThan(0);
  expect(app.ferretPid()).not.toBe(first);
  expect(alive(app.ferretPid())).toBe(true);
});

test('database hung (accepts connections, never answers): after STORAGE_HEAL_AFTER_MS the app restarts it, and a message sent meanwhile is answered', async () => {
  const app = await startApp(tmp('hang'), { STORAGE_HEAL_AFTER_MS: '5000' });
  running.push(app);
  const client = await open(app, 'fr-FR');
  await client.pollUntil((s) => s.some(isBot), 30_000);
  const first = app.ferretPid();
  process.kill(first, 'SIGSTOP');
  paused.push(first);
  const sent = await say(client, "je cherche un logement à Forest, j'ai reçu un préavis", 'fr-FR');
  const answer = await answerTo(client, sent.clientId).catch((e: Error) => {
    throw new Error(`${e.message}\napp events: ${app.events().slice(-60).join(', ')}\nreasons: ${app.reasons().slice(-20).join(', ')}`);
  });
  expect(answer.length).toBeGreaterThan(0);
  expect(app.reasons()).toContain('storage.heal(server_restarted)');
  expect(app.events()).toContain('ferretdb.restarting');
  expect(alive(first)).toBe(false);
  expect(alive(app.ferretPid())).toBe(true);
  // Answered once, and the message is in the log once.
  expect(shown(client).filter((a) => (a.channelData as { clientActivityID?: string } | undefined)?.clientActivityID === sent.clientId && stored(a))).toHaveLength(1);
});

test('app killed with 20 messages accepted: its FerretDB stops with it, and after a restart all 20 are answered, once', async () => {
  const dataDir = tmp('crash');
  // A patient storage timeout: this test is about turns in flight, not about the local queue.
  const app = await startApp(dataDir, { STORAGE_TIMEOUT_MS: '20000' });
  running.push(app);
  const clients: DirectLineClient[] = [];
  for (let i = 0; i < 20; i++) clients.push(await open(app, 'fr-FR'));
  for (const c of clients) await c.pollUntil((s) => s.some(isBot), 30_000);
  const sent = await Promise.all(clients.map((c, i) => say(c, i % 2 ? 'je cherche un logement à Forest' : 'dépistage IST gratuit à Bruxelles', 'fr-FR')));
  const ferret = app.ferretPid();
  app.proc.kill('SIGKILL');
  await until(() => !alive(ferret), 15_000, 'the old FerretDB stopped');

  const again = await startApp(dataDir);
  running.push(again);
  for (const [i, c] of clients.entries()) {
    const moved = Object.assign(new DirectLineClient(again.api), { token: c.token, conversationId: c.conversationId, userId: c.userId, watermark: '' });
    const answers = await answerTo(moved, sent[i].clientId, 90_000);
    const texts = answers.map((a) => a.text);
    expect(new Set(texts).size).toBe(texts.length);
  }
  if (process.env.DEBUG_FAULTS) console.log(again.events().filter((e) => e.startsWith('directline')).join(' '));
  // The restarted app did answer turns the crash had left (not only ones answered before it).
  expect(again.events().filter((e) => e === 'directline.turn.recovered').length).toBeGreaterThan(0);
});

test('database lost during a Helpdesk callback request: the case is written and confirmed to the person', async () => {
  const app = await startApp(tmp('case'));
  running.push(app);
  const client = await open(app, 'en-GB');
  await client.pollUntil((s) => s.some(isBot), 30_000);
  for (const text of ['talk to a person', 'yes', 'my email is amal.b@example.org']) {
    const m = await say(client, text, 'en-GB');
    await answerTo(client, m.clientId);
  }
  const last = await say(client, 'no', 'en-GB');
  const pid = app.ferretPid();
  process.kill(pid, 'SIGSTOP'); // lost right after the message was taken, while its turn runs
  paused.push(pid);
  await new Promise((r) => setTimeout(r, 4000));
  process.kill(pid, 'SIGCONT');
  paused.splice(0);

  const confirmation = await until(async () => {
    await pollQuietly(client);
    const all = shown(client).filter((a) => a.from.role === 'bot' && (a.channelData as { handoff?: { caseId?: string } } | undefined)?.handoff?.caseId);
    return all.length ? all : undefined;
  }, 60_000, 'the confirmation');
  const caseId = (confirmation[0].channelData as { handoff: { caseId: string } }).handoff.caseId;
  expect(confirmation[0].text).toMatch(/0800 35 243|Helpdesk/);
  void last;

  const port = (JSON.parse(fs.readFileSync(path.join(app.dataDir, 'ferretdb.lock'), 'utf8')) as { ferretdb: number }).ferretdb;
  void port;
  const mongo = new MongoClient(await ferretUri(app), { serverSelectionTimeoutMS: 5000 });
  await mongo.connect();
  try {
    const found = await until(async () => mongo.db('boussole').collection('helpdesk_cases').findOne({ _id: caseId } as never), 60_000, 'the case in the database');
    expect(found).toMatchObject({ contact: { kind: 'email', value: 'amal.b@example.org' } });
  } finally {
    await mongo.close();
  }
});

/** The app's FerretDB address, read from its process command line (it listens on loopback only). */
async function ferretUri(app: AppProcess): Promise<string> {
  const cmd = fs.readFileSync(`/proc/${app.ferretPid()}/cmdline`, 'utf8');
  const m = /--listen-addr=([\d.]+:\d+)/.exec(cmd);
  if (!m) throw new Error('FerretDB address not found');
  return `mongodb://${m[1]}/`;
}
