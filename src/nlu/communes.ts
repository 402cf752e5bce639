/**
 * Finds a Brussels commune in free text: French and Dutch names, aliases, districts of
 * Bruxelles-Ville, postal codes (1000/1040/1050 are shared, so they give candidates, not a guess)
 * and misspellings (Jaro-Winkler on names of 5+ letters).
 */
import JaroWinklerDistance from 'natural/lib/natural/distance/jaro-winkler_distance';
import type { Commune } from '../catalogue/schema';
import { containsPhrase, normalize, tokens } from './normalize';

/** `name`: the words that named it (normalised), or the postal code. */
export type CommuneMatch = { nis: string; district?: string; name?: string } | { ambiguous: string[] };

interface Name {
  text: string;
  nis: string;
  district?: string;
}

/** Close enough to be the same name typed in a hurry ("anderlech", "schaarbeek", "ixel"). */
const FUZZY = 0.9;

/** Names that are also ordinary words ("forest fire", "je jette", "vorst", Darija جيت "I came"): in free text they need a place cue. */
const COMMON_WORDS = new Set(['forest', 'vorst', 'jette', 'haren', 'evere', 'جيت']);
const PLACE_CUE = /(?:^|\s)(?:a|au|en|dans|sur|de|in|te|at|to|from|near|naar|uit|bij|woon|habite|jhabite|living|live|vivo|locuiesc|oturuyorum|ساكن|في|f)\s$/u;

/** Turkish marks the place after the name ("evere'de oturuyorum", "jette de"): a cue too. */
const PLACE_CUE_AFTER = /^\s(?:de|da|te|ta|den|dan|deyim|dayim|teyim|tayim|oturuyorum|yasiyorum|kaliyorum)\s/u;

function hasPlaceCue(norm: string, name: string): boolean {
  const padded = ` ${norm} `;
  const at = padded.indexOf(` ${name} `);
  return PLACE_CUE.test(padded.slice(0, at + 1)) || PLACE_CUE_AFTER.test(padded.slice(at + name.length + 1));
}

/** How many words before a name (after it, for Turkish) a cue may stand: "j'habite maintenant à Jette". */
const CUE_WINDOW = 4;
/** Turkish locative endings, written apart after a name ("Jette'de", "evere de"): the cue comes after. */
const LOCATIVE = new Set(['de', 'da', 'te', 'ta', 'deyim', 'dayim', 'teyim', 'tayim']);
const BRUXELLES_VILLE = '21004';

/** Words that tell whether a place named is where the person lives ("j'habite à") or not ("je travaille à"). */
export interface PlaceCues {
  home: string[];
  elsewhere: string[];
}

interface Occurrence {
  name: Name;
  /** Token index of the name's first word, and the number of its words. */
  at: number;
  size: number;
}

export class CommuneFinder {
  private readonly names: Name[] = [];
  private readonly byPostal = new Map<string, Array<{ nis: string; district?: string }>>();
  /** Name → the communes it names: one, or several ("woluwe"). */
  private readonly communesNamed = new Map<string, string[]>();
  /** The names of one commune, and those of several, for the misspelling search. */
  private readonly ownNames: Name[];
  private readonly sharedNames: Name[];

  private readonly cues: PlaceCues;

  constructor(communes: Commune[], cues: Partial<PlaceCues> = {}) {
    this.cues = { home: (cues.home ?? []).map(normalize).filter(Boolean), elsewhere: (cues.elsewhere ?? []).map(normalize).filter(Boolean) };
    for (const c of communes) {
      const add = (t: string, district?: string) => {
        const text = normalize(t);
        if (text && !this.names.some((n) => n.text === text && n.nis === c.nis)) this.names.push({ text, nis: c.nis, district });
      };
      add(c.name.fr);
      add(c.name.nl);
      c.aliases.forEach((a) => add(a));
      for (const d of c.districts ?? []) {
        add(d.name.fr.replace(/\(.*\)/, ''), d.id);
        add(d.name.nl.replace(/\(.*\)/, ''), d.id);
        d.aliases.forEach((a) => add(a, d.id));
      }
      for (const pc of c.postalCodes) {
        const district = c.districts?.find((d) => d.postalCodes.includes(pc) && pc !== '1000')?.id;
        const list = this.byPostal.get(pc) ?? [];
        list.push({ nis: c.nis, district });
        this.byPostal.set(pc, list);
      }
    }
    // Longest names first, so "woluwe saint lambert" wins over "woluwe".
    this.names.sort((a, b) => b.text.length - a.text.length);
    for (const n of this.names) {
      const nis = this.communesNamed.get(n.text) ?? [];
      if (!nis.includes(n.nis)) this.communesNamed.set(n.text, [...nis, n.nis]);
    }
    this.ownNames = this.names.filter((n) => this.communesNamed.get(n.text)!.length === 1);
    this.sharedNames = this.names.filter((n) => this.communesNamed.get(n.text)!.length > 1);
  }

  /**
   * `answer`: the text answers "which commune?", so a name that is also a word counts as the name;
   * otherwise (free text) such a name needs a place cue before it ("j'habite à Forest").
   */
  find(text: string, opts: { answer?: boolean } = {}): CommuneMatch | undefined {
    const norm = normalize(text);
    // A name of several communes ("woluwe") asks which, unless the rest of the text tells it
    // ("woluwe st lambert", "woluwe 1200").
    let shared: string[] | undefined;
    const sharedBy = (name: string) => this.communesNamed.get(name) ?? [];
    const named = this.occurrences(norm).filter((o) => opts.answer || !COMMON_WORDS.has(o.name.text) || norm === o.name.text || hasPlaceCue(norm, o.name.text));
    if (named.length) {
      // Where the person lives outranks any other place named ("à Bruxelles", "je travaille à Ixelles").
      const words = tokens(norm);
      const ranked = named.map((o) => ({ o, score: opts.answer ? 0 : this.homeScore(words, o, named) })).sort((a, b) => b.score - a.score || a.o.at - b.o.at);
      const best = ranked[0];
      if (best.score >= 0) {
        const communes = sharedBy(best.o.name.text);
        if (communes.length === 1) return { nis: best.o.name.nis, name: best.o.name.text, ...(best.o.name.district ? { district: best.o.name.district } : {}) };
        shared = communes;
      } else return undefined; // every place named is somewhere else than home: the bot asks
    }
    const postal = norm.match(/\b1\d{3}\b/);
    if (postal) {
      const hits = this.byPostal.get(postal[0]);
      if (hits?.length === 1 && (!shared || shared.includes(hits[0].nis))) return { nis: hits[0].nis, name: postal[0], ...(hits[0].district ? { district: hits[0].district } : {}) };
      if (!shared && hits && hits.length > 1) return { ambiguous: [...new Set(hits.map((h) => h.nis))] };
    }
    // Misspellings: compare runs of 1–3 words with every name of 5+ letters; a name of one commune
    // first ("woluwe st lambert" is Woluwe-Saint-Lambert), then one of several ("wolluwe": which?).
    const words = tokens(norm);
    const closest = (names: Name[]) => {
      let best: { score: number; name: Name } | undefined;
      for (let size = 3; size >= 1; size--) {
        for (let i = 0; i + size <= words.length; i++) {
          const run = words.slice(i, i + size).join(' ');
          if (run.length < 4) continue;
          for (const n of names) {
            if (n.text.length < 5 || Math.abs(n.text.length - run.length) > 3 || (!opts.answer && COMMON_WORDS.has(n.text))) continue;
            const score = JaroWinklerDistance(run, n.text, {});
            if (score >= FUZZY && (!best || score > best.score)) best = { score, name: n };
          }
        }
      }
      return best?.name;
    };
    const one = closest(shared ? this.ownNames.filter((n) => shared.includes(n.nis)) : this.ownNames);
    if (one) return { nis: one.nis, name: one.text, ...(one.district ? { district: one.district } : {}) };
    if (shared) return { ambiguous: shared };
    const several = closest(this.sharedNames);
    return several ? { ambiguous: sharedBy(several.text) } : undefined;
  }

  /** Every name in the text, longest first, none inside another one taken ("woluwe" in "woluwe saint lambert"). */
  private occurrences(norm: string): Occurrence[] {
    const words = tokens(norm);
    const taken = new Array<boolean>(words.length).fill(false);
    const out: Occurrence[] = [];
    for (const n of this.names) {
      if (!containsPhrase(norm, n.text)) continue;
      const nameWords = n.text.split(' ');
      for (let i = 0; i + nameWords.length <= words.length; i++) {
        if (nameWords.some((w, k) => words[i + k] !== w || taken[i + k])) continue;
        for (let k = 0; k < nameWords.length; k++) taken[i + k] = true;
        out.push({ name: n, at: i, size: nameWords.length });
      }
    }
    return out;
  }

  /**
   * 2: the cue that goes with the name says home; -2: it says elsewhere ("je travaille à", "hôpital");
   * -1: "Bruxelles" while another commune is named (the city stands for the region); 0: no cue.
   * The cue goes with a name from before it ("j'habite à Jette"), never reaching back past another
   * name; after a Turkish locative ("Jette'de oturuyorum", "Ixelles'de çalışıyorum") it follows it.
   */
  private homeScore(words: string[], o: Occurrence, all: Occurrence[]): number {
    const end = o.at + o.size;
    const previousEnd = Math.max(0, ...all.filter((x) => x.at < o.at).map((x) => x.at + x.size));
    const window = LOCATIVE.has(words[end] ?? '') ? words.slice(end, end + 3) : words.slice(Math.max(previousEnd, o.at - CUE_WINDOW), o.at);
    const last = (phrases: string[]) => {
      let best = -1;
      for (const p of phrases) {
        const size = p.split(' ').length;
        for (let i = window.length - size; i >= 0; i--) if (window.slice(i, i + size).join(' ') === p) best = Math.max(best, i + size);
      }
      return best;
    };
    const home = last(this.cues.home);
    const elsewhere = last(this.cues.elsewhere);
    // A tie is a home cue inside a longer elsewhere one ("كنت ساكن", "I used to live"): elsewhere.
    if (home >= 0 && home > elsewhere) return 2;
    if (elsewhere >= 0) return -2;
    if (o.name.nis === BRUXELLES_VILLE && !o.name.district && all.some((x) => x.name.nis !== BRUXELLES_VILLE)) return -1;
    return 0;
  }
}
