/**
 * `recommend` — queries the catalogue and shows the best services for the situation.
 *
 *   { "type": "recommend", "themes": ["logement"], "tags": ["eviction"],
 *     "apply": ["age", "insured", "papers"], "limit": 3,
 *     "intro": "logement.results.eviction", "next": "rdv" }
 *
 * Eligibility facts listed in `apply` are hard filters (an unknown fact filters nothing); then
 * proximity (commune → bassin → region), open now, the person's language. When nothing fits,
 * the person is told so with the bassin's Helpdesk / "Allô? Aide sociale", and the unmet need is
 * recorded without personal data.
 */
import { z } from 'zod';
import { THEMES, type Lang } from '../../catalogue/schema';
import { registerNodeType, type ExecContext } from '../registry';
import type { Facts, NodeBase } from '../types';

export const ELIGIBILITY_FACTS = ['age', 'sex', 'pregnancy_status', 'insured', 'papers', 'audience'] as const;

export interface RecommendNode extends NodeBase {
  type: 'recommend';
  themes: string[];
  tags: string[];
  apply: (typeof ELIGIBILITY_FACTS)[number][];
  limit: number;
  intro: string;
  next: string;
}

/** Facts safe to keep for service planning: no free text, no contact data, no exact age or commune. */
export function planningFacts(facts: Facts): Facts {
  const out: Facts = {};
  for (const [k, v] of Object.entries(facts)) {
    if (k === 'free_text' || k === 'commune' || k === 'district' || k === 'visit_date') continue;
    if (k === 'age' && typeof v === 'number') out.age_band = `${Math.floor(v / 10) * 10}-${Math.floor(v / 10) * 10 + 9}`;
    else if (typeof v === 'boolean' || (typeof v === 'string' && /^[a-z_-]{1,40}$/.test(v))) out[k] = v;
  }
  return out;
}

registerNodeType<RecommendNode>({
  type: 'recommend',
  doc: 'Queries the catalogue (themes, situation tags, eligibility) and shows the best services nearby.',
  terminal: false,
  schema: z
    .object({
      type: z.literal('recommend'),
      note: z.string().optional(),
      themes: z.array(z.enum(THEMES)).min(1),
      tags: z.array(z.string().regex(/^[a-z0-9_]+$/)).default([]),
      apply: z.array(z.enum(ELIGIBILITY_FACTS)).default([]),
      limit: z.number().int().min(1).max(10).default(3),
      intro: z.string().min(1),
      next: z.string().min(1),
    })
    .strict() as unknown as z.ZodType<RecommendNode>,
  refs: (n) => ({ themes: n.themes, tags: n.tags, facts: [...n.apply], localeKeys: [n.intro], nodes: [n.next] }),
  successors: (n) => [n.next],
  describe: (n) => ({ label: `recommend ${n.themes.join('+')}${n.tags.length ? ` [${n.tags.join(', ')}]` : ''}`, shape: 'rect' }),
  explain: (n, w) => {
    const names = w.services(n);
    const shown = names.slice(0, 6).join(' · ');
    return w.page('recommend', { intro: w.text(n.intro), services: names.length > 6 ? w.page('and_more', { list: shown, n: String(names.length - 6) }) : shown || w.page('no_service') });
  },
  async execute(n, ctx: ExecContext) {
    const facts = ctx.state.facts;
    const commune = typeof facts.commune === 'string' ? facts.commune : undefined;
    const bassin = commune ? ctx.ports.bassinOf(commune, typeof facts.district === 'string' ? facts.district : undefined) : undefined;
    const audience = facts.audience === 'professional' ? 'professional' : facts.audience === 'resident' ? 'resident' : undefined;
    const ranked = await ctx.ports.findServices({ themes: n.themes, tags: n.tags, facts, apply: n.apply, commune, bassin, language: ctx.language as Lang, audience, now: ctx.ports.now() });
    if (ranked.length === 0) {
      ctx.emit({ kind: 'nothing_fits', themes: n.themes, bassin });
      await ctx.ports.recordUnmetNeed({ journey: ctx.graph.id, node: ctx.nodeId, themes: n.themes, tags: n.tags, bassin, facts: planningFacts(facts) });
    } else {
      ctx.emit({ kind: 'results', journey: ctx.graph.id, node: ctx.nodeId, themes: n.themes, intro: n.intro, services: ranked.slice(0, Math.max(n.limit, 10)), total: ranked.length, commune, bassin });
    }
    return { goto: n.next };
  },
});
