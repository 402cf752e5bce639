/**
 * One logical collection kept as N physical ones (`<name>_b<k>`), chosen by a hash of a key.
 *
 * Why: FerretDB v1 on SQLite pushes only `{ _id: <string> }` down for finds, and reads the whole
 * collection for every update and every delete, even by `_id` (measured on the embedded server,
 * 2026-12-07: ~2.7 µs per stored document and per write; finds and inserts by `_id` stay ~1 ms).
 * A conversation's state and record change at every message, so with N buckets each such write
 * reads 1/N of what is stored. On MongoDB (indexes, pushdown) N is 1: the plain collection name.
 * The count is fixed for a database when it is first used (see store-layout.ts).
 */
import type { Collection, Db, Document } from 'mongodb';

/** FNV-1a, 32 bits: stable across processes and versions (the bucket of a key must never move). */
export function bucketOf(key: string, count: number): number {
  if (count <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}

export function bucketName(name: string, index: number, count: number): string {
  return count <= 1 ? name : `${name}_b${String(index).padStart(3, '0')}`;
}

export class Buckets<T extends Document> {
  private readonly cols: Collection<T>[];

  constructor(db: Db, readonly name: string, readonly count: number) {
    this.cols = Array.from({ length: Math.max(1, count) }, (_, i) => db.collection<T>(bucketName(name, i, count)));
  }

  /** The collection that holds `key`. */
  of(key: string): Collection<T> {
    return this.cols[bucketOf(key, this.count)];
  }

  /** Every physical collection, in bucket order (for purges and erasure by prefix). */
  all(): readonly Collection<T>[] {
    return this.cols;
  }

  get split(): boolean {
    return this.count > 1;
  }
}

/** Lets the event loop serve turns between two buckets of a background job. */
export function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
