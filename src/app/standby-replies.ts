/**
 * What a web-chat person is told while the database cannot be reached, made from memory only:
 * the safety net (patterns and model are in memory, the numbers are static data) and a notice that
 * the message is kept, in the person's language (the message's, else the page's, else French).
 */
import type { Activity } from 'botbuilder-core';
import type { SafetyCheck } from '../bot/boussole-dialog';
import type { Understanding } from '../bot/understanding';
import { LANGUAGES, type Lang } from '../catalogue/schema';
import type { Translate } from '../i18n/i18n';

const LANGUAGE_CONFIDENCE = 0.55;

function pageLanguage(locale: string | undefined): Lang | undefined {
  const primary = String(locale ?? '').toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Lang) : undefined;
}

type StandbyDeps = { safety: SafetyCheck; understanding: Pick<Understanding, 'detectLanguage'>; t: Translate };

/** What the safety net says of a message, from memory: its numbers (none when it sees no danger), in the message's language. */
export function emergencyReplies(deps: Omit<StandbyDeps, 't'>) {
  return ({ text, locale }: { text?: string; locale?: string }): { lang: Lang; replies: Array<Partial<Activity>> } => {
    const detected = text ? deps.understanding.detectLanguage(text) : undefined;
    const lang = (detected && detected.confidence >= LANGUAGE_CONFIDENCE ? detected.lang : undefined) ?? pageLanguage(locale) ?? 'fr';
    const verdict = text ? deps.safety(text, lang, { isAnswerButton: false }) : undefined;
    // Buttons would send answers the bot cannot take now: the numbers as plain text.
    return { lang, replies: (verdict?.replies ?? []).map((r) => ({ type: r.type ?? 'message', text: r.text, attachments: r.attachments, locale: lang })) };
  };
}

export function standbyReplies(deps: StandbyDeps) {
  const emergency = emergencyReplies(deps);
  return ({ text, locale }: { text?: string; locale?: string }): Array<Partial<Activity>> => {
    const { lang, replies } = emergency({ text, locale });
    return [...replies, { type: 'message', text: deps.t(lang, text === undefined ? 'standby.start' : 'standby.kept'), locale: lang }];
  };
}
