/**
 * The Direct Line 3.0 REST endpoints that botframework-directlinejs calls when polling
 * (webSocket: false), mounted at /v3/directline. Every failure is a JSON `{ error: { code, message } }`.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Activity, TurnContext } from 'botbuilder';
import type { Config } from '../../config/config';
import type { Logger } from '../../logging/logger';
import type { DirectLineConversation, DirectLineStore } from '../../repositories/directline-repository';
import type { DirectLineAdapter } from './adapter';
import { describeIssues, generateTokenSchema, startConversationSchema, userActivitySchema } from './activity-schema';
import { DirectLineHttpError, sendError } from './errors';
import { activityId, CHANNEL_ID, isUserId, newConversationId, newUserId } from './ids';
import { TokenService, type TokenClaims } from './tokens';

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
  config: Pick<Config, 'DIRECTLINE_TOKEN_TTL_SECONDS' | 'MAX_MESSAGE_CHARS'>;
  log: Logger;
  /** Clock for token expiry (tests). */
  now?: () => number;
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
  const tokens = new TokenService(opts.secret, opts.config.DIRECTLINE_TOKEN_TTL_SECONDS, opts.now);
  const activitySchema = userActivitySchema(opts.config.MAX_MESSAGE_CHARS);
  const router = express.Router();

  router.use((_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    next();
  });
  router.use(express.json({ limit: BODY_LIMIT_BYTES, strict: true, type: 'application/json' }));

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
    const conversation = await repository.getConversation(id);
    if (!conversation) throw new DirectLineHttpError(404, 'conversation_not_found', 'The conversation does not exist or has ended.');
    if (conversation.userId !== claims.userId) throw new DirectLineHttpError(403, 'wrong_user', 'The token does not grant access to this conversation.');
    return { claims, conversation };
  };

  const tokenReply = (conversationId: string, userId: string) => {
    const issued = tokens.issue(conversationId, userId);
    return { conversationId, token: issued.token, expires_in: issued.expiresIn };
  };

  const runTurn = (activity: Activity): void => {
    adapter.processActivity(activity, (context) => bot.run(context)).catch((err: unknown) => {
      log.error('directline.turn.unhandled', { conversationId: activity.conversation.id, activityType: activity.type, errorName: err instanceof Error ? err.name : typeof err });
    });
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
    const { created, conversation } = await repository.createConversation({ id: claims.conversationId, userId: claims.userId, locale: body.data?.locale });
    if (conversation.userId !== claims.userId) throw new DirectLineHttpError(403, 'wrong_user', 'The token does not grant access to this conversation.');
    res.status(created ? 201 : 200).json(tokenReply(conversation.id, conversation.userId));
    if (!created) return;
    log.info('directline.conversation.started', { conversationId: conversation.id });
    const user = { id: conversation.userId, role: 'user' };
    runTurn({
      type: 'conversationUpdate',
      id: `${conversation.id}|start`,
      membersAdded: [adapter.botAccount, user],
      from: user,
      recipient: adapter.botAccount,
      conversation: { id: conversation.id },
      channelId: CHANNEL_ID,
      serviceUrl: adapter.serviceUrl,
      locale: conversation.locale,
      timestamp: new Date(),
    } as Activity);
  });

  router.get('/conversations/:id', requireToken, async (req, res) => {
    const { conversation } = await conversationFor(req);
    res.json(tokenReply(conversation.id, conversation.userId));
  });

  router.get('/conversations/:id/activities', requireToken, async (req, res) => {
    const { conversation } = await conversationFor(req);
    const raw = req.query.watermark;
    if (raw !== undefined && (typeof raw !== 'string' || (raw !== '' && !WATERMARK.test(raw)))) {
      throw new DirectLineHttpError(400, 'invalid_watermark', 'The watermark must be a number.');
    }
    const after = raw ? Number(raw) : 0;
    const stored = await repository.listActivities(conversation.id, after, POLL_BATCH);
    const activities = stored.map(({ seq, activity }) => ({ ...activity, id: activityId(conversation.id, seq) }));
    const watermark = stored.length ? stored[stored.length - 1].seq : after;
    res.json({ activities, watermark: String(watermark) });
  });

  router.post('/conversations/:id/activities', requireToken, async (req, res) => {
    const { claims, conversation } = await conversationFor(req);
    if (!req.is('application/json')) throw new DirectLineHttpError(415, 'unsupported_media_type', 'Send the activity as application/json.');
    const parsed = activitySchema.safeParse(req.body);
    if (!parsed.success) throw new DirectLineHttpError(400, 'invalid_activity', describeIssues(parsed.error));
    const input = parsed.data;
    if (input.attachments?.length) throw new DirectLineHttpError(400, 'attachments_not_accepted', 'Attachments are not accepted on this channel.');
    if (input.from.id !== claims.userId) throw new DirectLineHttpError(403, 'wrong_user', 'from.id does not match the token.');
    if (input.type === 'typing') {
      // Typing signals are neither stored nor sent to the bot.
      res.json({ id: `${conversation.id}|typing` });
      return;
    }
    const user = { id: claims.userId, ...(input.from.name ? { name: input.from.name } : {}), role: 'user' };
    const activity: Record<string, unknown> = {
      type: input.type,
      text: input.text,
      textFormat: input.textFormat,
      locale: input.locale ?? conversation.locale,
      localTimestamp: input.localTimestamp,
      localTimezone: input.localTimezone,
      name: input.type === 'event' ? input.name : undefined,
      value: input.value,
      channelData: input.channelData,
      entities: input.entities,
      from: user,
      recipient: adapter.botAccount,
      conversation: { id: conversation.id },
      channelId: CHANNEL_ID,
      serviceUrl: adapter.serviceUrl,
      timestamp: new Date().toISOString(),
    };
    for (const key of Object.keys(activity)) if (activity[key] === undefined) delete activity[key];
    const seqs = await repository.appendActivities(conversation.id, [activity]);
    if (!seqs) throw new DirectLineHttpError(404, 'conversation_not_found', 'The conversation does not exist or has ended.');
    const id = activityId(conversation.id, seqs[0]);
    res.json({ id });
    log.debug('directline.activity.received', { conversationId: conversation.id, activityType: input.type });
    runTurn({ ...activity, id } as unknown as Activity);
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
