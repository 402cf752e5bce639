/**
 * Global commands, recognised in any language at any step: help, restart, back, talk to a person,
 * change language, stop, forget my data, more. Only short messages that are the command (or start
 * with it) count, so that "je n'ai plus de logement" is not "more".
 */
import { LANGUAGES, type Lang } from '../catalogue/schema';
import { GLOBAL_INTENTS, type GlobalIntent } from '../bot/understanding';
import type { Lexicon } from './lexicon';
import { normalize, tokens } from './normalize';

/** Longest message a command phrase may stand inside ("svp je veux recommencer"). */
const MAX_WORDS = 7;
/**
 * Asking for a person stays that in a longer sentence ("je veux parler a quelqu'un de chez
 * vous"); the lonely person's "talk to someone" is told apart by the theme (index.ts).
 */
const MAX_WORDS_HUMAN = 12;

export class IntentMatcher {
  private readonly phrases: Array<{ phrase: string; intent: GlobalIntent; lang: Lang }> = [];
  constructor(lexicons: Record<Lang, Lexicon>, labels: Array<{ text: string; intent: GlobalIntent; lang: Lang }> = []) {
    for (const lang of LANGUAGES)
      for (const intent of GLOBAL_INTENTS) for (const phrase of lexicons[lang].intents[intent] ?? []) this.phrases.push({ phrase, intent, lang });
    for (const l of labels) this.phrases.push({ phrase: normalize(l.text), intent: l.intent, lang: l.lang });
    this.phrases.sort((a, b) => b.phrase.length - a.phrase.length);
  }

  /** The command, and whether the message is exactly the command's words (not a phrase inside it). */
  match(text: string, lang: Lang): { intent: GlobalIntent; exact: boolean } | undefined {
    const norm = normalize(text);
    const words = tokens(norm);
    if (words.length === 0 || words.length > MAX_WORDS_HUMAN) return undefined;
    // Exact message first, the person's language before others (one word can mean two things).
    const exact = this.phrases.filter((p) => p.phrase === norm);
    if (exact.length) return { intent: (exact.find((p) => p.lang === lang) ?? exact[0]).intent, exact: true };
    // Multi-word commands inside a short message ("svp je veux parler a quelqu'un").
    const inside = this.phrases.find((p) => p.phrase.includes(' ') && (p.intent === 'human' || words.length <= MAX_WORDS) && ` ${norm} `.includes(` ${p.phrase} `));
    return inside && { intent: inside.intent, exact: false };
  }
}
