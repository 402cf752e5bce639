/**
 * A Bot Framework adapter for WhatsApp: turns of one conversation run one at a time, in order;
 * replies are mapped to WhatsApp messages (outbound.ts) and sent through the Graph client. The
 * number to reply to is never in the activity (activities and conversation references are stored
 * by the bot and the Helpdesk): a turn carries it in its turn state, a proactive message (a
 * Helpdesk agent's words) finds it in the contact record. Outside the 24-hour customer-service
 * window, a message goes out as the approved template instead.
 */
import { BotAdapter, TurnContext, type Activity, type ChannelAccount, type ConversationReference, type ResourceResponse } from 'botbuilder-core';
import type { Lang } from '../../catalogue/schema';
import { isLang, type Translate } from '../../i18n/i18n';
import type { Logger } from '../../logging/logger';
import { isStorageError } from '../../db/storage-watch';
import type { ContactRecord, WhatsAppRepository } from '../../repositories/whatsapp-repository';
import type { GraphClient } from './graph-client';
import { mapActivity, templateMessage, type MappingWords, type WaMessage } from './outbound';

export const WHATSAPP_CHANNEL_ID = 'whatsapp';
export const WHATSAPP_SERVICE_URL = 'urn:boussole:whatsapp';
const WINDOW_MS = 24 * 3600 * 1000;
/** A message is sent free-form only if the window stays open this much longer (clock skew, slow sends). */
const WINDOW_MARGIN_MS = 5 * 60 * 1000;

const TURN = Symbol('whatsapp.turn');

interface TurnInfo {
  key: string;
  phone: string;
  /** Inside the 24-hour window: free-form messages allowed. */
  windowOpen: boolean;
  contact?: ContactRecord;
  /** A turn from the inbox: each message it delivers is recorded, so that a run after a crash skips them. */
  delivery?: Delivery;
}

interface Delivery {
  turn: string;
  /** The conversation key, kept with the records so that "forget me" erases them. */
  key: string;
  /** Hashes of the messages delivered by an earlier run of this turn (before a crash). */
  before: string[];
  /** The option a typed number picked (kept with the first message: a run after a crash reads the number the same way). */
  pick?: string;
  /** Messages of this run so far. */
  n: number;
  /** This run said something else than the earlier one: nothing more is skipped. */
  diverged: boolean;
}

export class ConversationGoneError extends Error {
  constructor() {
    super('The WhatsApp conversation is gone (expired or forgotten).');
    this.name = 'ConversationGoneError';
  }
}

export interface WhatsAppAdapterOptions {
  client: Pick<GraphClient, 'send'>;
  repo: WhatsAppRepository;
  t: Translate;
  log: Logger;
  template: { name: string; languages: string[] };
  now?: () => Date;
}

export type TurnLogic = (context: TurnContext) => Promise<void>;

export class WhatsAppAdapter extends BotAdapter {
  readonly botAccount: ChannelAccount = { id: 'boussole', name: 'Boussole', role: 'bot' };
  private readonly queues = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => Date;

  constructor(private readonly o: WhatsAppAdapterOptions) {
    super();
    this.now = o.now ?? (() => new Date());
    this.onTurnError = async (context, error) => {
      o.log.error('whatsapp.turn.failed', { errorName: error instanceof Error ? error.name : typeof error });
      // Meta refused the message, or the database failed (the turn is run again): no notice.
      if (error instanceof Error && error.name === 'GraphSendError') return;
      if (isStorageError(error)) return;
      const lang = this.langOf(context.turnState.get(TURN) as TurnInfo | undefined);
      await context.sendActivity({ type: 'message', text: o.t(lang, 'whatsapp:error'), locale: lang }).catch(() => undefined);
    };
  }

  /**
   * Runs a turn for a message of the person (`build` makes the activity once earlier turns are
   * over). With `turn` (the inbox entry), every message delivered is recorded; a `rerun` (after a
   * crash) skips the messages an earlier run already delivered.
   */
  runTurn(
    key: string,
    phone: string,
    build: (earlierPick?: string) => Promise<{ activity: Partial<Activity>; contact?: ContactRecord; pick?: string }>,
    logic: TurnLogic,
    record?: { turn: string; rerun: boolean },
  ): Promise<void> {
    return this.enqueue(key, async () => {
      const earlier = record?.rerun ? await this.o.repo.delivered(record.turn) : undefined;
      const { activity, contact, pick } = await build(earlier?.pick);
      const delivery: Delivery | undefined = record && { turn: record.turn, key, before: earlier?.hashes ?? [], pick, n: 0, diverged: false };
      const context = new TurnContext(this, activity);
      context.turnState.set(TURN, { key, phone, windowOpen: true, contact, delivery } satisfies TurnInfo);
      await this.runMiddleware(context, logic);
    });
  }

  /** An activity from the person, as the bot sees it: the conversation key, never the number. */
  activity(key: string, messageKey: string, text: string): Partial<Activity> {
    const user = { id: key, role: 'user' } as ChannelAccount;
    return { type: 'message', id: messageKey, channelId: WHATSAPP_CHANNEL_ID, serviceUrl: WHATSAPP_SERVICE_URL, conversation: { id: key } as Activity['conversation'], from: user, recipient: this.botAccount, text, timestamp: this.now() };
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const turn = context.turnState.get(TURN) as TurnInfo | undefined;
    if (!turn) throw new Error('Not a WhatsApp turn.');
    const out: WaMessage[] = [];
    let lang: string | undefined;
    let menu: string[] | null | undefined;
    let safety: string[] | undefined;
    for (const a of activities) {
      const l = isLang(a.locale?.slice(0, 2)) ? (a.locale!.slice(0, 2) as Lang) : this.langOf(turn);
      const mapped = mapActivity(a, this.words(l));
      if (!mapped.messages.length) continue;
      lang = mapped.lang ?? lang;
      menu = mapped.menu ?? null; // the last message's choices, if it had any (a number typed in reply picks one)
      if (mapped.safety) safety = mapped.safety;
      if (turn.windowOpen) out.push(...mapped.messages);
      else {
        // Outside the window only a template may go: the message's text as its parameter.
        const text = mapped.messages.map((m) => (m.type === 'text' ? m.text.body : m.type === 'interactive' ? m.interactive.body.text : '')).join(' ');
        out.push(templateMessage(this.o.template.name, this.templateLanguage(l), text));
      }
    }
    if (turn.delivery) await this.deliver(turn.phone, turn.delivery, out);
    else if (out.length) await this.o.client.send(turn.phone, out);
    await this.remember(turn, { lang, menu, safety }).catch((err: unknown) => this.o.log.warn('whatsapp.remember_failed', { errorName: err instanceof Error ? err.name : typeof err }));
    return activities.map(() => ({ id: '' }));
  }

  /** Replies made without the database (it is down), sent at once outside any turn; nothing is remembered. */
  async sendNow(phone: string, activities: Array<Partial<Activity>>): Promise<void> {
    const out = activities.flatMap((a) => mapActivity(a, this.words(isLang(a.locale?.slice(0, 2)) ? (a.locale!.slice(0, 2) as Lang) : 'fr')).messages);
    if (out.length) await this.o.client.send(phone, out);
  }

  override async updateActivity(): Promise<void> {
    throw new Error('updateActivity is not supported by the WhatsApp channel.');
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('deleteActivity is not supported by the WhatsApp channel.');
  }

  /** Proactive turn (a Helpdesk agent's words). Rejects with ConversationGoneError when the number is no longer kept. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void> {
    const key = reference.conversation?.id;
    if (!key || (reference.channelId && reference.channelId !== WHATSAPP_CHANNEL_ID)) throw new Error('continueConversation: not a WhatsApp conversation.');
    let failure: unknown;
    await this.enqueue(key, async () => {
      const contact = await this.o.repo.get(key);
      if (!contact) {
        failure = new ConversationGoneError();
        return;
      }
      const windowOpen = this.now().getTime() - contact.lastInboundAt.getTime() < WINDOW_MS - WINDOW_MARGIN_MS;
      const full: Partial<ConversationReference> = { ...reference, channelId: WHATSAPP_CHANNEL_ID, serviceUrl: WHATSAPP_SERVICE_URL, bot: this.botAccount, user: { id: key, role: 'user' } as ChannelAccount, conversation: { id: key } as ConversationReference['conversation'] };
      const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, full, true) as Activity;
      const context = new TurnContext(this, activity);
      context.turnState.set(TURN, { key, phone: contact.phone, windowOpen, contact } satisfies TurnInfo);
      await this.runMiddleware(context, async (ctx) => {
        try {
          await logic(ctx);
        } catch (err) {
          failure = err;
          throw err;
        }
      });
    });
    if (failure !== undefined) throw failure;
  }

  /** Resolves when every turn started so far has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** Sends one message at a time, each recorded once delivered; those an earlier run of the turn delivered are skipped. */
  private async deliver(phone: string, d: Delivery, messages: WaMessage[]): Promise<void> {
    let skipped = 0;
    for (const m of messages) {
      const n = d.n++;
      const hash = this.o.repo.messageHash(m);
      if (!d.diverged && n < d.before.length && d.before[n] === hash) {
        skipped++;
        continue;
      }
      if (n < d.before.length) d.diverged = true;
      await this.o.client.send(phone, [m]);
      // Not recorded (the database failing): a run after a crash may send it again, nothing worse.
      await this.o.repo.markDelivered(d.turn, n, hash, d.pick, d.key).catch((err: unknown) => this.o.log.warn('whatsapp.delivery_unrecorded', { errorName: err instanceof Error ? err.name : typeof err }));
    }
    if (skipped) this.o.log.info('whatsapp.turn.already_delivered', { skipped });
  }

  private langOf(turn: TurnInfo | undefined): Lang {
    const l = turn?.contact?.lang;
    return isLang(l) ? l : 'fr';
  }

  private words(lang: Lang): MappingWords {
    const t = this.o.t;
    return { listButton: t(lang, 'whatsapp:list_button'), choose: t(lang, 'whatsapp:choose'), menuHint: t(lang, 'whatsapp:menu_hint') };
  }

  private templateLanguage(lang: Lang): string {
    const langs = this.o.template.languages;
    return langs.find((l) => l.slice(0, 2) === lang) ?? langs[0] ?? 'fr';
  }

  /** Keeps what the next messages need (language, safety numbers, the choices shown), only when it changed. */
  private async remember(turn: TurnInfo, change: { lang?: string; menu?: string[] | null; safety?: string[] }): Promise<void> {
    const c = turn.contact;
    const diff: { lang?: string; menu?: string[] | null; safety?: string[] } = {};
    if (change.lang && change.lang !== c?.lang) diff.lang = change.lang;
    if (change.safety && change.safety.join() !== c?.safety?.join()) diff.safety = change.safety;
    if (change.menu === null ? c?.menu !== undefined : change.menu && change.menu.join('\u0000') !== c?.menu?.join('\u0000')) diff.menu = change.menu;
    if (!Object.keys(diff).length) return;
    await this.o.repo.remember(turn.key, diff);
    turn.contact = { ...(c ?? { key: turn.key, phone: turn.phone, lastInboundAt: this.now() }), ...(diff.lang ? { lang: diff.lang } : {}), ...(diff.safety ? { safety: diff.safety } : {}), ...(diff.menu !== undefined ? { menu: diff.menu ?? undefined } : {}) };
  }

  private enqueue(key: string, job: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(job);
    const settled = run.catch(() => undefined);
    this.queues.set(key, settled);
    this.inFlight.add(settled);
    void settled.then(() => {
      this.inFlight.delete(settled);
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }
}
