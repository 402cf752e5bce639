/**
 * Table-driven tests per node type: a tiny journey around the node, what it emits and where the
 * walk goes. The catalogue is a small in-memory seed.
 */
import { Engine } from '../../src/engine/interpreter';
import { loadGraphs } from '../../src/engine/graph-loader';
import { nodeType } from '../../src/engine/registry';
import type { AnswerParser, EnginePorts, FactRegistry, Facts, Graph, Output } from '../../src/engine/types';
import { memoryPorts } from '../../src/catalogue/memory-catalogue';
import { loadSeed } from '../../src/catalogue/seed';

const facts: FactRegistry = loadGraphs().facts;
const seed = loadSeed();
const NOW = new Date('2026-11-23T10:00:00+01:00'); // a Monday morning in Brussels

/** Accepts option ids, "yes"/"no" and digits — enough to drive the engine in these tests. */
const parse: AnswerParser = (text, _fact, spec) => {
  if (spec.kind === 'yesno') return text === 'yes' ? { ok: true, value: true } : text === 'no' ? { ok: true, value: false } : { ok: false, reason: 'no_match' };
  if (spec.kind === 'number') return /^\d+$/.test(text) ? { ok: true, value: Number(text) } : { ok: false, reason: 'no_match' };
  if (spec.kind === 'choice') return spec.options?.includes(text) ? { ok: true, value: text } : { ok: false, reason: 'no_match' };
  return { ok: true, value: text };
};

function journey(nodes: Graph['nodes'], start = 'a'): Map<string, Graph> {
  return new Map([['t', { id: 't', title: 'main.title', start, nodes }], ['other', { id: 'other', title: 'main.title', start: 'x', nodes: { x: { type: 'end', text: 'common.end' } } }]]);
}

function engine(nodes: Graph['nodes'], ports: EnginePorts = memoryPorts(seed, () => NOW)): Engine {
  return new Engine(journey(nodes), facts, ports, parse);
}

const kinds = (o: Output[]) => o.map((x) => x.kind);

describe('ask', () => {
  const nodes = { a: { type: 'ask', fact: 'housing_situation', prompt: 'logement.ask_situation', next: 'b' }, b: { type: 'end' } };
  test.each([
    ['asks when the fact is unknown', {}, ['question'], 'a'],
    ['skips when the fact is known', { housing_situation: 'eviction' }, ['end'], null],
  ])('%s', async (_n, known, outputs, waitingAt) => {
    const r = await engine(nodes).start('t', known, 'fr');
    expect(kinds(r.outputs)).toEqual(outputs);
    expect(r.state.node).toBe(waitingAt);
  });
  test.each([
    ['a valid answer moves on', 'no_roof', false, null, 0],
    ['an invalid answer asks again, marked as a retry', 'zzz', true, 'a', 1],
  ])('%s', async (_n, answer, misunderstood, node, misses) => {
    const e = engine(nodes);
    const first = await e.start('t', {}, 'fr');
    const r = await e.answer(first.state, answer, 'fr');
    expect(Boolean(r.misunderstood)).toBe(misunderstood);
    expect(r.state.node).toBe(node);
    expect(r.state.misses).toBe(misses);
    if (misunderstood) expect(r.outputs[0]).toMatchObject({ kind: 'question', retry: true, options: ['no_roof', 'eviction', 'unhealthy', 'looking', 'deposit'] });
  });
  // An answer that could mean several values asks which one, with those values as choices; the
  // wording says what is ambiguous.
  test.each([
    ['a commune (a name or postal code of several)', { type: 'ask', fact: 'commune', prompt: 'common.ask_commune', next: 'b' }, ['21004', '21009'], 'common.ask_which_commune'],
    ['another choice', { type: 'ask', fact: 'housing_situation', prompt: 'logement.ask_situation', next: 'b' }, ['no_roof', 'eviction'], 'common.ask_which_one'],
    ['a node with its own wording', { type: 'ask', fact: 'theme', prompt: 'main.ask_theme', clarify: 'main.ask_theme_which_one', next: 'b' }, ['logement', 'isolement'], 'main.ask_theme_which_one'],
  ])('candidates for %s', async (_n, node, values, key) => {
    const r = await engine({ a: node, b: { type: 'end' } } as Graph['nodes']).start('t', {}, 'fr', { fact: node.fact, values });
    expect(r.outputs[0]).toMatchObject({ kind: 'question', key, candidates: values });
  });
  test('options narrow a choice fact', async () => {
    const r = await engine({ a: { ...nodes.a, options: ['no_roof', 'eviction'] }, b: { type: 'end' } }).start('t', {}, 'fr');
    expect(r.outputs[0]).toMatchObject({ kind: 'question', fact: 'housing_situation', options: ['no_roof', 'eviction'] });
  });
});

describe('branch', () => {
  const nodes = {
    a: {
      type: 'branch',
      rules: [
        { when: { fact: 'age', op: 'lt', value: 18 }, next: 'young' },
        { when: { fact: 'age', op: 'lt', value: 65 }, next: 'adult' },
      ],
      default: 'other',
    },
    young: { type: 'end', text: 'common.end' },
    adult: { type: 'message', text: 'main.title', next: 'other' },
    other: { type: 'end' },
  };
  test.each([
    ['first matching rule wins', { age: 10 }, 'young'],
    ['next rule', { age: 40 }, 'adult'],
    ['default when none holds', { age: 80 }, 'other'],
    ['default when the fact is unknown', {}, 'other'],
  ])('%s', async (_n, known, via) => {
    const r = await engine(nodes).start('t', known, 'fr');
    expect(r.state.trail.map((s) => s.node)).toContain(via);
  });
});

describe('message and end', () => {
  test.each([
    ['message says its key then goes on', { a: { type: 'message', text: 'logement.say_no_roof', next: 'b' }, b: { type: 'end' } }, [{ kind: 'say', key: 'logement.say_no_roof' }, { kind: 'end' }]],
    ['end with a closing text', { a: { type: 'end', text: 'common.end' } }, [{ kind: 'end', key: 'common.end' }]],
    ['end without text', { a: { type: 'end' } }, [{ kind: 'end' }]],
  ])('%s', async (_n, nodes, outputs) => {
    const r = await engine(nodes).start('t', {}, 'fr');
    expect(r.outputs).toMatchObject(outputs);
    expect(r.state.node).toBeNull();
  });
});

describe('handoff', () => {
  test('emits a handoff with its reason and stops', async () => {
    const r = await engine({ a: { type: 'handoff', reason: 'complex_case', text: 'main.other_need' } }).start('t', {}, 'fr');
    expect(r.outputs).toEqual([{ kind: 'handoff', reason: 'complex_case', key: 'main.other_need' }]);
    expect(r.state.node).toBeNull();
  });
});

describe('journey', () => {
  test('continues in another journey, keeping facts', async () => {
    const r = await engine({ a: { type: 'journey', journey: 'other' } }).start('t', { age: 30 }, 'fr');
    expect(r.state.journey).toBe('other');
    expect(r.state.facts.age).toBe(30);
    expect(r.outputs).toEqual([{ kind: 'end', key: 'common.end' }]);
  });
});

describe('recommend', () => {
  const rec = (extra: Record<string, unknown>) => ({ a: { type: 'recommend', themes: ['logement'], tags: ['no_roof'], apply: [], limit: 3, intro: 'logement.results_no_roof', next: 'b', ...extra }, b: { type: 'end' } });
  test.each([
    ['Samusocial first for no roof tonight, Anderlecht (centre-ouest)', rec({}), { commune: '21001' }, 'samusocial-hebergement-urgence', 'centre-ouest'],
    ['CPAS of the commune first for an eviction in Schaerbeek', rec({ tags: ['eviction', 'cpas'] }), { commune: '21015' }, 'cpas-schaerbeek', 'nord-est'],
    ['no commune known: region-wide services', rec({}), {}, 'samusocial-hebergement-urgence', undefined],
  ])('%s', async (_n, nodes, known, firstId, bassin) => {
    const r = await engine(nodes).start('t', known, 'fr');
    const results = r.outputs.find((o) => o.kind === 'results');
    expect(results).toBeDefined();
    if (results?.kind !== 'results') return;
    expect(results.services[0].service.id).toBe(firstId);
    expect(results.bassin).toBe(bassin);
  });
  test('eligibility is a hard filter: a 40-year-old gets no breast-screening programme', async () => {
    const ports = memoryPorts(seed, () => NOW);
    const nodes = rec({ themes: ['depistage'], tags: ['breast'], apply: ['age', 'sex'] });
    const r = await engine(nodes, ports).start('t', { age: 40, sex: 'female', commune: '21005' }, 'fr');
    expect(kinds(r.outputs)).toEqual(['nothing_fits', 'end']);
    expect(ports.unmet).toEqual([{ journey: 't', node: 'a', themes: ['depistage'], tags: ['breast'], bassin: 'sud-est', facts: { age_band: '40-49', sex: 'female' } }]);
  });
});

describe('rendezvous', () => {
  const nodes = { a: { type: 'rendezvous', themes: ['depistage'], next: 'b' }, b: { type: 'end' } };
  const confirmed = (id: string, bassin: 'sud-est' | 'nord', start: string, extra: Record<string, unknown> = {}) => ({ ...seed.rendezvous[0], id, bassin, commune: bassin === 'nord' ? '21010' : '21005', start, end: start.replace('T14', 'T16'), status: 'confirmed' as const, ...extra });
  const withSessions = (extra: unknown[]) => memoryPorts({ ...seed, rendezvous: [...seed.rendezvous, ...(extra as typeof seed.rendezvous)] }, () => NOW);
  test.each<[string, Facts, unknown[], { none?: boolean; ids?: string[]; statuses?: string[] } | null]>([
    ['Sud-Est (Etterbeek), nothing confirmed: says none is planned, with the provisional place as such', { commune: '21005' }, [], { none: true, statuses: ['provisional'] }],
    ['Nord (Jette), nothing known: says none is planned', { commune: '21010' }, [], { none: true, ids: [] }],
    ['no commune: nothing', {}, [], null],
    ['confirmed sessions: the next two, soonest first, never the provisional, cancelled or past ones', { commune: '21005' }, [confirmed('later', 'sud-est', '2026-12-15T14:00:00+01:00'), confirmed('sooner', 'sud-est', '2026-12-08T14:00:00+01:00'), confirmed('gone', 'sud-est', '2026-11-01T14:00:00+01:00'), confirmed('off', 'sud-est', '2026-12-01T14:00:00+01:00', { status: 'cancelled' }), confirmed('third', 'sud-est', '2027-01-05T14:00:00+01:00')], { ids: ['sooner', 'later'] }],
    ['confirmed sessions in the person\'s language first', { commune: '21005' }, [confirmed('nl-only', 'sud-est', '2026-12-08T14:00:00+01:00', { languages: ['nl'] }), confirmed('fr-too', 'sud-est', '2026-12-15T14:00:00+01:00', { languages: ['fr', 'ar'] })], { ids: ['fr-too', 'nl-only'] }],
    ['two sessions of one series: only its next one, then another entry', { commune: '21005' }, [confirmed('s-20261208', 'sud-est', '2026-12-08T14:00:00+01:00', { series: 's' }), confirmed('s-20270105', 'sud-est', '2027-01-05T14:00:00+01:00', { series: 's' }), confirmed('one-off', 'sud-est', '2027-02-01T14:00:00+01:00')], { ids: ['s-20261208', 'one-off'] }],
    ['another bassin\'s session is not offered', { commune: '21005' }, [confirmed('nord-one', 'nord', '2026-12-08T14:00:00+01:00')], { none: true, statuses: ['provisional'] }],
  ])('%s', async (_n, known, extra, expected) => {
    const r = await engine(nodes, withSessions(extra)).start('t', known, 'fr');
    const rdv = r.outputs.find((o) => o.kind === 'rendezvous');
    if (expected === null) return expect(rdv).toBeUndefined();
    if (rdv?.kind !== 'rendezvous') throw new Error('no rendezvous output');
    expect(Boolean(rdv.none)).toBe(Boolean(expected.none));
    if (expected.ids) expect(rdv.items.map((i) => i.id)).toEqual(expected.ids);
    if (expected.statuses) expect(rdv.items.map((i) => i.status)).toEqual(expected.statuses);
  });
});

describe('registry', () => {
  test.each(['ask', 'branch', 'message', 'recommend', 'rendezvous', 'handoff', 'journey', 'end'])('node type %s is registered with a schema, a doc and refs', (type) => {
    const t = nodeType(type);
    expect(t).toBeDefined();
    expect(t!.doc.length).toBeGreaterThan(10);
  });
});
