/** Process-wide secrets shared by every instance (e.g. the key that signs web chat tokens). */
import crypto from 'node:crypto';
import type { Db } from 'mongodb';

export class SettingsRepository {
  constructor(private readonly db: Db) {}

  /** Returns the named secret, creating it once; concurrent first starts agree on one value. */
  async secret(name: string): Promise<Buffer> {
    const col = this.db.collection<{ _id: string; value: string }>('settings');
    const candidate = crypto.randomBytes(32).toString('base64');
    try {
      await col.insertOne({ _id: `secret:${name}`, value: candidate });
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e; // already there: use the stored one
    }
    const doc = await col.findOne({ _id: `secret:${name}` });
    if (!doc) throw new Error(`secret ${name} could not be stored`);
    return Buffer.from(doc.value, 'base64');
  }
}
