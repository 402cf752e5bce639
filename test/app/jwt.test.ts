/** With an app id configured, /api/messages requires a valid Bot Framework JWT: no token, no turn. */
import crypto from 'node:crypto';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { silentLogger } from '../../src/logging/logger';
import { call } from '../directline/support';
import { storedIn } from '../support/store';

let app: RunningBoussole;
beforeAll(async () => {
  app = await startBoussole({
    env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'not-a-real-secret' },
    log: silentLogger,
  });
});
afterAll(async () => {
  await app.database.db.dropDatabase().catch(() => undefined);
  await app.close();
});

test.each<[string, Record<string, string>]>([
  ['no Authorization header', {}],
  ['a forged bearer token', { Authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIn0.' }],
])('%s → 401, and the bot does not run', async (_n, headers) => {
  const activity = { type: 'message', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9/', from: { id: 'u' }, recipient: { id: 'b' }, conversation: { id: 'c-jwt' }, text: 'bonjour', deliveryMode: 'expectReplies' };
  const r = await call(`${app.url}api/messages`, { method: 'POST', json: activity, headers });
  expect(r.status).toBe(401);
  expect(await (await storedIn(app.database.db)).findAll('bot_state')).toEqual([]);
});
