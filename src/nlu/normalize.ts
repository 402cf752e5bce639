/**
 * Text as people type it → comparable text: lower case, no Latin accents, no Arabic diacritics or
 * tatweel, Arabic-Indic and Persian digits as ASCII, letters repeated 3+ times kept once
 * ("ouiiii" → "oui"), apostrophes and hyphens as spaces, single spaces.
 */
const ARABIC_DIACRITICS = /[\u064B-\u065F\u0670\u0640]/g;

/**
 * Arabic spellings people use interchangeably, folded to one: no diacritics or tatweel, alef
 * forms as ا, final ى as ي, ة as ه, hamza seats ؤ/ئ as و/ي. Also used on the safety patterns,
 * which are written like normalised text.
 */
export function foldArabic(text: string): string {
  return text.replace(ARABIC_DIACRITICS, '').replace(/[أإآٱ]/g, 'ا').replace(/ى/g, 'ي').replace(/ة/g, 'ه').replace(/ؤ/g, 'و').replace(/ئ/g, 'ي');
}

export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ı/g, 'i') // Turkish dotless i does not decompose
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u0600-\u06FF]+/g, foldArabic)
    .replace(/(\p{L})\1{2,}/gu, '$1')
    .replace(/[’'`´\-_/]/g, ' ')
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function tokens(normalized: string): string[] {
  return normalized ? normalized.split(' ') : [];
}

/** True when `phrase` (normalised) stands in `text` (normalised) as whole words. */
export function containsPhrase(text: string, phrase: string): boolean {
  if (!phrase) return false;
  return ` ${text} `.includes(` ${phrase} `);
}

/**
 * The phrases of `items` (sorted longest first) that stand in `text` (normalised), each taking its
 * words so that a shorter phrase inside it does not count too ("pas de mutuelle" is not also
 * "mutuelle"); the same phrase listed twice counts for both. `take` is called for each phrase that
 * stands and says whether it takes its words (false: the item is not wanted, the words stay).
 * Returns what is left of the text.
 */
export function takePhrases<T extends { phrase: string }>(text: string, items: readonly T[], take: (item: T) => boolean): string {
  let rest = ` ${text} `;
  const taken = new Set<string>();
  for (const item of candidates(text, items)) {
    if (!taken.has(item.phrase) && !rest.includes(` ${item.phrase} `)) continue;
    if (!take(item)) continue;
    taken.add(item.phrase);
    rest = rest.split(` ${item.phrase} `).join(' ; ');
  }
  return rest.trim();
}

/** Lists longer than this are indexed by first word (a lexicon of thousands read at every message). */
const INDEX_FROM = 32;
const byFirstWord = new WeakMap<readonly { phrase: string }[], Map<string, number[]>>();

/**
 * The items that may stand in `text`, in their order: a phrase stands only where its first word is
 * one of the text's words, so long lists are looked up by first word instead of tried one by one.
 * (Taking a phrase only removes words, so nothing absent from the text can stand later.)
 */
function candidates<T extends { phrase: string }>(text: string, items: readonly T[]): readonly T[] {
  if (items.length <= INDEX_FROM) return items;
  let index = byFirstWord.get(items);
  if (!index) {
    index = new Map();
    items.forEach((item, i) => {
      const first = item.phrase.split(' ', 1)[0];
      const at = index!.get(first);
      if (at) at.push(i);
      else index!.set(first, [i]);
    });
    byFirstWord.set(items, index);
  }
  const positions: number[] = [];
  for (const word of new Set(tokens(text))) {
    const at = index.get(word);
    if (at) for (const i of at) positions.push(i);
  }
  return positions.sort((a, b) => a - b).map((i) => items[i]);
}
