/**
 * The WhatsApp Cloud API client: `POST {graphUrl}/{phoneNumberId}/messages` with the bearer token.
 * Retries with exponential backoff (and Retry-After) on 429, 5xx and network failures, never on
 * other 4xx; messages to one person leave one at a time, in order. Logs never hold the number or
 * the text: only the message type, the status and Meta's error code.
 */
import type { Logger } from '../../logging/logger';
import type { WaMessage } from './outbound';

export interface GraphClientOptions {
  graphUrl: string;
  phoneNumberId: string;
  accessToken: string;
  log: Logger;
  /** Tries in all (the first and the retries). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
}

export class GraphSendError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
  ) {
    super(`WhatsApp Graph API answered ${status}${code !== undefined ? ` (code ${code})` : ''}`);
    this.name = 'GraphSendError';
  }
}

export class GraphClient {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly o: GraphClientOptions) {
    this.attempts = o.attempts ?? 5;
    this.baseDelayMs = o.baseDelayMs ?? 500;
    this.maxDelayMs = o.maxDelayMs ?? 30_000;
    this.timeoutMs = o.timeoutMs ?? 15_000;
  }

  /** Sends the messages to `to` in order, after anything still queued for that person. */
  send(to: string, messages: WaMessage[]): Promise<void> {
    const previous = this.queues.get(to) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(async () => {
      for (const m of messages) await this.sendOne(to, m);
    });
    const settled = run.catch(() => undefined);
    this.queues.set(to, settled);
    void settled.then(() => {
      if (this.queues.get(to) === settled) this.queues.delete(to);
    });
    return run;
  }

  private async sendOne(to: string, message: WaMessage): Promise<void> {
    const url = `${this.o.graphUrl}/${encodeURIComponent(this.o.phoneNumberId)}/messages`;
    const body = JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message });
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      let code: number | undefined;
      let retryAfterMs: number | undefined;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { Authorization: `Bearer ${this.o.accessToken}`, 'Content-Type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        status = res.status;
        if (res.ok) {
          await res.arrayBuffer().catch(() => undefined);
          return;
        }
        const answer = (await res.json().catch(() => undefined)) as { error?: { code?: unknown } } | undefined;
        code = typeof answer?.error?.code === 'number' ? answer.error.code : undefined;
        const ra = Number(res.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra > 0) retryAfterMs = Math.min(ra * 1000, this.maxDelayMs);
      } catch {
        status = 0; // network failure or timeout: worth another try
      }
      const retriable = status === 0 || status === 429 || status >= 500;
      this.o.log.warn('whatsapp.send_failed', { status, code, messageType: message.type, attempt, willRetry: retriable && attempt < this.attempts });
      if (!retriable || attempt >= this.attempts) throw new GraphSendError(status, code);
      const backoff = Math.min(this.baseDelayMs * 2 ** (attempt - 1), this.maxDelayMs);
      await new Promise((r) => setTimeout(r, retryAfterMs ?? backoff * (0.75 + Math.random() * 0.5)));
    }
  }
}
