/**
 * `rendezvous` — adds the next Rendez-vous de la Prévention Santé of the person's bassin that
 * matches the themes (nothing is shown when there is none, or the bassin is unknown).
 *
 *   { "type": "rendezvous", "themes": ["depistage"], "next": "done" }
 */
import { z } from 'zod';
import { THEMES } from '../../catalogue/schema';
import { registerNodeType } from '../registry';
import type { NodeBase } from '../types';

export interface RendezvousNode extends NodeBase {
  type: 'rendezvous';
  themes: string[];
  next: string;
}

registerNodeType<RendezvousNode>({
  type: 'rendezvous',
  doc: "Adds the next matching Rendez-vous de la Prévention Santé of the person's bassin.",
  terminal: false,
  schema: z.object({ type: z.literal('rendezvous'), note: z.string().optional(), themes: z.array(z.enum(THEMES)).min(1), next: z.string().min(1) }).strict(),
  refs: (n) => ({ themes: n.themes, nodes: [n.next] }),
  successors: (n) => [n.next],
  describe: (n) => ({ label: `rendez-vous ${n.themes.join('+')}`, shape: 'round' }),
  explain: (_n, w) => w.page('rendezvous'),
  async execute(n, ctx) {
    const commune = typeof ctx.state.facts.commune === 'string' ? ctx.state.facts.commune : undefined;
    const bassin = commune ? ctx.ports.bassinOf(commune, typeof ctx.state.facts.district === 'string' ? ctx.state.facts.district : undefined) : undefined;
    if (bassin) {
      const items = await ctx.ports.nextRendezvous({ themes: n.themes, bassin, now: ctx.ports.now() });
      if (items.length) ctx.emit({ kind: 'rendezvous', items: items.slice(0, 2), bassin });
    }
    return { goto: n.next };
  },
});
