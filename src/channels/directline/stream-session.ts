/**
 * One open stream: a conversation's activities, each sent once, in order, as Direct Line
 * ActivitySets `{ activities, watermark }` (the watermark is the last sequence number sent).
 *
 * The session listens to the feed before it reads the log (catch-up from the client's watermark),
 * and holds what the feed announces while it reads; only numbers above the last one sent go out, so
 * an activity appended between the read and the subscription is neither lost nor sent twice. An
 * activity announced out of turn (a number skipped: another instance wrote, or an announcement was
 * missed) makes the session read the log from its last number instead of leaving a hole.
 */
import type { FeedListener, StreamedActivity } from './feed';

/** Activities per read of the log (as a poll). */
export const READ_BATCH = 100;
/** Held announcements beyond this are dropped and read again from the log instead. */
const MAX_HELD = 1000;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;

export interface SessionIo {
  /** Up to READ_BATCH stored activities after `afterSeq`, in order. */
  read(afterSeq: number): Promise<StreamedActivity[]>;
  send(frame: string): void;
  /** The read failed: true to try again later (the database is down), false when the session is closed. */
  readFailed(err: unknown): boolean;
  /** The conversation ended. */
  ended(): void;
}

export function activitySet(jsons: string[], watermark: number): string {
  return `{"activities":[${jsons.join(',')}],"watermark":"${watermark}"}`;
}

export class StreamSession implements FeedListener {
  private lastSeq: number;
  private reading = false;
  private readAgain = false;
  private held: StreamedActivity[] = [];
  private closed = false;
  /** Set while waiting to read the log again after a failure. */
  private retry?: NodeJS.Timeout;
  private retryMs = FIRST_RETRY_MS;

  constructor(
    private readonly io: SessionIo,
    watermark: number,
  ) {
    this.lastSeq = watermark;
  }

  /** Call once subscribed to the feed: sends what follows the watermark, then the live activities. */
  start(): void {
    void this.catchUp();
  }

  stored(items: StreamedActivity[]): void {
    if (this.closed) return;
    if (!this.reading) {
      this.deliver(items, false);
      return;
    }
    this.held.push(...items);
    if (this.held.length > MAX_HELD) {
      this.held = [];
      this.readAgain = true;
    }
    // Something was just stored: the database answers again, read now rather than at the next try.
    if (this.retry) {
      clearTimeout(this.retry);
      this.retry = undefined;
      void this.catchUp();
    }
  }

  standby(jsons: string[]): void {
    if (!this.closed && jsons.length) this.io.send(activitySet(jsons, this.lastSeq));
  }

  ended(): void {
    if (!this.closed) this.io.ended();
  }

  close(): void {
    this.closed = true;
    this.held = [];
    clearTimeout(this.retry);
  }

  /** The last sequence number sent (the client's watermark). */
  get watermark(): number {
    return this.lastSeq;
  }

  /** `afterRead`: the log was just read, so a number still missing is erased, not late. */
  private deliver(items: StreamedActivity[], afterRead: boolean): void {
    const fresh = items.filter((i) => i.seq > this.lastSeq).sort((a, b) => a.seq - b.seq);
    const unique = fresh.filter((item, i) => i === 0 || item.seq !== fresh[i - 1].seq);
    if (!unique.length) return;
    if (!afterRead && unique[0].seq !== this.lastSeq + 1) {
      this.held = unique;
      void this.catchUp();
      return;
    }
    this.send(unique);
  }

  private send(items: StreamedActivity[]): void {
    this.lastSeq = items[items.length - 1].seq;
    this.io.send(activitySet(items.map((i) => i.json), this.lastSeq));
  }

  private async catchUp(): Promise<void> {
    this.reading = true;
    try {
      do {
        this.readAgain = false;
        for (;;) {
          const batch = await this.io.read(this.lastSeq);
          if (this.closed) return;
          const fresh = batch.filter((b) => b.seq > this.lastSeq);
          if (fresh.length) this.send(fresh);
          if (batch.length < READ_BATCH) break;
        }
      } while (this.readAgain);
    } catch (err) {
      if (this.closed || !this.io.readFailed(err)) return;
      // Live activities keep waiting for the log: they are in it, and in order there.
      this.retry = setTimeout(() => {
        this.retry = undefined;
        void this.catchUp();
      }, this.retryMs).unref();
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
      return;
    }
    this.retryMs = FIRST_RETRY_MS;
    this.reading = false;
    const held = this.held;
    this.held = [];
    this.deliver(held, true);
  }
}
