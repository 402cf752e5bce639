/**
 * `npm run catalogue:import`: validates data/ and upserts it into the database (idempotent).
 * A bad record is reported with its file, id and field, and nothing is written.
 */
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/database';
import { createLogger } from '../logging/logger';
import { CatalogueRepository } from '../repositories/catalogue-repository';
import { loadSeed, SeedError } from '../catalogue/seed';

async function main(): Promise<number> {
  let seed;
  try {
    seed = loadSeed(process.argv[2]);
  } catch (e) {
    console.error(e instanceof SeedError ? e.message : String(e));
    return 1;
  }
  const cfg = loadConfig();
  const db = await openDatabase(cfg, createLogger('warn'));
  try {
    const repo = new CatalogueRepository(db.db);
    await repo.ensureIndexes();
    const report = await repo.importSeed(seed);
    console.log('Imported:', JSON.stringify(report.upserted), 'removed:', JSON.stringify(report.removed));
    // Staff edits win over the files: each one left alone is said, so nobody thinks the file was applied.
    for (const c of report.conflicts) console.log(`Kept as staff left it (${c.reason.replace(/_/g, ' ')}): ${c.collection}/${c.id} — run npm run catalogue:export to write it to data/.`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
