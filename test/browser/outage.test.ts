/**
 * What a person sees in the browser when the database stops answering: the numbers and a notice
 * that the message is kept, at once and in their language (here Arabic, right to left, on a phone);
 * the real answer when it is back, each reply shown once. And when the server cannot be reached at
 * all, the page's own notice with the numbers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { alive, startApp, type AppProcess } from '../faults/support';
import { launchBrowser, openChatPage, PHONE, screenshot, sendMessage, transcriptTexts, waitForDirection, waitForText, type ChatPage } from './support';

jest.setTimeout(120_000);

let app: AppProcess;
let browser: Browser;
let chat: ChatPage;
let paused: number | undefined;

beforeAll(async () => {
  app = await startApp(fs.mkdtempSync(path.join(os.tmpdir(), 'outage-')));
  browser = await launchBrowser();
  chat = await openChatPage(browser, app.url, { locale: 'ar', viewport: PHONE });
});
afterAll(async () => {
  if (paused && alive(paused)) process.kill(paused, 'SIGCONT');
  await chat?.close();
  await browser?.close();
  await app?.stop();
});

test('database paused: a message in Arabic saying "I want to die" gets 112 and the notice at once, then the answer when it is back, each shown once', async () => {
  const { page } = chat;
  await waitForText(page, /Boussole/, 30_000);
  paused = app.ferretPid();
  process.kill(paused, 'SIGSTOP');
  await sendMessage(page, 'أريد أن أموت، لا أستطيع الاستمرار');
  await waitForText(page, /وصلت رسالتك وهي محفوظة/, 20_000);
  await waitForText(page, /112/);
  await waitForDirection(page, 'rtl');
  await screenshot(page, 'outage-ar-phone-standby');

  process.kill(paused, 'SIGCONT');
  paused = undefined;
  // The stored answer arrives: the safety replies again, now from the bot (the message went through the journey).
  const deadline = Date.now() + 60_000;
  while ((await transcriptTexts(page)).filter((t) => t.includes('112')).length < 2) {
    if (Date.now() > deadline) throw new Error(`no stored answer: ${JSON.stringify(await transcriptTexts(page))}`);
    await page.waitForTimeout(250);
  }
  await page.waitForTimeout(22_000); // past Web Chat's 20 s send timeout
  const texts = await transcriptTexts(page);
  const notices = texts.filter((t) => t.includes('وصلت رسالتك وهي محفوظة'));
  expect(notices).toHaveLength(1);
  expect(texts.filter((t) => t.includes('أريد أن أموت'))).toHaveLength(1); // the person's message once, not once per copy
  // Marked as sent (echoed from memory, then stored): no "send failed" on it, and no notice of the page's own.
  expect(await page.locator('.webchat__activity-status--sending').count()).toBe(0); // shown while sending or failed, gone once sent
  expect(await page.locator('#notice').isHidden()).toBe(true);
  await screenshot(page, 'outage-ar-phone-after');
});

test('the server cannot take a message: the page shows its own notice with the numbers', async () => {
  const { page } = chat;
  await page.route('**/v3/directline/conversations/*/activities', (route) => (route.request().method() === 'POST' ? route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"unavailable","message":"down"}}' }) : route.continue()));
  await sendMessage(page, 'مرحبا');
  const notice = page.locator('#notice');
  await notice.waitFor({ state: 'visible', timeout: 30_000 });
  expect(await notice.innerText()).toMatch(/112/);
  expect(await notice.innerText()).toMatch(/تعذّر إرسال رسالتك/);
  await screenshot(page, 'outage-ar-phone-send-failed');
  await page.unroute('**/v3/directline/conversations/*/activities');
});

test('a new visitor while the server cannot be reached: the numbers at once, then the chat starts by itself when it is back', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'fr-BE', isMobile: true, hasTouch: true });
  const page = await context.newPage();
  try {
    let refused = 0;
    await page.route('**/v3/directline/tokens/generate', (route) => {
      refused += 1;
      return route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"unavailable","message":"down"}}' });
    });
    await page.goto(app.url);
    const notice = page.locator('#notice');
    await notice.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await notice.innerText()).toMatch(/112/);
    expect(await notice.innerText()).toMatch(/réessaie toute seule/);
    // The numbers can be tapped.
    expect(await notice.locator('a[href="tel:112"]').count()).toBe(1);
    expect(await notice.locator('a[href="tel:+3280035243"]').count()).toBe(1);
    await screenshot(page, 'outage-fr-phone-cannot-start');
    // It keeps trying by itself (2 s, then 4 s…); the server comes back.
    const deadline = Date.now() + 20_000;
    while (refused < 2 && Date.now() < deadline) await page.waitForTimeout(250);
    expect(refused).toBeGreaterThanOrEqual(2);
    await page.unroute('**/v3/directline/tokens/generate');
    await page.locator('[data-id="webchat-sendbox-input"]').waitFor({ state: 'visible', timeout: 40_000 });
    await page.locator('.webchat__basic-transcript').getByText(/Boussole/).first().waitFor({ timeout: 20_000 });
    await notice.waitFor({ state: 'hidden', timeout: 10_000 });
  } finally {
    await context.close();
  }
});
