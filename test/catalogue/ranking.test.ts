/** Ranking over the seeded catalogue: who comes first for a situation, in a commune, at a time. */
import { Places } from '../../src/catalogue/places';
import { rankServices } from '../../src/catalogue/ranking';
import { loadSeed } from '../../src/catalogue/seed';
import { isOpenAt } from '../../src/catalogue/hours';
import type { CatalogueQuery } from '../../src/engine/types';

const seed = loadSeed();
const places = new Places(seed.communes);
const MONDAY_10 = new Date('2026-11-23T10:00:00+01:00');
const SUNDAY_23 = new Date('2026-11-22T23:00:00+01:00');

const q = (over: Partial<CatalogueQuery>): CatalogueQuery => ({ themes: ['logement'], tags: [], facts: {}, apply: [], language: 'fr', now: MONDAY_10, ...over });
const ids = (query: CatalogueQuery) => rankServices(seed.services, query, (n) => places.bassinsOf(n)).map((r) => r.service.id);

test.each<[string, Partial<CatalogueQuery>, string[], string[]]>([
  ['eviction in Schaerbeek: the commune\'s CPAS first, never another commune\'s', { tags: ['eviction', 'cpas'], commune: '21015', bassin: 'nord-est' }, ['cpas-schaerbeek', 'front-anti-expulsion'], ['cpas-anderlecht']],
  ['no commune known: no CPAS at all (they serve their own residents)', { tags: ['eviction', 'cpas'] }, ['front-anti-expulsion'], ['cpas-schaerbeek']],
  ['talk to a psychologist: the journey\'s first tag beats 24/7 helplines', { themes: ['sante_mentale'], tags: ['first_line_psy', 'ssm', 'listening_line'] }, ['psybru-psychologue-premiere-ligne', 'services-sante-mentale-ssm', 'tele-accueil-107'], []],
  ['listening lines for a French speaker: the French line before the Dutch one', { themes: ['isolement'], tags: ['listening_line'] }, ['tele-accueil-107', 'tele-onthaal-106'], []],
  ['listening lines for a Dutch speaker: the Dutch line first', { themes: ['isolement'], tags: ['listening_line'], language: 'nl' }, ['tele-onthaal-106', 'tele-accueil-107'], []],
  ['social housing for a person without papers: SLRB excluded (registration required)', { tags: ['social_housing'], facts: { papers: false }, apply: ['papers'] }, ['ais-agences-immobilieres-sociales'], ['slrb-logement-social']],
  ['breast screening at 45: nothing (programme is 50–69)', { themes: ['depistage'], tags: ['breast'], facts: { age: 45, sex: 'female' }, apply: ['age', 'sex'] }, [], ['bruprev-mammotest']],
  ['breast screening at 55, woman', { themes: ['depistage'], tags: ['breast'], facts: { age: 55, sex: 'female' }, apply: ['age', 'sex'] }, ['bruprev-mammotest'], []],
  ['cervical screening, man: excluded', { themes: ['depistage'], tags: ['cervical'], facts: { age: 40, sex: 'male' }, apply: ['age', 'sex'] }, [], ['depistage-col-uterus-medecin']],
  ['an unknown fact filters nothing', { themes: ['depistage'], tags: ['breast'], apply: ['age', 'sex'] }, ['bruprev-mammotest'], []],
  // Lines for children and teens go to those known to be young, or to a parent asking for a child.
  ['listening lines, age not said, for oneself: no children\'s line', { themes: ['isolement', 'sante_mentale'], tags: ['listening_line'], facts: { for_whom: 'self' }, apply: ['age'] }, ['tele-accueil-107', 'tele-onthaal-106'], ['ecoute-enfants-103', 'awel-102']],
  ['listening lines, nothing known: no children\'s line', { themes: ['isolement', 'sante_mentale'], tags: ['listening_line'], apply: ['age'] }, ['tele-accueil-107'], ['ecoute-enfants-103', 'awel-102']],
  ['listening lines at 34: no children\'s line', { themes: ['isolement', 'sante_mentale'], tags: ['listening_line'], facts: { age: 34, for_whom: 'self' }, apply: ['age'] }, ['tele-accueil-107'], ['ecoute-enfants-103', 'awel-102']],
  ['listening lines at 15: the children\'s lines too', { themes: ['isolement', 'sante_mentale'], tags: ['listening_line'], facts: { age: 15 }, apply: ['age'] }, ['tele-accueil-107', 'ecoute-enfants-103'], []],
  ['listening lines for a child, age not said: the children\'s lines too', { themes: ['isolement', 'sante_mentale'], tags: ['listening_line'], facts: { for_whom: 'child' }, apply: ['age'] }, ['ecoute-enfants-103'], []],
  ['for a grown-up child (25): no children\'s line', { themes: ['sante_mentale'], tags: ['listening_line'], facts: { for_whom: 'child', age: 25 }, apply: ['age'] }, ['tele-accueil-107'], ['ecoute-enfants-103', 'awel-102']],
])('%s', (_name, over, inOrder, absent) => {
  const got = ids(q(over));
  const positions = inOrder.map((id) => got.indexOf(id));
  expect({ got, missing: inOrder.filter((_, i) => positions[i] < 0) }).toEqual({ got, missing: [] });
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  for (const id of absent) expect(got).not.toContain(id);
  if (!inOrder.length) expect(got.filter((id) => absent.includes(id))).toEqual([]);
});

test.each<[string, Date, boolean | null]>([
  ['Allô? Aide sociale on a Monday at 10:00', MONDAY_10, true],
  ['Allô? Aide sociale on a Sunday at 23:00', SUNDAY_23, false],
])('%s is open: %s', (_n, at, open) => {
  const s = seed.services.find((x) => x.id === 'allo-aide-sociale-fdss')!;
  expect(isOpenAt(s.hours, at)).toBe(open);
});

test('opening hours are read in Brussels time, whatever the server zone (summer time too)', () => {
  const s = seed.services.find((x) => x.id === 'allo-aide-sociale-fdss')!;
  expect(isOpenAt(s.hours, new Date('2026-07-06T07:30:00Z'))).toBe(true); // 09:30 CEST, Monday
  expect(isOpenAt(s.hours, new Date('2026-07-06T06:30:00Z'))).toBe(false); // 08:30 CEST
});
