/**
 * What the embedded database leaves on disk.
 *
 * Erased data must not survive in the SQLite files. FerretDB v1.24.2 opens one SQLite database per
 * MongoDB database with modernc.org/sqlite, passing the query of `--sqlite-url` through to every
 * connection (only `busy_timeout`, `journal_mode` and `auto_vacuum` get defaults), and modernc runs
 * each `_pragma=…` value as a PRAGMA on each new connection. FerretDB offers no way to run a
 * checkpoint through the MongoDB protocol (`compact` is `PRAGMA incremental_vacuum` or `VACUUM`), so:
 * - `secure_delete(on)`: deleted rows, freed pages and overflow pages are overwritten with zeros;
 * - `wal_autocheckpoint(1)`: every commit is checkpointed into the database file at once (when no
 *   reader still needs older pages), so the WAL never holds more than the latest transactions;
 * - `journal_size_limit(0)`: when the WAL restarts, the file is cut to what that commit wrote, so old
 *   frames (earlier versions of rows, with the erased text) do not linger at its end.
 * The price is a checkpoint per commit (the app writes a few small documents per message).
 *
 * - `synchronous(normal)`: a commit is not flushed to the disk on its own (SQLite's recommended
 *   setting in WAL mode; FULL flushes the WAL at every commit). Measured with `npm run bench:load`
 *   on 2 cores, 200 web-chat users: FULL tops out near 30 turns/s (p95 9.7 s), NORMAL follows the
 *   load (82 turns/s, p95 ~120 ms). What it costs: a commit survives the app or FerretDB stopping
 *   (the data is in the WAL, in the kernel's hands), but the last commits can roll back after a power
 *   loss or an operating-system crash; the database is never corrupted. Deployments that need more
 *   run on MongoDB (scaled mode, journaled writes).
 *
 * Files are for the server's user only: directories 0700, files 0600 (existing ones are fixed at
 * start; FerretDB runs with umask 077, and SQLite gives -wal/-shm the database file's mode).
 */
import fs from 'node:fs';
import path from 'node:path';

export const SQLITE_PRAGMAS = ['secure_delete(on)', 'wal_autocheckpoint(1)', 'journal_size_limit(0)', 'synchronous(normal)'];

/** The `--sqlite-url` for FerretDB: the folder of the SQLite files, with our pragmas. */
export function sqliteUrl(dir: string): string {
  return `file:${dir}/?${SQLITE_PRAGMAS.map((p) => `_pragma=${encodeURIComponent(p)}`).join('&')}`;
}

/** Creates `root` and `dirs` (inside it) readable by this user only, and makes what they hold so. */
export function privateDirs(root: string, ...dirs: string[]): void {
  for (const dir of [root, ...dirs]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  }
  for (const dir of dirs) restrict(dir);
}

function restrict(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      fs.chmodSync(p, 0o700);
      restrict(p);
    } else if (entry.isFile()) fs.chmodSync(p, 0o600);
  }
}
