/** The bus between server instances (src/cluster/event-bus.ts) and the turn lease, on the real test database. */
import { ClusterBus, type Peer } from '../../src/cluster/event-bus';
import { silentLogger } from '../../src/logging/logger';
import { InstanceEventsRepository } from '../../src/repositories/instance-events-repository';
import { TurnLeaseRepository, TurnLeaseTimeout } from '../../src/repositories/turn-lease-repository';
import { openTestDb, type TestDb } from '../support/db';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t.close());

/** Two instances, `a` and `b`, that see each other as alive; time moves only when the test says. */
function pair(events = new InstanceEventsRepository(t.db)) {
  let now = 1_000_000;
  const alive: Peer[] = [];
  const make = (id: string): ClusterBus => new ClusterBus({ instanceId: id, events, peers: async () => alive, log: silentLogger, peersEveryMs: 0, now: () => now });
  const a = make(`a-${Math.random()}`);
  const b = make(`b-${Math.random()}`);
  alive.push({ id: a.instanceId }, { id: b.instanceId });
  return { a, b, events, advance: (ms: number) => (now += ms), alive };
}

test('what one instance publishes reaches the other, in order, once; its own news is not read back', async () => {
  const { a, b } = pair();
  const got: Array<[unknown, string]> = [];
  const own: unknown[] = [];
  b.on('news', (data: unknown, from: string) => got.push([data, from]));
  a.on('news', (data: unknown) => own.push(data));
  await b.tick(); // b learns of a (nothing published yet)
  for (let i = 1; i <= 5; i++) a.publish('news', { i });
  await new Promise((r) => setTimeout(r, 200)); // the writes land
  await b.tick();
  await b.tick();
  await a.tick();
  expect(got).toEqual([1, 2, 3, 4, 5].map((i) => [{ i }, a.instanceId]));
  expect(own).toEqual([]);
});

test('an instance that joins later hears only what is published from then on', async () => {
  const { a, b } = pair();
  const got: unknown[] = [];
  b.on('news', (data: unknown) => got.push(data));
  a.publish('news', 'old 1');
  a.publish('news', 'old 2');
  await new Promise((r) => setTimeout(r, 200));
  await b.tick(); // b discovers a now
  a.publish('news', 'new');
  await new Promise((r) => setTimeout(r, 200));
  await b.tick();
  expect(got).toEqual(['new']);
});

test('a number whose write was lost does not stop the reader for long', async () => {
  const { a, b, events, advance } = pair();
  const got: unknown[] = [];
  b.on('news', (data: unknown) => got.push(data));
  await b.tick();
  // a's event 1 never reached the database; 2 did.
  (a as unknown as { seq: number }).seq = 1;
  await events.append(a.instanceId, 2, JSON.stringify({ topic: 'news', data: 'after the gap' }));
  await b.tick();
  expect(got).toEqual([]); // it waits a little for 1
  advance(2_500);
  await b.tick();
  expect(got).toEqual(['after the gap']);
});

test('a topic nobody handles, a damaged event or a failing handler harm nothing else', async () => {
  const { a, b, events } = pair();
  const got: unknown[] = [];
  b.on('news', () => {
    throw new Error('handler bug');
  });
  b.on('news', (data: unknown) => got.push(data));
  await b.tick();
  a.publish('other', 1);
  await new Promise((r) => setTimeout(r, 100));
  (a as unknown as { seq: number }).seq = 2;
  await events.append(a.instanceId, 2, '{not json');
  a.publish('news', 'still here');
  await new Promise((r) => setTimeout(r, 200));
  await b.tick();
  expect(got).toEqual(['still here']);
});

describe('turn lease', () => {
  test('one holder at a time: the second waits until the first releases', async () => {
    const one = new TurnLeaseRepository(t.db, 'instance-1');
    const two = new TurnLeaseRepository(t.db, 'instance-2');
    const order: string[] = [];
    const release = await one.acquire('conv-lease-1');
    const waiting = two.acquire('conv-lease-1').then((r) => {
      order.push('two has it');
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    order.push('one releases');
    await release();
    await (await waiting)();
    expect(order).toEqual(['one releases', 'two has it']);
  });

  test('a lease left by an instance that died is taken over when it expires', async () => {
    const dead = new TurnLeaseRepository(t.db, 'dead-instance', { ttlMs: 200 });
    await dead.acquire('conv-lease-2'); // never released
    const alive = new TurnLeaseRepository(t.db, 'instance-3', { ttlMs: 200 });
    const started = Date.now();
    await (await alive.acquire('conv-lease-2'))();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  test('waiting longer than allowed fails with TurnLeaseTimeout (the turn stays in the inbox)', async () => {
    const holder = new TurnLeaseRepository(t.db, 'instance-4', { ttlMs: 60_000 });
    await holder.acquire('conv-lease-3');
    const impatient = new TurnLeaseRepository(t.db, 'instance-5', { maxWaitMs: 150 });
    await expect(impatient.acquire('conv-lease-3')).rejects.toBeInstanceOf(TurnLeaseTimeout);
  });
});
