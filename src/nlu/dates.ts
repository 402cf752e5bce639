/**
 * The first date in a short message, as an ISO day (YYYY-MM-DD) of the Europe/Brussels calendar.
 *
 * Read, left to right, whichever comes first:
 * - numbers, day first (Belgian convention): 12/03, 12/03/2027, 12-3-27, 12.03.2027, also in
 *   Arabic-Indic digits. "-" and "." without a year need a leading zero in one part ("12.03",
 *   "05-11"), so that ranges ("2-3 jours", "10-12 ans") and decimals are not read as dates; "."
 *   without a year right after a time word ("à 10.05", "om 9.05") is a time, not a date;
 * - a day and a month name in the message's language, with or without accents, common
 *   abbreviations, "1er"/"3rd"/"12e", fillers ("12 de marzo", "the 3rd of march") and an optional
 *   four-digit year; English also "march 12(th)"; Levantine Arabic months (آذار, كانون الثاني) too;
 *   Turkish case endings are accepted ("12 mart'ta", "3 ekimde");
 * - today / tomorrow / the day after tomorrow;
 * - a weekday name: the next such day after today (today's own weekday → 7 days later), unless an
 *   explicit date follows it ("lundi 30 novembre" → that date).
 * A date without a year is the next such date on or after today. Impossible dates (31/02) are not
 * dates. Guards: nl "goede morgen" is a greeting, es "esta/la mañana" is a morning, ro "3 luni" is
 * three months (luni = Monday only when no number comes right before it); English "sat"/"sun" are
 * not read as weekdays, nor Turkish "pazar" with an ending (pazara = to the market).
 *
 * One implementation for all seven languages rather than Recognizers-Text DateTime for fr/en/es:
 * it covers only fr/en/es (nl dates silently fall back to English rules, ar/tr/ro get nothing),
 * returns several candidate values that we would have to choose between anyway ("3 mars" → this
 * year and next), and costs ~1.5 s per culture at first call. The forms people type in a short
 * answer are few, and one table-driven parser keeps all languages behaving the same way.
 */
import { arabicKey } from './number-words';
import { normalize } from './normalize';

export type DateLang = 'fr' | 'nl' | 'en' | 'ar' | 'tr' | 'es' | 'ro';

interface Day {
  y: number;
  m: number;
  d: number;
}

interface LangDates {
  /** Month names (normalised; Arabic entries may hold two words), month 1–12. */
  months: Array<[number, string[]]>;
  /** Weekday names, 0 = Sunday. */
  weekdays: Array<[number, string[]]>;
  /** Phrases for today (0), tomorrow (1) and the day after tomorrow (2). */
  relative: Array<[number, string[]]>;
  /** Words allowed between the day and the month, or before the year ("de", "of"). */
  fillers: string[];
  /** Endings allowed after a month, weekday or relative word ("mart'ta", "maandagochtend"). */
  endings: string[];
  /** English only: "march 12". */
  monthFirst: boolean;
}

const TURKISH_ENDINGS = ['a', 'e', 'ya', 'ye', 'da', 'de', 'ta', 'te', 'dan', 'den', 'tan', 'ten', 'ki', 'kü', 'i', 'yi', 'in', 'nin', 'nda', 'nde', 'ndan', 'nden'];

const LANGS: Record<DateLang, LangDates> = {
  fr: {
    months: [
      [1, ['janvier', 'janv', 'jan']],
      [2, ['février', 'fevr', 'févr', 'fev', 'fév']],
      [3, ['mars', 'mar']],
      [4, ['avril', 'avr']],
      [5, ['mai']],
      [6, ['juin']],
      [7, ['juillet', 'juil']],
      [8, ['août', 'aout']],
      [9, ['septembre', 'sept', 'sep']],
      [10, ['octobre', 'oct']],
      [11, ['novembre', 'nov']],
      [12, ['décembre', 'dec', 'déc']],
    ],
    weekdays: [
      [1, ['lundi']],
      [2, ['mardi']],
      [3, ['mercredi']],
      [4, ['jeudi']],
      [5, ['vendredi']],
      [6, ['samedi']],
      [0, ['dimanche']],
    ],
    relative: [
      [0, ["aujourd'hui", 'aujourdhui', 'aujourd hui', 'auj', 'ajd', 'ojd']],
      [1, ['demain', 'dmain', '2main']],
      [2, ['après-demain', 'apres demain', 'apresdemain', 'apres dmain', 'apres 2main']],
    ],
    fillers: [],
    endings: [],
    monthFirst: false,
  },
  nl: {
    months: [
      [1, ['januari', 'jan']],
      [2, ['februari', 'febr', 'feb']],
      [3, ['maart', 'mrt', 'maa']],
      [4, ['april', 'apr']],
      [5, ['mei']],
      [6, ['juni', 'jun']],
      [7, ['juli', 'jul']],
      [8, ['augustus', 'aug']],
      [9, ['september', 'sept', 'sep']],
      [10, ['oktober', 'okt', 'oct']],
      [11, ['november', 'nov']],
      [12, ['december', 'dec']],
    ],
    weekdays: [
      [1, ['maandag']],
      [2, ['dinsdag']],
      [3, ['woensdag']],
      [4, ['donderdag']],
      [5, ['vrijdag']],
      [6, ['zaterdag']],
      [0, ['zondag']],
    ],
    relative: [
      [0, ['vandaag', 'vdg']],
      [1, ['morgen']],
      [2, ['overmorgen']],
    ],
    fillers: [],
    endings: ['ochtend', 'voormiddag', 'middag', 'namiddag', 'avond', 'nacht', 'vroeg'],
    monthFirst: false,
  },
  en: {
    months: [
      [1, ['january', 'jan']],
      [2, ['february', 'feb']],
      [3, ['march', 'mar']],
      [4, ['april', 'apr']],
      [5, ['may']],
      [6, ['june', 'jun']],
      [7, ['july', 'jul']],
      [8, ['august', 'aug']],
      [9, ['september', 'sept', 'sep']],
      [10, ['october', 'oct']],
      [11, ['november', 'nov']],
      [12, ['december', 'dec']],
    ],
    weekdays: [
      [1, ['monday', 'mon']],
      [2, ['tuesday', 'tues', 'tue']],
      [3, ['wednesday', 'wed']],
      [4, ['thursday', 'thurs', 'thur', 'thu']],
      [5, ['friday', 'fri']],
      [6, ['saturday']],
      [0, ['sunday']],
    ],
    relative: [
      [0, ['today', '2day', 'tday']],
      [1, ['tomorrow', 'tomorow', 'tommorow', 'tmrw', 'tmr', 'tmrow', '2morrow', '2moro']],
      [2, ['the day after tomorrow', 'day after tomorrow', 'day after tmrw', 'day after tomorow']],
    ],
    fillers: ['of', 'the'],
    endings: [],
    monthFirst: true,
  },
  ar: {
    months: [
      [1, ['يناير', 'جانفي', 'كانون الثاني']],
      [2, ['فبراير', 'فيفري', 'شباط']],
      [3, ['مارس', 'آذار']],
      [4, ['أبريل', 'ابريل', 'إبريل', 'أفريل', 'نيسان']],
      [5, ['مايو', 'ماي', 'أيار']],
      [6, ['يونيو', 'يونيه', 'جوان', 'حزيران']],
      [7, ['يوليو', 'يوليه', 'يوليوز', 'جويلية', 'تموز']],
      [8, ['أغسطس', 'اغسطس', 'غشت', 'أوت', 'آب']],
      [9, ['سبتمبر', 'شتنبر', 'أيلول']],
      [10, ['أكتوبر', 'اكتوبر', 'تشرين الأول']],
      [11, ['نوفمبر', 'نونبر', 'تشرين الثاني']],
      [12, ['ديسمبر', 'دجنبر', 'كانون الأول']],
    ],
    weekdays: [
      [1, ['الاثنين', 'الإثنين', 'الاتنين', 'التنين']],
      [2, ['الثلاثاء', 'الثلاثا', 'التلات']],
      [3, ['الأربعاء', 'الاربعاء', 'الاربعا', 'الاربع']],
      [4, ['الخميس']],
      [5, ['الجمعة']],
      [6, ['السبت']],
      [0, ['الأحد', 'الاحد', 'الحد']],
    ],
    relative: [
      [0, ['اليوم', 'النهاردة', 'النهارده', 'انهارده']],
      [1, ['غدا', 'غداً', 'غد', 'الغد', 'بكرة', 'بكره', 'بكرا', 'غدوة']],
      [2, ['بعد غد', 'بعد غدا', 'بعد الغد', 'بعد بكرة', 'بعد بكرا', 'بعد غدوة']],
    ],
    fillers: ['من', 'شهر'],
    endings: [],
    monthFirst: false,
  },
  tr: {
    months: [
      [1, ['ocak']],
      [2, ['şubat']],
      [3, ['mart']],
      [4, ['nisan']],
      [5, ['mayıs']],
      [6, ['haziran']],
      [7, ['temmuz']],
      [8, ['ağustos']],
      [9, ['eylül']],
      [10, ['ekim']],
      [11, ['kasım']],
      [12, ['aralık']],
    ],
    weekdays: [
      [1, ['pazartesi']],
      [2, ['salı']],
      [3, ['çarşamba']],
      [4, ['perşembe']],
      [5, ['cuma']],
      [6, ['cumartesi']],
      [0, ['pazar']],
    ],
    relative: [
      [0, ['bugün', 'bu gün']],
      [1, ['yarın']],
      [2, ['öbür gün', 'öbürsü gün', 'obursu gun', 'yarından sonra']],
    ],
    fillers: [],
    endings: TURKISH_ENDINGS,
    monthFirst: false,
  },
  es: {
    months: [
      [1, ['enero', 'ene']],
      [2, ['febrero', 'feb']],
      [3, ['marzo', 'mar']],
      [4, ['abril', 'abr']],
      [5, ['mayo', 'may']],
      [6, ['junio', 'jun']],
      [7, ['julio', 'jul']],
      [8, ['agosto', 'ago']],
      [9, ['septiembre', 'setiembre', 'sept', 'sep', 'set']],
      [10, ['octubre', 'oct']],
      [11, ['noviembre', 'nov']],
      [12, ['diciembre', 'dic']],
    ],
    weekdays: [
      [1, ['lunes']],
      [2, ['martes']],
      [3, ['miércoles']],
      [4, ['jueves']],
      [5, ['viernes']],
      [6, ['sábado']],
      [0, ['domingo']],
    ],
    relative: [
      [0, ['hoy']],
      [1, ['mañana']],
      [2, ['pasado mañana', 'pasado manana']],
    ],
    fillers: ['de', 'del'],
    endings: [],
    monthFirst: false,
  },
  ro: {
    months: [
      [1, ['ianuarie', 'ian']],
      [2, ['februarie', 'feb']],
      [3, ['martie', 'mar']],
      [4, ['aprilie', 'apr']],
      [5, ['mai']],
      [6, ['iunie', 'iun']],
      [7, ['iulie', 'iul']],
      [8, ['august', 'aug']],
      [9, ['septembrie', 'sept', 'sep']],
      [10, ['octombrie', 'oct']],
      [11, ['noiembrie', 'nov']],
      [12, ['decembrie', 'dec']],
    ],
    weekdays: [
      [1, ['luni']],
      [2, ['marți', 'marţi']],
      [3, ['miercuri']],
      [4, ['joi']],
      [5, ['vineri']],
      [6, ['sâmbătă', 'sîmbătă']],
      [0, ['duminică']],
    ],
    relative: [
      [0, ['azi', 'astăzi']],
      [1, ['mâine', 'mîine']],
      [2, ['poimâine', 'poimîine', 'poi mâine']],
    ],
    fillers: [],
    endings: [],
    monthFirst: false,
  },
};

/** Tokens after which a word is not the date word of the same spelling. */
const NOT_AFTER: Partial<Record<DateLang, Record<string, RegExp>>> = {
  nl: { morgen: /^(goede|goeie|goeiemorgen|goedemorgen)$/ },
  es: { manana: /^(la|esta|una|cada|las|por)$/ },
  ro: { luni: /^(\d+|o|un|doua|doi|trei|patru|cinci|sase|sapte|opt|noua|zece|cateva|cate|multe|ultimele|cele)$/ },
};

/** Words that never take an ending, even in a language that allows endings. */
const NO_ENDING = new Set(['pazar']);

interface Entry {
  words: string[];
  value: number;
}

interface Compiled {
  months: Entry[];
  weekdays: Entry[];
  relative: Entry[];
  fillers: Set<string>;
  endings: string[];
  monthFirst: boolean;
  key: (token: string) => string;
}

function compile(lang: DateLang): Compiled {
  const spec = LANGS[lang];
  const key = lang === 'ar' ? arabicKey : (t: string): string => t;
  const entries = (list: Array<[number, string[]]>): Entry[] =>
    list
      .flatMap(([value, names]) => names.map((n) => ({ value, words: normalize(n).split(' ').map(key) })))
      .sort((a, b) => b.words.length - a.words.length);
  return {
    months: entries(spec.months),
    weekdays: entries(spec.weekdays),
    relative: entries(spec.relative),
    fillers: new Set(spec.fillers.map((f) => key(normalize(f)))),
    endings: spec.endings.map((e) => normalize(e)).sort((a, b) => b.length - a.length),
    monthFirst: spec.monthFirst,
    key,
  };
}

const COMPILED = new Map<DateLang, Compiled>();
function compiled(lang: DateLang): Compiled {
  let c = COMPILED.get(lang);
  if (!c) COMPILED.set(lang, (c = compile(lang)));
  return c;
}

// ---- calendar ------------------------------------------------------------------------------

const BRUSSELS = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels', year: 'numeric', month: 'numeric', day: 'numeric' });

function brusselsDay(now: Date): Day {
  const part = (type: string): number => Number(BRUSSELS.formatToParts(now).find((p) => p.type === type)?.value);
  return { y: part('year'), m: part('month'), d: part('day') };
}

function isValid(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function iso(day: Day): string {
  return `${String(day.y).padStart(4, '0')}-${String(day.m).padStart(2, '0')}-${String(day.d).padStart(2, '0')}`;
}

function addDays(day: Day, n: number): Day {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function weekday(day: Day): number {
  return new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay();
}

/** A day and month, with or without a year; without one, the next such date on or after today. */
function resolve(d: number, m: number, year: number | undefined, today: Day): string | undefined {
  if (year !== undefined) return year >= 1900 && year <= 2199 && isValid(year, m, d) ? iso({ y: year, m, d }) : undefined;
  for (let y = today.y; y <= today.y + 8; y++) {
    if (!isValid(y, m, d)) continue; // 29/02: the next leap year
    if (y > today.y || m > today.m || (m === today.m && d >= today.d)) return iso({ y, m, d });
  }
  return undefined;
}

// ---- numeric dates -------------------------------------------------------------------------

const NUMERIC = /(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d]|[/.-]\d)/g;
const TIME_WORD = /(?:^|[\s(])(?:à|a|om|at|saat|las|ora|vers|rond|tegen|around|um)\s*$/i;
const PLACEHOLDER = 'qxnumdate';

interface NumericDate {
  d: number;
  m: number;
  year: number | undefined;
}

/** Replaces every numeric date by a placeholder word, so it keeps its place among the words. */
function extractNumeric(text: string): { text: string; found: NumericDate[] } {
  const found: NumericDate[] = [];
  const replaced = text.replace(NUMERIC, (match, d: string, sep: string, m: string, y: string | undefined, offset: number) => {
    if (y === undefined && sep !== '/') {
      if (!d.startsWith('0') && !m.startsWith('0')) return match;
      if (sep === '.' && TIME_WORD.test(text.slice(0, offset))) return match;
    }
    const year = y === undefined ? undefined : y.length === 2 ? 2000 + Number(y) : Number(y);
    found.push({ d: Number(d), m: Number(m), year });
    return ` ${PLACEHOLDER}${found.length - 1} `;
  });
  return { text: replaced, found };
}

// ---- words ---------------------------------------------------------------------------------

const DAY_TOKEN = /^(\d{1,2})(?:er|re|e|eme|ieme|st|nd|rd|th|de|ste)?$/;
const YEAR_TOKEN = /^\d{4}$/;

/** True when `token` is `word`, or `word` plus an ending the language allows. */
function sameWord(token: string, word: string, c: Compiled): boolean {
  if (token === word) return true;
  if (!token.startsWith(word) || NO_ENDING.has(word)) return false;
  const rest = token.slice(word.length);
  return c.endings.includes(rest);
}

/** The entry that starts at tokens[i] (longest first) and how many tokens it takes. */
function matchEntry(tokens: string[], i: number, entries: Entry[], c: Compiled, lang: DateLang): { value: number; length: number } | undefined {
  for (const e of entries) {
    if (i + e.words.length > tokens.length) continue;
    const last = e.words.length - 1;
    const ok = e.words.every((w, k) => (k === last ? sameWord(tokens[i + k]!, w, c) : tokens[i + k] === w));
    if (!ok) continue;
    const guard = NOT_AFTER[lang]?.[e.words[0]!];
    if (guard && i > 0 && guard.test(tokens[i - 1]!)) continue;
    return { value: e.value, length: e.words.length };
  }
  return undefined;
}

interface Found {
  /** The ISO date, or undefined when the words name an impossible date. */
  date: string | undefined;
}

/** An explicit date (numeric, "12 mars", "march 12") starting at tokens[i]. */
function explicitAt(tokens: string[], i: number, c: Compiled, lang: DateLang, numeric: NumericDate[], today: Day): Found | undefined {
  const t = tokens[i]!;
  if (t.startsWith(PLACEHOLDER)) {
    const n = numeric[Number(t.slice(PLACEHOLDER.length))];
    if (n) return { date: resolve(n.d, n.m, n.year, today) };
  }
  const skipFillers = (j: number): number => {
    while (j < tokens.length && c.fillers.has(tokens[j]!)) j++;
    return j;
  };
  const yearAt = (j: number): number | undefined => {
    const k = skipFillers(j);
    return k < tokens.length && YEAR_TOKEN.test(tokens[k]!) ? Number(tokens[k]) : undefined;
  };
  const day = DAY_TOKEN.exec(t);
  if (day) {
    const j = skipFillers(i + 1);
    const month = j < tokens.length ? matchEntry(tokens, j, c.months, c, lang) : undefined;
    if (month) return { date: resolve(Number(day[1]), month.value, yearAt(j + month.length), today) };
  }
  if (c.monthFirst) {
    const month = matchEntry(tokens, i, c.months, c, lang);
    const j = skipFillers(i + (month?.length ?? 0));
    const d = month && j < tokens.length ? DAY_TOKEN.exec(tokens[j]!) : null;
    if (month && d) return { date: resolve(Number(d[1]), month.value, yearAt(j + 1), today) };
  }
  return undefined;
}

/** The first date in a short message as YYYY-MM-DD (Europe/Brussels calendar), or undefined. */
export function parseDate(text: string, lang: DateLang, today: Date): string | undefined {
  const c = compiled(lang);
  const now = brusselsDay(today);
  const digits = text.replace(/[\u0660-\u0669]/g, (ch) => String(ch.charCodeAt(0) - 0x0660)).replace(/[\u06F0-\u06F9]/g, (ch) => String(ch.charCodeAt(0) - 0x06f0));
  const { text: marked, found } = extractNumeric(digits);
  const normalized = normalize(marked);
  const tokens = normalized ? normalized.split(' ').map(c.key) : [];

  for (let i = 0; i < tokens.length; i++) {
    const explicit = explicitAt(tokens, i, c, lang, found, now);
    if (explicit?.date) return explicit.date;
    if (explicit) continue;
    const relative = matchEntry(tokens, i, c.relative, c, lang);
    if (relative) return iso(addDays(now, relative.value));
    const day = matchEntry(tokens, i, c.weekdays, c, lang);
    if (day) {
      const following = i + day.length < tokens.length ? explicitAt(tokens, i + day.length, c, lang, found, now) : undefined;
      if (following?.date) return following.date;
      const ahead = (day.value - weekday(now) + 7) % 7 || 7;
      return iso(addDays(now, ahead));
    }
  }
  return undefined;
}
