/**
 * Whole numbers 0–120 written in words, for the cultures Recognizers-Text does not support
 * (nl falls back to English rules there; ar, tr and ro get nothing — see shared/notes/stack.md).
 * Used for ages, counts and weeks typed as words: "vijfendertig", "خمسة وثلاثين", "otuz beş",
 * "treizeci și cinci". Digits are not read here (firstNumber in numbers.ts does that first).
 * numberFromWords reads the first number of a message; numberBeforeLastWord reads the one right
 * before a unit the caller found ("... vijfenveertig jaar"), for ages and weeks in free text.
 *
 * How it works: the text goes through normalize() (so raw and already normalised input give the
 * same tokens); every token is cut into known pieces ("vijfendertig" → vijf | en | dertig,
 * "وثلاثين" → و | ثلاثين, "otuzbes" → otuz | bes); a small grammar then reads a number from the
 * pieces of one or more neighbouring tokens, and a number must end where a token ends ("Tienen",
 * the town, is tien | en and is not read). Arabic is compared on a looser key (ة=ه, ى=ي, ث=ت,
 * ط=ت, no hamza on the line) so that dialect spellings (تلاتين, خمسطعش) meet the standard ones.
 * Typos are tolerated only as a few listed variant spellings.
 *
 * Ambiguous words — words that are also an article or another ordinary word — are read only when
 * (a) they are part of a longer number ("eenentwintig", "o sută", "kırk bir", "احد عشر"), or
 * (b) the message is nothing but that number ("een", "O.", "bir"), or (c) the next word is a unit
 * (years, months, weeks, days, times, euros: "een jaar", "o lună", "bir yaşında", "ست سنين"), or
 * (d) the next word names people ("een kind", "un copil", "bir çocuğum") and no other number comes
 * later in the message ("ik heb een dochter van negen jaar" → 9, "ik heb een kind" → 1).
 * Arabic puts one after its noun: a unit or person noun just before counts too ("ولد واحد", "سنة واحدة").
 * The ambiguous words are: nl een (the accented "één" is never ambiguous); ro o, un, nouă (new);
 * tr bir, altı (under), yedi (ate); ar واحد/واحدة/احد (someone), ست (lady), ثمن (price),
 * مية/ميه (also "water" in Egyptian; مائة and مئة are not ambiguous).
 * Romanian "a" before a single number word makes it an ordinal ("a doua zi"): not read.
 * A number above 120 ("honderdvijftig") is not read at all (not even as its first part).
 */
import { normalize } from './normalize';

export type NumberWordsLang = 'nl' | 'ar' | 'tr' | 'ro';

/** 'word': a token that is not a number; no reading crosses it. */
type Kind = 'zero' | 'unit' | 'teen' | 'ten' | 'hundred' | 'and' | 'word';

interface Piece {
  kind: Kind;
  value: number;
  ambiguous: boolean;
}

interface Atom extends Piece {
  token: number;
}

interface Spec {
  /** Key under which pieces and units are compared. */
  key: (token: string) => string;
  pieces: Map<string, Piece>;
  longestPiece: number;
  /** nl, ar: "vijf en dertig"; tr, ro: "otuz beş", "treizeci și cinci". */
  unitFirst: boolean;
  /** ten-first languages: the smallest ten that takes a unit after it (tr "on beş" = 15). */
  minTenBeforeUnit: number;
  /** ar: "خمسة عشر" — a unit followed by the word for ten is a teen. */
  unitThenTenIsTeen: boolean;
  isUnit: (key: string) => boolean;
  /** Nouns for people ("kind", "copil", "çocuk", "ولد"): see rule (d) at the top. */
  isPerson: (key: string) => boolean;
  /** ar: an ambiguous number word right after a unit or person noun is read ("سنة واحدة"). */
  nounBefore: boolean;
  /** A single number word right after one of these tokens is not read (ro ordinal "a doua"). */
  notAfter: Set<string>;
}

/** Arabic comparison key over normalised text: dialect and standard spellings meet. */
export function arabicKey(token: string): string {
  return token.replace(/ة/g, 'ه').replace(/ى/g, 'ي').replace(/ث/g, 'ت').replace(/ط/g, 'ت').replace(/ء/g, '');
}

type Table = Array<[Kind, number, string[], boolean?]>;

function buildSpec(
  table: Table,
  options: Omit<Spec, 'pieces' | 'longestPiece' | 'isUnit' | 'isPerson' | 'notAfter'> & {
    units: (key: string) => boolean;
    persons: (key: string) => boolean;
    notAfter?: string[];
  },
): Spec {
  const pieces = new Map<string, Piece>();
  for (const [kind, value, words, ambiguous] of table) {
    for (const w of words) pieces.set(options.key(normalize(w)), { kind, value, ambiguous: ambiguous === true });
  }
  const longestPiece = Math.max(...[...pieces.keys()].map((k) => k.length));
  const { units, persons, notAfter, ...rest } = options;
  return { ...rest, pieces, longestPiece, isUnit: units, isPerson: persons, notAfter: new Set(notAfter ?? []) };
}

function exactSet(words: string[], key: (t: string) => string = (t) => t): (k: string) => boolean {
  const set = new Set(words.map((w) => key(normalize(w))));
  return (k) => set.has(k);
}

const identity = (t: string): string => t;

/** normalize() keeps one letter of three repeated ones: "tweeëntwintig" arrives as "twentwintig". */
function dutchKey(token: string): string {
  return token.replace(/twen(?=twint|dert|veert|viert|vijft|vyft|zest|zevent|tacht|negent)/g, 'tweeen');
}

const DUTCH = buildSpec(
  [
    ['zero', 0, ['nul']],
    ['unit', 1, ['een'], true],
    ['unit', 2, ['twee']],
    ['unit', 3, ['drie']],
    ['unit', 4, ['vier']],
    ['unit', 5, ['vijf', 'vyf', 'fijf']],
    ['unit', 6, ['zes']],
    ['unit', 7, ['zeven']],
    ['unit', 8, ['acht']],
    ['unit', 9, ['negen']],
    ['ten', 10, ['tien']],
    ['teen', 11, ['elf']],
    ['teen', 12, ['twaalf']],
    ['teen', 13, ['dertien']],
    ['teen', 14, ['veertien', 'viertien']],
    ['teen', 15, ['vijftien', 'vyftien']],
    ['teen', 16, ['zestien']],
    ['teen', 17, ['zeventien']],
    ['teen', 18, ['achttien', 'achtien']],
    ['teen', 19, ['negentien']],
    ['ten', 20, ['twintig', 'twintich']],
    ['ten', 30, ['dertig', 'dertich']],
    ['ten', 40, ['veertig', 'viertig', 'veertich']],
    ['ten', 50, ['vijftig', 'vyftig', 'vijftich']],
    ['ten', 60, ['zestig', 'zestich']],
    ['ten', 70, ['zeventig', 'zeventich']],
    ['ten', 80, ['tachtig', 'tachtich', 'tagtig']],
    ['ten', 90, ['negentig', 'negentich']],
    ['hundred', 100, ['honderd', 'hondert', 'honderdt']],
    ['and', 0, ['en']],
  ],
  {
    key: dutchKey,
    unitFirst: true,
    minTenBeforeUnit: 20,
    unitThenTenIsTeen: false,
    nounBefore: false,
    units: exactSet([
      'jaar', 'jaren', 'jaartjes', 'jarig', 'jr', 'maand', 'maanden', 'maandjes', 'week', 'weken', 'weekjes', 'dag', 'dagen',
      'keer', 'maal', 'uur', 'uren', 'euro',
    ]),
    persons: exactSet(['kind', 'kinderen', 'kindje', 'kindjes', 'zoon', 'zonen', 'dochter', 'dochters', 'persoon', 'personen']),
  },
);

const ARABIC_TEEN_STEMS: Array<[number, string[]]> = [
  [11, ['حد', 'احد', 'حض']],
  [12, ['اتن', 'تن', 'اتنت']],
  [13, ['تلت', 'تلات']],
  [14, ['اربعت', 'ربعت', 'اربع']],
  [15, ['خمست', 'خمس']],
  [16, ['ست', 'سد']],
  [17, ['سبعت', 'سبع']],
  [18, ['تمنت', 'تمانت', 'تمن']],
  [19, ['تسعت', 'تسع']],
];
/** Egyptian -تاشر, Levantine -طعش, Maghrebi -طاش (ط is read as ت by the key). */
const ARABIC_TEEN_ENDINGS = ['اشر', 'عش', 'اش', 'عشر'];

const ARABIC = buildSpec(
  [
    ['zero', 0, ['صفر']],
    ['unit', 1, ['واحد', 'واحدة', 'احد'], true],
    ['unit', 2, ['اثنين', 'اثنان', 'اثنتين', 'اثنتان', 'اثنا', 'اثني', 'اتنين', 'تنين', 'جوج']],
    ['unit', 3, ['ثلاثة', 'ثلاث', 'تلاتة', 'تلات']],
    ['unit', 4, ['أربعة', 'أربع', 'اربعة', 'اربع', 'ربعة']],
    ['unit', 5, ['خمسة', 'خمس']],
    ['unit', 6, ['ستة']],
    ['unit', 6, ['ست'], true],
    ['unit', 7, ['سبعة', 'سبع']],
    ['unit', 8, ['ثمانية', 'ثماني', 'ثمان', 'تمانية', 'تمنية']],
    ['unit', 8, ['ثمن'], true],
    ['unit', 9, ['تسعة', 'تسع']],
    ['ten', 10, ['عشرة', 'عشر']],
    ['teen', 11, ['حداشر', 'احداشر', 'حدعش', 'احدعش', 'حضاش']],
    ['ten', 20, ['عشرين', 'عشرون']],
    ['ten', 30, ['ثلاثين', 'ثلاثون', 'تلتين']],
    ['ten', 40, ['أربعين', 'اربعين', 'أربعون', 'اربعون', 'ربعين']],
    ['ten', 50, ['خمسين', 'خمسون']],
    ['ten', 60, ['ستين', 'ستون']],
    ['ten', 70, ['سبعين', 'سبعون']],
    ['ten', 80, ['ثمانين', 'ثمانون', 'تمنين']],
    ['ten', 90, ['تسعين', 'تسعون']],
    ['hundred', 100, ['مائة', 'مئة', 'ماية', 'مايه']],
    ['hundred', 100, ['مية', 'ميه'], true],
    ['and', 0, ['و']],
    ...ARABIC_TEEN_STEMS.map(([value, stems]): [Kind, number, string[]] => [
      'teen',
      value,
      stems.flatMap((s) => ARABIC_TEEN_ENDINGS.map((e) => s + e)),
    ]),
  ],
  {
    key: arabicKey,
    unitFirst: true,
    minTenBeforeUnit: 20,
    unitThenTenIsTeen: true,
    nounBefore: true,
    units: exactSet(
      [
        'سنة', 'سنه', 'سنين', 'سنوات', 'عام', 'اعوام', 'شهر', 'شهور', 'اشهر', 'أشهر', 'اسبوع', 'أسبوع', 'اسابيع', 'أسابيع',
        'يوم', 'ايام', 'أيام', 'مرة', 'مرات', 'ساعة', 'ساعات', 'يورو',
      ],
      arabicKey,
    ),
    persons: exactSet(['ولد', 'اولاد', 'أولاد', 'طفل', 'اطفال', 'أطفال', 'بنت', 'بنات', 'اشخاص', 'أشخاص', 'افراد', 'أفراد'], arabicKey),
  },
);

/** Turkish units take endings (yaşında, yıldır, haftalık): compared by their stem. */
const TURKISH_UNIT_STEMS = ['yas', 'yil', 'sene', 'hafta', 'gun', 'kez', 'kere', 'defa', 'saat', 'euro', 'avro'];
const TURKISH_SHORT_UNITS = new Set(['ay', 'aylik', 'aydir', 'ayda', 'aya', 'ayim', 'aylikken']);
const TURKISH_PERSON_STEMS = ['cocu', 'kisi', 'evlat', 'ogul', 'oglu', 'kizim', 'kizi'];

const TURKISH = buildSpec(
  [
    ['zero', 0, ['sıfır']],
    ['unit', 1, ['bir'], true],
    ['unit', 2, ['iki']],
    ['unit', 3, ['üç']],
    ['unit', 4, ['dört']],
    ['unit', 5, ['beş']],
    ['unit', 6, ['altı'], true],
    ['unit', 7, ['yedi'], true],
    ['unit', 8, ['sekiz']],
    ['unit', 9, ['dokuz']],
    ['ten', 10, ['on']],
    ['ten', 20, ['yirmi']],
    ['ten', 30, ['otuz']],
    ['ten', 40, ['kırk']],
    ['ten', 50, ['elli']],
    ['ten', 60, ['altmış']],
    ['ten', 70, ['yetmiş']],
    ['ten', 80, ['seksen']],
    ['ten', 90, ['doksan']],
    ['hundred', 100, ['yüz']],
  ],
  {
    key: identity,
    unitFirst: false,
    minTenBeforeUnit: 10,
    unitThenTenIsTeen: false,
    nounBefore: false,
    units: (k) => TURKISH_SHORT_UNITS.has(k) || TURKISH_UNIT_STEMS.some((s) => k.startsWith(s)),
    persons: (k) => k === 'kiz' || TURKISH_PERSON_STEMS.some((s) => k.startsWith(s)),
  },
);

const ROMANIAN = buildSpec(
  [
    ['zero', 0, ['zero']],
    ['unit', 1, ['unu', 'una']],
    ['unit', 1, ['un', 'o'], true],
    ['unit', 2, ['doi', 'două']],
    ['unit', 3, ['trei']],
    ['unit', 4, ['patru']],
    ['unit', 5, ['cinci']],
    ['unit', 6, ['șase', 'şase']],
    ['unit', 7, ['șapte', 'şapte']],
    ['unit', 8, ['opt']],
    ['unit', 9, ['nouă'], true],
    ['ten', 10, ['zece']],
    ['teen', 11, ['unsprezece', 'unspe']],
    ['teen', 12, ['doisprezece', 'douăsprezece', 'doispe', 'douaspe']],
    ['teen', 13, ['treisprezece', 'treispe']],
    ['teen', 14, ['paisprezece', 'patrusprezece', 'paispe']],
    ['teen', 15, ['cincisprezece', 'cinsprezece', 'cinspe']],
    ['teen', 16, ['șaisprezece', 'șasesprezece', 'șaispe']],
    ['teen', 17, ['șaptesprezece', 'șaptespe', 'șaptispe']],
    ['teen', 18, ['optsprezece', 'optspe']],
    ['teen', 19, ['nouăsprezece', 'nouaspe']],
    ['ten', 20, ['douăzeci', 'doazeci']],
    ['ten', 30, ['treizeci']],
    ['ten', 40, ['patruzeci']],
    ['ten', 50, ['cincizeci', 'cinzeci']],
    ['ten', 60, ['șaizeci', 'șasezeci']],
    ['ten', 70, ['șaptezeci']],
    ['ten', 80, ['optzeci']],
    ['ten', 90, ['nouăzeci']],
    ['hundred', 100, ['sută']],
    ['and', 0, ['și', 'şi']],
  ],
  {
    key: identity,
    unitFirst: false,
    minTenBeforeUnit: 20,
    unitThenTenIsTeen: false,
    nounBefore: false,
    units: exactSet([
      'an', 'ani', 'anul', 'anisor', 'anisori', 'luna', 'luni', 'lunite', 'saptamana', 'saptamani', 'zi', 'zile', 'data',
      'dati', 'ora', 'ore', 'euro',
    ]),
    persons: exactSet(['copil', 'copii', 'copilas', 'baiat', 'baieti', 'fata', 'fete', 'persoana', 'persoane']),
    notAfter: ['a'],
  },
);

const SPECS: Record<NumberWordsLang, Spec> = { nl: DUTCH, ar: ARABIC, tr: TURKISH, ro: ROMANIAN };

/** "doua zeci" → "douazeci": Romanian tens typed in two words. */
function joinRomanianTens(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    const prev = out[out.length - 1];
    if (t.text === 'zeci' && prev && /^(doua|trei|patru|cinci|sai|sase|sapte|opt|noua)$/.test(prev.text)) {
      out[out.length - 1] = { text: `${prev.text}zeci`, accentedOne: false };
    } else out.push(t);
  }
  return out;
}

interface Token {
  text: string;
  /** nl: the raw word was "één" (accented), which is the number, never the article. */
  accentedOne: boolean;
}

/** Normalised tokens, each remembering whether its raw word was the accented Dutch "één". */
function tokenize(text: string): Token[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((raw) => {
      const accentedOne = /^[^\p{L}]*(één|eén|éen)[^\p{L}]*$/iu.test(raw.normalize('NFC'));
      const norm = normalize(raw);
      return norm ? norm.split(' ').map((t) => ({ text: t, accentedOne })) : [];
    });
}

/** Cuts a key into known pieces, fewest pieces first; undefined when it cannot be cut whole. */
function segment(key: string, spec: Spec): Piece[] | undefined {
  if (!key || key.length > 40) return undefined;
  const best: Array<Piece[] | undefined> = new Array(key.length + 1).fill(undefined);
  best[0] = [];
  for (let end = 1; end <= key.length; end++) {
    for (let start = Math.max(0, end - spec.longestPiece); start < end; start++) {
      const before = best[start];
      const piece = before && spec.pieces.get(key.slice(start, end));
      if (before && piece && (!best[end] || before.length + 1 < best[end]!.length)) best[end] = [...before, piece];
    }
  }
  return best[key.length];
}

interface Reading {
  end: number;
  value: number;
}

function below100(atoms: Atom[], i: number, spec: Spec): Reading[] {
  const a = atoms[i];
  if (!a || a.kind === 'and' || a.kind === 'hundred' || a.kind === 'word') return [];
  const out: Reading[] = [{ end: i + 1, value: a.value }];
  const b = atoms[i + 1];
  if (spec.unitFirst && a.kind === 'unit') {
    const c = atoms[i + 2];
    if (b?.kind === 'and' && c?.kind === 'ten' && c.value >= 20) out.push({ end: i + 3, value: a.value + c.value });
    if (spec.unitThenTenIsTeen && a.value >= 1 && b?.kind === 'ten' && b.value === 10) out.push({ end: i + 2, value: 10 + a.value });
  }
  if (!spec.unitFirst && a.kind === 'ten' && a.value >= spec.minTenBeforeUnit) {
    const j = b?.kind === 'and' ? i + 2 : i + 1;
    const u = atoms[j];
    if (u?.kind === 'unit') out.push({ end: j + 1, value: a.value + u.value });
  }
  return out;
}

function readings(atoms: Atom[], i: number, spec: Spec): Reading[] {
  const out = below100(atoms, i, spec);
  let j = i;
  if (atoms[j]?.kind === 'unit' && atoms[j]!.value === 1 && atoms[j + 1]?.kind === 'hundred') j++;
  if (atoms[j]?.kind === 'hundred') {
    out.push({ end: j + 1, value: 100 });
    const starts = atoms[j + 1]?.kind === 'and' ? [j + 2] : [j + 1];
    for (const s of starts) for (const r of below100(atoms, s, spec)) out.push({ end: r.end, value: 100 + r.value });
  }
  return out;
}

interface Atomized {
  spec: Spec;
  tokens: Token[];
  atoms: Atom[];
  /** Index of the first atom of each token. */
  firstAtom: number[];
}

/** The text as tokens, each cut into pieces (a token that is not a number is one 'word' atom). */
function atomize(text: string, lang: NumberWordsLang): Atomized {
  const spec = SPECS[lang];
  let tokens = tokenize(text);
  if (lang === 'ro') tokens = joinRomanianTens(tokens);
  const atoms: Atom[] = [];
  const firstAtom: number[] = [];
  tokens.forEach((t, index) => {
    firstAtom.push(atoms.length);
    const pieces = segment(spec.key(t.text), spec);
    if (!pieces) {
      atoms.push({ kind: 'word', value: 0, ambiguous: false, token: index });
      return;
    }
    for (const p of pieces) atoms.push({ ...p, ambiguous: p.ambiguous && !t.accentedOne, token: index });
  });
  return { spec, tokens, atoms, firstAtom };
}

/** Where a reading starts in token t: Arabic "وخمسة" skips its glued "and". */
function startOf({ atoms, firstAtom }: Atomized, t: number): number {
  const start = firstAtom[t]!;
  return atoms[start]!.kind === 'and' && atoms[start + 1]?.token === t ? start + 1 : start;
}

/**
 * The number that ends right before the last word, the caller having found that word to be a unit
 * ("ik ben vijfenveertig jaar" → 45, "kırk beş yaşındayım" → 45, "o lună" → 1): the longest such
 * reading, by the same grammar; an ambiguous word counts there (rule c). Above 120: undefined.
 */
export function numberBeforeLastWord(text: string, lang: NumberWordsLang): number | undefined {
  const at = atomize(text, lang);
  const { spec, tokens, atoms, firstAtom } = at;
  const unit = tokens.length - 1;
  if (unit < 1) return undefined;
  for (let t = 0; t < unit; t++) {
    const start = startOf(at, t);
    const reading = readings(atoms, start, spec).find((r) => r.end === firstAtom[unit]);
    if (!reading) continue;
    if (reading.end - start === 1 && t > 0 && spec.notAfter.has(tokens[t - 1]!.text)) return undefined;
    return reading.value <= 120 ? reading.value : undefined;
  }
  return undefined;
}

/** The first whole number 0–120 written in words, or undefined. See the rules at the top. */
export function numberFromWords(text: string, lang: NumberWordsLang): number | undefined {
  const at = atomize(text, lang);
  const { spec, tokens, atoms } = at;
  const endsToken = (end: number): boolean => end === atoms.length || atoms[end]!.token !== atoms[end - 1]!.token;

  let personFallback: number | undefined;
  for (let t = 0; t < tokens.length; t++) {
    const start = startOf(at, t);
    const valid = readings(atoms, start, spec).filter((r) => endsToken(r.end));
    if (!valid.length) continue;
    const best = valid.reduce((x, y) => (y.end > x.end ? y : x));
    const lastToken = atoms[best.end - 1]!.token;
    if (best.value > 120) {
      t = lastToken;
      continue;
    }
    if (best.end - start === 1) {
      const single = atoms[start]!;
      if (t > 0 && spec.notAfter.has(tokens[t - 1]!.text)) continue;
      if (single.ambiguous) {
        const whole = t === 0 && lastToken === tokens.length - 1;
        const next = tokens[lastToken + 1];
        const nextKey = next && spec.key(next.text);
        const prevKey = t > 0 ? spec.key(tokens[t - 1]!.text) : undefined;
        const nounBefore = spec.nounBefore && prevKey !== undefined && (spec.isUnit(prevKey) || spec.isPerson(prevKey));
        if (!whole && !nounBefore && !(nextKey && spec.isUnit(nextKey))) {
          if (nextKey && spec.isPerson(nextKey)) personFallback ??= best.value;
          continue;
        }
      }
    }
    return best.value;
  }
  return personFallback;
}
