/**
 * The policy as data: an interpretation of a message and the situation it arrives in → the
 * decision (src/bot/policy.ts). Each case names the behaviour a person would see.
 */
import type { Interpretation } from '../../src/bot/interpretation';
import { decide, POLICY, type Decision, type Situation } from '../../src/bot/policy';
import cases from './policy-cases.json';

interface Case {
  case: string;
  i: Partial<Interpretation>;
  s: Partial<Situation> & { journey: Situation['journey'] };
  decision: Decision;
}

const reading = (i: Partial<Interpretation>): Interpretation => ({ danger: false, pick: false, answers: false, told: {}, presumed: {}, ambiguous: {}, why: {}, ...i });

describe('policy: interpretation and situation → decision', () => {
  test.each((cases as Case[]).map((c) => [c.case, c] as const))('%s', (_name, c) => {
    expect(decide(reading(c.i), { facts: {}, ...c.s }).id).toBe(c.decision);
  });

  test('every decision of the table is exercised by a case', () => {
    const exercised = new Set((cases as Case[]).map((c) => c.decision));
    expect(POLICY.map((r) => r.id).filter((id) => !exercised.has(id))).toEqual([]);
  });

  test('every rule says why it is where it is', () => {
    for (const r of POLICY) expect(r.doc.length).toBeGreaterThan(10);
  });

  test('a message in danger is never a command or a language request, in any situation', () => {
    const situations: Situation[] = [{ journey: 'none', facts: {} }, { journey: 'open', awaited: 'commune', facts: {} }, { journey: 'ended', facts: { theme: 'logement' } }];
    for (const s of situations) {
      const d = decide(reading({ danger: true, command: 'stop', languageRequest: 'nl' }), s).id;
      expect(['command', 'switch_language']).not.toContain(d);
    }
  });
});
