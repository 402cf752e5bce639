/**
 * `message` — says something (a locale key), then goes on.
 *
 *   { "type": "message", "text": "logement.eviction_timeline", "next": "ask_commune" }
 */
import { z } from 'zod';
import { registerNodeType } from '../registry';
import type { NodeBase } from '../types';

export interface MessageNode extends NodeBase {
  type: 'message';
  text: string;
  next: string;
}

registerNodeType<MessageNode>({
  type: 'message',
  doc: 'Says one localized message, then goes on.',
  terminal: false,
  schema: z.object({ type: z.literal('message'), note: z.string().optional(), text: z.string().min(1), next: z.string().min(1) }).strict(),
  refs: (n) => ({ localeKeys: [n.text], nodes: [n.next] }),
  successors: (n) => [n.next],
  describe: (n) => ({ label: `say ${n.text}`, shape: 'round' }),
  explain: (n, w) => w.page('message', { text: w.text(n.text) }),
  async execute(n, ctx) {
    ctx.emit({ kind: 'say', key: n.text });
    return { goto: n.next };
  },
});
