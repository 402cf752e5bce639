/**
 * Tells a conversation's open streams (WebSocket) about each activity the moment it exists: stored
 * in the log (with its sequence number, the watermark), or kept in memory while the database is
 * down (no number: the watermark does not move). Nothing is serialised when nobody listens.
 *
 * In-process only: an activity appended by another server instance is not announced here. With
 * several instances, each would need to hear of the others' appends (an events collection every
 * instance tails, or a message broker), since a person's stream may be held by any instance. Until
 * then a stream fills any gap it notices from the log, and polling stays exact on every instance.
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

/** The store, announcing to `feed` every append that succeeded (whoever made it: router, adapter, replay). */
export function withFeed(store: DirectLineStore, feed: ActivityFeed): DirectLineStore {
  return {
    ensureIndexes: () => store.ensureIndexes(),
    createConversation: (input) => store.createConversation(input),
    getConversation: (id) => store.getConversation(id),
    async appendActivities(conversationId, activities) {
      const seqs = await store.appendActivities(conversationId, activities);
      if (seqs) feed.appended(conversationId, seqs, activities);
      return seqs;
    },
    listActivities: (conversationId, afterSeq, limit) => store.listActivities(conversationId, afterSeq, limit),
    async eraseConversation(conversationId, opts) {
      const erased = await store.eraseConversation(conversationId, opts);
      if (opts?.end) feed.ended(conversationId);
      return erased;
    },
    purgeExpired: (now) => store.purgeExpired(now),
  };
}
