/**
 * Reads and validates the catalogue seed in `data/`. Every problem is reported with its file,
 * record id and field; callers write nothing unless the whole seed is valid.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { bassinSchema, closurePeriodSchema, communeSchema, helpdeskSchema, rendezvousSchema, seriesSchema, serviceSchema, type Bassin, type ClosurePeriod, type Commune, type Helpdesk, type Rendezvous, type Series, type Service } from './schema';

export interface CatalogueSeed {
  communes: Commune[];
  bassins: Bassin[];
  services: Service[];
  rendezvous: Rendezvous[];
  /** Rendez-vous series (data/rendezvous.json, key `series`). */
  series: Series[];
  helpdesks: Helpdesk[];
  /** School holidays in Brussels (data/school-holidays.json), skipped by series that say so. */
  schoolHolidays: { periods: ClosurePeriod[]; source: string[] };
}

export class SeedError extends Error {
  constructor(readonly problems: string[]) {
    super(`The catalogue seed has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  }
}

export function defaultDataDir(): string {
  for (const c of [path.resolve(__dirname, '..', '..', 'data'), path.resolve(__dirname, '..', '..', '..', 'data')]) if (fs.existsSync(path.join(c, 'communes.json'))) return c;
  throw new Error('data/ folder not found');
}

function readJson(file: string, problems: string[]): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    problems.push(`${path.basename(file)}: ${(e as Error).message}`);
    return undefined;
  }
}

function parseList<T>(file: string, key: string, schema: z.ZodType<T>, idOf: (r: Record<string, unknown>) => string, problems: string[]): T[] {
  const json = readJson(file, problems);
  if (!json) return [];
  const list = json[key];
  const rel = path.relative(path.dirname(path.dirname(file)), file);
  if (!Array.isArray(list)) {
    problems.push(`${rel}: expected a "${key}" array`);
    return [];
  }
  const out: T[] = [];
  list.forEach((rec: Record<string, unknown>, i) => {
    const p = schema.safeParse(rec);
    if (p.success) out.push(p.data);
    else for (const issue of p.error.issues) problems.push(`${rel}: ${key}[${i}] id=${String(idOf(rec ?? {}) ?? '?')} field ${issue.path.join('.') || '(record)'}: ${issue.message}`);
  });
  return out;
}

export function loadSeed(dataDir = defaultDataDir()): CatalogueSeed {
  const problems: string[] = [];
  const communes = parseList(path.join(dataDir, 'communes.json'), 'communes', communeSchema, (r) => String(r.nis), problems);
  const bassins = parseList(path.join(dataDir, 'bassins.json'), 'bassins', bassinSchema, (r) => String(r.id), problems);
  const services: Service[] = [];
  const serviceDir = path.join(dataDir, 'services');
  for (const f of fs.existsSync(serviceDir) ? fs.readdirSync(serviceDir).filter((x) => x.endsWith('.json')).sort() : []) services.push(...parseList(path.join(serviceDir, f), 'services', serviceSchema, (r) => String(r.id), problems));
  const rdvFile = path.join(dataDir, 'rendezvous.json');
  const rendezvous = fs.existsSync(rdvFile) ? parseList(rdvFile, 'rendezvous', rendezvousSchema as z.ZodType<Rendezvous>, (r) => String(r.id), problems) : [];
  const series = fs.existsSync(rdvFile) && Array.isArray(readJson(rdvFile, [])?.series) ? parseList(rdvFile, 'series', seriesSchema as z.ZodType<Series>, (r) => String(r.id), problems) : [];
  const schoolHolidays = readSchoolHolidays(path.join(dataDir, 'school-holidays.json'), problems);
  const hdFile = path.join(dataDir, 'helpdesks.json');
  const helpdesks = fs.existsSync(hdFile) ? parseList(hdFile, 'helpdesks', helpdeskSchema, (r) => String(r.bassin), problems) : [];

  const seen = new Set<string>();
  for (const s of services) {
    if (seen.has(s.id)) problems.push(`services: duplicate id ${s.id}`);
    seen.add(s.id);
  }
  const nis = new Set(communes.map((c) => c.nis));
  for (const s of services) {
    if (s.address && !nis.has(s.address.commune)) problems.push(`services: id=${s.id} field address.commune: unknown commune ${s.address.commune}`);
    if (s.area.scope === 'commune') for (const c of s.area.communes) if (!nis.has(c)) problems.push(`services: id=${s.id} field area.communes: unknown commune ${c}`);
  }
  for (const r of [...rendezvous, ...series]) if (!nis.has(r.commune)) problems.push(`rendezvous: id=${r.id} field commune: unknown commune ${r.commune}`);
  if (problems.length) throw new SeedError(problems);
  return { communes, bassins, services, rendezvous, series, helpdesks, schoolHolidays };
}

/** The periods of data/school-holidays.json (each with its sources); none when the file is absent. */
function readSchoolHolidays(file: string, problems: string[]): CatalogueSeed['schoolHolidays'] {
  if (!fs.existsSync(file)) return { periods: [], source: [] };
  const json = readJson(file, problems);
  const list = Array.isArray(json?.periods) ? (json.periods as Array<Record<string, unknown>>) : [];
  const periods: ClosurePeriod[] = [];
  const source = new Set<string>();
  list.forEach((p, i) => {
    const parsed = closurePeriodSchema.safeParse({ from: p.from, to: p.to, ...(p.community ? { community: p.community } : {}), ...(p.label ? { label: p.label } : {}) });
    if (!parsed.success) problems.push(`school-holidays.json: periods[${i}]: ${parsed.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`);
    else periods.push(parsed.data);
    for (const u of Array.isArray(p.source) ? p.source : []) source.add(String(u));
  });
  return { periods, source: [...source] };
}
