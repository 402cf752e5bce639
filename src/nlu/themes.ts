/**
 * The theme (or global intent) of a free-text message. The classifier trained at start-up on the
 * labelled utterances of data/nlu/ (and the lexicons' phrases) gives a probability per theme; the
 * lexicons' phrases that stand in the message (whole words, every language, since people mix them)
 * vote, and the two are averaged — 5-fold cross-validation on the training files (bench/nlu-cv.ts)
 * measured 83.3% for the average against 80.4% for the classifier deciding alone when sure.
 * Chit-chat alone ("bonjour", "svp") and messages the classifier finds out of scope get no theme.
 */
import { LANGUAGES, THEMES, type Lang } from '../catalogue/schema';
import type { MessageClassifier, Scored } from './classifier';
import { sharedModel } from './model-cache';
import type { ThemeGuess } from '../bot/understanding';
import type { Lexicon } from './lexicon';
import { containsPhrase, normalize, tokens } from './normalize';
import { OUT_OF_SCOPE, TRAINED_INTENTS, type LabelledUtterance } from './training-data';

/** Situations that name their theme: a housing situation is about housing, and so on. */
/** A situation's phrases of at most this many words are learnt by the classifier; all of them vote. */
const LEARNT_PHRASE_WORDS = 3;
export const FACT_THEMES: Record<string, string> = { housing_situation: 'logement', screening: 'depistage', substance: 'assuetudes', pregnancy_status: 'perinatalite', mh_need: 'sante_mentale', isolation_need: 'isolement' };
/** How much the lexicons' phrases weigh against the classifier (1: as much). */
const PHRASE_WEIGHT = 1;
/** A theme this likely is worth offering when the classifier hesitates. */
const CANDIDATE = 0.15;
/** …and the themes offered together must hold this much of it. */
const CANDIDATES_MASS = 0.8;
/**
 * A runner-up at this share of the best theme or more makes the two too close to pick one. In
 * cross-validation (bench/nlu-cv.ts), 1.0% of confident guesses were that close, and a third of
 * them were wrong (against 3.6% of all confident guesses).
 */
const CLOSE = 0.6;
/** A message of one known word names a theme when at least this share of the examples holding it are about it (CV: in scope unchanged, out of scope rejected 87.2% → 87.3%). */
const ONE_WORD_SHARE = 0.5;

export class ThemeClassifier {
  private readonly phrases: Array<{ phrase: string; theme: string }> = [];
  /** The phrases by their first word: a message is checked only against phrases that can stand in it. */
  private readonly byFirstWord = new Map<string, Array<{ phrase: string; theme: string }>>();
  private readonly model: MessageClassifier;
  private readonly chitChat: Set<string>;
  /** Per word of the training examples: how many examples of each label hold it. */
  private readonly wordLabels = new Map<string, Map<string, number>>();
  private last: { text: string; scored: Scored[] } | undefined;

  /** Where the person lives (words and commune names): stripped before the classifier sees a text. */
  private readonly placeWords: string[];

  /** `places`: commune names (normalised) — facts of their own, which must not pull towards a theme; `cacheDir`: where trained models are kept (model-cache.ts). */
  constructor(lexicons: Record<Lang, Lexicon>, training: LabelledUtterance[] = [], places: string[] = [], cacheDir?: string) {
    this.placeWords = [...new Set([...LANGUAGES.flatMap((l) => lexicons[l].residence), ...places])].filter(Boolean).sort((a, b) => b.length - a.length);
    const intentPhrases: Array<{ text: string; label: string }> = [];
    for (const l of LANGUAGES) {
      const f = lexicons[l].facts;
      for (const theme of THEMES) for (const p of f.theme?.[theme] ?? []) this.phrases.push({ phrase: p, theme });
      for (const [fact, theme] of Object.entries(FACT_THEMES)) for (const list of Object.values(f[fact] ?? {})) for (const p of list) this.phrases.push({ phrase: p, theme });
      for (const intent of TRAINED_INTENTS) for (const p of lexicons[l].intents[intent] ?? []) intentPhrases.push({ text: p, label: intent });
    }
    this.chitChat = new Set(LANGUAGES.flatMap((l) => lexicons[l].stopwords));
    // The same phrase listed in two languages ("triste") is one vote, not two.
    const distinct = new Map(this.phrases.map((p) => [`${p.theme} ${p.phrase}`, p]));
    this.phrases.splice(0, this.phrases.length, ...distinct.values());
    for (const p of this.phrases) {
      const first = tokens(p.phrase)[0] ?? '';
      this.byFirstWord.set(first, [...(this.byFirstWord.get(first) ?? []), p]);
    }
    // The classifier learns from the theme phrases and from a situation's short phrases ("moisissure",
    // "pas de chauffage"); longer ones ("sleeping at the train station") only vote, whole: learnt word
    // by word they pulled ordinary messages ("where is the train station") into a theme. 5-fold CV on
    // data/nlu, 2026-12-07, with the lexicons' new phrases (themes / out of scope rejected): every
    // phrase learnt 90.3% / 84.4%; up to 3 words 90.5% / 84.9%; up to 2 90.3% / 86.7%; none 90.4% /
    // 86.4% (the last two broke more conversation transcripts). Before the new phrases: 90.0% / 87.2%;
    // as committed: 90.3% / 85.5%.
    const themePhrases = new Set(LANGUAGES.flatMap((l) => THEMES.flatMap((t) => (lexicons[l].facts.theme?.[t] ?? []).map((p) => `${t} ${p}`))));
    const learnt = this.phrases.filter((p) => themePhrases.has(`${p.theme} ${p.phrase}`) || p.phrase.split(' ').length <= LEARNT_PHRASE_WORDS);
    const docs = [...training, ...learnt.map((p) => ({ text: p.phrase, label: p.theme })), ...intentPhrases];
    for (const d of docs)
      for (const w of new Set(tokens(normalize(d.text)))) {
        const m = this.wordLabels.get(w) ?? new Map<string, number>();
        m.set(d.label, (m.get(d.label) ?? 0) + 1);
        this.wordLabels.set(w, m);
      }
    this.model = sharedModel(docs.map((d) => ({ text: this.withoutPlace(d.text), label: d.label })), {}, cacheDir);
  }

  /** The classifier's view of the whole message (themes and intents), best first; [] when nothing in it is known. */
  scores(text: string): Scored[] {
    // One message is asked for a command, then for a theme: it is scored once.
    if (this.last?.text !== text) this.last = { text, scored: this.model.classify(this.withoutPlace(text)) };
    return this.last.scored;
  }

  /** Greetings and small words alone ("bonjour", "svp", "buna seara") are about nothing yet. */
  isSmallTalk(text: string): boolean {
    return tokens(normalize(text)).every((w) => this.chitChat.has(w));
  }

  /** "ik zoek een psy, on habite a koekelberg" → "ik zoek een psy": where one lives says no theme. */
  private withoutPlace(text: string): string {
    let padded = ` ${normalize(text)} `;
    for (const p of this.placeWords) if (padded.includes(` ${p} `)) padded = padded.split(` ${p} `).join(' ');
    return padded.trim();
  }

  /**
   * The theme, with its probability; `candidates`, when the classifier hesitates between
   * themes, are the ones worth offering as choices (best first).
   */
  classify(text: string): ThemeGuess | undefined {
    if (this.isSmallTalk(text)) return undefined;
    const norm = normalize(text);
    const scored = this.scores(text);
    // The lexicons' words that name a theme or a situation ("enceinte", "bebe demasiado") vote,
    // longer phrases more; their share is averaged with the classifier's probability.
    const votes = new Map<string, number>();
    for (const w of new Set(tokens(norm)))
      for (const { phrase, theme } of this.byFirstWord.get(w) ?? []) if (containsPhrase(norm, phrase)) votes.set(theme, (votes.get(theme) ?? 0) + phrase.split(' ').length);
    if (scored[0]?.label === OUT_OF_SCOPE && !votes.size) return undefined;
    const total = [...votes.values()].reduce((a, b) => a + b, 0);
    const ranked = THEMES.map((theme) => {
      const p = scored.find((s) => s.label === theme)?.p ?? 0;
      return { theme, p: total ? (p + PHRASE_WEIGHT * ((votes.get(theme) ?? 0) / total)) / (1 + PHRASE_WEIGHT) : p };
    }).sort((a, b) => b.p - a.p);
    if (!ranked[0] || ranked[0].p === 0) return undefined;
    // One word the examples use about many things ("where", "help") says none of them; an unknown
    // word (a typo: "logemnt") is left to the classifier's letter groups.
    // (A number is no word about anything: "34 yaşındayım" is one word, an age.)
    const words = tokens(this.withoutPlace(text)).filter((w) => !this.chitChat.has(w) && !/^\d+$/.test(w));
    const seen = words.length === 1 ? this.wordLabels.get(words[0]) : undefined;
    if (seen) {
      const all = [...seen.values()].reduce((a, b) => a + b, 0);
      if ((seen.get(ranked[0].theme) ?? 0) < ONE_WORD_SHARE * all) return undefined;
    }
    // Worth offering as choices only when a few themes hold nearly all the probability: a vague
    // message ("besoin d'aide") gets the whole list of themes instead.
    const offered = ranked.filter((r) => r.p >= CANDIDATE).slice(0, 3);
    const candidates = offered.length > 1 && offered.reduce((a, r) => a + r.p, 0) >= CANDIDATES_MASS ? offered.map((r) => r.theme) : [];
    const close = candidates.length > 1 && ranked[1].p >= CLOSE * ranked[0].p;
    return { theme: ranked[0].theme, confidence: ranked[0].p, ...(candidates.length ? { candidates } : {}), ...(close ? { close } : {}) };
  }
}
