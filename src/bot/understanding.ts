/** What the bot needs from language understanding (implemented in src/nlu). */
import type { Lang } from '../catalogue/schema';
import type { AnswerParser, Facts } from '../engine/types';

/** Below this confidence, a theme guessed from free text is not used. */
export const THEME_CONFIDENCE = 0.5;

export const GLOBAL_INTENTS = ['help', 'restart', 'back', 'human', 'change_language', 'stop', 'forget_me', 'more', 'continue'] as const;
export type GlobalIntent = (typeof GLOBAL_INTENTS)[number];

export interface ThemeGuess {
  theme: string;
  confidence: number;
  candidates?: string[];
  close?: boolean;
}

/** A guess the bot acts on without asking: sure enough, and not torn between two themes. */
export function isConfidentTheme(th: ThemeGuess, threshold = THEME_CONFIDENCE): boolean {
  return th.confidence >= threshold && !th.close;
}

export interface Understanding {
  /** The language of a short text, when it can tell. */
  detectLanguage(text: string): { lang: Lang; confidence: number } | undefined;
  /** An explicit request for a language ("nederlands", "english please", "عربي"). */
  languageRequest(text: string): Lang | undefined;
  /**
   * A global command, recognised in any language at any step. `isAnswer` says whether the text
   * answers the question asked: then only the commands' own words count, not a guess ("pr moi"
   * answers "for whom?", it does not mean "stop").
   */
  globalIntent(text: string, lang: Lang, isAnswer?: (text: string) => boolean): GlobalIntent | undefined;
  /**
   * The theme of a free-text message, with confidence 0..1; `candidates`, the few themes worth
   * offering when it hesitates; `close` when the runner-up is nearly as likely (a message about two
   * things: "je suis seule et je bois"), so that the person is asked which one rather than guessed for.
   */
  theme(text: string, lang: Lang): ThemeGuess | undefined;
  /**
   * Facts found in free text; `ambiguous` lists candidate values where the text could mean several;
   * `presumed`, facts the text only suggests, to fill gaps and never to replace what was said.
   */
  /** `twins`: groups of facts read from one phrase listed under each ("parler à quelqu'un": mh_need and isolation_need). */
  extractFacts(text: string, lang: Lang): { facts: Facts; ambiguous: Record<string, string[]>; presumed: Facts; why?: Record<string, string>; twins?: string[][] };
  parseAnswer: AnswerParser;
  /**
   * The situation of `theme` told in `text` (the housing situation, the kind of help…), read by a
   * model where no phrase said it: only when the model is sure enough to act on it.
   */
  situation?(text: string, theme: string): { fact: string; value: string; confidence: number } | undefined;
  /** True when the text is exactly the title of an answer button of some question. */
  isOptionTitle(text: string): boolean;
  /** A message that only greets ("bonjour", "salam alaykoum") or thanks ("merci bcp"), with small words. */
  greeting(text: string): 'hello' | 'thanks' | undefined;
}

/**
 * The presumed facts that fill a gap in `known`: what a message only suggests ("je me sens mal" is
 * about the writer) never replaces what the person said, and a professional speaks for others.
 */
export function fillGaps(known: Facts, presumed: Facts): Facts {
  if (known.audience === 'professional') return {};
  return Object.fromEntries(Object.entries(presumed).filter(([k]) => known[k] === undefined));
}
