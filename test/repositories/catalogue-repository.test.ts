import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatalogueRepository } from '../../src/repositories/catalogue-repository';
import { defaultDataDir, loadSeed, SeedError } from '../../src/catalogue/seed';
import { openTestDb, type TestDb } from '../support/db';

describe('catalogue import into the real database', () => {
  let t: TestDb;
  let repo: CatalogueRepository;
  beforeAll(async () => {
    t = await openTestDb();
    repo = new CatalogueRepository(t.db);
    await repo.ensureIndexes();
  });
  afterAll(async () => t.close());

  test('imports the seed, and importing twice changes nothing (idempotent)', async () => {
    const seed = loadSeed();
    expect(await repo.isEmpty()).toBe(true);
    await repo.importSeed(seed);
    const first = await repo.counts();
    await repo.importSeed(seed);
    expect(await repo.counts()).toEqual(first);
    expect(first).toEqual({ communes: 19, bassins: 5, services: seed.services.length, rendezvous: seed.rendezvous.length, rendezvous_series: seed.series.length, helpdesks: 5 });
    const housing = await repo.servicesForThemes(['logement']);
    expect(housing.map((s) => s.id)).toContain('samusocial-hebergement-urgence');
    expect(housing.every((s) => s.themes.includes('logement'))).toBe(true);
    expect(Object.keys(housing[0])).not.toContain('_id');
  });

  test('a record removed from the seed is removed from the database', async () => {
    const seed = loadSeed();
    await repo.importSeed({ ...seed, services: seed.services.filter((s) => s.id !== 'slrb-logement-social') });
    expect((await repo.servicesForThemes(['logement'])).map((s) => s.id)).not.toContain('slrb-logement-social');
    await repo.importSeed(seed);
    expect((await repo.servicesForThemes(['logement'])).map((s) => s.id)).toContain('slrb-logement-social');
  });

  test('a bad record is reported with file, id and field, before anything is written', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-'));
    fs.cpSync(defaultDataDir(), dir, { recursive: true });
    const file = path.join(dir, 'services', 'logement.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.services[0].phone = 'call me maybe';
    fs.writeFileSync(file, JSON.stringify(json));
    let error: unknown;
    try {
      loadSeed(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SeedError);
    expect((error as SeedError).problems).toEqual([expect.stringMatching(new RegExp(`services/logement\\.json: services\\[0\\] id=${json.services[0].id} field phone: expected a phone number`))]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
