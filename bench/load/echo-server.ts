/**
 * The floor of the load benchmark: a bare echo bot behind the very HTTP + Direct Line + storage
 * stack Boussole uses (express, src/channels/directline's router, WebSocket stream, feed, adapter and
 * TurnKeeper with its turn inbox, the DirectLineRepository on a real embedded FerretDB), wired as
 * src/app/boussole.ts wires them, without the bot (no NLU, no engine, no conversation state).
 * Started as a process by the load benchmark; prints `echo.started` with its url.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ActivityHandler, MessageFactory } from 'botbuilder';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/database';
import { StorageWatch } from '../../src/db/storage-watch';
import { DurableQueue } from '../../src/local/durable-queue';
import { createLogger } from '../../src/logging/logger';
import { ActivityFeed, attachDirectLineStream, createDirectLineRouter, DirectLineAdapter, withFeed } from '../../src/channels/directline';
import { TurnKeeper, type KeptItem } from '../../src/channels/directline/turn-keeper';
import { storeLayout } from '../../src/repositories/store-layout';
import { DirectLineRepository } from '../../src/repositories/directline-repository';
import { SettingsRepository } from '../../src/repositories/settings-repository';
import { TurnInboxRepository } from '../../src/repositories/turn-inbox-repository';

/** Welcomes the person and repeats each message, in the conversation's locale. */
class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMembersAdded(async (ctx, next) => {
      for (const member of ctx.activity.membersAdded ?? []) {
        if (member.id !== ctx.activity.recipient.id) await ctx.sendActivity({ ...MessageFactory.text('Welcome to the echo bot'), locale: ctx.activity.locale ?? 'en-US' });
      }
      await next();
    });
    this.onMessage(async (ctx, next) => {
      await ctx.sendActivity({ ...MessageFactory.text(`Echo: ${ctx.activity.text ?? ''}`), locale: ctx.activity.locale ?? 'en-US' });
      await next();
    });
  }
}

/** As src/app/boussole.ts: heartbeat of the turn inbox and recovery of unfinished turns. */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_LEASE_MS = 15_000;
const RECOVER_EVERY_MS = 10_000;

async function main(): Promise<void> {
  const cfg = loadConfig(process.env);
  const log = createLogger(cfg.LOG_LEVEL);
  const database = await openDatabase(cfg, log);
  const { db } = database;
  const feed = new ActivityFeed();
  const repository = withFeed(new DirectLineRepository(db, { retentionMs: cfg.CONVERSATION_RETENTION_HOURS * 3600 * 1000, layout: await storeLayout(db) }), feed);
  const inbox = new TurnInboxRepository(db, crypto.randomBytes(9).toString('base64url'));
  await repository.ensureIndexes();
  await inbox.ensureIndexes();
  await inbox.heartbeat(HEARTBEAT_LEASE_MS);
  const watch = new StorageWatch({ ping: () => database.ping(), log, timeoutMs: cfg.STORAGE_TIMEOUT_MS });
  const adapter = new DirectLineAdapter({ repository, log });
  const bot = new EchoBot();
  const keeper = new TurnKeeper({
    adapter,
    repository,
    bot,
    log,
    watch,
    inbox,
    spool: new DurableQueue<KeptItem>(path.resolve(cfg.DATA_DIR, 'kept')),
    soleInstance: Boolean(database.embedded),
    feed,
    concurrency: cfg.TURN_CONCURRENCY,
  });
  adapter.keepRepliesWith(
    (conversationId, activities) => keeper.keepReplies(conversationId, activities),
    (op) => keeper.guard(op),
  );
  watch.onBack(() => void keeper.recover());
  const secret = await new SettingsRepository(db).secret('directline');

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = await watch.check();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'database_unreachable' });
  });
  app.use('/v3/directline', createDirectLineRouter({ adapter, repository, bot, keeper, secret, config: cfg, log, streaming: true }));
  const server = http.createServer(app);
  const stream = attachDirectLineStream(server, { repository, feed, keeper, secret, config: cfg, log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.PORT, cfg.HOST, () => resolve());
  });
  const heartbeat = setInterval(() => void keeper.guard(() => inbox.heartbeat(HEARTBEAT_LEASE_MS)).catch(() => undefined), HEARTBEAT_MS);
  const recover = setInterval(() => void keeper.recover(), RECOVER_EVERY_MS);
  const url = `http://${cfg.HOST}:${(server.address() as AddressInfo).port}/`;
  log.info('echo.started', { url });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(heartbeat);
    clearInterval(recover);
    void (async () => {
      await stream.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await adapter.drain();
      server.closeAllConnections();
      watch.stop();
      await inbox.retire().catch(() => undefined);
      await database.close();
    })().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`echo server could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
