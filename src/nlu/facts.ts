/**
 * Facts from free text, in any of the seven languages (people mix them): commune, age, pregnancy
 * and weeks, insurance, papers, for whom, situation (housing, screening, substance…), professional.
 * Negations come from the lexicons' phrases ("pas de mutuelle", "geen papieren", "sigortam yok").
 */
import { LANGUAGES, type Lang } from '../catalogue/schema';
import type { Facts } from '../engine/types';
import type { CommuneFinder } from './communes';
import type { Lexicon } from './lexicon';
import { containsPhrase, normalize, takePhrases } from './normalize';
import type { NumberReader } from './numbers';

/** Choice or yes/no facts read from phrases; yes/no facts list "true"/"false" as options. */
const PHRASE_FACTS = ['housing_situation', 'screening', 'substance', 'pregnancy_status', 'insured', 'papers', 'for_whom', 'mh_need', 'isolation_need', 'cost_concern'] as const;

export class FactExtractor {
  private readonly phrases: Array<{ fact: string; value: string; phrase: string }> = [];
  private readonly professional: string[];
  private readonly firstPerson: string[];
  /** Clause openers that say the sex of the person spoken about, longest first. */
  private readonly sexSubjects: Array<{ value: string; phrase: string }>;

  constructor(lexicons: Record<Lang, Lexicon>, private readonly communes: CommuneFinder, private readonly numbers: NumberReader) {
    for (const l of LANGUAGES)
      for (const fact of PHRASE_FACTS) for (const [value, list] of Object.entries(lexicons[l].facts[fact] ?? {})) for (const phrase of list) this.phrases.push({ fact, value, phrase });
    // Longer phrases first: "pas de mutuelle" must win over "mutuelle".
    // The person's sex only from how they describe themself ("je suis une femme de 52 ans"): the answer
    // words ("femme") say it in reply to the question, but in free text they name others ("ma femme").
    for (const l of LANGUAGES) for (const [value, list] of Object.entries(lexicons[l].sex_told ?? {})) for (const phrase of list) this.phrases.push({ fact: 'sex', value, phrase });
    this.phrases.sort((a, b) => b.phrase.length - a.phrase.length);
    this.professional = LANGUAGES.flatMap((l) => lexicons[l].professional).sort((a, b) => b.length - a.length);
    this.firstPerson = LANGUAGES.flatMap((l) => lexicons[l].first_person);
    this.sexSubjects = LANGUAGES.flatMap((l) => Object.entries(lexicons[l].sex_subject ?? {}).flatMap(([value, list]) => list.map((phrase) => ({ value, phrase })))).sort((a, b) => b.phrase.length - a.phrase.length);
    this.greetings = new Set(LANGUAGES.flatMap((l) => lexicons[l].greetings.hello));
  }

  private readonly greetings: Set<string>;

  /**
   * The sex of the person a message is about, when it is someone else and a clause opens on them
   * ("Babam her gün içiyor", "Mi madre toma pastillas", "My friend is 25… She says…"): the first
   * such clause. A relative named elsewhere in a sentence ("I live with my mother") says nothing.
   */
  private subjectSex(text: string): { value: string; phrase: string } | undefined {
    for (const clause of text.split(/[,.;:!?\n()]+/u)) {
      const words = normalize(clause).split(' ').filter(Boolean);
      while (words.length && this.greetings.has(words[0]!)) words.shift();
      const opening = words.join(' ');
      const hit = this.sexSubjects.find((s) => opening === s.phrase || opening.startsWith(`${s.phrase} `));
      if (hit) return hit;
    }
    return undefined;
  }

  /**
   * `facts`: what the text says. `ambiguous`: candidate values where it could mean several.
   * `presumed`: what it only suggests ("je me sens mal" is about the writer), for the caller to use
   * where nothing is known, never over what the person said.
   */
  extract(text: string, lang?: Lang): { facts: Facts; ambiguous: Record<string, string[]>; presumed: Facts; why: Record<string, string>; twins: string[][] } {
    const norm = normalize(text);
    const facts: Facts = {};
    const ambiguous: Record<string, string[]> = {};
    // Why each fact was read: the lexicon phrase or the name found (normalised), or how.
    const why: Record<string, string> = {};
    // The same phrase listed for two facts means both ("parler à quelqu'un": the need in mental
    // health and in loneliness); a fact already found takes no more words.
    // Facts read from one phrase listed under several facts: which one is meant depends on the subject.
    const byPhrase = new Map<string, string[]>();
    takePhrases(norm, this.phrases, ({ fact, value, phrase }) => {
      if (facts[fact] !== undefined) return false;
      facts[fact] = value === 'true' ? true : value === 'false' ? false : value;
      why[fact] = phrase;
      if (fact !== 'sex') byPhrase.set(phrase, [...(byPhrase.get(phrase) ?? []), fact]);
      return true;
    });
    const twins = [...byPhrase.values()].filter((fs) => fs.length > 1);
    const commune = this.communes.find(text);
    if (commune && 'nis' in commune) {
      facts.commune = commune.nis;
      why.commune = commune.name ?? 'commune';
      if (commune.district) facts.district = commune.district;
    } else if (commune) ambiguous.commune = commune.ambiguous;
    // A mother's age counts too ("enceinte, j'ai 19 ans"): only a number of years is an age.
    const age = this.numbers.age(text, lang);
    if (age !== undefined) {
      facts.age = age;
      why.age = 'number';
    }
    if (facts.pregnancy_status === 'pregnant') {
      const weeks = this.numbers.pregnancyWeeks(text, lang);
      if (weeks !== undefined && weeks <= 45) {
        facts.pregnancy_weeks = weeks;
        why.pregnancy_weeks = 'number';
      }
    }
    const pro = this.professional.find((p) => containsPhrase(norm, p));
    if (pro) {
      facts.audience = 'professional';
      why.audience = pro;
    }
    if (facts.pregnancy_status && facts.sex === undefined) {
      facts.sex = 'female';
      why.sex = 'pregnancy_status';
    }
    if (facts.sex === undefined && (facts.for_whom === 'relative' || facts.for_whom === 'child' || facts.audience === 'professional')) {
      const subject = this.subjectSex(text);
      if (subject) {
        facts.sex = subject.value;
        why.sex = subject.phrase;
      }
    }
    const presumed: Facts = {};
    // Someone who tells how they feel or what they do, and names nobody else, asks for themself;
    // a professional telling of their day does not.
    const own = facts.for_whom === undefined && facts.audience === undefined ? this.firstPerson.find((p) => containsPhrase(norm, p)) : undefined;
    if (own) {
      presumed.for_whom = 'self';
      why.for_whom = own;
    }
    return { facts, ambiguous, presumed, why, twins };
  }
}
