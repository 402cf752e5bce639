/** The engine's ports over MongoDB: candidates from the catalogue snapshot, ranking from catalogue/. */
import type { Places } from '../catalogue/places';
import { rankServices } from '../catalogue/ranking';
import { nextRendezvous } from '../catalogue/rendezvous';
import type { EnginePorts } from '../engine/types';
import type { CatalogueSnapshot } from '../repositories/catalogue-snapshot';
import type { UnmetNeedsRepository } from '../repositories/unmet-needs-repository';

export function mongoPorts(catalogue: Pick<CatalogueSnapshot, 'servicesForThemes' | 'rendezvousForBassin'>, unmet: UnmetNeedsRepository, places: Places, now: () => Date = () => new Date()): EnginePorts {
  return {
    findServices: async (q) => rankServices(await catalogue.servicesForThemes(q.themes), q, (n) => places.bassinsOf(n)),
    nextRendezvous: async (q) => (q.bassin ? nextRendezvous(await catalogue.rendezvousForBassin(q.bassin), q) : []),
    bassinOf: (c, d) => places.bassinOf(c, d),
    recordUnmetNeed: (n) => unmet.record(n),
    now,
  };
}
