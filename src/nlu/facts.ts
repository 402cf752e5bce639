/**
 * Facts from free text, in any of the seven languages (people mix them): commune, age, pregnancy
 * and weeks, insurance, papers, for whom, situation (housing, screening, substance…), professional.
 * Negations come from the lexicons' phrases ("pas de mutuelle", "geen papieren", "sigortam yok").
 */
import { LANGUAGES, type Lang } from '../catalogue/schema';
import type { Facts } from '../engine/types';
import type { CommuneFinder } from './communes';
import type { Lexicon } from './lexicon';
import { containsPhrase, normalize } from './normalize';
import type { NumberReader } from './numbers';

/** Choice or yes/no facts read from phrases; yes/no facts list "true"/"false" as options. */
const PHRASE_FACTS = ['housing_situation', 'screening', 'substance', 'pregnancy_status', 'insured', 'papers', 'for_whom', 'mh_need', 'isolation_need'] as const;

export class FactExtractor {
  private readonly phrases: Array<{ fact: string; value: string; phrase: string }> = [];
  private readonly professional: string[];

  constructor(lexicons: Record<Lang, Lexicon>, private readonly communes: CommuneFinder, private readonly numbers: NumberReader) {
    for (const l of LANGUAGES)
      for (const fact of PHRASE_FACTS) for (const [value, list] of Object.entries(lexicons[l].facts[fact] ?? {})) for (const phrase of list) this.phrases.push({ fact, value, phrase });
    // Longer phrases first: "pas de mutuelle" must win over "mutuelle".
    this.phrases.sort((a, b) => b.phrase.length - a.phrase.length);
    this.professional = LANGUAGES.flatMap((l) => lexicons[l].professional).sort((a, b) => b.length - a.length);
  }

  extract(text: string): { facts: Facts; ambiguous: Record<string, string[]> } {
    const norm = normalize(text);
    const facts: Facts = {};
    const ambiguous: Record<string, string[]> = {};
    let rest = ` ${norm} `;
    for (const { fact, value, phrase } of this.phrases) {
      if (facts[fact] !== undefined || !containsPhrase(rest.trim(), phrase)) continue;
      facts[fact] = value === 'true' ? true : value === 'false' ? false : value;
      rest = rest.replace(` ${phrase} `, ' ; '); // a phrase counts once ("pas de mutuelle" ≠ "mutuelle")
    }
    const commune = this.communes.find(text);
    if (commune && 'nis' in commune) {
      facts.commune = commune.nis;
      if (commune.district) facts.district = commune.district;
    } else if (commune) ambiguous.commune = commune.ambiguous;
    const age = this.numbers.age(text);
    if (age !== undefined && facts.pregnancy_status === undefined) facts.age = age;
    if (facts.pregnancy_status === 'pregnant') {
      const weeks = this.numbers.pregnancyWeeks(text);
      if (weeks !== undefined && weeks <= 45) facts.pregnancy_weeks = weeks;
    }
    if (this.professional.some((p) => containsPhrase(norm, p))) facts.audience = 'professional';
    if (facts.pregnancy_status) facts.sex = 'female';
    return { facts, ambiguous };
  }
}
