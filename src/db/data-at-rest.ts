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
 * Files are for the server's user only: directories 0700, files 0600 (existing ones are fixed at
 * start; FerretDB runs with umask 077, and SQLite gives -wal/-shm the database file's mode).
 */
import fs from 'node:fs';
import path from 'node:path';

export const SQLITE_PRAGMAS = ['secure_delete(on)', 'wal_autocheckpoint(1)', 'journal_size_limit(0)'];

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
