/**
 * The catalogue as the engine reads it on every results turn: a snapshot in memory, so that a turn
 * costs no database read whatever the catalogue's size (on FerretDB's SQLite backend a `themes`
 * filter reads the whole collection, and the catalogue grows as staff complete it).
 *
 * Every write through CatalogueRepository stamps a new version in `settings`; the snapshot reads that
 * one document by `_id` at most every `checkEveryMs` (concurrent turns share the read) and reloads
 * everything only when it changed, so an import or an edit made on any instance is seen within that
 * delay. If the database cannot be read, the last snapshot keeps serving (a stale catalogue orients
 * better than none) and the check is tried again on the next turn after the delay.
 */
import type { Rendezvous, Service, Theme } from '../catalogue/schema';
import type { CatalogueRepository } from './catalogue-repository';

interface Loaded {
  version: string;
  services: Service[];
  rendezvousByBassin: Map<string, Rendezvous[]>;
}

export class CatalogueSnapshot {
  private loaded?: Loaded;
  private checkedAt = -Infinity;
  private refreshing?: Promise<Loaded>;
  private readonly checkEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly repository: Pick<CatalogueRepository, 'version' | 'allServices' | 'allRendezvous'>,
    opts: { checkEveryMs?: number; now?: () => number } = {},
  ) {
    this.checkEveryMs = opts.checkEveryMs ?? 5000;
    this.now = opts.now ?? Date.now;
  }

  /** Services with at least one of the themes, by id (as CatalogueRepository.servicesForThemes). */
  async servicesForThemes(themes: Theme[]): Promise<Service[]> {
    const wanted = new Set(themes);
    return (await this.current()).services.filter((s) => s.themes.some((t) => wanted.has(t)));
  }

  /** One service by id (its name for the Helpdesk console). */
  async serviceById(id: string): Promise<Service | undefined> {
    return (await this.current()).services.find((s) => s.id === id);
  }

  async rendezvousForBassin(bassin: string): Promise<Rendezvous[]> {
    return (await this.current()).rendezvousByBassin.get(bassin) ?? [];
  }

  private async current(): Promise<Loaded> {
    if (this.loaded && this.now() - this.checkedAt < this.checkEveryMs) return this.loaded;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    try {
      return await this.refreshing;
    } catch (err) {
      if (!this.loaded) throw err;
      this.checkedAt = this.now(); // not again before the delay: the turn goes on with what we have
      return this.loaded;
    }
  }

  private async refresh(): Promise<Loaded> {
    const version = await this.repository.version();
    if (!this.loaded || this.loaded.version !== version) {
      // Read after the version: a write in between makes the next check reload again (never older data).
      const [services, rendezvous] = await Promise.all([this.repository.allServices(), this.repository.allRendezvous()]);
      const rendezvousByBassin = new Map<string, Rendezvous[]>();
      for (const r of rendezvous) {
        const list = rendezvousByBassin.get(r.bassin) ?? [];
        list.push(r);
        rendezvousByBassin.set(r.bassin, list);
      }
      this.loaded = { version, services, rendezvousByBassin };
    }
    this.checkedAt = this.now();
    return this.loaded;
  }
}
