/**
 * Numbers in words and dates, end to end through the understanding (createUnderstanding): answers
 * to an age, weeks or date question, and ages / weeks found in free text, in the seven languages.
 */
import { createUnderstanding } from '../../src/nlu';
import { createAnswerParser } from '../../src/nlu/answers';
import { loadLexicons } from '../../src/nlu/lexicon';
import { NumberReader } from '../../src/nlu/numbers';
import { loadGraphs } from '../../src/engine/graph-loader';
import type { Understanding } from '../../src/bot/understanding';
import type { Lang } from '../../src/catalogue/schema';
import type { FactSpec } from '../../src/engine/types';

let u: Understanding;
const facts = loadGraphs().facts;
beforeAll(async () => {
  u = await createUnderstanding();
});

describe('an answer to "how old are you?"', () => {
  test.each<[Lang, string, number]>([
    ['nl', 'achtendertig', 38],
    ['nl', 'vijfenveertig jaar', 45],
    ['nl', 'ik ben zesenveertig jaar oud', 46],
    ['nl', 'een', 1],
    ['nl', 'een jaar', 1],
    ['ar', 'ثلاثين', 30],
    ['ar', 'خمسة وأربعين سنة', 45],
    ['ar', 'عمري اربعة وعشرين سنة', 24],
    ['ar', 'ست سنين', 6],
    ['tr', 'yirmi iki', 22],
    ['tr', 'kırk beş yaşındayım', 45],
    ['tr', 'bir', 1],
    ['tr', 'bir yaşında', 1],
    ['ro', 'treizeci', 30],
    ['ro', 'patruzeci de ani', 40],
    ['ro', 'am douăzeci și cinci de ani', 25],
    ['ro', 'un an', 1],
    ['es', 'cuarenta años', 40],
    ['es', 'cuarenta y cinco', 45],
    ['es', 'un año', 1],
    ['fr', 'quarante ans', 40],
    ['fr', 'septante-cinq ans', 75],
    ['fr', 'un an', 1],
    ['fr', 'un', 1],
    ['en', 'forty years old', 40],
    ['en', 'twenty-two', 22],
    // the unit tells the language, whatever the question's
    ['fr', 'vijfenveertig jaar', 45],
    ['nl', 'kırk yaşındayım', 40],
    // digits still come first
    ['nl', '45', 45],
    ['ar', '٤٥ سنة', 45],
  ])('(%s) "%s" → %p', (lang, text, value) => {
    expect(u.parseAnswer(text, 'age', facts.age!, lang)).toEqual({ ok: true, value });
  });

  test.each<[Lang, string, string]>([
    // an article is not "one"
    ['nl', 'een huis', 'no_match'],
    ['nl', 'ik heb een vraag', 'no_match'],
    ['tr', 'bir ev', 'no_match'],
    ['tr', 'bir sorum var', 'no_match'],
    ['ro', 'o casă', 'no_match'],
    ['ro', 'am o intrebare', 'no_match'],
    ['fr', 'un logement', 'no_match'],
    ['fr', 'une maison', 'no_match'],
    ['es', 'una casa', 'no_match'],
    ['ar', 'واحد صاحبي قال لي', 'no_match'],
    // not a number at all, or above 120 (not read, not even in part)
    ['nl', 'geen idee', 'no_match'],
    ['nl', 'honderdvijftig jaar', 'no_match'],
    ['tr', 'yüz elli yaş', 'no_match'],
    ['ro', 'o sută douăzeci și cinci de ani', 'no_match'],
    ['ar', 'السلام عليكم', 'no_match'],
    // a number of something else: weeks since a birth, children
    ['fr', "j ai accouche il y a 3 semaines", 'no_match'],
    ['nl', 'ik heb 2 kinderen', 'no_match'],
    ['en', 'my baby is 5 months', 'no_match'],
  ])('(%s) "%s" is not an age: %s', (lang, text, reason) => {
    expect(u.parseAnswer(text, 'age', facts.age!, lang)).toMatchObject({ ok: false, reason });
  });
});

describe('an answer to "how many weeks pregnant?"', () => {
  test.each<[Lang, string, number]>([
    ['nl', 'vijf maanden', 22],
    ['nl', 'twintig weken', 20],
    ['nl', 'achttien', 18],
    ['fr', 'cinq mois', 22],
    ['fr', 'vingt semaines', 20],
    ['tr', 'beş aylık hamileyim', 22],
    ['tr', 'yirmi hafta', 20],
    ['ar', 'خمسة أشهر', 22],
    ['ar', 'عشرين أسبوع', 20],
    ['ro', 'a doua lună', 7], // "the second month": its middle, in weeks
    ['nl', 'de derde maand', 11],
    ['ro', 'douăzeci de săptămâni', 20],
    ['ro', 'o lună', 4],
    ['es', 'cinco meses', 22],
    ['es', 'veinte semanas', 20],
    ['en', 'twenty two weeks', 22],
    ['en', 'five months', 22],
  ])('(%s) "%s" → %p weeks', (lang, text, value) => {
    expect(u.parseAnswer(text, 'pregnancy_weeks', facts.pregnancy_weeks!, lang)).toEqual({ ok: true, value });
  });

  test.each<[Lang, string, string]>([
    ['nl', 'een huis', 'no_match'],
    ['nl', 'vijftig weken', 'out_of_range'],
  ])('(%s) "%s" is not taken: %s', (lang, text, reason) => {
    expect(u.parseAnswer(text, 'pregnancy_weeks', facts.pregnancy_weeks!, lang)).toMatchObject({ ok: false, reason });
  });
});

describe('ages and weeks in free text (a number in words needs its unit)', () => {
  test.each<[Lang, string, Record<string, unknown>]>([
    ['nl', 'ik ben vijfenveertig jaar', { age: 45 }],
    ['nl', 'ik heb twee kinderen en ben vijfenveertig jaar', { age: 45 }],
    ['ar', 'عمري خمسة وأربعين سنة', { age: 45 }],
    ['tr', 'kırk beş yaşındayım', { age: 45 }],
    ['ro', 'am patruzeci de ani', { age: 40 }],
    ['es', 'tengo cuarenta años', { age: 40 }],
    ['fr', "j'ai quarante ans", { age: 40 }],
    ['en', 'I am forty years old', { age: 40 }],
    ['nl', 'ik ben zwanger van vijf maanden', { pregnancy_status: 'pregnant', pregnancy_weeks: 22 }],
    ['fr', 'je suis enceinte de cinq mois', { pregnancy_status: 'pregnant', pregnancy_weeks: 22 }],
    ['tr', 'beş aylık hamileyim', { pregnancy_status: 'pregnant', pregnancy_weeks: 22 }],
    ['es', 'estoy embarazada de cinco meses', { pregnancy_status: 'pregnant', pregnancy_weeks: 22 }],
    // A bare number after "I am", "j'ai", "عمري": an age when nothing but "and" follows it.
    ['nl', 'ik ben 19 en voel me al maanden slecht', { age: 19 }],
    ['fr', "bonjour j'ai 34", { age: 34 }],
    ['en', 'im 52 and i live alone', { age: 52 }],
    ['ar', 'عمري 40 وساكن في جيت', { age: 40 }],
    // …or at the end of a clause.
    ['en', 'I am 52, I got a letter for a colon cancer test', { age: 52, screening: 'colorectal' }],
    ['fr', "j'ai 34, je cherche un psy", { age: 34 }],
    ['nl', 'ik ben 19. ik voel me slecht', { age: 19 }],
    // The rank of a month of pregnancy: the middle of that month, in weeks.
    ['ar', 'انا حامل في الشهر الرابع', { pregnancy_status: 'pregnant', pregnancy_weeks: 15 }],
    ['en', 'pregnant in my fourth month', { pregnancy_status: 'pregnant', pregnancy_weeks: 15 }],
    ['fr', 'enceinte, 4eme mois', { pregnancy_status: 'pregnant', pregnancy_weeks: 15 }],
    ['ro', 'sunt insarcinata, luna a patra', { pregnancy_status: 'pregnant', pregnancy_weeks: 15 }],
    ['ro', 'sunt însărcinată în luna a doua', { pregnancy_status: 'pregnant', pregnancy_weeks: 7 }],
    // A duration before the age is passed over: the age comes after it.
    ['fr', "je dors dehors depuis 2 ans, j'ai 45 ans", { age: 45 }],
    ['nl', 'ik woon hier al 3 jaar en ben 40 jaar', { age: 40 }],
    ['en', 'homeless for two years, I am 52 years old', { age: 52 }],
    ['es', 'hace 3 años que llegue, tengo 30 años', { age: 30 }],
    ['ro', 'locuiesc aici de 2 ani, am 30 de ani', { age: 30 }],
    // Years right after a person are that person's age, even after a "since" word of some language.
    ['fr', 'mon fils de 16 ans va pas bien', { for_whom: 'child', age: 16 }],
    ['en', 'help for my son 16 years old', { for_whom: 'child', age: 16 }],
    ['nl', 'hulp voor mn zoon 16 jaar', { for_whom: 'child', age: 16 }],
    ['ro', 'fiul meu de 16 ani fumeaza', { for_whom: 'child', age: 16 }],
    // A person's age written after them without a unit: in brackets, between commas, after "van"/"de".
    ['en', 'my uncle (67) cannot leave his flat any more', { age: 67 }],
    ['en', 'Social worker: client, 33, no income, needs a GP', { age: 33 }],
    ['nl', 'Cliënte (v, 52 j.) zoekt een psycholoog', { age: 52 }],
    ['nl', 'mijn opa van 90 woont helemaal alleen', { age: 90 }],
    ['es', 'mi hermana de 23 esta embarazada y no tiene medico', { age: 23 }],
    ['ro', 'o doamna de 70 de ani traieste singura', { age: 70 }],
    ['fr', 'ma voisine (80) ne sort plus de chez elle', { age: 80 }],
    ['en', 'just turned 60 this spring, can I get the screening?', { age: 60 }],
    ['en', 'my brother 23yo lives in Evere', { age: 23 }],
  ])('(%s) %s', (lang, text, expected) => {
    expect(u.extractFacts(text, lang).facts).toMatchObject(expected);
  });

  test.each<[Lang, string, string]>([
    ['nl', 'achtendertig', 'age'], // no unit: a bare number is not an age in free text
    ['nl', 'ik zoek een huis', 'age'],
    ['nl', 'ik woon hier al een paar jaar', 'age'],
    ['tr', 'bir ev arıyorum', 'age'],
    ['fr', 'je cherche un logement', 'age'],
    ['fr', 'depuis des mois je cherche', 'age'],
    ['fr', "j'ai 2 enfants", 'age'], // a count of things, not an age
    ['fr', "j'ai 2 enfants, je suis seule", 'age'],
    ['nl', 'ik ben 2 keer verhuisd', 'age'],
    // Durations are not ages.
    ['fr', "je suis a la rue depuis un an", 'age'],
    ['fr', "il y a 2 ans j'ai perdu mon appart", 'age'],
    ['nl', 'al een jaar geen werk', 'age'],
    ['nl', 'twee jaar geleden verhuisd', 'age'],
    ['en', 'I lost my flat 2 years ago', 'age'],
    ['es', 'hace un año que no tengo casa', 'age'],
    ['ar', 'منذ سنتين 3 سنوات في بروكسل', 'age'],
    ['tr', 'iki yıl önce geldim', 'age'],
    ['ro', 'sunt singura de 2 ani', 'age'],
    ['en', 'my son has been using for 2 years', 'age'],
    ['fr', 'mon fils dort dehors depuis 2 ans', 'age'],
    // A number after a person that counts something, or is a duration, is not their age.
    ['fr', 'mère de 3 enfants, je cherche un logement', 'age'],
    ['nl', 'mijn zoon van 3 maanden huilt heel veel', 'age'],
    ['en', 'client, 2 kids, evicted last week', 'age'],
    ['fr', 'suivi comme patient depuis 3 ans au CPAS', 'age'],
    ['fr', 'mon fils de 3 jours ne boit pas bien', 'age'],
    ['en', 'she turned 2 corners and got lost', 'age'],
    // An abbreviation of "years" alone is a letter: "quelqu'un. j'habite" is not "un an".
    ['fr', "je voudrais parler a quelqu un. j habite a etterbeek", 'age'],
  ])('(%s) %s: no %s', (lang, text, fact) => {
    expect(u.extractFacts(text, lang).facts[fact]).toBeUndefined();
  });
});

describe('an answer to a date question', () => {
  const DATE: FactSpec = { kind: 'date' };
  const TODAY = new Date('2026-11-23T10:00:00+01:00'); // a Monday

  // Only Date is faked: the understanding is built, and timers run as usual.
  beforeAll(() => {
    jest.useFakeTimers({
      now: TODAY,
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    });
  });
  afterAll(() => jest.useRealTimers());

  test.each<[Lang, string, string]>([
    ['fr', '12/03', '2027-03-12'],
    ['fr', 'demain', '2026-11-24'],
    ['fr', 'lundi 7 décembre', '2026-12-07'],
    ['nl', '3 mei', '2027-05-03'],
    ['nl', 'morgen', '2026-11-24'],
    ['nl', 'vrijdag', '2026-11-27'],
    ['en', 'March 12th, 2027', '2027-03-12'],
    ['en', 'tomorrow please', '2026-11-24'],
    ['ar', '١٢/٠٣/٢٠٢٧', '2027-03-12'],
    ['ar', '12 مارس', '2027-03-12'],
    ['ar', 'بكرة', '2026-11-24'],
    ['tr', "12 Mart'ta", '2027-03-12'],
    ['tr', 'yarın', '2026-11-24'],
    ['tr', 'cuma', '2026-11-27'],
    ['es', '12 de marzo', '2027-03-12'],
    ['es', 'pasado mañana', '2026-11-25'],
    ['ro', '1 decembrie', '2026-12-01'],
    ['ro', 'mâine', '2026-11-24'],
    ['ro', 'vineri', '2026-11-27'],
    // answered in another language than the question's
    ['fr', 'morgen', '2026-11-24'],
    ['nl', 'mañana', '2026-11-24'],
  ])('(%s) "%s" → %s', (lang, text, value) => {
    expect(u.parseAnswer(text, 'some_date', DATE, lang)).toEqual({ ok: true, value });
  });

  test.each<[Lang, string]>([
    ['fr', 'je ne sais pas'],
    ['fr', '31/02'],
    ['fr', 'il a 2-3 ans'],
    ['nl', 'goedemorgen'],
    ['es', 'esta mañana'],
    ['ro', 'de 3 luni'],
    ['tr', 'pazara gittim'],
    ['ar', 'السلام عليكم'],
  ])('(%s) "%s" is not a date', (lang, text) => {
    expect(u.parseAnswer(text, 'some_date', DATE, lang)).toEqual({ ok: false, reason: 'no_match' });
  });
});

test('the answer parser reads dates against the clock it is given', () => {
  const lexicons = loadLexicons();
  const parse = createAnswerParser({
    lexicons,
    labels: () => [],
    yesNoLabels: { yes: [], no: [] },
    numbers: new NumberReader(lexicons),
    // not used by date answers
    communes: {} as never,
    themes: {} as never,
    now: () => new Date('2026-12-31T23:30:00Z'), // already 1 January 2027 in Brussels
  });
  expect(parse('demain', 'some_date', { kind: 'date' }, 'fr')).toEqual({ ok: true, value: '2027-01-02' });
  expect(parse('3 mei', 'some_date', { kind: 'date' }, 'nl')).toEqual({ ok: true, value: '2027-05-03' });
});
