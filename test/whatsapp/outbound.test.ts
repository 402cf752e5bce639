/**
 * Replies mapped to WhatsApp: every payload is checked by the fake Graph API's own limit checker,
 * for hand-made cases and for every question of every journey in every language.
 */
import type { Activity } from 'botbuilder-core';
import { loadGraphs } from '../../src/engine/graph-loader';
import { createI18n } from '../../src/i18n/i18n';
import { LANGUAGES } from '../../src/catalogue/schema';
import { optionLabel } from '../../src/bot/render/render-outputs';
import { mapActivity, menuNumber, shorten, splitText, templateMessage, valueOfChoiceId, type WaMessage } from '../../src/channels/whatsapp/outbound';
import { limitViolations } from './fake-graph';

const { t } = createI18n();
const words = (lang: (typeof LANGUAGES)[number]) => ({ listButton: t(lang, 'whatsapp:list_button'), choose: t(lang, 'whatsapp:choose'), menuHint: t(lang, 'whatsapp:menu_hint') });
const send = (m: WaMessage) => ({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '32470000000', ...m });
const valid = (ms: WaMessage[]) => ms.flatMap((m) => limitViolations(send(m) as Record<string, unknown>));
const choices = (titles: string[]): Partial<Activity> => ({ suggestedActions: { to: [], actions: titles.map((title) => ({ type: 'imBack', title, value: title })) } });
const shown = (m: WaMessage) => (m.type === 'interactive' ? (m.interactive.type === 'button' ? m.interactive.action.buttons.map((b) => b.reply.title) : m.interactive.action.sections[0].rows.map((r) => r.title)) : []);

const LONG = Array.from({ length: 120 }, (_, i) => `Phrase numéro ${i} qui explique une démarche importante.`).join(' ');

test.each<[string, Partial<Activity>, { types: string[]; menu?: number }]>([
  ['plain text', { text: 'Bonjour' }, { types: ['text'] }],
  ['text over 4096 characters: parts, at sentence ends', { text: LONG }, { types: ['text', 'text'] }],
  ['two short choices: reply buttons', { text: 'Pour qui ?', ...choices(['Oui', 'Non']) }, { types: ['interactive/button'], menu: 2 }],
  ['three choices, one too long for a button: a list with the full label', { text: 'Situation ?', ...choices(['Je risque d’être expulsé·e', 'Logement insalubre', 'Autre']) }, { types: ['interactive/list'], menu: 3 }],
  ['seven choices: a list', { text: 'Langue ?', ...choices(['Français', 'Nederlands', 'English', 'العربية', 'Türkçe', 'Español', 'Română']) }, { types: ['interactive/list'], menu: 7 }],
  ['twelve choices: a numbered menu', { text: 'Commune ?', ...choices(Array.from({ length: 12 }, (_, i) => `Commune ${i + 1}`)) }, { types: ['text'], menu: 12 }],
  ['a long text with buttons: text first, then a body within 1024', { text: LONG.slice(0, 3000), ...choices(['Oui', 'Non']) }, { types: ['text', 'interactive/button'], menu: 2 }],
])('%s', (_name, activity, expected) => {
  const mapped = mapActivity({ type: 'message', locale: 'fr', ...activity }, words('fr'));
  expect(valid(mapped.messages)).toEqual([]);
  expect(mapped.messages.map((m) => (m.type === 'interactive' ? `interactive/${m.interactive.type}` : m.type))).toEqual(expected.types);
  // The values of the choices shown: a number typed in reply picks one.
  if (expected.menu !== undefined) expect(mapped.menu).toEqual(activity.suggestedActions?.actions.map((a) => a.value).slice(0, expected.menu));
  else expect(mapped.menu).toBeUndefined();
  // Nothing the person should read is lost: every word of the text is in some message.
  const all = mapped.messages.map((m) => (m.type === 'text' ? m.text.body : m.type === 'interactive' ? m.interactive.body.text : '')).join(' ');
  expect(all.replace(/\s+/g, ' ')).toContain(String(activity.text).replace(/\s+/g, ' ').slice(-200));
});

test('text parts end at a sentence end and each fits', () => {
  const parts = splitText(LONG, 4096);
  expect(parts.length).toBeGreaterThan(1);
  for (const p of parts) {
    expect(p.length).toBeLessThanOrEqual(4096);
    expect(p).toMatch(/\.$/);
  }
  expect(parts.join(' ')).toBe(LONG);
});

test('one unbroken string of 10,000 characters is still cut within limits, emoji pairs kept whole', () => {
  const parts = splitText('😀'.repeat(5000), 4096);
  for (const p of parts) expect(p.length).toBeLessThanOrEqual(4096);
  expect(parts.join('')).toBe('😀'.repeat(5000));
});

test('a reply id carries the value the bot reads, never the shortened title', () => {
  const mapped = mapActivity({ type: 'message', text: 'Situation ?', ...choices(['Je risque d’être expulsé·e de mon logement']) }, words('fr'));
  const m = mapped.messages[0];
  expect(m.type).toBe('interactive');
  const row = m.type === 'interactive' && m.interactive.type === 'list' ? m.interactive.action.sections[0].rows[0] : undefined;
  expect(row?.title.length).toBeLessThanOrEqual(24);
  expect(valueOfChoiceId(row!.id)).toBe('Je risque d’être expulsé·e de mon logement');
});

test('a service card becomes compact text with its name, phone and website', () => {
  const card = {
    contentType: 'application/vnd.microsoft.card.adaptive',
    content: {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: 'CPAS de Schaerbeek', weight: 'Bolder' },
        { type: 'FactSet', facts: [{ title: 'Téléphone', value: '02 240 50 11' }] },
      ],
      actions: [
        { type: 'Action.OpenUrl', title: 'Appeler 02 240 50 11', url: 'tel:+3222405011' },
        { type: 'Action.OpenUrl', title: 'Site web', url: 'https://www.cpas-schaerbeek.be' },
      ],
    },
  };
  const [m] = mapActivity({ type: 'message', text: 'Voici :', attachments: [card] }, words('fr')).messages;
  expect(m).toMatchObject({ type: 'text' });
  const body = m.type === 'text' ? m.text.body : '';
  expect(body).toContain('*CPAS de Schaerbeek*');
  expect(body).toContain('Téléphone: 02 240 50 11');
  expect(body).toContain('Site web: https://www.cpas-schaerbeek.be');
  expect(body).not.toContain('tel:');
});

test('Arabic lines start right-to-left, even when they open with a number', () => {
  const [m] = mapActivity({ type: 'message', locale: 'ar', text: 'اتصل بـ:\n112 الطوارئ' }, words('ar')).messages;
  const lines = m.type === 'text' ? m.text.body.split('\n') : [];
  expect(lines.every((l) => l.startsWith('\u200f'))).toBe(true);
});

test.each([
  ['Pour moi ou un proche', 20, 'Pour moi ou un…'],
  ['Oui', 20, 'Oui'],
  ['Professionnel (pour quelqu’un)', 20, 'Professionnel'],
  ['Supercalifragilisticexpialidocious', 20, 'Supercalifragilisti…'],
])('shorten(%j, %d) → %j', (label, max, expected) => {
  expect(shorten(label, max)).toBe(expected);
  expect(shorten(label, max).length).toBeLessThanOrEqual(max);
});

test('templates carry the text flat (no new lines) and within the parameter limit', () => {
  const m = templateMessage('boussole_message', 'fr', `Bonjour\n\nVoici ${'x'.repeat(2000)}`);
  expect(valid([m])).toEqual([]);
});

test.each([
  ['3', 3],
  ['٣', 3],
  ['۷', 7],
  ['12.', 12],
  ['3 enfants', undefined],
])('menu number of %j is %j', (text, n) => {
  expect(menuNumber(text)).toBe(n);
});

// Every question of every journey in every language: its options fit WhatsApp, and the person can tell them apart.
const graphs = loadGraphs();
const questions = Object.entries(graphs.facts).filter(([, spec]) => Array.isArray((spec as { options?: unknown }).options));
const cases = questions.flatMap(([fact, spec]) => LANGUAGES.map((lang) => [fact, lang, (spec as { options: string[] }).options] as const));

test('there are option questions to check', () => {
  expect(cases.length).toBeGreaterThan(20);
});

test.each(cases)('options of %s in %s fit and stay distinct', (fact, lang, options) => {
  const titles = options.map((o) => optionLabel(t, lang, fact, o));
  const mapped = mapActivity({ type: 'message', locale: lang, text: 'Q', ...choices(titles) }, words(lang));
  expect(valid(mapped.messages)).toEqual([]);
  const interactive = mapped.messages.find((m) => m.type === 'interactive');
  if (!interactive) {
    expect(mapped.menu).toEqual(titles); // a numbered menu: the full labels, numbered
    return;
  }
  const visible = shown(interactive);
  const rows = interactive.type === 'interactive' && interactive.interactive.type === 'list' ? interactive.interactive.action.sections[0].rows : [];
  // Each option is recognisable: its title, or its title and the full label in the description.
  const readable = visible.map((title, i) => `${title}|${rows[i]?.description ?? ''}`);
  expect(new Set(readable).size).toBe(titles.length);
  for (const [i, title] of titles.entries()) expect([visible[i], rows[i]?.description].some((x) => x && title.replace(/\s+/g, ' ').startsWith(x.replace(/…$/, '')))).toBe(true);
});
