/**
 * Whether a person can talk to someone now: the bassin's Helpdesk is within its hours (Belgian
 * public holidays excluded) and an agent who works for that bassin has the console open and is
 * available. A person whose bassin is not known can be answered by any open Helpdesk.
 */
import type { BassinId, Helpdesk } from '../catalogue/schema';
import { helpdeskOpen, type LiveDesk } from '../handoff';
import type { HelpdeskEvents, Presence } from './live-events';

export function createLiveDesk(opts: { helpdesks: Helpdesk[]; presence: Presence; events: HelpdeskEvents }): LiveDesk {
  const { helpdesks, presence, events } = opts;
  return {
    canAnswer(bassin: BassinId | undefined, at: Date): boolean {
      const desks = bassin ? helpdesks.filter((h) => h.bassin === bassin) : helpdesks;
      return desks.some((h) => helpdeskOpen(h, at) && presence.availableFor(bassin ?? undefined));
    },
    caseOpened(c) {
      events.publish({ type: 'case', caseId: c._id, bassin: c.situation.bassin ?? null, status: c.status, mode: c.mode });
    },
    personWrote(c, m) {
      events.publish({ type: 'message', caseId: c._id, bassin: c.situation.bassin ?? null, message: { id: m._id, from: m.from, text: m.text, ...(m.alarm ? { alarm: m.alarm } : {}), at: m.at.toISOString() } });
    },
  };
}
