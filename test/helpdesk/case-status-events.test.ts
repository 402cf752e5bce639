/**
 * Who may change a Helpdesk case through a `handoff.status` event, with the real app and database:
 * on the web chat (Direct Line) the sender is the person's own page, so nobody there may touch any
 * case, not even their own; on a Bot Framework channel a handoff host may add a protocol state to
 * the history of its own conversation's case only, and a case's history stays bounded.
 */
import { callbackCase } from '../support/case-record';
import crypto from 'node:crypto';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { silentLogger } from '../../src/logging/logger';
import { HandoffRepository } from '../../src/repositories/handoff-repository';
import { call, DirectLineClient, type WireActivity } from '../directline/support';

jest.setTimeout(60000);

let app: RunningBoussole;
let repo: HandoffRepository;

beforeAll(async () => {
  app = await startBoussole({ env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local' }, log: silentLogger });
  repo = new HandoffRepository(app.database.db);
});
afterAll(async () => {
  await app?.database.db.dropDatabase().catch(() => undefined);
  await app?.close();
});

/** A new callback case that came from the conversation `key` (`channel/conversation`). */
async function caseOf(key: string): Promise<string> {
  const at = new Date();
  const c = callbackCase({ situation: { journey: 'logement', facts: {}, bassin: 'sud-est', servicesSuggested: [] }, conversation: { key } }, at);

  await repo.saveCase(c);
  return c._id;
}

const stored = async (id: string) => {
  const c = (await repo.getCase(id))!;
  return { status: c.status, history: c.history.map((h) => h.status) };
};
const question = (a: WireActivity) => (a.channelData as { question?: { slot: string } } | undefined)?.question?.slot;

test('web chat: a handoff.status event changes no case, neither another conversation’s nor the person’s own', async () => {
  const someoneElse = await caseOf('directline/someone-else');
  const dl = new DirectLineClient(`${app.url}v3/directline`);
  await dl.generate();
  await dl.start('fr-BE');
  await dl.pollUntil((s) => s.some((a) => question(a) === 'language'));
  const own = await caseOf(`directline/${dl.conversationId}`);

  const event = (value: unknown) => dl.post({ type: 'event', name: 'handoff.status', from: { id: dl.userId, role: 'user' }, value });
  for (const value of [
    { caseId: someoneElse, state: 'closed' },
    { caseId: someoneElse, state: 'accepted' },
    { caseId: own, state: 'completed' },
    { caseId: own, state: 'anything_at_all' },
  ])
    expect((await event(value)).status).toBeLessThan(300);
  // Turns of a conversation run in order: once this message is answered, the events were handled.
  await dl.say('Français');
  await dl.pollUntil((s) => s.some((a) => question(a) === 'audience'));

  expect(await stored(someoneElse)).toEqual({ status: 'new', history: ['new'] });
  expect(await stored(own)).toEqual({ status: 'new', history: ['new'] });
});

/** A `handoff.status` event from a handoff host on a Bot Framework channel, in `conversation`. */
async function hostEvent(conversation: string, value: unknown): Promise<void> {
  const r = await call(`${app.url}api/messages`, {
    method: 'POST',
    json: { type: 'event', name: 'handoff.status', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/', from: { id: 'host' }, recipient: { id: 'bot' }, conversation: { id: conversation }, value },
  });
  expect(r.status).toBeLessThan(300);
}

test('Bot Framework channel: a host adds a protocol state to the history of its own conversation’s case only; the status stays the Helpdesk’s', async () => {
  const conversation = `host-${crypto.randomUUID()}`;
  const own = await caseOf(`msteams/${conversation}`);
  const other = await caseOf('msteams/another-conversation');

  await hostEvent(conversation, { caseId: other, state: 'accepted' }); // not this conversation's case
  await hostEvent(conversation, { caseId: own, state: 'closed' }); // not a state of the protocol
  await hostEvent(conversation, { caseId: own, state: 'x'.repeat(30) });
  await hostEvent(conversation, { caseId: { $ne: null }, state: 'accepted' }); // an operator instead of an id
  await hostEvent(conversation, { state: 'accepted' });
  expect(await stored(other)).toEqual({ status: 'new', history: ['new'] });
  expect(await stored(own)).toEqual({ status: 'new', history: ['new'] });

  await hostEvent(conversation, { caseId: own, state: 'accepted', message: 'ignored' });
  expect(await stored(own)).toEqual({ status: 'new', history: ['new', 'host_accepted'] });
});

test('Bot Framework channel: the history of a case stops growing at 20 entries', async () => {
  const conversation = `host-${crypto.randomUUID()}`;
  const own = await caseOf(`msteams/${conversation}`);
  for (let i = 0; i < 24; i++) await hostEvent(conversation, { caseId: own, state: 'failed' });
  const after = await stored(own);
  expect(after.status).toBe('new');
  expect(after.history).toHaveLength(20);
});
