/**
 * Greetings and thanks alone ("bonjour", "salam alaykoum", "merci bcp", "tesekkurler"), from the
 * lexicons' `greetings`, in any language: the bot answers them in kind instead of "I did not
 * understand". Small words around them ("bonjour madame", "ok merci") do not change that.
 */
import { LANGUAGES, type Lang } from '../catalogue/schema';
import type { Lexicon } from './lexicon';
import { normalize } from './normalize';

export type Greeting = 'hello' | 'thanks';

export class GreetingReader {
  private readonly phrases: Array<{ phrase: string; kind: Greeting }>;

  /** `isSmallTalk`: whether what is left (small words, or nothing) says nothing more. */
  constructor(
    lexicons: Record<Lang, Lexicon>,
    private readonly isSmallTalk: (text: string) => boolean,
  ) {
    const kinds: Greeting[] = ['hello', 'thanks'];
    this.phrases = LANGUAGES.flatMap((l) => kinds.flatMap((kind) => (lexicons[l].greetings?.[kind] ?? []).map((phrase) => ({ phrase, kind }))))
      // Longer first: "merci beaucoup" is taken whole before "merci".
      .sort((a, b) => b.phrase.length - a.phrase.length);
  }

  read(text: string): Greeting | undefined {
    let rest = ` ${normalize(text)} `;
    const found = new Set<Greeting>();
    for (const { phrase, kind } of this.phrases) {
      if (!rest.includes(` ${phrase} `)) continue;
      found.add(kind);
      rest = rest.split(` ${phrase} `).join('  ');
    }
    if (!found.size || !this.isSmallTalk(rest)) return undefined;
    // "salut, merci": thanks close an exchange, so they are what to answer.
    return found.has('thanks') ? 'thanks' : 'hello';
  }
}
