/**
 * The catalogue back to `data/` form (`npm run catalogue:export`), so that staff edits made in the
 * console reach the files and a later `catalogue:import` finds nothing to overwrite. Each service
 * stays in the file it came from (a new one goes to the file of its first theme); every file keeps
 * its `$comment`. Archived entries are left out of the files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Rendezvous, Series, Service } from './schema';

export interface ExportInput {
  services: Service[];
  rendezvous: Rendezvous[];
  series: Series[];
}

/** File name (relative to the data folder) → its JSON text. */
export function catalogueFiles(input: ExportInput, dataDir: string): Map<string, string> {
  const serviceDir = path.join(dataDir, 'services');
  const fileOf = new Map<string, string>();
  const comments = new Map<string, unknown>();
  for (const f of fs.existsSync(serviceDir) ? fs.readdirSync(serviceDir).filter((x) => x.endsWith('.json')).sort() : []) {
    const json = JSON.parse(fs.readFileSync(path.join(serviceDir, f), 'utf8')) as { $comment?: unknown; services?: Array<{ id?: string }> };
    comments.set(`services/${f}`, json.$comment);
    for (const s of json.services ?? []) if (s.id) fileOf.set(s.id, `services/${f}`);
  }
  const groups = new Map<string, Service[]>();
  for (const s of [...input.services].sort((a, b) => a.id.localeCompare(b.id))) {
    const file = fileOf.get(s.id) ?? `services/${s.themes[0]}.json`;
    groups.set(file, [...(groups.get(file) ?? []), s]);
  }
  const out = new Map<string, string>();
  const text = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  // A file all of whose services were archived is written empty rather than left with stale entries.
  for (const file of new Set([...comments.keys(), ...groups.keys()])) {
    const comment = comments.get(file);
    out.set(file, text({ ...(comment !== undefined ? { $comment: comment } : {}), services: groups.get(file) ?? [] }));
  }
  const rdvFile = path.join(dataDir, 'rendezvous.json');
  const rdvComment = fs.existsSync(rdvFile) ? (JSON.parse(fs.readFileSync(rdvFile, 'utf8')) as { $comment?: unknown }).$comment : undefined;
  out.set('rendezvous.json', text({ ...(rdvComment !== undefined ? { $comment: rdvComment } : {}), rendezvous: input.rendezvous, series: input.series }));
  return out;
}
