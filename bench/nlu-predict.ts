/**
 * What the dialog makes of a free-text message, as one label: an explicit language request, a
 * global command, a theme from facts or phrases, the classifier's theme at the dialog's threshold,
 * or "none" (the bot asks again). Shared by bench:nlu and the cross-validation in nlu-cv.ts.
 */
import type { Lang } from '../src/catalogue/schema';
import { isConfidentTheme, THEME_CONFIDENCE, type Understanding } from '../src/bot/understanding';

/** The bot asks which of two close themes it is: not a wrong answer, not the right one either. */
export const CLARIFY = 'clarify';

export function predictLabel(u: Understanding, text: string, lang: Lang, themeConfidence = THEME_CONFIDENCE): string {
  if (u.languageRequest(text)) return 'change_language';
  const intent = u.globalIntent(text, lang);
  if (intent) return intent;
  const fromFacts = u.extractFacts(text, lang).facts.theme;
  if (typeof fromFacts === 'string') return fromFacts;
  const th = u.theme(text, lang);
  if (th?.close && th.confidence >= themeConfidence) return CLARIFY;
  return th && isConfidentTheme(th, themeConfidence) ? th.theme : 'none';
}
