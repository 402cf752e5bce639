/**
 * Group commit: writes asked for while one is on its way to the database go together in the next
 * one. Alone, a write leaves at once (no added wait); under load, one command carries many, so the
 * database (FerretDB's single SQLite writer above all) spends its time on data, not on commands.
 */
export class GroupCommit<I, R> {
  private waiting: Array<{ item: I; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private flushing = false;

  /** `write` gets the items in order and answers one result per item (or throws for all). */
  constructor(
    private readonly write: (items: I[]) => Promise<R[]>,
    private readonly maxBatch = 256,
  ) {}

  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          const results = await this.write(batch.map((w) => w.item));
          batch.forEach((w, i) => w.resolve(results[i]));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
