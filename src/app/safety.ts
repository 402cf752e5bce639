/** The safety net wired for the dialog: detection on every message, numbers and text from data and locales. */
import type { SafetyCheck, SafetyVerdict } from '../bot/boussole-dialog';
import { LANGUAGES, type Lang } from '../catalogue/schema';
import { normalize } from '../nlu/normalize';
import type { Translate } from '../i18n/i18n';
import { defaultCacheDir } from '../nlu/model-cache';
import { createSafetyNet, DANGER_ANSWER, loadNumbers, mainCategory, QUESTION_OF, safetyReplies, type Category } from '../safety';

export interface SafetyCheckOptions {
  /** Where the trained safety model is kept (null: nowhere, trained at each start). */
  modelCacheDir?: string | null;
}

export function safetyCheck(t: Translate, opts: SafetyCheckOptions = {}): SafetyCheck {
  const net = createSafetyNet({ cacheDir: opts.modelCacheDir === null ? undefined : (opts.modelCacheDir ?? defaultCacheDir()) });
  const numbers = loadNumbers();
  // The titles of the safety net's own buttons, in every language: our wording, not the person's.
  const ownTitles = new Set(LANGUAGES.flatMap((l) => ['safety:continue', 'safety:answer.yes', 'safety:answer.no', 'safety:care.services', 'safety:care.back', 'common.person'].map((k) => normalize(t(l, k)))));
  const check = (text: string, lang: Lang, { isAnswerButton }: { isAnswerButton: boolean }): SafetyVerdict | undefined => {
    // A button's title is our own wording, not the person's: only the patterns read it.
    const seen = net(text, { learned: !isAnswerButton && !ownTitles.has(normalize(text)) });
    if (seen.level === 'none') return undefined;
    // "No place to sleep tonight" chosen as an answer: the housing journey gives the number first itself.
    const categories = isAnswerButton ? seen.categories.filter((c) => c !== 'no_shelter') : seen.categories;
    if (categories.length === 0) return undefined;
    const level = seen.level === 'ask' ? 'ask' : categories.every((c) => c === 'no_shelter') ? 'urgent' : 'emergency';
    const id = level === 'ask' ? QUESTION_OF[mainCategory(categories)] : undefined;
    const question = id ? { id, dangerAnswer: DANGER_ANSWER[id] } : undefined;
    return { replies: safetyReplies({ level, categories, ingestion: seen.ingestion }, lang, t, numbers), stop: level !== 'urgent', level, categories, question };
  };
  const escalate = (categories: string[], lang: Lang) => safetyReplies({ level: 'emergency', categories: categories as Category[] }, lang, t, numbers);
  return Object.assign(check, { escalate });
}
