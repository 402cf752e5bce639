/** Needs the catalogue could not answer, kept for the people who plan services. No personal data. */
import type { Db } from 'mongodb';
import type { UnmetNeed } from '../engine/types';

export class UnmetNeedsRepository {
  constructor(private readonly db: Db) {}

  async ensureIndexes(): Promise<void> {
    await this.db.collection('unmet_needs').createIndex({ at: -1 });
  }

  async record(n: UnmetNeed, at = new Date()): Promise<void> {
    // Only plain values, whatever reached us: the record is for statistics, never for people.
    await this.db.collection('unmet_needs').insertOne({ journey: n.journey, node: n.node, themes: [...n.themes], tags: [...n.tags], bassin: n.bassin ?? null, facts: { ...n.facts }, at });
  }

  async list(limit = 100): Promise<Array<UnmetNeed & { at: Date }>> {
    return (await this.db.collection('unmet_needs').find({}, { projection: { _id: 0 } }).sort({ at: -1 }).limit(limit).toArray()) as unknown as Array<UnmetNeed & { at: Date }>;
  }
}
