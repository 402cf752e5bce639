/**
 * Accepted messages that have not been answered yet, so that a crash never leaves one behind.
 *
 * A web-chat message is stored in the activity log, then written here (`_id` = its activity id,
 * with the activity itself and the server instance that runs it), and deleted once its turn is over.
 * Each instance writes a heartbeat; an entry whose instance stopped beating is an orphan, and
 * another instance (or the same server after a restart) claims and runs it. The claim is an insert
 * of `<entry id>|<old owner>`: the unique `_id` is the arbiter (FerretDB's updates are not atomic
 * under concurrency, an `_id` insert is). Reads other than `_id` equality scan the collection,
 * which stays small: it holds only the turns in flight.
 */
import { MongoBulkWriteError, type Collection, type Db } from 'mongodb';
import { GroupCommit } from './group-commit';

export interface PendingTurn {
  id: string;
  conversationId: string;
  activity: Record<string, unknown>;
  owner: string;
  at: Date;
}

interface EntryDoc {
  _id: string;
  conversationId: string;
  json: string;
  owner: string;
  at: Date;
}

interface InstanceDoc {
  _id: string;
  aliveUntil: Date;
  /** The last event number it published (src/cluster/event-bus.ts), at this heartbeat. */
  events?: number;
}

interface ClaimDoc {
  _id: string;
  at: Date;
}

export const TURN_INBOX_COLLECTIONS = { entries: 'directline_inbox', instances: 'server_instances', claims: 'directline_inbox_claims' } as const;
const DUPLICATE_KEY = 11000;
const CLAIM_RETENTION_MS = 24 * 3600 * 1000;
/** A turn still unanswered after this long is given up (it holds what a person wrote). */
const ENTRY_MAX_AGE_MS = 24 * 3600 * 1000;

export class TurnInboxRepository {
  private readonly entries: Collection<EntryDoc>;
  private readonly instances: Collection<InstanceDoc>;
  private readonly claims: Collection<ClaimDoc>;
  /** Entries written and deleted many per command under load (see GroupCommit). */
  private readonly adds: GroupCommit<EntryDoc, boolean>;
  private readonly deletes: GroupCommit<string, void>;

  constructor(
    db: Db,
    readonly instanceId: string,
    private readonly now: () => Date = () => new Date(),
    /** Another channel's inbox (e.g. WhatsApp's): its own entries and claims, the same instances. */
    collections: { entries: string; claims: string } = TURN_INBOX_COLLECTIONS,
  ) {
    this.entries = db.collection<EntryDoc>(collections.entries);
    this.instances = db.collection<InstanceDoc>(TURN_INBOX_COLLECTIONS.instances);
    this.claims = db.collection<ClaimDoc>(collections.claims);
    this.adds = new GroupCommit((docs) => this.insertEntries(docs));
    this.deletes = new GroupCommit<string, void>(async (ids) => {
      // The inbox holds only the turns in flight: a filter over it is cheap on every backend.
      await this.entries.deleteMany({ _id: ids.length === 1 ? ids[0] : { $in: ids } });
      return ids.map(() => undefined);
    });
  }

  /** One insert for many entries; an id already there is `false` for its caller alone. */
  private async insertEntries(docs: EntryDoc[]): Promise<boolean[]> {
    const added = docs.map(() => true);
    try {
      await this.entries.insertMany(docs, { ordered: false });
    } catch (err) {
      const failed = err instanceof MongoBulkWriteError ? ([] as Array<{ index: number; code: number }>).concat(err.writeErrors as never) : undefined;
      if (!failed?.length || failed.some((e) => e.code !== DUPLICATE_KEY)) throw err;
      for (const e of failed) added[e.index] = false;
    }
    return added;
  }

  async ensureIndexes(): Promise<void> {
    await this.claims.createIndex({ at: 1 }, { name: 'at' });
  }

  /**
   * Idempotent: the same activity id written twice is one entry (false: it was there). An insert, not an upsert: on
   * FerretDB's SQLite backend an insert by `_id` stays flat, a replace reads the whole collection.
   */
  add(id: string, conversationId: string, activity: Record<string, unknown>): Promise<boolean> {
    return this.adds.add({ _id: id, conversationId, json: JSON.stringify(activity), owner: this.instanceId, at: this.now() });
  }

  /**
   * Whether a turn of this conversation registered before `id` is still waiting or running (with
   * several instances, turns run in the order of the log). Reads the inbox, which holds only the
   * turns not finished yet. Ids are `<conversationId>|<seq>`, the start of a conversation `|start`.
   */
  async earlierPending(conversationId: string, id: string): Promise<boolean> {
    const rank = (entry: string): number => {
      const tail = entry.slice(entry.lastIndexOf('|') + 1);
      return tail === 'start' ? 0 : Number(tail);
    };
    const mine = rank(id);
    if (!Number.isFinite(mine)) return false;
    const entries = await this.entries.find({ conversationId }, { projection: { _id: 1 } }).toArray();
    return entries.some((e) => e._id !== id && rank(e._id) < mine);
  }

  done(id: string): Promise<void> {
    return this.deletes.add(id);
  }

  /** This instance is alive for `ttlMs` more (and has published events up to `events`). */
  async heartbeat(ttlMs: number, events?: number): Promise<void> {
    await this.instances.replaceOne({ _id: this.instanceId }, { aliveUntil: new Date(this.now().getTime() + ttlMs), ...(events !== undefined ? { events } : {}) }, { upsert: true });
  }

  /** The instances alive now, with their last event numbers (a small collection: one document per instance). */
  async alive(): Promise<Array<{ id: string; events?: number }>> {
    const now = this.now();
    return (await this.instances.find({}).toArray()).filter((i) => i.aliveUntil > now).map((i) => ({ id: i._id, events: i.events }));
  }

  /** Says this instance stopped (clean shutdown): its unfinished turns can be taken at once. */
  async retire(): Promise<void> {
    await this.instances.deleteOne({ _id: this.instanceId });
  }

  /**
   * Entries nobody is running: those of instances that stopped beating (every other instance's,
   * when `soleInstance` says this server is the only one on this database), and this instance's
   * own entries that are not in `running`.
   */
  async unfinished(opts: { running: ReadonlySet<string>; soleInstance: boolean }): Promise<PendingTurn[]> {
    const docs = await this.entries.find({}).sort({ at: 1 }).limit(1000).toArray();
    if (!docs.length) return [];
    const now = this.now();
    const alive = new Set((await this.instances.find({}).toArray()).filter((i) => i.aliveUntil > now).map((i) => i._id));
    const out: PendingTurn[] = [];
    for (const d of docs) {
      const mine = d.owner === this.instanceId;
      if (mine ? opts.running.has(d._id) : !opts.soleInstance && alive.has(d.owner)) continue;
      try {
        out.push({ id: d._id, conversationId: d.conversationId, activity: JSON.parse(d.json) as Record<string, unknown>, owner: d.owner, at: d.at });
      } catch {
        await this.entries.deleteOne({ _id: d._id }); // a damaged entry cannot be run
      }
    }
    return out;
  }

  /** Takes an orphan for this instance; false when another instance took it first. */
  async claim(turn: PendingTurn): Promise<boolean> {
    if (turn.owner === this.instanceId) return true;
    try {
      await this.claims.insertOne({ _id: `${turn.id}|${turn.owner}`, at: this.now() });
    } catch (err) {
      if ((err as { code?: unknown }).code === DUPLICATE_KEY) return false;
      throw err;
    }
    await this.entries.updateOne({ _id: turn.id }, { $set: { owner: this.instanceId } });
    return true;
  }

  async purgeOld(): Promise<void> {
    const cutoff = new Date(this.now().getTime() - CLAIM_RETENTION_MS);
    await this.claims.deleteMany({ at: { $lt: cutoff } });
    await this.instances.deleteMany({ aliveUntil: { $lt: cutoff } });
    await this.entries.deleteMany({ at: { $lt: new Date(this.now().getTime() - ENTRY_MAX_AGE_MS) } });
  }
}
