/** Reads `locales/<lang>/<namespace>.json` into i18next resources. */
import fs from 'node:fs';
import path from 'node:path';

export type Resources = Record<string, Record<string, Record<string, unknown>>>;

export function defaultLocalesDir(): string {
  for (const c of [path.resolve(__dirname, '..', '..', 'locales'), path.resolve(__dirname, '..', '..', '..', 'locales')]) if (fs.existsSync(c)) return c;
  throw new Error('locales/ folder not found');
}

export function loadResources(dir = defaultLocalesDir()): Resources {
  const out: Resources = {};
  for (const lng of fs.readdirSync(dir).sort()) {
    const ldir = path.join(dir, lng);
    if (!fs.statSync(ldir).isDirectory()) continue;
    out[lng] = {};
    for (const f of fs.readdirSync(ldir).filter((x) => x.endsWith('.json'))) out[lng][f.replace(/\.json$/, '')] = JSON.parse(fs.readFileSync(path.join(ldir, f), 'utf8')) as Record<string, unknown>;
  }
  return out;
}

/** Looks a dotted key up in one namespace ("a.b.c"). */
export function lookup(ns: Record<string, unknown> | undefined, key: string): unknown {
  let cur: unknown = ns;
  for (const part of key.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
