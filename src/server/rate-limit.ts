/**
 * Rate limits of the channels (Direct Line and /api/messages): a token bucket per conversation and
 * one per client address, for messages and, apart and more generous, for Direct Line reads (Web Chat
 * polls about once a second). Over the limit: 429, `Retry-After`, and the channel's JSON error.
 *
 * The buckets live in this process's memory: with several server instances, each one counts on its
 * own, so the limits are per instance. Memory stays bounded: a bucket idle long enough to be full
 * again is forgotten (nothing is lost: a new one starts full), and at most MAX_KEYS are kept.
 */
import type { Request, RequestHandler, Response } from 'express';
import { sendError as directLineError } from '../channels/directline/errors';
import { VARIABLES, type Config } from '../config/config';
import { sendError as serverError } from './errors';

const MAX_KEYS = 100_000;

export type LimitSettings = Pick<Config, 'RATE_LIMIT_MESSAGES_PER_MINUTE' | 'RATE_LIMIT_POLLS_PER_MINUTE' | 'RATE_LIMIT_ADDRESS_MESSAGES_PER_MINUTE' | 'RATE_LIMIT_ADDRESS_POLLS_PER_MINUTE'>;
type SendError = (res: Response, status: number, code: string, message: string) => void;

/** Buckets of `perMinute` tokens a minute holding at most half a minute's worth (the burst); 0: no limit. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  readonly capacity: number;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = MAX_KEYS,
  ) {
    this.capacity = Math.max(1, Math.floor(perMinute / 2));
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Tokens available for `key` now; the bucket moves to the most recently used end. */
  available(key: string): number {
    const now = this.now();
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.capacity, b.tokens + ((now - b.at) * this.perMinute) / 60_000) : this.capacity;
    this.buckets.delete(key);
    this.buckets.set(key, { tokens, at: now });
    this.evict(now);
    return tokens;
  }

  spend(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.tokens -= 1;
  }

  /** Whole seconds until a bucket holding `tokens` has one again. */
  secondsUntilOne(tokens: number): number {
    return Math.max(1, Math.ceil(((1 - tokens) * 60) / this.perMinute));
  }

  /** Buckets are kept in order of use: the oldest are the idle ones. */
  private evict(now: number): void {
    const fullAfterMs = (this.capacity * 60_000) / this.perMinute;
    for (const [key, b] of this.buckets) {
      if (this.buckets.size <= this.maxKeys && now - b.at < fullAfterMs) break;
      this.buckets.delete(key);
    }
  }
}

/**
 * Takes one token from every (buckets, key) pair, or from none: returns 0 when allowed, else the
 * seconds to wait. A refused request costs nothing, so one busy conversation does not use up its address.
 */
export function take(pairs: Array<[TokenBuckets, string | undefined]>): number {
  const active = pairs.filter((p): p is [TokenBuckets, string] => p[0].perMinute > 0 && p[1] !== undefined);
  let wait = 0;
  for (const [buckets, key] of active) {
    const tokens = buckets.available(key);
    if (tokens < 1) wait = Math.max(wait, buckets.secondsUntilOne(tokens));
  }
  if (!wait) for (const [buckets, key] of active) buckets.spend(key);
  return wait;
}

/** The client's address; IPv6 by /64, the block one subscriber usually holds. */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head, tail] = ip.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

export function settingsOf(cfg: Partial<Config>): LimitSettings {
  const value = (name: keyof LimitSettings) => cfg[name] ?? Number(VARIABLES[name].default);
  return {
    RATE_LIMIT_MESSAGES_PER_MINUTE: value('RATE_LIMIT_MESSAGES_PER_MINUTE'),
    RATE_LIMIT_POLLS_PER_MINUTE: value('RATE_LIMIT_POLLS_PER_MINUTE'),
    RATE_LIMIT_ADDRESS_MESSAGES_PER_MINUTE: value('RATE_LIMIT_ADDRESS_MESSAGES_PER_MINUTE'),
    RATE_LIMIT_ADDRESS_POLLS_PER_MINUTE: value('RATE_LIMIT_ADDRESS_POLLS_PER_MINUTE'),
  };
}

/**
 * The limiter of one channel endpoint. `conversationOf` names the conversation (undefined: the
 * address alone counts); `isRead` picks the reading buckets. Settings missing from `cfg` get their defaults.
 */
export function rateLimit(opts: { cfg: Partial<Config>; sendError: SendError; conversationOf: (req: Request) => string | undefined; isRead?: (req: Request) => boolean; now?: () => number }): RequestHandler {
  const s = settingsOf(opts.cfg);
  const now = opts.now ?? Date.now;
  const messages = { conversation: new TokenBuckets(s.RATE_LIMIT_MESSAGES_PER_MINUTE, now), address: new TokenBuckets(s.RATE_LIMIT_ADDRESS_MESSAGES_PER_MINUTE, now) };
  const reads = { conversation: new TokenBuckets(s.RATE_LIMIT_POLLS_PER_MINUTE, now), address: new TokenBuckets(s.RATE_LIMIT_ADDRESS_POLLS_PER_MINUTE, now) };
  return (req, res, next) => {
    const kind = opts.isRead?.(req) ? reads : messages;
    const wait = take([
      [kind.conversation, opts.conversationOf(req)],
      [kind.address, addressKey(req.ip ?? req.socket.remoteAddress)],
    ]);
    if (!wait) return next();
    res.set('Retry-After', String(wait));
    opts.sendError(res, 429, 'too_many_requests', `Too many requests: try again in ${wait} s.`);
  };
}

/** Direct Line: the conversation in the path (checked against the token later); GETs are reads (polls, resume). */
export function directLineRateLimit(cfg: Partial<Config>, now?: () => number): RequestHandler {
  return rateLimit({ cfg, now, sendError: directLineError, conversationOf: (req) => /^\/conversations\/([^/?]{1,256})/.exec(req.path)?.[1], isRead: (req) => req.method === 'GET' || req.method === 'HEAD' });
}

/** /api/messages (after JSON parsing): the activity's channel and conversation. */
export function botEndpointRateLimit(cfg: Partial<Config>, now?: () => number): RequestHandler {
  return rateLimit({ cfg, now, sendError: serverError, conversationOf: (req) => conversationOfActivity(req.body) });
}

function conversationOfActivity(body: unknown): string | undefined {
  const a = body as { channelId?: unknown; conversation?: { id?: unknown } } | undefined;
  const id = a?.conversation?.id;
  return typeof id === 'string' && id.length <= 256 ? `${typeof a?.channelId === 'string' ? a.channelId.slice(0, 64) : ''}|${id}` : undefined;
}
