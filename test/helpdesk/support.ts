/** A Helpdesk staff member's browser, without the browser: cookie, CSRF token, JSON calls, the event stream. */
export interface StaffReply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export class StaffClient {
  cookie = '';
  csrf = '';
  readonly events: Array<{ event: string; data: Record<string, unknown> }> = [];
  private abort?: AbortController;

  constructor(private readonly base: string) {}

  async call<T = Record<string, unknown>>(method: string, path: string, json?: unknown, headers: Record<string, string> = {}): Promise<StaffReply<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.Cookie = this.cookie;
    if (this.csrf && method !== 'GET' && !('X-CSRF-Token' in headers)) h['X-CSRF-Token'] = this.csrf;
    if (json !== undefined) h['Content-Type'] = 'application/json';
    const res = await fetch(`${this.base}helpdesk/api${path}`, { method, headers: h, body: json === undefined ? undefined : typeof json === 'string' ? json : JSON.stringify(json) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  async signIn(email: string, password: string): Promise<StaffReply<{ csrf: string; role: string; name: string }>> {
    const r = await this.call<{ csrf: string; role: string; name: string }>('POST', '/session', { email, password });
    if (r.status === 200) {
      this.cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
      this.csrf = r.body.csrf;
    }
    return r;
  }

  /** Opens the SSE stream (which also makes the agent present) and collects its events. */
  async listen(): Promise<void> {
    this.abort = new AbortController();
    const res = await fetch(`${this.base}helpdesk/api/events`, { headers: { Cookie: this.cookie }, signal: this.abort.signal });
    if (res.status !== 200 || !res.body) throw new Error(`events answered ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let i: number;
          while ((i = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, i);
            buffer = buffer.slice(i + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) this.events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
          }
        }
      } catch {
        // aborted
      }
    })();
  }

  stop(): void {
    this.abort?.abort();
  }

  async waitForEvent(pred: (e: { event: string; data: Record<string, unknown> }) => boolean, timeoutMs = 10000): Promise<{ event: string; data: Record<string, unknown> }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(this.events)}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  }
}
