/**
 * Numbers, ages and pregnancy weeks. Digits in any script (normalised first); number words through
 * Recognizers-Text where it really supports the culture (fr, en, es — see shared/notes/stack.md)
 * and through our own number-words.ts for nl, ar, tr and ro, which it lacks.
 *
 * An article-like "one" (fr un/une, es un/una; nl een, tr bir, ro o/un… in number-words.ts) is a
 * number only alone or before a unit ("un an", "een jaar"): "un logement", "bir ev" are not 1.
 * Ages and weeks in free text need a unit ("45 ans", "vijfenveertig jaar", "beş aylık"); the unit
 * words come from the lexicons, and a unit tells which language's number words to read before it
 * (besides the conversation's language, when known): people mix languages.
 */
// The number package alone: the suite bundles every recognizer (dates, units, choices…) again.
import { Culture, NumberOptions, NumberRecognizer } from '@microsoft/recognizers-text-number';
import type { Lang } from '../catalogue/schema';
import type { Lexicon } from './lexicon';
import { containsPhrase, normalize, tokens as tokensOf } from './normalize';
import { numberBeforeLastWord, numberFromWords, type NumberWordsLang } from './number-words';

type RecognizerLang = 'fr' | 'en' | 'es';
const CULTURES: Record<RecognizerLang, string> = { fr: Culture.French, en: Culture.English, es: Culture.Spanish };
const isRecognizerLang = (l: Lang): l is RecognizerLang => l in CULTURES;
const isWordsLang = (l: Lang): l is NumberWordsLang => l === 'nl' || l === 'ar' || l === 'tr' || l === 'ro';

/** Words Recognizers-Text reads as 1 that are articles as often ("un logement", "una casa"). */
const ARTICLES: Partial<Record<Lang, ReadonlySet<string>>> = { fr: new Set(['un', 'une']), es: new Set(['un', 'una']) };

/** Words allowed between a number and its unit: ro "patruzeci de ani" (20 and above take "de"). */
const LINKS: Partial<Record<Lang, ReadonlySet<string>>> = { ro: new Set(['de']) };
const IS_LINK = new Set(Object.values(LINKS).flatMap((s) => [...s]));

/**
 * Each culture's number model, made on first use: the model `recognizeNumber` uses, without the
 * ordinal and percentage models it also builds for the culture (and without a new recognizer per call).
 */
type NumberModel = ReturnType<NumberRecognizer['getNumberModel']>;
const numberModels = new Map<RecognizerLang, NumberModel>();
function numberModel(lang: RecognizerLang): NumberModel {
  let model = numberModels.get(lang);
  if (!model) numberModels.set(lang, (model = new NumberRecognizer(CULTURES[lang], NumberOptions.None, true).getNumberModel(CULTURES[lang], true)));
  return model;
}

/**
 * Recognizers-Text builds its French and Spanish number models on first use (about 9 s and 1 s on
 * this project's machine): the app calls this at start-up so no person's turn pays for it.
 */
export function warmUpNumberRecognizers(): void {
  for (const [lang, samples] of [['fr', ['quarante', 'quarante deux ans']], ['es', ['cuarenta', 'cuarenta y dos']], ['en', ['forty two']]] as const)
    for (const s of samples) numberModel(lang).parse(s);
}

/** Integer numbers found by Recognizers-Text, with where they end in `text`. */
function recognized(text: string, lang: RecognizerLang): Array<{ value: number; text: string; end: number }> {
  return numberModel(lang).parse(text).flatMap((r) => {
    const value = Number(r.resolution?.value);
    return Number.isInteger(value) && value >= 0 ? [{ value, text: normalize(r.text), end: r.end }] : [];
  });
}

/**
 * The first whole number in the text: digits, else number words of `lang`. An article-like "one"
 * counts only when it is the whole text or `isUnit` says the next word is a unit.
 */
export function firstNumber(text: string, lang: Lang, isUnit: (word: string) => boolean = () => false): number | undefined {
  const norm = normalize(text);
  const m = norm.match(/\b\d{1,3}\b/);
  if (m) return Number(m[0]);
  if (isWordsLang(lang)) return numberFromWords(text, lang);
  if (!isRecognizerLang(lang)) return undefined;
  for (const r of recognized(text, lang)) {
    if (!ARTICLES[lang]?.has(r.text) || r.text === norm) return r.value;
    const next = tokensOf(normalize(text.slice(r.end + 1)))[0];
    if (next !== undefined && isUnit(next)) return r.value;
  }
  return undefined;
}

/** The number in words that `before` (normalised tokens) ends with, read in `lang`; `unit` follows it. */
function wordsBefore(before: string[], unit: string, lang: Lang): number | undefined {
  const words = LINKS[lang]?.has(before[before.length - 1] ?? '') ? before.slice(0, -1) : before;
  if (!words.length) return undefined;
  if (isWordsLang(lang)) return numberBeforeLastWord([...words, unit].join(' '), lang);
  if (!isRecognizerLang(lang)) return undefined;
  const text = words.join(' ');
  return recognized(text, lang).find((r) => r.end === text.length - 1)?.value;
}

type UnitKind = 'years' | 'months' | 'weeks';
const UNIT_KINDS: UnitKind[] = ['years', 'months', 'weeks'];

export class NumberReader {
  /** Per kind: a normalised unit word → the languages whose lexicon lists it. */
  private readonly unitLangs = {} as Record<UnitKind, Map<string, Lang[]>>;
  private readonly unitWords = new Set<string>();
  /** Duration words per language ("depuis", "sinds", Romanian "de"): short ones count only in their own language. */
  private readonly sinceOf = new Map<Lang, string[]>();
  private readonly agoOf = new Map<Lang, string[]>();
  /** "mon fils", "my son", "mijn moeder": a number of years right after them is their age. */
  private readonly people: string[];
  /** One person's nouns (`units.person`), every language. */
  private readonly persons: Set<string>;
  /** After a number, a word that makes it a count ("mère de 3 enfants"): one person's or several people's nouns. */
  private readonly counted: Set<string>;
  private readonly ageCues: string[];
  private readonly openAgeCues: string[];
  private readonly shortYears: Set<string>;
  private readonly and: Set<string>;
  /** Ordinal word → its rank, every language. */
  private readonly ordinals = new Map<string, number>();

  constructor(lexicons: Record<Lang, Lexicon>) {
    const entries = Object.entries(lexicons) as Array<[Lang, Lexicon]>;
    this.sinceOf = new Map(entries.map(([lang, l]) => [lang, l.units.since]));
    this.agoOf = new Map(entries.map(([lang, l]) => [lang, l.units.ago]));
    this.people = entries.flatMap(([, l]) => [...(l.facts.for_whom?.child ?? []), ...(l.facts.for_whom?.relative ?? [])]);
    this.persons = new Set(entries.flatMap(([, l]) => l.units.person));
    this.counted = new Set([...this.persons, ...entries.flatMap(([, l]) => l.units.people)]);
    this.ageCues = entries.flatMap(([, l]) => l.units.age_cue);
    this.openAgeCues = entries.flatMap(([, l]) => l.units.age_cue_open);
    this.shortYears = new Set(entries.flatMap(([, l]) => l.units.years_short));
    this.and = new Set(entries.flatMap(([, l]) => l.units.and));
    for (const [, l] of entries) l.units.ordinals.forEach((w, i) => this.ordinals.set(w, i + 1));
    for (const kind of UNIT_KINDS) {
      const langs = new Map<string, Lang[]>();
      for (const [lang, lex] of entries)
        for (const unit of lex.units[kind]) {
          langs.set(unit, [...(langs.get(unit) ?? []), lang]);
          this.unitWords.add(unit);
        }
      this.unitLangs[kind] = langs;
    }
  }

  /**
   * The duration words that apply to a message in `lang`: all of its own, and those of the other
   * languages long enough not to be an ordinary word there (Romanian "de" is "since"; in French
   * "une femme de 52 ans" it gives an age, in Turkish "Ixelles'de" a place). Unknown language: all.
   */
  private durationWords(byLang: Map<Lang, string[]>, lang: Lang | undefined): string[] {
    if (!lang) return [...byLang.values()].flat();
    return [...byLang].flatMap(([l, words]) => (l === lang ? words : words.filter((w) => w.length > 3)));
  }

  /** True when the normalised word is a unit (years, months, weeks) of some language. */
  readonly isUnit = (word: string): boolean => this.unitWords.has(word);

  /** An age stated with its unit: "45 ans", "45 jaar", "عمري 45 سنة", "vijfenveertig jaar", "forty years old". */
  age(text: string, lang?: Lang): number | undefined {
    const n = this.withUnit(text, 'years', lang) ?? this.afterAgeCue(text) ?? this.afterPerson(text);
    return n !== undefined && n <= 120 ? n : undefined;
  }

  /** An answer to "how old…?": an age read as in free text, else the first number, unless it counts something else ("il y a 3 semaines", "2 enfants"). */
  ageAnswer(text: string, lang: Lang): number | undefined {
    const age = this.age(text, lang);
    if (age !== undefined) return age;
    const n = this.first(text, lang);
    if (n === undefined) return undefined;
    const words = tokensOf(normalize(text));
    const at = words.indexOf(String(n));
    return at >= 0 && !this.notACount(words[at + 1]) ? undefined : n;
  }

  /** A number that is not a count or a duration: not followed by months or weeks, nor by a person ("3 enfants"). */
  private notACount(next: string | undefined): boolean {
    return next === undefined || !(this.unitLangs.months.has(next) || this.unitLangs.weeks.has(next) || this.counted.has(next));
  }

  /**
   * A person's age given right after them without a unit, as people and professionals write it:
   * "my dad (79)", "Patient, 29, refugee", "Cliënt (m, 41 j.)", "Man, 44.": the number closes its
   * bracket or clause (or is followed by "years" or "and"), and is not a count.
   */
  private afterPerson(text: string): number | undefined {
    for (const m of text.matchAll(/(?<!\d)\d{1,3}(?!\d)/gu)) {
      const n = Number(m[0]);
      if (n < 1 || n > 110) continue;
      const before = tokensOf(normalize(text.slice(0, m.index)));
      const rest = text.slice(m.index! + m[0].length);
      const next = tokensOf(normalize(rest))[0];
      const last = before[before.length - 1];
      if (last === undefined || !this.persons.has(last) || !this.notACount(next)) continue;
      const closes = /^\s*(?:[),.;:!?\]]|$)/u.test(rest) || (next !== undefined && (this.unitLangs.years.has(next) || this.shortYears.has(next) || this.and.has(next)));
      if (closes) return n;
    }
    return undefined;
  }

  /** "ik ben 19", "j'ai 34", "عمري 40": digits right after an age cue, at the end of a clause ("I am 52, I got…") or before "and"; after an open cue ("turned 50 last month") wherever the clause goes on, unless a count follows. */
  private afterAgeCue(text: string): number | undefined {
    for (const clause of text.split(/[,.;:!?\n]+/u)) {
      const n = this.afterAgeCueInClause(clause);
      if (n !== undefined) return n;
    }
    return undefined;
  }

  private afterAgeCueInClause(text: string): number | undefined {
    const words = tokensOf(normalize(text));
    for (let i = 0; i < words.length; i++) {
      if (!/^\d{1,3}$/.test(words[i]!)) continue;
      const next = words[i + 1];
      const before = words.slice(Math.max(0, i - 4), i).join(' ');
      const after = (cues: string[]) => cues.some((c) => before === c || before.endsWith(` ${c}`));
      // Not a count, and from 10 up unless the clause ends: "turned 60 this spring", not "turned 2 corners".
      if (after(this.openAgeCues) && this.notACount(next) && (next === undefined || Number(words[i]) >= 10)) return Number(words[i]);
      if (next !== undefined && !this.and.has(next) && !(next.startsWith('و') && this.and.has('و'))) continue;
      if (after(this.ageCues)) return Number(words[i]);
    }
    return undefined;
  }

  /** Weeks of pregnancy from "22 semaines", "5 mois" or "vijf maanden" (a month counts 4.35 weeks). */
  pregnancyWeeks(text: string, lang?: Lang): number | undefined {
    const w = this.withUnit(text, 'weeks', lang);
    if (w !== undefined) return w;
    const m = this.withUnit(text, 'months', lang);
    if (m !== undefined) return m <= 10 ? Math.round(m * 4.35) : undefined;
    const nth = this.ordinalMonth(text);
    return nth === undefined ? undefined : Math.round((nth - 0.5) * 4.35);
  }

  /** "in the fourth month", "في الشهر الرابع", "luna a patra", "4e mois": the month's rank (1–9). */
  private ordinalMonth(text: string): number | undefined {
    const words = tokensOf(normalize(text));
    const rank = (w: string | undefined) => {
      if (w === undefined) return undefined;
      const digits = w.match(/^([1-9])(?:e|eme|er|ere|de|ste|th|st|nd|rd|o|a|inci|nci|uncu)$/u);
      if (digits) return Number(digits[1]);
      return this.ordinals.get(w);
    };
    for (let u = 0; u < words.length; u++) {
      if (!this.unitLangs.months.has(words[u]!)) continue;
      const after = IS_LINK.has(words[u + 1] ?? '') || words[u + 1] === 'a' ? words[u + 2] : words[u + 1];
      const n = rank(words[u - 1]) ?? rank(after);
      if (n !== undefined) return n;
    }
    return undefined;
  }

  /** An answer to "how many weeks": a bare number is weeks, "5 mois" is converted. */
  weeksAnswer(text: string, lang: Lang): number | undefined {
    return this.pregnancyWeeks(text, lang) ?? this.first(text, lang);
  }

  /** firstNumber, knowing the units: "un an" is 1, "un logement" is not. */
  first(text: string, lang: Lang): number | undefined {
    return firstNumber(text, lang, this.isUnit);
  }

  /**
   * Digits before a unit of this kind, else number words right before one ("quarante ans"). For
   * years, a number after "depuis", "sinds", "for"… or before "ago", "geleden"… is a duration, not
   * an age ("à la rue depuis 2 ans, j'ai 45 ans" is 45): such a match is passed over.
   */
  private withUnit(text: string, kind: UnitKind, lang: Lang | undefined): number | undefined {
    const words = tokensOf(normalize(text));
    // A "since" word among the three words before counts, unless a person stands there: "for my
    // son 16 years old", "mon fils de 16 ans" (Romanian "de" is "since") give the son's age.
    const since = this.durationWords(this.sinceOf, lang);
    const ago = this.durationWords(this.agoOf, lang);
    const isDuration = (start: number, unitAt: number) => {
      if (kind !== 'years') return false;
      const before = words.slice(Math.max(0, start - 3), start).join(' ');
      if (ago.some((c) => containsPhrase(words.slice(unitAt + 1, unitAt + 3).join(' '), c))) return true;
      // "femeie de 51 de ani": a person, then "de", then the number is that person's age.
      if (start >= 2 && IS_LINK.has(words[start - 1]!) && this.persons.has(words[start - 2]!)) return false;
      return since.some((c) => containsPhrase(before, c)) && !this.people.some((p) => containsPhrase(before, p));
    };
    for (let u = 0; u < words.length; u++) {
      // "45 ans", and "45ans" written as one word.
      const glued = words[u]!.match(/^(\d{1,3})(\D+)$/u);
      const short = (w: string) => kind === 'years' && this.shortYears.has(w);
      if (glued && (this.unitLangs[kind].has(glued[2]!) || short(glued[2]!)) && !isDuration(u, u)) return Number(glued[1]);
      // An abbreviation counts right after digits only: no number words before it.
      const langs = this.unitLangs[kind].get(words[u]!) ?? (short(words[u]!) && u > 0 && /^\d{1,3}$/.test(words[u - 1]!) ? [] : undefined);
      if (!langs || u === 0) continue;
      // Digits right before the unit, or before a link word ("30 de ani").
      const at = /^\d{1,3}$/.test(words[u - 1]!) ? u - 1 : u >= 2 && IS_LINK.has(words[u - 1]!) && /^\d{1,3}$/.test(words[u - 2]!) ? u - 2 : -1;
      if (at >= 0) {
        if (!isDuration(at, u)) return Number(words[at]);
        continue;
      }
      for (const l of new Set(lang ? [lang, ...langs] : langs)) {
        const n = wordsBefore(words.slice(0, u), words[u]!, l);
        if (n === undefined) continue;
        if (!isDuration(u - 1, u)) return n;
        break;
      }
    }
    return undefined;
  }
}
