/**
 * The catalogue data in `data/` as the bot will use it: every record valid, every reference resolvable,
 * and every situation a journey can recommend on answered by at least one service in every bassin.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  BASSIN_IDS,
  THEMES,
  communeSchema,
  helpdeskSchema,
  rendezvousSchema,
  serviceSchema,
  type Area,
  type BassinId,
  type Commune,
  type Service,
  type Theme,
} from '../../src/catalogue/schema';

const root = path.resolve(__dirname, '../..');
const dataDir = path.join(root, 'data');
const servicesDir = path.join(dataDir, 'services');
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Situation tags a graph's `recommend` node filters on, per theme; `general` holds cross-theme ones. */
const TAGS: Record<Theme | 'general', readonly string[]> = {
  logement: ['no_roof', 'eviction', 'unhealthy', 'social_housing', 'deposit', 'housing_orientation'],
  sante_mentale: ['first_line_psy', 'ssm', 'crisis_team', 'exile', 'perinatal_mh', 'listening_line', 'suicide_line', 'youth'],
  perinatalite: ['prenatal_followup', 'precarious', 'undocumented', 'perinatal_mh', 'family_support'],
  depistage: ['breast', 'colorectal', 'cervical', 'hiv_sti', 'tuberculosis', 'hepatitis'],
  isolement: ['meet_people', 'listening_line'],
  assuetudes: ['alcohol', 'drugs', 'gambling', 'addiction_info'],
  general: ['social_orientation', 'cpas'],
};
const FILE_NAMES = [...THEMES, 'general'] as const;
const REQUIRED_LANGS = ['fr', 'nl', 'en'] as const;

const serviceFileSchema = z.object({ $comment: z.string().min(1), services: z.array(serviceSchema).min(1) }).strict();
const rendezvousFileSchema = z.object({ $comment: z.string().min(1), rendezvous: z.array(rendezvousSchema) }).strict();
const helpdeskFileSchema = z.object({ $comment: z.string().min(1), helpdesks: z.array(helpdeskSchema) }).strict();

/** Zod issues as plain data, so a failing parse shows which record and field is wrong. */
function issuesOf(result: { success: boolean; error?: z.ZodError }): unknown[] {
  return result.success ? [] : (result.error?.issues ?? []).map((i) => ({ path: i.path.join('.'), message: i.message }));
}

const serviceFiles = fs.readdirSync(servicesDir).filter((f) => f.endsWith('.json')).sort();
const rawServiceFiles = serviceFiles.map((file) => ({ file, name: path.basename(file, '.json'), raw: readJson(path.join(servicesDir, file)) }));
const parsedFiles = rawServiceFiles.map(({ file, name, raw }) => ({ file, name, result: serviceFileSchema.safeParse(raw) }));
// Records that parse on their own are kept, so one bad record fails its file's test, not every coverage test.
const servicesByFile = rawServiceFiles.map(({ name, raw }) => {
  const records = z.object({ services: z.array(z.unknown()) }).safeParse(raw);
  const parsed = (records.success ? records.data.services : []).map((s) => serviceSchema.safeParse(s));
  return { name, services: parsed.flatMap((r) => (r.success ? [r.data] : [])) };
});
const services: Service[] = servicesByFile.flatMap((f) => f.services);

const communes: Commune[] = z.array(communeSchema).parse((readJson(path.join(dataDir, 'communes.json')) as { communes: unknown }).communes);
const communeByNis = new Map(communes.map((c) => [c.nis, c]));

const rendezvousResult = rendezvousFileSchema.safeParse(readJson(path.join(dataDir, 'rendezvous.json')));
const rendezvous = rendezvousResult.success ? rendezvousResult.data.rendezvous : [];
const helpdeskResult = helpdeskFileSchema.safeParse(readJson(path.join(dataDir, 'helpdesks.json')));
const helpdesks = helpdeskResult.success ? helpdeskResult.data.helpdesks : [];

function bassinsOf(area: Area): BassinId[] {
  if (area.scope === 'region') return [...BASSIN_IDS];
  if (area.scope === 'bassin') return area.bassins;
  return area.communes.flatMap((nis) => communeByNis.get(nis)?.bassins ?? []);
}
const openToResidents = (s: Service): boolean => !s.eligibility.audience || s.eligibility.audience.includes('resident');

describe('service files', () => {
  test('there is one file per theme plus general.json, and nothing else', () => {
    expect(serviceFiles).toEqual([...FILE_NAMES].sort().map((n) => `${n}.json`));
  });

  test.each(rawServiceFiles.map((f) => [f.file]))('%s parses with serviceSchema', (file) => {
    const parsed = parsedFiles.find((f) => f.file === file);
    expect(parsed && issuesOf(parsed.result)).toEqual([]);
  });

  test.each(THEMES.map((t) => [t]))('every service in %s.json lists that theme', (theme) => {
    const inFile = servicesByFile.find((f) => f.name === theme)?.services ?? [];
    expect(inFile.length).toBeGreaterThan(0);
    expect(inFile.filter((s) => !s.themes.includes(theme)).map((s) => s.id)).toEqual([]);
  });

  test('service ids are unique across all files', () => {
    const ids = services.map((s) => s.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  test('name, description and audience exist in French, Dutch and English', () => {
    const missing = services.flatMap((s) =>
      (['name', 'description', 'audience'] as const).flatMap((field) => REQUIRED_LANGS.filter((l) => !s[field][l]).map((l) => `${s.id}.${field}.${l}`)),
    );
    expect(missing).toEqual([]);
  });

  test('every service carries its source and the check date', () => {
    expect(services.filter((s) => s.source.length === 0 || s.checkedAt !== '2026-11-22').map((s) => s.id)).toEqual([]);
  });

  test('websites use https', () => {
    expect(services.filter((s) => s.website && !s.website.startsWith('https://')).map((s) => s.id)).toEqual([]);
  });

  test('a caveat only qualifies a field that is present', () => {
    const dangling = services.flatMap((s) => Object.keys(s.caveats ?? {}).filter((f) => s[f as keyof Service] === undefined).map((f) => `${s.id}.${f}`));
    expect(dangling).toEqual([]);
  });
});

describe('places', () => {
  test('every commune NIS code referenced by a service exists', () => {
    const refs = services.flatMap((s) => [...(s.area.scope === 'commune' ? s.area.communes : []), ...(s.address ? [s.address.commune] : [])]);
    expect(refs.filter((nis) => !communeByNis.has(nis))).toEqual([]);
  });

  test('an address postal code belongs to its commune', () => {
    const wrong = services.filter((s) => s.address && !communeByNis.get(s.address.commune)?.postalCodes.includes(s.address.postalCode));
    expect(wrong.map((s) => s.id)).toEqual([]);
  });

  test('each of the 19 communes has its own CPAS/OCMW record', () => {
    const cpas = services.filter((s) => s.tags.includes('cpas'));
    const covered = cpas.flatMap((s) => (s.area.scope === 'commune' ? s.area.communes : []));
    expect([...covered].sort()).toEqual(communes.map((c) => c.nis).sort());
  });
});

describe('situation tags', () => {
  const allowedFor = (s: Service): Set<string> => new Set([...TAGS.general, ...s.themes.flatMap((t) => TAGS[t])]);

  test('every tag of a service belongs to one of its themes (or to general)', () => {
    const stray = services.flatMap((s) => s.tags.filter((tag) => !allowedFor(s).has(tag)).map((tag) => `${s.id}:${tag}`));
    expect(stray).toEqual([]);
  });

  const everyTag = [...new Set(Object.values(TAGS).flat())];
  test.each(everyTag.map((t) => [t]))('tag %s is carried by at least one service', (tag) => {
    expect(services.some((s) => s.tags.includes(tag))).toBe(true);
  });

  // A resident anywhere in Brussels must get an answer for every (theme, tag) a journey can ask about.
  const themeCases = THEMES.flatMap((theme) => TAGS[theme].flatMap((tag) => BASSIN_IDS.map((bassin) => [theme, tag, bassin] as const)));
  test.each(themeCases)('%s / %s has a service open to residents in bassin %s', (theme, tag, bassin) => {
    const hits = services.filter((s) => s.themes.includes(theme) && s.tags.includes(tag) && openToResidents(s) && bassinsOf(s.area).includes(bassin));
    expect(hits.length).toBeGreaterThan(0);
  });

  const generalCases = TAGS.general.flatMap((tag) => BASSIN_IDS.map((bassin) => [tag, bassin] as const));
  test.each(generalCases)('general / %s has a service open to residents in bassin %s', (tag, bassin) => {
    expect(services.some((s) => s.tags.includes(tag) && openToResidents(s) && bassinsOf(s.area).includes(bassin))).toBe(true);
  });
});

describe('screening eligibility follows the programmes', () => {
  test.each([
    ['breast', { sex: 'female', ageMin: 50, ageMax: 69 }],
    ['colorectal', { ageMin: 50, ageMax: 74 }],
    ['cervical', { sex: 'female', ageMin: 25, ageMax: 64 }],
  ] as const)('%s screening is offered with %o', (tag, expected) => {
    const tagged = services.filter((s) => s.tags.includes(tag));
    expect(tagged.length).toBeGreaterThan(0);
    for (const s of tagged) expect(s.eligibility).toMatchObject(expected);
  });

  test('HIV/STI and tuberculosis services for everyone are not restricted by age or sex', () => {
    const restricted = services.filter(
      (s) => (s.tags.includes('hiv_sti') || s.tags.includes('tuberculosis')) && (s.eligibility.ageMin !== undefined || s.eligibility.ageMax !== undefined || s.eligibility.sex !== undefined),
    );
    expect(restricted.map((s) => s.id)).toEqual([]);
  });
});

describe('contact details come from the sources', () => {
  test('no service has a phone, e-mail or address without a source', () => {
    expect(services.filter((s) => (s.phone || s.email || s.address) && s.source.length === 0).map((s) => s.id)).toEqual([]);
  });

  // The dossier sits next to the repository during development; on a bare checkout this check is skipped.
  const dossierFiles = ['domain/brussels.md', 'seeds/002_ab74c18effe01e6d.txt'].map((f) => path.resolve(root, '../shared', f));
  const dossier = dossierFiles.every((f) => fs.existsSync(f)) ? dossierFiles.map((f) => fs.readFileSync(f, 'utf8')).join('\n') : null;
  (dossier ? test : test.skip)('every phone number and e-mail appears verbatim in the source dossier', () => {
    const contacts = [
      ...services.flatMap((s) => [s.phone, s.email]),
      ...helpdesks.flatMap((h) => [h.phone, h.email]),
    ].filter((c): c is string => Boolean(c));
    expect(contacts.length).toBeGreaterThan(0);
    expect(contacts.filter((c) => !dossier?.includes(c))).toEqual([]);
  });
});

describe('Rendez-vous de la Prévention Santé', () => {
  test('rendezvous.json parses with rendezvousSchema', () => {
    expect(issuesOf(rendezvousResult)).toEqual([]);
    expect(rendezvous.length).toBeGreaterThan(0);
  });

  test('ids are unique', () => {
    const ids = rendezvous.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('a Rendez-vous without a date is provisional', () => {
    expect(rendezvous.filter((r) => (r.start === null || r.end === null) && r.status !== 'provisional').map((r) => r.id)).toEqual([]);
  });

  test('each place is in an existing commune of its bassin', () => {
    expect(rendezvous.filter((r) => !communeByNis.get(r.commune)?.bassins.includes(r.bassin)).map((r) => r.id)).toEqual([]);
  });

  test('title, place, audience and recurrence exist in French, Dutch and English', () => {
    const missing = rendezvous.flatMap((r) =>
      (['title', 'place', 'audience', 'recurrence'] as const).flatMap((field) => REQUIRED_LANGS.filter((l) => !r[field]?.[l]).map((l) => `${r.id}.${field}.${l}`)),
    );
    expect(missing).toEqual([]);
  });
});

describe('Helpdesks', () => {
  test('helpdesks.json parses with helpdeskSchema', () => {
    expect(issuesOf(helpdeskResult)).toEqual([]);
  });

  test('there is exactly one Helpdesk record per bassin', () => {
    expect(helpdesks.map((h) => h.bassin).sort()).toEqual([...BASSIN_IDS].sort());
  });

  test('a Helpdesk shows contact details or hours only with a source', () => {
    expect(helpdesks.filter((h) => (h.phone || h.email || h.hours) && h.source.length === 0).map((h) => h.bassin)).toEqual([]);
  });
});
