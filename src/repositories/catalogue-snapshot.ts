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
import { allSessions, SESSION_HORIZON_DAYS, type Session } from '../catalogue/rendezvous';
import type { ClosurePeriod, Rendezvous, Series, Service, Theme } from '../catalogue/schema';
import type { CatalogueRepository, WithRevision } from './catalogue-repository';

interface Loaded {
  version: string;
  services: Service[];
  rendezvousByBassin: Map<string, Array<WithRevision<Rendezvous>>>;
  seriesByBassin: Map<string, Array<WithRevision<Series>>>;
  closures: ClosurePeriod[];
}

const DAY_MS = 86_400_000;

function byBassin<T extends { bassin: string }>(list: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of list) out.set(r.bassin, [...(out.get(r.bassin) ?? []), r]);
  return out;
}

export class CatalogueSnapshot {
  private loaded?: Loaded;
  private checkedAt = -Infinity;
  private refreshing?: Promise<Loaded>;
  private readonly checkEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly repository: Pick<CatalogueRepository, 'version' | 'allServices' | 'allRendezvous' | 'allSeries' | 'schoolHolidays'>,
    opts: { checkEveryMs?: number; now?: () => number } = {},
  ) {
    this.checkEveryMs = opts.checkEveryMs ?? 1000;
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

  /** The bassin's sessions from a day ago to the horizon: one-offs and series (for the bot). */
  async rendezvousForBassin(bassin: string): Promise<Session[]> {
    const now = this.now();
    return this.sessions(bassin, { after: new Date(now - DAY_MS), before: new Date(now + SESSION_HORIZON_DAYS * DAY_MS) });
  }

  /** The bassin's sessions in a window, cancelled ones included (for the calendar feed). */
  async sessions(bassin: string, window: { after: Date; before: Date }): Promise<Session[]> {
    const c = await this.current();
    return allSessions(c.rendezvousByBassin.get(bassin) ?? [], c.seriesByBassin.get(bassin) ?? [], c.closures, window);
  }

  /** Every session of every bassin in a window (for the calendar's single-event downloads). */
  async session(id: string, window: { after: Date; before: Date }): Promise<Session | undefined> {
    const c = await this.current();
    for (const bassin of new Set([...c.rendezvousByBassin.keys(), ...c.seriesByBassin.keys()])) {
      const found = (await this.sessions(bassin, window)).find((s) => s.id === id);
      if (found) return found;
    }
    return undefined;
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
      const [services, rendezvous, series, holidays] = await Promise.all([this.repository.allServices(), this.repository.allRendezvous(), this.repository.allSeries(), this.repository.schoolHolidays()]);
      this.loaded = { version, services, rendezvousByBassin: byBassin(rendezvous), seriesByBassin: byBassin(series), closures: holidays.periods };
    }
    this.checkedAt = this.now();
    return this.loaded;
  }
}
