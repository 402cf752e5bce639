/**
 * The ordering rules of one stream, on their own: the log is a plain array here (the session's own
 * port, not the database), so that reads can be made to fail or to race at will.
 */
import { READ_BATCH, StreamSession, type SessionIo } from '../../src/channels/directline/stream-session';
import type { StreamedActivity } from '../../src/channels/directline/feed';
import { StorageUnavailableError } from '../../src/db/storage-watch';

const item = (seq: number): StreamedActivity => ({ seq, json: JSON.stringify({ id: `c|${seq}`, text: `a${seq}` }) });
const flush = () => new Promise((r) => setImmediate(r));

function harness(initial: number[], watermark = 0) {
  const log = initial.map(item);
  const frames: Array<{ seqs: number[]; watermark: string; ids: string[] }> = [];
  let failNext = 0;
  let reads = 0;
  const io: SessionIo = {
    async read(after) {
      reads += 1;
      await flush();
      if (failNext > 0) {
        failNext -= 1;
        throw new StorageUnavailableError('down');
      }
      return log.filter((i) => i.seq > after).slice(0, READ_BATCH);
    },
    send(frame) {
      const set = JSON.parse(frame) as { activities: Array<{ id: string }>; watermark: string };
      frames.push({ seqs: set.activities.map((a) => Number(a.id.split('|')[1])).filter(Number.isFinite), watermark: set.watermark, ids: set.activities.map((a) => a.id) });
    },
    readFailed: () => true,
    ended: () => undefined,
  };
  const session = new StreamSession(io, watermark);
  /** Stores and announces, as the store and the feed do. */
  const append = (seq: number) => {
    log.push(item(seq));
    session.stored([item(seq)]);
  };
  return { log, frames, session, append, sent: () => frames.flatMap((f) => f.seqs), failReads: (n: number) => (failNext = n), reads: () => reads };
}

test('reads from the watermark, then sends live activities; one announced during the read goes out once', async () => {
  const h = harness([1, 2, 3], 1);
  h.session.start();
  h.append(4); // while the read runs: held
  await flush();
  await flush();
  h.append(5);
  expect(h.sent()).toEqual([2, 3, 4, 5]);
  expect(h.frames.map((f) => f.watermark)).toEqual(h.frames.map((f) => String(f.seqs[f.seqs.length - 1])));
  h.session.close();
});

test('a long log is read in batches', async () => {
  const h = harness(Array.from({ length: 2 * READ_BATCH + 5 }, (_, i) => i + 1));
  h.session.start();
  for (let i = 0; i < 10; i++) await flush();
  expect(h.sent()).toEqual(h.log.map((i) => i.seq));
  expect(h.reads()).toBe(3);
  h.session.close();
});

test('an announcement that skips a number makes the session read the log instead of leaving a hole', async () => {
  const h = harness([1]);
  h.session.start();
  await flush();
  await flush();
  h.log.push(item(2)); // stored by someone who did not announce it (another instance)
  h.append(3);
  for (let i = 0; i < 4; i++) await flush();
  expect(h.sent()).toEqual([1, 2, 3]);
  h.session.close();
});

test('while the log cannot be read, memory notices go out with the watermark unchanged; the first store announced triggers the read', async () => {
  const h = harness([1, 2], 2);
  h.failReads(1);
  h.session.start();
  await flush();
  await flush();
  h.session.standby([JSON.stringify({ id: 'c|standby-1', text: 'kept' })]);
  expect(h.frames).toEqual([{ seqs: [], watermark: '2', ids: ['c|standby-1'] }]);
  h.append(3); // the database answers again: no waiting for the retry timer
  for (let i = 0; i < 4; i++) await flush();
  expect(h.sent()).toEqual([3]);
  h.append(4);
  expect(h.sent()).toEqual([3, 4]);
  h.session.close();
});

test('a closed session sends nothing more', async () => {
  const h = harness([1]);
  h.session.start();
  h.session.close();
  await flush();
  await flush();
  h.append(2);
  h.session.standby(['{}']);
  expect(h.frames).toEqual([]);
});
