import fs from 'node:fs';
import type { EmbeddedFerretDb } from '../../src/db/embedded-ferretdb';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__BOUSSOLE_TEST_DB__ as { server: EmbeddedFerretDb; dataDir: string } | undefined;
  if (!state) return;
  await state.server.stop();
  fs.rmSync(state.dataDir, { recursive: true, force: true });
}
