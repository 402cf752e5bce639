/**
 * One phrase read as two facts keeps the one the subject's journey uses (src/bot/interpretation.ts):
 * "parler à quelqu'un" is the need in mental health and in loneliness; the subject decides.
 */
import { keepTheSubjectsFacts } from '../../src/bot/interpretation';
import { journeysUsing } from '../../src/engine/interpreter';
import { loadGraphs } from '../../src/engine/graph-loader';
import type { Facts } from '../../src/engine/types';

const graphs = loadGraphs().graphs;
const usedBy = (fact: string) => journeysUsing(graphs, fact);
const PHRASE = "parler a quelqu un";

test.each<[string, Facts, string[][], Facts]>([
  ['mental health: the mental-health need stays', { theme: 'sante_mentale', mh_need: 'talk', isolation_need: 'talk_someone' }, [['mh_need', 'isolation_need']], { theme: 'sante_mentale', mh_need: 'talk' }],
  ['loneliness: the loneliness need stays', { theme: 'isolement', mh_need: 'talk', isolation_need: 'talk_someone' }, [['mh_need', 'isolation_need']], { theme: 'isolement', isolation_need: 'talk_someone' }],
  ['no subject yet: both stay, for the journey to come', { mh_need: 'talk', isolation_need: 'talk_someone' }, [['mh_need', 'isolation_need']], { mh_need: 'talk', isolation_need: 'talk_someone' }],
  ['another subject that uses neither: both stay', { theme: 'logement', mh_need: 'talk', isolation_need: 'talk_someone' }, [['mh_need', 'isolation_need']], { theme: 'logement', mh_need: 'talk', isolation_need: 'talk_someone' }],
  ['facts read from different phrases are not twins', { theme: 'sante_mentale', mh_need: 'talk', isolation_need: 'talk_someone' }, [], { theme: 'sante_mentale', mh_need: 'talk', isolation_need: 'talk_someone' }],
])('%s', (_name, told, twins, kept) => {
  const facts = { ...told };
  const why = Object.fromEntries(Object.keys(facts).map((f) => [f, PHRASE]));
  keepTheSubjectsFacts(facts, why, twins, usedBy);
  expect(facts).toEqual(kept);
});

test('the journeys that use a fact are read from the graphs', () => {
  expect(usedBy('mh_need')).toEqual(['sante_mentale']);
  expect(usedBy('isolation_need')).toEqual(['isolement']);
  expect(usedBy('commune').length).toBeGreaterThan(3);
});
