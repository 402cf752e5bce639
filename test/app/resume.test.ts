/**
 * Conversation position and facts live in MongoDB: a conversation started on one instance goes on
 * on another after a restart. And a need nothing fits is recorded for planners, without personal data.
 */
import crypto from 'node:crypto';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { silentLogger } from '../../src/logging/logger';
import { DirectLineClient, type WireActivity } from '../directline/support';

const env = { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local' };
const question = (a: WireActivity) => (a.channelData as { question?: { slot: string } } | undefined)?.question?.slot;
const lastQuestion = (seen: WireActivity[]) => seen.filter((a) => a.from.role === 'bot').map(question).filter(Boolean).pop();

let second: RunningBoussole | undefined;
afterAll(async () => {
  await second?.database.db.dropDatabase().catch(() => undefined);
  await second?.close();
});

test('a conversation resumes on another instance after a restart, and an unmet need is recorded without personal data', async () => {
  const first = await startBoussole({ env, log: silentLogger });
  const dl = new DirectLineClient(`${first.url}v3/directline`);
  await dl.generate();
  await dl.start('nl-BE');
  await dl.pollUntil((s) => lastQuestion(s) === 'language');
  for (const [text, next] of [['Nederlands', 'audience'], ['Voor mij of iemand dichtbij', 'theme'], ['Geestelijke gezondheid', 'mh_danger_now'], ['Nee', 'for_whom'], ['Voor mijn kind', 'age']] as const) {
    await dl.say(text);
    await dl.pollUntil((s) => lastQuestion(s) === next);
  }
  await first.close();

  // A new instance on the same database: same token (its key is shared through the database).
  second = await startBoussole({ env, log: silentLogger });
  const again = Object.assign(new DirectLineClient(`${second.url}v3/directline`), { token: dl.token, conversationId: dl.conversationId, userId: dl.userId, watermark: dl.watermark });
  for (const [text, next] of [['12', 'mh_need'], ['Een team dat aan huis komt', 'commune']] as const) {
    await again.say(text);
    await again.pollUntil((s) => lastQuestion(s) === next);
  }
  await again.say('Jette');
  await again.pollUntil((s) => s.some((a) => (a.channelData as { orientation?: { unmet?: boolean } } | undefined)?.orientation?.unmet));

  const needs = await second.database.db.collection('unmet_needs').find({}, { projection: { _id: 0, at: 0 } }).toArray();
  expect(needs).toEqual([{ journey: 'sante_mentale', node: 'rec_crisis', themes: ['sante_mentale'], tags: ['crisis_team'], bassin: 'nord', facts: { language: 'nl', audience: 'resident', theme: 'sante_mentale', mh_danger_now: false, for_whom: 'child', age_band: '10-19', mh_need: 'crisis_team' } }]);
});
