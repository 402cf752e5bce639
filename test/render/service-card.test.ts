/**
 * Catalogue texts in the person's language, or in the nearest one the service has — and then the
 * card says so, in the person's language. What a resident reads on a service card.
 */
import type { Lang, LocalText } from '../../src/catalogue/schema';
import { createI18n, pickText } from '../../src/i18n/i18n';
import { serviceCard, telUri } from '../../src/bot/render/service-card';
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
  ])('in %s, a description the service has only in French says so', (lang, note) => {
    const description = bodyOf('tele-accueil-107', lang)[2].text ?? '';
    expect(description.startsWith(teleAccueil.description!.fr!)).toBe(true);
    expect(description.endsWith(note)).toBe(true);
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
