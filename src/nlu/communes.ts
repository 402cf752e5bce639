/**
 * Finds a Brussels commune in free text: French and Dutch names, aliases, districts of
 * Bruxelles-Ville, postal codes (1000/1040/1050 are shared, so they give candidates, not a guess)
 * and misspellings (Jaro-Winkler on names of 5+ letters).
 */
import JaroWinklerDistance from 'natural/lib/natural/distance/jaro-winkler_distance';
import type { Commune } from '../catalogue/schema';
import { containsPhrase, normalize, tokens } from './normalize';

export type CommuneMatch = { nis: string; district?: string } | { ambiguous: string[] };

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

export class CommuneFinder {
  private readonly names: Name[] = [];
  private readonly byPostal = new Map<string, Array<{ nis: string; district?: string }>>();
  /** Name → the communes it names: one, or several ("woluwe"). */
  private readonly communesNamed = new Map<string, string[]>();
  /** The names of one commune, and those of several, for the misspelling search. */
  private readonly ownNames: Name[];
  private readonly sharedNames: Name[];

  constructor(communes: Commune[]) {
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
    for (const n of this.names) {
      if (!containsPhrase(norm, n.text)) continue;
      if (!opts.answer && COMMON_WORDS.has(n.text) && norm !== n.text && !hasPlaceCue(norm, n.text)) continue;
      const communes = sharedBy(n.text);
      if (communes.length === 1) return { nis: n.nis, ...(n.district ? { district: n.district } : {}) };
      shared = communes;
      break;
    }
    const postal = norm.match(/\b1\d{3}\b/);
    if (postal) {
      const hits = this.byPostal.get(postal[0]);
      if (hits?.length === 1 && (!shared || shared.includes(hits[0].nis))) return { nis: hits[0].nis, ...(hits[0].district ? { district: hits[0].district } : {}) };
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
    if (one) return { nis: one.nis, ...(one.district ? { district: one.district } : {}) };
    if (shared) return { ambiguous: shared };
    const several = closest(this.sharedNames);
    return several ? { ambiguous: sharedBy(several.text) } : undefined;
  }
}
