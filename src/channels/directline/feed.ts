/**
 * Tells a conversation's open streams (WebSocket) about each activity the moment it exists: stored
 * in the log (with its sequence number, the watermark), or kept in memory while the database is
 * down (no number: the watermark does not move). Nothing is serialised when nobody listens.
 *
 * With several server instances, a person's stream may be held by any of them: `withFeed` also
 * tells the others of each append (a ClusterBus), and `remoteAppended` reads what another instance
 * appended from the log for the streams held here. A stream fills any gap it notices from the log,
 * and polling stays exact on every instance.
 */
import type { DirectLineStore } from '../../repositories/directline-repository';
import { activityId } from './ids';
import type { StandbyActivity } from './standby';

/** An activity ready for the wire: its JSON (with its `id`) and, if stored, its sequence number. */
export interface StreamedActivity {
  seq: number;
  json: string;
}

export interface FeedListener {
  /** Stored activities of one append, in order. Must not throw. */
  stored(items: StreamedActivity[]): void;
  /** Activities kept in memory (the database is down); their JSON. Must not throw. */
  standby(jsons: string[]): void;
  /** The conversation was ended (erased with `end`). */
  ended(): void;
}

export class ActivityFeed {
  private readonly listeners = new Map<string, Set<FeedListener>>();

  /** Returns the function that unsubscribes. */
  subscribe(conversationId: string, listener: FeedListener): () => void {
    let set = this.listeners.get(conversationId);
    if (!set) this.listeners.set(conversationId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size && this.listeners.get(conversationId) === set) this.listeners.delete(conversationId);
    };
  }

  appended(conversationId: string, seqs: number[], activities: Record<string, unknown>[]): void {
    const set = this.listeners.get(conversationId);
    if (!set?.size) return;
    // Serialised now, once for every listener: the same JSON a poll returns (the activity, then its id).
    const items = seqs.map((seq, i) => ({ seq, json: JSON.stringify({ ...activities[i], id: activityId(conversationId, seq) }) }));
    notify(set, (l) => l.stored(items));
  }

  standby(conversationId: string, added: StandbyActivity[]): void {
    const set = this.listeners.get(conversationId);
    if (!set?.size || !added.length) return;
    const jsons = added.map(({ id, activity }) => JSON.stringify({ ...activity, id }));
    notify(set, (l) => l.standby(jsons));
  }

  ended(conversationId: string): void {
    notify(this.listeners.get(conversationId), (l) => l.ended());
  }

  /** Another instance appended `seqs`: read them from the log, only if a stream here listens. */
  async remoteAppended(conversationId: string, seqs: number[], store: Pick<DirectLineStore, 'listActivities'>): Promise<void> {
    if (!this.listeners.get(conversationId)?.size || !seqs.length) return;
    const from = Math.min(...seqs);
    const stored = await store.listActivities(conversationId, from - 1, Math.max(...seqs) - from + 1);
    const wanted = stored.filter((s) => seqs.includes(s.seq));
    if (!wanted.length) return;
    this.appended(
      conversationId,
      wanted.map((s) => s.seq),
      wanted.map((s) => s.activity),
    );
  }

  /** Conversations with at least one listener (tests, health). */
  get conversations(): number {
    return this.listeners.size;
  }
}

/** A listener's failure must never turn a stored append into a failed one for its caller. */
function notify(set: Set<FeedListener> | undefined, call: (listener: FeedListener) => void): void {
  for (const listener of [...(set ?? [])]) {
    try {
      call(listener);
    } catch {
      // the stream closes itself on its own errors; the other listeners still hear of it
    }
  }
}

/** What `withFeed` needs of a ClusterBus (src/cluster/event-bus.ts). */
export interface FeedRelay {
  publish(topic: string, data: unknown): void;
  on(topic: string, fn: (data: unknown) => void): () => void;
}

const APPENDED = 'directline.appended';
const ENDED = 'directline.ended';

/**
 * The store, announcing to `feed` every append that succeeded (whoever made it: router, adapter,
 * replay) and, with a relay, to the other instances; their appends reach the streams held here.
 */
export function withFeed(store: DirectLineStore, feed: ActivityFeed, relay?: FeedRelay): DirectLineStore {
  relay?.on(APPENDED, (data) => {
    const { c, s } = (data ?? {}) as { c?: unknown; s?: unknown };
    if (typeof c !== 'string' || !Array.isArray(s) || !s.every((n) => Number.isInteger(n))) return;
    void feed.remoteAppended(c, s as number[], store).catch(() => undefined); // the stream fills the gap from the log
  });
  relay?.on(ENDED, (data) => {
    const { c } = (data ?? {}) as { c?: unknown };
    if (typeof c === 'string') feed.ended(c);
  });
  return {
    ensureIndexes: () => store.ensureIndexes(),
    createConversation: (input) => store.createConversation(input),
    getConversation: (id) => store.getConversation(id),
    async appendActivities(conversationId, activities) {
      const seqs = await store.appendActivities(conversationId, activities);
      if (seqs) {
        feed.appended(conversationId, seqs, activities);
        relay?.publish(APPENDED, { c: conversationId, s: seqs });
      }
      return seqs;
    },
    listActivities: (conversationId, afterSeq, limit) => store.listActivities(conversationId, afterSeq, limit),
    async eraseConversation(conversationId, opts) {
      const erased = await store.eraseConversation(conversationId, opts);
      if (opts?.end) {
        feed.ended(conversationId);
        relay?.publish(ENDED, { c: conversationId });
      }
      return erased;
    },
    purgeExpired: (now) => store.purgeExpired(now),
  };
}
