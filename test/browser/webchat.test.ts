/**
 * The real page in headless Chromium, with the official Web Chat bundle, talking to our Direct Line
 * channel and an echo bot, under the page's Content-Security-Policy, on a phone-sized screen.
 */
import type { Browser } from 'playwright-core';
import { startDirectLineServer, type DirectLineServer } from '../directline/support';
import { inlineScriptRuns, launchBrowser, openChatPage, pageLanguage, PHONE, screenshot, scrollsSideways, sendBox, sendMessage, transcriptTexts, waitForDirection, waitForText, type ChatPage } from './support';

jest.setTimeout(60000);

let server: DirectLineServer;
let browser: Browser;
let chat: ChatPage;

beforeAll(async () => {
  server = await startDirectLineServer({ web: true });
  browser = await launchBrowser();
  chat = await openChatPage(browser, `${server.baseUrl}/`, { locale: 'fr-BE' });
});
afterAll(async () => {
  await chat?.close();
  await browser?.close();
  await server?.close();
});

test('the page loads in French with its header, and Web Chat shows the greeting', async () => {
  const { page } = chat;
  await waitForText(page, 'Welcome to the echo bot');
  expect(await pageLanguage(page)).toEqual({ lang: 'fr', dir: 'ltr' });
  expect(await page.title()).toBe('Boussole — assistant d\'orientation');
  await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Boussole');
  await expect(page.locator('.tagline').innerText()).resolves.toMatch(/^Assistant d'orientation automatique/);
  expect(await page.locator('.webchat__upload-button').count()).toBe(0);
  await expect(page.locator('.webchat__basic-transcript').getAttribute('dir')).resolves.toBe('ltr');
  // The privacy note opens from the header.
  await page.getByText('Comment vos données sont utilisées').click();
  await page.getByText(/effacés automatiquement/).waitFor({ state: 'visible' });
  await page.getByText('Comment vos données sont utilisées').click();
});

test('a message typed by the user is sent, marked as sent, and the reply appears', async () => {
  const { page } = chat;
  await sendMessage(page, 'bonjour $where');
  await waitForText(page, 'Echo: bonjour $where');
  const texts = await transcriptTexts(page);
  expect(texts).toEqual(expect.arrayContaining(['bonjour $where', 'Echo: bonjour $where']));
  // Web Chat writes "Send failed" / "Sending" next to messages that did not come back from the channel.
  await expect(page.locator('.webchat__activity-status--sending, .webchat__activity-status--send-failed').count()).resolves.toBe(0);
  await expect(sendBox(page).inputValue()).resolves.toBe('');
});

test('replies are pushed over the conversation\'s WebSocket stream: no polling', async () => {
  const { page } = chat;
  expect(chat.webSockets).toEqual([expect.stringMatching(/^\/v3\/directline\/conversations\/[A-Za-z0-9_-]{16,64}\/stream$/)]);
  const polls: string[] = [];
  const onRequest = (r: { method(): string; url(): string }) => {
    if (r.method() === 'GET' && /\/activities/.test(r.url())) polls.push(new URL(r.url()).pathname);
  };
  page.on('request', onRequest);
  await sendMessage(page, 'par le flux');
  await waitForText(page, 'Echo: par le flux');
  await page.waitForTimeout(1500); // longer than Web Chat's polling interval
  page.off('request', onRequest);
  expect(polls).toEqual([]);
  expect(server.stream.open).toBe(1);
});

test.each([PHONE, { width: 360, height: 640 }])('the layout fits a $width×$height screen: no sideways scrolling, send box in view', async (viewport) => {
  const { page } = chat;
  await page.setViewportSize(viewport);
  expect(await scrollsSideways(page)).toBe(false);
  const box = await sendBox(page).boundingBox();
  expect(box).not.toBeNull();
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
  await screenshot(page, `webchat-fr-${viewport.width}x${viewport.height}`);
  await page.setViewportSize(PHONE);
});

test('an Arabic reply switches the page and Web Chat to right-to-left', async () => {
  const { page } = chat;
  await sendMessage(page, 'arabic');
  await waitForText(page, 'مرحبا، كيف يمكنني مساعدتك؟');
  await waitForDirection(page, 'rtl');
  expect(await pageLanguage(page)).toEqual({ lang: 'ar', dir: 'rtl' });
  await expect(page.locator('.tagline').innerText()).resolves.toContain('بروكسل');
  // Web Chat re-rendered with dir="rtl" and kept the conversation (same store).
  await page.locator('.webchat__basic-transcript[dir="rtl"]').waitFor();
  await page.locator('.webchat__send-box[dir="rtl"]').waitFor();
  expect(await transcriptTexts(page)).toEqual(expect.arrayContaining(['Echo: bonjour $where']));
  await sendMessage(page, 'encore');
  await waitForText(page, 'Echo: encore');
  await screenshot(page, 'webchat-ar-390x844');
});

/**
 * Where each element matching `selector` draws the first and the last of `groups` (left edges, in
 * CSS pixels): a number or an hour range read left to right has its first group on the left.
 */
function drawnGroups(page: ChatPage['page'], selector: string, groups: [string, string]): Promise<Array<{ first: number; last: number; text: string }>> {
  return page.evaluate(`(() => {
    const [firstGroup, lastGroup] = ${JSON.stringify(groups)};
    const out = [];
    for (const el of document.querySelectorAll(${JSON.stringify(selector)})) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent;
        const a = text.indexOf(firstGroup);
        const b = text.lastIndexOf(lastGroup);
        if (a < 0 || b <= a) continue;
        const left = (i, n) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + n); return r.getBoundingClientRect().left; };
        out.push({ first: left(a, firstGroup.length), last: left(b, lastGroup.length), text });
      }
    }
    return out;
  })()`);
}

test('in Arabic, phone numbers are links a person taps and read left to right, in the text, the card and on the call button; the date is in Arabic', async () => {
  const { page } = chat;
  await sendMessage(page, 'arabic card');
  await page.locator('.ac-adaptiveCard').last().waitFor({ state: 'visible' });
  // The helpline in the text, the service's number in the card's facts.
  const helpline = page.locator('.webchat__bubble__content a[href="tel:+3280035243"]');
  await helpline.first().waitFor({ state: 'visible' });
  const phone = (await page.locator('.ac-adaptiveCard a[href^="tel:"]').last().getAttribute('href')) ?? '';
  expect(phone).toMatch(/^tel:\+32\d{8,9}$/);
  const local = `0${phone.slice(7, 10)} ${phone.slice(10, 12)} ${phone.slice(12, 14)} ${phone.slice(14, 16)}`;
  const [first, last] = [local.slice(0, 4), local.slice(-3)];
  for (const [selector, groups] of [
    ['.webchat__bubble__content a[href="tel:+3280035243"]', ['0800', ' 243']],
    [`.ac-adaptiveCard a[href="${phone}"]`, [first, last]],
    ['.ac-adaptiveCard .ac-pushButton', [first, last]],
    // The helpline's hours, in the text: 9:00–17:00, not 17:00–9:00.
    ['.webchat__bubble__content .webchat__text-content', ['9:00', '17:00']],
  ] as Array<[string, [string, string]]>) {
    const drawn = await drawnGroups(page, selector, groups);
    expect(drawn.length).toBeGreaterThan(0);
    for (const d of drawn) expect(d.first).toBeLessThan(d.last);
  }
  await expect(page.locator('.ac-adaptiveCard').last().innerText()).resolves.toContain('22 نوفمبر 2026');
  await screenshot(page, 'webchat-ar-card-390x844');
});

test('the page ran under its Content-Security-Policy without a violation or an error', async () => {
  expect(chat.cspViolations).toEqual([]);
  expect(chat.errors).toEqual([]);
  // The policy is really enforced (and violations are really seen): an injected inline script is blocked.
  expect(await inlineScriptRuns(chat.page)).toBe(false);
  for (let i = 0; i < 50 && !chat.cspViolations.length; i++) await new Promise((r) => setTimeout(r, 20)); // the report crosses to Node
  expect(chat.cspViolations).toEqual([expect.stringMatching(/^script-src(-elem)? inline$/)]);
});
