/** A case in words of the agent's language: the reason, the facts and the services, never the bot's codes. */
import type { Lang } from '../../src/catalogue/schema';
import { headlineInWords, situationInWords, type DescribedCase } from '../../src/helpdesk/situation-words';
import { createI18n } from '../../src/i18n/i18n';

const { t } = createI18n();
const deps = {
  t,
  communeName: (nis: string, lang: Lang) => (nis === '21005' ? (lang === 'nl' ? 'Etterbeek' : 'Etterbeek') : nis === '21013' ? (lang === 'nl' ? 'Sint-Gillis' : 'Saint-Gilles') : undefined),
  serviceName: async (id: string) => (id === 'dirl-plainte-logement-insalubre' ? 'DIRL — plainte logement insalubre' : undefined),
};

const housing: DescribedCase = {
  reason: 'asked_for_person',
  situation: { journey: 'logement', facts: { audience: 'resident', housing_situation: 'unhealthy', commune: '21013', insured: false, age: 34 }, servicesSuggested: ['dirl-plainte-logement-insalubre', 'gone-service'] },
};

test.each<[Lang, string, Array<[string, string]>]>([
  ['fr', 'a demandé une personne', [['Parcours', 'Logement'], ['Public', t('fr', 'facts.audience.options.resident')], ['Logement', 'Mon logement est insalubre (humidité, moisissure, danger)'], ['Commune', 'Saint-Gilles'], ['Mutuelle', 'Non'], ['Âge', '34']]],
  ['nl', 'vroeg naar een persoon', [['Traject', t('nl', 'facts.theme.options.logement')], ['Doelgroep', t('nl', 'facts.audience.options.resident')], ['Huisvesting', t('nl', 'facts.housing_situation.options.unhealthy')], ['Gemeente', 'Sint-Gillis'], ['Ziekenfonds', t('nl', 'common.no')], ['Leeftijd', '34']]],
])('in %s: the reason, each fact with its label and its value in words', async (lang, reason, facts) => {
  const words = await situationInWords(housing, lang, deps);
  expect(words.reason).toBe(reason);
  expect(words.facts.map((f) => [f.label, f.value])).toEqual(facts);
  // No code left where words exist.
  expect(JSON.stringify(words.facts.map((f) => [f.label, f.value]))).not.toMatch(/unhealthy|21013|asked_for_person|housing_situation/);
  expect(words.services).toEqual([
    { id: 'dirl-plainte-logement-insalubre', name: 'DIRL — plainte logement insalubre' },
    { id: 'gone-service', name: 'gone-service' },
  ]);
});

test('a code the locales do not know (a new journey\'s reason or option) is shown as it is, not hidden', async () => {
  const words = await situationInWords({ reason: 'new_reason_code', situation: { facts: { brand_new_fact: 'x_y' } } }, 'fr', deps);
  expect(words.reason).toBe('new reason code');
  expect(words.facts).toEqual([{ fact: 'brand_new_fact', label: 'brand_new_fact', value: 'x_y' }]);
});

test('every handoff reason the decision graphs use has words in every console language', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const dir = path.resolve(__dirname, '../../dialogs');
  const reasons = new Set<string>(['asked_for_person']);
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/"reason":\s*"([a-z_]+)"/g)) reasons.add(m[1]);
  expect(reasons.size).toBeGreaterThan(1);
  for (const lang of ['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro'] as Lang[]) {
    for (const reason of reasons) expect(t(lang, `console:reasons.${reason}`)).not.toMatch(/reasons\./);
  }
});

test('the entry journey is named by its title, never by its id', async () => {
  const words = await situationInWords({ reason: 'asked_for_person', situation: { journey: 'main', facts: { language: 'nl' } } }, 'fr', deps);
  expect(words.facts.find((f) => f.fact === 'journey')!.value).toBe('Accueil');
  expect(headlineInWords({ reason: 'asked_for_person', language: 'nl', situation: { journey: 'main' } }, 'fr', t)).toEqual({ reason: 'a demandé une personne', journey: 'Accueil', language: 'Nederlands' });
});
