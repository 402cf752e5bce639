/**
 * The theme (or global intent) of a free-text message. The classifier trained at start-up on the
 * labelled utterances of data/nlu/ and the lexicons' phrases decides when it is sure; otherwise the
 * lexicons' phrases (whole words, every language, since people mix them) do; otherwise its guess
 * comes with a probability the dialog can reject. Chit-chat alone ("bonjour", "svp") and messages
 * the classifier finds out of scope get no theme. Cross-validation on the training files
 * (bench/nlu-cv.ts) chose this order: classifier first gained 0.8 points over phrases first.
 */
import { createHash } from 'node:crypto';
import { LANGUAGES, THEMES, type Lang } from '../catalogue/schema';
import { MessageClassifier, type Scored } from './classifier';
import type { Lexicon } from './lexicon';
import { containsPhrase, normalize, tokens } from './normalize';
import { OUT_OF_SCOPE, TRAINED_INTENTS, type LabelledUtterance } from './training-data';

/** Situations that name their theme: a housing situation is about housing, and so on. */
const FACT_THEMES: Record<string, string> = { housing_situation: 'logement', screening: 'depistage', substance: 'assuetudes', pregnancy_status: 'perinatalite', mh_need: 'sante_mentale', isolation_need: 'isolement' };
/** How much the lexicons' phrases weigh against the classifier (1: as much). */
const PHRASE_WEIGHT = 1;
/** A theme this likely is worth offering when the classifier hesitates. */
const CANDIDATE = 0.15;

/** Models already trained in this process, by their data: a second app instance (a restart in tests) reuses one. */
const models = new Map<string, MessageClassifier>();
function trained(docs: Array<{ text: string; label: string }>): MessageClassifier {
  const key = createHash('sha256').update(JSON.stringify(docs)).digest('hex');
  let model = models.get(key);
  if (!model) models.set(key, (model = new MessageClassifier(docs)));
  return model;
}

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
    this.model = trained([...training, ...this.phrases.map((p) => ({ text: p.phrase, label: p.theme })), ...intentPhrases]);
  }

  /** The classifier's view of the whole message (themes and intents), best first; [] when nothing in it is known. */
  scores(text: string): Scored[] {
    return this.model.classify(text);
  }

  /**
   * The theme, with its probability; `candidates`, when the classifier hesitates between
   * themes, are the ones worth offering as choices (best first).
   */
  classify(text: string): { theme: string; confidence: number; candidates?: string[] } | undefined {
    const norm = normalize(text);
    // Greetings and small words alone ("bonjour", "svp") are about nothing yet.
    if (!tokens(norm).some((w) => !this.chitChat.has(w))) return undefined;
    const scored = this.scores(text);
    if (scored[0]?.label === OUT_OF_SCOPE && !this.phrases.some((p) => containsPhrase(norm, p.phrase))) return undefined;
    // The lexicons' words that name a theme or a situation ("enceinte", "bebe demasiado") vote,
    // longer phrases more; their share is averaged with the classifier's probability.
    const votes = new Map<string, number>();
    for (const { phrase, theme } of this.phrases) if (containsPhrase(norm, phrase)) votes.set(theme, (votes.get(theme) ?? 0) + phrase.split(' ').length);
    const total = [...votes.values()].reduce((a, b) => a + b, 0);
    const ranked = THEMES.map((theme) => {
      const p = scored.find((s) => s.label === theme)?.p ?? 0;
      return { theme, p: total ? (p + PHRASE_WEIGHT * ((votes.get(theme) ?? 0) / total)) / (1 + PHRASE_WEIGHT) : p };
    }).sort((a, b) => b.p - a.p);
    if (!ranked[0] || ranked[0].p === 0) return undefined;
    const candidates = ranked.filter((r) => r.p >= CANDIDATE).slice(0, 3).map((r) => r.theme);
    return { theme: ranked[0].theme, confidence: ranked[0].p, ...(candidates.length > 1 ? { candidates } : {}) };
  }
}
