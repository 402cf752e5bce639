/**
 * `end` — ends the journey, optionally with a closing message.
 *
 *   { "type": "end", "text": "common.closing" }
 */
import { z } from 'zod';
import { registerNodeType } from '../registry';
import type { NodeBase } from '../types';

export interface EndNode extends NodeBase {
  type: 'end';
  text?: string;
}

registerNodeType<EndNode>({
  type: 'end',
  doc: 'Ends the journey, optionally with a closing message.',
  terminal: true,
  schema: z.object({ type: z.literal('end'), note: z.string().optional(), text: z.string().min(1).optional() }).strict(),
  refs: (n) => ({ localeKeys: n.text ? [n.text] : [] }),
  successors: () => [],
  describe: () => ({ label: 'end', shape: 'stadium' }),
  explain: (n, w) => (n.text ? w.page('end_with', { text: w.text(n.text) }) : w.page('end')),
  async execute(n, ctx) {
    ctx.emit({ kind: 'end', key: n.text });
    return { stop: true as const };
  },
});
