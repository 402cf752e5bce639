/**
 * Starts one real FerretDB (SQLite, throw-away data folder, free port) for the whole test run,
 * unless TEST_MONGODB_URI points to a server already. Tests talk to it over the wire.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/logging/logger';
import { ensureFerretDbBinary, startFerretDb } from '../../src/db/embedded-ferretdb';

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_MONGODB_URI) return;
  const log = createLogger('warn');
  const bin = ensureFerretDbBinary(path.resolve(__dirname, '../../.tools'), log, process.env.FERRETDB_BIN || undefined);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'boussole-test-db-'));
  const server = await startFerretDb({ bin, dataDir, log });
  process.env.TEST_MONGODB_URI = server.uri;
  (globalThis as Record<string, unknown>).__BOUSSOLE_TEST_DB__ = { server, dataDir };
}
