/**
 * A case as a Helpdesk agent reads it: the reason, the situation's facts and the services already
 * offered in words of the agent's language ("a demandé une personne", "Commune: Etterbeek",
 * "Logement: insalubre"), never the codes the bot keeps (asked_for_person, 21005, unhealthy).
 * An unknown code (a new journey's reason or option) is shown as it is rather than hidden.
 */
import type { Lang } from '../catalogue/schema';
import { knownText, type Translate } from '../i18n/i18n';

export interface SituationWords {
  reason: string;
  facts: Array<{ fact: string; label: string; value: string }>;
  services: Array<{ id: string; name: string }>;
}

export interface DescribeDeps {
  t: Translate;
  communeName(nis: string, lang: Lang): string | undefined;
  serviceName(id: string, lang: Lang): Promise<string | undefined>;
}

export interface DescribedCase {
  reason: string;
  situation: { journey?: string; facts?: Record<string, unknown>; servicesSuggested?: string[] };
}

/** A journey by its theme's name ("Logement"), else its title ("Accueil" for the entry journey), else its id. */
function journeyName(t: Translate, lang: Lang, id: string): string {
  return knownText(t, lang, `facts.theme.options.${id}`) ?? knownText(t, lang, `${id}.title`) ?? id;
}

function valueInWords(fact: string, value: unknown, lang: Lang, d: DescribeDeps): string {
  if (value === true || value === 'true') return d.t(lang, 'common.yes');
  if (value === false || value === 'false') return d.t(lang, 'common.no');
  const v = String(value);
  if (fact === 'commune') return d.communeName(v, lang) ?? v;
  if (fact === 'journey') return journeyName(d.t, lang, v);
  return knownText(d.t, lang, `facts.${fact}.options.${v}`) ?? v;
}

export async function situationInWords(c: DescribedCase, lang: Lang, d: DescribeDeps): Promise<SituationWords> {
  const facts = Object.entries({ journey: c.situation.journey, ...(c.situation.facts ?? {}) })
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([fact, v]) => ({ fact, label: knownText(d.t, lang, `console:facts.${fact}`) ?? fact, value: valueInWords(fact, v, lang, d) }));
  const services = await Promise.all((c.situation.servicesSuggested ?? []).map(async (id) => ({ id, name: (await d.serviceName(id, lang)) ?? id })));
  return { reason: knownText(d.t, lang, `console:reasons.${c.reason}`) ?? c.reason.replace(/_/g, ' '), facts, services };
}

/** A queue line in words: why, about what, in which language ("a demandé une personne · Logement · العربية"). */
export interface HeadlineWords {
  reason: string;
  journey: string | null;
  language: string;
}

export function headlineInWords(c: DescribedCase & { language: string }, lang: Lang, t: Translate): HeadlineWords {
  const journey = c.situation.journey;
  return {
    reason: knownText(t, lang, `console:reasons.${c.reason}`) ?? c.reason.replace(/_/g, ' '),
    journey: journey ? journeyName(t, lang, journey) : null,
    // A language is named in itself, as the language menu does: the agent recognises it.
    language: knownText(t, c.language as Lang, `facts.language.options.${c.language}`) ?? c.language,
  };
}

/** What the console needs to show cases in words. */
export interface CaseWords {
  situation(c: DescribedCase, lang: Lang): Promise<SituationWords>;
  headline(c: DescribedCase & { language: string }, lang: Lang): HeadlineWords;
}
