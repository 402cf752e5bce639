/**
 * Nothing lost when the database is unreachable: a case that could not be written is kept as a
 * file (written, fsync'd, renamed into place) and written to the database when it is back; the
 * file is deleted only after the write succeeded.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CaseRecord } from '../repositories/handoff-repository';

export class Outbox {
  constructor(private readonly dir: string) {}

  put(c: CaseRecord): string {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = path.join(this.dir, `${c._id}.json`);
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(c));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    return file;
  }

  pending(): string[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs.readdirSync(this.dir).filter((f) => f.endsWith('.json')).map((f) => path.join(this.dir, f));
  }

  /** Writes every pending case with `save`; returns how many were written. Stops at the first failure. */
  async flush(save: (c: CaseRecord) => Promise<void>): Promise<number> {
    let written = 0;
    for (const file of this.pending()) {
      const c = JSON.parse(fs.readFileSync(file, 'utf8'), (k, v) => (['at', 'createdAt', 'updatedAt', 'expiresAt'].includes(k) && typeof v === 'string' ? new Date(v) : v)) as CaseRecord;
      await save(c);
      fs.rmSync(file);
      written++;
    }
    return written;
  }
}
