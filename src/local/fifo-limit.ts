/**
 * At most `limit` tasks at a time, the others waiting in arrival order. Used for turns: past the
 * point where the app and its database are both busy, running more turns at once only lengthens
 * every database queue (until its timeout declares it down); waiting here costs nothing.
 */
export class FifoLimit {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line (active unchanged), or is freed.
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }
}
