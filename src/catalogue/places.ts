/** Communes and bassins as the engine needs them: which bassin(s) a commune (or district) is in. */
import type { BassinId, Commune } from './schema';

export class Places {
  private readonly byNis: Map<string, Commune>;
  constructor(readonly communes: Commune[]) {
    this.byNis = new Map(communes.map((c) => [c.nis, c]));
  }
  commune(nis: string): Commune | undefined {
    return this.byNis.get(nis);
  }
  bassinsOf(nis: string): BassinId[] {
    return this.byNis.get(nis)?.bassins ?? [];
  }
  /** The one bassin of a commune or district; undefined when the commune is split and no district is known. */
  bassinOf(nis: string, district?: string): BassinId | undefined {
    const c = this.byNis.get(nis);
    if (!c) return undefined;
    const d = district ? c.districts?.find((x) => x.id === district) : undefined;
    if (d) return d.bassin;
    return c.bassins.length === 1 ? c.bassins[0] : undefined;
  }
  /** A commune of each bassin, for coverage checks. */
  communesOfBassin(b: BassinId): Commune[] {
    return this.communes.filter((c) => c.bassins.length === 1 && c.bassins[0] === b);
  }
}
