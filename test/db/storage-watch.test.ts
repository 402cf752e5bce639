/**
 * StorageWatch: a failed or too slow operation marks the store down, callers then fail fast, a probe
 * says why the store is still unreachable (error name or timeout, never a text), and the first
 * answered ping brings it back and replays.
 */
import { StorageUnavailableError, StorageWatch } from '../../src/db/storage-watch';
import { createLogger } from '../../src/logging/logger';

function setup(ping: () => Promise<boolean>) {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('info', {}, (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  const watch = new StorageWatch({ ping, log, timeoutMs: 100, probeEveryMs: 20 });
  return { watch, events: () => lines.map((l) => l.event), lines };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a slow operation marks the store down; callers then fail at once, without running their operation', async () => {
  const { watch, events } = setup(async () => {
    throw Object.assign(new Error('refused'), { name: 'MongoServerSelectionError' });
  });
  await expect(watch.guard(() => new Promise((r) => setTimeout(r, 1000)))).rejects.toMatchObject({ reason: 'timeout' });
  expect(watch.up).toBe(false);
  let ran = false;
  await expect(
    watch.guard(async () => {
      ran = true;
    }),
  ).rejects.toBeInstanceOf(StorageUnavailableError);
  expect(ran).toBe(false);
  expect(events()).toContain('storage.down');
  watch.stop();
});

test('while down, the probe says why (the error name or a timeout), and the first answered ping brings the store back', async () => {
  let mode: 'error' | 'hang' | 'ok' = 'error';
  const { watch, lines, events } = setup(() => {
    if (mode === 'error') return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoNetworkError' }));
    if (mode === 'hang') return new Promise<boolean>(() => undefined);
    return Promise.resolve(true);
  });
  let back = 0;
  watch.onBack(() => back++);
  watch.markDown('failed');
  await until(() => lines.some((l) => l.event === 'storage.still_down'));
  expect(lines.find((l) => l.event === 'storage.still_down')).toMatchObject({ why: 'MongoNetworkError', failedProbes: 1 });
  expect(JSON.stringify(lines)).not.toContain('ECONNREFUSED');
  mode = 'hang';
  await until(() => lines.some((l) => l.event === 'storage.still_down' && l.why === 'timeout'));
  expect(watch.up).toBe(false);
  mode = 'ok';
  await until(() => watch.up);
  expect(back).toBe(1);
  expect(events().filter((e) => e === 'storage.back')).toHaveLength(1);
  watch.stop();
});

test('down for healAfterMs: heal is tried (and said), then again only after the same interval; a healed store comes back', async () => {
  let up = false;
  const heals: number[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('info', {}, (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  const watch = new StorageWatch({
    ping: async () => {
      if (!up) throw Object.assign(new Error('x'), { name: 'MongoServerSelectionError' });
      return true;
    },
    heal: async () => {
      heals.push(Date.now());
      if (heals.length === 2) up = true;
      return 'server_restarted';
    },
    healAfterMs: 300,
    log,
    timeoutMs: 100,
    probeEveryMs: 20,
  });
  const downAt = Date.now();
  watch.markDown('failed');
  await until(() => watch.up, 5000);
  expect(heals).toHaveLength(2);
  expect(heals[0] - downAt).toBeGreaterThanOrEqual(300);
  expect(heals[1] - heals[0]).toBeGreaterThanOrEqual(300);
  expect(lines.filter((l) => l.event === 'storage.heal').map((l) => l.reason)).toEqual(['server_restarted', 'server_restarted']);
  watch.stop();
});
