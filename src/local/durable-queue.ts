/**
 * A folder of JSON files that survives the process: each item is written to a temporary file,
 * fsync'd and renamed into place, so a crash leaves either the whole item or nothing. Items are read
 * back in the order they were put (file names start with the time and a counter). Used when the
 * database cannot take something that must not be lost (a case, a message, a reply).
 * The folder is 0700 and the files 0600: they hold what people wrote.
 */
import fs from 'node:fs';
import path from 'node:path';

const DATE_KEYS = new Set(['at', 'createdAt', 'updatedAt', 'expiresAt', 'storedAt']);

/** JSON.parse reviver: ISO strings under the date keys we store become Dates again. */
function reviveDates(key: string, value: unknown): unknown {
  return DATE_KEYS.has(key) && typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : value;
}

export class DurableQueue<T> {
  private counter = 0;

  constructor(readonly dir: string) {}

  /** Writes the item durably; `name` makes the put idempotent (the same name replaces the item). */
  put(item: T, name?: string): string {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const base = name ?? `${String(Date.now()).padStart(14, '0')}-${String(this.counter++).padStart(6, '0')}-${process.pid}`;
    if (!/^[A-Za-z0-9_.|-]{1,160}$/.test(base) || base.startsWith('.')) throw new Error('DurableQueue: invalid item name');
    const file = path.join(this.dir, `${base.replace(/\|/g, '~')}.json`);
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(item));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    return file;
  }

  /** Files waiting, oldest first. */
  pending(): string[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => path.join(this.dir, f));
  }

  get size(): number {
    return this.pending().length;
  }

  /**
   * Hands every waiting item to `handle`, oldest first; an item is deleted only after `handle`
   * succeeded. Stops at the first failure (order matters: a conversation before its messages).
   * A file that is not valid JSON is set aside (renamed *.bad), never retried forever.
   */
  async drain(handle: (item: T) => Promise<void>): Promise<number> {
    let done = 0;
    for (const file of this.pending()) {
      let item: T;
      try {
        item = JSON.parse(fs.readFileSync(file, 'utf8'), reviveDates) as T;
      } catch {
        fs.renameSync(file, `${file}.bad`);
        continue;
      }
      await handle(item);
      fs.rmSync(file, { force: true });
      done++;
    }
    return done;
  }
}
