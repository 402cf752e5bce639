/**
 * The word lists of each language, kept in `locales/<lang>/lexicon.json` so that translators can
 * maintain them; loaded once and normalised.
 */
import { LANGUAGES, type Lang } from '../catalogue/schema';
import { loadResources, type Resources } from '../i18n/resources';
import { normalize } from './normalize';

export interface Lexicon {
  yes: string[];
  no: string[];
  intents: Record<string, string[]>;
  language_names: string[];
  stopwords: string[];
  professional: string[];
  /** Words that say where someone lives ("j'habite", "ik woon"): a fact, never a theme. */
  residence: string[];
  /** Words that say a place named is not where the person lives ("je travaille à", "hôpital"): that commune is not theirs. */
  elsewhere: string[];
  /** Phrases in which people tell their own state ("je me sens", "ik drink"): the help is for them unless they name someone else. */
  first_person: string[];
  /** Greetings and thanks ("bonjour", "merci"): answered in kind, never a misunderstanding. */
  greetings: { hello: string[]; thanks: string[] };
  /** Unit words; `since`/`ago`: words around a number of years that make it a duration, not an age. */
  units: {
    years: string[];
    /** Abbreviations of "years" counted only right after digits ("41 j.", "23yo"): alone they are ordinary letters ("j'habite"). */
    years_short: string[];
    months: string[];
    weeks: string[];
    since: string[];
    ago: string[];
    /** Words before a bare number that make it an age ("ik ben 19", "j'ai 34"). */
    age_cue: string[];
    /** Cues after which the number is an age wherever the clause goes on ("turned 50 last month", "zoon van 17 rookt", "mi hijo de 19 fuma"), from 10 up unless the clause ends, never before a count ("madre de 3 hijos"). */
    age_cue_open: string[];
    /** "and": a bare age may be followed by it ("ik ben 19 en …"), not by a noun ("j'ai 2 enfants"). */
    and: string[];
    /** First to ninth, in order: "in the fourth month" of a pregnancy. */
    ordinals: string[];
    /** Words for one person ("patient", "femme", "buurman", "m"): a number right after one, in brackets or between commas ("my dad (79)", "Patient, 29,"), is their age ("oma van 88": an open age cue). */
    person: string[];
    /** Words for several people ("enfants", "kinderen"): a number before one is a count, not an age ("mère de 3 enfants"). */
    people: string[];
  };
  /** fact → option (or "true"/"false") → phrases. */
  facts: Record<string, Record<string, string[]>>;
  /** How people describe their own sex in free text ("je suis une femme", "als man van 50"): female / male → phrases. */
  sex_told: Record<string, string[]>;
  /** A relative or a pronoun that opens a clause ("Annem 66 yaşında", "mi madre toma…", "she says…"): the sex of the person the message is about, when it is about someone else. female / male → phrases. */
  sex_subject: Record<string, string[]>;
}

function normAll(x: unknown): unknown {
  if (Array.isArray(x)) return [...new Set(x.map((s) => normalize(String(s))).filter(Boolean))];
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, normAll(v)]));
  return x;
}

export function loadLexicons(resources: Resources = loadResources()): Record<Lang, Lexicon> {
  const out = {} as Record<Lang, Lexicon>;
  for (const l of LANGUAGES) {
    const raw = resources[l]?.lexicon;
    if (!raw) throw new Error(`locales/${l}/lexicon.json is missing`);
    out[l] = normAll(raw) as Lexicon;
  }
  return out;
}
