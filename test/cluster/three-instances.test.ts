/**
 * Three Boussole instances on one database, behind a round-robin load balancer, so that every
 * request of a person or an agent lands on another instance than the one before: the web chat over
 * its WebSocket stream and the Helpdesk console over its event stream. What must hold (issue: load
 * and scale): turns of one conversation run one at a time and in order, no state is lost, no reply
 * is duplicated, watermarks have no gaps, Helpdesk events, presence and the agent's words reach the
 * right console and the right person whatever instance each is connected to.
 *
 * The instances run in this test process (each its own HTTP server, adapter, turn leases, event bus
 * and in-memory state; only the database is shared), with a fixed Wednesday morning so that the
 * Sud-Est Helpdesk is open.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { createAccount } from '../../src/helpdesk/create-account';
import { silentLogger } from '../../src/logging/logger';
import { AuditRepository } from '../../src/repositories/audit-repository';
import { StaffRepository } from '../../src/repositories/staff-repository';
import { seqOf, StreamClient } from '../directline/stream-client';
import { TURN_ERROR_EVENT } from '../../src/channels/directline';
import { call, DirectLineClient, type WireActivity } from '../directline/support';
import { StaffClient } from '../helpdesk/support';
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy';

jest.setTimeout(120_000);

const WEDNESDAY_10H = new Date('2026-11-25T10:00:00+01:00');
const PASSWORD = 'correct horse battery staple';
const dbName = `t_${crypto.randomBytes(5).toString('hex')}`;
let instances: RunningBoussole[] = [];
let proxy: RoundRobinProxy;
let dataRoot: string;
const streams: StreamClient[] = [];

beforeAll(async () => {
  dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'boussole-cluster-'));
  for (let i = 0; i < 3; i++) {
    instances.push(
      await startBoussole({
        env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: dbName, PORT: '0', BOT_AUTH: 'local', DATA_DIR: path.join(dataRoot, `i${i}`) },
        log: silentLogger,
        now: () => WEDNESDAY_10H,
      }),
    );
  }
  proxy = await startRoundRobinProxy(instances.map((i) => i.url));
  const db = instances[0].database.db;
  expect(await createAccount(new StaffRepository(db), new AuditRepository(db, 365), { email: 'sara@helpdesk.example', name: 'Sara', role: 'agent', bassins: ['sud-est'], password: PASSWORD })).toMatchObject({ ok: true });
  expect(await createAccount(new StaffRepository(db), new AuditRepository(db, 365), { email: 'eva@prevention.example', name: 'Eva', role: 'editor', bassins: [], password: PASSWORD })).toMatchObject({ ok: true });
  // Each instance learns of the others at its next look at the heartbeats (every 2 s).
  await new Promise((r) => setTimeout(r, 2_500));
}, 300_000);

afterAll(async () => {
  await Promise.all(streams.map((s) => s.close().catch(() => undefined)));
  await proxy?.close();
  await instances[0]?.database.db.dropDatabase().catch(() => undefined);
  for (const i of instances) await i.close();
  instances = [];
  fs.rmSync(dataRoot, { recursive: true, force: true });
});

const cd = <T>(a: WireActivity) => (a.channelData ?? {}) as T;
const slot = (a: WireActivity | undefined) => (a ? cd<{ question?: { slot: string } }>(a).question?.slot : undefined);
const botSaid = (seen: WireActivity[]) => seen.filter((a) => a.from.role === 'bot' && a.type === 'message');

/** A person on the web chat through the balancer: token, start (with its streamUrl), stream — each on another instance. */
async function person(locale = 'fr-BE'): Promise<{ dl: DirectLineClient; stream: StreamClient }> {
  const dl = new DirectLineClient(`${proxy.url}v3/directline`);
  expect((await dl.generate()).status).toBe(200);
  const started = await call<{ conversationId: string; token: string; streamUrl: string }>(`${proxy.url}v3/directline/conversations`, { method: 'POST', token: dl.token, json: { user: {}, locale } });
  expect(started.status).toBe(201);
  expect(started.body.streamUrl.startsWith(proxy.url.replace('http', 'ws'))).toBe(true);
  dl.token = started.body.token;
  const stream = await StreamClient.open(started.body.streamUrl);
  streams.push(stream);
  return { dl, stream };
}

/** The housing journey in French to its services (Etterbeek), each message through the balancer; resolves to what the stream showed. */
async function toServices(dl: DirectLineClient, stream: StreamClient): Promise<WireActivity[]> {
  await stream.until((s) => slot(botSaid(s).at(-1)) === 'language');
  await dl.say('Français');
  await stream.until((s) => slot(botSaid(s).at(-1)) === 'audience');
  await dl.say('Pour moi ou un proche');
  await stream.until((s) => slot(botSaid(s).at(-1)) === 'theme');
  await dl.say('logement insalubre etterbeek');
  return stream.until((s) => s.some((a) => cd<{ orientation?: unknown }>(a).orientation));
}

/** Every activity once, numbered 1, 2, 3… with no gap, each set's watermark its last number. */
function expectGapFree(stream: StreamClient): void {
  const seqs = stream.activities.map(seqOf);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  expect(stream.sets.map((s) => Number(s.watermark))).toEqual(stream.sets.map((s) => seqOf(s.activities[s.activities.length - 1])));
}

test('a journey whose every request lands on another instance: replies pushed on the stream in order, state kept, nothing duplicated, no gap', async () => {
  const before = [...proxy.hits];
  const { dl, stream } = await person();
  const seen = await toServices(dl, stream);
  const orientation = cd<{ orientation: { theme: string; commune: { nis: string }; bassin: string } }>(seen.find((a) => cd<{ orientation?: unknown }>(a).orientation)!).orientation;
  expect(orientation).toMatchObject({ theme: 'logement', commune: { nis: '21005' }, bassin: 'sud-est' });
  expectGapFree(stream);
  // Each message answered once: one first reply per message the person sent.
  const userIds = seen.filter((a) => a.from.role === 'user').map((a) => a.id);
  expect(userIds).toHaveLength(3);
  for (const id of userIds) expect(seen.filter((a) => a.from.role === 'bot' && a.replyToId === id).length).toBeGreaterThan(0);
  expect(new Set(seen.map((a) => a.id)).size).toBe(seen.length);
  // Polling (through the balancer too) reads the same log.
  const polled = await dl.pollUntil((s) => s.length >= seen.length);
  expect(polled.map((a) => a.id)).toEqual(seen.map((a) => a.id));
  // The requests really were spread over the three instances.
  expect(proxy.hits.map((h, i) => h - before[i]).every((h) => h >= 2)).toBe(true);
});

test('messages sent at the same moment land on three instances: their turns run one at a time, in the order of the log, none fails on another’s state', async () => {
  const { dl, stream } = await person();
  await stream.until((s) => slot(botSaid(s).at(-1)) === 'language');
  await dl.say('Français');
  await stream.until((s) => slot(botSaid(s).at(-1)) === 'audience');
  // Five messages without waiting: the balancer hands them to the three instances nearly together.
  const posts = await Promise.all(['Pour moi ou un proche', 'logement', 'etterbeek', 'oui', 'non'].map((text) => dl.say(text)));
  expect(posts.map((p) => p.status)).toEqual([200, 200, 200, 200, 200]);
  const users = () => stream.activities.filter((a) => a.from.role === 'user');
  const seen = await stream.until((s) => s.filter((a) => a.from.role === 'user').length === 6 && users().every((u) => s.some((a) => a.from.role === 'bot' && a.replyToId === u.id)), 20_000);
  expectGapFree(stream);
  // No turn failed (two turns writing the same state at once: one would fail on its eTag).
  expect(seen.filter((a) => a.type === 'event' && a.name === TURN_ERROR_EVENT)).toEqual([]);
  // Answered in the order they were stored: each message's first reply after the previous one's.
  const firstReplyOf = (id: string) => seen.findIndex((a) => a.from.role === 'bot' && a.replyToId === id);
  const order = users().map((u) => firstReplyOf(u.id));
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  // And every reply came after its own message.
  for (const u of users()) expect(firstReplyOf(u.id)).toBeGreaterThan(seen.indexOf(u));
});

test('Helpdesk: the agent’s console and the person are on different instances; presence, the case, the agent’s words and the person’s reach the other side', async () => {
  const agent = new StaffClient(proxy.url);
  expect((await agent.signIn('sara@helpdesk.example', PASSWORD)).status).toBe(200);
  await agent.listen(); // the event stream (and the agent's presence) on one instance
  await new Promise((r) => setTimeout(r, 500)); // the others hear that Sara is on the console
  try {
    const { dl, stream } = await person();
    await toServices(dl, stream);
    await dl.say("je veux parler à quelqu'un");
    // Whatever instance runs this turn knows an agent of Sud-Est is on the console (on another one).
    let seen = await stream.until((s) => /disponible maintenant/.test(botSaid(s).at(-1)?.text ?? ''));
    expect(cd<{ handoff: { mode: string } }>(botSaid(seen).at(-1)!).handoff.mode).toBe('live');
    await dl.say('oui');
    await stream.until((s) => slot(botSaid(s).at(-1)) === 'handoff_transcript');
    await dl.say('oui');
    seen = await stream.until((s) => s.some((a) => a.type === 'event' && a.name === 'handoff.initiate'));
    const { caseId } = cd<{ handoff: { caseId: string } }>(botSaid(seen).at(-1)!).handoff;

    await agent.waitForEvent((e) => e.event === 'case' && e.data.caseId === caseId);
    expect((await agent.call('POST', `/cases/${caseId}/take`, {})).status).toBe(200);
    await stream.until((s) => /Sara, du Helpdesk, est avec vous/.test(botSaid(s).at(-1)?.text ?? ''));
    expect((await agent.call('POST', `/cases/${caseId}/messages`, { text: 'Bonjour, je suis Sara.' })).status).toBe(200);
    await stream.until((s) => /Sara \(Helpdesk\) : Bonjour, je suis Sara/.test(botSaid(s).at(-1)?.text ?? ''));
    await dl.say('merci, depuis 3 mois');
    await agent.waitForEvent((e) => e.event === 'message' && (e.data.message as { text: string }).text === 'merci, depuis 3 mois');
    expectGapFree(stream);
    // The agent's words reached the person once.
    expect(botSaid(stream.activities).filter((a) => /Bonjour, je suis Sara/.test(a.text ?? ''))).toHaveLength(1);
  } finally {
    agent.stop();
  }
});

test('a catalogue edit made through one instance is what every instance shows from the next message on (within a second)', async () => {
  const editor = new StaffClient(instances[0].url);
  expect((await editor.signIn('eva@prevention.example', PASSWORD)).status).toBe(200);
  // Every instance has the catalogue in memory already (a results turn on each).
  const ask = async (i: number) => {
    const res = await fetch(`${instances[i].url}api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'dépistage du cancer du sein, je suis une femme de 55 ans à Woluwe-Saint-Pierre', locale: 'fr-BE', id: crypto.randomUUID(), channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9/', from: { id: `u-${crypto.randomUUID()}` }, recipient: { id: 'bot' }, conversation: { id: `c-${crypto.randomUUID()}` }, deliveryMode: 'expectReplies' }),
    });
    return JSON.stringify(await res.json());
  };
  for (const i of [0, 1, 2]) expect(await ask(i)).toContain('bruprev-mammotest');
  const read = await editor.call<{ service: Record<string, unknown>; meta: { revision: number } }>('GET', '/catalogue/services/bruprev-mammotest');
  expect((await editor.call('PUT', '/catalogue/services/bruprev-mammotest', { service: { ...read.body.service, phone: '02 555 77 88' }, revision: read.body.meta.revision })).status).toBe(200);
  await new Promise((r) => setTimeout(r, 1_100));
  for (const i of [0, 1, 2]) expect(await ask(i)).toContain('02 555 77 88');
});
