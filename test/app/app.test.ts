/**
 * The real application over HTTP: operations endpoints, the Bot Framework endpoint's contract on
 * bad input, a full Direct Line conversation with the real bot (channelData out, database effects),
 * "forget me", and logs that never contain what the person typed.
 */
import crypto from 'node:crypto';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { createLogger } from '../../src/logging/logger';
import { call, DirectLineClient, type WireActivity } from '../directline/support';
import { storedIn } from '../support/store';

let app: RunningBoussole;
const logLines: string[] = [];
const SECRET_TEXT = 'ik word uit mijn huis gezet in schaarbeek';

beforeAll(async () => {
  app = await startBoussole({
    env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local', LOG_LEVEL: 'debug' },
    log: createLogger('debug', {}, (l) => logLines.push(l)),
  });
});
afterAll(async () => {
  await app.database.db.dropDatabase().catch(() => undefined);
  await app.close();
});

const orientation = (a: WireActivity) => (a.channelData as { orientation?: { theme: string; commune: { nis: string }; bassin: string; services: Array<{ id: string }> } } | undefined)?.orientation;
const question = (a: WireActivity) => (a.channelData as { question?: { slot: string } } | undefined)?.question?.slot;

test('operations: /healthz and /readyz answer JSON', async () => {
  expect(await call(`${app.url}healthz`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  expect(await call(`${app.url}readyz`)).toMatchObject({ status: 200, body: { status: 'ready' } });
  expect(await call(`${app.url}nowhere`)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
});

const activity = (over: Record<string, unknown> = {}) => ({ type: 'message', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9/', from: { id: 'u1' }, recipient: { id: 'bot' }, conversation: { id: 'c-api-1' }, text: 'bonjour', ...over });

test.each<[string, { body?: string; json?: unknown; headers?: Record<string, string> }, number, string]>([
  ['malformed JSON', { body: '{"type": "message",', headers: { 'Content-Type': 'application/json' } }, 400, 'invalid_json'],
  ['not an object', { json: ['message'] }, 400, 'invalid_activity'],
  ['no conversation', { json: { ...activity(), conversation: undefined } }, 400, 'invalid_activity'],
  ['no sender', { json: { ...activity(), from: undefined } }, 400, 'invalid_activity'],
  ['operator in the conversation id', { json: activity({ conversation: { id: { $gt: '' } } }) }, 400, 'invalid_activity'],
  ['text over the limit', { json: activity({ text: 'x'.repeat(1001) }) }, 413, 'text_too_long'],
  ['body over 64 kB', { json: activity({ text: 'x', padding: 'y'.repeat(70_000) }) }, 413, 'payload_too_large'],
  ['JSON nested 5,000 deep', { body: JSON.stringify(activity()).replace(/}$/, `,"value":${'['.repeat(5000)}${']'.repeat(5000)}}`), headers: { 'Content-Type': 'application/json' } }, 400, 'json_too_deep'],
  ["the web chat's own channel id", { json: activity({ channelId: 'directline' }) }, 403, 'channel_not_allowed'],
  ["the web chat's channel id in capitals", { json: activity({ channelId: 'DirectLine' }) }, 403, 'channel_not_allowed'],
  ['a channel id with a slash', { json: activity({ channelId: 'emulator/conversations' }) }, 400, 'invalid_activity'],
  ['a serviceUrl elsewhere (local mode)', { json: activity({ serviceUrl: 'https://collector.example/' }) }, 403, 'service_url_not_allowed'],
  ['a serviceUrl on another machine of the network (local mode)', { json: activity({ serviceUrl: 'http://10.0.0.7:3978/' }) }, 403, 'service_url_not_allowed'],
  ['a serviceUrl that only starts like loopback (local mode)', { json: activity({ serviceUrl: 'http://127.0.0.1.collector.example/' }) }, 403, 'service_url_not_allowed'],
  ['a serviceUrl with loopback as user name (local mode)', { json: activity({ serviceUrl: 'http://127.0.0.1@collector.example/' }) }, 403, 'service_url_not_allowed'],
  ['a serviceUrl named localhost. and more (local mode)', { json: activity({ serviceUrl: 'http://localhost.collector.example/' }) }, 403, 'service_url_not_allowed'],
  ['a serviceUrl that is not http (local mode)', { json: activity({ serviceUrl: 'file://localhost/etc/passwd' }) }, 403, 'service_url_not_allowed'],
])('POST /api/messages with %s: a JSON 4xx error, no crash', async (_name, req, status, code) => {
  const r = await call(`${app.url}api/messages`, { method: 'POST', ...req });
  expect(r).toMatchObject({ status, body: { error: { code } } });
  expect((await call(`${app.url}healthz`)).status).toBe(200);
});

test('POST /api/messages in local mode with expectReplies: the welcome and the language question come back', async () => {
  const r = await call<{ activities: Array<{ text: string; channelData?: { question?: { slot: string } } }> }>(`${app.url}api/messages`, { method: 'POST', json: activity({ deliveryMode: 'expectReplies', locale: 'fr-BE', conversation: { id: `c-${Date.now()}` } }) });
  expect(r.status).toBe(200);
  expect(r.body.activities[0].text).toMatch(/Boussole/);
  expect(r.body.activities.map((a) => a.channelData?.question?.slot)).toContain('language');
});

test.each(['http://127.0.0.1:9/', 'http://localhost:9/api/', 'https://localhost/', 'http://[::1]:9/'])('POST /api/messages in local mode with serviceUrl %s (this machine) is served', async (serviceUrl) => {
  const r = await call<{ activities: Array<{ text: string }> }>(`${app.url}api/messages`, { method: 'POST', json: activity({ serviceUrl, deliveryMode: 'expectReplies', conversation: { id: `c-loop-${crypto.randomUUID()}` } }) });
  expect(r.status).toBe(200);
  expect(r.body.activities[0].text).toMatch(/Boussole/);
});

const invoke = (name: string | undefined, value?: unknown) => activity({ type: 'invoke', name, value, text: undefined, conversation: { id: `c-invoke-${crypto.randomUUID()}` } });
test.each<[string, Record<string, unknown>, number, string]>([
  ['an Adaptive Card Action.Execute', invoke('adaptiveCard/action', { action: { type: 'Action.Execute', verb: 'refresh', data: { x: 1 } } }), 400, 'NotSupported'],
  ['an Adaptive Card action of another type', invoke('adaptiveCard/action', { action: { type: 'Action.Submit', data: {} } }), 400, 'NotSupported'],
  ['an Adaptive Card action with no value', invoke('adaptiveCard/action'), 400, 'BadRequest'],
  ['an Adaptive Card action with a value but no action', invoke('adaptiveCard/action', { trigger: 'manual' }), 400, 'BadRequest'],
  ['a search of a card input', invoke('application/search', { kind: 'search', queryText: 'ixelles' }), 400, 'NotSupported'],
  ['a sign-in verification', invoke('signin/verifyState', { state: '123' }), 400, 'NotSupported'],
  ['an invoke this bot does not know', invoke('composeExtension/query', { commandId: 'x' }), 400, 'NotSupported'],
  ['an invoke without a name', invoke(undefined), 400, 'NotSupported'],
])('an invoke on /api/messages (%s) gets an invokeResponse: a status and an error body, never a 5xx', async (_name, body, status, code) => {
  const r = await call(`${app.url}api/messages`, { method: 'POST', json: body });
  expect(r.status).toBe(status);
  expect(r.contentType).toMatch(/^application\/json/);
  expect(r.body).toEqual({ statusCode: status, type: 'application/vnd.microsoft.error', value: { code, message: expect.any(String) } });
  expect((await call(`${app.url}healthz`)).status).toBe(200);
});

test('/api/messages never reaches a web chat conversation: a forged "forget me" on its id erases nothing of it', async () => {
  const dl = new DirectLineClient(`${app.url}v3/directline`);
  await dl.generate();
  await dl.start('fr-BE');
  await dl.pollUntil((seen) => seen.some((a) => question(a) === 'language'));
  await dl.say('Français');
  await dl.pollUntil((seen) => seen.some((a) => question(a) === 'audience'));
  const stateKey = `directline/conversations/${dl.conversationId}/`;
  const handoff = app.handoff;
  await handoff.saveSession({ _id: `directline/${dl.conversationId}`, step: 'contact', data: {}, tries: 0, expiresAt: new Date(Date.now() + 3600_000) });
  const stored = await storedIn(app.database.db);
  const webChatData = async () => ({
    state: await stored.state(stateKey).countDocuments({ _id: stateKey } as never),
    person: await stored.state(`directline/users/${dl.userId}/`).countDocuments({ _id: `directline/users/${dl.userId}/` } as never),
    activities: await stored.activities(dl.conversationId).countDocuments({ conversationId: dl.conversationId } as never),
    session: Boolean(await handoff.session(`directline/${dl.conversationId}`)),
  });
  const before = await webChatData();
  expect(before).toEqual({ state: 1, person: 1, activities: expect.any(Number), session: true });
  expect(before.activities).toBeGreaterThan(0);

  // The web chat's channel id: refused before the bot runs.
  const forged = activity({ channelId: 'directline', conversation: { id: dl.conversationId }, from: { id: dl.userId }, text: 'oublie-moi', deliveryMode: 'expectReplies' });
  expect(await call(`${app.url}api/messages`, { method: 'POST', json: forged })).toMatchObject({ status: 403, body: { error: { code: 'channel_not_allowed' } } });
  // The same conversation id on another channel is another conversation: its "forget me" is its own.
  const elsewhere = await call<{ activities: Array<{ text: string }> }>(`${app.url}api/messages`, { method: 'POST', json: { ...forged, channelId: 'emulator' } });
  expect(elsewhere.status).toBe(200);
  expect(elsewhere.body.activities.map((a) => a.text).join(' ')).toMatch(/effacées/);
  expect(await webChatData()).toEqual(before);

  // The web chat person's conversation goes on where it was.
  await handoff.endSession(`directline/${dl.conversationId}`);
  await dl.say('Pour moi ou un proche');
  await dl.pollUntil((seen) => seen.some((a) => question(a) === 'theme'));
});

test('a full web chat conversation through /v3/directline with the real bot, database effects, and "forget me"', async () => {
  const dl = new DirectLineClient(`${app.url}v3/directline`);
  expect((await dl.generate()).status).toBe(200);
  expect((await dl.start('nl-BE')).status).toBeLessThan(300);
  await dl.pollUntil((seen) => seen.some((a) => question(a) === 'language'));
  await dl.say('Nederlands');
  await dl.pollUntil((seen) => seen.some((a) => question(a) === 'audience'));
  await dl.say('Voor mij of iemand dichtbij');
  await dl.pollUntil((seen) => seen.some((a) => question(a) === 'theme'));
  await dl.say(SECRET_TEXT);
  const seen = await dl.pollUntil((s) => s.some((a) => orientation(a)));
  const o = orientation(seen.find((a) => orientation(a))!)!;
  expect(o).toMatchObject({ theme: 'logement', commune: { nis: '21015' }, bassin: 'nord-est' });
  expect(o.services[0].id).toBe('cpas-schaerbeek');
  expect(seen.find((a) => orientation(a))!.locale).toBe('nl');

  // Conversation state is in MongoDB, stored as text, with an expiry.
  const stored = await storedIn(app.database.db);
  const state = await stored.findAll('bot_state', { _id: { $regex: dl.conversationId } } as never);
  expect(state).toHaveLength(1);
  expect(state[0].expiresAt).toBeInstanceOf(Date);

  // Logs: events and ids, never the person's words.
  expect(logLines.length).toBeGreaterThan(0);
  expect(logLines.join('\n')).not.toMatch(/schaarbeek|Nederlands|Voor mij/i);

  await dl.say('vergeet mij');
  await dl.pollUntil((s) => s.some((a) => /gewist/.test(a.text ?? '')));
  // The state is deleted when the turn ends, just after the confirmation is delivered.
  const stateLeft = async () => (await stored.findAll('bot_state', { _id: { $regex: dl.conversationId } } as never)).length;
  for (let i = 0; i < 50 && (await stateLeft()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(await stateLeft()).toBe(0);
  const left = await stored.activities(dl.conversationId).find({ conversationId: dl.conversationId } as never).toArray();
  expect(left.map((d) => String(d.activity ?? d.json ?? JSON.stringify(d)))).not.toEqual(expect.arrayContaining([expect.stringMatching(/schaarbeek/i)]));
});

test('after the services, ordinary messages through the web chat are answered (the journey has ended: no question waits)', async () => {
  const dl = new DirectLineClient(`${app.url}v3/directline`);
  await dl.generate();
  await dl.start('fr-BE');
  await dl.pollUntil((seen) => seen.some((a) => question(a) === 'language'));
  for (const [text, slot] of [['Français', 'audience'], ['Pour moi ou un proche', 'theme'], ['Logement', 'housing_situation'], ["Je risque d'être expulsé·e", 'commune']]) {
    await dl.say(text);
    await dl.pollUntil((seen) => seen.some((a) => question(a) === slot));
  }
  await dl.say('Schaerbeek');
  await dl.pollUntil((seen) => seen.some((a) => orientation(a)));
  const repliesAfter = (seen: WireActivity[], text: string) => seen.slice(seen.findIndex((a) => a.from.role === 'user' && a.text === text) + 1).filter((a) => a.from.role === 'bot' && a.type === 'message');
  await dl.say("j'ai 34 ans");
  const noted = await dl.pollUntil((seen) => repliesAfter(seen, "j'ai 34 ans").some((a) => orientation(a)));
  expect(repliesAfter(noted, "j'ai 34 ans")[0].text).toMatch(/c'est noté/);
  await dl.say('je suis sans logement');
  await dl.pollUntil((seen) => repliesAfter(seen, 'je suis sans logement').some((a) => question(a) === 'housing_situation'));
});

test('text that looks like a query operator is just text: no crash, asked again', async () => {
  const dl = new DirectLineClient(`${app.url}v3/directline`);
  await dl.generate();
  await dl.start('fr-BE');
  await dl.pollUntil((seen) => seen.some((a) => question(a) === 'language'));
  await dl.say('{"$gt": ""}');
  // An operator with no word in it: '$where' is also the English word "where", which the classifier reads.
  await dl.say('$ne');
  const seen = await dl.pollUntil((s) => s.filter((a) => a.from.role === 'bot' && question(a) === 'language').length >= 3);
  expect(seen.filter((a) => a.from.role === 'user').map((a) => a.text)).toEqual(['{"$gt": ""}', '$ne']);
});

test('the chosen language is remembered for the person in a new conversation on the same channel', async () => {
  const first = new DirectLineClient(`${app.url}v3/directline`);
  await first.generate({ user: { id: 'dl_person_remembered_1' } });
  await first.start('fr-BE');
  await first.pollUntil((s) => s.some((a) => question(a) === 'language'));
  await first.say('Nederlands');
  await first.pollUntil((s) => s.some((a) => question(a) === 'audience'));

  const second = new DirectLineClient(`${app.url}v3/directline`);
  await second.generate({ user: { id: first.userId } });
  expect(second.userId).toBe(first.userId);
  await second.start('fr-BE');
  const seen = await second.pollUntil((s) => s.some((a) => question(a) === 'audience'));
  expect(seen.filter((a) => a.from.role === 'bot' && a.type === 'message').every((a) => a.locale === 'nl')).toBe(true);
  expect(seen.some((a) => question(a) === 'language')).toBe(false);
});
