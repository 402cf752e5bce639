/**
 * Greetings and thanks alone ("bonjour", "salam alaykoum", "merci bcp", "tesekkurler"), from the
 * lexicons' `greetings`, in any language: the bot answers them in kind instead of "I did not
 * understand". Small words around them ("bonjour madame", "ok merci") do not change that.
 */
import { LANGUAGES, type Lang } from '../catalogue/schema';
import type { Lexicon } from './lexicon';
import { normalize, takePhrases } from './normalize';

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
    const found = new Set<Greeting>();
    const rest = takePhrases(normalize(text), this.phrases, ({ kind }) => {
      found.add(kind);
      return true;
    });
    if (!found.size || !this.isSmallTalk(rest)) return undefined;
    // "salut, merci": thanks close an exchange, so they are what to answer.
    return found.has('thanks') ? 'thanks' : 'hello';
  }
}
