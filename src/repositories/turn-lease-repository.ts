/**
 * Turns of one conversation run one at a time across server instances: before a turn, its instance
 * inserts `{ _id: <conversationId> }` in `turn_leases` (the unique `_id` is the arbiter, on MongoDB
 * and on FerretDB alike, where conditional updates are not atomic) and deletes it after. A lease
 * left by a crashed instance is taken over when it expires. The collection holds only the turns
 * running now, so its deletes stay cheap even where a delete reads the whole collection.
 */
import type { Collection, Db } from 'mongodb';

interface LeaseDoc {
  _id: string;
  owner: string;
  until: Date;
}

const DUPLICATE_KEY = 11000;

export class TurnLeaseTimeout extends Error {
  constructor(key: string) {
    super(`turn lease for ${key} not obtained in time`);
    this.name = 'TurnLeaseTimeout';
  }
}

export class TurnLeaseRepository {
  private readonly col: Collection<LeaseDoc>;

  constructor(
    db: Db,
    private readonly owner: string,
    private readonly opts: { ttlMs?: number; maxWaitMs?: number; now?: () => Date } = {},
  ) {
    this.col = db.collection<LeaseDoc>('turn_leases');
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** Waits for the conversation's lease; resolves to its release. */
  async acquire(key: string): Promise<() => Promise<void>> {
    const ttl = this.opts.ttlMs ?? 30_000;
    const started = Date.now();
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      const until = new Date(this.now().getTime() + ttl);
      try {
        await this.col.insertOne({ _id: key, owner: this.owner, until });
        return async () => {
          await this.col.deleteOne({ _id: key, owner: this.owner });
        };
      } catch (err) {
        if ((err as { code?: unknown }).code !== DUPLICATE_KEY) throw err;
      }
      const held = await this.col.findOne({ _id: key });
      if (held && held.until <= this.now()) {
        // Its instance died during a turn: take over (only that lease, not one taken meanwhile).
        await this.col.deleteOne({ _id: key, owner: held.owner, until: held.until });
        continue;
      }
      if (Date.now() - started > (this.opts.maxWaitMs ?? ttl + 5_000)) throw new TurnLeaseTimeout(key);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
