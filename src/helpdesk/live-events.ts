/**
 * What happens on the Helpdesk, pushed to the consoles that are open (SSE): a case created or
 * changed, a message written. In-process: one Boussole instance serves the consoles (FerretDB v1
 * has no change streams to fan out across instances).
 */
import { EventEmitter } from 'node:events';

export type HelpdeskEvent =
  | { type: 'case'; caseId: string; bassin: string | null; status: string; mode: string }
  | { type: 'message'; caseId: string; bassin: string | null; message: { id: string; from: string; text: string; name?: string; alarm?: string; at: string } };

export class HelpdeskEvents {
  private readonly bus = new EventEmitter();
  constructor() {
    this.bus.setMaxListeners(0);
  }

  publish(e: HelpdeskEvent): void {
    this.bus.emit('event', e);
  }

  subscribe(fn: (e: HelpdeskEvent) => void): () => void {
    this.bus.on('event', fn);
    return () => this.bus.off('event', fn);
  }
}

/** Agents with a console open and marked available, by the bassins they work for. */
export class Presence {
  private readonly agents = new Map<string, { bassins: string[]; connections: number; available: boolean }>();

  join(agent: { id: string; bassins: string[] }): () => void {
    const a = this.agents.get(agent.id) ?? { bassins: agent.bassins, connections: 0, available: true };
    a.connections++;
    this.agents.set(agent.id, a);
    return () => {
      a.connections--;
      if (a.connections <= 0) this.agents.delete(agent.id);
    };
  }

  setAvailable(agentId: string, available: boolean): void {
    const a = this.agents.get(agentId);
    if (a) a.available = available;
  }

  isAvailable(agentId: string): boolean {
    return this.agents.get(agentId)?.available ?? false;
  }

  /** Someone can answer a case of this bassin (unknown bassin: anyone). */
  availableFor(bassin: string | undefined): boolean {
    for (const a of this.agents.values()) if (a.available && a.connections > 0 && (!bassin || a.bassins.length === 0 || a.bassins.includes(bassin))) return true;
    return false;
  }
}
