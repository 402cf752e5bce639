/**
 * Several server instances on one database hear of each other's news through it: each instance
 * writes its events as its own numbered sequence (InstanceEventsRepository) and reads every other
 * live instance's sequence by `_id`, number after number. On MongoDB a change stream would do; this
 * works on FerretDB too, where a find by `_id` is the one query that costs the same at any size.
 *
 * Cost when idle: one `_id` lookup per other instance every `pollMs`. Latency: at most `pollMs`.
 * Events are news, not a record: a stream or a console that missed one catches up from the store.
 */
import type { InstanceEventsRepository } from '../repositories/instance-events-repository';
import type { Logger } from '../logging/logger';

export interface Peer {
  id: string;
  /** The last event number it had published at its last heartbeat. */
  events?: number;
}

type Handler = (data: unknown, from: string) => void;

interface Cursor {
  next: number;
  /** Since when `next` has been missing (an event whose write failed must not stop the reader). */
  missingSince?: number;
}

/** How long a missing number may block a reader before it looks past it. */
const SKIP_AFTER_MS = 2_000;
/** Events read from one instance per tick at most (the others get their turn). */
const BATCH = 200;

export class ClusterBus {
  private seq = 0;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly cursors = new Map<string, Cursor>();
  private timer?: NodeJS.Timeout;
  private peersAt = 0;
  private stopped = false;

  constructor(
    private readonly o: {
      instanceId: string;
      events: InstanceEventsRepository;
      /** Instances alive now (this one may be among them). */
      peers: () => Promise<Peer[]>;
      log: Logger;
      pollMs?: number;
      peersEveryMs?: number;
      now?: () => number;
    },
  ) {}

  get instanceId(): string {
    return this.o.instanceId;
  }

  /** The last number this instance published (told to the others with the heartbeat). */
  get head(): number {
    return this.seq;
  }

  /** Tells the other instances; never throws (news can be lost, state never is). */
  publish(topic: string, data: unknown): void {
    const n = ++this.seq;
    this.o.events.append(this.o.instanceId, n, JSON.stringify({ topic, data })).catch((error: Error) => this.o.log.warn('cluster.publish_failed', { topic, error }));
  }

  /** Handles `topic` when another instance publishes it. Returns the function that stops. */
  on(topic: string, fn: Handler): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  start(): void {
    this.stopped = false;
    const loop = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        await this.tick();
      } catch (error) {
        this.o.log.warn('cluster.read_failed', { error: error as Error });
      }
      if (!this.stopped) {
        this.timer = setTimeout(() => void loop(), this.o.pollMs ?? 50);
        this.timer.unref();
      }
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** One round: learn which instances are alive (now and then), then read what each published. */
  async tick(): Promise<void> {
    const now = this.o.now ?? Date.now;
    if (now() - this.peersAt >= (this.o.peersEveryMs ?? 2_000)) {
      this.peersAt = now();
      const peers = (await this.o.peers()).filter((p) => p.id !== this.o.instanceId);
      for (const p of peers) if (!this.cursors.has(p.id)) this.cursors.set(p.id, { next: (await this.headOf(p)) + 1 });
      for (const id of [...this.cursors.keys()]) if (!peers.some((p) => p.id === id)) this.cursors.delete(id);
    }
    for (const [id, cursor] of this.cursors) await this.readFrom(id, cursor, now);
  }

  private async readFrom(id: string, cursor: Cursor, now: () => number): Promise<void> {
    for (let read = 0; read < BATCH; read++) {
      const json = await this.o.events.read(id, cursor.next);
      if (json === null) {
        cursor.missingSince ??= now();
        if (now() - cursor.missingSince < SKIP_AFTER_MS) return;
        // Lost or purged: go on from the next number that exists, if any.
        let found = 0;
        for (let k = 1; k <= 5 && !found; k++) if ((await this.o.events.read(id, cursor.next + k)) !== null) found = k;
        if (!found) return;
        cursor.next += found;
        cursor.missingSince = undefined;
        continue;
      }
      cursor.missingSince = undefined;
      cursor.next += 1;
      this.dispatch(json, id);
    }
  }

  private dispatch(json: string, from: string): void {
    let event: { topic?: unknown; data?: unknown };
    try {
      event = JSON.parse(json) as typeof event;
    } catch {
      return;
    }
    for (const fn of this.handlers.get(String(event.topic)) ?? []) {
      try {
        fn(event.data, from);
      } catch (error) {
        this.o.log.warn('cluster.handler_failed', { topic: String(event.topic), error: error as Error });
      }
    }
  }

  /**
   * Where a newly seen instance is now: from the number its heartbeat gave, forward while events
   * exist (doubling, then halving: a few `_id` lookups), so only what it publishes from now on is read.
   */
  private async headOf(peer: Peer): Promise<number> {
    const exists = async (n: number) => n <= 0 || (await this.o.events.read(peer.id, n)) !== null;
    let low = peer.events ?? 0;
    if (!(await exists(low))) return low; // purged or never written: start after it
    let step = 1;
    while (await exists(low + step)) {
      low += step;
      step *= 2;
    }
    let high = low + step;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await exists(mid)) low = mid;
      else high = mid;
    }
    return low;
  }
}
