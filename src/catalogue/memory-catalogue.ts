/** The engine's catalogue ports over in-memory seed data: used by the graph validator and tests. */
import type { EnginePorts, UnmetNeed } from '../engine/types';
import { Places } from './places';
import { rankServices } from './ranking';
import { nextRendezvous } from './rendezvous';
import type { CatalogueSeed } from './seed';

export function memoryPorts(seed: CatalogueSeed, now: () => Date = () => new Date()): EnginePorts & { unmet: UnmetNeed[] } {
  const places = new Places(seed.communes);
  const unmet: UnmetNeed[] = [];
  return {
    unmet,
    findServices: async (q) => rankServices(seed.services, q, (n) => places.bassinsOf(n)),
    nextRendezvous: async (q) => nextRendezvous(seed.rendezvous, q),
    bassinOf: (c, d) => places.bassinOf(c, d),
    recordUnmetNeed: async (n) => {
      unmet.push(n);
    },
    now,
  };
}
