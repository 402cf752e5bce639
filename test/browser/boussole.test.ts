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
    env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local', DATA_DIR: `/tmp/boussole-browser-${process.pid}`, OPERATOR_NAME: 'Exemple asbl', OPERATOR_CONTACT: 'privacy@example.org' },
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
  // A one-word label is drawn on one line (never "Openingsure" / "n").
  const broken = await page.evaluate(`[...document.querySelectorAll('.ac-fact-title')].filter((el) => {
    const word = el.innerText.trim();
    if (!word || /\\s/.test(word)) return false;
    const tops = new Set();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const r = document.createRange();
      r.selectNodeContents(node);
      for (const box of r.getClientRects()) if (box.width > 0) tops.add(Math.round(box.top));
    }
    return tops.size > 1;
  }).map((el) => el.innerText)`);
  expect(broken).toEqual([]);
  await screenshot(page, 'boussole-nl-schaarbeek-390x844');
  expect(chat.cspViolations).toEqual([]);
  expect(chat.errors).toEqual([]);
});

test('a reload keeps the conversation: the cards are there again, nothing is asked again and the person goes on', async () => {
  const { page } = chat;
  const before = await page.locator('.ac-adaptiveCard').count();
  const welcome = /Bonjour, je suis Boussole|Hallo, ik ben Boussole/;
  const welcomes = await page.getByText(welcome).count();
  await page.reload();
  await waitForText(page, 'Deze diensten helpen bij een uitzetting');
  await page.locator('.ac-adaptiveCard').nth(before - 1).waitFor({ state: 'visible' });
  expect(await page.locator('.ac-adaptiveCard').count()).toBe(before);
  // One welcome, the one from the start of the conversation: the reload did not start a new one.
  expect(welcomes).toBeGreaterThan(0);
  expect(await page.getByText(welcome).count()).toBe(welcomes);
  await sendMessage(page, 'meer');
  await page.locator('.webchat__bubble--from-user').getByText('meer').waitFor({ state: 'visible' });
  // Sent on the resumed conversation: the message is marked sent once the channel has it.
  await page.locator('.webchat__activity-status--sending').first().waitFor({ state: 'detached', timeout: 10000 });
  await expect(page.locator('.webchat__activity-status--send-failed').count()).resolves.toBe(0);
  await screenshot(page, 'boussole-nl-reloaded-390x844');
  expect(chat.errors).toEqual([]);
});

test('a new tab starts a new conversation, in the language this device chose before, without asking it', async () => {
  const second = await chat.page.context().newPage();
  try {
    await second.goto(app.url);
    await waitForText(second, 'Hallo, ik ben Boussole');
    await waitForText(second, 'Vraag je het voor jezelf');
    expect(await second.getByText('Welke taal verkies je?').count()).toBe(0);
    expect(await second.getByText('Deze diensten helpen bij een uitzetting').count()).toBe(0);
  } finally {
    await second.close();
  }
});

test('"forget me": the confirmation stays as the page\'s notice, the conversation leaves the screen and the device forgets its id; a new conversation starts', async () => {
  const { page } = chat;
  const before = await page.evaluate("window.localStorage.getItem('boussole.user')");
  expect(before).toEqual(expect.any(String));
  await sendMessage(page, 'vergeet mij');
  const notice = page.locator('#notice');
  await notice.getByText('Klaar: je gesprek en je antwoorden zijn gewist.').waitFor({ state: 'visible' });
  // A new conversation: its welcome, and nothing of the old one on the screen.
  // (Polled from here: the page's CSP forbids the evaluated predicates of waitForFunction.)
  const cleared = "(() => { const t = document.querySelector('.webchat__basic-transcript'); return Boolean(t) && !/uitzetting|Klaar: je gesprek/.test(t.innerText) && /Hallo, ik ben Boussole/.test(t.innerText); })()";
  for (let i = 0; i < 150 && !(await page.evaluate(cleared)); i++) await page.waitForTimeout(100);
  const transcript = await page.locator('.webchat__basic-transcript').innerText();
  expect(transcript).not.toMatch(/uitzetting|schaarbeek|Klaar: je gesprek/i);
  // The person's own messages left the screen too.
  await expect(page.locator('.webchat__bubble--from-user').count()).resolves.toBe(0);
  await expect(page.locator('.webchat__activity-status--sending, .webchat__activity-status--send-failed').count()).resolves.toBe(0);
  const after = await page.evaluate("window.localStorage.getItem('boussole.user')");
  expect(after).not.toBe(before);
  await screenshot(page, 'boussole-nl-forgotten-390x844');
  expect(chat.errors).toEqual([]);
});

test('the page\'s own buttons: restart and change language work without typing; erasing asks first, then erases', async () => {
  const visitor = await openChatPage(browser, app.url, { locale: 'fr-BE', viewport: PHONE });
  try {
    const { page } = visitor;
    await waitForText(page, 'Quelle langue préférez-vous ?');
    // The privacy notice says who runs the service and how to reach them (from the settings).
    await page.getByText('Comment vos données sont utilisées').click();
    await page.locator('#operator').getByText(/Boussole est un service de Exemple asbl/).waitFor({ state: 'visible' });
    await expect(page.locator('#operator a').getAttribute('href')).resolves.toBe('mailto:privacy@example.org');
    await page.getByText('Comment vos données sont utilisées').click();
    await clickSuggestedAction(page, 'Français');
    await waitForText(page, /pour vous/);
    const menu = page.locator('#chat-menu summary');
    await menu.click();
    await page.getByRole('button', { name: 'Recommencer' }).click();
    await waitForText(page, /on recommence/);
    await expect(page.locator('#chat-menu').getAttribute('open')).resolves.toBeNull();
    await menu.click();
    await screenshot(page, 'boussole-fr-menu-390x844');
    await page.getByRole('button', { name: 'Changer de langue' }).click();
    await page.locator('.webchat__bubble--from-user').getByText('changer de langue').waitFor({ state: 'visible' });
    await page.locator('.webchat__suggested-actions').getByRole('button', { name: 'Nederlands' }).waitFor({ state: 'visible' });
    // Erasing: refused once (nothing happens), then accepted.
    let answer = false;
    const asked: string[] = [];
    page.on('dialog', (d) => {
      asked.push(d.message());
      void (answer ? d.accept() : d.dismiss());
    });
    await menu.click();
    await page.getByRole('button', { name: 'Effacer mes données' }).click();
    expect(asked).toEqual([expect.stringMatching(/ne peut pas être annulé/)]);
    expect(await page.locator('.webchat__bubble--from-user').getByText('efface mes données').count()).toBe(0);
    answer = true;
    await menu.click();
    await page.getByRole('button', { name: 'Effacer mes données' }).click();
    await page.locator('#notice').getByText(/votre conversation et vos réponses ont été effacées/).waitFor({ state: 'visible' });
    expect(visitor.errors).toEqual([]);
  } finally {
    await visitor.close();
  }
});

test('a French page where the person picks Arabic: the welcome and the privacy lines again in Arabic, right to left; the French bubbles before stay left to right', async () => {
  const ar = await openChatPage(browser, app.url, { locale: 'fr-BE', viewport: PHONE });
  try {
    const p = ar.page;
    await waitForText(p, 'Je ne demande pas votre nom');
    await clickSuggestedAction(p, 'العربية');
    await waitForText(p, 'لا أطلب اسمك');
    await waitForText(p, 'هل تسأل لنفسك');
    // Each bubble is drawn in the direction of its own text: where its first letter stands.
    const startsAt = (text: string) =>
      p.evaluate(`(() => {
        const bubble = [...document.querySelectorAll('.webchat__bubble__content')].find((b) => b.innerText.includes(${JSON.stringify(text)}));
        const walker = document.createTreeWalker(bubble, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP) });
        const node = walker.nextNode();
        const range = document.createRange();
        const at = node.textContent.search(/\\S/);
        range.setStart(node, at);
        range.setEnd(node, at + 1);
        const letter = range.getBoundingClientRect();
        const box = bubble.getBoundingClientRect();
        return letter.left - box.left < box.right - letter.right ? 'left' : 'right';
      })()`);
    await expect(startsAt('Je ne demande pas votre nom')).resolves.toBe('left');
    await expect(startsAt('لا أطلب اسمك')).resolves.toBe('right');
    // Said once in Arabic, not at every step.
    await clickSuggestedAction(p, 'لي أو لشخص قريب مني');
    await waitForText(p, /السكن/);
    expect(await p.locator('.webchat__bubble__content', { hasText: 'لا أطلب اسمك' }).count()).toBe(1);
    await screenshot(p, 'resident-fr-then-ar-welcome-390x844');
    expect(ar.errors).toEqual([]);
  } finally {
    await ar.close();
  }
});

test('a crisis message: after the calm words, the numbers stand out in their own block, with a call button for each', async () => {
  const crisis = await openChatPage(browser, app.url, { locale: 'fr-BE', viewport: PHONE });
  try {
    const { page } = crisis;
    await waitForText(page, /Boussole/);
    await sendMessage(page, "j'en peux plus je veux mourir");
    const block = page.locator('[id^="boussole-crisis"]').first();
    await block.waitFor({ state: 'visible' });
    await expect(block.innerText()).resolves.toContain('En danger ? Appelez maintenant');
    const buttons = block.locator('.ac-pushButton');
    const titles = await buttons.allInnerTexts();
    expect(titles).toEqual(expect.arrayContaining(['Appeler 112']));
    expect(titles.length).toBeGreaterThanOrEqual(2);
    // Each number on one line, and the block in the crisis colours.
    const styles = (await page.evaluate(`[...document.querySelectorAll('[id^="boussole-crisis"] .ac-pushButton')].map((el) => ({ background: getComputedStyle(el).backgroundColor, wrap: getComputedStyle(el).whiteSpace }))`)) as Array<{ background: string; wrap: string }>;
    expect(styles.length).toBe(titles.length);
    for (const style of styles) expect(style).toEqual({ background: 'rgb(176, 0, 32)', wrap: 'nowrap' });
    await expect(page.evaluate(`getComputedStyle(document.querySelector('[id^="boussole-crisis"]')).backgroundColor`)).resolves.toBe('rgb(253, 232, 232)');
    await block.scrollIntoViewIfNeeded();
    await screenshot(page, 'boussole-fr-crisis-390x844');
    expect(crisis.errors).toEqual([]);
  } finally {
    await crisis.close();
  }
});

test.each<[string, string, RegExp[]]>([
  ['fr', 'Logement', [/Question : Quelle est votre situation de logement/, /Expulsion|expulsion/, /Services proposés : .*Samusocial/s, /Filet de sécurité/]],
  ['nl', 'Wonen', [/Vraag: /, /Voorgestelde diensten: /, /Veiligheidsnet/]],
  ['ar', 'السكن', [/سؤال: /, /الخدمات المقترحة: /, /شبكة الأمان/]],
])('the journeys page in %s draws every journey in plain words: questions, answers on the arrows, services by name, the safety net first; ids only on hover', async (lang, housing, expected) => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.goto(`${app.url}journeys?lang=${lang}`);
  await page.locator('body[data-drawn="1"]').waitFor({ state: 'attached', timeout: 30000 });
  expect(await page.locator('pre.mermaid svg').count()).toBe(7);
  const section = page.locator('section').filter({ has: page.getByRole('heading', { name: housing }) });
  const words = await section.innerText();
  for (const e of expected) expect(words).toMatch(e);
  // No internal id or locale key in what is read; the ids are tooltips.
  expect(words).not.toMatch(/ask_situation|rec_no_roof|housing_situation|logement\.ask|\bno_roof\b/);
  expect(await section.locator('g.node title').allTextContents()).toEqual(expect.arrayContaining(['ask_situation', 'rec_no_roof']));
  if (lang === 'fr') await screenshot(page, 'journeys-fr-1366x900');
  await page.close();
});
