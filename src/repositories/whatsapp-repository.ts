/**
 * What the WhatsApp channel keeps about a person, and only while the conversation lives.
 *
 * - `whatsapp_contacts` (bucketed like the other collections written at every message): one
 *   record per conversation, `_id` = the conversation key (a keyed hash of the number, never the
 *   number). It holds the number itself, encrypted (AES-256-GCM, key derived from a stored secret),
 *   because replies and Helpdesk messages must be sent to it; when the person last wrote (the
 *   24-hour window); the language and safety numbers of the last replies (what an unsupported
 *   message is answered with); the numbered menu last shown. It expires with the conversation,
 *   and "forget me" deletes it.
 * - `whatsapp_seen`: the keyed hashes of the message ids already accepted (Meta delivers again
 *   until it gets a 200), written by `_id` insert only and purged after a week.
 * - `whatsapp_sent`: what a turn already delivered, so that a turn run again after a crash (its
 *   replies out, its inbox entry not yet deleted) does not send them twice: `<turn>|<n>` for its
 *   n-th WhatsApp message (with a keyed hash of that message, never its text; the first one also
 *   keeps, encrypted, the option a typed number picked), `<turn>|end` once the turn is over. Written by `_id` insert only, read by `_id`, purged after two days; "forget me" erases a conversation's records.
 */
import crypto from 'node:crypto';
import type { Db } from 'mongodb';
import { breathe, Buckets } from './buckets';
import type { StoreLayout } from './store-layout';

export interface ContactRecord {
  key: string;
  /** The WhatsApp number (wa_id), decrypted. */
  phone: string;
  lastInboundAt: Date;
  lang?: string;
  /** The safety numbers given in this conversation (it was in danger). */
  safety?: string[];
  /** The values of the numbered menu last shown ("2" in reply means the second). */
  menu?: string[];
}

interface ContactDoc {
  _id: string;
  phone: string;
  lastInboundAt: Date;
  expiresAt: Date;
  lang?: string;
  safety?: string[];
  menu?: string[];
}

interface SeenDoc {
  _id: string;
  at: Date;
}

interface SentDoc {
  _id: string;
  at: Date;
  /** A keyed hash of the message sent (a turn run again may say something else). */
  h?: string;
  /** On a turn's first message: the option its typed number picked (the menu shown changes with the replies), encrypted. */
  pick?: string;
  /** The conversation key (a keyed hash, never the number): "forget me" erases its records. */
  c?: string;
}

export const WHATSAPP_COLLECTIONS = { contacts: 'whatsapp_contacts', seen: 'whatsapp_seen', sent: 'whatsapp_sent', inbox: 'whatsapp_inbox', claims: 'whatsapp_inbox_claims' } as const;
const DUPLICATE_KEY = 11000;
const SEEN_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** Longer than an inbox entry may wait for its turn (24 h). */
const SENT_RETENTION_MS = 48 * 3600 * 1000;
/** More WhatsApp messages than one turn ever sends. */
const MAX_MESSAGES_PER_TURN = 200;

export class WhatsAppRepository {
  private readonly contacts: Buckets<ContactDoc>;
  private readonly seenIds;
  private readonly sentIds;
  private readonly cipherKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(
    db: Db,
    layout: StoreLayout,
    secret: Buffer,
    private readonly retentionMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.contacts = new Buckets<ContactDoc>(db, WHATSAPP_COLLECTIONS.contacts, layout.buckets);
    this.seenIds = db.collection<SeenDoc>(WHATSAPP_COLLECTIONS.seen);
    this.sentIds = db.collection<SentDoc>(WHATSAPP_COLLECTIONS.sent);
    this.cipherKey = crypto.createHmac('sha256', secret).update('whatsapp:phone-encryption').digest();
    this.hashKey = crypto.createHmac('sha256', secret).update('whatsapp:keys').digest();
  }

  /** The conversation key of a number: a keyed hash, the same at every start, useless without the secret. */
  conversationKey(phone: string): string {
    return `wa-${crypto.createHmac('sha256', this.hashKey).update(`phone:${phone}`).digest('base64url').slice(0, 32)}`;
  }

  /** A message id as stored (inbox, de-duplication): a keyed hash. */
  messageKey(messageId: string): string {
    return crypto.createHmac('sha256', this.hashKey).update(`message:${messageId}`).digest('base64url').slice(0, 32);
  }

  async seen(messageKey: string): Promise<boolean> {
    return (await this.seenIds.findOne({ _id: messageKey }, { projection: { _id: 1 } })) !== null;
  }

  /** Marks a message id as accepted; false when it was already (a concurrent duplicate delivery). */
  async markSeen(messageKey: string): Promise<boolean> {
    try {
      await this.seenIds.insertOne({ _id: messageKey, at: this.now() });
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === DUPLICATE_KEY) return false;
      throw err;
    }
  }

  /** A keyed hash of an outgoing message (what the record of a delivery keeps instead of its text). */
  messageHash(message: unknown): string {
    return crypto.createHmac('sha256', this.hashKey).update(`sent:${JSON.stringify(message)}`).digest('base64url').slice(0, 22);
  }

  /**
   * The hashes of the messages a turn already delivered, in order (read by `_id`, one by one: a
   * turn's messages leave in order, so they are recorded without gaps).
   */
  async delivered(turn: string): Promise<{ hashes: string[]; pick?: string }> {
    const hashes: string[] = [];
    let pick: string | undefined;
    for (let n = 0; n < MAX_MESSAGES_PER_TURN; n++) {
      const d = await this.sentIds.findOne({ _id: `${turn}|${n}` });
      if (!d) break;
      hashes.push(d.h ?? '');
      if (n === 0 && d.pick) pick = this.decrypt(d.pick);
    }
    return { hashes, pick };
  }

  /** The n-th message of the turn is delivered (the first one also keeps the option a typed number picked). */
  async markDelivered(turn: string, n: number, hash: string, pick?: string, conversation?: string): Promise<void> {
    await this.insertSent({ _id: `${turn}|${n}`, at: this.now(), h: hash, ...(conversation ? { c: conversation } : {}), ...(n === 0 && pick !== undefined ? { pick: this.encrypt(pick) } : {}) });
  }

  /** Whether the turn was over (its replies all out, its state saved) before its inbox entry could be deleted. */
  async turnEnded(turn: string): Promise<boolean> {
    return (await this.sentIds.findOne({ _id: `${turn}|end` }, { projection: { _id: 1 } })) !== null;
  }

  async endTurn(turn: string): Promise<void> {
    await this.insertSent({ _id: `${turn}|end`, at: this.now() });
  }

  private async insertSent(doc: SentDoc): Promise<void> {
    try {
      await this.sentIds.insertOne(doc);
    } catch (err) {
      if ((err as { code?: unknown }).code !== DUPLICATE_KEY) throw err;
    }
  }

  async get(key: string): Promise<ContactRecord | undefined> {
    const d = await this.contacts.of(key).findOne({ _id: key });
    if (!d) return undefined;
    const phone = this.decrypt(d.phone);
    if (!phone || d.expiresAt <= this.now()) return undefined;
    return { key, phone, lastInboundAt: d.lastInboundAt, lang: d.lang, safety: d.safety, menu: d.menu };
  }

  /** The person wrote: the record (created if new) keeps the number and opens the 24-hour window. */
  async inbound(key: string, phone: string, at: Date = this.now()): Promise<void> {
    await this.contacts.of(key).updateOne({ _id: key }, { $set: { phone: this.encrypt(phone), lastInboundAt: at, expiresAt: new Date(at.getTime() + this.retentionMs) } }, { upsert: true });
  }

  /** What the last replies said (language, safety numbers, numbered menu); only existing records. */
  async remember(key: string, change: { lang?: string; safety?: string[]; menu?: string[] | null }): Promise<void> {
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    if (change.lang) set.lang = change.lang;
    if (change.safety) set.safety = change.safety;
    if (change.menu === null) unset.menu = '';
    else if (change.menu) set.menu = change.menu;
    if (!Object.keys(set).length && !Object.keys(unset).length) return;
    await this.contacts.of(key).updateOne({ _id: key }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) });
  }

  /** "forget me": the number and everything kept with it. */
  async erase(key: string): Promise<void> {
    await this.contacts.of(key).deleteOne({ _id: key });
    // What its turns delivered (a typed number's pick among them): rare, so one query is fine.
    await this.sentIds.deleteMany({ c: key });
  }

  async purgeExpired(): Promise<number> {
    let n = 0;
    const now = this.now();
    for (const col of this.contacts.all()) {
      n += (await col.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
      if (this.contacts.split) await breathe();
    }
    await this.seenIds.deleteMany({ at: { $lt: new Date(now.getTime() - SEEN_RETENTION_MS) } });
    await this.sentIds.deleteMany({ at: { $lt: new Date(now.getTime() - SENT_RETENTION_MS) } });
    return n;
  }

  private encrypt(plain: string): string {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', this.cipherKey, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return [iv, c.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
  }

  private decrypt(stored: string): string | undefined {
    try {
      const [iv, tag, body] = stored.split('.').map((p) => Buffer.from(p, 'base64url'));
      const d = crypto.createDecipheriv('aes-256-gcm', this.cipherKey, iv);
      d.setAuthTag(tag);
      return Buffer.concat([d.update(body), d.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
