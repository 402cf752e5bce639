/**
 * One reading of a message, made once, before anything is decided (the policy, policy.ts, decides
 * what to do with it). Everything the understanding can say about the text is here, each part with
 * its confidence where it has one and the words it came from (`why`); nothing is changed while
 * reading.
 */
import type { Lang } from '../catalogue/schema';
import type { Facts } from '../engine/types';
import type { GlobalIntent, Understanding } from './understanding';
import { isConfidentTheme } from './understanding';

export type SmallTalk = 'hello' | 'thanks' | 'ack';

export interface Interpretation {
  /** The safety net spoke on this message: it is never a command or a language request (policy rule). */
  danger: boolean;
  /** An explicit request for a language ("nederlands", "english please"). */
  languageRequest?: Lang;
  /** A global command ("recommencer", "stop", "more"…), read with the awaited question in mind. */
  command?: GlobalIntent;
  /** The language the text is written in, read only while the person has not chosen one. */
  language?: { lang: Lang; confidence: number };
  /** The text is a button's title or a bare number: a pick, not a description. */
  pick: boolean;
  /** The text is a valid answer to the question on screen (false when none waits). */
  answers: boolean;
  /** Facts the text states (never `language`: that is `language` above). */
  told: Facts;
  /** Facts the text only suggests (and, when it describes a situation, that the writer is a resident speaking our language): they fill gaps, never replace what was said. */
  presumed: Facts;
  /** Several values the text could mean (two communes named, none said to be home). */
  ambiguous: Record<string, string[]>;
  /** Why each fact was read: lexicon words, a number, the classifier. */
  why: Record<string, string>;
  /** The theme classifier's reading, when the theme is not told and still open. */
  theme?: { confidence: number; candidates?: string[] };
  /** Only a greeting, thanks or acknowledgement ("ok", "oui"). */
  smallTalk?: SmallTalk;
}

export interface ReadingContext {
  /** The language we speak to the person now. */
  lang: Lang;
  /** The journey knows the person's language: none is read from the text. */
  languageKnown: boolean;
  /** The journey knows who is asking. */
  audienceKnown: boolean;
  /** The theme may be read from the text (no theme known yet, or the journey has ended). */
  themeOpen: boolean;
  /** The text is a valid answer to the question on screen; undefined: no question waits. */
  accepts?: (text: string, lang: Lang) => boolean;
  /** Below this, a language read from the text is not used. */
  languageConfidence: number;
  /** The journeys that use a fact (Engine.journeysUsing): one phrase read as two facts keeps the one of the subject's journey. */
  journeysUsing?: (fact: string) => string[];
}

/**
 * One phrase read as several facts ("parler à quelqu'un": the need in mental health and in
 * loneliness) means the one the subject's journey uses, once the subject is known; the others go.
 */
export function keepTheSubjectsFacts(told: Facts, why: Record<string, string>, twins: string[][], journeysUsing: (fact: string) => string[]): void {
  const theme = told.theme;
  if (typeof theme !== 'string') return;
  for (const group of twins) {
    const own = group.filter((f) => journeysUsing(f).includes(theme));
    if (!own.length) continue;
    for (const f of group)
      if (!own.includes(f)) {
        delete told[f];
        delete why[f];
      }
  }
}

/**
 * The theme's situation said in words no phrase lists ("sortir un peu de chez moi"): the situation
 * model's reading, when it is sure, where the phrases found none.
 */
export function addSituation(u: Pick<Understanding, 'situation'>, text: string, told: Facts, why?: Record<string, string>): void {
  const situation = typeof told.theme === 'string' ? u.situation?.(text, told.theme) : undefined;
  if (!situation || told[situation.fact] !== undefined) return;
  told[situation.fact] = situation.value;
  if (why) why[situation.fact] = 'classifier';
}

/** Reads a message. `danger`: the safety net spoke on it. */
export function interpret(u: Understanding, text: string, danger: boolean, c: ReadingContext): Interpretation {
  const languageRequest = u.languageRequest(text);
  const command = u.globalIntent(text, c.lang, c.accepts ? (t) => c.accepts!(t, c.lang) : undefined);
  const d = c.languageKnown ? undefined : u.detectLanguage(text);
  const language = d && d.confidence >= c.languageConfidence ? d : undefined;
  const lng = language?.lang ?? c.lang;
  const { facts, ambiguous, presumed: suggested, why, twins } = u.extractFacts(text, lng);
  const presumed: Facts = { ...suggested };
  const told: Facts = { ...facts };
  delete told.language;
  let theme: Interpretation['theme'];
  if (told.theme === undefined && c.themeOpen) {
    const th = u.theme(text, lng);
    if (th && isConfidentTheme(th)) told.theme = th.theme;
    if (th) theme = { confidence: th.confidence, ...(th.candidates && told.theme === undefined ? { candidates: th.candidates } : {}) };
  }
  if (c.journeysUsing) keepTheSubjectsFacts(told, why ?? {}, twins ?? [], c.journeysUsing);
  addSituation(u, text, told, why);
  // Someone who describes their situation is presumed to be a resident, speaking the language we
  // already speak to them (the channel's), until they say otherwise; both can change at any time.
  const describes = Object.keys(told).some((k) => k !== 'audience') || theme?.candidates !== undefined;
  if (describes && !language && !c.languageKnown) presumed.language = c.lang;
  if (describes && told.audience === undefined && !c.audienceKnown) presumed.audience = 'resident';
  const greeting = u.greeting(text);
  const smallTalk: SmallTalk | undefined = greeting ?? (u.parseAnswer(text, 'acknowledgement', { kind: 'yesno' }, lng).ok ? 'ack' : undefined);
  return {
    danger,
    ...(languageRequest ? { languageRequest } : {}),
    ...(command ? { command } : {}),
    ...(language ? { language } : {}),
    pick: u.isOptionTitle(text) || /^\d{1,3}$/.test(text),
    answers: c.accepts ? c.accepts(text, lng) : false,
    told,
    presumed,
    ambiguous,
    why: why ?? {},
    ...(theme ? { theme } : {}),
    ...(smallTalk ? { smallTalk } : {}),
  };
}
