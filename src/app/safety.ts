/** The safety net wired for the dialog: detection on every message, numbers and text from data and locales. */
import type { SafetyCheck } from '../bot/boussole-dialog';
import type { Translate } from '../i18n/i18n';
import { compileDetector, loadNumbers, safetyReplies } from '../safety';

export function safetyCheck(t: Translate): SafetyCheck {
  const detect = compileDetector();
  const numbers = loadNumbers();
  return (text, lang, { isAnswerButton }) => {
    const danger = detect(text);
    // "No place to sleep tonight" chosen as an answer: the housing journey gives the number first itself.
    const categories = isAnswerButton ? danger.categories.filter((c) => c !== 'no_shelter') : danger.categories;
    if (categories.length === 0) return undefined;
    const level = categories.every((c) => c === 'no_shelter') ? 'urgent' : 'emergency';
    return { replies: safetyReplies({ level, categories }, lang, t, numbers), stop: level === 'emergency', level };
  };
}
