/**
 * Catalogue texts in the person's language, or in the nearest one the service has — and then the
 * card says so, in the person's language. What a resident reads on a service card.
 */
import type { Lang, LocalText } from '../../src/catalogue/schema';
import { createI18n, pickText } from '../../src/i18n/i18n';
import { formatDay, serviceCard, telUri } from '../../src/bot/render/service-card';
import { rendezvousCard } from '../../src/bot/render/render-outputs';
import { loadSeed } from '../../src/catalogue/seed';

const { t } = createI18n();
const seed = loadSeed();

describe('the text chosen for a language', () => {
  // Catalogue texts always have French (the schema requires it).
  const all: LocalText = { fr: 'fr text', nl: 'nl tekst', en: 'en text' };
  test.each<[string, LocalText | undefined, Lang, { text: string; fallback?: Lang } | undefined]>([
    ['its own language', { ...all, ar: 'نص' }, 'ar', { text: 'نص' }],
    ['Arabic, none: French first', all, 'ar', { text: 'fr text', fallback: 'fr' }],
    ['Turkish, none: French first', all, 'tr', { text: 'fr text', fallback: 'fr' }],
    ['Dutch, none: English before French', { fr: 'fr text', en: 'en text' }, 'nl', { text: 'en text', fallback: 'en' }],
    ['English, none: French before Dutch', { fr: 'fr text', nl: 'nl tekst' }, 'en', { text: 'fr text', fallback: 'fr' }],
    ['an empty text does not count', { fr: '', en: 'en text' }, 'ro', { text: 'en text', fallback: 'en' }],
    ['no text at all', undefined, 'fr', undefined],
  ])('%s', (_name, text, lang, expected) => {
    expect(pickText(text, lang)).toEqual(expected);
  });
});

interface CardBlock {
  type: string;
  text?: string;
  facts?: Array<{ title: string; value: string }>;
}
const bodyOf = (id: string, lang: Lang) => {
  const service = seed.services.find((s) => s.id === id);
  if (!service) throw new Error(`no service ${id} in the seed`);
  const card = serviceCard({ service, proximity: 'region', openNow: null, speaksLanguage: false }, { t, lang, communeName: () => undefined });
  return (card.content as { body: CardBlock[] }).body;
};

describe('a service card', () => {
  // Télé-Accueil's texts exist in fr, nl and en only.
  const teleAccueil = seed.services.find((s) => s.id === 'tele-accueil-107')!;
  test.each<[Lang, string]>([
    ['ar', '(النص متوفر فقط باللغة: Français)'],
    ['tr', '(metin sadece şu dilde var: Français)'],
    ['ro', '(text disponibil doar în limba: Français)'],
    ['es', '(texto disponible solo en Français)'],
  ])('in %s, texts the service has only in French are shown in French, and the card says so once', (lang, note) => {
    const body = bodyOf('tele-accueil-107', lang);
    expect(body[2].text).toBe(teleAccueil.description!.fr);
    const all = JSON.stringify(body);
    // Name, description and audience all fall back: one note, not one per field.
    expect(all.split(note).length - 1).toBe(1);
    expect(body.filter((b) => b.text === note)).toHaveLength(1);
  });

  test.each<[Lang, string]>([
    ['fr', '22 novembre 2026'],
    ['nl', '22 november 2026'],
    ['en', '22 November 2026'],
    ['es', '22 de noviembre de 2026'],
    ['ro', '22 noiembrie 2026'],
    ['tr', '22 Kasım 2026'],
    ['ar', '22 نوفمبر 2026'],
  ])('in %s, the day the entry was checked is written as people write it (%s)', (lang, day) => {
    expect(formatDay('2026-11-22', lang)).toBe(day);
    const service = { ...teleAccueil, checkedAt: '2026-11-22' };
    const card = serviceCard({ service, proximity: 'region', openNow: null, speaksLanguage: false }, { t, lang, communeName: () => undefined });
    expect(JSON.stringify(card.content)).toContain(day);
    expect(JSON.stringify(card.content)).not.toContain('2026-11-22');
  });

  test('a service with neither phone nor address gives the helpline that helps reach it, and no "call before you go"', () => {
    const service = { ...teleAccueil, phone: undefined, address: undefined, hours: undefined };
    for (const lang of ['fr', 'ar'] as Lang[]) {
      const body = (serviceCard({ service, proximity: 'region', openNow: null, speaksLanguage: false }, { t, lang, communeName: () => undefined }).content as { body: CardBlock[] }).body;
      expect(body.map((b) => b.text)).toContain(t(lang, 'card.no_contact'));
      expect(t(lang, 'card.no_contact')).toContain('0800 35 243');
      const hours = (body.find((b) => b.type === 'FactSet')?.facts ?? []).find((f) => f.title === t(lang, 'card.hours'));
      expect(hours?.value).toBe(t(lang, 'card.hours_unknown_no_phone'));
    }
    // With a phone, no such line.
    expect(JSON.stringify(bodyOf('tele-accueil-107', 'fr'))).not.toContain(t('fr', 'card.no_contact'));
  });

  test.each<Lang>(['fr', 'nl', 'en'])('in %s, its own text and no note', (lang) => {
    const body = bodyOf('tele-accueil-107', lang);
    expect(body[0].text).toBe(teleAccueil.name[lang]);
    expect(body[2].text).toBe(teleAccueil.description![lang]);
  });

  test('labels are in the person\'s language even when the texts are not', () => {
    const titles = (bodyOf('tele-accueil-107', 'ar').find((b) => b.type === 'FactSet')?.facts ?? []).map((f) => f.title);
    expect(titles).toEqual(expect.arrayContaining([t('ar', 'card.who'), t('ar', 'card.phone'), t('ar', 'card.hours')]));
    expect(titles).not.toContain(t('fr', 'card.phone'));
  });
});

test.each<[string, string]>([
  ['0470/12.34.56', 'tel:+32470123456'],
  ['02 648 40 14', 'tel:+3226484014'],
  ['+32 2 648 40 14', 'tel:+3226484014'],
  ['107', 'tel:107'],
])('a phone number as a link: %s', (phone, uri) => {
  expect(telUri(phone)).toBe(uri);
});

describe('an entry nobody checked for a year', () => {
  const service = seed.services[0];
  const lastLine = (checkedAt: string, now: string, lang: Lang) => {
    const card = serviceCard({ service: { ...service, checkedAt }, proximity: 'region', openNow: null, speaksLanguage: true }, { t, lang, communeName: () => undefined, now: () => new Date(now) });
    return (card.content as { body: CardBlock[] }).body.map((b) => b.text ?? '').filter((x) => /2025|2026/.test(x)).pop();
  };
  test.each<[string, string, string, Lang, RegExp]>([
    ['checked 11 months ago: the date it was checked', '2026-01-10', '2026-12-07T10:00:00Z', 'fr', /^Informations vérifiées le 10 janvier 2026$/],
    ['checked 13 months ago: to confirm, with the date', '2025-11-01', '2026-12-07T10:00:00Z', 'fr', /^Informations à confirmer : dernière vérification le 1 novembre 2025$/],
    ['the same in Arabic', '2025-11-01', '2026-12-07T10:00:00Z', 'ar', /^معلومات تحتاج إلى تأكيد/],
    ['the same in Dutch', '2025-11-01', '2026-12-07T10:00:00Z', 'nl', /^Informatie te bevestigen: laatst nagekeken op 1 november 2025$/],
  ])('%s', (_name, checkedAt, now, lang, expected) => {
    expect(lastLine(checkedAt, now, lang)).toMatch(expected);
  });
});

describe('a Rendez-vous card', () => {
  const r = { ...seed.rendezvous[0], id: 'rdv-x', start: '2027-01-05T13:00:00.000Z', end: '2027-01-05T15:00:00.000Z', status: 'confirmed' as const, access: { fr: 'Tram 39' }, languages: ['fr' as const, 'ar' as const], registration: { required: true, contact: '02 555 01 23' } };
  const ctx = (lang: Lang, checkedAt: string) => ({ t, lang, communeName: () => 'Woluwe-Saint-Pierre', helpdesk: () => undefined, bassinName: () => 'Bassin Sud-Est', now: () => new Date('2026-12-07T10:00:00Z'), calendarLink: (id: string) => `/calendar/session/${id}.ics?lang=${lang}`, checkedAt });
  const texts = (lang: Lang, checkedAt = '2026-12-01', status: 'confirmed' | 'provisional' = 'confirmed') => {
    const c = ctx(lang, checkedAt);
    const card = rendezvousCard({ ...r, checkedAt, status, ...(status === 'provisional' ? { start: null, end: null } : {}) }, c).content as { body: CardBlock[]; actions: Array<{ title: string; url: string }> };
    return { lines: card.body.flatMap((b) => [b.text ?? '', ...(b.facts ?? []).map((f) => `${f.title}: ${f.value}`)]).join('\n'), actions: card.actions };
  };
  test.each<[string, Lang, RegExp[]]>([
    ['French: when, where, how to get there, languages in words, registration', 'fr', [/Quand: mardi 5 janvier 2027, de 14:00 à 16:00/, /Comment y aller: Tram 39/, /Langues: français, arabe/, /Inscription: Inscription nécessaire : 02 555 01 23/]],
    ['Arabic: the date in Arabic', 'ar', [/يناير 2027/]],
  ])('%s', (_name, lang, expected) => {
    const { lines, actions } = texts(lang);
    for (const e of expected) expect(lines).toMatch(e);
    expect(actions).toEqual([{ type: 'Action.OpenUrl', title: t(lang, 'rendezvous.add_to_calendar'), url: `/calendar/session/rdv-x.ics?lang=${lang}` }]);
  });
  test('a provisional session: no date, no calendar link, said to be unconfirmed', () => {
    const { lines, actions } = texts('fr', '2026-12-01', 'provisional');
    expect(lines).not.toMatch(/Quand/);
    expect(lines).toMatch(/pas encore confirmée/);
    expect(actions).toEqual([]);
  });
  test('not checked for a year: information to confirm', () => {
    expect(texts('fr', '2025-10-01').lines).toMatch(/Informations à confirmer : dernière vérification le 1 octobre 2025/);
  });
});
