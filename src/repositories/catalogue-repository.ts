/**
 * The service catalogue in MongoDB: import of the validated seed, and the candidate query behind
 * the engine's `recommend` and `rendezvous` nodes (ranking itself is pure, in catalogue/ranking).
 */
import crypto from 'node:crypto';
import type { Db } from 'mongodb';
import type { Bassin, Commune, Helpdesk, Rendezvous, Service } from '../catalogue/schema';
import type { CatalogueSeed } from '../catalogue/seed';
import type { Theme } from '../catalogue/schema';

type WithId<T> = T & { _id: string };

/** The `settings` document whose value changes with every write to the catalogue. */
export const CATALOGUE_VERSION_ID = 'catalogue_version';

export interface ImportReport {
  upserted: Record<string, number>;
  removed: Record<string, number>;
}

export class CatalogueRepository {
  constructor(private readonly db: Db) {}

  private col<T>(name: string) {
    return this.db.collection<WithId<T>>(name);
  }

  async ensureIndexes(): Promise<void> {
    await this.col<Service>('services').createIndex({ themes: 1 });
    await this.col<Rendezvous>('rendezvous').createIndex({ bassin: 1 });
  }

  async isEmpty(): Promise<boolean> {
    return (await this.col<Service>('services').estimatedDocumentCount()) === 0;
  }

  /** Upserts every record by id and removes records no longer in the seed. Idempotent. */
  async importSeed(seed: CatalogueSeed): Promise<ImportReport> {
    const report: ImportReport = { upserted: {}, removed: {} };
    const sync = async <T>(name: string, records: T[], id: (r: T) => string) => {
      const col = this.col<T>(name);
      const ids = records.map(id);
      if (records.length) {
        // Replace whole documents so a field removed from the seed disappears too.
        await col.bulkWrite(records.map((r) => ({ replaceOne: { filter: { _id: id(r) } as never, replacement: { ...r, _id: id(r) } as never, upsert: true } })), { ordered: true });
      }
      const removed = await col.deleteMany({ _id: { $nin: ids } } as never);
      report.upserted[name] = records.length;
      report.removed[name] = removed.deletedCount;
    };
    await sync<Commune>('communes', seed.communes, (c) => c.nis);
    await sync<Bassin>('bassins', seed.bassins, (b) => b.id);
    await sync<Service>('services', seed.services, (s) => s.id);
    await sync<Rendezvous>('rendezvous', seed.rendezvous, (r) => r.id);
    await sync<Helpdesk>('helpdesks', seed.helpdesks, (h) => h.bassin);
    await this.stampVersion();
    return report;
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
  private async stampVersion(): Promise<void> {
    const value = `${Date.now().toString(36)}-${crypto.randomBytes(6).toString('base64url')}`;
    await this.db.collection<{ _id: string; value: string }>('settings').replaceOne({ _id: CATALOGUE_VERSION_ID }, { value }, { upsert: true });
  }

  /** Every service, by id (for the in-memory snapshot). */
  async allServices(): Promise<Service[]> {
    return (await this.col<Service>('services').find({}).sort({ _id: 1 }).toArray()).map(({ _id, ...s }) => s as unknown as Service);
  }

  /** Every Rendez-vous (for the in-memory snapshot). */
  async allRendezvous(): Promise<Rendezvous[]> {
    return (await this.col<Rendezvous>('rendezvous').find({}).sort({ _id: 1 }).toArray()).map(({ _id, ...r }) => r as unknown as Rendezvous);
  }

  async servicesForThemes(themes: Theme[]): Promise<Service[]> {
    const docs = await this.col<Service>('services').find({ themes: { $in: [...themes] } } as never).sort({ _id: 1 }).toArray();
    return docs.map(({ _id, ...s }) => s as unknown as Service);
  }

  async rendezvousForBassin(bassin: string): Promise<Rendezvous[]> {
    const docs = await this.col<Rendezvous>('rendezvous').find({ bassin } as never).sort({ _id: 1 }).toArray();
    return docs.map(({ _id, ...r }) => r as unknown as Rendezvous);
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
    for (const c of ['communes', 'bassins', 'services', 'rendezvous', 'helpdesks']) out[c] = await this.db.collection(c).countDocuments({});
    return out;
  }
}
