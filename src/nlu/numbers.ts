/**
 * Numbers, ages and pregnancy weeks. Digits in any script (normalised first); number words through
 * Recognizers-Text where it really supports the culture (fr, en, es — see shared/notes/stack.md);
 * for nl, ar, tr and ro only digits are read for now.
 */
import * as Recognizers from '@microsoft/recognizers-text-suite';
import type { Lang } from '../catalogue/schema';
import type { Lexicon } from './lexicon';
import { normalize } from './normalize';

const CULTURES: Partial<Record<Lang, string>> = { fr: Recognizers.Culture.French, en: Recognizers.Culture.English, es: Recognizers.Culture.Spanish };

/** The first whole number in the text (digits, or words where the culture is supported). */
export function firstNumber(text: string, lang: Lang): number | undefined {
  const m = normalize(text).match(/\b\d{1,3}\b/);
  if (m) return Number(m[0]);
  const culture = CULTURES[lang];
  if (!culture) return undefined;
  const found = Recognizers.recognizeNumber(text, culture)[0]?.resolution?.value;
  const n = found === undefined ? NaN : Number(found);
  return Number.isInteger(n) ? n : undefined;
}

/** Builds `\b(\d+)\s*(unit1|unit2)\b` over normalised text for the units of every language. */
function unitPattern(units: string[]): RegExp {
  const alt = [...new Set(units)].sort((a, b) => b.length - a.length).map((u) => u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`(?:^|\\s)(\\d{1,3})\\s*(?:${alt})(?=\\s|$)`, 'u');
}

export class NumberReader {
  private readonly years: RegExp;
  private readonly months: RegExp;
  private readonly weeks: RegExp;
  constructor(lexicons: Record<Lang, Lexicon>) {
    const all = Object.values(lexicons);
    this.years = unitPattern(all.flatMap((l) => l.units.years));
    this.months = unitPattern(all.flatMap((l) => l.units.months));
    this.weeks = unitPattern(all.flatMap((l) => l.units.weeks));
  }

  /** An age stated with its unit: "45 ans", "45j"? no — "45 jaar", "45 yaşındayım", "عمري 45 سنة". */
  age(text: string): number | undefined {
    const m = normalize(text).match(this.years);
    const n = m ? Number(m[1]) : undefined;
    return n !== undefined && n <= 120 ? n : undefined;
  }

  /** Weeks of pregnancy from "22 semaines" or "5 mois" (a month counts 4.35 weeks). */
  pregnancyWeeks(text: string): number | undefined {
    const norm = normalize(text);
    const w = norm.match(this.weeks);
    if (w) return Number(w[1]);
    const m = norm.match(this.months);
    if (m && Number(m[1]) <= 10) return Math.round(Number(m[1]) * 4.35);
    return undefined;
  }

  /** An answer to "how many weeks": a bare number is weeks, "5 mois" is converted. */
  weeksAnswer(text: string, lang: Lang): number | undefined {
    return this.pregnancyWeeks(text) ?? firstNumber(text, lang);
  }
}
