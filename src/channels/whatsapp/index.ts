/**
 * The WhatsApp channel (WhatsApp Business Cloud API), wired from the configuration: on when
 * WHATSAPP_VERIFY_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID
 * are set, undefined otherwise.
 */
import type { Activity, ConversationReference, TurnContext } from 'botbuilder-core';
import type { Db } from 'mongodb';
import type { Config } from '../../config/config';
import type { Translate } from '../../i18n/i18n';
import type { Logger } from '../../logging/logger';
import { SettingsRepository } from '../../repositories/settings-repository';
import type { StoreLayout } from '../../repositories/store-layout';
import { TurnInboxRepository } from '../../repositories/turn-inbox-repository';
import { WHATSAPP_COLLECTIONS, WhatsAppRepository } from '../../repositories/whatsapp-repository';
import { WhatsAppAdapter, WHATSAPP_CHANNEL_ID } from './adapter';
import { WhatsAppChannel, type WhatsAppBot } from './channel';
import { GraphClient } from './graph-client';

export { WhatsAppAdapter, WHATSAPP_CHANNEL_ID, ConversationGoneError } from './adapter';
export { WhatsAppChannel } from './channel';
export { GraphClient } from './graph-client';

const RECOVER_EVERY_MS = 10_000;
const PURGE_EVERY_MS = 10 * 60 * 1000;

export interface WhatsApp {
  router: ReturnType<WhatsAppChannel['router']>;
  channel: WhatsAppChannel;
  adapter: WhatsAppAdapter;
  repo: WhatsAppRepository;
  /** A Helpdesk agent's words to the person's WhatsApp (the template outside the 24-hour window). */
  deliver(ref: Partial<ConversationReference>, activities: Array<Partial<Activity>>): Promise<void>;
  /** "forget me": erases the number and what is kept with it (no-op for other channels). */
  forget(ctx: TurnContext): Promise<void>;
  close(): Promise<void>;
}

export interface WhatsAppDeps {
  cfg: Config;
  db: Db;
  layout: StoreLayout;
  bot: WhatsAppBot;
  t: Translate;
  log: Logger;
  instanceId: string;
  soleInstance: boolean;
  now?: () => Date;
  /** Runs a database operation, failing at once while the database is known to be down. */
  guard?: <T>(op: () => Promise<T>) => Promise<T>;
  /** The safety net's numbers for a text, from memory: sent when the database cannot take a message in danger. */
  emergency?: (input: { text: string }) => { replies: Array<Partial<Activity>> };
  /** Graph client tuning (tests). */
  client?: { baseDelayMs?: number; attempts?: number };
}

export async function createWhatsApp(d: WhatsAppDeps): Promise<WhatsApp | undefined> {
  const { cfg } = d;
  if (!cfg.WHATSAPP_VERIFY_TOKEN || !cfg.WHATSAPP_APP_SECRET || !cfg.WHATSAPP_ACCESS_TOKEN || !cfg.WHATSAPP_PHONE_NUMBER_ID) return undefined;
  const log = d.log.child({ channel: WHATSAPP_CHANNEL_ID });
  const secret = await new SettingsRepository(d.db).secret('whatsapp');
  const repo = new WhatsAppRepository(d.db, d.layout, secret, cfg.CONVERSATION_RETENTION_HOURS * 3600 * 1000, d.now);
  const inbox = new TurnInboxRepository(d.db, d.instanceId, undefined, { entries: WHATSAPP_COLLECTIONS.inbox, claims: WHATSAPP_COLLECTIONS.claims });
  await inbox.ensureIndexes();
  const client = new GraphClient({ graphUrl: cfg.WHATSAPP_GRAPH_URL, phoneNumberId: cfg.WHATSAPP_PHONE_NUMBER_ID, accessToken: cfg.WHATSAPP_ACCESS_TOKEN, log, ...d.client });
  const adapter = new WhatsAppAdapter({ client, repo, t: d.t, log, template: { name: cfg.WHATSAPP_TEMPLATE_NAME, languages: cfg.WHATSAPP_TEMPLATE_LANGUAGES.split(',') }, now: d.now });
  const channel = new WhatsAppChannel({ verifyToken: cfg.WHATSAPP_VERIFY_TOKEN, appSecret: cfg.WHATSAPP_APP_SECRET, phoneNumberId: cfg.WHATSAPP_PHONE_NUMBER_ID, repo, inbox, adapter, bot: d.bot, t: d.t, log, maxChars: cfg.MAX_MESSAGE_CHARS, soleInstance: d.soleInstance, guard: d.guard, emergency: d.emergency });
  const recover = setInterval(() => void channel.recover(), RECOVER_EVERY_MS);
  recover.unref();
  const purge = setInterval(() => void Promise.all([repo.purgeExpired(), inbox.purgeOld()]).catch((err: unknown) => log.warn('whatsapp.purge_failed', { errorName: err instanceof Error ? err.name : typeof err })), PURGE_EVERY_MS);
  purge.unref();
  void channel.recover();
  log.info('whatsapp.enabled', {});
  return {
    router: channel.router(),
    channel,
    adapter,
    repo,
    deliver: (ref, activities) =>
      adapter.continueConversation(ref, async (ctx) => {
        await ctx.sendActivities(activities);
      }),
    async forget(ctx) {
      if (ctx.activity.channelId === WHATSAPP_CHANNEL_ID) await repo.erase(ctx.activity.conversation.id);
    },
    async close() {
      clearInterval(recover);
      clearInterval(purge);
      await adapter.drain();
    },
  };
}
