/**
 * Every accepted web-chat message is answered, once, whatever fails.
 *
 * - The database is up: the message is stored, written to the turn inbox, its turn run, and the
 *   inbox entry deleted when the turn is over. After a crash, the entries left (`recover`) are run
 *   again by whichever instance is alive, unless the log shows a reply to them already.
 * - The database is down (or too slow): the message is kept in a local durable queue; the person
 *   gets at once what can be made from memory (the safety net's numbers, a notice that the message
 *   is kept), served by `standby`; when the database is back the queue is replayed in order.
 * - A reply that cannot be stored is kept the same way, and shown from memory meanwhile.
 */
import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from '../../logging/logger';
import type { DirectLineStore } from '../../repositories/directline-repository';
import type { TurnInboxRepository } from '../../repositories/turn-inbox-repository';
import { TurnLeaseTimeout } from '../../repositories/turn-lease-repository';
import type { DurableQueue } from '../../local/durable-queue';
import { FifoLimit } from '../../local/fifo-limit';
import { isStorageError, StorageUnavailableError, type StorageWatch } from '../../db/storage-watch';
import type { DirectLineAdapter } from './adapter';
import { activityId, CHANNEL_ID } from './ids';
import { StandbyNotices } from './standby';
import type { ActivityFeed } from './feed';

export interface KeeperBot {
  run(context: TurnContext): Promise<void>;
}

/** What is kept locally while the database is down, replayed in this order when it is back. */
export type KeptItem =
  | { kind: 'conversation'; conversationId: string; userId: string; locale?: string }
  | { kind: 'message'; conversationId: string; activity: Record<string, unknown> }
  | { kind: 'turn'; conversationId: string; id: string; activity: Record<string, unknown> }
  | { kind: 'replies'; conversationId: string; activities: Record<string, unknown>[] };

/** Replies made without the database: the safety net from memory, and a notice. No `text`: a new conversation. */
export type StandbyReplies = (input: { text?: string; locale?: string }) => Array<Partial<Activity>>;

export interface TurnKeeperOptions {
  adapter: DirectLineAdapter;
  repository: DirectLineStore;
  bot: KeeperBot;
  log: Logger;
  /** Without it, storage errors simply fail the request (tests of the plain channel). */
  watch?: StorageWatch;
  inbox?: TurnInboxRepository;
  spool?: DurableQueue<KeptItem>;
  standbyReplies?: StandbyReplies;
  /** This server is the only one on its database (embedded FerretDB, locked): every orphan is ours at once. */
  soleInstance?: boolean;
  /** With several instances: the conversation's append lease (see inOrder). */
  appendLease?: (conversationId: string) => Promise<() => Promise<void>>;
  /** Open streams hear of the replies made from memory through it. */
  feed?: ActivityFeed;
  /** Turns run at the same time at most (the others wait in order); unbounded without it. */
  concurrency?: number;
}


export class TurnKeeper {
  readonly standby: StandbyNotices;
  private readonly running = new Set<string>();
  private recovering?: Promise<void>;
  private kept = 0;
  private readonly slots?: FifoLimit;

  constructor(private readonly opts: TurnKeeperOptions) {
    this.kept = opts.spool?.size ?? 0;
    if (opts.concurrency) this.slots = new FifoLimit(opts.concurrency);
    const feed = opts.feed;
    this.standby = new StandbyNotices(Date.now, feed ? (conversationId, added) => feed.standby(conversationId, added) : undefined);
  }

  /**
   * With several instances: appending a message and registering its turn happen under the
   * conversation's append lease, so that when a turn runs, every earlier message is in the inbox
   * (turns then run in the order of the log, see the adapter's lease). Without one, just `fn`.
   */
  async inOrder<T>(conversationId: string, fn: () => Promise<T>): Promise<T> {
    const lease = this.opts.appendLease;
    if (!lease) return fn();
    let release: (() => Promise<void>) | undefined;
    try {
      release = await this.guard(() => lease(conversationId));
    } catch (err) {
      if (!isStorageError(err)) throw err; // the database is down: fn meets it and keeps the message
    }
    try {
      return await fn();
    } finally {
      await release?.().catch(() => undefined);
    }
  }

  /** Whether the database can be used now (always true without a watch). */
  get storageUp(): boolean {
    return this.opts.watch?.up ?? true;
  }

  /** True when requests can be answered from memory while the database is down. */
  get canStandby(): boolean {
    return Boolean(this.opts.watch && this.opts.spool);
  }

  /** A storage call, failing fast while the database is down. */
  guard<T>(op: () => Promise<T>): Promise<T> {
    return this.opts.watch ? this.opts.watch.guard(op) : op();
  }

  /** A conversation that could not be created: kept, with a notice for the person. */
  keepConversation(input: { conversationId: string; userId: string; locale?: string }): void {
    this.put({ kind: 'conversation', ...input });
    this.notify(input.conversationId, this.standbyFor({ locale: input.locale }), input.userId);
  }

  /**
   * A stored activity (its id from the log) is written to the inbox before the person is told it
   * was accepted, so that a crash from then on cannot lose it. When the inbox cannot be written, the
   * turn is kept locally instead. Resolves to whether the turn may run now.
   */
  async register(conversationId: string, id: string, activity: Record<string, unknown>): Promise<boolean> {
    if (!this.opts.inbox) return true;
    try {
      await this.guard(() => this.opts.inbox!.add(id, conversationId, activity));
      return true;
    } catch (err) {
      if (!this.canStandby || !isStorageError(err)) throw err;
      this.put({ kind: 'turn', conversationId, id, activity });
      return false;
    }
  }

  /** Runs a registered turn; its inbox entry is deleted when it is over. */
  start(id: string, activity: Record<string, unknown>): void {
    void this.runTurn(id, activity);
  }

  /** register, then run (and wait for the turn). */
  async run(conversationId: string, id: string, activity: Record<string, unknown>): Promise<void> {
    if (await this.register(conversationId, id, activity)) await this.runTurn(id, activity);
  }

  /** A message that could not be stored: kept for later, and answered from memory now. Returns its provisional id. */
  keepMessage(conversationId: string, activity: Record<string, unknown>): string {
    this.put({ kind: 'message', conversationId, activity });
    const text = typeof activity.text === 'string' ? activity.text : undefined;
    const locale = typeof activity.locale === 'string' ? activity.locale : undefined;
    // Web Chat marks a message as sent when it comes back with its clientActivityID: echo it from
    // memory too, under the id the POST answers (the stored copy later replaces it, same clientActivityID).
    const standbyId = this.standby.nextId();
    const [id] = this.standby.add(conversationId, [{ ...activity, channelData: { ...((activity.channelData as object | undefined) ?? {}), standbyId } }]);
    this.notify(conversationId, this.standbyFor({ text: text ?? '', locale }), (activity.from as { id?: string } | undefined)?.id);
    return id;
  }

  /** Messages arrive in order: while something is kept locally, new ones queue behind it. */
  get hasKept(): boolean {
    return this.kept > 0;
  }

  /**
   * Bot replies that could not be stored (called by the adapter): kept for the log, shown from
   * memory meanwhile. Returns their provisional ids, or undefined without a spool.
   */
  keepReplies(conversationId: string, activities: Record<string, unknown>[]): string[] | undefined {
    if (!this.opts.spool) return undefined;
    const stamped = activities.map((a) => ({ ...a, channelData: { ...((a.channelData as object | undefined) ?? {}), standbyId: this.standby.nextId() } }));
    this.put({ kind: 'replies', conversationId, activities: stamped });
    return this.standby.add(conversationId, stamped);
  }

  /** Replays what was kept locally, then runs the turns left unanswered (a crash, a failed turn). */
  recover(): Promise<void> {
    this.recovering ??= this.recoverNow().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  /** Turns of this process queued or running. */
  get inFlight(): number {
    return this.running.size;
  }

  private async recoverNow(): Promise<void> {
    if (!this.storageUp) return;
    const { spool, inbox } = this.opts;
    try {
      if (spool) {
        const replayed = await spool.drain((item) => this.replay(item).then(() => void (this.kept = Math.max(0, this.kept - 1))));
        this.kept = spool.size;
        if (replayed) this.opts.log.info('directline.kept_replayed', { items: replayed });
      }
      if (!inbox) return;
      const left = await this.guard(() => inbox.unfinished({ running: this.running, soleInstance: Boolean(this.opts.soleInstance) }));
      for (const turn of left) {
        if (!(await this.guard(() => inbox.claim(turn)))) continue;
        if (await this.answered(turn.conversationId, turn.id)) {
          this.opts.log.info('directline.turn.answered_before', { conversationId: turn.conversationId });
          await this.guard(() => inbox.done(turn.id));
          continue;
        }
        this.opts.log.info('directline.turn.recovered', { conversationId: turn.conversationId });
        void this.runTurn(turn.id, turn.activity);
      }
    } catch (err) {
      if (!isStorageError(err)) this.opts.log.error('directline.recover_failed', { errorName: err instanceof Error ? err.name : typeof err });
    }
  }

  private async replay(item: KeptItem): Promise<void> {
    const repo = this.opts.repository;
    switch (item.kind) {
      case 'conversation': {
        const { created } = await this.guard(() => repo.createConversation({ id: item.conversationId, userId: item.userId, locale: item.locale }));
        if (created) await this.run(item.conversationId, `${item.conversationId}|start`, this.startActivity(item.conversationId, item.userId, item.locale));
        return;
      }
      case 'message': {
        const from = item.activity.from as { id?: string } | undefined;
        if (!(await this.guard(() => repo.getConversation(item.conversationId)))) {
          if (!from?.id) return;
          await this.guard(() => repo.createConversation({ id: item.conversationId, userId: from.id!, locale: item.activity.locale as string | undefined }));
        }
        // Stored after all by the write that timed out: its turn may never have run (the write's
        // caller had given up on it), so it runs now unless it was answered.
        const storedSeq = await this.storedAlready(item.conversationId, item.activity);
        if (storedSeq !== undefined) {
          const storedId = activityId(item.conversationId, storedSeq);
          if (!(await this.answered(item.conversationId, storedId))) await this.run(item.conversationId, storedId, { ...item.activity, id: storedId });
          return;
        }
        const seqs = await this.guard(() => repo.appendActivities(item.conversationId, [item.activity]));
        if (!seqs) return; // erased meanwhile
        const id = activityId(item.conversationId, seqs[0]);
        await this.run(item.conversationId, id, { ...item.activity, id });
        return;
      }
      case 'turn':
        await this.run(item.conversationId, item.id, item.activity);
        return;
      case 'replies':
        await this.guard(() => repo.appendActivities(item.conversationId, item.activities));
        return;
    }
  }

  private async runTurn(id: string, activity: Record<string, unknown>): Promise<void> {
    this.running.add(id);
    this.opts.log.debug('directline.turn.start', {});
    let failure: unknown;
    const turn = () =>
      this.opts.adapter.processActivity({ ...activity, id } as unknown as Activity, async (ctx) => {
        try {
          await this.opts.bot.run(ctx);
        } catch (err) {
          failure = err;
          throw err;
        }
      });
    try {
      await (this.slots ? this.slots.run(turn) : turn());
    } catch (err) {
      failure ??= err;
    } finally {
      this.running.delete(id);
    }
    if (failure instanceof TurnLeaseTimeout) {
      // Another instance held this conversation too long: left in the inbox, run again by recover().
      this.opts.log.warn('directline.turn.lease_timeout', {});
      return;
    }
    if (failure !== undefined && isStorageError(failure)) {
      // Left in the inbox: run again when the database answers (recover).
      this.opts.watch?.markDown('turn');
      return;
    }
    if (this.opts.inbox) await this.guard(() => this.opts.inbox!.done(id)).catch(() => undefined);
  }

  /**
   * The log already holds a reply to this activity (the crash came after the answer). The start of
   * a conversation (its welcome is not a reply to anything) counts as answered once the bot said anything.
   */
  private async answered(conversationId: string, id: string): Promise<boolean> {
    const seq = Number(id.split('|').pop());
    const start = !Number.isInteger(seq);
    const after = await this.guard(() => this.opts.repository.listActivities(conversationId, start ? 0 : seq, 100));
    return after.some((a) => (start ? (a.activity.from as { role?: string } | undefined)?.role === 'bot' : a.activity.replyToId === id));
  }

  /** A message kept after a timed-out write may have been stored after all (Web Chat's clientActivityID tells): its number. */
  private async storedAlready(conversationId: string, activity: Record<string, unknown>): Promise<number | undefined> {
    const clientId = (activity.channelData as { clientActivityID?: unknown } | undefined)?.clientActivityID;
    if (typeof clientId !== 'string') return undefined;
    const all = await this.guard(() => this.opts.repository.listActivities(conversationId, 0, 1000));
    return all.find((a) => (a.activity.channelData as { clientActivityID?: unknown } | undefined)?.clientActivityID === clientId)?.seq;
  }

  startActivity(conversationId: string, userId: string, locale?: string): Record<string, unknown> {
    const user = { id: userId, role: 'user' };
    return {
      type: 'conversationUpdate',
      membersAdded: [this.opts.adapter.botAccount, user],
      from: user,
      recipient: this.opts.adapter.botAccount,
      conversation: { id: conversationId },
      channelId: CHANNEL_ID,
      serviceUrl: this.opts.adapter.serviceUrl,
      ...(locale ? { locale } : {}),
      timestamp: new Date().toISOString(),
    };
  }

  private put(item: KeptItem): void {
    if (!this.opts.spool) throw new StorageUnavailableError('failed');
    this.opts.spool.put(item);
    this.kept++;
    this.opts.log.warn('directline.kept_locally', { kind: item.kind, conversationId: item.conversationId });
  }

  private standbyFor(input: { text?: string; locale?: string }): Array<Partial<Activity>> {
    try {
      return this.opts.standbyReplies?.(input) ?? [];
    } catch (err) {
      this.opts.log.error('directline.standby_failed', { errorName: err instanceof Error ? err.name : typeof err });
      return [];
    }
  }

  private notify(conversationId: string, replies: Array<Partial<Activity>>, userId?: string): string[] {
    const activities = replies.map((r) => ({
      ...r,
      channelId: CHANNEL_ID,
      conversation: { id: conversationId },
      from: this.opts.adapter.botAccount,
      ...(userId ? { recipient: { id: userId, role: 'user' } } : {}),
      timestamp: new Date().toISOString(),
    })) as Record<string, unknown>[];
    return this.standby.add(conversationId, activities);
  }
}
