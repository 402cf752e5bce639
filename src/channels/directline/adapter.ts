/**
 * A Bot Framework adapter for our own Direct Line channel: bot replies are appended to the
 * conversation's activity log, which Web Chat polls. Turns of one conversation run one at a time,
 * in arrival order; turns of different conversations run in parallel.
 */
import { BotAdapter, TurnContext, type Activity, type ChannelAccount, type ConversationReference, type ResourceResponse } from 'botbuilder';
import type { ClaimsIdentity } from 'botframework-connector';
import type { DirectLineStore } from '../../repositories/directline-repository';
import type { Logger } from '../../logging/logger';
import { isStorageError } from '../../db/storage-watch';
import { ConversationNotFoundError } from './errors';
import { activityId, CHANNEL_ID } from './ids';

/** Sent when a turn fails; the web page shows its own localized notice. Nothing about the error leaks. */
export const TURN_ERROR_EVENT = 'boussole.turnError';
const MAX_DELAY_MS = 10_000;

export type TurnLogic = (context: TurnContext) => Promise<void>;

export interface DirectLineAdapterOptions {
  repository: Pick<DirectLineStore, 'appendActivities' | 'getConversation'>;
  log: Logger;
  /** The bot's account in every activity. */
  bot?: ChannelAccount;
  /** Written into activities' `serviceUrl` (kept in conversation references). */
  serviceUrl?: string;
  /** What the user receives when a turn fails; undefined sends nothing. Default: the TURN_ERROR_EVENT event. */
  turnErrorActivity?: (context: TurnContext) => Partial<Activity> | undefined;
  /**
   * With several server instances: holds the conversation's turn lease across them while a turn
   * runs (resolves to its release). In this process the queue below already keeps turns in order.
   */
  lease?: (conversationId: string, activityId?: string) => Promise<() => Promise<void>>;
}

/** The error's type and code location, never its message (it could quote what the user typed). */
function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { errorType: typeof error };
  // The stack opens with "Name: message" (the message may span lines): keep only what follows it.
  const header = error.message ? `${error.name}: ${error.message}` : error.name;
  const stack = error.stack ?? '';
  const trace = stack.startsWith(header) ? stack.slice(header.length) : '';
  const frames = trace.split('\n').filter((l) => l.trimStart().startsWith('at ')).slice(0, 5).map((l) => l.trim());
  return { errorName: error.name, errorCode: (error as { code?: unknown }).code, frames };
}

export class DirectLineAdapter extends BotAdapter {
  readonly botAccount: ChannelAccount;
  readonly serviceUrl: string;
  private readonly store: DirectLineAdapterOptions['repository'];
  private readonly log: Logger;
  private readonly turnErrorActivity: (context: TurnContext) => Partial<Activity> | undefined;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly lease?: DirectLineAdapterOptions['lease'];
  private readonly inFlight = new Set<Promise<void>>();
  private keepReplies?: (conversationId: string, activities: Record<string, unknown>[]) => string[] | undefined;
  private guard: <T>(op: () => Promise<T>) => Promise<T> = (op) => op();

  constructor(opts: DirectLineAdapterOptions) {
    super();
    this.store = opts.repository;
    this.log = opts.log;
    this.lease = opts.lease;
    this.botAccount = opts.bot ?? { id: 'boussole', name: 'Boussole', role: 'bot' };
    this.serviceUrl = opts.serviceUrl ?? 'urn:boussole:directline';
    this.turnErrorActivity = opts.turnErrorActivity ?? (() => ({ type: 'event', name: TURN_ERROR_EVENT }));
    this.onTurnError = async (context, error) => {
      const activity = context.activity;
      this.log.error('directline.turn.failed', { conversationId: activity?.conversation?.id, activityType: activity?.type, ...describeError(error) });
      // The database failed, not the bot: the turn is run again when it is back (TurnKeeper), no error shown.
      if (this.keepReplies && isStorageError(error)) return;
      const notice = this.turnErrorActivity(context);
      if (!notice) return;
      try {
        await context.sendActivity(notice);
      } catch (err) {
        this.log.warn('directline.turn.error_notice_failed', { conversationId: activity?.conversation?.id, ...describeError(err) });
      }
    };
  }

  /** Where replies go when the log cannot take them (TurnKeeper.keepReplies): kept locally, shown from memory. */
  keepRepliesWith(keep: (conversationId: string, activities: Record<string, unknown>[]) => string[] | undefined, guard: <T>(op: () => Promise<T>) => Promise<T>): void {
    this.keepReplies = keep;
    this.guard = guard;
  }

  /** Runs the bot on an activity that has been stored already; resolves when the turn is over. */
  processActivity(activity: Activity, logic: TurnLogic): Promise<void> {
    return this.enqueue(activity.conversation.id, () => this.runMiddleware(new TurnContext(this, activity), logic), activity.id);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const conversationId = context.activity.conversation.id;
    const responses: ResourceResponse[] = [];
    let batch: { index: number; activity: Record<string, unknown> }[] = [];
    const flush = async (): Promise<void> => {
      if (!batch.length) return;
      const outgoing = batch.map((b) => b.activity);
      let ids: string[];
      try {
        const seqs = await this.guard(() => this.store.appendActivities(conversationId, outgoing));
        if (!seqs) throw new ConversationNotFoundError(conversationId);
        ids = seqs.map((seq) => activityId(conversationId, seq));
      } catch (err) {
        const kept = !(err instanceof ConversationNotFoundError) && isStorageError(err) ? this.keepReplies?.(conversationId, outgoing) : undefined;
        if (!kept) throw err;
        ids = kept;
      }
      batch.forEach((b, i) => (responses[b.index] = { id: ids[i] }));
      batch = [];
    };
    for (const [index, activity] of activities.entries()) {
      if (activity.type === 'delay') {
        await flush();
        const ms = Math.min(Math.max(Number(activity.value) || 1000, 0), MAX_DELAY_MS);
        await new Promise((resolve) => setTimeout(resolve, ms));
        responses[index] = { id: '' };
      } else if (activity.type === 'invokeResponse' || activity.type === 'trace') {
        responses[index] = { id: '' };
      } else {
        batch.push({ index, activity: this.outgoing(context, activity) });
      }
    }
    await flush();
    return responses;
  }

  override async updateActivity(): Promise<void> {
    throw new Error('updateActivity is not supported by the Direct Line channel.');
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('deleteActivity is not supported by the Direct Line channel.');
  }

  /**
   * Proactive turn (e.g. a helpdesk agent's reply). Rejects with ConversationNotFoundError when the
   * conversation is gone, and with the logic's own error when it fails (after onTurnError ran).
   */
  override async continueConversation(reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId) throw new Error('continueConversation needs reference.conversation.id.');
    if (reference.channelId && reference.channelId !== CHANNEL_ID) throw new Error(`continueConversation: not a ${CHANNEL_ID} conversation.`);
    const conversation = await this.store.getConversation(conversationId);
    if (!conversation) throw new ConversationNotFoundError(conversationId);
    const full: Partial<ConversationReference> = {
      ...reference,
      channelId: CHANNEL_ID,
      serviceUrl: this.serviceUrl,
      bot: reference.bot ?? this.botAccount,
      user: reference.user ?? ({ id: conversation.userId, role: 'user' } as ChannelAccount),
      locale: reference.locale ?? conversation.locale,
    };
    const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, full, true) as Activity;
    let failure: unknown;
    await this.enqueue(conversationId, () =>
      this.runMiddleware(new TurnContext(this, activity), async (context) => {
        try {
          await logic(context);
        } catch (err) {
          failure = err;
          throw err;
        }
      }),
    );
    if (failure !== undefined) throw failure;
  }

  override continueConversationAsync(botAppId: string, reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void>;
  override continueConversationAsync(claimsIdentity: ClaimsIdentity, reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void>;
  override continueConversationAsync(claimsIdentity: ClaimsIdentity, reference: Partial<ConversationReference>, audience: string, logic: TurnLogic): Promise<void>;
  override async continueConversationAsync(
    _identity: string | ClaimsIdentity,
    reference: Partial<ConversationReference>,
    logicOrAudience: TurnLogic | string,
    maybeLogic?: TurnLogic,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (!logic) throw new Error('continueConversationAsync needs a logic function.');
    return this.continueConversation(reference, logic);
  }

  /** Resolves when every turn started so far (and any started meanwhile) has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** Number of turns queued or running (for health checks and tests). */
  get pendingTurns(): number {
    return this.inFlight.size;
  }

  private outgoing(context: TurnContext, activity: Partial<Activity>): Record<string, unknown> {
    const incoming = context.activity;
    const out: Record<string, unknown> = {
      ...activity,
      channelId: CHANNEL_ID,
      serviceUrl: this.serviceUrl,
      conversation: { id: incoming.conversation.id },
      from: activity.from ?? this.botAccount,
      recipient: activity.recipient ?? incoming.from,
      timestamp: new Date().toISOString(),
    };
    delete out.id;
    return out;
  }

  private enqueue(conversationId: string, job: () => Promise<void>, activityId?: string): Promise<void> {
    const previous = this.queues.get(conversationId) ?? Promise.resolve();
    const lease = this.lease;
    const leased = lease
      ? async () => {
          const release = await lease(conversationId, activityId);
          try {
            await job();
          } finally {
            await release().catch((err: unknown) => this.log.warn('directline.lease.release_failed', { conversationId, ...describeError(err) }));
          }
        }
      : job;
    const run = previous.then(leased);
    const settled = run.catch(() => undefined);
    this.queues.set(conversationId, settled);
    this.inFlight.add(settled);
    void settled.then(() => {
      this.inFlight.delete(settled);
      if (this.queues.get(conversationId) === settled) this.queues.delete(conversationId);
    });
    return run;
  }
}
