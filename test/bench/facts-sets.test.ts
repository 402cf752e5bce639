/**
 * The "say it once" sets (held-out and development) are well formed: every fact is one the
 * decision graphs know, with a value they accept, and every commune named is one of the 19.
 */
import path from 'node:path';
import { readCases, SCORED } from '../../bench/facts';
import { loadGraphs } from '../../src/engine/graph-loader';
import { FACT_THEMES } from '../../src/nlu/themes';

const root = path.resolve(__dirname, '../..');
const specs = loadGraphs().facts;

describe.each([
  ['held-out', path.join(root, 'bench', 'data', 'facts-eval'), 40],
  ['development', path.join(root, 'data', 'nlu', 'facts-dev'), 40],
  ['second development', path.join(root, 'data', 'nlu', 'facts-dev-2'), 40],
  ['third development', path.join(root, 'data', 'nlu', 'facts-dev-3'), 40],
  ['themes without their situation', path.join(root, 'data', 'nlu', 'situations-none'), 25],
])('%s set', (_name, dir, least) => {
  const cases = readCases(dir);

  test(`has at least ${least} messages in each of the seven languages`, () => {
    for (const lang of ['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro']) expect(cases.filter((c) => c.lang === lang).length).toBeGreaterThanOrEqual(least);
  });

  test('names only facts the graphs know, with values they accept (communes as NIS codes)', () => {
    for (const c of cases) {
      expect(c.text.trim().length).toBeGreaterThan(0);
      for (const [fact, value] of Object.entries(c.facts)) {
        expect(SCORED).toContain(fact);
        const spec = specs[fact];
        if (spec.kind === 'choice') expect(spec.options).toContain(value);
        else if (spec.kind === 'yesno') expect(typeof value).toBe('boolean');
        else if (spec.kind === 'number') expect(Number.isInteger(value)).toBe(true);
        else if (spec.kind === 'commune') expect(String(value)).toMatch(/^210\d\d$/);
      }
    }
  });
});

test('the set of themes without their situation tells none: each message names its theme, and no value of its situation', () => {
  const cases = readCases(path.join(root, 'data', 'nlu', 'situations-none'));
  for (const c of cases) {
    expect(typeof c.facts.theme).toBe('string');
    for (const fact of Object.keys(FACT_THEMES)) expect(c.facts[fact]).toBeUndefined();
  }
});
