/**
 * Nothing lost when the database is unreachable: a case that could not be written is kept as a
 * durable local file (one per case id) and written to the database when it is back; the file is
 * deleted only after the write succeeded.
 */
import type { CaseRecord } from '../repositories/handoff-repository';
import { DurableQueue } from '../local/durable-queue';

export class Outbox {
  private readonly queue: DurableQueue<CaseRecord>;

  constructor(dir: string) {
    this.queue = new DurableQueue<CaseRecord>(dir);
  }

  put(c: CaseRecord): string {
    return this.queue.put(c, c._id);
  }

  pending(): string[] {
    return this.queue.pending();
  }

  /** Writes every pending case with `save`; returns how many were written. Stops at the first failure. */
  async flush(save: (c: CaseRecord) => Promise<void>): Promise<number> {
    return this.queue.drain(save);
  }
}
