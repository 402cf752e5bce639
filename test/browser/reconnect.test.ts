/**
 * A phone loses its connection in the middle of a conversation (the Direct Line stream drops, as
 * when a train enters a tunnel): the page takes the conversation up again by itself, the reply
 * written while it was down arrives once, and nothing said before is lost or shown twice.
 * The real app and database; the stream goes through the browser's WebSocket route, which the
 * test cuts.
 */
import crypto from 'node:crypto';
import type { Browser, WebSocketRoute } from 'playwright-core';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { silentLogger } from '../../src/logging/logger';
import { clickSuggestedAction, launchBrowser, openChatPage, PHONE, sendMessage, transcriptTexts, waitForText, type ChatPage } from './support';

jest.setTimeout(120000);

let app: RunningBoussole;
let browser: Browser;
let chat: ChatPage;
/** Every stream the page opened, in order; the last one is live. */
const streams: WebSocketRoute[] = [];

beforeAll(async () => {
  app = await startBoussole({ env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local', DATA_DIR: `/tmp/boussole-reconnect-${process.pid}` }, log: silentLogger });
  browser = await launchBrowser();
  chat = await openChatPage(browser, app.url, {
    locale: 'fr-BE',
    viewport: PHONE,
    prepare: (page) =>
      page.routeWebSocket(/\/stream/, (ws) => {
        ws.connectToServer();
        streams.push(ws);
      }),
  });
});
afterAll(async () => {
  await chat?.close();
  await browser?.close();
  await app?.database.db.dropDatabase().catch(() => undefined);
  await app?.close();
});

test('the stream drops mid-conversation: the page reconnects by itself, a reply written meanwhile arrives once, nothing is lost', async () => {
  const p = chat.page;
  await clickSuggestedAction(p, 'Français');
  await waitForText(p, /Vous demandez pour vous/);
  expect(streams.length).toBe(1);

  // The connection drops; the person goes on writing (a message is an HTTP request, not the stream).
  await streams[0].close({ code: 1006, reason: 'network lost' }).catch(() => undefined);
  await clickSuggestedAction(p, 'Pour moi ou un proche');

  // A new stream from the last message seen (Direct Line's resume), and the reply to what was written.
  await waitForText(p, /De quoi s.agit-il/, 20000);
  expect(streams.length).toBeGreaterThanOrEqual(2);
  await sendMessage(p, 'logement');
  // The bot's answer to it, after the person's own bubble.
  for (let tries = 0; ; tries++) {
    const t = await transcriptTexts(p);
    if (t.lastIndexOf('logement') >= 0 && t.length > t.lastIndexOf('logement') + 1) break;
    if (tries > 100) throw new Error(`no answer to "logement": ${JSON.stringify(t)}`);
    await p.waitForTimeout(100);
  }

  // Every message once, in order.
  const texts = await transcriptTexts(p);
  const count = (re: RegExp) => texts.filter((t) => re.test(t)).length;
  expect(count(/Vous demandez pour vous/)).toBe(1);
  expect(count(/De quoi s.agit-il/)).toBe(1);
  expect(texts.findIndex((t) => /Vous demandez pour vous/.test(t))).toBeLessThan(texts.findIndex((t) => /De quoi s.agit-il/.test(t)));
  // No error notice left on screen, no page error.
  expect(await p.locator('#notice').isHidden()).toBe(true);
  expect(chat.errors).toEqual([]);
});
