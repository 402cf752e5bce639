/** The language understanding the bot uses (see bot/understanding.ts), built once at start-up. */
import { LANGUAGES, THEMES, type Commune, type Lang } from '../catalogue/schema';
import type { FactRegistry } from '../engine/types';
import { loadSeed } from '../catalogue/seed';
import { THEME_CONFIDENCE, type GlobalIntent, type Understanding } from '../bot/understanding';
import { lookup, loadResources, type Resources } from '../i18n/resources';
import { loadGraphs } from '../engine/graph-loader';
import { createAnswerParser } from './answers';
import { CommuneFinder } from './communes';
import { FactExtractor } from './facts';
import { GreetingReader } from './greetings';
import { IntentMatcher } from './intents';
import { LanguageDetector } from './language';
import { loadLexicons } from './lexicon';
import { normalize } from './normalize';
import { NumberReader } from './numbers';
import { defaultCacheDir } from './model-cache';
import { ThemeClassifier } from './themes';
import { readFirstMessages, SituationReader, type FirstMessage } from './situations';
import { defaultTrainingDir, loadTrainingData, TRAINED_INTENTS, type LabelledUtterance } from './training-data';

/** How sure the classifier must be before a message in other words counts as a command. */
export const INTENT_CONFIDENCE = 0.45;
/** Longest message a command said in other words may be. */
const MAX_COMMAND_WORDS = 12;
/** A number is a word of digits only. */
const isNumber = (word: string): boolean => /^\d+$/.test(word);
/** Facts that do not make a message about something else than the command. */
const NOT_A_SUBJECT = new Set(['audience', 'for_whom', 'language']);
/** Themes where "I want to talk to someone" is the need itself. */
const TALKING_THEMES = new Set(['isolement', 'sante_mentale']);

export async function createUnderstanding(
  opts: {
    resources?: Resources;
    communes?: Commune[];
    facts?: FactRegistry;
    training?: LabelledUtterance[];
    /** First messages the situation models learn from; unset: the development sets in data/nlu. */
    firstMessages?: FirstMessage[];
    intentConfidence?: number;
    /** Where trained models are kept (model-cache.ts); null: nowhere; unset: the project's .tools/nlu-models. */
    modelCacheDir?: string | null;
  } = {},
): Promise<Understanding> {
  const resources = opts.resources ?? loadResources();
  const lexicons = loadLexicons(resources);
  const communes = opts.communes ?? loadSeed().communes;
  const factSpecs = opts.facts ?? loadGraphs().facts;
  const finder = new CommuneFinder(communes, { home: LANGUAGES.flatMap((l) => lexicons[l].residence), elsewhere: LANGUAGES.flatMap((l) => lexicons[l].elsewhere) });
  const numbers = new NumberReader(lexicons);
  const placeNames = communes.flatMap((c) => [c.name.fr, c.name.nl, ...c.aliases, ...(c.districts ?? []).flatMap((d) => [d.name.fr, d.name.nl, ...d.aliases])]).map(normalize);
  const cacheDir = opts.modelCacheDir === null ? undefined : (opts.modelCacheDir ?? defaultCacheDir());
  const themes = new ThemeClassifier(lexicons, opts.training ?? loadTrainingData(), placeNames, cacheDir);
  const situations = new SituationReader(lexicons, opts.firstMessages ?? readFirstMessages(defaultTrainingDir()), cacheDir);
  const label = (lng: Lang, key: string) => {
    const v = lookup(resources[lng]?.translation, key);
    return typeof v === 'string' ? v : undefined;
  };
  const labels = (fact: string, option: string) => LANGUAGES.map((l) => label(l, `facts.${fact}.options.${option}`)).filter((x): x is string => !!x);
  // Every option title of every question: such an answer is never a global command.
  const optionTitles = new Set(Object.entries(factSpecs).flatMap(([fact, spec]) => (spec.options ?? []).flatMap((o) => labels(fact, o).map(normalize))));
  const commandLabels = LANGUAGES.flatMap((l) =>
    ([['common.person', 'human'], ['common.menu', 'restart'], ['common.more', 'more']] as const).flatMap(([key, intent]) => {
      const text = label(l, key);
      return text ? [{ text, intent, lang: l }] : [];
    }),
  );
  const intents = new IntentMatcher(lexicons, commandLabels);
  const detector = new LanguageDetector(lexicons);
  const greetings = new GreetingReader(lexicons, (text) => themes.isSmallTalk(text));
  const extractor = new FactExtractor(lexicons, finder, numbers);
  const yesNoLabels = { yes: LANGUAGES.map((l) => normalize(label(l, 'common.yes') ?? '')).filter(Boolean), no: LANGUAGES.map((l) => normalize(label(l, 'common.no') ?? '')).filter(Boolean) };
  const yesNo = new Set(LANGUAGES.flatMap((l) => [...lexicons[l].yes, ...lexicons[l].no]).map(normalize));
  const parseAnswer = createAnswerParser({ lexicons, labels, yesNoLabels, communes: finder, numbers, themes });

  return {
    detectLanguage: (text) => detector.detect(text),
    languageRequest: (text) => detector.request(text),
    globalIntent: (text, lang, isAnswer) => {
      const norm = normalize(text);
      if (optionTitles.has(norm)) return undefined;
      const listed = intents.match(text, lang);
      // A command's words inside a message that tells a situation are the situation's ("i made a
      // mistake with my pills"). Asking for a person stays that, except where talking to someone is
      // what a lonely or unwell person asks for ("cok yalnizim, biriyle konusmak istiyorum") and the
      // classifier does not itself read the message as asking for a person.
      if (listed && !listed.exact) {
        const th = themes.classify(text);
        const situation = th !== undefined && th.confidence >= THEME_CONFIDENCE;
        if (situation && (listed.intent !== 'human' || (TALKING_THEMES.has(th.theme) && themes.scores(text)[0]?.label !== 'human'))) return undefined;
      }
      if (listed) return listed.intent;
      if (isAnswer?.(text)) return undefined;
      // Commands said in other words ("je comprends rien a ce truc"): the classifier, only for a
      // short message that says nothing else we understand (no fact, not a yes/no, no number).
      const words = norm.split(' ').filter(Boolean);
      // A number is a word of digits only: in Arabizi ("3awni", "7ad") digits are letters.
      if (words.length === 0 || words.length > MAX_COMMAND_WORDS || words.some(isNumber) || yesNo.has(norm)) return undefined;
      // Greetings and small words alone ("buna", "merci") are no command said in other words.
      if (themes.isSmallTalk(text)) return undefined;
      // A situation or a place is what the message is about; who asks ("assistante sociale svp")
      // and for whom ("english is hard for me") are not.
      if (Object.keys(extractor.extract(text).facts).some((f) => !NOT_A_SUBJECT.has(f))) return undefined;
      const top = themes.scores(text)[0];
      return top && top.p >= (opts.intentConfidence ?? INTENT_CONFIDENCE) && (TRAINED_INTENTS as readonly string[]).includes(top.label) ? (top.label as GlobalIntent) : undefined;
    },
    theme: (text) => {
      const r = themes.classify(text);
      return r && (THEMES as readonly string[]).includes(r.theme) ? r : undefined;
    },
    extractFacts: (text, lang) => extractor.extract(text, lang),
    situation: (text, theme) => situations.readSure(text, theme),
    parseAnswer,
    isOptionTitle: (text) => optionTitles.has(normalize(text)),
    greeting: (text) => greetings.read(text),
  };
}
