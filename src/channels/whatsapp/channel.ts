/**
 * The WhatsApp webhook (`GET`/`POST /webhooks/whatsapp`) and the turns it starts.
 *
 * A POST is checked (signature over the raw body, in constant time) before anything is read. Each
 * message is then de-duplicated by its id (Meta delivers again until it gets a 200) and written to
 * the WhatsApp turn inbox, and only then is Meta answered 200. The turns run from the stored
 * entries, one at a time per person; an entry is deleted when its turn is over, so one left by a
 * crash is run again at the next start (`recover`).
 */
import crypto from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Activity, TurnContext } from 'botbuilder-core';
import { isLang, type Translate } from '../../i18n/i18n';
import type { Logger } from '../../logging/logger';
import type { TurnInboxRepository } from '../../repositories/turn-inbox-repository';
import type { WhatsAppRepository } from '../../repositories/whatsapp-repository';
import { isStorageError } from '../../db/storage-watch';
import type { WhatsAppAdapter } from './adapter';
import { readWebhook, validSignature, type Incoming } from './inbound';
import { menuNumber, valueOfChoiceId } from './outbound';

export interface WhatsAppBot {
  run(context: TurnContext): Promise<void>;
}

export interface WhatsAppChannelOptions {
  verifyToken: string;
  appSecret: string;
  phoneNumberId: string;
  repo: WhatsAppRepository;
  inbox: TurnInboxRepository;
  adapter: WhatsAppAdapter;
  bot: WhatsAppBot;
  t: Translate;
  log: Logger;
  maxChars: number;
  soleInstance: boolean;
  /** Runs a database operation, failing at once while the database is known to be down (StorageWatch). */
  guard?: <T>(op: () => Promise<T>) => Promise<T>;
  /** The safety net's numbers for a text, from memory (none when it sees no danger): sent when the database cannot take the message. */
  emergency?: (input: { text: string }) => { replies: Array<Partial<Activity>> };
}

/** What the inbox keeps of a message until its turn is over. */
interface Entry {
  key: string;
  phone: string;
  kind: Incoming['kind'];
  text?: string;
  choice?: string;
  type?: string;
}

const BODY_LIMIT = '512kb';
/** Messages answered from memory while the database was down, remembered so that Meta's redeliveries do not repeat the numbers. */
const ANSWERED_FROM_MEMORY_MAX = 10_000;
/** How long the numbers may take to leave before Meta gets its 503. */
const EMERGENCY_SEND_WAIT_MS = 5_000;

function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(h(a), h(b));
}

export class WhatsAppChannel {
  private readonly running = new Set<string>();
  private readonly answeredFromMemory = new Set<string>();
  private recovering?: Promise<void>;

  constructor(private readonly o: WhatsAppChannelOptions) {}

  router(): Router {
    const router = express.Router();
    router.get('/', (req, res) => {
      const mode = req.query['hub.mode'];
      const token = req.query['hub.verify_token'];
      const challenge = req.query['hub.challenge'];
      if (mode === 'subscribe' && typeof token === 'string' && sameSecret(token, this.o.verifyToken) && typeof challenge === 'string' && /^[\w.-]{1,200}$/.test(challenge)) {
        res.status(200).type('text/plain').send(challenge);
        return;
      }
      this.o.log.warn('whatsapp.verification_refused', {});
      res.status(403).type('text/plain').send('Forbidden');
    });
    router.post('/', express.raw({ type: () => true, limit: BODY_LIMIT }), async (req: Request, res: Response) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!validSignature(raw, req.get('x-hub-signature-256'), this.o.appSecret)) {
        this.o.log.warn('whatsapp.signature_refused', { bytes: raw.length });
        res.status(401).json({ error: { code: 'bad_signature', message: 'Missing or wrong X-Hub-Signature-256.' } });
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        res.status(400).json({ error: { code: 'invalid_json', message: 'The request body is not valid JSON.' } });
        return;
      }
      const read = readWebhook(body, this.o.phoneNumberId);
      if (!read.ok) this.o.log.warn('whatsapp.payload_ignored', { bytes: raw.length });
      if (read.statuses) this.o.log.info('whatsapp.statuses', { count: read.statuses, failed: read.failedStatuses });
      let accepted: Array<{ id: string; entry: Entry }>;
      try {
        accepted = await (this.o.guard ? this.o.guard(() => this.accept(read.messages)) : this.accept(read.messages));
      } catch (err) {
        // Not stored: Meta delivers again later. A message in danger gets the numbers now, from memory.
        this.o.log.error('whatsapp.accept_failed', { errorName: err instanceof Error ? err.name : typeof err, storage: isStorageError(err) });
        await this.emergencyFromMemory(read.messages);
        res.status(503).json({ error: { code: 'unavailable', message: 'Try again later.' } });
        return;
      }
      res.status(200).json({ received: accepted.length });
      for (const a of accepted) void this.runEntry(a.id, a.entry);
    });
    router.use((err: { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
      void next;
      if (err.type === 'entity.too.large') res.status(413).json({ error: { code: 'payload_too_large', message: 'The request body is too large.' } });
      else res.status(400).json({ error: { code: 'bad_request', message: 'The request could not be processed.' } });
    });
    return router;
  }

  /** Stores each new message in the inbox (a duplicate delivery is dropped). Returns what to run. */
  async accept(messages: Incoming[]): Promise<Array<{ id: string; entry: Entry }>> {
    const out: Array<{ id: string; entry: Entry }> = [];
    let duplicates = 0;
    for (const m of messages) {
      const id = this.o.repo.messageKey(m.messageId);
      if (await this.o.repo.seen(id)) {
        duplicates++;
        continue;
      }
      const key = this.o.repo.conversationKey(m.from);
      const entry: Entry = { key, phone: m.from, kind: m.kind, ...(m.kind === 'text' ? { text: m.text.slice(0, this.o.maxChars * 4) } : m.kind === 'choice' ? { choice: m.id } : { type: m.type }) };
      const inserted = await this.o.inbox.add(id, key, entry as unknown as Record<string, unknown>);
      if (!(await this.o.repo.markSeen(id))) {
        // A concurrent delivery of the same message won the race: its turn runs, not this one.
        if (inserted) await this.o.inbox.done(id);
        duplicates++;
        continue;
      }
      out.push({ id, entry });
    }
    if (duplicates) this.o.log.info('whatsapp.duplicates_dropped', { count: duplicates });
    return out;
  }

  /**
   * The database cannot take these messages (Meta will deliver them again): those the safety net
   * sees in danger get its numbers at once, from memory, once per message whatever the redeliveries.
   */
  private async emergencyFromMemory(messages: Incoming[]): Promise<void> {
    if (!this.o.emergency) return;
    const sends: Array<Promise<void>> = [];
    for (const m of messages) {
      if (m.kind !== 'text') continue;
      const id = this.o.repo.messageKey(m.messageId);
      if (this.answeredFromMemory.has(id)) continue;
      let replies: Array<Partial<Activity>>;
      try {
        replies = this.o.emergency({ text: m.text.slice(0, this.o.maxChars) }).replies;
      } catch (err) {
        this.o.log.error('whatsapp.emergency_failed', { errorName: err instanceof Error ? err.name : typeof err });
        continue;
      }
      if (!replies.length) continue;
      this.answeredFromMemory.add(id);
      if (this.answeredFromMemory.size > ANSWERED_FROM_MEMORY_MAX) this.answeredFromMemory.delete(this.answeredFromMemory.values().next().value!);
      this.o.log.warn('whatsapp.emergency_from_memory', { conversationId: this.o.repo.conversationKey(m.from), replies: replies.length });
      sends.push(this.o.adapter.sendNow(m.from, replies).catch((err: unknown) => this.o.log.error('whatsapp.emergency_send_failed', { errorName: err instanceof Error ? err.name : typeof err })));
    }
    if (!sends.length) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(sends), new Promise<void>((r) => (timer = setTimeout(r, EMERGENCY_SEND_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** Runs the turns left in the inbox (a crash between acknowledgement and answer, a database outage). */
  recover(): Promise<void> {
    this.recovering ??= this.recoverNow().finally(() => (this.recovering = undefined));
    return this.recovering;
  }

  private async recoverNow(): Promise<void> {
    try {
      const left = await this.o.inbox.unfinished({ running: this.running, soleInstance: this.o.soleInstance });
      for (const turn of left) {
        if (this.running.has(turn.id) || !(await this.o.inbox.claim(turn))) continue;
        await this.o.repo.markSeen(turn.id); // a delivery Meta retries now is a duplicate
        this.o.log.info('whatsapp.turn.recovered', { conversationId: turn.conversationId });
        void this.runEntry(turn.id, turn.activity as unknown as Entry, true);
      }
    } catch (err) {
      this.o.log.warn('whatsapp.recover_failed', { errorName: err instanceof Error ? err.name : typeof err });
    }
  }

  /** Runs the turn of an inbox entry; a `rerun` (after a crash) skips what an earlier run delivered, or the whole turn if it was over. */
  private async runEntry(id: string, entry: Entry, rerun = false): Promise<void> {
    if (this.running.has(id)) return;
    this.running.add(id);
    const { adapter, repo } = this.o;
    let failure: unknown;
    try {
      if (rerun && (await repo.turnEnded(id))) {
        await this.o.inbox.done(id).catch(() => undefined);
        return;
      }
      await adapter.runTurn(
        entry.key,
        entry.phone,
        async (earlierPick) => {
          const contact = await repo.get(entry.key);
          await repo.inbound(entry.key, entry.phone);
          const { text, pick } = this.textOf(entry, contact?.menu, earlierPick);
          return { activity: adapter.activity(entry.key, id, text), contact, pick };
        },
        async (ctx) => {
          try {
            await this.answer(ctx, entry);
          } catch (err) {
            failure = err;
            throw err;
          }
        },
        { turn: id, rerun },
      );
      if (failure === undefined) await repo.endTurn(id).catch(() => undefined);
    } catch (err) {
      failure ??= err;
    } finally {
      this.running.delete(id);
    }
    const keep = failure !== undefined && isStorageError(failure);
    if (failure !== undefined) this.o.log.error('whatsapp.turn.failed', { conversationId: entry.key, errorName: failure instanceof Error ? failure.name : typeof failure, kept: keep });
    // Left in the inbox when the database failed: run again by recover().
    if (!keep) await this.o.inbox.done(id).catch(() => undefined);
  }

  /** The bot's turn, or for a picture, a voice note…: what Boussole reads, with the safety numbers if the conversation was in danger. */
  private async answer(ctx: TurnContext, entry: Entry): Promise<void> {
    const { repo, bot, t } = this.o;
    if (entry.kind !== 'unsupported') return bot.run(ctx);
    const info = await repo.get(entry.key);
    const lang = isLang(info?.lang) ? info.lang : 'fr';
    const lines = [t(lang, 'whatsapp:unsupported')];
    if (info?.safety?.length) lines.push(t(lang, 'whatsapp:unsupported_danger', { numbers: info.safety.join(', ') }));
    this.o.log.info('whatsapp.unsupported_message', { conversationId: entry.key, type: entry.type });
    await ctx.sendActivity({ type: 'message', text: lines.join('\n\n'), locale: lang });
  }

  /**
   * The text the bot reads: what was typed, the value behind a tapped choice, or the choice a typed
   * number picks among those shown (`earlierPick`: what it picked in a run before a crash).
   */
  private textOf(entry: Entry, menu: string[] | undefined, earlierPick?: string): { text: string; pick?: string } {
    if (entry.kind === 'choice') return { text: (valueOfChoiceId(entry.choice ?? '') ?? '').slice(0, this.o.maxChars) };
    const text = (entry.text ?? '').slice(0, this.o.maxChars);
    const n = menuNumber(text);
    if (n === undefined) return { text };
    if (earlierPick !== undefined) return { text: earlierPick, pick: earlierPick };
    if (menu && n >= 1 && n <= menu.length) return { text: menu[n - 1], pick: menu[n - 1] };
    return { text };
  }

  /** Turns of this process queued or running. */
  get inFlight(): number {
    return this.running.size;
  }
}
