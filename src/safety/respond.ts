/**
 * What the safety net says: the numbers for the situation, in the order that fits the person's
 * language (French lines for French speakers, Dutch lines for Dutch speakers, 112 first for every
 * other language), a calm message from locales/, and `channelData.safety = { level, numbers }`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Lang, LocalText } from '../catalogue/schema';
import type { Reply } from '../bot/render/render-outputs';
import { textForReader, type Translate } from '../i18n/i18n';
import { defaultSafetyDir, type Category } from './detect';
import type { Band } from './net';

export interface EmergencyNumber {
  id: string;
  number: string;
  /** In all seven languages today; a missing one falls back like catalogue texts (fr, en, nl), and the line says so. */
  name: LocalText;
  hours: LocalText;
  languages: string[];
  categories: Category[];
  source: string[];
  caveat?: 'hours_unverified' | 'hours_dated';
}

export function loadNumbers(dir = defaultSafetyDir()): EmergencyNumber[] {
  return (JSON.parse(fs.readFileSync(path.join(dir, 'numbers.json'), 'utf8')) as { numbers: EmergencyNumber[] }).numbers;
}

/** The first category decides the message; the most life-threatening comes first. */
const PRIORITY: Category[] = ['medical', 'suicide', 'violence_sexual', 'violence_child', 'violence_domestic', 'other_danger', 'no_shelter'];

/** What the responder needs of an assessment. */
export interface DangerSeen {
  level: Exclude<Band, 'none'> | 'none';
  categories: Category[];
  /** Pills or a product taken: the poison centre is given, with what to do. */
  ingestion?: boolean;
}

/** The direct question of the middle band, per most serious category (as crisis lines ask). */
export const QUESTION_OF: Record<Category, SafetyQuestion> = {
  suicide: 'thinking_of_suicide',
  medical: 'life_in_danger',
  violence_domestic: 'safe_now',
  violence_sexual: 'safe_now',
  violence_child: 'child_safe_now',
  other_danger: 'safe_now',
  no_shelter: 'place_tonight',
};
export type SafetyQuestion = 'thinking_of_suicide' | 'life_in_danger' | 'safe_now' | 'child_safe_now' | 'place_tonight';
/** The answer that means danger: "yes" to "are you thinking of ending your life?", "no" to "are you safe?". */
export const DANGER_ANSWER: Record<SafetyQuestion, boolean> = { thinking_of_suicide: true, life_in_danger: true, safe_now: false, child_safe_now: false, place_tonight: false };

export function mainCategory(categories: Category[]): Category {
  return PRIORITY.find((c) => categories.includes(c)) ?? categories[0];
}

export function numbersFor(all: EmergencyNumber[], categories: Category[], lang: Lang): EmergencyNumber[] {
  const relevant = all.filter((n) => n.categories.some((c) => categories.includes(c)));
  const speaks = (n: EmergencyNumber) => n.languages.includes(lang);
  const emergency = (n: EmergencyNumber) => n.id === '112' || n.id === '101';
  // A medical emergency: 112 first for everyone. Otherwise French and Dutch speakers get their own
  // specialised line first, then 112/101; other languages get 112 first (it answers in English).
  const rank = (n: EmergencyNumber) => {
    if (categories.includes('medical') && n.id === '112') return -1;
    if (lang === 'fr' || lang === 'nl') return emergency(n) ? 1 : speaks(n) ? 0 : 2;
    return n.id === '112' ? 0 : emergency(n) ? 1 : 2;
  };
  const ordered = [...relevant].sort((a, b) => rank(a) - rank(b));
  const needs112 = categories.some((c) => c !== 'no_shelter');
  const n112 = all.find((n) => n.id === '112');
  if (needs112 && n112 && !ordered.includes(n112)) ordered.splice(lang === 'fr' || lang === 'nl' ? 1 : 0, 0, n112);
  return ordered.slice(0, 4);
}

export function safetyReplies(danger: DangerSeen, lang: Lang, t: Translate, all: EmergencyNumber[]): Reply[] {
  if (danger.level === 'none') return [];
  const main = mainCategory(danger.categories);
  // The poison centre is for something swallowed, not for every medical emergency.
  const numbers = numbersFor(danger.ingestion ? all : all.filter((n) => n.id !== 'antipoisons'), danger.categories, lang);
  const lines = numbers.map((n) => t(lang, 'safety:line', { name: textForReader(t, lang, n.name), number: n.number, hours: textForReader(t, lang, n.hours) }) + (n.caveat ? ` (${t(lang, 'safety:to_check')})` : ''));
  const otherLanguage = lang !== 'fr' && lang !== 'nl' && numbers.some((n) => n.id !== '112') ? [t(lang, 'safety:lines_in_fr_nl')] : [];
  const ask = danger.level === 'ask';
  const poison = all.find((n) => n.id === 'antipoisons');
  const todo = main !== 'medical' ? '' : danger.ingestion && poison ? t(lang, 'safety:todo.ingestion', { poison: textForReader(t, lang, poison.name) }) : t(lang, 'safety:todo.medical');
  const body = [t(lang, ask ? `safety:ask.${main}` : `safety:message.${main}`), todo, ...lines, ...otherLanguage, danger.level === 'emergency' ? t(lang, 'safety:immediate_danger') : ''].filter(Boolean).join('\n\n');
  const channelData = { safety: { level: danger.level, categories: danger.categories, numbers: numbers.map((n) => ({ id: n.id, number: n.number })) } };
  if (ask) {
    // The numbers, then one direct question with its two answers.
    const question = QUESTION_OF[main];
    const answers = [t(lang, 'safety:answer.yes'), t(lang, 'safety:answer.no')];
    return [
      { type: 'message', text: body, locale: lang, channelData },
      {
        type: 'message',
        text: t(lang, `safety:question.${question}`),
        locale: lang,
        suggestedActions: { to: [], actions: answers.map((b) => ({ type: 'imBack', title: b, value: b })) },
        channelData: { question: { slot: 'safety', kind: 'yesno', question } },
      },
    ];
  }
  const buttons = [t(lang, 'safety:continue'), t(lang, 'common.person')];
  return [
    {
      type: 'message',
      text: body,
      locale: lang,
      suggestedActions: { to: [], actions: buttons.map((b) => ({ type: 'imBack', title: b, value: b })) },
      channelData,
    },
  ];
}
