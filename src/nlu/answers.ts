/**
 * Answers to the question the engine asked: a button title, its number, a word of the lexicon, or
 * something close enough, according to the fact's kind. Labels come from the locales, in every
 * language (people answer in the language they like, whatever the question's). Numbers may be
 * digits or words ("achtendertig", "yirmi iki"; see numbers.ts); dates are read by dates.ts in the
 * question's language first, then in the others, against `now` (injectable for tests).
 */
import JaroWinklerDistance from 'natural/lib/natural/distance/jaro-winkler_distance';
import { LANGUAGES, type Lang } from '../catalogue/schema';
import type { AnswerParse, AnswerParser, FactSpec } from '../engine/types';
import type { CommuneFinder } from './communes';
import type { Lexicon } from './lexicon';
import { containsPhrase, normalize, takePhrases } from './normalize';
import { parseDate } from './dates';
import type { NumberReader } from './numbers';
import type { ThemeClassifier } from './themes';
import { isConfidentTheme } from '../bot/understanding';

/** An answer to "what is it about?" needs less certainty than a first message: the person is answering that question. */
const ANSWER_THEME_CONFIDENCE = 0.45;

type Labels = (fact: string, option: string) => string[];

export function createAnswerParser(deps: {
  lexicons: Record<Lang, Lexicon>;
  labels: Labels;
  yesNoLabels: { yes: string[]; no: string[] };
  communes: CommuneFinder;
  numbers: NumberReader;
  themes: ThemeClassifier;
  /** The clock dates are read against ("demain", "12 mars" → the next 12 March). */
  now?: () => Date;
}): AnswerParser {
  const { lexicons } = deps;
  const now = deps.now ?? (() => new Date());

  const date = (text: string, lang: Lang): AnswerParse => {
    const today = now();
    for (const l of [lang, ...LANGUAGES.filter((x) => x !== lang)]) {
      const iso = parseDate(text, l, today);
      if (iso) return { ok: true, value: iso };
    }
    return { ok: false, reason: 'no_match' };
  };

  const yesNo = (text: string, lang: Lang): AnswerParse => {
    const norm = normalize(text);
    const order = [lang, ...LANGUAGES.filter((l) => l !== lang)];
    for (const l of order) {
      // Negative first: "non merci, pas vraiment" is no; "oui" inside "ouais non" is ambiguous enough to be no.
      const no = [...lexicons[l].no, ...deps.yesNoLabels.no];
      const yes = [...lexicons[l].yes, ...deps.yesNoLabels.yes];
      const isNo = no.some((w) => norm === w || norm.startsWith(`${w} `));
      const isYes = yes.some((w) => norm === w || norm.startsWith(`${w} `));
      if (isNo && !isYes) return { ok: true, value: false };
      if (isYes && !isNo) return { ok: true, value: true };
    }
    return { ok: false, reason: 'no_match' };
  };

  const choice = (text: string, fact: string, spec: FactSpec): AnswerParse => {
    const options = spec.options ?? [];
    const norm = normalize(text);
    if (!norm) return { ok: false, reason: 'no_match' };
    const labelsOf = (o: string) => [...deps.labels(fact, o).map(normalize), normalize(o.replace(/_/g, ' '))];
    // 1. A button title or option id, exactly.
    const exact = options.filter((o) => labelsOf(o).includes(norm));
    if (exact.length === 1) return { ok: true, value: exact[0] };
    // 2. The option's number ("2").
    if (/^\d{1,2}$/.test(norm)) {
      const i = Number(norm) - 1;
      return options[i] ? { ok: true, value: options[i] } : { ok: false, reason: 'out_of_range' };
    }
    // 3. Words of the lexicon for this fact ("à la rue" → no_roof), or a language's own name.
    const found: Array<{ option: string; phrase: string }> = [];
    for (const l of LANGUAGES) {
      // Language names inside a sentence: whole names only ("en", "es" are ordinary words too).
      const lex = fact === 'language' ? { [l]: lexicons[l].language_names.filter((n) => n.length > 2) } : (lexicons[l].facts[fact] ?? {});
      for (const [o, phrases] of Object.entries(lex)) if (options.includes(o)) for (const p of phrases) if (containsPhrase(norm, p)) found.push({ option: o, phrase: p });
    }
    // Longer phrases first, each taking its words: in "para mi madre", "mi madre" (relative)
    // leaves no "para mi" (self) behind.
    const lexHits = new Set<string>();
    takePhrases(norm, found.sort((a, b) => b.phrase.length - a.phrase.length), ({ option }) => {
      lexHits.add(option);
      return true;
    });
    if (fact === 'audience' && LANGUAGES.some((l) => lexicons[l].professional.some((p) => containsPhrase(norm, p)))) lexHits.add('professional');
    if (lexHits.size === 1) return { ok: true, value: [...lexHits][0] };
    // 4. Part of a title ("logement" for "Logement"; "psychologue" for "Parler à un·e psychologue").
    const partial = options.filter((o) => labelsOf(o).some((lab) => (norm.length >= 4 && containsPhrase(lab, norm)) || (lab.length >= 4 && containsPhrase(norm, lab))));
    if (partial.length === 1) return { ok: true, value: partial[0] };
    // 5. A theme said in other words.
    let unsure: string[] = [];
    if (fact === 'theme') {
      const th = deps.themes.classify(text);
      if (th && isConfidentTheme(th, ANSWER_THEME_CONFIDENCE) && options.includes(th.theme)) return { ok: true, value: th.theme };
      // Hesitating between a few themes: they become the choices of a "which one?" question.
      unsure = (th?.candidates ?? []).filter((c) => options.includes(c));
    }
    // 6. A title with typos.
    let best: { o: string; s: number } | undefined;
    for (const o of options)
      for (const lab of labelsOf(o)) {
        const s = JaroWinklerDistance(norm, lab, {});
        if (s >= 0.9 && (!best || s > best.s)) best = { o, s };
      }
    if (best) return { ok: true, value: best.o };
    const candidates = [...new Set([...exact, ...lexHits, ...partial, ...unsure])];
    return candidates.length > 1 ? { ok: false, reason: 'ambiguous', candidates } : { ok: false, reason: 'no_match' };
  };

  return (text, fact, spec, lang) => {
    switch (spec.kind) {
      case 'yesno':
        return yesNo(text, lang);
      case 'choice':
        return choice(text, fact, spec);
      case 'number': {
        const n = fact === 'pregnancy_weeks' ? deps.numbers.weeksAnswer(text, lang) : deps.numbers.ageAnswer(text, lang);
        if (n === undefined) return { ok: false, reason: 'no_match' };
        if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) return { ok: false, reason: 'out_of_range' };
        return { ok: true, value: n };
      }
      case 'commune': {
        const c = deps.communes.find(text, { answer: true });
        if (!c) return { ok: false, reason: 'no_match' };
        if ('ambiguous' in c) return { ok: false, reason: 'ambiguous', candidates: c.ambiguous };
        return { ok: true, value: c.nis, ...(c.district ? { extra: { district: c.district } } : {}) };
      }
      case 'text': {
        const t = text.trim().slice(0, spec.maxLength ?? 500);
        return t ? { ok: true, value: t } : { ok: false, reason: 'no_match' };
      }
      case 'date':
        return date(text, lang);
    }
  };
}
