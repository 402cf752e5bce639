/**
 * A fake WhatsApp Cloud API (Graph API) on a free port: records every message request and checks
 * it against WhatsApp's limits, written here independently of the code under test. A payload that
 * breaks a limit is answered 400 and kept in `violations`, which every test expects empty.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const PHONE_NUMBER_ID = '1098765432';
export const ACCESS_TOKEN = 'test-access-token-0123456789';
export const VERIFY_TOKEN = 'verify-token-for-tests';
export const APP_SECRET = 'app-secret-for-tests-0123';

export interface SentMessage {
  to: string;
  type: string;
  /** What a person reads: the text, the body of an interactive message, or the template's parameter. */
  text: string;
  /** Button titles or list row titles shown. */
  options: string[];
  /** Their reply ids. */
  ids: string[];
  /** List row descriptions. */
  descriptions: string[];
  raw: Record<string, unknown>;
}

type Json = Record<string, unknown>;
const isStr = (x: unknown): x is string => typeof x === 'string';
const chars = (s: string) => s.length;

/** Every WhatsApp limit the payload breaks (empty: valid). */
export function limitViolations(p: Json): string[] {
  const v: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) v.push(what);
  };
  need(p.messaging_product === 'whatsapp', 'messaging_product');
  need(isStr(p.to) && /^\d{5,20}$/.test(p.to), 'to');
  if (p.type === 'text') {
    const body = (p.text as Json | undefined)?.body;
    need(isStr(body) && chars(body) >= 1 && chars(body) <= 4096, `text.body length ${isStr(body) ? chars(body) : typeof body}`);
  } else if (p.type === 'interactive') {
    const i = p.interactive as Json;
    const body = (i?.body as Json | undefined)?.text;
    need(isStr(body) && chars(body) >= 1 && chars(body) <= 1024, `interactive body length ${isStr(body) ? chars(body) : typeof body}`);
    const action = (i?.action ?? {}) as Json;
    if (i?.type === 'button') {
      const buttons = (action.buttons ?? []) as Json[];
      need(Array.isArray(buttons) && buttons.length >= 1 && buttons.length <= 3, `buttons count ${buttons.length}`);
      const ids = buttons.map((b) => (b.reply as Json)?.id);
      const titles = buttons.map((b) => (b.reply as Json)?.title);
      for (const b of buttons) need(b.type === 'reply', 'button type');
      for (const id of ids) need(isStr(id) && chars(id) >= 1 && chars(id) <= 256, `button id ${String(id).length}`);
      for (const t of titles) need(isStr(t) && chars(t.trim()) >= 1 && chars(t) <= 20, `button title "${String(t)}" (${String(t).length})`);
      need(new Set(ids).size === ids.length, 'button ids unique');
      need(new Set(titles).size === titles.length, 'button titles unique');
    } else if (i?.type === 'list') {
      need(isStr(action.button) && chars(action.button) >= 1 && chars(action.button) <= 20, `list button "${String(action.button)}"`);
      const sections = (action.sections ?? []) as Json[];
      need(Array.isArray(sections) && sections.length >= 1 && sections.length <= 10, 'sections');
      const rows = sections.flatMap((s) => (s.rows ?? []) as Json[]);
      need(rows.length >= 1 && rows.length <= 10, `rows count ${rows.length}`);
      for (const r of rows) {
        need(isStr(r.id) && chars(r.id) >= 1 && chars(r.id) <= 200 * 2 && chars(r.id) <= 256, `row id ${String(r.id).length}`);
        need(isStr(r.title) && chars(r.title.trim()) >= 1 && chars(r.title) <= 24, `row title "${String(r.title)}" (${String(r.title).length})`);
        need(r.description === undefined || (isStr(r.description) && chars(r.description) <= 72), `row description "${String(r.description)}"`);
      }
      need(new Set(rows.map((r) => r.id)).size === rows.length, 'row ids unique');
    } else v.push(`interactive type ${String(i?.type)}`);
  } else if (p.type === 'template') {
    const t = p.template as Json;
    need(isStr(t?.name) && /^[a-z0-9_]{1,512}$/.test(t.name), 'template name');
    need(isStr((t?.language as Json | undefined)?.code), 'template language');
    for (const c of (t?.components ?? []) as Json[])
      for (const param of (c.parameters ?? []) as Json[]) {
        need(param.type === 'text' && isStr(param.text) && chars(param.text) >= 1 && chars(param.text) <= 1024, 'template parameter length');
        need(isStr(param.text) && !/[\n\t]| {5,}/.test(param.text), 'template parameter: no new line, tab or 5 spaces');
      }
  } else v.push(`message type ${String(p.type)}`);
  return v;
}

function summarize(p: Json): SentMessage {
  const i = (p.interactive ?? {}) as Json;
  const action = (i.action ?? {}) as Json;
  const rows = ((action.sections ?? []) as Json[]).flatMap((s) => (s.rows ?? []) as Json[]);
  const buttons = ((action.buttons ?? []) as Json[]).map((b) => b.reply as Json);
  const options = [...buttons.map((b) => String(b.title)), ...rows.map((r) => String(r.title))];
  const ids = [...buttons.map((b) => String(b.id)), ...rows.map((r) => String(r.id))];
  const templateText = (((p.template as Json | undefined)?.components ?? []) as Json[]).flatMap((c) => ((c.parameters ?? []) as Json[]).map((x) => String(x.text))).join(' ');
  const text = p.type === 'text' ? String((p.text as Json).body) : p.type === 'interactive' ? String((i.body as Json).text) : templateText;
  return { to: String(p.to), type: p.type === 'interactive' ? `interactive/${String(i.type)}` : String(p.type), text, options, ids, descriptions: rows.map((r) => String(r.description ?? '')), raw: p };
}

export class FakeGraph {
  readonly sent: SentMessage[] = [];
  readonly violations: string[] = [];
  /** Every request, including refused ones (status answered). */
  readonly requests: Array<{ status: number }> = [];
  private failures: number[] = [];
  private server?: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = (status: number, body: Json) => {
          this.requests.push({ status });
          res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
        };
        if (req.method !== 'POST' || req.url !== `/v23.0/${PHONE_NUMBER_ID}/messages`) {
          this.violations.push(`unexpected request ${req.method} ${req.url}`);
          return answer(404, { error: { code: 100 } });
        }
        if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
          this.violations.push('missing bearer token');
          return answer(401, { error: { code: 190 } });
        }
        const injected = this.failures.shift();
        if (injected) return answer(injected, { error: { code: injected === 429 ? 130429 : 1 } });
        let p: Json;
        try {
          p = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
        } catch {
          this.violations.push('body is not JSON');
          return answer(400, { error: { code: 100 } });
        }
        const problems = limitViolations(p);
        if (problems.length) {
          this.violations.push(...problems.map((x) => `${x} in ${JSON.stringify(p).slice(0, 300)}`));
          return answer(400, { error: { code: 131009 } });
        }
        this.sent.push(summarize(p));
        answer(200, { messaging_product: 'whatsapp', contacts: [{ input: p.to, wa_id: p.to }], messages: [{ id: `wamid.${crypto.randomBytes(8).toString('hex')}` }] });
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v23.0`;
    return this;
  }

  /** The next requests are answered with these statuses (e.g. 500, 429), whatever they hold. */
  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  to(number: string): SentMessage[] {
    return this.sent.filter((m) => m.to === number);
  }

  /** Waits until `number` has received more than `after` messages and none arrived for a moment (a turn's replies are all out). */
  async waitFor(number: string, after: number, timeoutMs = 20000): Promise<SentMessage[]> {
    const deadline = Date.now() + timeoutMs;
    let lastCount = -1;
    let stableSince = Date.now();
    for (;;) {
      const n = this.to(number).length;
      if (n !== lastCount) {
        lastCount = n;
        stableSince = Date.now();
      }
      if (n > after && Date.now() - stableSince >= 250) return this.to(number).slice(after);
      if (Date.now() > deadline) throw new Error(`no reply to ${number} after ${after} messages; violations: ${this.violations.join('; ')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server?.close(() => r());
      this.server?.closeAllConnections();
    });
  }
}

/** Meta's webhook body for messages from `from`. */
export function webhookBody(from: string, messages: Array<Record<string, unknown>>, phoneNumberId = PHONE_NUMBER_ID): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA_ID',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '3225550000', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: 'Test' }, wa_id: from }],
              messages: messages.map((m) => ({ from, timestamp: String(Math.floor(Date.now() / 1000)), id: `wamid.${crypto.randomBytes(10).toString('hex')}`, ...m })),
            },
          },
        ],
      },
    ],
  };
}

export function sign(raw: string, secret = APP_SECRET): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/** A person on WhatsApp talking to the webhook at `base` (…/webhooks/whatsapp). */
export class WhatsAppPerson {
  constructor(
    private readonly webhook: string,
    readonly number: string,
  ) {}

  async post(messages: Array<Record<string, unknown>>): Promise<{ status: number; ids: string[] }> {
    const body = webhookBody(this.number, messages);
    const raw = JSON.stringify(body);
    const res = await fetch(this.webhook, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(raw) }, body: raw });
    await res.arrayBuffer();
    const ids = (((body.entry as Json[])[0].changes as Json[])[0].value as { messages: Array<{ id: string }> }).messages.map((m) => m.id);
    return { status: res.status, ids };
  }

  say(text: string) {
    return this.post([{ type: 'text', text: { body: text } }]);
  }

  tap(reply: { id: string; title: string }, kind: 'button_reply' | 'list_reply' = 'button_reply') {
    return this.post([{ type: 'interactive', interactive: { type: kind, [kind]: reply } }]);
  }
}
