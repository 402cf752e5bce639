/** The physical collections behind the bucketed ones (src/repositories/buckets.ts), for tests that look at what is stored. */
import type { Collection, Db, Document, Filter } from 'mongodb';
import { Buckets } from '../../src/repositories/buckets';
import { storeLayout } from '../../src/repositories/store-layout';

export interface StoredView {
  /** The bucket holding a bot state key. */
  state(key: string): Collection<Document>;
  /** The bucket holding a conversation's activities. */
  activities(conversationId: string): Collection<Document>;
  /** Documents matching `filter` in every bucket of a bucketed collection. */
  findAll(name: 'bot_state' | 'directline_activities' | 'directline_conversations', filter?: Filter<Document>): Promise<Document[]>;
}

export async function storedIn(db: Db): Promise<StoredView> {
  const { buckets } = await storeLayout(db);
  const of = (name: string) => new Buckets<Document>(db, name, buckets);
  return {
    state: (key) => of('bot_state').of(key),
    activities: (id) => of('directline_activities').of(id),
    async findAll(name, filter = {}) {
      const out: Document[] = [];
      for (const col of of(name).all()) out.push(...(await col.find(filter).toArray()));
      return out;
    },
  };
}
