/**
 * The service catalogue in MongoDB: import of the validated seed, and the candidate query behind
 * the engine's `recommend` and `rendezvous` nodes (ranking itself is pure, in catalogue/ranking).
 */
import crypto from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Db } from 'mongodb';
import type { Bassin, ClosurePeriod, Commune, Helpdesk, Rendezvous, Series, Service } from '../catalogue/schema';
import type { CatalogueSeed } from '../catalogue/seed';
import type { Theme } from '../catalogue/schema';
import type { EntryMeta } from './catalogue-editing';

type WithId<T> = T & { _id: string };
type Stored<T> = T & { _id: string; _meta?: EntryMeta };

/** A Rendez-vous or series as the bot reads it: with its revision (the calendar's SEQUENCE). */
export type WithRevision<T> = T & { revision: number };

/** The school holiday periods used by series that skip them (a `settings` document). */
export const SCHOOL_HOLIDAYS_ID = 'school_holidays';
export interface SchoolHolidays {
  periods: ClosurePeriod[];
  source: string[];
  /** Changed in the console: the import leaves it alone. */
  staffEdited?: boolean;
}

function strip<T>(doc: Stored<T>): T {
  const { _id: _i, _meta: _m, ...entry } = doc;
  return entry as unknown as T;
}

/** The `settings` document whose value changes with every write to the catalogue. */
export const CATALOGUE_VERSION_ID = 'catalogue_version';

export interface ImportReport {
  upserted: Record<string, number>;
  removed: Record<string, number>;
  /**
   * Entries a person changed in the console whose file version differs: left as staff made them
   * (`catalogue:export` writes them back to data/). Also entries staff created, which the files lack.
   */
  conflicts: Array<{ collection: string; id: string; reason: 'edited_in_console' | 'created_in_console' }>;
}

const KIND_OF: Record<string, string> = { services: 'service', rendezvous: 'rendezvous', rendezvous_series: 'series' };

export class CatalogueRepository {
  constructor(private readonly db: Db) {}

  private col<T>(name: string) {
    return this.db.collection<WithId<T>>(name);
  }

  async ensureIndexes(): Promise<void> {
    await this.col<Service>('services').createIndex({ themes: 1 });
    await this.col<Rendezvous>('rendezvous').createIndex({ bassin: 1 });
    await this.col<Series>('rendezvous_series').createIndex({ bassin: 1 });
  }

  async isEmpty(): Promise<boolean> {
    return (await this.col<Service>('services').estimatedDocumentCount()) === 0;
  }

  /**
   * Upserts every record by id and removes records no longer in the seed. Idempotent. An entry a
   * person changed in the console is never overwritten nor removed: it is reported as a conflict.
   */
  async importSeed(seed: CatalogueSeed, at = new Date()): Promise<ImportReport> {
    const report: ImportReport = { upserted: {}, removed: {}, conflicts: [] };
    const sync = async <T>(name: string, records: T[], id: (r: T) => string, edited: boolean) => {
      const col = this.col<T>(name);
      const existing = new Map(((await col.find({}).toArray()) as Array<Stored<T>>).map((d) => [d._id, d]));
      const writes: Array<{ replaceOne: { filter: never; replacement: never; upsert: true } }> = [];
      const history: Array<Record<string, unknown>> = [];
      for (const r of records) {
        const old = existing.get(id(r));
        const meta = old?._meta;
        if (old && isDeepStrictEqual(strip(old), r)) continue;
        if (meta?.staffEdited) {
          report.conflicts.push({ collection: name, id: id(r), reason: 'edited_in_console' });
          continue;
        }
        const revision = (meta?.revision ?? (old ? 1 : 0)) + 1;
        const nextMeta: EntryMeta | undefined = edited ? { ...(meta ?? {}), origin: 'import', revision, staffEdited: false, editedAt: at, editedBy: 'catalogue:import' } : undefined;
        // Replace whole documents so a field removed from the seed disappears too.
        writes.push({ replaceOne: { filter: { _id: id(r) } as never, replacement: { ...r, _id: id(r), ...(nextMeta ? { _meta: nextMeta } : {}) } as never, upsert: true } });
        if (edited) history.push({ _id: `${KIND_OF[name]}|${id(r)}|${revision}|import-${at.getTime()}`, kind: KIND_OF[name], entryId: id(r), revision, at, by: 'import', byName: 'catalogue:import', action: 'import', before: old ? strip(old) : null, after: r, archivedBefore: Boolean(meta?.archived), archivedAfter: Boolean(meta?.archived) });
      }
      if (writes.length) await col.bulkWrite(writes, { ordered: true });
      if (history.length) await this.db.collection('catalogue_history').insertMany(history as never[], { ordered: false });
      const ids = new Set(records.map(id));
      const gone: string[] = [];
      for (const [key, doc] of existing) {
        if (ids.has(key)) continue;
        if (doc._meta?.staffEdited || doc._meta?.origin === 'staff') report.conflicts.push({ collection: name, id: key, reason: doc._meta?.origin === 'staff' ? 'created_in_console' : 'edited_in_console' });
        else gone.push(key);
      }
      const removed = gone.length ? await col.deleteMany({ _id: { $in: gone } } as never) : { deletedCount: 0 };
      report.upserted[name] = writes.length;
      report.removed[name] = removed.deletedCount;
    };
    await sync<Commune>('communes', seed.communes, (c) => c.nis, false);
    await sync<Bassin>('bassins', seed.bassins, (b) => b.id, false);
    await sync<Service>('services', seed.services, (s) => s.id, true);
    await sync<Rendezvous>('rendezvous', seed.rendezvous, (r) => r.id, true);
    await sync<Series>('rendezvous_series', seed.series, (r) => r.id, true);
    await sync<Helpdesk>('helpdesks', seed.helpdesks, (h) => h.bassin, false);
    const holidays = await this.schoolHolidays();
    if (holidays.staffEdited && !isDeepStrictEqual(holidays.periods, seed.schoolHolidays.periods)) report.conflicts.push({ collection: 'settings', id: SCHOOL_HOLIDAYS_ID, reason: 'edited_in_console' });
    else if (!holidays.staffEdited) await this.setSchoolHolidays({ ...seed.schoolHolidays, staffEdited: false });
    await this.touch();
    return report;
  }

  async schoolHolidays(): Promise<SchoolHolidays> {
    const doc = await this.db.collection<SchoolHolidays & { _id: string }>('settings').findOne({ _id: SCHOOL_HOLIDAYS_ID });
    return doc ? { periods: doc.periods ?? [], source: doc.source ?? [], ...(doc.staffEdited ? { staffEdited: true } : {}) } : { periods: [], source: [] };
  }

  async setSchoolHolidays(h: SchoolHolidays): Promise<void> {
    await this.db.collection<SchoolHolidays & { _id: string }>('settings').replaceOne({ _id: SCHOOL_HOLIDAYS_ID }, { periods: h.periods, source: h.source, staffEdited: Boolean(h.staffEdited) }, { upsert: true });
  }

  /**
   * The catalogue's version: a token rewritten after every write, so that the snapshots every
   * instance keeps in memory (CatalogueSnapshot) reload. Read by `_id` alone.
   */
  async version(): Promise<string> {
    const doc = await this.db.collection<{ _id: string; value: string }>('settings').findOne({ _id: CATALOGUE_VERSION_ID });
    return doc?.value ?? 'none';
  }

  /** Every writer of the catalogue calls this after its last write. */
  async touch(): Promise<void> {
    const value = `${Date.now().toString(36)}-${crypto.randomBytes(6).toString('base64url')}`;
    await this.db.collection<{ _id: string; value: string }>('settings').replaceOne({ _id: CATALOGUE_VERSION_ID }, { value }, { upsert: true });
  }

  /** Every service residents may be shown (archived ones left out), by id, for the in-memory snapshot. */
  async allServices(): Promise<Service[]> {
    return ((await this.col<Service>('services').find({}).sort({ _id: 1 }).toArray()) as Array<Stored<Service>>).filter((d) => !d._meta?.archived).map(strip);
  }

  /** Every one-off Rendez-vous with its revision (for the in-memory snapshot). */
  async allRendezvous(): Promise<Array<WithRevision<Rendezvous>>> {
    return ((await this.col<Rendezvous>('rendezvous').find({}).sort({ _id: 1 }).toArray()) as Array<Stored<Rendezvous>>).filter((d) => !d._meta?.archived).map((d) => ({ ...strip(d), revision: d._meta?.revision ?? 1 }));
  }

  /** Every Rendez-vous series with its revision (for the in-memory snapshot). */
  async allSeries(): Promise<Array<WithRevision<Series>>> {
    return ((await this.col<Series>('rendezvous_series').find({}).sort({ _id: 1 }).toArray()) as Array<Stored<Series>>).filter((d) => !d._meta?.archived).map((d) => ({ ...strip(d), revision: d._meta?.revision ?? 1 }));
  }

  async servicesForThemes(themes: Theme[]): Promise<Service[]> {
    const docs = await this.col<Service>('services').find({ themes: { $in: [...themes] } } as never).sort({ _id: 1 }).toArray();
    return (docs as Array<Stored<Service>>).filter((d) => !d._meta?.archived).map(strip);
  }

  async rendezvousForBassin(bassin: string): Promise<Rendezvous[]> {
    const docs = await this.col<Rendezvous>('rendezvous').find({ bassin } as never).sort({ _id: 1 }).toArray();
    return (docs as Array<Stored<Rendezvous>>).filter((d) => !d._meta?.archived).map(strip);
  }

  async communes(): Promise<Commune[]> {
    return (await this.col<Commune>('communes').find({}).sort({ _id: 1 }).toArray()).map(({ _id, ...c }) => c as unknown as Commune);
  }

  async bassins(): Promise<Bassin[]> {
    return (await this.col<Bassin>('bassins').find({}).sort({ _id: 1 }).toArray()).map(({ _id, ...b }) => b as unknown as Bassin);
  }

  async helpdesks(): Promise<Helpdesk[]> {
    return (await this.col<Helpdesk>('helpdesks').find({}).toArray()).map(({ _id, ...h }) => h as unknown as Helpdesk);
  }

  async counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const c of ['communes', 'bassins', 'services', 'rendezvous', 'rendezvous_series', 'helpdesks']) out[c] = await this.db.collection(c).countDocuments({});
    return out;
  }
}
