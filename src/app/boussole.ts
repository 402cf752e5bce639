/**
 * Composition root: configuration → database → repositories → engine → bot → channels → HTTP.
 * Everything is wired here and nowhere else, so the inner modules never import the outer ones.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ConversationState, UserState, type Activity, type ConversationReference, type TurnContext } from 'botbuilder-core';
import { Places } from '../catalogue/places';
import type { BassinId } from '../catalogue/schema';
import { loadSeed } from '../catalogue/seed';
import { loadConfig, type Config } from '../config/config';
import { openDatabase, type Database } from '../db/database';
import { loadGraphs } from '../engine/graph-loader';
import { Engine } from '../engine/interpreter';
import { createI18n, pickText } from '../i18n/i18n';
import { headlineInWords, situationInWords, type CaseWords } from '../helpdesk/situation-words';
import { createLogger, type Logger } from '../logging/logger';
import { BoussoleBot } from '../bot/boussole-bot';
import { BoussoleDialog } from '../bot/boussole-dialog';
import { createUnderstanding } from '../nlu';
import { CatalogueRepository } from '../repositories/catalogue-repository';
import { CatalogueSnapshot } from '../repositories/catalogue-snapshot';
import { ClusterBus } from '../cluster/event-bus';
import { InstanceEventsRepository } from '../repositories/instance-events-repository';
import { TurnLeaseRepository } from '../repositories/turn-lease-repository';
import { MongoBotStorage } from '../repositories/bot-state-storage';
import { storeLayout } from '../repositories/store-layout';
import { SettingsRepository } from '../repositories/settings-repository';
import { UnmetNeedsRepository } from '../repositories/unmet-needs-repository';
import { DirectLineRepository } from '../repositories/directline-repository';
import { ActivityFeed, attachDirectLineStream, createDirectLineRouter, DirectLineAdapter, webRoutes, withFeed } from '../channels/directline';
import { botEndpoint, createCloudAdapter } from '../server/bot-endpoint';
import { errorHandler, notFound } from '../server/errors';
import { journeysRoutes } from '../server/journeys-page';
import { safetyCheck } from './safety';
import { careFacts, loadCareJourneys } from '../safety';
import path from 'node:path';
import { createHandoff, Outbox, sessionKey } from '../handoff';
import { createHelpdesk } from '../helpdesk';
import { HandoffRepository } from '../repositories/handoff-repository';
import { mongoPorts } from './engine-ports';
import crypto from 'node:crypto';
import { StorageWatch } from '../db/storage-watch';
import { DurableQueue } from '../local/durable-queue';
import { TurnInboxRepository } from '../repositories/turn-inbox-repository';
import { TurnKeeper, type KeptItem } from '../channels/directline/turn-keeper';
import { emergencyReplies, standbyReplies } from './standby-replies';
import { renderContextFactory } from './render-context';
import { previewEntry, tagsOfGraphs } from './catalogue-preview';
import { SESSION_HORIZON_DAYS } from '../catalogue/rendezvous';
import { CatalogueEditing } from '../repositories/catalogue-editing';
import { catalogueRoutes } from '../helpdesk/catalogue-routes';
import { calendarRoutes } from '../server/calendar-routes';
import { createWhatsApp, WHATSAPP_CHANNEL_ID } from '../channels/whatsapp';

export interface RunningBoussole {
  url: string;
  port: number;
  config: Config;
  database: Database;
  /** The app's own handoff store: with the embedded database the app is its only writer and keeps sessions in memory, so tools and tests write through it. */
  handoff: HandoffRepository;
  close(): Promise<void>;
}

const PURGE_INTERVAL_MS = 10 * 60 * 1000;
/** Each instance says it is alive this often; its unfinished turns are taken over after the lease. */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_LEASE_MS = 15_000;
const RECOVER_EVERY_MS = 10_000;

export async function startBoussole(opts: { env?: NodeJS.ProcessEnv; log?: Logger; /** A fixed clock for Helpdesk hours (tests). */ now?: () => Date } = {}): Promise<RunningBoussole> {
  const cfg = loadConfig(opts.env ?? process.env);
  const log = opts.log ?? createLogger(cfg.LOG_LEVEL);
  const started = Date.now();

  const graphs = loadGraphs();
  if (graphs.errors.length) throw new Error(`The journeys in dialogs/ are invalid (run npm run graph:check):\n  ${graphs.errors.join('\n  ')}`);

  const database = await openDatabase(cfg, log);
  try {
    const { db } = database;
    const catalogue = new CatalogueRepository(db);
    const unmet = new UnmetNeedsRepository(db);
    const retentionMs = cfg.CONVERSATION_RETENTION_HOURS * 3600 * 1000;
    // Split the collections written at every message where the server reads a whole collection per write.
    const layout = await storeLayout(db);
    const instanceId = crypto.randomBytes(9).toString('base64url');
    const inbox = new TurnInboxRepository(db, instanceId);
    // Several instances can share an external database (the embedded one belongs to one app): they
    // tell each other of appends and Helpdesk events, and take turns of a conversation one at a time.
    const clustered = !database.embedded && !cfg.SINGLE_INSTANCE;
    const instanceEvents = clustered ? new InstanceEventsRepository(db) : undefined;
    const bus = instanceEvents ? new ClusterBus({ instanceId, events: instanceEvents, peers: () => inbox.alive(), log }) : undefined;
    const leases = clustered ? new TurnLeaseRepository(db, instanceId) : undefined;
    // The only writer keeps what it last read or wrote of each active conversation in memory.
    const storage = new MongoBotStorage(db, retentionMs, layout, 'bot_state', { soleWriter: !clustered });
    // Every append is announced to the conversation's open WebSocket streams (in-process feed, and the other instances').
    const feed = new ActivityFeed();
    const directLineRepo = withFeed(new DirectLineRepository(db, { retentionMs, layout, soleWriter: !clustered }), feed, bus);
    const handoffRepo = new HandoffRepository(db, { soleWriter: !clustered });
    for (const r of [catalogue, unmet, storage, directLineRepo, handoffRepo, inbox]) await r.ensureIndexes();
    await inbox.heartbeat(HEARTBEAT_LEASE_MS, bus?.head);
    const watch = new StorageWatch({ ping: () => database.ping(), heal: () => database.heal(), healAfterMs: cfg.STORAGE_HEAL_AFTER_MS, log, timeoutMs: cfg.STORAGE_TIMEOUT_MS });
    if (cfg.CATALOGUE_AUTO_IMPORT && (await catalogue.isEmpty())) {
      const report = await catalogue.importSeed(loadSeed());
      log.info('catalogue.imported', { upserted: report.upserted });
    }

    const communes = await catalogue.communes();
    const places = new Places(communes);
    const bassins = await catalogue.bassins();
    const helpdesks = await catalogue.helpdesks();
    const { t } = createI18n();
    const understanding = await createUnderstanding({ communes, facts: graphs.facts, modelCacheDir: cfg.NLU_MODEL_CACHE ? path.join(cfg.TOOLS_DIR, 'nlu-models') : null });
    const snapshot = new CatalogueSnapshot(catalogue);
    const engine = new Engine(graphs.graphs, graphs.facts, mongoPorts(snapshot, unmet, places), understanding.parseAnswer);
    const render = renderContextFactory(t, places, bassins, helpdesks, {
      now: opts.now ?? (() => new Date()),
      calendarLink: (id, lang) => `${cfg.PUBLIC_URL ?? ''}/calendar/session/${encodeURIComponent(id)}.ics?lang=${lang}`,
    });
    const editing = new CatalogueEditing(db, catalogue, opts.now);
    await editing.ensureIndexes();

    const dlAdapter = new DirectLineAdapter({ repository: directLineRepo, log, lease: leases ? (conversationId, activityId) => turnInOrder(leases, inbox, conversationId, activityId) : undefined });
    const cloudAdapter = createCloudAdapter(cfg, log);
    const outbox = new Outbox(path.resolve(cfg.DATA_DIR, 'outbox'));
    const yesNoSpec = graphs.facts.insured;
    const helpdesk = createHelpdesk({ db, cfg, repo: handoffRepo, helpdesks, log, now: opts.now });
    await helpdesk.ensureIndexes();
    if (bus) {
      helpdesk.events.connect(bus);
      helpdesk.presence.connect(bus);
      bus.start();
    }
    const handoff = createHandoff({
      repo: handoffRepo,
      outbox,
      t,
      log,
      helpdesks,
      bassinName: (b, lang) => render(lang).bassinName(b),
      yesNo: (text, lang) => {
        const r = understanding.parseAnswer(text, 'insured', yesNoSpec, lang);
        return r.ok ? Boolean(r.value) : undefined;
      },
      leaves: (text, lang) => ['restart', 'stop', 'forget_me', 'change_language'].includes(understanding.globalIntent(text, lang) ?? ''),
      caseRetentionDays: cfg.CASE_RETENTION_DAYS,
      live: helpdesk.desk,
      now: opts.now,
    });
    // Proactive delivery (a Helpdesk agent's words) on the person's own channel.
    const deliver = async (ref: Partial<ConversationReference>, activities: Array<Partial<Activity>>): Promise<void> => {
      if (ref.channelId === WHATSAPP_CHANNEL_ID && whatsapp) return whatsapp.deliver(ref, activities);
      const send = async (ctx: TurnContext) => {
        await ctx.sendActivities(activities);
      };
      if (ref.channelId === 'directline') await dlAdapter.continueConversation(ref, send);
      else await cloudAdapter.continueConversationAsync(cfg.MICROSOFT_APP_ID ?? '', ref, send);
    };

    const conversationState = new ConversationState(storage);
    const userState = new UserState(storage);
    // eslint-disable-next-line prefer-const -- the dialog and the bot refer to each other
    let bot: BoussoleBot;
    const safety = safetyCheck(t, { modelCacheDir: cfg.NLU_MODEL_CACHE ? path.join(cfg.TOOLS_DIR, 'nlu-models') : null });
    const dialog = new BoussoleDialog({
      engine,
      understanding,
      t,
      render,
      bassinOf: (c, d) => places.bassinOf(c, d),
      log,
      maxChars: cfg.MAX_MESSAGE_CHARS,
      retentionDays: Math.max(1, Math.round(cfg.CONVERSATION_RETENTION_HOURS / 24)),
      safety,
      careJourney: careFacts(loadCareJourneys()),
      handoff: handoff.starter,
      session: handoff.session,
      forget: (ctx) => bot.forget(ctx),
      rememberedLanguage: (ctx) => bot.rememberedLanguage(ctx),
      rememberLanguage: (ctx, l) => bot.rememberLanguage(ctx, l),
      rendezvousSession: (id) => snapshot.session(id, { after: new Date(Date.now() - 86_400_000), before: new Date(Date.now() + SESSION_HORIZON_DAYS * 86_400_000) }),
    });
    bot = new BoussoleBot(conversationState, userState, dialog, async (ctx: TurnContext) => {
      await handoffRepo.eraseConversation(sessionKey(ctx));
      await whatsapp?.forget(ctx);
      if (ctx.activity.channelId === 'directline') await directLineRepo.eraseConversation(ctx.activity.conversation.id);
    });

    const keeper = new TurnKeeper({
      adapter: dlAdapter,
      repository: directLineRepo,
      bot,
      log,
      watch,
      inbox,
      spool: new DurableQueue<KeptItem>(path.resolve(cfg.DATA_DIR, 'kept')),
      standbyReplies: standbyReplies({ safety, understanding, t }),
      soleInstance: !clustered,
      appendLease: leases ? (conversationId) => leases.acquire(`append|${conversationId}`) : undefined,
      feed,
      concurrency: cfg.TURN_CONCURRENCY,
    });
    const whatsapp = await createWhatsApp({
      cfg,
      db,
      layout,
      bot,
      t,
      log,
      instanceId,
      soleInstance: !clustered,
      now: opts.now,
      guard: (op) => watch.guard(op),
      emergency: emergencyReplies({ safety, understanding }),
    });
    dlAdapter.keepRepliesWith(
      (conversationId, activities) => keeper.keepReplies(conversationId, activities),
      (op) => keeper.guard(op),
    );
    const flushOutbox = () =>
      outbox
        .flush((c) => handoffRepo.saveCase(c))
        .then((n) => n && log.info('handoff.outbox_flushed', { cases: n }))
        .catch(() => undefined);
    watch.onBack(() => {
      void keeper.recover();
      void flushOutbox();
    });

    // In-flight work, so that shutdown finishes turns before closing the database.
    const inflight = new Set<Promise<unknown>>();
    const track = <T>(p: Promise<T>): Promise<T> => {
      inflight.add(p);
      void p.finally(() => inflight.delete(p)).catch(() => undefined);
      return p;
    };

    const app = express();
    app.disable('x-powered-by');
    app.set('trust proxy', false);
    // Liveness: the process answers (restart it if not). Readiness: the database answers too (send
    // no new traffic while not; messages that do arrive are kept and answered from memory).
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok', kept: keeper.hasKept, turnsInFlight: keeper.inFlight });
    });
    app.get('/readyz', async (_req, res) => {
      const ok = await watch.check();
      if (!ok) watch.markDown('readyz');
      res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'database_unreachable' });
    });
    app.use(botEndpoint({ cfg, adapter: cloudAdapter, bot, track }));
    const directLineSecret = await new SettingsRepository(db).secret('directline');
    app.use('/v3/directline', createDirectLineRouter({ adapter: dlAdapter, repository: directLineRepo, bot, keeper, secret: directLineSecret, config: cfg, log, streaming: true }));
    if (whatsapp) app.use('/webhooks/whatsapp', whatsapp.router);
    // A WhatsApp number is kept as long as its conversation: a callback case from there can be written to.
    const reachBack = (key: string): Partial<ConversationReference> | undefined =>
      whatsapp && key.startsWith(`${WHATSAPP_CHANNEL_ID}/`) ? { channelId: WHATSAPP_CHANNEL_ID, conversation: { id: key.slice(WHATSAPP_CHANNEL_ID.length + 1) } as ConversationReference['conversation'] } : undefined;
    // The console shows a case in words of the agent's language, never the bot's codes.
    const words: CaseWords = {
      situation: (c, lang) =>
        situationInWords(c, lang, {
          t,
          communeName: (nis, l) => render(l).communeName(nis),
          serviceName: async (id, l) => {
            const service = await snapshot.serviceById(id);
            return service ? pickText(service.name, l)?.text : undefined;
          },
        }),
      headline: (c, lang) => headlineInWords(c, lang, t),
    };
    const catalogueApi = catalogueRoutes({
      editing,
      catalogue,
      communes,
      bassins,
      bassinsOf: (nis) => places.bassinsOf(nis),
      t,
      tags: tagsOfGraphs(graphs.graphs),
      preview: (kind, entry, lang) => previewEntry(kind, entry, render(lang), () => catalogue.schoolHolidays()),
      now: opts.now,
    });
    app.use('/helpdesk', helpdesk.router(handoff, deliver, bassins, (b, lang) => render(lang).bassinName(b as BassinId), reachBack, words, catalogueApi));
    app.use(
      calendarRoutes({
        sessions: (bassin, w) => snapshot.sessions(bassin, w),
        session: (id, w) => snapshot.session(id, w),
        t,
        communeName: (nis, lang) => render(lang).communeName(nis),
        bassinName: (b, lang) => render(lang).bassinName(b as BassinId),
        now: opts.now,
      }),
    );
    app.use(journeysRoutes({ graphs, t, places, servicesFor: (themes) => snapshot.servicesForThemes(themes) }));
    app.use(webRoutes({ operator: { name: cfg.OPERATOR_NAME, contact: cfg.OPERATOR_CONTACT } }));
    app.use(notFound);
    app.use(errorHandler(log));

    const server = http.createServer(app);
    const stream = attachDirectLineStream(server, { repository: directLineRepo, feed, keeper, secret: directLineSecret, config: cfg, log });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(cfg.PORT, cfg.HOST, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://${cfg.HOST === '0.0.0.0' ? 'localhost' : cfg.HOST}:${port}/`;

    const purge = setInterval(() => {
      void Promise.all([storage.purgeExpired(), directLineRepo.purgeExpired(new Date()), handoffRepo.purgeExpired(), helpdesk.purgeExpired(), inbox.purgeOld()])
        .then(([s, d, h, staff]) => log.info('retention.purged', { botState: s, directLine: d, handoff: h, staffAndAudit: staff }))
        .catch((err: Error) => log.warn('retention.purge_failed', { error: err }));
    }, PURGE_INTERVAL_MS);
    purge.unref();
    // Cases kept locally while the database was unreachable are written as soon as it is back.
    const flush = setInterval(() => void flushOutbox(), 30_000);
    flush.unref();
    const heartbeat = setInterval(() => {
      void keeper.guard(() => inbox.heartbeat(HEARTBEAT_LEASE_MS, bus?.head)).catch(() => undefined);
      if (bus) void keeper.guard(() => instanceEvents!.purge()).catch(() => undefined);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    // Turns left by a crash (this server's last run, or another instance) and messages kept locally.
    const recover = setInterval(() => void keeper.recover(), RECOVER_EVERY_MS);
    recover.unref();
    void keeper.recover();
    void flushOutbox();

    log.info('boussole.started', { url, ms: Date.now() - started, database: database.embedded ? 'embedded-ferretdb' : 'external', botAuth: cfg.botAuth });
    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      config: cfg,
      database,
      handoff: handoffRepo,
      close() {
        closing ??= (async () => {
          clearInterval(purge);
          clearInterval(flush);
          clearInterval(heartbeat);
          clearInterval(recover);
          bus?.stop();
          helpdesk.presence.disconnect();
          helpdesk.closeStreams();
          await stream.close();
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          });
          await Promise.allSettled([...inflight]);
          await dlAdapter.drain();
          await whatsapp?.close();
          server.closeAllConnections();
          watch.stop();
          // A clean stop: another instance may take over anything left at once.
          if (watch.up) await inbox.retire().catch(() => undefined);
          await database.close();
          log.info('boussole.stopped', {});
        })();
        return closing;
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** How long a turn waits for an earlier one (another instance's) before it runs anyway. */
const EARLIER_TURN_WAIT_MS = 30_000;

/**
 * The conversation's turn lease, held only once no earlier message of the conversation waits in the
 * inbox: with several instances, turns run one at a time and in the order of the log.
 */
async function turnInOrder(leases: TurnLeaseRepository, inbox: TurnInboxRepository, conversationId: string, activityId: string | undefined): Promise<() => Promise<void>> {
  const started = Date.now();
  for (let wait = 5; ; wait = Math.min(wait * 2, 50)) {
    const release = await leases.acquire(conversationId);
    if (!activityId || Date.now() - started > EARLIER_TURN_WAIT_MS || !(await inbox.earlierPending(conversationId, activityId))) return release;
    await release();
    await new Promise((r) => setTimeout(r, wait));
  }
}
