/** A Direct Line WebSocket stream as the client library (botframework-directlinejs) reads it, for tests. */
import WebSocket from 'ws';
import type { ActivitySet, WireActivity } from './support';

export /** A stream as the client library reads it: ActivitySets parsed, empty messages counted as keep-alives. */
class StreamClient {
  readonly sets: ActivitySet[] = [];
  keepAlives = 0;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = String(data);
      if (!text) this.keepAlives += 1;
      else this.sets.push(JSON.parse(text) as ActivitySet);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  /** Resolves once open; rejects with the HTTP status and error code when the upgrade is refused. */
  static open(url: string): Promise<StreamClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new StreamClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += String(chunk)));
        res.on('end', () => reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode, retryAfter: res.headers['retry-after'], body: JSON.parse(body || '{}') as { error?: { code: string } } })));
      });
      ws.once('error', reject);
    });
  }

  get activities(): WireActivity[] {
    return this.sets.flatMap((s) => s.activities);
  }

  async until(predicate: (activities: WireActivity[]) => boolean, timeoutMs = 10_000): Promise<WireActivity[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.activities)) {
      if (Date.now() > deadline) throw new Error(`condition not met; received: ${JSON.stringify(this.activities.map((a) => [a.id, a.text]))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.activities;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

/** The sequence number in an activity id (`<conversationId>|<seq>`). */
export const seqOf = (a: WireActivity): number => Number(a.id.split('|')[1]);
