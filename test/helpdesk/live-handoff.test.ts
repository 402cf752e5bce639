/**
 * A live handoff end to end over the wire, with the real app on a fixed Wednesday morning (the
 * Sud-Est Helpdesk is open): a person in Etterbeek asks for a human in the web chat (Direct Line),
 * an agent who has the console open takes the case, they write both ways, the safety net still
 * answers while bridged and the agent sees the alarm, the agent closes, the bot asks for feedback
 * and resumes. Database effects and the audit log are checked; then the same request with no agent
 * available becomes a callback.
 */
import crypto from 'node:crypto';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { createAccount } from '../../src/helpdesk/create-account';
import { silentLogger } from '../../src/logging/logger';
import { AuditRepository } from '../../src/repositories/audit-repository';
import { StaffRepository } from '../../src/repositories/staff-repository';
import { DirectLineClient, type WireActivity } from '../directline/support';
import { StaffClient } from './support';

jest.setTimeout(60000);

const WEDNESDAY_10H = new Date('2026-11-25T10:00:00+01:00');
let app: RunningBoussole;
let agent: StaffClient;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  app = await startBoussole({
    env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local', DATA_DIR: `/tmp/boussole-live-${process.pid}` },
    log: silentLogger,
    now: () => WEDNESDAY_10H,
  });
  const staff = new StaffRepository(app.database.db);
  const audit = new AuditRepository(app.database.db, 365);
  expect(await createAccount(staff, audit, { email: 'sara@helpdesk.example', name: 'Sara', role: 'agent', bassins: ['sud-est'], password: PASSWORD })).toMatchObject({ ok: true });
  agent = new StaffClient(app.url);
  expect((await agent.signIn('sara@helpdesk.example', PASSWORD)).status).toBe(200);
  await agent.listen();
});
afterAll(async () => {
  agent?.stop();
  await app?.database.db.dropDatabase().catch(() => undefined);
  await app?.close();
});

const cd = <T>(a: WireActivity) => (a.channelData ?? {}) as T;
const bot = (seen: WireActivity[]) => seen.filter((a) => a.from.role === 'bot' && a.type === 'message');
const lastBotText = (seen: WireActivity[]) => bot(seen).at(-1)?.text ?? '';

async function personInEtterbeek(): Promise<DirectLineClient> {
  const dl = new DirectLineClient(`${app.url}v3/directline`);
  await dl.generate();
  await dl.start('fr-BE');
  await dl.pollUntil((s) => s.some((a) => cd<{ question?: { slot: string } }>(a).question?.slot === 'language'));
  await dl.say('Français');
  await dl.pollUntil((s) => s.some((a) => cd<{ question?: { slot: string } }>(a).question?.slot === 'audience'));
  await dl.say('Pour moi ou un proche');
  await dl.pollUntil((s) => s.some((a) => cd<{ question?: { slot: string } }>(a).question?.slot === 'theme'));
  await dl.say('logement insalubre etterbeek');
  await dl.pollUntil((s) => s.some((a) => cd<{ orientation?: unknown }>(a).orientation));
  return dl;
}

test('live: the person asks for a human, the agent takes the case, they write both ways, the agent closes, the bot asks for feedback and resumes', async () => {
  const dl = await personInEtterbeek();

  await dl.say("je veux parler à quelqu'un");
  let seen = await dl.pollUntil((s) => /disponible maintenant/.test(lastBotText(s)));
  expect(cd<{ handoff: { mode: string } }>(bot(seen).at(-1)!).handoff.mode).toBe('live');
  await dl.say('oui');
  seen = await dl.pollUntil((s) => /conversation/.test(lastBotText(s)) && cd<{ question?: { slot: string } }>(bot(s).at(-1)!).question?.slot === 'handoff_transcript');
  await dl.say('oui');
  seen = await dl.pollUntil((s) => s.some((a) => a.type === 'event' && a.name === 'handoff.initiate'));
  const connected = bot(seen).at(-1)!;
  expect(connected.text).toMatch(/Vous êtes en contact/);
  expect(connected.text).toMatch(/02 318 60 58/); // the Sud-Est Helpdesk's number, in case
  const { caseId, mode } = cd<{ handoff: { caseId: string; mode: string } }>(connected).handoff;
  expect(mode).toBe('live');
  const initiate = seen.find((a) => a.name === 'handoff.initiate')!;
  expect(initiate.value).toMatchObject({ caseId, mode: 'live', reason: 'asked_for_person' });
  expect(initiate.attachments?.[0].contentType).toBe('application/json');

  // The console learns of it at once, and lists it among the new cases of the bassin.
  await agent.waitForEvent((e) => e.event === 'case' && e.data.caseId === caseId);
  const queue = await agent.call<{ cases: Array<{ id: string; bassin: string; mode: string; status: string }> }>('GET', '/cases?view=new');
  expect(queue.body.cases.find((c) => c.id === caseId)).toMatchObject({ bassin: 'sud-est', mode: 'live', status: 'new' });
  const view = await agent.call<{ case: { situation: { facts: Record<string, unknown>; servicesSuggested: string[] }; transcript: Array<{ text: string }>; conversation?: { ref?: unknown } } }>('GET', `/cases/${caseId}`);
  expect(view.body.case.situation.facts).toMatchObject({ commune: '21005', housing_situation: 'unhealthy' });
  expect(view.body.case.situation.servicesSuggested.length).toBeGreaterThan(0);
  expect(view.body.case.transcript.some((e) => e.text === 'logement insalubre etterbeek')).toBe(true);
  expect(view.body.case.conversation?.ref).toBeUndefined(); // routing data stays on the server

  expect((await agent.call('POST', `/cases/${caseId}/take`, {})).status).toBe(200);
  expect((await agent.call('POST', `/cases/${caseId}/take`, {})).body).toMatchObject({ error: { code: 'case_not_new' } });
  await dl.pollUntil((s) => /Sara, du Helpdesk, est avec vous/.test(lastBotText(s)));

  expect((await agent.call('POST', `/cases/${caseId}/messages`, { text: 'Bonjour, je suis Sara. Depuis quand y a-t-il de la moisissure ?' })).status).toBe(200);
  seen = await dl.pollUntil((s) => /Sara \(Helpdesk\) : Bonjour, je suis Sara/.test(lastBotText(s)));
  expect(cd<{ handoff: { from: string } }>(bot(seen).at(-1)!).handoff.from).toBe('agent');

  // The person's words go to the agent; the bot says nothing.
  const botCountBefore = bot(dl.seen).length;
  await dl.say('depuis 3 mois, mon bebe tousse');
  await agent.waitForEvent((e) => e.event === 'message' && (e.data.message as { text: string }).text === 'depuis 3 mois, mon bebe tousse');
  await dl.pollUntil((s) => s.some((a) => a.from.role === 'user' && a.text === 'depuis 3 mois, mon bebe tousse'));

  // Danger while bridged: the safety net answers the person at once, the agent sees the alarm.
  await dl.say('des fois je veux mourir');
  seen = await dl.pollUntil((s) => s.some((a) => cd<{ safety?: unknown }>(a).safety));
  expect(bot(seen).length).toBe(botCountBefore + 1); // only the safety answer
  const alarm = await agent.waitForEvent((e) => e.event === 'message' && (e.data.message as { text: string }).text === 'des fois je veux mourir');
  expect((alarm.data.message as { alarm: string }).alarm).toBe('emergency');

  expect((await agent.call('POST', `/cases/${caseId}/close`, { outcome: 'appointment_made' })).status).toBe(200);
  seen = await dl.pollUntil((s) => /Sara a terminé la conversation/.test(lastBotText(s)));
  expect(lastBotText(seen)).toMatch(/aidé/);
  expect(cd<{ question: { slot: string } }>(bot(seen).at(-1)!).question.slot).toBe('handoff_feedback');
  expect((await agent.call('POST', `/cases/${caseId}/messages`, { text: 'encore un mot' })).status).toBe(409);

  await dl.say("Oui, ça m'a aidé");
  await dl.pollUntil((s) => /Merci pour votre réponse/.test(lastBotText(s)));
  await dl.say('menu');
  await dl.pollUntil((s) => cd<{ question?: { slot: string } }>(bot(s).at(-1)!).question?.slot === 'theme'); // the bot is back: "what is it about?"

  const stored = await app.database.db.collection('helpdesk_cases').findOne({ _id: caseId } as never);
  expect(stored).toMatchObject({ mode: 'live', status: 'closed', outcome: 'appointment_made', feedback: 'useful', assigneeName: 'Sara' });
  expect((stored!.history as Array<{ status: string }>).map((h) => h.status)).toEqual(['new', 'assigned', 'closed']);
  expect(stored!.conversation.ref).toBeUndefined(); // no more delivery after closing
  const messages = await app.database.db.collection('helpdesk_messages').find({ caseId } as never).sort({ at: 1 }).toArray();
  expect(messages.map((m) => m.from)).toEqual(['agent', 'person', 'person']);

  const audit = await app.database.db.collection('audit_log').find({ caseId } as never).toArray();
  expect(audit.map((a) => a.action).sort()).toEqual(expect.arrayContaining(['case_closed', 'case_taken', 'case_viewed', 'message_sent']));
  expect(JSON.stringify(audit)).not.toMatch(/moisissure|mourir|bebe/);
});

test('no agent available: the same request becomes a callback (consent, contact…)', async () => {
  expect((await agent.call('POST', '/availability', { available: false })).body).toEqual({ available: false });
  try {
    const dl = await personInEtterbeek();
    await dl.say('parler à une personne');
    const seen = await dl.pollUntil((s) => /rappeler/.test(lastBotText(s)));
    expect(cd<{ handoff: { mode: string } }>(bot(seen).at(-1)!).handoff.mode).toBe('callback');
  } finally {
    await agent.call('POST', '/availability', { available: true });
  }
});

test('the person leaves a live conversation with "stop": the agent is told, the bot answers the command', async () => {
  const dl = await personInEtterbeek();
  await dl.say('un humain');
  await dl.pollUntil((s) => /disponible maintenant/.test(lastBotText(s)));
  await dl.say('oui');
  await dl.pollUntil((s) => cd<{ question?: { slot: string } }>(bot(s).at(-1)!).question?.slot === 'handoff_transcript');
  await dl.say('non');
  const seen = await dl.pollUntil((s) => s.some((a) => a.name === 'handoff.initiate'));
  const caseId = cd<{ handoff: { caseId: string } }>(bot(seen).at(-1)!).handoff.caseId;
  const botCount = bot(seen).length;
  expect((await app.database.db.collection('helpdesk_cases').findOne({ _id: caseId } as never))!.transcript).toBeUndefined(); // no consent, no transcript
  await dl.say('stop');
  await agent.waitForEvent((e) => e.event === 'message' && e.data.caseId === caseId && (e.data.message as { text: string }).text === 'person_left');
  const after = await dl.pollUntil((s) => bot(s).length > botCount);
  expect(lastBotText(after)).toMatch(/je m'arrête/);
});
