/**
 * Shapes of the catalogue data in `data/` (validated on import) and in MongoDB.
 * A field that no source gives is left out: never invent a phone number or an address.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const LANGUAGES = ['fr', 'nl', 'en', 'ar', 'tr', 'es', 'ro'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const BASSIN_IDS = ['nord', 'nord-est', 'centre-ouest', 'sud', 'sud-est'] as const;
export type BassinId = (typeof BASSIN_IDS)[number];
/**
 * Themes are data: the options of the `theme` fact in dialogs/facts.json. Adding a theme means a
 * journey file, locale strings and catalogue data — no TypeScript.
 */
function loadThemes(): [string, ...string[]] {
  for (const dir of [path.resolve(__dirname, '..', '..', 'dialogs'), path.resolve(__dirname, '..', '..', '..', 'dialogs')]) {
    const file = path.join(dir, 'facts.json');
    if (!fs.existsSync(file)) continue;
    const options = (JSON.parse(fs.readFileSync(file, 'utf8')) as { facts: { theme?: { options?: string[] } } }).facts.theme?.options;
    if (options?.length) return options as [string, ...string[]];
  }
  throw new Error('dialogs/facts.json has no theme options');
}
export const THEMES: readonly [string, ...string[]] = loadThemes();
export type Theme = string;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const nis = z.string().regex(/^210(0[1-9]|1[0-9])$/, 'expected a Brussels NIS code 21001..21019');
const url = z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL');
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM');

/** Text in several languages; French is always present (sources are French), others fall back. */
export const localText = z
  .object({ fr: z.string().min(1) })
  .extend(Object.fromEntries(LANGUAGES.filter((l) => l !== 'fr').map((l) => [l, z.string().min(1).optional()])) as Record<Exclude<Lang, 'fr'>, z.ZodOptional<z.ZodString>>)
  .strict();
export type LocalText = z.infer<typeof localText>;

export const bassinSchema = z
  .object({ id: z.enum(BASSIN_IDS), name: localText.partial({ fr: true }).extend({ fr: z.string() }), source: z.array(url).min(1), note: localText.optional() })
  .strict();
export type Bassin = z.infer<typeof bassinSchema>;

export const districtSchema = z
  .object({ id: z.string(), name: z.object({ fr: z.string(), nl: z.string() }), postalCodes: z.array(z.string()), bassin: z.enum(BASSIN_IDS), aliases: z.array(z.string()) })
  .strict();

export const communeSchema = z
  .object({
    nis,
    name: z.object({ fr: z.string(), nl: z.string() }).strict(),
    postalCodes: z.array(z.string().regex(/^1\d{3}$/)).min(1),
    bassins: z.array(z.enum(BASSIN_IDS)).min(1),
    aliases: z.array(z.string()),
    note: localText.optional(),
    districts: z.array(districtSchema).optional(),
  })
  .strict();
export type Commune = z.infer<typeof communeSchema>;

/** Weekly opening hours: day 1 = Monday … 7 = Sunday, in Europe/Brussels time. */
export const scheduleSchema = z
  .object({
    alwaysOpen: z.boolean().optional(),
    slots: z.array(z.object({ days: z.array(z.number().int().min(1).max(7)).min(1), open: time, close: time }).strict()).optional(),
    note: localText.optional(),
  })
  .strict();
export type Schedule = z.infer<typeof scheduleSchema>;

/** Eligibility is a hard filter; an absent key means "no condition". */
export const eligibilitySchema = z
  .object({
    ageMin: z.number().int().min(0).optional(),
    ageMax: z.number().int().max(120).optional(),
    sex: z.enum(['female', 'male']).optional(),
    pregnancy: z.boolean().optional(),
    insuranceRequired: z.boolean().optional(),
    acceptsUndocumented: z.boolean().optional(),
    undocumentedOnly: z.boolean().optional(),
    /** For children and teenagers (no published age bound): shown to a person known to be under 18, or to someone asking for their child. */
    minorsOnly: z.boolean().optional(),
    audience: z.array(z.enum(['resident', 'professional'])).optional(),
  })
  .strict();
export type Eligibility = z.infer<typeof eligibilitySchema>;

export const areaSchema = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('region') }).strict(),
  z.object({ scope: z.literal('bassin'), bassins: z.array(z.enum(BASSIN_IDS)).min(1) }).strict(),
  z.object({ scope: z.literal('commune'), communes: z.array(nis).min(1) }).strict(),
]);
export type Area = z.infer<typeof areaSchema>;

/** Field-level caveats from the sources: shown to users as "to verify". */
export const CAVEAT_FIELDS = ['phone', 'address', 'hours', 'email', 'cost', 'website'] as const;

export const serviceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a kebab-case id'),
    name: localText,
    organisation: z.string().optional(),
    description: localText,
    audience: localText,
    themes: z.array(z.enum(THEMES)).min(1),
    /** Situations this service answers, matched by a graph's `recommend` node (e.g. "no_roof"). */
    tags: z.array(z.string().regex(/^[a-z0-9_]+$/)).default([]),
    eligibility: eligibilitySchema.default({}),
    area: areaSchema,
    address: z.object({ street: z.string(), postalCode: z.string().regex(/^1\d{3}$/), commune: nis }).strict().optional(),
    phone: z.string().regex(/^[0-9 +/.]{3,20}$/, 'expected a phone number').optional(),
    email: z.string().email().optional(),
    website: url.optional(),
    hours: scheduleSchema.optional(),
    cost: localText.optional(),
    free: z.boolean().optional(),
    languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).optional(),
    accessConditions: localText.optional(),
    proContact: localText.optional(),
    caveats: z.partialRecord(z.enum(CAVEAT_FIELDS), z.enum(['dated', 'unverified'])).optional(),
    source: z.array(url).min(1),
    checkedAt: isoDate,
  })
  .strict();
export type Service = z.infer<typeof serviceSchema>;

const rendezvousStatus = z.enum(['confirmed', 'provisional', 'cancelled']);
/** Where a Rendez-vous takes place, beyond the place's name: a street address and how to get there. */
const rendezvousPlace = {
  place: localText,
  commune: nis,
  bassin: z.enum(BASSIN_IDS),
  address: z.object({ street: z.string().min(1), postalCode: z.string().regex(/^1\d{3}$/, 'expected a Brussels postal code') }).strict().optional(),
  /** How to get there (public transport, entrance). */
  access: localText.optional(),
  /** Languages spoken at the session, when the organisers say so. */
  languages: z.array(z.enum(LANGUAGES)).optional(),
  registration: z.object({ required: z.boolean(), contact: z.string().max(200).optional() }).strict().optional(),
};

/**
 * A Rendez-vous de la Prévention Santé on one date. Dates are never shown as confirmed unless status
 * is `confirmed`; a `cancelled` one is never offered (the calendar feed keeps it, marked cancelled).
 */
export const rendezvousSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a kebab-case id'),
    title: localText,
    themes: z.array(z.enum(THEMES)),
    ...rendezvousPlace,
    start: z.string().datetime({ offset: true }).nullable(),
    end: z.string().datetime({ offset: true }).nullable(),
    recurrence: localText.optional(),
    audience: localText,
    status: rendezvousStatus,
    source: z.array(url).min(1),
    checkedAt: isoDate,
  })
  .strict()
  .refine((r) => r.status !== 'confirmed' || r.start !== null, { message: 'a confirmed Rendez-vous needs a start', path: ['start'] })
  .refine((r) => !r.start || !r.end || r.end > r.start, { message: 'the end comes after the start', path: ['end'] });
export type Rendezvous = z.infer<typeof rendezvousSchema>;

/** "Every first Tuesday, 14:00–16:00, except school holidays" (expanded by calendar/recurrence). */
export const seriesRuleSchema = z
  .object({
    freq: z.enum(['weekly', 'monthly']),
    interval: z.number().int().min(1).max(52).optional(),
    weekday: z.number().int().min(1).max(7),
    setPos: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)]).optional(),
    startTime: time,
    endTime: time,
    from: isoDate,
    until: isoDate.optional(),
    exceptDates: z.array(isoDate).max(200).optional(),
    skipSchoolHolidays: z.boolean().optional(),
  })
  .strict()
  .refine((r) => r.freq !== 'monthly' || r.setPos !== undefined, { message: 'a monthly series says which week (first … last)', path: ['setPos'] })
  .refine((r) => r.endTime > r.startTime, { message: 'the end comes after the start', path: ['endTime'] })
  .refine((r) => !r.until || r.until >= r.from, { message: 'the last date comes after the first', path: ['until'] });
export type SeriesRule = z.infer<typeof seriesRuleSchema>;

export const seriesSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a kebab-case id'),
    title: localText,
    themes: z.array(z.enum(THEMES)).min(1),
    ...rendezvousPlace,
    audience: localText,
    rule: seriesRuleSchema,
    /** Sessions of the series called off one by one. */
    cancelledDates: z.array(isoDate).max(200).default([]),
    status: rendezvousStatus,
    source: z.array(url).min(1),
    checkedAt: isoDate,
  })
  .strict();
export type Series = z.infer<typeof seriesSchema>;

/** A period without sessions for series that skip school holidays (dates inclusive). */
export const closurePeriodSchema = z
  .object({
    from: isoDate,
    to: isoDate,
    /** Whose school holiday: the French-speaking (fwb) or the Dutch-speaking (vl) schools of Brussels. */
    community: z.enum(['fwb', 'vl']).optional(),
    label: z.object({ fr: z.string().max(100).optional(), nl: z.string().max(100).optional() }).strict().optional(),
  })
  .strict()
  .refine((p) => p.to >= p.from, { message: 'the last date comes after the first', path: ['to'] });
export type ClosurePeriod = z.infer<typeof closurePeriodSchema>;

/** A bassin's Helpdesk: who staff it and when (hours in Europe/Brussels). */
export const helpdeskSchema = z
  .object({
    bassin: z.enum(BASSIN_IDS),
    phone: z.string().optional(),
    email: z.string().email().optional(),
    hours: scheduleSchema.optional(),
    caveats: z.partialRecord(z.enum(CAVEAT_FIELDS), z.enum(['dated', 'unverified'])).optional(),
    source: z.array(url),
    checkedAt: isoDate,
  })
  .strict();
export type Helpdesk = z.infer<typeof helpdeskSchema>;
