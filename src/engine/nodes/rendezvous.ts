/**
 * `rendezvous` — adds the next confirmed Rendez-vous de la Prévention Santé of the person's bassin
 * that match the themes, those in the person's language first. When none is confirmed it says so
 * (with a provisional place, marked as such, if one is known); nothing when the bassin is unknown.
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
      const items = await ctx.ports.nextRendezvous({ themes: n.themes, bassin, now: ctx.ports.now(), lang: ctx.language });
      // One session per series (its next one): the card says when, the calendar feed has the rest.
      const seen = new Set<string>();
      const confirmed = items.filter((r) => {
        const series = (r as { series?: string }).series;
        if (r.status !== 'confirmed' || (series && seen.has(series))) return false;
        if (series) seen.add(series);
        return true;
      });
      if (confirmed.length) ctx.emit({ kind: 'rendezvous', items: confirmed.slice(0, 2), bassin });
      else ctx.emit({ kind: 'rendezvous', items: items.slice(0, 1), bassin, none: true });
    }
    return { goto: n.next };
  },
});
