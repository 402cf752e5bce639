/**
 * One simulated web-chat user's connection, speaking Direct Line 3.0 as botframework-directlinejs
 * does: a token from /tokens/generate, POST /conversations, then either the WebSocket `streamUrl`
 * (resumed through GET /conversations/:id?watermark= when it closes) or polling GET …/activities
 * every `pollMs` (start to start, as directlinejs does), and messages POSTed with a clientActivityID.
 *
 * A turn's reply latency is the time from just before its POST to the arrival of the first bot
 * activity whose `replyToId` is that message's id. A message the server kept locally (database too
 * slow: the POST answers a `…|standby-…` id) is matched to its reply through its clientActivityID
 * once it is stored and echoed back under its real id.
 */
import WebSocket from 'ws';

export type Mode = 'ws' | 'poll';

export interface ClientOptions {
  mode: Mode;
  pollMs: number;
  /** An HTTP request (or a stream opening) not answered within this counts as a timeout. */
  requestTimeoutMs: number;
  /** A turn whose reply has not come within this counts as a missing reply. */
  replyTimeoutMs: number;
  /** Records one error of this kind (`<what>:<why>`). */
  error(kind: string): void;
}

interface WireActivity {
  id: string;
  type: string;
  name?: string;
  replyToId?: string;
  from: { id: string; role?: string };
  channelData?: { clientActivityID?: string; standbyId?: string };
}

export interface TurnOutcome {
  /** Milliseconds from the POST to the first reply; undefined when the turn failed. */
  latencyMs?: number;
  /** Milliseconds until the POST was answered. */
  postMs?: number;
  /** The POST was answered with an id from memory (the database did not take it in time). */
  kept?: boolean;
  /** Error kind, when the turn failed. */
  error?: string;
}

const TURN_ERROR_EVENT = 'boussole.turnError';
const MAX_RESUMES = 3;

class RequestError extends Error {
  constructor(readonly kind: string) {
    super(kind);
  }
}

function failureKind(err: unknown): string {
  if (err instanceof RequestError) return err.kind;
  const e = err as { name?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  return `network_${e?.cause?.code ?? e?.name ?? 'error'}`;
}

export class BenchClient {
  /** The conversation and its user, once open. */
  conversationId = '';
  userId = '';
  /** Bot activities received, and of them those made from memory (channelData.standbyId). */
  botActivities = 0;
  fromMemory = 0;
  private token = '';
  private watermark = '';
  private closed = false;
  private ws?: WebSocket;
  private resumes = 0;
  private posted = 0;
  private pollLoop?: Promise<void>;
  private wakePoller?: () => void;
  /** Activity id (as the POST answered it, or as the log echoed it) → the message's clientActivityID, the key of its turn. */
  private readonly aliases = new Map<string, string>();
  /** Turn key (clientActivityID, or `<conversation>|start` for the welcome) → arrival of its first reply (or of the turn error). */
  private readonly replies = new Map<string, { at: number; turnError: boolean }>();
  private readonly waiters = new Map<string, () => void>();

  constructor(
    private readonly api: string,
    private readonly opts: ClientOptions,
  ) {}

  /**
   * Gets a token, starts the conversation and connects (stream or polling); resolves to the
   * latency of the welcome (POST /conversations → first reply to the start), or an error.
   */
  async open(locale: string): Promise<TurnOutcome> {
    let issued: { token: string; conversationId: string };
    try {
      issued = (await this.request('POST', '/tokens/generate', 'token', {})) as typeof issued;
    } catch (err) {
      return this.fail(`token:${failureKind(err)}`);
    }
    this.token = issued.token;
    this.conversationId = issued.conversationId;
    this.userId = (JSON.parse(Buffer.from(issued.token.split('.')[1], 'base64url').toString('utf8')) as { user: string }).user;
    const startId = `${this.conversationId}|start`;
    const t0 = performance.now();
    let started: { streamUrl?: string };
    try {
      started = (await this.request('POST', '/conversations', 'start', { user: { id: this.userId }, locale })) as typeof started;
    } catch (err) {
      return this.fail(`start:${failureKind(err)}`);
    }
    const postMs = performance.now() - t0;
    if (this.opts.mode === 'ws') {
      if (!started.streamUrl) return this.fail('start:no_stream_url');
      try {
        await this.connect(started.streamUrl);
      } catch (err) {
        return this.fail(`stream_open:${failureKind(err)}`);
      }
    } else {
      this.pollLoop = this.poll();
    }
    return this.outcome(startId, t0, postMs, false, 'welcome');
  }

  /** Posts a message as Web Chat does and waits for the first reply to it. */
  async say(text: string, locale: string): Promise<TurnOutcome> {
    this.posted += 1;
    const clientId = `load-${this.posted}-${Date.now().toString(36)}`;
    const activity = { type: 'message', text, locale, from: { id: this.userId, role: 'user' }, channelData: { clientActivityID: clientId }, attachments: [] };
    const t0 = performance.now();
    let id: string;
    try {
      id = ((await this.request('POST', `/conversations/${this.conversationId}/activities`, 'post', activity)) as { id: string }).id;
    } catch (err) {
      return this.fail(`post:${failureKind(err)}`);
    }
    const postMs = performance.now() - t0;
    this.aliases.set(id, clientId);
    return this.outcome(clientId, t0, postMs, id.includes('|standby-'), 'reply');
  }

  /** Leaves: closes the stream or stops polling. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakePoller?.();
    for (const finish of [...this.waiters.values()]) finish();
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) {
      const ws = this.ws;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2000);
        ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        ws.close(1000, 'bye');
      });
    }
    await this.pollLoop;
  }

  private fail(kind: string): TurnOutcome {
    this.opts.error(kind);
    return { error: kind };
  }

  private async outcome(key: string, t0: number, postMs: number, kept: boolean, what: string): Promise<TurnOutcome> {
    const reply = await this.waitReply(key, t0 + this.opts.replyTimeoutMs);
    if (!reply) return { ...this.fail(this.closed ? `${what}:abandoned` : `${what}:missing_reply`), postMs, kept };
    if (reply.turnError) return { ...this.fail(`${what}:turn_error`), postMs, kept };
    return { latencyMs: reply.at - t0, postMs, kept };
  }

  private waitReply(key: string, deadline: number): Promise<{ at: number; turnError: boolean } | undefined> {
    const known = this.replies.get(key);
    if (known || this.closed) return Promise.resolve(known);
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(key);
        resolve(this.replies.get(key));
      };
      const timer = setTimeout(finish, Math.max(0, deadline - performance.now()));
      this.waiters.set(key, finish);
    });
  }

  private receive(activities: WireActivity[], watermark: string | undefined): void {
    const at = performance.now();
    for (const a of activities) {
      const clientId = a.channelData?.clientActivityID;
      if (a.from?.role !== 'bot') {
        if (clientId && !a.id.includes('|standby-')) this.aliases.set(a.id, clientId);
        continue;
      }
      this.botActivities += 1;
      if (a.channelData?.standbyId) this.fromMemory += 1;
      // The welcome answers the conversation's start, which Bot Framework does not reply to (no replyToId on Direct Line).
      const key = a.replyToId ? this.aliases.get(a.replyToId) : `${this.conversationId}|start`;
      if (!key || this.replies.has(key)) continue;
      this.replies.set(key, { at, turnError: a.type === 'event' && a.name === TURN_ERROR_EVENT });
      this.waiters.get(key)?.();
    }
    if (watermark !== undefined) this.watermark = watermark;
  }

  private async request(method: 'GET' | 'POST', route: string, what: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.api}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.opts.requestTimeoutMs) });
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw new RequestError(`http_${res.status}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new RequestError(`bad_json_${what}`);
    }
  }

  /** Opens the stream; rejects with the HTTP status of a refusal, or a timeout. */
  private connect(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: this.opts.requestTimeoutMs });
      this.ws = ws;
      let opened = false;
      ws.on('unexpected-response', (_req, res) => {
        res.resume();
        reject(new RequestError(`http_${res.statusCode ?? 0}`));
        ws.terminate();
      });
      ws.on('error', (err) => {
        if (!opened) reject(err.message.includes('timed out') ? new RequestError('timeout') : err);
      });
      ws.on('open', () => {
        opened = true;
        resolve();
      });
      ws.on('message', (data: WebSocket.Data) => {
        const text = data.toString();
        if (!text) return; // keep-alive
        try {
          const set = JSON.parse(text) as { activities?: WireActivity[]; watermark?: string };
          this.receive(set.activities ?? [], set.watermark);
        } catch {
          this.opts.error('stream:bad_json');
        }
      });
      ws.on('close', (code) => {
        if (!opened || this.closed || this.ws !== ws) return;
        this.opts.error(`stream:closed_${code}`);
        void this.resume();
      });
    });
  }

  /** As Web Chat does when its stream closes: a new streamUrl from the watermark, and connect again. */
  private async resume(): Promise<void> {
    if (this.closed || this.resumes >= MAX_RESUMES) return;
    this.resumes += 1;
    try {
      const r = (await this.request('GET', `/conversations/${this.conversationId}?watermark=${this.watermark}`, 'resume')) as { streamUrl?: string; token?: string };
      if (r.token) this.token = r.token;
      if (!r.streamUrl) throw new RequestError('no_stream_url');
      if (!this.closed) await this.connect(r.streamUrl);
    } catch (err) {
      this.opts.error(`stream_resume:${failureKind(err)}`);
    }
  }

  private async poll(): Promise<void> {
    while (!this.closed) {
      const started = performance.now();
      try {
        const set = (await this.request('GET', `/conversations/${this.conversationId}/activities?watermark=${this.watermark}`, 'poll')) as { activities: WireActivity[]; watermark: string };
        this.receive(set.activities, set.watermark);
      } catch (err) {
        if (!this.closed) this.opts.error(`poll:${failureKind(err)}`);
      }
      const wait = Math.max(0, this.opts.pollMs - (performance.now() - started));
      if (this.closed) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wakePoller = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
