/**
 * `POST /api/messages`: the Bot Framework channel endpoint (Azure Bot Service, Emulator, …).
 * JWT validation is on whenever an app id is configured; off only in explicit local mode.
 * Activities are validated before CloudAdapter sees them (it answers 500 on some malformed ones).
 * Never an activity of our web chat's channel (`directline`: its conversations live in
 * src/channels/directline); in local mode, replies go to a loopback serviceUrl only.
 */
import express, { type Router } from 'express';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Config } from '../config/config';
import { CHANNEL_ID as WEB_CHAT_CHANNEL } from '../channels/directline/ids';
import type { Logger } from '../logging/logger';
import { sendError } from './errors';
import { rejectDeepJson } from './json-depth';
import { botEndpointRateLimit } from './rate-limit';

const account = z.object({ id: z.string().min(1).max(256) }).passthrough();
const incomingActivity = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(256).optional(),
    // Letters, digits, dot, dash, underscore: a channel id never shapes another channel's storage keys.
    channelId: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/),
    serviceUrl: z.string().url().max(2048),
    from: account,
    recipient: account,
    conversation: account,
    text: z.string().optional(),
    locale: z.string().max(20).optional(),
  })
  .passthrough();

export function createCloudAdapter(cfg: Config, log: Logger): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: cfg.MICROSOFT_APP_ID ?? '',
    MicrosoftAppPassword: cfg.MICROSOFT_APP_PASSWORD ?? '',
    MicrosoftAppType: cfg.MICROSOFT_APP_TYPE ?? (cfg.MICROSOFT_APP_ID ? 'MultiTenant' : ''),
    MicrosoftAppTenantId: cfg.MICROSOFT_APP_TENANT_ID ?? '',
  } as ConfigurationBotFrameworkAuthenticationOptions);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (ctx: TurnContext, err: Error) => {
    log.error('bot.turn_error', { channel: ctx.activity.channelId, error: err });
  };
  return adapter;
}

/**
 * A Bot Framework channel token is an RS256 JWT with a key id. Anything else (no header, "alg":
 * "none", garbage) is refused here with a 401, before the adapter spends a key download on it.
 */
export function looksLikeChannelToken(authorization: string | undefined): boolean {
  const m = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!m) return false;
  try {
    const header = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown };
    return header.alg === 'RS256' && typeof header.kid === 'string' && header.kid.length > 0;
  } catch {
    return false;
  }
}

/** Replies of a local-mode turn (no caller is authenticated) may only go to this machine. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackServiceUrl(serviceUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname) && !url.username && !url.password;
}

export function botEndpoint(opts: { cfg: Config; adapter: CloudAdapter; bot: { run(ctx: TurnContext): Promise<void> }; track: <T>(p: Promise<T>) => Promise<T> }): Router {
  const router = express.Router();
  router.post('/api/messages', express.json({ limit: '64kb' }), botEndpointRateLimit(opts.cfg), rejectDeepJson(), async (req, res) => {
    if (opts.cfg.botAuth === 'disabled') return sendError(res, 503, 'channel_disabled', 'The Bot Framework channel is off: set MICROSOFT_APP_ID (or BOT_AUTH=local for local development).');
    const max = opts.cfg.MAX_MESSAGE_CHARS;
    const parsed = incomingActivity.safeParse(req.body);
    if (!parsed.success) return sendError(res, 400, 'invalid_activity', `Invalid activity: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    if (opts.cfg.botAuth === 'jwt' && !looksLikeChannelToken(req.headers.authorization)) return sendError(res, 401, 'unauthorized', 'A valid Bot Framework token is required.');
    // The web chat's conversations (and their state, handoff sessions and "forget me") are reached through /v3/directline only.
    if (parsed.data.channelId.toLowerCase() === WEB_CHAT_CHANNEL) return sendError(res, 403, 'channel_not_allowed', `Activities of channel "${WEB_CHAT_CHANNEL}" are served by /v3/directline, not by /api/messages.`);
    if (opts.cfg.botAuth === 'local' && !isLoopbackServiceUrl(parsed.data.serviceUrl)) return sendError(res, 403, 'service_url_not_allowed', 'In local mode (BOT_AUTH=local) replies go to this machine only: serviceUrl must be http(s)://127.0.0.1, localhost or [::1].');
    if (typeof parsed.data.text === 'string' && parsed.data.text.length > max) return sendError(res, 413, 'text_too_long', `Message text is limited to ${max} characters.`);
    await opts.track(opts.adapter.process(req, res, (ctx) => opts.bot.run(ctx)));
  });
  return router;
}
