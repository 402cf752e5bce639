/** The engine's catalogue ports over in-memory seed data: used by the graph validator and tests. */
import type { EnginePorts, UnmetNeed } from '../engine/types';
import { Places } from './places';
import { rankServices } from './ranking';
import { allSessions, nextRendezvous, SESSION_HORIZON_DAYS } from './rendezvous';
import type { CatalogueSeed } from './seed';

export function memoryPorts(seed: CatalogueSeed, now: () => Date = () => new Date()): EnginePorts & { unmet: UnmetNeed[] } {
  const places = new Places(seed.communes);
  const unmet: UnmetNeed[] = [];
  return {
    unmet,
    findServices: async (q) => rankServices(seed.services, q, (n) => places.bassinsOf(n)),
    nextRendezvous: async (q) => {
      const t = q.now.getTime();
      const window = { after: new Date(t - 86_400_000), before: new Date(t + SESSION_HORIZON_DAYS * 86_400_000) };
      return nextRendezvous(allSessions(seed.rendezvous.map((r) => ({ ...r, revision: 1 })), (seed.series ?? []).map((s) => ({ ...s, revision: 1 })), seed.schoolHolidays?.periods ?? [], window), q);
    },
    bassinOf: (c, d) => places.bassinOf(c, d),
    recordUnmetNeed: async (n) => {
      unmet.push(n);
    },
    now,
  };
}
