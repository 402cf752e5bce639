/**
 * `branch` — picks the next node from ordered conditions over the facts; the first match wins.
 *
 *   { "type": "branch",
 *     "rules": [ { "when": { "fact": "housing_situation", "op": "eq", "value": "no_roof" }, "next": "shelter" } ],
 *     "default": "ask_commune" }
 */
import { z } from 'zod';
import { conditionRefs, conditionSchema, describeCondition, evaluate, type Condition } from '../conditions';
import { registerNodeType, type ExecContext } from '../registry';
import type { NodeBase, Refs } from '../types';

export interface BranchNode extends NodeBase {
  type: 'branch';
  rules: Array<{ when: Condition; next: string }>;
  default: string;
}

registerNodeType<BranchNode>({
  type: 'branch',
  doc: 'Ordered conditions over the facts; the first that holds gives the next node, else the default.',
  terminal: false,
  schema: z
    .object({ type: z.literal('branch'), note: z.string().optional(), rules: z.array(z.object({ when: conditionSchema, next: z.string().min(1) }).strict()).min(1), default: z.string().min(1) })
    .strict(),
  refs(n) {
    const r: Pick<Refs, 'facts' | 'factOptions'> = { facts: [], factOptions: [] };
    n.rules.forEach((rule) => conditionRefs(rule.when, r));
    return { ...r, nodes: [...n.rules.map((x) => x.next), n.default] };
  },
  successors: (n) => [...n.rules.map((x) => x.next), n.default],
  describe: (n) => ({ label: n.rules.map((r) => describeCondition(r.when)).join(' | ') || 'branch', shape: 'diamond' }),
  // The arrows carry the conditions; the diamond only says what the choice depends on.
  explain: (n, w) => {
    const refs = { facts: [] as string[], factOptions: [] };
    for (const r of n.rules) conditionRefs(r.when, refs);
    return w.page('branch', { facts: [...new Set(refs.facts)].map((f) => w.fact(f)).join(', ') });
  },
  async execute(n, ctx: ExecContext) {
    const hit = n.rules.find((r) => evaluate(r.when, ctx.state.facts));
    return { goto: hit ? hit.next : n.default };
  },
});
