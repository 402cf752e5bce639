/**
 * When the classifier hesitates (ThemeClassifier.classify): the themes worth offering, and whether
 * the two best are too close to pick one. A small, fixed training set, so that these cases do not
 * move when the real training data grows.
 */
import { LANGUAGES, type Lang } from '../../src/catalogue/schema';
import type { Lexicon } from '../../src/nlu/lexicon';
import { ThemeClassifier } from '../../src/nlu/themes';
import { isConfidentTheme, THEME_CONFIDENCE } from '../../src/bot/understanding';

const empty: Lexicon = {
  yes: [],
  no: [],
  intents: {},
  language_names: [],
  stopwords: ['et'],
  professional: [],
  residence: [],
  sex_told: {},
  sex_subject: {},
  elsewhere: [],
  first_person: [],
  greetings: { hello: [], thanks: [] },
  units: { years: [], years_short: [], months: [], weeks: [], since: [], ago: [], age_cue: [], age_cue_open: [], and: [], ordinals: [], person: [], people: [] },
  facts: {},
};
const lexicons = Object.fromEntries(LANGUAGES.map((l) => [l, empty])) as Record<Lang, Lexicon>;
// Each theme: two words, alone and in the same two settings, so that neither theme weighs more.
const say = (label: string, words: string[]) => words.flatMap((w) => [w, `${w} le soir`, `${w} le matin`]).map((text) => ({ text, label, lang: 'fr' as Lang }));
const themes = new ThemeClassifier(lexicons, [...say('isolement', ['seule', 'solitude']), ...say('assuetudes', ['alcool', 'vodka']), ...say('logement', ['loyer', 'expulsion'])], [], undefined);

test.each<[string, { theme: string; confident: boolean; candidates?: string[] }]>([
  ['alcool le soir', { theme: 'assuetudes', confident: true }],
  ['seule', { theme: 'isolement', confident: true }],
  // Both needs, about as strongly: not guessed; the two are offered.
  ['seule et alcool', { theme: 'isolement', confident: false, candidates: ['assuetudes', 'isolement'] }],
])('%s → %j', (text, want) => {
  const th = themes.classify(text);
  expect(th).toBeDefined();
  expect({ theme: th!.theme, confident: isConfidentTheme(th!), ...(want.candidates ? { candidates: [...(th!.candidates ?? [])].sort() } : {}) }).toEqual(want);
});

test('sure enough, but the runner-up nearly as likely: still asked, not guessed', () => {
  const th = themes.classify('solitude le matin et alcool le soir')!;
  expect(th.confidence).toBeGreaterThanOrEqual(THEME_CONFIDENCE);
  expect({ close: th.close, confident: isConfidentTheme(th), candidates: [...(th.candidates ?? [])].sort() }).toEqual({ close: true, confident: false, candidates: ['assuetudes', 'isolement'] });
});

test('a message with none of the known words has no theme', () => {
  expect(themes.classify('zzz qqq')).toBeUndefined();
});
