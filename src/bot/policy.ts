/**
 * What to do with a message once it is read (interpretation.ts), after the safety net: an ordered
 * table of rules, the first that holds decides. Each rule says in its `doc` why it is where it is;
 * the table is tested as data (test/bot/policy.test.ts: interpretations and situations → decisions)
 * and carried out by BoussoleDialog.
 */
import type { Facts } from '../engine/types';
import type { Interpretation } from './interpretation';
import { fillGaps } from './understanding';

/** Where the conversation is when the message arrives. */
export interface Situation {
  /** `none`: no journey yet; `open`: a journey is under way; `ended`: its results were shown. */
  journey: 'none' | 'open' | 'ended';
  /** The fact the question on screen waits for. */
  awaited?: string;
  /** What the journey knows. */
  facts: Facts;
}

export type Decision =
  /** Switch to the language asked for, and say the question again in it. */
  | 'switch_language'
  /** Carry out the global command. */
  | 'command'
  /** The button (or number) answers the question on screen. */
  | 'pick'
  /** After the results: more about the same situation; "noted", and the journey walked again with it. */
  | 'walk_again'
  /** After the results: another subject; start again, keeping who asks, the language and the commune. */
  | 'new_request'
  /** After the results: thanks answered with thanks and the closing words. */
  | 'close_with_thanks'
  /** After the results: a greeting answered in kind, and the theme question. */
  | 'greet_and_go_on'
  /** After the results: "ok" — the closing words say what comes next. */
  | 'close'
  /** No journey yet: start one with what the message told. */
  | 'start'
  /** No journey yet and nothing told: start one, and read the message against its first question. */
  | 'start_and_read'
  /** The message told the awaited fact (or it can be presumed), or nothing waits: go on. */
  | 'go_on'
  /** The message answers the question. */
  | 'answer'
  /** Not the answer, but something else told: "noted", and the question again (not a misunderstanding). */
  | 'noted'
  /** Not the answer, only a greeting or thanks: answered in kind, and the question again. */
  | 'greet_back'
  /** Nothing understood: the question again, counted towards offering a person. */
  | 'misunderstood';

export interface Rule {
  id: Decision;
  doc: string;
  when: (i: Interpretation, s: Situation) => boolean;
}

/** Facts a message told besides the language, who is asking and (`theme`: unless `withTheme`) the subject. */
const SITUATION_FACTS = (told: Facts, withTheme: boolean) => Object.keys(told).filter((k) => k !== 'language' && k !== 'audience' && (withTheme || k !== 'theme'));

/** Something told that the journey did not know (or knew otherwise). */
function news(i: Interpretation, s: Situation, withTheme: boolean): boolean {
  return SITUATION_FACTS(i.told, withTheme).some((k) => s.facts[k] !== i.told[k]);
}

/** The same subject as the ended journey (or no subject said). */
const sameSubject = (i: Interpretation, s: Situation) => i.told.theme === undefined || i.told.theme === s.facts.theme;

/** Themes or communes to choose between: the message says more than nothing. */
const saysMore = (i: Interpretation) => Boolean(i.theme?.candidates?.length) || Boolean(i.ambiguous.commune?.length);

/** The awaited fact is told by the message or can be presumed from it. */
function awaitedKnown(i: Interpretation, s: Situation): boolean {
  if (!s.awaited) return true;
  // The language the message is written in counts as told.
  const said: Facts = { ...i.told, ...(i.language ? { language: i.language.lang } : {}) };
  return said[s.awaited] !== undefined || fillGaps({ ...s.facts, ...said }, i.presumed)[s.awaited] !== undefined;
}

export const POLICY: readonly Rule[] = [
  { id: 'switch_language', doc: 'An explicit language request, unless the safety net spoke: a message in danger is never a request.', when: (i) => !i.danger && i.languageRequest !== undefined },
  { id: 'command', doc: 'A global command, unless the safety net spoke: a message in danger is never read as stop, restart or anything else.', when: (i) => !i.danger && i.command !== undefined },
  { id: 'pick', doc: 'A button or a number while a question waits, valid for it: an answer, not a description ("Pour moi ou un proche" says nothing about a relative).', when: (i, s) => s.journey === 'open' && s.awaited !== undefined && i.pick && i.answers },
  { id: 'walk_again', doc: 'After the results, something new about the same subject ("j\'ai 34 ans", another commune): the journey again with it.', when: (i, s) => s.journey === 'ended' && sameSubject(i, s) && news(i, s, false) },
  { id: 'new_request', doc: 'After the results, another subject, facts about it, or themes or communes to choose between: a new request.', when: (i, s) => s.journey === 'ended' && (news(i, s, false) || saysMore(i) || i.told.theme !== undefined) },
  { id: 'close_with_thanks', doc: 'After the results, thanks.', when: (i, s) => s.journey === 'ended' && i.smallTalk === 'thanks' },
  { id: 'greet_and_go_on', doc: 'After the results, a greeting.', when: (i, s) => s.journey === 'ended' && i.smallTalk === 'hello' },
  { id: 'close', doc: 'After the results, "ok", "oui", "non": an acknowledgement.', when: (i, s) => s.journey === 'ended' && i.smallTalk === 'ack' },
  { id: 'new_request', doc: 'After the results, anything else (the same subject said again, nothing understood): a new request.', when: (_i, s) => s.journey === 'ended' },
  { id: 'start', doc: 'No journey yet, and the message told something, offers themes to choose between or is in a language we can tell: start with it.', when: (i, s) => s.journey === 'none' && (Object.keys(i.told).length > 0 || Boolean(i.theme?.candidates?.length) || i.language !== undefined) },
  { id: 'start_and_read', doc: 'No journey yet and nothing told: the first question, and the message read as its answer.', when: (_i, s) => s.journey === 'none' },
  { id: 'go_on', doc: 'The awaited fact was told or can be presumed, or nothing waits: the journey goes on.', when: (i, s) => awaitedKnown(i, s) },
  { id: 'answer', doc: 'The message answers the question on screen.', when: (i) => i.answers },
  { id: 'noted', doc: 'Not the answer, but something new told ("anderlecht" when asked the weeks): kept and thanked for; not a misunderstanding.', when: (i, s) => news(i, s, true) },
  { id: 'greet_back', doc: 'Not the answer, only a greeting or thanks: answered in kind; not a misunderstanding.', when: (i) => i.smallTalk === 'hello' || i.smallTalk === 'thanks' },
  { id: 'misunderstood', doc: 'Nothing understood: the question again; two in a row offer a person.', when: () => true },
];

/** The first rule that holds. */
export function decide(i: Interpretation, s: Situation, rules: readonly Rule[] = POLICY): Rule {
  const rule = rules.find((r) => r.when(i, s));
  // The last rule always holds; a table without it is a programming error.
  if (!rule) throw new Error('policy: no rule holds');
  return rule;
}
