/**
 * The theme (or global intent) of a free-text message. First the lexicons' phrases (whole words,
 * every language, since people mix them); when none is found, the classifier trained at start-up
 * on the labelled utterances of data/nlu/ and the same phrases guesses, with a probability the
 * dialog can reject. Words every language uses for chit-chat ("bonjour", "svp") say nothing.
 */
import { LANGUAGES, THEMES, type Lang } from '../catalogue/schema';
import { MessageClassifier, type Scored } from './classifier';
import type { Lexicon } from './lexicon';
import { containsPhrase, normalize, tokens } from './normalize';
import { TRAINED_INTENTS, type LabelledUtterance } from './training-data';

/** Situations that name their theme: a housing situation is about housing, and so on. */
const FACT_THEMES: Record<string, string> = { housing_situation: 'logement', screening: 'depistage', substance: 'assuetudes', pregnancy_status: 'perinatalite', mh_need: 'sante_mentale', isolation_need: 'isolement' };
export class ThemeClassifier {
  private readonly phrases: Array<{ phrase: string; theme: string }> = [];
  private readonly model: MessageClassifier;
  private readonly chitChat: Set<string>;

  constructor(lexicons: Record<Lang, Lexicon>, training: LabelledUtterance[] = []) {
    const intentPhrases: Array<{ text: string; label: string }> = [];
    for (const l of LANGUAGES) {
      const f = lexicons[l].facts;
      for (const theme of THEMES) for (const p of f.theme?.[theme] ?? []) this.phrases.push({ phrase: p, theme });
      for (const [fact, theme] of Object.entries(FACT_THEMES)) for (const list of Object.values(f[fact] ?? {})) for (const p of list) this.phrases.push({ phrase: p, theme });
      for (const intent of TRAINED_INTENTS) for (const p of lexicons[l].intents[intent] ?? []) intentPhrases.push({ text: p, label: intent });
    }
    this.chitChat = new Set(LANGUAGES.flatMap((l) => lexicons[l].stopwords));
    this.model = new MessageClassifier([...training, ...this.phrases.map((p) => ({ text: p.phrase, label: p.theme })), ...intentPhrases]);
  }

  /** The classifier's view of the content words (themes and intents), or [] for chit-chat only. */
  scores(text: string): Scored[] {
    const content = tokens(normalize(text)).filter((w) => !this.chitChat.has(w));
    return content.length ? this.model.classify(content.join(' ')) : [];
  }

  classify(text: string): { theme: string; confidence: number } | undefined {
    const norm = normalize(text);
    if (!norm) return undefined;
    const votes = new Map<string, number>();
    for (const { phrase, theme } of this.phrases) if (containsPhrase(norm, phrase)) votes.set(theme, (votes.get(theme) ?? 0) + phrase.split(' ').length);
    if (votes.size) {
      const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1]);
      const total = ranked.reduce((s, [, v]) => s + v, 0);
      return { theme: ranked[0][0], confidence: Math.min(0.95, 0.5 + (0.5 * ranked[0][1]) / total) };
    }
    // One word is too little for a guess ("where", "$where"): the phrases above know the words
    // that name a theme alone; the classifier needs two words it knows.
    const known = tokens(normalize(text)).filter((w) => !this.chitChat.has(w) && this.model.knows(w));
    if (new Set(known).size < 2) return undefined;
    const top = this.scores(text)[0];
    if (!top || !(THEMES as readonly string[]).includes(top.label)) return undefined;
    return { theme: top.label, confidence: top.p };
  }
}
