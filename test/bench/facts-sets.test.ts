/**
 * The "say it once" sets (held-out and development) are well formed: every fact is one the
 * decision graphs know, with a value they accept, and every commune named is one of the 19.
 */
import path from 'node:path';
import { readCases, SCORED } from '../../bench/facts';
import { loadGraphs } from '../../src/engine/graph-loader';

const root = path.resolve(__dirname, '../..');
const specs = loadGraphs().facts;

describe.each([
  ['held-out', path.join(root, 'bench', 'data', 'facts-eval')],
  ['development', path.join(root, 'data', 'nlu', 'facts-dev')],
  ['second development', path.join(root, 'data', 'nlu', 'facts-dev-2')],
])('%s set', (_name, dir) => {
  const cases = readCases(dir);

  test('has at least 40 messages in each of the seven languages', () => {
    for (const lang of ['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro']) expect(cases.filter((c) => c.lang === lang).length).toBeGreaterThanOrEqual(40);
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
