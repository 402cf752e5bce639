/**
 * What a web-chat person sees while the database cannot be reached: the replies made from memory
 * (the safety net's numbers, a notice that their message is kept) and any reply of a turn that
 * could not be stored. They are kept in this process only, pushed to the person's open streams and
 * served to their polls with the watermark unchanged (Web Chat replaces an activity that comes again with the same id), and
 * forgotten after an hour. Each carries `channelData.standbyId`: a reply stored later, when the
 * database is back, carries the same id and the page shows it once.
 */
export interface StandbyActivity {
  id: string;
  activity: Record<string, unknown>;
}

const MAX_CONVERSATIONS = 10_000;
const MAX_PER_CONVERSATION = 30;
const KEEP_MS = 3600 * 1000;

export class StandbyNotices {
  private readonly byConversation = new Map<string, { items: StandbyActivity[]; at: number }>();
  private counter = 0;

  constructor(
    private readonly now: () => number = Date.now,
    /** Told of every activity added (the conversation's open streams get it at once). */
    private readonly onAdded?: (conversationId: string, added: StandbyActivity[]) => void,
  ) {}

  /** Keeps the activities for the conversation's polls; returns their ids. */
  add(conversationId: string, activities: Record<string, unknown>[]): string[] {
    this.evict();
    const entry = this.byConversation.get(conversationId) ?? { items: [], at: this.now() };
    entry.at = this.now();
    const added: StandbyActivity[] = [];
    for (const a of activities) {
      const standbyId = typeof (a.channelData as { standbyId?: unknown } | undefined)?.standbyId === 'string' ? String((a.channelData as { standbyId: string }).standbyId) : this.nextId();
      const id = `${conversationId}|${standbyId}`;
      added.push({ id, activity: { ...a, channelData: { ...((a.channelData as object | undefined) ?? {}), standbyId } } });
    }
    entry.items.push(...added);
    entry.items.splice(0, Math.max(0, entry.items.length - MAX_PER_CONVERSATION));
    this.byConversation.delete(conversationId);
    this.byConversation.set(conversationId, entry);
    this.onAdded?.(conversationId, added);
    return added.map((a) => a.id);
  }

  list(conversationId: string): StandbyActivity[] {
    const entry = this.byConversation.get(conversationId);
    if (!entry || this.now() - entry.at > KEEP_MS) return [];
    return entry.items;
  }

  /** A new id for an activity kept on standby (also written into its `channelData.standbyId`). */
  nextId(): string {
    return `standby-${this.now().toString(36)}-${(this.counter++).toString(36)}`;
  }

  get conversations(): number {
    return this.byConversation.size;
  }

  private evict(): void {
    const cutoff = this.now() - KEEP_MS;
    for (const [id, entry] of this.byConversation) {
      if (entry.at >= cutoff && this.byConversation.size < MAX_CONVERSATIONS) break; // oldest first (Map keeps insertion order)
      this.byConversation.delete(id);
    }
  }
}
