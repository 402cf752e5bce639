import { FifoLimit } from '../../src/local/fifo-limit';

/** A task that records when it starts and ends, and finishes when told. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

test.each([1, 2, 4])('at most %i turns at once; the others start in arrival order as slots free', async (limit) => {
  const slots = new FifoLimit(limit);
  const gates = Array.from({ length: 8 }, gate);
  const started: number[] = [];
  let running = 0;
  let peak = 0;
  const done = gates.map((g, i) =>
    slots.run(async () => {
      started.push(i);
      peak = Math.max(peak, ++running);
      await g.opened;
      running--;
      return i;
    }),
  );
  await new Promise((r) => setImmediate(r));
  expect(started).toEqual(Array.from({ length: limit }, (_, i) => i));
  expect(slots.waiting).toBe(8 - limit);
  // Free them last-first: the waiting ones still start in arrival order.
  for (let i = 7; i >= 0; i--) {
    gates[i].open();
    await new Promise((r) => setImmediate(r));
  }
  expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(peak).toBe(limit);
  expect(slots.waiting).toBe(0);
});

test('a failing task frees its slot and its caller gets the error', async () => {
  const slots = new FifoLimit(1);
  const failed = slots.run(async () => {
    throw new Error('turn failed');
  });
  const next = slots.run(async () => 'next ran');
  await expect(failed).rejects.toThrow('turn failed');
  await expect(next).resolves.toBe('next ran');
});

test.each([0, -1, 1.5, Number.NaN])('a limit of %p is refused', (limit) => {
  expect(() => new FifoLimit(limit)).toThrow(RangeError);
});
