/**
 * What the bot read in the person's message, carried by every reply of the turn as
 * `channelData.understood`: the facts taken from this message and why (the lexicon words or name
 * that said it, the classifier and its confidence, a presumption), so that tests, the Helpdesk and
 * anyone debugging see the reading. It names words of the lexicons, never the message itself, and
 * is never logged.
 */
import type { Facts } from '../engine/types';
import type { Reply } from './render/render-outputs';

export const UNDERSTOOD = Symbol('boussole.understood');

export interface UnderstoodFact {
  value: unknown;
  /** words: a phrase or name of the lexicons; number: a number read; classifier: the theme model; presumed: only suggested (or, for a described situation, a resident speaking our language); detected: the language model; implied: told by other words (sex from "enceinte"), or a fact without a reason given. */
  from: 'words' | 'number' | 'classifier' | 'presumed' | 'detected' | 'implied';
  words?: string;
  confidence?: number;
}

export interface Understood {
  facts: Record<string, UnderstoodFact>;
  /** Themes the classifier hesitated between (the bot offers them). */
  candidates?: string[];
}

export function understoodOf(found: Facts, presumed: Facts, why: Record<string, string>, theme: { confidence: number; candidates?: string[] } | undefined, detected: string | undefined): Understood {
  const facts: Record<string, UnderstoodFact> = {};
  for (const [fact, value] of Object.entries(found)) {
    if (value === undefined) continue;
    if (fact === 'language') facts.language = { value, from: detected ? 'detected' : 'implied' };
    else if (fact === 'theme' && !why.theme) facts.theme = { value, from: 'classifier', ...(theme ? { confidence: Math.round(theme.confidence * 100) / 100 } : {}) };
    else if (why[fact] === 'number') facts[fact] = { value, from: 'number' };
    else if (why[fact]) facts[fact] = { value, from: fact === 'sex' ? 'implied' : 'words', words: why[fact] };
    // A fact the reading gave no reason for.
    else facts[fact] = { value, from: 'implied' };
  }
  for (const [fact, value] of Object.entries(presumed)) if (found[fact] === undefined && value !== undefined) facts[fact] = { value, from: 'presumed', ...(why[fact] ? { words: why[fact] } : {}) };
  return { facts, ...(theme?.candidates ? { candidates: theme.candidates } : {}) };
}

/** Every reply of the turn carries the reading (events too: a host may want it). */
export function withUnderstood(replies: Reply[], understood: Understood | undefined): Reply[] {
  if (!understood) return replies;
  return replies.map((r) => ({ ...r, channelData: { ...((r.channelData as Record<string, unknown> | undefined) ?? {}), understood } }));
}
