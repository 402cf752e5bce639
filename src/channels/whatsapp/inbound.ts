/**
 * What Meta posts to the webhook: the signature check and the payload, read defensively (a zod
 * schema with bounded sizes; unknown fields are dropped, unknown message types kept as "unsupported").
 */
import crypto from 'node:crypto';
import { z } from 'zod';

/** `X-Hub-Signature-256: sha256=<hex>` = HMAC-SHA256 of the raw body with the app secret, compared in constant time. */
export function validSignature(raw: Buffer, header: unknown, appSecret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const hex = header.slice(7);
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const expected = crypto.createHmac('sha256', appSecret).update(raw).digest();
  return crypto.timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

const str = (max: number) => z.string().max(max);
const id = z.string().min(1).max(256);

const messageSchema = z.object({
  from: z.string().regex(/^\d{5,20}$/),
  id,
  timestamp: str(20).optional(),
  type: str(40),
  text: z.object({ body: str(65536) }).optional(),
  interactive: z
    .object({
      type: str(40),
      button_reply: z.object({ id, title: str(100).optional() }).optional(),
      list_reply: z.object({ id, title: str(100).optional(), description: str(200).optional() }).optional(),
    })
    .optional(),
  /** A quick-reply button of a template message. */
  button: z.object({ payload: str(1000).optional(), text: str(1000).optional() }).optional(),
});

const statusSchema = z.object({ id: str(256), status: str(40), errors: z.array(z.object({ code: z.number().optional() })).max(20).optional() });

const changeSchema = z.object({
  field: str(100),
  value: z
    .object({
      metadata: z.object({ phone_number_id: str(40) }).optional(),
      messages: z.array(z.unknown()).max(100).optional(),
      statuses: z.array(z.unknown()).max(100).optional(),
    })
    .optional(),
});

export const webhookSchema = z.object({
  object: str(100),
  entry: z.array(z.object({ changes: z.array(changeSchema).max(100) })).max(100),
});

export type Incoming =
  | { kind: 'text'; messageId: string; from: string; text: string }
  /** A button or list row tapped: the reply id we gave it (never its title). */
  | { kind: 'choice'; messageId: string; from: string; id: string }
  | { kind: 'unsupported'; messageId: string; from: string; type: string };

/** Types nobody meant as a message to read (a reaction to one), dropped without an answer. */
const SILENT_TYPES = new Set(['reaction', 'system', 'ephemeral', 'request_welcome']);

/**
 * The messages for our number in a webhook body, and the number of status updates (and failures)
 * it carried. A message that does not fit the schema is skipped, never fatal.
 */
export function readWebhook(body: unknown, phoneNumberId: string): { ok: boolean; messages: Incoming[]; statuses: number; failedStatuses: number; skipped: number } {
  const parsed = webhookSchema.safeParse(body);
  if (!parsed.success || parsed.data.object !== 'whatsapp_business_account') return { ok: false, messages: [], statuses: 0, failedStatuses: 0, skipped: 0 };
  const messages: Incoming[] = [];
  let statuses = 0;
  let failedStatuses = 0;
  let skipped = 0;
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      const v = change.value;
      if (change.field !== 'messages' || !v) continue;
      if (v.metadata?.phone_number_id !== phoneNumberId) {
        skipped += (v.messages?.length ?? 0) + (v.statuses?.length ?? 0);
        continue;
      }
      for (const s of v.statuses ?? []) {
        const st = statusSchema.safeParse(s);
        if (!st.success) continue;
        statuses++;
        if (st.data.status === 'failed') failedStatuses++;
      }
      for (const raw of v.messages ?? []) {
        const m = messageSchema.safeParse(raw);
        if (!m.success) {
          skipped++;
          continue;
        }
        const incoming = toIncoming(m.data);
        if (incoming) messages.push(incoming);
      }
    }
  }
  return { ok: true, messages, statuses, failedStatuses, skipped };
}

function toIncoming(m: z.infer<typeof messageSchema>): Incoming | undefined {
  const base = { messageId: m.id, from: m.from };
  if (m.type === 'text' && m.text) return { ...base, kind: 'text', text: m.text.body };
  if (m.type === 'interactive' && m.interactive) {
    const reply = m.interactive.button_reply ?? m.interactive.list_reply;
    if (reply) return { ...base, kind: 'choice', id: reply.id };
  }
  if (m.type === 'button' && (m.button?.payload || m.button?.text)) return { ...base, kind: 'text', text: (m.button.payload || m.button.text)! };
  if (SILENT_TYPES.has(m.type)) return undefined;
  return { ...base, kind: 'unsupported', type: m.type.replace(/[^a-z_]/g, '').slice(0, 20) || 'unknown' };
}
