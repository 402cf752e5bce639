/**
 * Starts one real FerretDB (SQLite, throw-away data folder, free port) for the whole test run,
 * unless TEST_MONGODB_URI points to a server already. Tests talk to it over the wire.
 * Also trains the classifiers once for the run (the understanding's, about 10 s, and the safety
 * net's, about a minute) into the model cache (src/nlu/model-cache.ts), so that each test file and
 * each app started by a test loads them instead of training them again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/logging/logger';
import { ensureFerretDbBinary, startFerretDb } from '../../src/db/embedded-ferretdb';
import { createUnderstanding } from '../../src/nlu';
import { defaultCacheDir } from '../../src/nlu/model-cache';
import { createSafetyNet } from '../../src/safety';

export default async function globalSetup(): Promise<void> {
  await createUnderstanding();
  createSafetyNet({ cacheDir: defaultCacheDir() });
  if (process.env.TEST_MONGODB_URI) return;
  const log = createLogger('warn');
  const bin = ensureFerretDbBinary(path.resolve(__dirname, '../../.tools'), log, process.env.FERRETDB_BIN || undefined);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'boussole-test-db-'));
  const server = await startFerretDb({ bin, dataDir, log });
  process.env.TEST_MONGODB_URI = server.uri;
  (globalThis as Record<string, unknown>).__BOUSSOLE_TEST_DB__ = { server, dataDir };
}
