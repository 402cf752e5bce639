import { BASSIN_IDS, THEMES } from '../../src/catalogue/schema';
import { loadSeed } from '../../src/catalogue/seed';
import { CatalogueRepository } from '../../src/repositories/catalogue-repository';
import { CatalogueSnapshot } from '../../src/repositories/catalogue-snapshot';
import { openTestDb, type TestDb } from '../support/db';

/** The real repository, counting the reads the snapshot makes. */
function counting(repo: CatalogueRepository) {
  const reads = { version: 0, all: 0 };
  let failing = false;
  const source = {
    version: async () => {
      reads.version += 1;
      if (failing) throw new Error('database unreachable');
      return repo.version();
    },
    allServices: async () => {
      reads.all += 1;
      return repo.allServices();
    },
    allRendezvous: () => repo.allRendezvous(),
    allSeries: () => repo.allSeries(),
    schoolHolidays: () => repo.schoolHolidays(),
  };
  return { source, reads, fail: (on: boolean) => (failing = on) };
}

describe('the catalogue snapshot the engine reads on every results turn', () => {
  let t: TestDb;
  let repo: CatalogueRepository;
  let clock = 0;
  const now = () => clock;
  beforeAll(async () => {
    t = await openTestDb();
    repo = new CatalogueRepository(t.db);
    await repo.importSeed(loadSeed());
  });
  afterAll(async () => t.close());

  test('answers exactly what the database query answers, for every theme and every bassin', async () => {
    const snapshot = new CatalogueSnapshot(repo);
    for (const theme of THEMES) expect((await snapshot.servicesForThemes([theme])).map((s) => s.id)).toEqual((await repo.servicesForThemes([theme])).map((s) => s.id));
    expect((await snapshot.servicesForThemes(['logement', 'sante_mentale'])).map((s) => s.id)).toEqual((await repo.servicesForThemes(['logement', 'sante_mentale'])).map((s) => s.id));
    // One-off entries (the seed has no series): the same, with their revision for the calendar.
    for (const bassin of BASSIN_IDS) expect((await snapshot.rendezvousForBassin(bassin)).map(({ revision: _r, ...r }) => r)).toEqual(await repo.rendezvousForBassin(bassin));
  });

  test('turns within the delay read nothing; an import is seen after it, by one shared read', async () => {
    const c = counting(repo);
    const snapshot = new CatalogueSnapshot(c.source, { checkEveryMs: 5000, now });
    await Promise.all([snapshot.servicesForThemes(['logement']), snapshot.servicesForThemes(['depistage']), snapshot.rendezvousForBassin('nord')]);
    expect(c.reads).toEqual({ version: 1, all: 1 });
    clock += 4000;
    for (let i = 0; i < 20; i++) await snapshot.servicesForThemes(['logement']);
    expect(c.reads).toEqual({ version: 1, all: 1 });

    const seed = loadSeed();
    await repo.importSeed({ ...seed, services: seed.services.filter((s) => s.id !== 'slrb-logement-social') });
    expect((await snapshot.servicesForThemes(['logement'])).map((s) => s.id)).toContain('slrb-logement-social'); // still within the delay
    clock += 1500;
    expect((await snapshot.servicesForThemes(['logement'])).map((s) => s.id)).not.toContain('slrb-logement-social');
    expect(c.reads).toEqual({ version: 2, all: 2 });
    clock += 6000;
    await snapshot.servicesForThemes(['logement']); // version unchanged: nothing reloaded
    expect(c.reads).toEqual({ version: 3, all: 2 });
    await repo.importSeed(seed);
  });

  test('when the database cannot be read, the last snapshot keeps orienting; with none, the turn fails', async () => {
    const c = counting(repo);
    const snapshot = new CatalogueSnapshot(c.source, { checkEveryMs: 1000, now });
    const before = (await snapshot.servicesForThemes(['logement'])).map((s) => s.id);
    c.fail(true);
    clock += 2000;
    expect((await snapshot.servicesForThemes(['logement'])).map((s) => s.id)).toEqual(before);
    expect(c.reads.version).toBe(2);
    await snapshot.servicesForThemes(['logement']); // not retried before the delay
    expect(c.reads.version).toBe(2);
    c.fail(false);
    clock += 2000;
    await snapshot.servicesForThemes(['logement']);
    expect(c.reads.version).toBe(3);

    const empty = counting(repo);
    empty.fail(true);
    await expect(new CatalogueSnapshot(empty.source, { now }).servicesForThemes(['logement'])).rejects.toThrow('database unreachable');
  });
});
