/**
 * The whole product in a browser: the real app (embedded database over the wire, seeded catalogue,
 * real NLU and journeys) served to headless Chromium. A person chooses Dutch, asks for housing help
 * in Schaerbeek and sees service cards; the journeys page renders its diagrams.
 */
import crypto from 'node:crypto';
import type { Browser } from 'playwright-core';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { silentLogger } from '../../src/logging/logger';
import { clickSuggestedAction, launchBrowser, openChatPage, PHONE, screenshot, sendMessage, waitForText, type ChatPage } from './support';

jest.setTimeout(90000);

let app: RunningBoussole;
let browser: Browser;
let chat: ChatPage;

beforeAll(async () => {
  app = await startBoussole({
    env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local', DATA_DIR: `/tmp/boussole-browser-${process.pid}` },
    log: silentLogger,
  });
  browser = await launchBrowser();
  chat = await openChatPage(browser, app.url, { locale: 'fr-BE', viewport: PHONE });
});
afterAll(async () => {
  await chat?.close();
  await browser?.close();
  await app?.database.db.dropDatabase().catch(() => undefined);
  await app?.close();
});

test('a resident chooses Dutch, asks for housing help in Schaerbeek, and sees service cards', async () => {
  const { page } = chat;
  await waitForText(page, /Boussole/);
  await clickSuggestedAction(page, 'Nederlands');
  await waitForText(page, 'Vraag je het voor jezelf');
  await clickSuggestedAction(page, 'Voor mij of iemand dichtbij');
  await waitForText(page, 'Waarover gaat het?');
  await sendMessage(page, 'ik zoek hulp met mijn woning in schaarbeek, ik word uit mijn huis gezet');
  await waitForText(page, 'Deze diensten helpen bij een uitzetting');
  // Adaptive Cards: the commune's OCMW/CPAS first, with a phone or address line where known.
  const cards = page.locator('.ac-adaptiveCard');
  await cards.first().waitFor({ state: 'visible' });
  expect(await cards.count()).toBeGreaterThanOrEqual(3);
  await expect(cards.first().innerText()).resolves.toMatch(/Schaarbeek|Schaerbeek/);
  await expect(cards.first().innerText()).resolves.toMatch(/In je gemeente/);
  await screenshot(page, 'boussole-nl-schaarbeek-390x844');
  expect(chat.cspViolations).toEqual([]);
  expect(chat.errors).toEqual([]);
});

test('after a reload the same person is greeted in Dutch, without being asked the language again', async () => {
  const { page } = chat;
  await page.reload();
  await waitForText(page, 'Hallo, ik ben Boussole');
  await waitForText(page, 'Vraag je het voor jezelf');
  expect(await page.getByText('Welke taal verkies je?').count()).toBe(0);
});

test('the journeys page shows every journey as a rendered diagram', async () => {
  const page = await browser.newPage();
  await page.goto(`${app.url}journeys`);
  await page.locator('pre.mermaid svg').first().waitFor({ state: 'attached', timeout: 20000 });
  expect(await page.locator('pre.mermaid svg').count()).toBe(7);
  await page.close();
});
