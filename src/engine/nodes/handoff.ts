/**
 * `handoff` — the case is complex: hands the conversation to Helpdesk staff (live or callback).
 *
 *   { "type": "handoff", "reason": "complex_case", "text": "handoff.complex_case" }
 */
import { z } from 'zod';
import { registerNodeType } from '../registry';
import type { NodeBase } from '../types';

export interface HandoffNode extends NodeBase {
  type: 'handoff';
  reason: string;
  text: string;
}

registerNodeType<HandoffNode>({
  type: 'handoff',
  doc: 'Hands the conversation to Helpdesk staff (live during hours, callback otherwise).',
  terminal: true,
  schema: z.object({ type: z.literal('handoff'), note: z.string().optional(), reason: z.string().regex(/^[a-z_]+$/), text: z.string().min(1) }).strict(),
  refs: (n) => ({ localeKeys: [n.text] }),
  successors: () => [],
  describe: (n) => ({ label: `handoff: ${n.reason}`, shape: 'hex' }),
  explain: (n, w) => w.page('handoff', { text: w.text(n.text) }),
  async execute(n, ctx) {
    ctx.emit({ kind: 'handoff', reason: n.reason, key: n.text });
    return { stop: true as const };
  },
});
