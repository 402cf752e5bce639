/**
 * A real express server with the Direct Line channel (and optionally the web page) on a free port,
 * backed by a private database on the test FerretDB, with a tiny echo bot.
 */
import crypto from 'node:crypto';
import { serviceCard } from '../../src/bot/render/service-card';
import { loadSeed } from '../../src/catalogue/seed';
import { createI18n } from '../../src/i18n/i18n';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ActivityHandler, MessageFactory } from 'botbuilder';
import { DirectLineAdapter } from '../../src/channels/directline/adapter';
import { createDirectLineRouter, type DirectLineBot } from '../../src/channels/directline/router';
import { ActivityFeed, withFeed } from '../../src/channels/directline/feed';
import { attachDirectLineStream, type DirectLineStream, type StreamLimits } from '../../src/channels/directline/stream';
import { TokenService } from '../../src/channels/directline/tokens';
import { webRoutes } from '../../src/channels/directline/web-routes';
import { createLogger, type Logger } from '../../src/logging/logger';
import { DirectLineRepository, type DirectLineStore } from '../../src/repositories/directline-repository';
import { storeLayout } from '../../src/repositories/store-layout';
import type { LimitSettings } from '../../src/server/rate-limit';
import { openTestDb, type TestDb } from '../support/db';

export const TEST_CONFIG = { DIRECTLINE_TOKEN_TTL_SECONDS: 1800, CONVERSATION_RETENTION_HOURS: 168, MAX_MESSAGE_CHARS: 200 };

/** An Adaptive Card: its `$schema` key is one MongoDB would refuse as a field name. */
export const CARD = {
  contentType: 'application/vnd.microsoft.card.adaptive',
  content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Service card', wrap: true }] },
};

/**
 * Echoes messages. Special words: `three` (three replies), `card` (an Adaptive Card), `fail` (the
 * turn throws), `slow` (replies after a pause), `arabic` (replies in Arabic, locale ar-SA), `arabic card`
 * (a real service card and a line with a phone number, in Arabic).
 * Every reply carries the conversation language in `locale`, as Boussole's bot does.
 */
export class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMembersAdded(async (ctx, next) => {
      for (const member of ctx.activity.membersAdded ?? []) {
        if (member.id !== ctx.activity.recipient.id) await ctx.sendActivity({ ...MessageFactory.text('Welcome to the echo bot'), locale: ctx.activity.locale ?? 'en-US' });
      }
      await next();
    });
    this.onMessage(async (ctx, next) => {
      const text = ctx.activity.text ?? '';
      const locale = ctx.activity.locale ?? 'en-US';
      if (text === 'fail') throw new Error(`bot failure while handling "${text}"`);
      if (text === 'slow') await new Promise((r) => setTimeout(r, 300));
      if (text === 'three') {
        await ctx.sendActivities([1, 2, 3].map((n) => ({ ...MessageFactory.text(`part ${n}`), locale })));
      } else if (text === 'card') {
        await ctx.sendActivity({ ...MessageFactory.attachment(CARD), locale });
      } else if (text === 'arabic card') {
        // What Boussole shows in Arabic: a real service card and a line with the helpline's number.
        const { t } = createI18n();
        const service = loadSeed().services.find((x) => x.phone && /^0\d{3} \d{2} \d{2} \d{2}$/.test(x.phone) && x.address);
        if (!service) throw new Error('no service with a mobile-style number in the seed');
        const card = serviceCard({ service: { ...service, checkedAt: '2026-11-22' }, proximity: 'region', openNow: null, speaksLanguage: false }, { t, lang: 'ar', communeName: () => 'Saint-Gilles' });
        await ctx.sendActivity({ ...MessageFactory.text(t('ar', 'card.no_contact')), attachments: [card], locale: 'ar-SA', channelData: { phone: service.phone } });
      } else if (text === 'arabic') {
        await ctx.sendActivity({ ...MessageFactory.text('مرحبا، كيف يمكنني مساعدتك؟'), locale: 'ar-SA' });
      } else {
        await ctx.sendActivity({ ...MessageFactory.text(`Echo: ${text}`), locale });
      }
      await next();
    });
  }
}

export interface DirectLineServer {
  baseUrl: string;
  api: string;
  adapter: DirectLineAdapter;
  repository: DirectLineRepository;
  /** The repository as the channel uses it: its appends reach the open streams. */
  store: DirectLineStore;
  feed: ActivityFeed;
  stream: DirectLineStream;
  /** Called by the stream before (`before`) and after (`after`) each read of the log (races in tests). */
  streamReads: { before?: (conversationId: string) => Promise<void>; after?: (conversationId: string) => Promise<void> };
  secret: Buffer;
  testDb: TestDb;
  logLines: string[];
  log: Logger;
  /** Signs tokens with the server's secret and an arbitrary clock (expired tokens). */
  tokensAt(nowMs: number): TokenService;
  close(): Promise<void>;
}

export async function startDirectLineServer(
  opts: { bot?: DirectLineBot; web?: boolean; /** Rate limits (defaults otherwise). */ limits?: Partial<LimitSettings>; streamLimits?: Partial<StreamLimits> } = {},
): Promise<DirectLineServer> {
  const testDb = await openTestDb();
  const logLines: string[] = [];
  const log = createLogger('debug', {}, (line) => logLines.push(line));
  const repository = new DirectLineRepository(testDb.db, { retentionMs: TEST_CONFIG.CONVERSATION_RETENTION_HOURS * 3600 * 1000, layout: await storeLayout(testDb.db) });
  await repository.ensureIndexes();
  const feed = new ActivityFeed();
  const store = withFeed(repository, feed);
  const adapter = new DirectLineAdapter({ repository: store, log });
  const secret = crypto.randomBytes(32);
  const config = { ...TEST_CONFIG, ...opts.limits };
  const app = express();
  app.use('/v3/directline', createDirectLineRouter({ adapter, repository: store, bot: opts.bot ?? new EchoBot(), secret, config, log, streaming: true }));
  if (opts.web) app.use(webRoutes());
  const server = http.createServer(app);
  const streamReads: DirectLineServer['streamReads'] = {};
  const streamStore = {
    getConversation: (id: string) => store.getConversation(id),
    async listActivities(conversationId: string, afterSeq: number, limit: number) {
      await streamReads.before?.(conversationId);
      const read = await store.listActivities(conversationId, afterSeq, limit);
      await streamReads.after?.(conversationId);
      return read;
    },
  };
  const stream = attachDirectLineStream(server, { repository: streamStore, feed, secret, config, log, limits: opts.streamLimits });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    api: `${baseUrl}/v3/directline`,
    adapter,
    repository,
    store,
    feed,
    stream,
    streamReads,
    secret,
    testDb,
    logLines,
    log,
    tokensAt: (nowMs) => new TokenService(secret, TEST_CONFIG.DIRECTLINE_TOKEN_TTL_SECONDS, () => nowMs),
    async close() {
      await stream.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await adapter.drain();
      await testDb.close();
    },
  };
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  contentType: string;
  body: T;
}

export async function call<T = Record<string, unknown>>(url: string, init: { method?: string; token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text for the assertion message
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed as T };
}

export interface WireActivity {
  id: string;
  type: string;
  text?: string;
  name?: string;
  locale?: string;
  timestamp: string;
  replyToId?: string;
  from: { id: string; role?: string };
  conversation: { id: string };
  channelId: string;
  serviceUrl: string;
  channelData?: { clientActivityID?: string };
  attachments?: { contentType: string; content: Record<string, unknown> }[];
  value?: unknown;
}

export interface ActivitySet {
  activities: WireActivity[];
  watermark: string;
}

/** A client that calls the endpoints the way botframework-directlinejs does when polling. */
export class DirectLineClient {
  token = '';
  conversationId = '';
  userId = '';
  watermark = '';
  readonly seen: WireActivity[] = [];
  private posted = 0;

  constructor(private readonly api: string) {}

  async generate(body?: unknown): Promise<Reply<{ conversationId: string; token: string; expires_in: number }>> {
    const r = await call<{ conversationId: string; token: string; expires_in: number }>(`${this.api}/tokens/generate`, { method: 'POST', json: body });
    if (r.status === 200) {
      this.token = r.body.token;
      this.conversationId = r.body.conversationId;
      this.userId = (JSON.parse(Buffer.from(r.body.token.split('.')[1], 'base64url').toString('utf8')) as { user: string }).user;
    }
    return r;
  }

  start(locale = 'en-US'): Promise<Reply<{ conversationId: string; token: string; expires_in: number }>> {
    return call(`${this.api}/conversations`, { method: 'POST', token: this.token, json: { user: {}, locale } });
  }

  async poll(): Promise<Reply<ActivitySet>> {
    const r = await call<ActivitySet>(`${this.api}/conversations/${this.conversationId}/activities?watermark=${this.watermark}`, { token: this.token });
    if (r.status === 200) {
      this.seen.push(...r.body.activities);
      this.watermark = r.body.watermark;
    }
    return r;
  }

  post(activity: Record<string, unknown>): Promise<Reply<{ id: string }>> {
    return call(`${this.api}/conversations/${this.conversationId}/activities`, { method: 'POST', token: this.token, json: activity });
  }

  /** Posts a message as Web Chat does: a fresh clientActivityID in channelData. */
  say(text: string, extra: Record<string, unknown> = {}): Promise<Reply<{ id: string }>> {
    this.posted += 1;
    return this.post({ type: 'message', text, from: { id: this.userId, role: 'user' }, locale: 'en-US', channelData: { clientActivityID: `c${this.posted}-${Date.now()}` }, attachments: [], ...extra });
  }

  /** Polls until `predicate` holds for the activities seen so far (a wait, not a timing assertion). */
  async pollUntil(predicate: (seen: WireActivity[]) => boolean, timeoutMs = 10000): Promise<WireActivity[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.poll();
      if (r.status !== 200) throw new Error(`poll answered ${r.status}: ${JSON.stringify(r.body)}`);
      if (predicate(this.seen)) return this.seen;
      if (Date.now() > deadline) throw new Error(`condition not met; seen: ${JSON.stringify(this.seen.map((a) => [a.type, a.text ?? a.name]))}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

export const botMessages = (seen: WireActivity[]): string[] => seen.filter((a) => a.from.role === 'bot' && a.type === 'message').map((a) => a.text ?? '');
