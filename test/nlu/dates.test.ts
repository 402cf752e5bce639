/** Dates in short messages, in the seven languages, against a fixed today (Monday 23 November 2026). */
import { parseDate, type DateLang } from '../../src/nlu/dates';

const TODAY = new Date('2026-11-23T10:00:00+01:00'); // a Monday

const cases: Array<[DateLang, string, string | undefined]> = [
  // French
  ['fr', '12/03', '2027-03-12'],
  ['fr', 'le 12/03/2027 svp', '2027-03-12'],
  ['fr', '12-3-27', '2027-03-12'],
  ['fr', '12.03.2027', '2027-03-12'],
  ['fr', '25/12', '2026-12-25'],
  ['fr', 'le 12 mars', '2027-03-12'],
  ['fr', '25 décembre', '2026-12-25'],
  ['fr', '1er dec 2027', '2027-12-01'],
  ['fr', '23 novembre', '2026-11-23'],
  ['fr', '22 novembre', '2027-11-22'],
  ["fr", "aujourd'hui", '2026-11-23'],
  ['fr', 'auj', '2026-11-23'],
  ['fr', 'demain matin', '2026-11-24'],
  ['fr', 'dmain', '2026-11-24'],
  ['fr', 'après-demain', '2026-11-25'],
  ['fr', 'lundi', '2026-11-30'],
  ['fr', 'mercredi prochain', '2026-11-25'],
  ['fr', 'lundi 7 décembre', '2026-12-07'],
  ['fr', '31/02', undefined],
  ['fr', '30 février', undefined],
  ['fr', 'il a 2-3 ans', undefined],
  ['fr', 'rdv à 10.05', undefined],
  ['fr', 'mon numéro: 0470/12.34.56', undefined],
  ['fr', 'bonjour', undefined],
  // Dutch
  ['nl', '12 maart', '2027-03-12'],
  ['nl', '12 mrt 2027', '2027-03-12'],
  ['nl', '3 mei', '2027-05-03'],
  ['nl', '5 dec', '2026-12-05'],
  ['nl', '12.03', '2027-03-12'],
  ['nl', 'vandaag', '2026-11-23'],
  ['nl', 'morgen', '2026-11-24'],
  ['nl', 'morgenochtend', '2026-11-24'],
  ['nl', 'overmorgen', '2026-11-25'],
  ['nl', 'maandag', '2026-11-30'],
  ['nl', 'vrijdag', '2026-11-27'],
  ['nl', 'goede morgen', undefined],
  ['nl', 'goedemorgen', undefined],
  // English
  ['en', 'march 12', '2027-03-12'],
  ['en', '12 march', '2027-03-12'],
  ['en', 'March 12th, 2027', '2027-03-12'],
  ['en', 'the 3rd of december', '2026-12-03'],
  ['en', 'today', '2026-11-23'],
  ['en', 'tmrw', '2026-11-24'],
  ['en', 'tomorrow please', '2026-11-24'],
  ['en', 'the day after tomorrow', '2026-11-25'],
  ['en', 'monday', '2026-11-30'],
  ['en', 'sunday', '2026-11-29'],
  ['en', 'fri', '2026-11-27'],
  ['en', 'hello', undefined],
  // Arabic
  ['ar', '12 مارس', '2027-03-12'],
  ['ar', '12 آذار', '2027-03-12'],
  ['ar', '١٢ مارس', '2027-03-12'],
  ['ar', '١٢/٠٣/٢٠٢٧', '2027-03-12'],
  ['ar', '5 كانون الثاني', '2027-01-05'],
  ['ar', '3 ديسمبر', '2026-12-03'],
  ['ar', 'اليوم', '2026-11-23'],
  ['ar', 'غدا', '2026-11-24'],
  ['ar', 'بكرة', '2026-11-24'],
  ['ar', 'بعد بكرة', '2026-11-25'],
  ['ar', 'الاثنين', '2026-11-30'],
  ['ar', 'يوم الخميس', '2026-11-26'],
  ['ar', 'السلام عليكم', undefined],
  // Turkish
  ['tr', '12 mart', '2027-03-12'],
  ["tr", "12 Mart'ta", '2027-03-12'],
  ['tr', '3 aralık', '2026-12-03'],
  ['tr', '3 ekimde', '2027-10-03'],
  ['tr', 'bugün', '2026-11-23'],
  ['tr', 'bugun', '2026-11-23'],
  ['tr', 'yarın', '2026-11-24'],
  ['tr', 'yarin', '2026-11-24'],
  ['tr', 'öbür gün', '2026-11-25'],
  ['tr', 'pazartesi', '2026-11-30'],
  ['tr', 'cuma', '2026-11-27'],
  ['tr', 'pazara gittim', undefined],
  ['tr', 'merhaba', undefined],
  // Spanish
  ['es', '12 de marzo', '2027-03-12'],
  ['es', '12 marzo', '2027-03-12'],
  ['es', '12 de marzo de 2027', '2027-03-12'],
  ['es', 'hoy', '2026-11-23'],
  ['es', 'mañana', '2026-11-24'],
  ['es', 'manana', '2026-11-24'],
  ['es', 'pasado mañana', '2026-11-25'],
  ['es', 'lunes', '2026-11-30'],
  ['es', 'el miércoles', '2026-11-25'],
  ['es', 'esta mañana', undefined],
  ['es', 'hola', undefined],
  // Romanian
  ['ro', '12 martie', '2027-03-12'],
  ['ro', '1 decembrie', '2026-12-01'],
  ['ro', '12 mar', '2027-03-12'],
  ['ro', 'azi', '2026-11-23'],
  ['ro', 'astăzi', '2026-11-23'],
  ['ro', 'mâine', '2026-11-24'],
  ['ro', 'maine', '2026-11-24'],
  ['ro', 'poimâine', '2026-11-25'],
  ['ro', 'luni', '2026-11-30'],
  ['ro', 'vineri', '2026-11-27'],
  ['ro', 'de 3 luni', undefined],
  ['ro', 'buna ziua', undefined],
];

test.each(cases)('%s %s → %p', (lang, text, expected) => {
  expect(parseDate(text, lang, TODAY)).toBe(expected);
});

test('today is taken in the Brussels calendar, not UTC', () => {
  // 23:30 UTC on Monday is already Tuesday 00:30 in Brussels
  expect(parseDate('demain', 'fr', new Date('2026-11-23T23:30:00Z'))).toBe('2026-11-25');
  expect(parseDate('lundi', 'fr', new Date('2026-11-22T23:30:00Z'))).toBe('2026-11-30');
});

test('29 February without a year is the next leap year', () => {
  expect(parseDate('29/02', 'fr', TODAY)).toBe('2028-02-29');
  expect(parseDate('29/02/2027', 'fr', TODAY)).toBeUndefined();
});
