/**
 * Knows whether the database answers, so that a request does not wait for the driver's timeouts
 * each time while it is down. The first failed or too slow operation marks the store down; from
 * then on callers are told at once (`StorageUnavailableError`) and a probe pings every second; the
 * first answered ping marks it up again and calls `onBack` (to replay what was kept locally).
 */
import type { Logger } from '../logging/logger';

export class StorageUnavailableError extends Error {
  constructor(readonly reason: 'down' | 'failed' | 'timeout') {
    super(`storage unavailable (${reason})`);
    this.name = 'StorageUnavailableError';
  }
}

const DRIVER_ERROR = /^(Mongo|StorageUnavailable)/;

/** The error comes from the store (driver errors are named Mongo…), not from our own logic. */
export function isStorageError(err: unknown): boolean {
  return err instanceof StorageUnavailableError || (err instanceof Error && DRIVER_ERROR.test(err.name));
}

export interface StorageWatchOptions {
  ping: () => Promise<boolean>;
  log: Logger;
  /** An operation slower than this counts as a failure (a paused server accepts and never answers). */
  timeoutMs: number;
  probeEveryMs?: number;
  /**
   * Called once the store has been down for `healAfterMs`, then again at that interval: the server
   * may be up while our client is stuck, or the embedded server may accept and never answer
   * (see Database.heal).
   */
  heal?: () => Promise<string>;
  healAfterMs?: number;
}

export class StorageWatch {
  private down = false;
  private probe?: NodeJS.Timeout;
  private probing = false;
  private readonly listeners: Array<() => void> = [];
  private stopped = false;
  private failedProbes = 0;
  /** When the store went down or was last healed. */
  private lastHeal = 0;

  constructor(private readonly opts: StorageWatchOptions) {}

  get up(): boolean {
    return !this.down;
  }

  /** Called whenever the store answers again after being down. */
  onBack(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Runs a storage operation: fails fast while the store is down, and marks it down when the
   * operation fails or takes longer than the timeout. (A timed-out operation may still complete
   * later: callers that retry must be idempotent.)
   */
  async guard<T>(op: () => Promise<T>): Promise<T> {
    if (this.down) throw new StorageUnavailableError('down');
    let timer: NodeJS.Timeout | undefined;
    // setImmediate: after a stalled event loop, the timer can fire before the answer that arrived
    // meanwhile is read; one more turn of the loop lets that answer win.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => setImmediate(() => reject(new StorageUnavailableError('timeout'))), this.opts.timeoutMs);
    });
    try {
      return await Promise.race([op(), timeout]);
    } catch (err) {
      this.markDown(err instanceof StorageUnavailableError ? err.reason : 'failed');
      throw err instanceof StorageUnavailableError ? err : new StorageUnavailableError('failed');
    } finally {
      clearTimeout(timer);
    }
  }

  /** One ping, bounded by the timeout. */
  async check(): Promise<boolean> {
    return (await this.checkWhy()) === 'ok';
  }

  /** One ping, bounded by the timeout: 'ok', 'timeout', or the name of the error (never its text). */
  private async checkWhy(): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.opts.timeoutMs);
    });
    try {
      const ping = this.opts.ping().then(
        (ok) => (ok ? 'ok' : 'refused'),
        (err: unknown) => (err instanceof Error ? err.name : 'failed'),
      );
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  markDown(reason: string): void {
    if (this.down || this.stopped) return;
    this.down = true;
    this.failedProbes = 0;
    this.lastHeal = Date.now();
    this.opts.log.warn('storage.down', { reason });
    this.probe = setInterval(() => void this.tryProbe(), this.opts.probeEveryMs ?? 1000);
    this.probe.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.probe) clearInterval(this.probe);
  }

  private async tryProbe(): Promise<void> {
    if (this.probing || !this.down) return;
    this.probing = true;
    try {
      const why = await this.checkWhy();
      if (why !== 'ok') {
        // Said at the first failed probe, then every 10th: why the store is still unreachable.
        if (this.failedProbes++ % 10 === 0) this.opts.log.warn('storage.still_down', { failedProbes: this.failedProbes, why });
        if (this.opts.heal && Date.now() - this.lastHeal >= (this.opts.healAfterMs ?? 30_000)) {
          this.lastHeal = Date.now();
          const done = await this.opts.heal().catch(() => 'failed');
          this.opts.log.warn('storage.heal', { failedProbes: this.failedProbes, reason: done });
        }
        return;
      }
      this.down = false;
      if (this.probe) clearInterval(this.probe);
      this.opts.log.info('storage.back', {});
      for (const l of this.listeners) l();
    } finally {
      this.probing = false;
    }
  }
}
