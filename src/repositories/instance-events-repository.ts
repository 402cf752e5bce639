/**
 * What each server instance tells the others (an activity appended, a Helpdesk event, who is on the
 * console), as one numbered sequence per instance: `_id = <instanceId>|<n>`. The writer numbers its
 * own events (no contention), and a reader asks for the next number by `_id` — the one kind of
 * query FerretDB on SQLite answers without reading the whole collection. Events are live news, not
 * a record: kept RETENTION_MS, then purged.
 */
import type { Collection, Db } from 'mongodb';

interface EventDoc {
  _id: string;
  json: string;
  at: Date;
}

/** Long enough for any reader to catch up, short enough that the purge reads few documents. */
export const EVENT_RETENTION_MS = 2 * 60_000;

export class InstanceEventsRepository {
  private readonly col: Collection<EventDoc>;

  constructor(
    db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.col = db.collection<EventDoc>('instance_events');
  }

  async append(instanceId: string, n: number, json: string): Promise<void> {
    await this.col.insertOne({ _id: `${instanceId}|${n}`, json, at: this.now() });
  }

  /** The event's JSON, or null when it does not exist (not yet, or purged). */
  async read(instanceId: string, n: number): Promise<string | null> {
    return (await this.col.findOne({ _id: `${instanceId}|${n}` }))?.json ?? null;
  }

  async purge(): Promise<number> {
    return (await this.col.deleteMany({ at: { $lt: new Date(this.now().getTime() - EVENT_RETENTION_MS) } })).deletedCount;
  }
}
