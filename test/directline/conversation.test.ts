/** A whole web chat conversation over HTTP, driven the way botframework-directlinejs drives it. */
import { MessageFactory, TurnContext, type ConversationReference } from 'botbuilder';
import { ConversationNotFoundError } from '../../src/channels/directline/errors';
import { TURN_ERROR_EVENT } from '../../src/channels/directline/adapter';
import { botMessages, call, CARD, DirectLineClient, startDirectLineServer, type DirectLineServer, type WireActivity } from './support';
import { storedIn } from '../support/store';

let server: DirectLineServer;
beforeAll(async () => {
  server = await startDirectLineServer();
});
afterAll(async () => server.close());

async function startedClient(locale = 'en-US'): Promise<DirectLineClient> {
  const client = new DirectLineClient(server.api);
  expect((await client.generate()).status).toBe(200);
  expect((await client.start(locale)).status).toBe(201);
  await client.pollUntil((seen) => botMessages(seen).includes('Welcome to the echo bot'));
  return client;
}

function referenceOf(activity: WireActivity): Partial<ConversationReference> {
  return TurnContext.getConversationReference(activity as unknown as Parameters<typeof TurnContext.getConversationReference>[0]);
}

test('generate, start, poll, post, poll, refresh and resume: the calls Web Chat makes', async () => {
  const client = new DirectLineClient(server.api);
  const generated = await client.generate();
  expect(generated.status).toBe(200);
  expect(generated.body).toEqual({ conversationId: expect.stringMatching(/^[A-Za-z0-9_-]{16,64}$/), token: expect.any(String), expires_in: 1800 });
  expect(client.userId).toMatch(/^dl_/); // Web Chat reads the user id from the token's `user` claim

  const started = await client.start('fr-FR');
  expect(started.status).toBe(201);
  expect(started.body).toMatchObject({ conversationId: client.conversationId, token: expect.any(String), expires_in: 1800 });

  const greeting = (await client.pollUntil((seen) => seen.length > 0))[0];
  expect(greeting).toMatchObject({ type: 'message', text: 'Welcome to the echo bot', locale: 'fr-FR', from: { id: 'boussole', role: 'bot' }, conversation: { id: client.conversationId }, channelId: 'directline' });
  const watermarkAfterGreeting = client.watermark;
  expect(watermarkAfterGreeting).toBe('1');

  const posted = await client.say('hello', { locale: 'fr-FR' });
  expect(posted.status).toBe(200);
  expect(posted.body.id).toBe(`${client.conversationId}|0000002`);

  await client.pollUntil((seen) => botMessages(seen).includes('Echo: hello'));
  const [mine, reply] = client.seen.slice(1);
  // Web Chat marks a message as sent when it comes back with its clientActivityID.
  expect(mine).toMatchObject({ id: posted.body.id, type: 'message', text: 'hello', from: { id: client.userId, role: 'user' }, channelData: { clientActivityID: expect.stringMatching(/^c1-/) } });
  expect(reply).toMatchObject({ id: `${client.conversationId}|0000003`, text: 'Echo: hello', replyToId: posted.body.id, locale: 'fr-FR' });
  for (const a of [greeting, mine, reply]) {
    expect(a).toMatchObject({ conversation: { id: client.conversationId }, channelId: 'directline', serviceUrl: expect.any(String) });
    expect(Number.isNaN(Date.parse(a.timestamp))).toBe(false);
  }

  // Polling from the last watermark returns nothing new and keeps the watermark.
  const again = await client.poll();
  expect(again.body).toEqual({ activities: [], watermark: '3' });
  // An empty watermark returns the whole conversation again.
  const all = await call<{ activities: WireActivity[] }>(`${server.api}/conversations/${client.conversationId}/activities?watermark=`, { token: client.token });
  expect(all.body.activities.map((a) => a.text)).toEqual(['Welcome to the echo bot', 'hello', 'Echo: hello']);

  const refreshed = await call<{ conversationId: string; token: string }>(`${server.api}/tokens/refresh`, { method: 'POST', token: client.token });
  expect(refreshed.status).toBe(200);
  expect(refreshed.body.conversationId).toBe(client.conversationId);
  client.token = refreshed.body.token;
  expect((await client.say('after refresh')).status).toBe(200);
  await client.pollUntil((seen) => botMessages(seen).includes('Echo: after refresh'));

  const resumed = await call<{ conversationId: string; token: string; expires_in: number }>(`${server.api}/conversations/${client.conversationId}?watermark=${client.watermark}`, { token: client.token });
  expect(resumed.status).toBe(200);
  expect(resumed.body).toMatchObject({ conversationId: client.conversationId, token: expect.any(String), expires_in: 1800 });

  // Starting again with the same token does not create a second conversation nor a second greeting.
  const restarted = await client.start('fr-FR');
  expect(restarted.status).toBe(200);
  await server.adapter.drain();
  expect(botMessages((await call<{ activities: WireActivity[] }>(`${server.api}/conversations/${client.conversationId}/activities`, { token: client.token })).body.activities).filter((t) => t.startsWith('Welcome'))).toHaveLength(1);
});

test('replies come back in the order the messages were posted, with contiguous watermarks', async () => {
  const client = await startedClient();
  const words = ['one', 'two', 'three', 'four', 'five', 'six'];
  // Posted without waiting for each other, as fast as a user tapping suggested actions.
  const posted = await Promise.all(words.map((w) => client.say(w === 'three' ? 'three' : w)));
  expect(posted.every((p) => p.status === 200)).toBe(true);
  await client.pollUntil((seen) => botMessages(seen).length >= 1 + 5 + 3);
  const replies = botMessages(client.seen).slice(1);
  const userOrder = client.seen.filter((a) => a.from.role === 'user').map((a) => a.text);
  const expected = userOrder.flatMap((w) => (w === 'three' ? ['part 1', 'part 2', 'part 3'] : [`Echo: ${w}`]));
  expect(replies).toEqual(expected);
  const seqs = client.seen.map((a) => Number(a.id.split('|')[1]));
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
});

test('text that looks like a database operator is stored and echoed as plain text (database round trip)', async () => {
  const client = await startedClient();
  const hostile = ['{"$gt": ""}', '$where', '{"$ne": null}', 'a.b.$c'];
  for (const text of hostile) expect((await client.say(text, { value: { $where: 'sleep(1000)', 'dotted.key': text } })).status).toBe(200);
  await client.pollUntil((seen) => botMessages(seen).length >= 1 + hostile.length);
  expect(botMessages(client.seen).slice(1)).toEqual(hostile.map((t) => `Echo: ${t}`));
  const stored = await server.repository.listActivities(client.conversationId, 0, 100);
  const userStored = stored.map((s) => s.activity).filter((a) => (a.from as { role: string }).role === 'user');
  expect(userStored.map((a) => a.text)).toEqual(hostile);
  expect(userStored[0].value).toEqual({ $where: 'sleep(1000)', 'dotted.key': hostile[0] });
  const raw = await (await storedIn(server.testDb.db)).activities(client.conversationId).findOne({ conversationId: client.conversationId, seq: 2 });
  expect(typeof raw?.json).toBe('string');
});

test('an Adaptive Card with a $schema key survives storage', async () => {
  const client = await startedClient();
  await client.say('card');
  const seen = await client.pollUntil((s) => s.some((a) => a.attachments?.length));
  expect(seen.find((a) => a.attachments?.length)?.attachments).toEqual([CARD]);
});

test('typing signals are acknowledged but neither stored nor sent to the bot', async () => {
  const client = await startedClient();
  const typing = await client.post({ type: 'typing', from: { id: client.userId } });
  expect(typing.status).toBe(200);
  await server.adapter.drain();
  const r = await client.poll();
  expect(r.body.activities).toEqual([]);
});

test('a proactive message through continueConversation appears in the poll', async () => {
  const client = await startedClient('nl-NL');
  await client.say('I need help', { locale: 'nl-NL' });
  await client.pollUntil((seen) => botMessages(seen).includes('Echo: I need help'));
  const userActivity = client.seen.find((a) => a.text === 'I need help');
  const reference = referenceOf(userActivity!);

  await server.adapter.continueConversation(reference, async (ctx) => {
    await ctx.sendActivity(MessageFactory.text('A helpdesk agent answers'));
  });
  await server.adapter.continueConversationAsync('', reference, async (ctx) => {
    await ctx.sendActivity(MessageFactory.text('And again'));
  });
  await client.pollUntil((seen) => botMessages(seen).includes('And again'));
  const proactive = client.seen.filter((a) => a.text === 'A helpdesk agent answers' || a.text === 'And again');
  expect(proactive.map((a) => a.text)).toEqual(['A helpdesk agent answers', 'And again']);
  expect(proactive[0]).toMatchObject({ from: { id: 'boussole', role: 'bot' }, conversation: { id: client.conversationId }, locale: 'nl-NL' });

  await expect(server.adapter.continueConversation({ ...reference, conversation: { id: 'unknownConversation00', isGroup: false, conversationType: '', name: '' } }, async () => undefined)).rejects.toBeInstanceOf(ConversationNotFoundError);
  await expect(server.adapter.continueConversation(reference, async () => { throw new Error('helpdesk down'); })).rejects.toThrow('helpdesk down');
});

test('a failing turn sends a neutral error event and logs no message text', async () => {
  const client = await startedClient();
  server.logLines.length = 0;
  await client.say('fail');
  const seen = await client.pollUntil((s) => s.some((a) => a.type === 'event'));
  const event = seen.find((a) => a.type === 'event')!;
  expect(event).toMatchObject({ name: TURN_ERROR_EVENT, from: { role: 'bot' } });
  expect(JSON.stringify(event)).not.toContain('failure');
  const failure = server.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'directline.turn.failed');
  expect(failure).toMatchObject({ level: 'error', conversationId: client.conversationId, errorName: 'Error', frames: expect.arrayContaining([expect.stringMatching(/^at /)]) });
  expect(server.logLines.join('\n')).not.toMatch(/bot failure|"fail"/);
  // The conversation goes on.
  await client.say('still there?');
  await client.pollUntil((s) => botMessages(s).includes('Echo: still there?'));
});

test('drain() waits for turns in flight (graceful shutdown)', async () => {
  const client = await startedClient();
  expect((await client.say('slow')).status).toBe(200);
  await server.adapter.drain();
  expect(server.adapter.pendingTurns).toBe(0);
  const stored = await server.repository.listActivities(client.conversationId, 0, 100);
  expect(stored.map((s) => s.activity.text)).toContain('Echo: slow');
});

test('"forget my data" erases what was said; the bot can still confirm, above the old watermark', async () => {
  const client = await startedClient();
  await client.say('my private words');
  await client.pollUntil((seen) => botMessages(seen).includes('Echo: my private words'));
  const reference = referenceOf(client.seen.find((a) => a.text === 'my private words')!);

  expect(await server.repository.eraseConversation(client.conversationId)).toBe(true);
  const raw = await (await storedIn(server.testDb.db)).activities(client.conversationId).find({ conversationId: client.conversationId }).toArray();
  expect(raw).toEqual([]);
  const fromScratch = await call<{ activities: WireActivity[] }>(`${server.api}/conversations/${client.conversationId}/activities`, { token: client.token });
  expect(fromScratch.body.activities).toEqual([]);

  await server.adapter.continueConversation(reference, async (ctx) => {
    await ctx.sendActivity('Your data is erased');
  });
  await client.pollUntil((seen) => botMessages(seen).includes('Your data is erased'));

  // Ending the conversation too: the next poll says it is gone (Web Chat treats 404 as ended).
  expect(await server.repository.eraseConversation(client.conversationId, { end: true })).toBe(true);
  expect((await client.poll()).status).toBe(404);
});
