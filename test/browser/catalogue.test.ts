/**
 * Staff keep the catalogue true, seen in two browsers: an editor signs in to the console, corrects
 * a service's phone number and creates a Rendez-vous series ("every first Tuesday, 14:00–16:00");
 * a resident's next conversation on a phone shows the new number and the next session with an "add
 * to my calendar" link that gives a valid iCalendar file; the bassin's feed parses; the history
 * shows the edit and reverts it. The real app, embedded database and NLU.
 */
import crypto from 'node:crypto';
import ICAL from 'ical.js';
import type { Browser, Page } from 'playwright-core';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { createAccount } from '../../src/helpdesk/create-account';
import { silentLogger } from '../../src/logging/logger';
import { AuditRepository } from '../../src/repositories/audit-repository';
import { StaffRepository } from '../../src/repositories/staff-repository';
import { clickSuggestedAction, launchBrowser, openChatPage, PHONE, screenshot, sendMessage, waitForText } from './support';

jest.setTimeout(180000);

const PASSWORD = 'editor password for the test';
const SERVICE = 'bruprev-mammotest';
const SERIES = 'rdv-ps-woluwe-saint-pierre-test';
let app: RunningBoussole;
let browser: Browser;
let editor: Page;
const problems: string[] = [];
let originalPhone: unknown;

/** The first day of next month, as the form's date input wants it. */
function nextMonth(): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

beforeAll(async () => {
  app = await startBoussole({ env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local', DATA_DIR: `/tmp/boussole-catalogue-browser-${process.pid}` }, log: silentLogger });
  await createAccount(new StaffRepository(app.database.db), new AuditRepository(app.database.db, 365), { email: 'eva@prevention.example', name: 'Eva', role: 'editor', bassins: [], password: PASSWORD });
  originalPhone = (await app.database.db.collection('services').findOne({ _id: SERVICE } as never))?.phone;
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' });
  editor = await context.newPage();
  editor.on('pageerror', (e) => problems.push(e.message));
  editor.on('response', (r) => {
    if (r.status() >= 400 && !(r.status() === 401 && r.url().endsWith('/helpdesk/api/me'))) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  await editor.goto(`${app.url}helpdesk/`);
  await editor.locator('#email').fill('eva@prevention.example');
  await editor.locator('#password').fill(PASSWORD);
  await editor.locator('#signin button[type="submit"]').click();
  await editor.locator('#catalogue').waitFor({ state: 'visible' });
});
afterAll(async () => {
  await editor?.context().close();
  await browser?.close();
  await app?.database.db.dropDatabase().catch(() => undefined);
  await app?.close();
});

test('an editor corrects a phone number and creates a series; a resident sees both, with a calendar link that works; the history reverts the edit', async () => {
  // An editor is not an agent: no case queue on their screen.
  expect(await editor.locator('#cases').isVisible()).toBe(false);

  // The phone number.
  await editor.locator('#cat-q').fill('mammotest');
  await editor.locator(`#cat-list [data-service="${SERVICE}"]`).click();
  await editor.locator('#svc-phone').fill('02 555 01 23');
  await editor.locator('#svc-save').click();
  await editor.locator('#svc-message').getByText(/Enregistré/).waitFor();
  expect((await app.database.db.collection('services').findOne({ _id: SERVICE } as never))?.phone).toBe('02 555 01 23');

  // The series: every first Tuesday, 14:00–16:00, except school holidays, in Woluwe-Saint-Pierre.
  await editor.locator('#cat-tab-rdv').click();
  await editor.locator('#series-new').click();
  await editor.locator('#series-id').fill(SERIES);
  await editor.locator('#series-title-fr').fill('Rendez-vous de la Prévention Santé');
  await editor.locator('#series-theme-depistage').check();
  await editor.locator('#series-freq-monthly').check();
  await editor.locator('#series-setpos').selectOption('1');
  await editor.locator('#series-weekday').selectOption('2');
  await editor.locator('#series-start').fill('14:00');
  await editor.locator('#series-end').fill('16:00');
  await editor.locator('#series-from').fill(nextMonth());
  await editor.locator('#series-skip-holidays').check();
  await editor.locator('#series-status').selectOption('confirmed');
  await editor.locator('#series-place-fr').fill('Maison de quartier du Chant d’Oiseau');
  await editor.locator('#series-street').fill('Avenue du Chant d’Oiseau 40');
  await editor.locator('#series-postalCode').fill('1150');
  await editor.locator('#series-commune').selectOption('21019');
  await editor.locator('#series-access-fr').fill('Tram 39, arrêt Chant d’Oiseau');
  await editor.locator('#series-audience-fr').fill('Toute personne du quartier');
  await editor.locator('#series-lang-fr').check();
  await editor.locator('#series-source-0').fill('https://bassin-sud-est.brussels/');
  await editor.locator('#series-summary').getByText(/premier mardi/).waitFor();
  await editor.locator('#series-save').click();
  await editor.locator('#series-message').getByText(/Enregistré/).waitFor();
  await editor.locator('#rdv-sessions li').first().waitFor();
  await screenshot(editor, 'catalogue-console-series-1280x900');
  const stored = await app.database.db.collection('rendezvous_series').findOne({ _id: SERIES } as never);
  expect(stored).toMatchObject({ bassin: 'sud-est', status: 'confirmed', rule: { freq: 'monthly', setPos: 1, weekday: 2, startTime: '14:00', endTime: '16:00', skipSchoolHolidays: true } });

  // A day off added to the school holidays removes the session that falls on it.
  const firstSession = (await editor.locator('#rdv-sessions li').first().innerText()).split('\n')[0];
  const firstDay = new Date(`${nextMonth().slice(0, 8)}01T12:00:00Z`);
  while (firstDay.getUTCDay() !== 2) firstDay.setUTCDate(firstDay.getUTCDate() + 1);
  const day = firstDay.toISOString().slice(0, 10);
  await editor.locator('#closures-open').click();
  await editor.locator('#closures-add').click();
  const added = await editor.locator('#closures-list li[data-period]').count();
  const i = (await editor.locator('#closures-list li[data-period]').evaluateAll((els) => els.map((e) => e.getAttribute('data-period')))).find((_x, k) => k === added - 1);
  await editor.locator(`#closures-period-${i}-from`).fill(day);
  await editor.locator(`#closures-period-${i}-to`).fill(day);
  await editor.locator(`#closures-period-${i}-label-fr`).fill('Journée pédagogique');
  await editor.locator('#closures-save').click();
  await editor.locator('#closures-message').getByText(/Enregistré/).waitFor();
  const holidays = await app.database.db.collection('settings').findOne({ _id: 'school_holidays' } as never);
  expect(holidays?.periods).toEqual(expect.arrayContaining([expect.objectContaining({ from: day, to: day, label: { fr: 'Journée pédagogique' } })]));
  await expect(editor.locator('#rdv-sessions li').first().innerText()).resolves.not.toContain(firstSession);

  // A resident, on a phone, in the next conversation (every instance sees an edit within a second).
  await new Promise((r) => setTimeout(r, 1100));
  const chat = await openChatPage(browser, app.url, { locale: 'fr-BE', viewport: PHONE });
  try {
    const p = chat.page;
    await clickSuggestedAction(p, 'Français');
    await clickSuggestedAction(p, 'Pour moi ou un proche');
    await clickSuggestedAction(p, 'Dépistage');
    await clickSuggestedAction(p, 'Cancer du sein');
    await clickSuggestedAction(p, 'Femme');
    await sendMessage(p, '55');
    await sendMessage(p, 'Woluwe-Saint-Pierre');
    await waitForText(p, '02 555 01 23');
    await waitForText(p, 'Maison de quartier du Chant d’Oiseau');
    await waitForText(p, /mardi .* de 14:00 à 16:00/);
    await screenshot(p, 'catalogue-resident-rendezvous-390x844');
    // "Add to my calendar" opens the session's iCalendar file.
    // (The browser opens it in a new tab, which may save it as a file: the request is what we follow.)
    const [request] = await Promise.all([p.context().waitForEvent('request', (r) => r.url().includes('/calendar/session/')), p.getByRole('button', { name: 'Ajouter à mon agenda' }).first().click()]);
    const link = request.url();
    expect(new URL(link).pathname).toMatch(new RegExp(`^/calendar/session/${SERIES}-\\d{8}\\.ics$`));
    const one = await fetch(link);
    expect(one.headers.get('content-type')).toMatch(/^text\/calendar/);
    const events = new ICAL.Component(ICAL.parse(await one.text())).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events).toHaveLength(1);
    expect(events[0].summary).toBe('Rendez-vous de la Prévention Santé');
    expect(events[0].location).toMatch(/Chant d’Oiseau/);
    const wall = new Intl.DateTimeFormat('fr-BE', { timeZone: 'Europe/Brussels', weekday: 'long', hour: '2-digit', minute: '2-digit' }).format(events[0].startDate.toJSDate());
    expect(wall).toBe('mardi 14:00');
    expect(chat.errors).toEqual([]);
  } finally {
    await chat.close();
  }

  // The bassin's feed parses, with the series' sessions.
  const feed = new ICAL.Component(ICAL.parse(await (await fetch(`${app.url}calendar/sud-est.ics`)).text()));
  const uids = feed.getAllSubcomponents('vevent').map((v) => String(v.getFirstPropertyValue('uid')));
  expect(uids.filter((u) => u.startsWith(`${SERIES}-`)).length).toBeGreaterThanOrEqual(3);

  // The history shows the edit; reverting it puts the old number back.
  await editor.locator('#cat-tab-services').click();
  await editor.locator(`#cat-list [data-service="${SERVICE}"]`).click();
  await editor.locator('#svc-history').click();
  const change = editor.locator('#svc-history-list li').filter({ hasText: '02 555 01 23' }).first();
  await change.waitFor();
  await expect(change.innerText()).resolves.toMatch(/Eva/);
  await screenshot(editor, 'catalogue-console-history-1280x900');
  await change.locator('[data-revert]').click();
  await editor.locator('#cat-confirm-yes').click();
  for (let i = 0; i < 50 && (await app.database.db.collection('services').findOne({ _id: SERVICE } as never))?.phone !== originalPhone; i++) await new Promise((r) => setTimeout(r, 100));
  expect((await app.database.db.collection('services').findOne({ _id: SERVICE } as never))?.phone).toBe(originalPhone);
  expect(problems).toEqual([]);
});
