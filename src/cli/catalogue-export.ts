/**
 * `npm run catalogue:export [folder]`: writes the catalogue as it is in the database (staff edits
 * included, archived entries left out) back to data/ form — services and Rendez-vous; communes,
 * bassins, Helpdesks and school holidays are not edited in the console and stay as they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/database';
import { createLogger } from '../logging/logger';
import { CatalogueRepository } from '../repositories/catalogue-repository';
import { catalogueFiles } from '../catalogue/export';
import { defaultDataDir } from '../catalogue/seed';

async function main(): Promise<number> {
  const dataDir = process.argv[2] ? path.resolve(process.argv[2]) : defaultDataDir();
  const cfg = loadConfig();
  const db = await openDatabase(cfg, createLogger('warn'));
  try {
    const repo = new CatalogueRepository(db.db);
    const strip = <T extends { revision?: number }>(x: T) => {
      const { revision: _r, ...rest } = x;
      return rest;
    };
    const files = catalogueFiles({ services: await repo.allServices(), rendezvous: (await repo.allRendezvous()).map(strip), series: (await repo.allSeries()).map(strip) }, dataDir);
    for (const [file, text] of files) {
      fs.mkdirSync(path.dirname(path.join(dataDir, file)), { recursive: true });
      fs.writeFileSync(path.join(dataDir, file), text);
    }
    console.log(`Wrote ${files.size} files to ${dataDir}.`);
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
