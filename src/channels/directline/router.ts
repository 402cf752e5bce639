/**
 * The Direct Line 3.0 REST endpoints that botframework-directlinejs calls, mounted at /v3/directline:
 * start and resume (with a `streamUrl` when streaming is on, see stream.ts), post, poll. Every
 * failure is a JSON `{ error: { code, message } }`.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { TurnContext } from 'botbuilder';
import type { Config } from '../../config/config';
import type { Logger } from '../../logging/logger';
import type { DirectLineConversation, DirectLineStore } from '../../repositories/directline-repository';
import type { DirectLineAdapter } from './adapter';
import { describeIssues, generateTokenSchema, startConversationSchema, userActivitySchema } from './activity-schema';
import { DirectLineHttpError, sendError } from './errors';
import { activityId, CHANNEL_ID, isUserId, newConversationId, newUserId } from './ids';
import { TokenService, type TokenClaims } from './tokens';
import { rejectDeepJson } from '../../server/json-depth';
import { isStorageError } from '../../db/storage-watch';
import { TurnKeeper } from './turn-keeper';
import { directLineRateLimit, type LimitSettings } from '../../server/rate-limit';
import { streamUrl } from './stream';

export const BODY_LIMIT_BYTES = 32 * 1024;
const POLL_BATCH = 100;
const WATERMARK = /^\d{1,9}$/;

export interface DirectLineBot {
  run(context: TurnContext): Promise<void>;
}

export interface DirectLineRouterOptions {
  adapter: DirectLineAdapter;
  repository: DirectLineStore;
  bot: DirectLineBot;
  /** HMAC key for tokens, at least 32 bytes; the same on every server instance. */
  secret: Buffer;
  config: Pick<Config, 'DIRECTLINE_TOKEN_TTL_SECONDS' | 'MAX_MESSAGE_CHARS'> & Partial<LimitSettings>;
  log: Logger;
  /** Clock for token expiry (tests). */
  now?: () => number;
  /** Runs turns so that none is lost; answers from memory while the database is down. Default: plain. */
  keeper?: TurnKeeper;
  /** A WebSocket stream is attached (attachDirectLineStream): starting or resuming returns its `streamUrl`. */
  streaming?: boolean;
}

interface Authed {
  claims: TokenClaims;
}

type AuthedRequest = Request & { directline?: Authed };

function claimsOf(req: Request): TokenClaims {
  const authed = (req as AuthedRequest).directline;
  if (!authed) throw new DirectLineHttpError(401, 'missing_token', 'A Bearer token is required.');
  return authed.claims;
}

export function createDirectLineRouter(opts: DirectLineRouterOptions): Router {
  const { adapter, repository, bot, log } = opts;
  const keeper = opts.keeper ?? new TurnKeeper({ adapter, repository, bot, log });
  /** True when the database failed and this request can be answered from memory instead. */
  const standby = (err: unknown): boolean => keeper.canStandby && isStorageError(err);
  const tokens = new TokenService(opts.secret, opts.config.DIRECTLINE_TOKEN_TTL_SECONDS, opts.now);
  const activitySchema = userActivitySchema(opts.config.MAX_MESSAGE_CHARS);
  const router = express.Router();

  router.use((_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    next();
  });
  router.use(directLineRateLimit(opts.config)); // before any work: 429 + Retry-After (per conversation, per address)
  router.use(express.json({ limit: BODY_LIMIT_BYTES, strict: true, type: 'application/json' }), rejectDeepJson());

  const requireToken = (req: Request, _res: Response, next: NextFunction): void => {
    const header = req.get('authorization');
    const match = header ? /^Bearer ([^\s]+)$/i.exec(header) : null;
    if (!match) throw new DirectLineHttpError(401, 'missing_token', 'A Bearer token is required.');
    const check = tokens.verify(match[1]);
    if (!check.ok) {
      if (check.reason === 'expired') throw new DirectLineHttpError(403, 'token_expired', 'The token has expired.');
      throw new DirectLineHttpError(403, 'invalid_token', 'The token is not valid.');
    }
    (req as AuthedRequest).directline = { claims: check.claims };
    next();
  };

  /** The token must be for this very conversation (checked before existence: no probing of ids). */
  const conversationFor = async (req: Request): Promise<{ claims: TokenClaims; conversation: DirectLineConversation }> => {
    const claims = claimsOf(req);
    const id = req.params.id;
    if (id !== claims.conversationId) throw new DirectLineHttpError(403, 'wrong_conversation', 'The token does not grant access to this conversation.');
    const conversation = await keeper.guard(() => repository.getConversation(id));
    if (!conversation) throw new DirectLineHttpError(404, 'conversation_not_found', 'The conversation does not exist or has ended.');
    if (conversation.userId !== claims.userId) throw new DirectLineHttpError(403, 'wrong_user', 'The token does not grant access to this conversation.');
    return { claims, conversation };
  };

  const tokenReply = (conversationId: string, userId: string) => {
    const issued = tokens.issue(conversationId, userId);
    return { conversationId, token: issued.token, expires_in: issued.expiresIn };
  };

  /** Starting or resuming: the token, and where to stream from (after `watermark`) when streaming is on. */
  const conversationReply = (req: Request, conversationId: string, userId: string, watermark = '') => {
    const reply = tokenReply(conversationId, userId);
    const url = opts.streaming ? streamUrl(req, conversationId, watermark, reply.token) : undefined;
    return url ? { ...reply, streamUrl: url } : reply;
  };


  router.post('/tokens/generate', (req, res) => {
    const body = generateTokenSchema.safeParse(req.body);
    if (!body.success) throw new DirectLineHttpError(400, 'invalid_request', describeIssues(body.error));
    const requested = body.data?.user?.id;
    const userId = isUserId(requested) ? requested : newUserId();
    res.json(tokenReply(newConversationId(), userId));
  });

  router.post('/tokens/refresh', requireToken, (req, res) => {
    const claims = claimsOf(req);
    res.json(tokenReply(claims.conversationId, claims.userId));
  });

  router.post('/conversations', requireToken, async (req, res) => {
    const claims = claimsOf(req);
    const body = startConversationSchema.safeParse(req.body);
    if (!body.success) throw new DirectLineHttpError(400, 'invalid_request', describeIssues(body.error));
    const requestedUser = body.data?.user?.id;
    if (requestedUser !== undefined && requestedUser !== claims.userId) throw new DirectLineHttpError(403, 'wrong_user', 'The user id does not match the token.');
    let outcome: Awaited<ReturnType<DirectLineStore['createConversation']>>;
    try {
      outcome = await keeper.guard(() => repository.createConversation({ id: claims.conversationId, userId: claims.userId, locale: body.data?.locale }));
    } catch (err) {
      if (!standby(err)) throw err;
      keeper.keepConversation({ conversationId: claims.conversationId, userId: claims.userId, locale: body.data?.locale });
      res.status(201).json(conversationReply(req, claims.conversationId, claims.userId));
      return;
    }
    const { created, conversation } = outcome;
    if (conversation.userId !== claims.userId) throw new DirectLineHttpError(403, 'wrong_user', 'The token does not grant access to this conversation.');
    const startId = `${conversation.id}|start`;
    const start = keeper.startActivity(conversation.id, conversation.userId, conversation.locale);
    const runNow = created ? await keeper.register(conversation.id, startId, start) : false;
    res.status(created ? 201 : 200).json(conversationReply(req, conversation.id, conversation.userId));
    if (!created) return;
    log.info('directline.conversation.started', { conversationId: conversation.id });
    if (runNow) keeper.start(startId, start);
  });

  // Resuming (directlinejs does it whenever its stream closes): a fresh token and streamUrl from the watermark.
  router.get('/conversations/:id', requireToken, async (req, res) => {
    const raw = req.query.watermark;
    const watermark = typeof raw === 'string' && WATERMARK.test(raw) ? raw : '';
    try {
      const { conversation } = await conversationFor(req);
      if (raw !== undefined && raw !== '' && !watermark) throw new DirectLineHttpError(400, 'invalid_watermark', 'The watermark must be a number.');
      res.json(conversationReply(req, conversation.id, conversation.userId, watermark));
    } catch (err) {
      if (!standby(err)) throw err;
      const claims = claimsOf(req); // checked against the id in conversationFor, before the database
      res.json(conversationReply(req, claims.conversationId, claims.userId, watermark));
    }
  });

  router.get('/conversations/:id/activities', requireToken, async (req, res) => {
    const raw = req.query.watermark;
    const validWatermark = raw === undefined || (typeof raw === 'string' && (raw === '' || WATERMARK.test(raw)));
    const after = validWatermark && raw ? Number(raw) : 0;
    let conversation: DirectLineConversation;
    let stored: Awaited<ReturnType<DirectLineStore['listActivities']>>;
    try {
      conversation = (await conversationFor(req)).conversation;
      if (!validWatermark) throw new DirectLineHttpError(400, 'invalid_watermark', 'The watermark must be a number.');
      stored = await keeper.guard(() => repository.listActivities(conversation.id, after, POLL_BATCH));
    } catch (err) {
      if (!standby(err)) throw err;
      // The database is down: what was said from memory, the watermark unchanged.
      const kept = keeper.standby.list(claimsOf(req).conversationId).map(({ id, activity }) => ({ ...activity, id }));
      res.json({ activities: kept, watermark: String(after) });
      return;
    }
    const activities = stored.map(({ seq, activity }) => ({ ...activity, id: activityId(conversation.id, seq) }));
    const watermark = stored.length ? stored[stored.length - 1].seq : after;
    res.json({ activities, watermark: String(watermark) });
  });

  router.post('/conversations/:id/activities', requireToken, async (req, res) => {
    let found: DirectLineConversation | undefined;
    try {
      found = (await conversationFor(req)).conversation;
    } catch (err) {
      if (!standby(err)) throw err; // the token was checked against this conversation; go on from memory
    }
    const claims = claimsOf(req);
    if (!req.is('application/json')) throw new DirectLineHttpError(415, 'unsupported_media_type', 'Send the activity as application/json.');
    const parsed = activitySchema.safeParse(req.body);
    if (!parsed.success) throw new DirectLineHttpError(400, 'invalid_activity', describeIssues(parsed.error));
    const input = parsed.data;
    if (input.attachments?.length) throw new DirectLineHttpError(400, 'attachments_not_accepted', 'Attachments are not accepted on this channel.');
    if (input.from.id !== claims.userId) throw new DirectLineHttpError(403, 'wrong_user', 'from.id does not match the token.');
    const conversationId = claims.conversationId;
    if (input.type === 'typing') {
      // Typing signals are neither stored nor sent to the bot.
      res.json({ id: `${conversationId}|typing` });
      return;
    }
    const user = { id: claims.userId, ...(input.from.name ? { name: input.from.name } : {}), role: 'user' };
    const activity: Record<string, unknown> = {
      type: input.type,
      text: input.text,
      textFormat: input.textFormat,
      locale: input.locale ?? found?.locale,
      localTimestamp: input.localTimestamp,
      localTimezone: input.localTimezone,
      name: input.type === 'event' ? input.name : undefined,
      value: input.value,
      channelData: input.channelData,
      entities: input.entities,
      from: user,
      recipient: adapter.botAccount,
      conversation: { id: conversationId },
      channelId: CHANNEL_ID,
      serviceUrl: adapter.serviceUrl,
      timestamp: new Date().toISOString(),
    };
    for (const key of Object.keys(activity)) if (activity[key] === undefined) delete activity[key];
    // While earlier messages wait in the local queue, this one waits behind them (order is kept).
    if (!found || keeper.hasKept) {
      res.json({ id: keeper.keepMessage(conversationId, activity) });
      void keeper.recover();
      return;
    }
    const accepted = await keeper.inOrder(conversationId, async () => {
      let seqs: number[] | null;
      try {
        seqs = await keeper.guard(() => repository.appendActivities(conversationId, [activity]));
      } catch (err) {
        if (!standby(err)) throw err;
        return { kept: keeper.keepMessage(conversationId, activity) };
      }
      if (!seqs) throw new DirectLineHttpError(404, 'conversation_not_found', 'The conversation does not exist or has ended.');
      const id = activityId(conversationId, seqs[0]);
      return { id, runNow: await keeper.register(conversationId, id, { ...activity, id }) };
    });
    if ('kept' in accepted) {
      res.json({ id: accepted.kept });
      return;
    }
    const { id, runNow } = accepted;
    res.json({ id });
    log.debug('directline.activity.received', { conversationId, activityType: input.type });
    if (runNow) keeper.start(id, { ...activity, id });
  });

  router.post('/conversations/:id/upload', () => {
    throw new DirectLineHttpError(400, 'uploads_not_accepted', 'File uploads are not accepted on this channel.');
  });

  router.use(() => {
    throw new DirectLineHttpError(404, 'not_found', 'Unknown Direct Line endpoint.');
  });

  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof DirectLineHttpError) {
      sendError(res, err.status, err.code, err.message);
      return;
    }
    const bodyError = bodyParserError(err);
    if (bodyError) {
      sendError(res, bodyError.status, bodyError.code, bodyError.message);
      return;
    }
    log.error('directline.request.failed', { method: req.method, route: req.route?.path, errorName: err instanceof Error ? err.name : typeof err });
    sendError(res, 500, 'internal_error', 'Something went wrong on the server.');
  });

  return router;
}

/** Maps body-parser failures (they carry `type` and a 4xx `status`) to our error shape. */
function bodyParserError(err: unknown): { status: number; code: string; message: string } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, status } = err as { type?: unknown; status?: unknown };
  switch (type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'malformed_json', message: 'The request body is not valid JSON.' };
    case 'entity.too.large':
      return { status: 413, code: 'payload_too_large', message: `The request body is larger than ${BODY_LIMIT_BYTES} bytes.` };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'unsupported_media_type', message: 'Unsupported body encoding.' };
    default:
      if (typeof status === 'number' && status >= 400 && status < 500) return { status, code: 'bad_request', message: 'The request could not be read.' };
      return undefined;
  }
}
