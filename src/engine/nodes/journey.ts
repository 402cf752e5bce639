/**
 * `journey` — continues in another journey (from its start), keeping every fact collected.
 *
 *   { "type": "journey", "journey": "logement" }
 */
import { z } from 'zod';
import { registerNodeType } from '../registry';
import type { NodeBase } from '../types';

export interface JourneyNode extends NodeBase {
  type: 'journey';
  journey: string;
}

registerNodeType<JourneyNode>({
  type: 'journey',
  doc: 'Continues in another journey, keeping the facts.',
  terminal: true,
  schema: z.object({ type: z.literal('journey'), note: z.string().optional(), journey: z.string().min(1) }).strict(),
  refs: (n) => ({ journeys: [n.journey] }),
  successors: () => [],
  describe: (n) => ({ label: `→ journey ${n.journey}`, shape: 'stadium' }),
  explain: (n, w) => w.page('journey', { journey: w.journey(n.journey) }),
  async execute(n) {
    return { journey: n.journey };
  },
});
