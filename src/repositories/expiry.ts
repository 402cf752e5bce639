/**
 * Expiry of personal data. On MongoDB a TTL index erases expired documents by itself; FerretDB v1
 * answers "expireAfterSeconds is not implemented", so there we keep a plain index and rely on the
 * purge job that every store runs (purgeExpired) — which also runs on MongoDB, as a second net.
 */
import type { Collection, Document } from 'mongodb';

/** Error code servers answer for a feature they lack (FerretDB v1: TTL indexes). */
const NOT_IMPLEMENTED = 238;

export async function ensureExpiryIndex<T extends Document>(col: Collection<T>, field = 'expiresAt'): Promise<'ttl' | 'plain'> {
  try {
    await col.createIndex({ [field]: 1 } as never, { expireAfterSeconds: 0, name: `${field}_ttl` });
    return 'ttl';
  } catch (e) {
    if ((e as { code?: unknown }).code !== NOT_IMPLEMENTED && !/expireAfterSeconds/i.test(String((e as Error).message))) throw e;
    await col.createIndex({ [field]: 1 } as never, { name: field });
    return 'plain';
  }
}
