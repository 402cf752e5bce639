/**
 * What happens on the Helpdesk, pushed to the consoles that are open (SSE): a case created or
 * changed, a message written; and who is on the console. With several server instances, both go
 * through a relay (ClusterBus, src/cluster/event-bus.ts): an event published on one instance
 * reaches the consoles held by every other, and each instance tells the others who is connected
 * to it, so any instance knows whether someone can answer now.
 */
import { EventEmitter } from 'node:events';

export type HelpdeskEvent =
  | { type: 'case'; caseId: string; bassin: string | null; status: string; mode: string }
  | { type: 'message'; caseId: string; bassin: string | null; message: { id: string; from: string; text: string; name?: string; alarm?: string; at: string } };

/** What the Helpdesk needs of a ClusterBus. */
export interface HelpdeskRelay {
  publish(topic: string, data: unknown): void;
  on(topic: string, fn: (data: unknown, from: string) => void): () => void;
}

const EVENT = 'helpdesk.event';
const PRESENCE = 'helpdesk.presence';
const SET_AVAILABLE = 'helpdesk.available';
/** Another instance's list of agents counts this long after it was sent (it is re-sent every REPEAT_MS). */
const PRESENCE_TTL_MS = 15_000;
const REPEAT_MS = 5_000;

export class HelpdeskEvents {
  private readonly bus = new EventEmitter();
  private relay?: HelpdeskRelay;
  constructor() {
    this.bus.setMaxListeners(0);
  }

  /** Shares events with the other instances. */
  connect(relay: HelpdeskRelay): void {
    this.relay = relay;
    relay.on(EVENT, (e) => {
      if (e && typeof e === 'object' && typeof (e as { type?: unknown }).type === 'string') this.bus.emit('event', e as HelpdeskEvent);
    });
  }

  publish(e: HelpdeskEvent): void {
    this.bus.emit('event', e);
    this.relay?.publish(EVENT, e);
  }

  subscribe(fn: (e: HelpdeskEvent) => void): () => void {
    this.bus.on('event', fn);
    return () => this.bus.off('event', fn);
  }
}

interface AgentPresence {
  id: string;
  bassins: string[];
  available: boolean;
}

/** Agents with a console open and marked available, by the bassins they work for (here and, with a relay, on the other instances). */
export class Presence {
  private readonly agents = new Map<string, { bassins: string[]; connections: number; available: boolean }>();
  private readonly remote = new Map<string, { agents: AgentPresence[]; until: number }>();
  private relay?: HelpdeskRelay;
  private repeat?: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {}

  /** Tells the other instances who is connected here (at each change and every few seconds), and hears theirs. */
  connect(relay: HelpdeskRelay): void {
    this.relay = relay;
    relay.on(PRESENCE, (data, from) => {
      const agents = Array.isArray(data) ? (data as AgentPresence[]).filter((a) => a && typeof a.id === 'string' && Array.isArray(a.bassins)) : [];
      this.remote.set(from, { agents, until: this.now() + PRESENCE_TTL_MS });
    });
    relay.on(SET_AVAILABLE, (data) => {
      const { id, available } = (data ?? {}) as { id?: unknown; available?: unknown };
      if (typeof id === 'string' && typeof available === 'boolean') this.applyAvailable(id, available);
    });
    this.repeat = setInterval(() => this.share(), REPEAT_MS);
    this.repeat.unref();
  }

  disconnect(): void {
    if (this.repeat) clearInterval(this.repeat);
  }

  join(agent: { id: string; bassins: string[] }): () => void {
    const a = this.agents.get(agent.id) ?? { bassins: agent.bassins, connections: 0, available: this.remoteAgent(agent.id)?.available ?? true };
    a.connections++;
    this.agents.set(agent.id, a);
    this.share();
    return () => {
      a.connections--;
      if (a.connections <= 0) this.agents.delete(agent.id);
      this.share();
    };
  }

  /** The agent's choice, wherever their console's event stream is held. */
  setAvailable(agentId: string, available: boolean): void {
    this.applyAvailable(agentId, available);
    this.relay?.publish(SET_AVAILABLE, { id: agentId, available });
    for (const r of this.remote.values()) for (const a of r.agents) if (a.id === agentId) a.available = available;
  }

  isAvailable(agentId: string): boolean {
    return this.agents.get(agentId)?.available ?? this.remoteAgent(agentId)?.available ?? false;
  }

  /** Someone can answer a case of this bassin (unknown bassin: anyone). */
  availableFor(bassin: string | undefined): boolean {
    const fits = (a: { available: boolean; bassins: string[] }) => a.available && (!bassin || a.bassins.length === 0 || a.bassins.includes(bassin));
    for (const a of this.agents.values()) if (a.connections > 0 && fits(a)) return true;
    const now = this.now();
    for (const r of this.remote.values()) if (r.until > now && r.agents.some(fits)) return true;
    return false;
  }

  private applyAvailable(agentId: string, available: boolean): void {
    const a = this.agents.get(agentId);
    if (!a || a.available === available) return;
    a.available = available;
    this.share();
  }

  private remoteAgent(agentId: string): AgentPresence | undefined {
    const now = this.now();
    for (const r of this.remote.values()) if (r.until > now) for (const a of r.agents) if (a.id === agentId) return a;
    return undefined;
  }

  private share(): void {
    this.relay?.publish(
      PRESENCE,
      [...this.agents.entries()].filter(([, a]) => a.connections > 0).map(([id, a]) => ({ id, bassins: a.bassins, available: a.available })),
    );
  }
}
