/**
 * axe-core (WCAG 2.1 A/AA rules) on every page a person or a staff member opens: the resident page
 * with a conversation under way (French, then Arabic: right to left), the Helpdesk console signed
 * out and signed in with a case open, and the journeys page. Also the resident page at 320 px wide
 * with the text at 200%: the message box stays on screen. The real app on the embedded database.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { createAccount } from '../../src/helpdesk/create-account';
import { silentLogger } from '../../src/logging/logger';
import { AuditRepository } from '../../src/repositories/audit-repository';
import { StaffRepository } from '../../src/repositories/staff-repository';
import { clickSuggestedAction, launchBrowser, openChatPage, PHONE, screenshot, sendBox, sendMessage, waitForText } from './support';

jest.setTimeout(120000);

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'staff password for the a11y test';
let app: RunningBoussole;
let browser: Browser;

beforeAll(async () => {
  app = await startBoussole({
    env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local', DATA_DIR: `/tmp/boussole-a11y-${process.pid}` },
    log: silentLogger,
    now: () => new Date('2026-11-25T10:00:00+01:00'),
  });
  await createAccount(new StaffRepository(app.database.db), new AuditRepository(app.database.db, 365), { email: 'ines@helpdesk.example', name: 'Inès', role: 'admin', bassins: [], password: PASSWORD });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.database.db.dropDatabase().catch(() => undefined);
  await app?.close();
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe's verdict on the page as it is now; evaluate() is not subject to the page's CSP. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate("axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))")) as Violation[];
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test.each<[string, string, string, string]>([
  ['French', 'fr-BE', 'Français', 'logement insalubre a etterbeek'],
  ['Arabic', 'ar-MA', 'العربية', 'سكن غير صحي في سكاربيك'],
])('the resident page in %s, with results on screen: no axe violation', async (_name, locale, language, message) => {
  const chat = await openChatPage(browser, app.url, { locale, viewport: PHONE });
  try {
    await clickSuggestedAction(chat.page, language);
    await sendMessage(chat.page, message);
    await chat.page.locator('.ac-adaptiveCard').first().waitFor({ timeout: 20000 });
    expect(await axeViolations(chat.page)).toEqual([]);
  } finally {
    await chat.close();
  }
});

test('the Helpdesk console, signed out and then signed in with a case open: no axe violation', async () => {
  // A case to open: a person asks for a callback.
  const chat = await openChatPage(browser, app.url, { locale: 'fr-BE', viewport: PHONE });
  await clickSuggestedAction(chat.page, 'Français');
  await sendMessage(chat.page, "je veux parler a quelqu'un, j'habite a Anderlecht");
  await waitForText(chat.page, /rappeler/);
  await clickSuggestedAction(chat.page, 'Oui');
  await waitForText(chat.page, /téléphone/);
  await sendMessage(chat.page, '0470 12 34 56');
  await clickSuggestedAction(chat.page, /matin/);
  await clickSuggestedAction(chat.page, 'Oui');
  await waitForText(chat.page, /Votre référence/);
  await chat.close();

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' });
  const page = await context.newPage();
  try {
    await page.goto(`${app.url}helpdesk/`);
    await page.locator('#signin').waitFor({ state: 'visible' });
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#signin').getByLabel('E-mail').fill('ines@helpdesk.example');
    await page.locator('#signin').getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('#cases button').first().click();
    await page.locator('#case-view').waitFor({ state: 'visible' });
    await page.locator('#facts').getByText('Anderlecht').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: "Journal d'audit" }).click();
    await page.locator('#audit li').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
  } finally {
    await context.close();
  }
});

test.each([
  ['French', 'fr'],
  ['Arabic', 'ar'],
])('the catalogue in the console (%s): a service open with its history, the Rendez-vous and a series form: no axe violation', async (_name, lang) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: lang === 'ar' ? 'ar-MA' : 'fr-BE' });
  const page = await context.newPage();
  try {
    await page.goto(`${app.url}helpdesk/?lang=${lang}`);
    await page.locator('#email').fill('ines@helpdesk.example');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#signin button[type="submit"]').click();
    await page.locator('#nav-catalogue').click();
    await page.locator('#cat-list [data-service]').first().click();
    await page.locator('#svc-form').waitFor({ state: 'visible' });
    await page.locator('#svc-history').click();
    await page.locator('#svc-history-list li').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#cat-tab-rdv').click();
    await page.locator('#series-new').click();
    await page.locator('#series-form').waitFor({ state: 'visible' });
    expect(await axeViolations(page)).toEqual([]);
  } finally {
    await context.close();
  }
});

test('the journeys page: no axe violation', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-BE' });
  const page = await context.newPage();
  try {
    await page.goto(`${app.url}journeys`);
    await page.locator('body[data-drawn="1"]').waitFor({ state: 'attached', timeout: 30000 });
    expect(await axeViolations(page)).toEqual([]);
  } finally {
    await context.close();
  }
});

test('at 320 px wide with the text at 200%, the message box and the last message stay on screen', async () => {
  const chat = await openChatPage(browser, app.url, { locale: 'fr-BE', viewport: { width: 320, height: 640 } });
  try {
    const p = chat.page;
    await p.evaluate("document.documentElement.style.fontSize = '200%'");
    await clickSuggestedAction(p, 'Français');
    await waitForText(p, /pour vous/);
    await screenshot(p, 'resident-fr-320-text-200');
    const box = await sendBox(p).boundingBox();
    expect(box).not.toBeNull();
    // Inside the viewport, and tall enough to type in.
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(640);
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(320);
    // Nothing scrolls sideways.
    expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    await sendMessage(p, 'pour moi');
    await waitForText(p, /De quoi s.agit-il/);
  } finally {
    await chat.close();
  }
});
