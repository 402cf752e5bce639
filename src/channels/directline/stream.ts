/**
 * Direct Line 3.0 streaming: `GET /v3/directline/conversations/:id/stream?watermark=&t=<token>` upgraded
 * to a WebSocket that receives the conversation's ActivitySets the moment they exist, and empty
 * messages as keep-alives. botframework-directlinejs (webSocket: true) opens it from the `streamUrl`
 * that starting or resuming a conversation returns; when it closes, the client asks
 * `GET /conversations/:id?watermark=` for a new one, and the stream resumes after that watermark.
 *
 * The token is checked as on the REST routes (HMAC, expiry, this conversation, its user) before the
 * upgrade; a refusal is an HTTP answer with the usual `{ error }` body (403 makes the client report
 * an expired token). What the client sends is read only as a sign of life (size- and rate-limited).
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Request } from 'express';
import WebSocket from 'ws';
import type { Config } from '../../config/config';
import type { Logger } from '../../logging/logger';
import type { DirectLineStore } from '../../repositories/directline-repository';
import { isStorageError } from '../../db/storage-watch';
import { addressKey, settingsOf, take, TokenBuckets, type LimitSettings } from '../../server/rate-limit';
import type { ActivityFeed, StreamedActivity } from './feed';
import { activityId, isConversationId } from './ids';
import { READ_BATCH, StreamSession } from './stream-session';
import type { StandbyNotices } from './standby';
import { TokenService, type TokenClaims } from './tokens';

/** Where the Direct Line router is mounted; the stream lives under it. */
export const DIRECTLINE_PATH = '/v3/directline';
const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/]{1,100})\/stream$/;
const WATERMARK = /^\d{1,9}$/;
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

export interface StreamLimits {
  /** Open streams on this instance; more are refused (503). */
  maxStreams: number;
  /** Open streams of one conversation (the protocol allows one); a new one closes the oldest ("collision"). */
  maxPerConversation: number;
  /** Keep-alive period: an empty message and a ping; a stream that answered nothing for a whole period is dropped. */
  heartbeatMs: number;
  /** Largest message accepted from a client (directlinejs sends only empty ones). */
  maxMessageBytes: number;
  /** Messages a client may send per minute (directlinejs: one every 20 s). */
  maxClientMessagesPerMinute: number;
  /** Bytes waiting to be sent to a client that does not read: beyond this it is dropped. */
  maxBufferedBytes: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxStreams: 5000,
  maxPerConversation: 3,
  heartbeatMs: 25_000,
  maxMessageBytes: 1024,
  maxClientMessagesPerMinute: 30,
  maxBufferedBytes: 1024 * 1024,
};

export interface DirectLineStreamOptions {
  repository: Pick<DirectLineStore, 'getConversation' | 'listActivities'>;
  feed: ActivityFeed;
  /** The Direct Line token secret (the router's). */
  secret: Buffer;
  config: Pick<Config, 'DIRECTLINE_TOKEN_TTL_SECONDS'> & Partial<LimitSettings>;
  log: Logger;
  /** Storage guard and replies from memory while the database is down (TurnKeeper). */
  keeper?: { guard<T>(op: () => Promise<T>): Promise<T>; readonly canStandby: boolean; readonly standby: Pick<StandbyNotices, 'list'> };
  limits?: Partial<StreamLimits>;
  /** Clock for token expiry (tests). */
  now?: () => number;
}

export interface DirectLineStream {
  /** Streams open now. */
  readonly open: number;
  /** Closes every stream (1001: the client reconnects, possibly to another instance). */
  close(): Promise<void>;
}

/**
 * The `streamUrl` of a conversation start or resume: same host, `wss` behind HTTPS (directly, or a
 * proxy saying so in X-Forwarded-Proto). Undefined when the Host header is not a plain host name.
 */
export function streamUrl(req: Request, conversationId: string, watermark: string, token: string): string | undefined {
  const host = req.get('host');
  if (!host || !HOST.test(host)) return undefined;
  const forwarded = (req.get('x-forwarded-proto') ?? '').split(',')[0].trim().toLowerCase();
  const scheme = req.secure || forwarded === 'https' ? 'wss' : 'ws';
  return `${scheme}://${host}${DIRECTLINE_PATH}/conversations/${encodeURIComponent(conversationId)}/stream?watermark=${WATERMARK.test(watermark) ? watermark : ''}&t=${encodeURIComponent(token)}`;
}

interface Refusal {
  status: number;
  code: string;
  message: string;
  retryAfter?: number;
}

const refusal = (status: number, code: string, message: string, retryAfter?: number): Refusal => ({ status, code, message, retryAfter });

/** Answers the upgrade request with plain HTTP and closes the connection. */
function refuse(socket: Socket, r: Refusal): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code: r.code, message: r.message } });
  const head = [
    `HTTP/1.1 ${r.status} ${http.STATUS_CODES[r.status] ?? ''}`,
    'Connection: close',
    'Cache-Control: no-store',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(r.retryAfter ? [`Retry-After: ${r.retryAfter}`] : []),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

interface OpenStream {
  ws: WebSocket;
  conversationId: string;
  session: StreamSession;
  unsubscribe: () => void;
  expiry: NodeJS.Timeout;
  alive: boolean;
  released: boolean;
  messages: number;
  windowStart: number;
}

export function attachDirectLineStream(server: http.Server, opts: DirectLineStreamOptions): DirectLineStream {
  const limits = { ...DEFAULT_STREAM_LIMITS, ...opts.limits };
  const { repository, feed, log } = opts;
  const now = opts.now ?? Date.now;
  const guard = <T>(op: () => Promise<T>): Promise<T> => (opts.keeper ? opts.keeper.guard(op) : op());
  const tokens = new TokenService(opts.secret, opts.config.DIRECTLINE_TOKEN_TTL_SECONDS, now);
  // Opening a stream costs what a poll does (a read of the log): it is counted with the polls.
  const settings = settingsOf(opts.config);
  const connects = { conversation: new TokenBuckets(settings.RATE_LIMIT_POLLS_PER_MINUTE), address: new TokenBuckets(settings.RATE_LIMIT_ADDRESS_POLLS_PER_MINUTE) };
  const wss = new WebSocket.Server({ noServer: true, clientTracking: false, perMessageDeflate: false, maxPayload: limits.maxMessageBytes });
  const byConversation = new Map<string, Set<OpenStream>>();
  let open = 0;
  let opening = 0;
  let closing = false;

  /** The checks the REST routes make, in the same order; resolves to the claims or a refusal. */
  async function authorise(req: http.IncomingMessage, socket: Socket): Promise<{ claims: TokenClaims; watermark: number } | Refusal> {
    if (req.method !== 'GET') return refusal(405, 'method_not_allowed', 'Open the stream with GET.');
    const url = new URL(req.url ?? '/', 'http://stream.invalid');
    const id = STREAM_PATH.exec(url.pathname)?.[1];
    if (!id || !isConversationId(id)) return refusal(404, 'not_found', 'Unknown Direct Line endpoint.');
    const wait = take([
      [connects.conversation, id],
      [connects.address, addressKey(socket.remoteAddress)],
    ]);
    if (wait) return refusal(429, 'too_many_requests', `Too many requests: try again in ${wait} s.`, wait);
    const header = req.headers.authorization;
    const token = url.searchParams.get('t') ?? (header ? /^Bearer ([^\s]+)$/i.exec(header)?.[1] : undefined);
    if (!token) return refusal(401, 'missing_token', 'A token is required.');
    const check = tokens.verify(token);
    if (!check.ok) return check.reason === 'expired' ? refusal(403, 'token_expired', 'The token has expired.') : refusal(403, 'invalid_token', 'The token is not valid.');
    if (check.claims.conversationId !== id) return refusal(403, 'wrong_conversation', 'The token does not grant access to this conversation.');
    const raw = url.searchParams.get('watermark') ?? '';
    if (raw !== '' && !WATERMARK.test(raw)) return refusal(400, 'invalid_watermark', 'The watermark must be a number.');
    if (closing) return refusal(503, 'shutting_down', 'The server is stopping.', 5);
    if (open + opening >= limits.maxStreams) return refusal(503, 'too_many_streams', 'Too many open streams: try again later.', 30);
    opening++;
    try {
      const conversation = await guard(() => repository.getConversation(id));
      if (!conversation) return refusal(404, 'conversation_not_found', 'The conversation does not exist or has ended.');
      if (conversation.userId !== check.claims.userId) return refusal(403, 'wrong_user', 'The token does not grant access to this conversation.');
    } catch (err) {
      // The database is down: the token was checked against this conversation; serve from memory.
      if (!(opts.keeper?.canStandby && isStorageError(err))) {
        log.error('directline.stream.open_failed', { conversationId: id, errorName: err instanceof Error ? err.name : typeof err });
        return refusal(500, 'internal_error', 'Something went wrong on the server.');
      }
    } finally {
      opening--;
    }
    return { claims: check.claims, watermark: raw ? Number(raw) : 0 };
  }

  function onUpgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    if (!STREAM_PATH.test((req.url ?? '').split('?')[0])) {
      // Not ours: leave it to another upgrade handler if there is one, else refuse.
      if (server.listenerCount('upgrade') === 1) refuse(socket, refusal(404, 'not_found', 'Unknown endpoint.'));
      return;
    }
    socket.on('error', () => socket.destroy()); // a reset during the checks must not reach the process
    void authorise(req, socket)
      .then((outcome) => {
        if ('status' in outcome) {
          log.debug('directline.stream.refused', { status: outcome.status, code: outcome.code });
          refuse(socket, outcome);
          return;
        }
        if (socket.destroyed) return;
        if (closing || open >= limits.maxStreams) {
          refuse(socket, refusal(503, 'too_many_streams', 'Too many open streams: try again later.', 30));
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => opened(ws, outcome.claims, outcome.watermark));
      })
      .catch((err: unknown) => {
        log.error('directline.stream.upgrade_failed', { errorName: err instanceof Error ? err.name : typeof err });
        refuse(socket, refusal(500, 'internal_error', 'Something went wrong on the server.'));
      });
  }

  /** Forgets the stream at once (its slot is free again), whenever its socket ends. */
  function release(s: OpenStream): void {
    if (s.released) return;
    s.released = true;
    s.session.close();
    s.unsubscribe();
    clearTimeout(s.expiry);
    const streams = byConversation.get(s.conversationId);
    streams?.delete(s);
    if (streams && !streams.size) byConversation.delete(s.conversationId);
    open--;
  }

  /** Closes with a code and reason the client sees; one that does not answer the close is cut off. */
  function shut(s: OpenStream, code: number, reason: string): void {
    release(s);
    s.ws.close(code, reason);
    setTimeout(() => s.ws.terminate(), 1000).unref();
  }

  function opened(ws: WebSocket, claims: TokenClaims, watermark: number): void {
    const conversationId = claims.conversationId;
    let streams = byConversation.get(conversationId);
    if (!streams) byConversation.set(conversationId, (streams = new Set()));
    // The oldest go first: a client reconnecting may not know yet that its previous socket is dead.
    for (const old of [...streams].slice(0, Math.max(0, streams.size - limits.maxPerConversation + 1))) shut(old, 1008, 'collision');

    const send = (frame: string): void => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > limits.maxBufferedBytes) {
        log.warn('directline.stream.slow_client', { conversationId });
        ws.terminate();
        return;
      }
      ws.send(frame);
    };
    let standbySent = false;
    const session: StreamSession = new StreamSession(
      {
        read: async (after) => {
          const stored = await guard(() => repository.listActivities(conversationId, after, READ_BATCH));
          return stored.map(({ seq, activity }): StreamedActivity => ({ seq, json: JSON.stringify({ ...activity, id: activityId(conversationId, seq) }) }));
        },
        send,
        readFailed: (err) => {
          if (opts.keeper?.canStandby && isStorageError(err)) {
            // As a poll does while the database is down: what was said, from memory, the watermark unchanged.
            if (!standbySent) session.standby(opts.keeper.standby.list(conversationId).map(({ id, activity }) => JSON.stringify({ ...activity, id })));
            standbySent = true;
            return true;
          }
          log.error('directline.stream.read_failed', { conversationId, errorName: err instanceof Error ? err.name : typeof err });
          shut(entry, 1011, 'server_error');
          return false;
        },
        ended: () => shut(entry, 1000, 'conversation_ended'),
      },
      watermark,
    );
    const entry: OpenStream = {
      ws,
      conversationId,
      session,
      unsubscribe: feed.subscribe(conversationId, session),
      expiry: setTimeout(() => shut(entry, 1008, 'token_expired'), Math.max(0, claims.exp * 1000 - now())).unref(),
      alive: true,
      released: false,
      messages: 0,
      windowStart: now(),
    };
    streams.add(entry);
    open++;

    ws.on('pong', () => (entry.alive = true));
    ws.on('message', () => {
      entry.alive = true;
      if (now() - entry.windowStart >= 60_000) {
        entry.windowStart = now();
        entry.messages = 0;
      }
      if (++entry.messages > limits.maxClientMessagesPerMinute) shut(entry, 1008, 'too_many_messages');
    });
    ws.on('error', () => ws.terminate()); // e.g. a message over maxMessageBytes (ws sends 1009 first)
    ws.once('close', () => {
      release(entry);
      log.debug('directline.stream.closed', { conversationId });
    });
    log.debug('directline.stream.opened', { conversationId, watermark });
    session.start();
  }

  /** Keep-alive for proxies and the client (an empty message, as the protocol does), and dead-peer detection. */
  const heartbeat = setInterval(() => {
    for (const streams of byConversation.values()) {
      for (const s of streams) {
        if (!s.alive) {
          s.ws.terminate();
          continue;
        }
        s.alive = false;
        if (s.ws.readyState !== WebSocket.OPEN) continue;
        s.ws.ping();
        s.ws.send('');
      }
    }
  }, limits.heartbeatMs).unref();

  server.on('upgrade', onUpgrade);

  return {
    get open() {
      return open;
    },
    async close() {
      closing = true;
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      const all = [...byConversation.values()].flatMap((set) => [...set]);
      await Promise.all(
        all.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.ws.once('close', () => resolve());
              shut(s, 1001, 'server_stopping');
            }),
        ),
      );
      wss.close();
    },
  };
}
