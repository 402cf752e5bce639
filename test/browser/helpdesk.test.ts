/**
 * A full live handoff in two browsers: a person in Web Chat (phone) asks for a human; an agent
 * signs in to the Helpdesk console (desktop), sees the case arrive, takes it; they exchange
 * messages both ways; the agent closes with an outcome; the bot asks the person for feedback and
 * resumes. The real app, embedded database, real NLU; the clock is a Wednesday morning so that the
 * Sud-Est Helpdesk is open.
 */
import crypto from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { startBoussole, type RunningBoussole } from '../../src/app/boussole';
import { createAccount } from '../../src/helpdesk/create-account';
import { silentLogger } from '../../src/logging/logger';
import { AuditRepository } from '../../src/repositories/audit-repository';
import { StaffRepository } from '../../src/repositories/staff-repository';
import { clickSuggestedAction, launchBrowser, openChatPage, PHONE, screenshot, sendMessage, waitForText, type ChatPage } from './support';

jest.setTimeout(120000);

const PASSWORD = 'staff password for the test';
let app: RunningBoussole;
let browser: Browser;
let person: ChatPage;
let console_: Page;
const consoleProblems: string[] = [];
/** The reference the person of the callback test was given. */
let callbackReference = '';

beforeAll(async () => {
  app = await startBoussole({
    env: { MONGODB_URI: process.env.TEST_MONGODB_URI, MONGODB_DB: `t_${crypto.randomBytes(5).toString('hex')}`, PORT: '0', BOT_AUTH: 'local', DATA_DIR: `/tmp/boussole-hd-browser-${process.pid}` },
    log: silentLogger,
    now: () => new Date('2026-11-25T10:00:00+01:00'),
  });
  await createAccount(new StaffRepository(app.database.db), new AuditRepository(app.database.db, 365), { email: 'sara@helpdesk.example', name: 'Sara', role: 'agent', bassins: ['sud-est'], password: PASSWORD });
  browser = await launchBrowser();
});
afterAll(async () => {
  await person?.close();
  await console_?.context().close();
  await browser?.close();
  await app?.database.db.dropDatabase().catch(() => undefined);
  await app?.close();
});

async function openConsole(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' });
  const page = await context.newPage();
  await page.exposeFunction('__reportCsp', (v: string) => consoleProblems.push(`csp ${v}`));
  await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => window.__reportCsp(e.violatedDirective + ' ' + e.blockedURI));" });
  page.on('pageerror', (e) => consoleProblems.push(e.message));
  page.on('response', (r) => {
    // Before signing in, /me answers 401: that is how the page knows to show the form.
    if (r.status() >= 400 && !(r.status() === 401 && r.url().endsWith('/helpdesk/api/me'))) consoleProblems.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  await page.goto(`${app.url}helpdesk/`);
  return page;
}

test('no agent is connected: the person in the web chat leaves a callback request and is told when to expect the call', async () => {
  const chat = await openChatPage(browser, app.url, { locale: 'nl-BE', viewport: PHONE });
  try {
    const p = chat.page;
    await clickSuggestedAction(p, 'Nederlands');
    await sendMessage(p, 'ik wil met een persoon spreken');
    await waitForText(p, /terugbellen/);
    await clickSuggestedAction(p, 'Ja');
    await waitForText(p, /telefoonnummer/);
    await sendMessage(p, '0470/12.34.56');
    await clickSuggestedAction(p, /Morgens/);
    await clickSuggestedAction(p, 'Nee');
    await waitForText(p, /0800 35 243|02 318 60 58/);
    // A reference to give on the phone, when to expect the call, and a number meanwhile.
    await waitForText(p, /Uw referentie: [0-9A-F]{4}-[0-9A-F]{4}/);
    callbackReference = /Uw referentie: ([0-9A-F]{4}-[0-9A-F]{4})/.exec(await p.locator('.webchat__basic-transcript').innerText())![1];
    const stored = await app.database.db.collection('helpdesk_cases').findOne({ mode: 'callback' } as never);
    expect(String(stored!._id).slice(0, 8).toUpperCase()).toBe(callbackReference.replace('-', ''));
    expect(stored).toMatchObject({ status: 'new', contact: { kind: 'phone', value: '+32470123456' }, timeOfDay: 'morning', language: 'nl' });
    expect(stored!.transcript).toBeUndefined();
    expect(chat.cspViolations).toEqual([]);
    expect(chat.errors).toEqual([]);
  } finally {
    await chat.close();
  }
});

test('a person asks for a human in the web chat; an agent takes the case in the console; they talk; the agent closes; the bot asks for feedback and resumes', async () => {
  // The agent signs in and is present.
  console_ = await openConsole();
  await console_.locator('#signin').getByLabel('E-mail').fill('sara@helpdesk.example');
  await console_.locator('#signin').getByLabel('Mot de passe').fill(PASSWORD);
  await console_.getByRole('button', { name: 'Se connecter' }).click();
  await console_.getByText('Connecté·e : Sara').waitFor();
  await console_.locator('body[data-live="connected"]').waitFor();

  // The person of the callback test calls and reads out their reference: the agent finds the case.
  await console_.getByLabel("Référence d'un dossier").fill(callbackReference.toLowerCase().replace('-', ' '));
  await console_.getByRole('button', { name: 'Chercher' }).click();
  await console_.locator('#cases button').filter({ hasText: callbackReference }).waitFor();
  expect(await console_.locator('#cases button').count()).toBe(1);
  // The queue line in words: the reason and the person's language named in itself.
  await expect(console_.locator('#cases button').innerText()).resolves.toMatch(/a demandé une personne.*Nederlands/s);
  await console_.locator('#cases button').click();
  await console_.locator('#contact a[href="tel:+32470123456"]').waitFor();
  await console_.getByLabel('Référence d\'un dossier').fill('');
  await console_.getByRole('button', { name: 'Chercher' }).click();

  // The person, on a phone, goes through the housing journey, then asks for a human.
  person = await openChatPage(browser, app.url, { locale: 'fr-BE', viewport: PHONE });
  const p = person.page;
  await clickSuggestedAction(p, 'Français');
  await clickSuggestedAction(p, 'Pour moi ou un proche');
  await waitForText(p, /De quoi s.agit-il/); // Web Chat shows typographic apostrophes
  await sendMessage(p, 'logement insalubre a etterbeek');
  await waitForText(p, 'Voici qui peut vous aider');
  await sendMessage(p, "je veux parler a quelqu'un");
  await waitForText(p, 'Une personne du Helpdesk est disponible maintenant');
  await clickSuggestedAction(p, 'Oui');
  await waitForText(p, 'Pouvons-nous joindre notre conversation');
  await clickSuggestedAction(p, 'Oui');
  await waitForText(p, 'Vous êtes en contact');

  // The case arrives in the agent's queue without a reload, and announces itself: a banner, the
  // tab's title (a sound too, which the agent can turn off).
  await console_.locator('#live-alert').getByText(/Nouveau chat en direct/).waitFor();
  expect(await console_.title()).toMatch(/^\(1\) /);
  await screenshot(console_, 'helpdesk-console-new-live-1280x900');
  await console_.locator('#live-alert').getByRole('button', { name: 'Ouvrir' }).click();
  expect(await console_.locator('#live-alert').isHidden()).toBe(true);
  expect(await console_.title()).not.toMatch(/^\(/);
  await console_.locator('#case-title').getByText(/Bassin Sud-Est/).waitFor();
  // The situation in words, never the bot's codes: the commune's name, the housing problem, the reason.
  await console_.locator('#facts').getByText('Etterbeek').waitFor();
  await console_.locator('#facts').getByText(/insalubre/).waitFor();
  await console_.locator('#case-meta').getByText(/a demandé une personne/).waitFor();
  const situation = await console_.locator('#facts').innerText();
  expect(situation).not.toMatch(/21005|unhealthy|housing_situation|\bjourney\b/);
  await expect(console_.locator('#services').innerText()).resolves.not.toMatch(/dirl-plainte/);
  await console_.locator('#transcript').getByText('logement insalubre a etterbeek').waitFor();
  await console_.getByRole('button', { name: 'Prendre ce dossier' }).click();
  await waitForText(p, 'Sara, du Helpdesk, est avec vous.');

  // Both ways.
  await console_.locator('#reply').fill('Bonjour, je suis Sara. Depuis quand avez-vous de la moisissure ?');
  await console_.getByRole('button', { name: 'Envoyer' }).click();
  // The agent's words look like a person's: their name over the words, not one more bot bubble.
  await waitForText(p, 'Bonjour, je suis Sara. Depuis quand avez-vous de la moisissure ?');
  await p.locator('#boussole-agent').getByText('Sara · Helpdesk').waitFor();
  await expect(p.locator('#boussole-agent').innerText()).resolves.toMatch(/Depuis quand avez-vous de la moisissure/);
  // What a screen reader hears: the agent by name, never "the bot" (Web Chat's live region and the row's label).
  const heard = async () => (await p.locator('.webchat__live-region-activity, [class*="live-region"] article').allTextContents()).join(' | ');
  await p.waitForFunction("Array.from(document.querySelectorAll('.webchat__live-region-activity')).some((e) => /Sara, du Helpdesk : Bonjour, je suis Sara\\. Depuis quand/.test(e.textContent || ''))");
  expect(await heard()).not.toMatch(/Bot|Le bot|robot/i);
  // Moving through the transcript, each message's label names its speaker too.
  const rowLabels = (await p.locator('.webchat__basic-transcript__activity-active-descendant').allTextContents()).join(' | ');
  expect(rowLabels).toMatch(/Sara, du Helpdesk : Bonjour, je suis Sara/);
  expect(rowLabels).toMatch(/Boussole : /);
  expect(rowLabels).not.toMatch(/\bBot\b|Le bot a dit/);
  await sendMessage(p, 'depuis l hiver passe, le proprio ne fait rien');
  await console_.locator('#messages').getByText('depuis l hiver passe, le proprio ne fait rien').waitFor();
  await screenshot(console_, 'helpdesk-console-live-1280x900');
  await screenshot(p, 'helpdesk-person-live-390x844');

  // A note for the team, kept with the case.
  await console_.getByLabel('Note du Helpdesk').fill('Moisissure depuis l’hiver; proprio prévenu.');
  await console_.getByRole('button', { name: 'Enregistrer la note' }).click();
  await console_.locator('#note-status').getByText(/Enregistrée par Sara/).waitFor();

  // The agent closes, after confirming; the bot is back and asks how it went.
  await console_.locator('#outcome').selectOption('appointment_made');
  await console_.getByRole('button', { name: 'Clôturer le dossier' }).click();
  await console_.locator('#close-confirm').getByText(/Clôturer ce dossier avec le résultat « Rendez-vous pris »/).waitFor();
  await console_.getByRole('button', { name: 'Annuler' }).click();
  expect(await console_.locator('#close-confirm').isHidden()).toBe(true);
  await console_.getByRole('button', { name: 'Clôturer le dossier' }).click();
  await console_.getByRole('button', { name: 'Oui, clôturer' }).click();
  await console_.locator('#case-meta').getByText(/Clôturé/).waitFor();
  await waitForText(p, /Sara a terminé la conversation/);
  await clickSuggestedAction(p, /Oui, ça m.a aidé/);
  await waitForText(p, 'Merci pour votre réponse');
  await sendMessage(p, 'menu');
  await waitForText(p, /D.accord, on recommence/);

  const stored = await app.database.db.collection('helpdesk_cases').findOne({ mode: 'live' } as never);
  expect(stored).toMatchObject({ status: 'closed', outcome: 'appointment_made', feedback: 'useful', assigneeName: 'Sara', note: { text: 'Moisissure depuis l’hiver; proprio prévenu.', name: 'Sara' } });
  expect(person.cspViolations).toEqual([]);
  expect(person.errors).toEqual([]);
  expect(consoleProblems).toEqual([]);
});

test('a wrong password shows a clear message and no session', async () => {
  const page = await openConsole();
  await page.locator('#signin').getByLabel('E-mail').fill('sara@helpdesk.example');
  await page.locator('#signin').getByLabel('Mot de passe').fill('not the password');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByText('E-mail ou mot de passe incorrect.').waitFor();
  expect(await page.locator('#app').isHidden()).toBe(true);
  consoleProblems.splice(0, consoleProblems.length, ...consoleProblems.filter((x) => !/^401 \/helpdesk\/api\/session$/.test(x)));
  expect(consoleProblems).toEqual([]);
  await page.context().close();
});
