/**
 * The catalogue editing API of the staff console (docs/catalogue-api.md), mounted by console-routes
 * under /helpdesk/api/catalogue behind sign-in, CSRF and the editor/admin role. Every write is
 * validated by the schema `catalogue:import` uses; a refusal names each field and why, in the
 * editor's language. Editors limited to bassins write only entries of those bassins.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { allSessions, SESSION_HORIZON_DAYS } from '../catalogue/rendezvous';
import { closurePeriodSchema, LANGUAGES, THEMES, type Bassin, type BassinId, type Commune, type Lang, type Rendezvous, type Series, type Service } from '../catalogue/schema';
import { isStale, STALE_AFTER_MONTHS } from '../bot/render/service-card';
import { defaultLocalesDir } from '../i18n/resources';
import { pickText, type Translate } from '../i18n/i18n';
import type { CatalogueRepository } from '../repositories/catalogue-repository';
import { changesBetween, ENTRY_KINDS, entryOf, KIND_SCHEMA, type Actor, type CatalogueEditing, type Entry, type EntryKind, type StoredEntry, type WriteResult } from '../repositories/catalogue-editing';
import type { StaffAccount } from '../repositories/staff-repository';
import { sendError } from '../server/errors';

type ZodIssue = z.core.$ZodIssue;

export interface CatalogueRouteDeps {
  editing: CatalogueEditing;
  catalogue: Pick<CatalogueRepository, 'schoolHolidays' | 'setSchoolHolidays' | 'touch'>;
  communes: Commune[];
  bassins: Bassin[];
  bassinsOf(nis: string): BassinId[];
  t: Translate;
  /** What the bot would show for a draft: the reply text and its cards, in a language. */
  preview(kind: EntryKind, entry: Entry, lang: Lang): Promise<{ text: string; cards: unknown[] }>;
  /** Tags the journeys use (labels come from the console strings). */
  tags: string[];
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,120}$/);
const revision = z.number().int().min(0).max(1_000_000);
const revisionBody = z.object({ revision }).strict();
const dateBody = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), revision }).strict();
const listQuery = z
  .object({
    q: z.string().max(100).optional(),
    theme: z.enum(THEMES).optional(),
    bassin: z.string().regex(/^[a-z-]{2,30}$/).optional(),
    commune: z.string().regex(/^\d{5}$/).optional(),
    language: z.string().regex(/^[a-z]{2,3}$/).optional(),
    tag: z.string().regex(/^[a-z0-9_]{1,40}$/).optional(),
    stale: z.enum(['true', 'false']).optional(),
    archived: z.enum(['true', 'false']).optional(),
    lang: z.enum(LANGUAGES).optional(),
  })
  .strict();
const closuresBody = z.object({ periods: z.array(closurePeriodSchema).max(200), source: z.array(z.string().regex(/^https?:\/\/\S+$/)).max(20) }).strict();

/** Accents and case do not matter in a search ("Etterbeek" finds "etterbéek"). */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** A zod refusal as field codes the console strings explain ("phone" → invalid_phone). */
export function fieldCode(issue: ZodIssue): string {
  const last = String(issue.path[issue.path.length - 1] ?? '');
  const parent = String(issue.path[issue.path.length - 2] ?? '');
  if (issue.code === 'unrecognized_keys') return 'unknown_field';
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 'required';
  if (issue.code === 'custom') {
    if (/confirmed Rendez-vous needs a start/.test(issue.message)) return 'confirmed_needs_start';
    if (/end comes after the start/.test(issue.message)) return 'end_before_start';
    if (/last date comes after the first/.test(issue.message)) return 'until_before_from';
    if (/which week/.test(issue.message)) return 'set_pos_required';
  }
  if (issue.code === 'too_small') return (issue.origin === 'string' || issue.origin === 'array') && Number(issue.minimum) <= 1 ? 'required' : 'too_short';
  if (last === 'phone') return 'invalid_phone';
  if (last === 'email') return 'invalid_email';
  if (last === 'website' || parent === 'source' || last === 'source') return 'invalid_url';
  if (['checkedAt', 'from', 'until', 'to'].includes(last) || parent === 'exceptDates' || parent === 'cancelledDates') return 'invalid_date';
  if (['open', 'close', 'startTime', 'endTime'].includes(last)) return 'invalid_time';
  if (last === 'postalCode') return 'invalid_postal_code';
  if (last === 'commune' || parent === 'communes') return 'invalid_nis';
  if (last === 'id') return 'invalid_id';
  if (issue.code === 'too_big' && issue.origin === 'number' && last === 'interval') return 'interval_out_of_range';
  return 'invalid_value';
}

export function catalogueRoutes(d: CatalogueRouteDeps): Router {
  const now = d.now ?? (() => new Date());
  const localesDir = defaultLocalesDir();
  const consoleStrings = new Map<string, Record<string, unknown>>(LANGUAGES.map((l) => [l, JSON.parse(fs.readFileSync(path.join(localesDir, l, 'console.json'), 'utf8')) as Record<string, unknown>]));
  const say = (lang: Lang, key: string): string | undefined => {
    const v = key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), consoleStrings.get(lang));
    return typeof v === 'string' ? v : undefined;
  };
  const communeByNis = new Map(d.communes.map((c) => [c.nis, c]));
  const bassinIds = new Set(d.bassins.map((b) => b.id));
  const router = express.Router();

  const langOf = (req: Request): Lang => ((LANGUAGES as readonly string[]).includes(String(req.query.lang)) ? (String(req.query.lang) as Lang) : 'fr');
  const actorOf = (req: Request): Actor => ({ id: req.staff!.account._id, name: req.staff!.account.name });

  /** The bassins an entry belongs to; `region` for a service of the whole Region. */
  const bassinsOfEntry = (kind: EntryKind, e: Entry): BassinId[] | 'region' => {
    if (kind !== 'service') return [(e as Rendezvous | Series).bassin];
    const s = e as Service;
    if (s.area.scope === 'region') return 'region';
    const out = new Set<BassinId>(s.area.scope === 'bassin' ? s.area.bassins : s.area.communes.flatMap((c) => d.bassinsOf(c)));
    if (s.address) for (const b of d.bassinsOf(s.address.commune)) out.add(b);
    return [...out];
  };
  /** An editor limited to bassins writes only entries lying in them (never region-wide ones). */
  const mayWrite = (a: StaffAccount, kind: EntryKind, e: Entry): boolean => {
    if (a.role === 'admin' || a.bassins.length === 0) return true;
    const of = bassinsOfEntry(kind, e);
    return of !== 'region' && of.length > 0 && of.every((b) => a.bassins.includes(b));
  };

  /** Validation by the import's schema, plus what only the whole catalogue can tell. */
  const validate = (kind: EntryKind, body: unknown, lang: Lang): { ok: true; entry: Entry } | { ok: false; fields: Array<{ path: string; code: string; message: string }> } => {
    const parsed = KIND_SCHEMA[kind].safeParse(body);
    const issues: Array<{ path: string; code: string }> = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: fieldCode(i) }));
    if (parsed.success) {
      const e = parsed.data as Entry;
      const known = (nis: string) => communeByNis.has(nis);
      if (kind === 'service') {
        const s = e as Service;
        if (s.address && !known(s.address.commune)) issues.push({ path: 'address.commune', code: 'invalid_nis' });
        if (s.area.scope === 'commune') s.area.communes.forEach((c, i) => !known(c) && issues.push({ path: `area.communes.${i}`, code: 'invalid_nis' }));
      } else {
        const r = e as Rendezvous | Series;
        if (!known(r.commune)) issues.push({ path: 'commune', code: 'invalid_nis' });
        else if (!d.bassinsOf(r.commune).includes(r.bassin)) issues.push({ path: 'bassin', code: 'invalid_value' });
      }
      if (!issues.length) return { ok: true, entry: e };
    }
    return { ok: false, fields: issues.map((i) => ({ ...i, message: say(lang, `catalogue.field_errors.${i.code}`) ?? i.code.replace(/_/g, ' ') })) };
  };

  const refuse = (res: Response, fields: Array<{ path: string; code: string; message: string }>) => res.status(400).json({ error: { code: 'invalid_entry', message: 'Some fields are not valid.', fields } });
  const answer = (res: Response, r: WriteResult, status = 200, extra: Record<string, unknown> = {}) => (r.ok ? res.status(status).json({ revision: r.revision, ...extra }) : sendError(res, r.status, r.code, r.code.replace(/_/g, ' ')));

  const metaOf = (doc: StoredEntry) => ({
    revision: doc._meta?.revision ?? 1,
    archived: Boolean(doc._meta?.archived),
    origin: doc._meta?.origin ?? 'import',
    checkedAt: (doc as { checkedAt: string }).checkedAt,
    checkedBy: doc._meta?.checkedBy ?? null,
    editedAt: doc._meta?.editedAt ?? null,
    editedBy: doc._meta?.editedBy ?? null,
    stale: isStale((doc as { checkedAt: string }).checkedAt, now()),
  });

  router.get('/meta', (req, res) => {
    const lang = langOf(req);
    res.json({
      themes: THEMES.map((th) => ({ id: th, label: d.t(lang, `facts.theme.options.${th}`) })),
      tags: d.tags.map((tag) => ({ id: tag, label: say(lang, `catalogue.tags.${tag}`) ?? tag })),
      communes: d.communes.map((c) => ({ nis: c.nis, name: lang === 'nl' ? c.name.nl : c.name.fr, bassins: c.bassins })),
      bassins: d.bassins.map((b) => ({ id: b.id, name: pickText(b.name as Parameters<typeof pickText>[0], lang)?.text ?? b.id })),
      languages: LANGUAGES,
      staleAfterMonths: STALE_AFTER_MONTHS,
    });
  });

  router.get('/services', async (req, res) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) return sendError(res, 400, 'invalid_query', 'Unknown filter or value.');
    const f = q.data;
    const lang = f.lang ?? 'fr';
    const words = f.q ? fold(f.q).split(/\s+/).filter(Boolean) : [];
    const out = (await d.editing.list('service'))
      .map((doc) => ({ doc, s: entryOf(doc) as Service, meta: metaOf(doc) }))
      .filter(({ s, meta }) => {
        if (meta.archived !== (f.archived === 'true')) return false;
        if (f.theme && !s.themes.includes(f.theme)) return false;
        if (f.tag && !s.tags.includes(f.tag)) return false;
        if (f.language && !s.languages?.includes(f.language)) return false;
        if (f.stale === 'true' && !meta.stale) return false;
        const of = bassinsOfEntry('service', s);
        if (f.bassin && of !== 'region' && !of.includes(f.bassin as BassinId)) return false;
        if (f.commune && s.address?.commune !== f.commune && !(s.area.scope === 'commune' && s.area.communes.includes(f.commune))) return false;
        if (words.length) {
          const hay = fold([s.id, s.organisation ?? '', ...Object.values(s.name), ...Object.values(s.description)].join(' '));
          if (!words.every((w) => hay.includes(w))) return false;
        }
        return true;
      })
      .map(({ s, meta }) => {
        const of = bassinsOfEntry('service', s);
        return { id: s.id, name: pickText(s.name, lang)?.text ?? s.name.fr, themes: s.themes, tags: s.tags, bassins: of === 'region' ? [] : of, region: of === 'region', commune: s.address?.commune ?? null, languages: s.languages ?? [], ...meta };
      })
      .sort((a, b) => a.name.localeCompare(b.name, lang));
    res.json({ services: out });
  });

  const getOne = (kind: EntryKind) => async (req: Request, res: Response) => {
    const key = id.safeParse(req.params.id);
    const doc = key.success ? await d.editing.get(kind, key.data) : undefined;
    if (!doc) return sendError(res, 404, 'not_found', 'No such entry.');
    res.json({ [kind]: entryOf(doc), meta: metaOf(doc) });
  };

  const create = (kind: EntryKind) => async (req: Request, res: Response) => {
    const body = req.body as Record<string, unknown> | undefined;
    const v = validate(kind, body?.[kind], langOf(req));
    if (!v.ok) return refuse(res, v.fields);
    if (!mayWrite(req.staff!.account, kind, v.entry)) return sendError(res, 403, 'outside_bassins', 'This entry is outside your bassins.');
    const r = await d.editing.create(kind, v.entry, actorOf(req));
    answer(res, r, 201, { id: v.entry.id });
  };

  const update = (kind: EntryKind) => async (req: Request, res: Response) => {
    const key = id.safeParse(req.params.id);
    if (!key.success) return sendError(res, 404, 'not_found', 'No such entry.');
    const body = req.body as Record<string, unknown> | undefined;
    const rev = revision.safeParse(body?.revision);
    if (!rev.success) return sendError(res, 400, 'invalid_body', 'Expected { revision } read with the entry.');
    const v = validate(kind, body?.[kind], langOf(req));
    if (!v.ok) return refuse(res, v.fields);
    if (v.entry.id !== key.data) return refuse(res, [{ path: 'id', code: 'invalid_id', message: say(langOf(req), 'catalogue.field_errors.invalid_id') ?? 'invalid id' }]);
    const current = await d.editing.get(kind, key.data);
    if (!current) return sendError(res, 404, 'not_found', 'No such entry.');
    if (!mayWrite(req.staff!.account, kind, entryOf(current)) || !mayWrite(req.staff!.account, kind, v.entry)) return sendError(res, 403, 'outside_bassins', 'This entry is outside your bassins.');
    answer(res, await d.editing.update(kind, v.entry, rev.data, actorOf(req)));
  };

  /** archive, restore, check, cancel, uncancel: a small change to an existing entry. */
  const action = (kind: EntryKind, run: (current: StoredEntry, rev: number, actor: Actor, req: Request) => Promise<WriteResult & Record<string, unknown>>, schema: z.ZodType<{ revision: number }> = revisionBody) => async (req: Request, res: Response) => {
    const key = id.safeParse(req.params.id);
    if (!key.success) return sendError(res, 404, 'not_found', 'No such entry.');
    const body = schema.safeParse(req.body);
    if (!body.success) return sendError(res, 400, 'invalid_body', 'Expected { revision } (and { date } to cancel a session).');
    const current = await d.editing.get(kind, key.data);
    if (!current) return sendError(res, 404, 'not_found', 'No such entry.');
    if (!mayWrite(req.staff!.account, kind, entryOf(current))) return sendError(res, 403, 'outside_bassins', 'This entry is outside your bassins.');
    const r = await run(current, body.data.revision, actorOf(req), req);
    const { ok: _ok, ...rest } = r as Record<string, unknown>;
    answer(res, r, 200, r.ok ? rest : {});
  };

  for (const kind of ENTRY_KINDS) {
    const base = kind === 'service' ? '/services' : `/${kind}`;
    router.get(`${base}/:id`, getOne(kind));
    router.post(base, create(kind));
    router.put(`${base}/:id`, update(kind));
    router.post(`${base}/:id/archive`, action(kind, (c, rev, a) => d.editing.setArchived(kind, c._id, true, rev, a)));
    router.post(`${base}/:id/restore`, action(kind, (c, rev, a) => d.editing.setArchived(kind, c._id, false, rev, a)));
    router.post(`${base}/:id/check`, action(kind, async (c, rev, a) => {
      const r = await d.editing.markChecked(kind, c._id, rev, a);
      return r.ok ? { ...r, checkedBy: a.name } : r;
    }));
  }

  const cancelSession = (cancel: boolean) =>
    action(
      'series',
      async (current, rev, actor, req) => {
        const date = (req.body as { date: string }).date;
        const s = entryOf(current) as Series;
        const dates = new Set(s.cancelledDates);
        if (cancel) dates.add(date);
        else dates.delete(date);
        return d.editing.update('series', { ...s, cancelledDates: [...dates].sort() }, rev, actor, cancel ? 'cancel' : 'uncancel');
      },
      dateBody,
    );
  router.post('/series/:id/cancel', cancelSession(true));
  router.post('/series/:id/uncancel', cancelSession(false));

  router.get('/rendezvous', async (req, res) => {
    const bassin = typeof req.query.bassin === 'string' && bassinIds.has(req.query.bassin as BassinId) ? (req.query.bassin as BassinId) : undefined;
    if (req.query.bassin !== undefined && !bassin) return sendError(res, 400, 'invalid_query', 'bassin is a bassin id.');
    const lang = langOf(req);
    const inBassin = <T extends { bassin: string }>(x: T) => !bassin || x.bassin === bassin;
    const [oneOffs, series, holidays] = await Promise.all([d.editing.list('rendezvous'), d.editing.list('series'), d.catalogue.schoolHolidays()]);
    const live = <T,>(docs: StoredEntry[]) => docs.filter((x) => !x._meta?.archived).map((x) => ({ ...(entryOf(x) as T), revision: x._meta?.revision ?? 1 }));
    const t0 = now().getTime();
    const sessions = allSessions(live<Rendezvous>(oneOffs).filter(inBassin), live<Series>(series).filter(inBassin), holidays.periods, { after: new Date(t0 - DAY_MS), before: new Date(t0 + SESSION_HORIZON_DAYS * DAY_MS) })
      .filter((s) => s.start)
      .slice(0, 20)
      .map((s) => ({ id: s.id, seriesId: s.series ?? null, start: s.start, end: s.end, status: s.status, title: pickText(s.title, lang)?.text, place: pickText(s.place, lang)?.text, bassin: s.bassin }));
    res.json({
      rendezvous: oneOffs.filter((x) => inBassin(x as unknown as Rendezvous)).map((x) => ({ ...entryOf(x), meta: metaOf(x) })),
      series: series.filter((x) => inBassin(x as unknown as Series)).map((x) => ({ ...entryOf(x), meta: metaOf(x) })),
      sessions,
    });
  });

  router.get('/history', async (req, res) => {
    const kind = z.enum(ENTRY_KINDS).safeParse(req.query.kind);
    const key = id.safeParse(req.query.id);
    if (!kind.success || !key.success) return sendError(res, 400, 'invalid_query', 'Expected kind (service, rendezvous, series) and id.');
    const entries = await d.editing.historyOf(kind.data, key.data);
    res.json({
      entries: entries.map((h) => ({
        id: h._id,
        at: h.at,
        by: h.byName,
        action: h.action,
        revision: h.revision,
        changes: [...changesBetween(h.before, h.after), ...(h.archivedBefore !== h.archivedAfter ? [{ path: 'archived', before: h.archivedBefore, after: h.archivedAfter }] : [])],
      })),
    });
  });

  router.post('/history/:entryId/revert', async (req, res) => {
    const entryId = z.string().max(300).regex(/^(service|rendezvous|series)\|[a-z0-9-]+\|\d+(\|import-\d+)?$/).safeParse(req.params.entryId);
    const body = revisionBody.safeParse(req.body);
    if (!entryId.success) return sendError(res, 404, 'not_found', 'No such change.');
    if (!body.success) return sendError(res, 400, 'invalid_body', 'Expected { revision } of the entry.');
    const [kind, key] = entryId.data.split('|') as [EntryKind, string];
    const current = await d.editing.get(kind, key);
    if (!current) return sendError(res, 404, 'not_found', 'No such entry.');
    if (!mayWrite(req.staff!.account, kind, entryOf(current))) return sendError(res, 403, 'outside_bassins', 'This entry is outside your bassins.');
    answer(res, await d.editing.revert(entryId.data, body.data.revision, actorOf(req)));
  });

  router.post('/preview', async (req, res) => {
    const body = z.object({ kind: z.enum(ENTRY_KINDS), entry: z.unknown(), lang: z.enum(LANGUAGES) }).strict().safeParse(req.body);
    if (!body.success) return sendError(res, 400, 'invalid_body', 'Expected { kind, entry, lang }.');
    const v = validate(body.data.kind, body.data.entry, langOf(req));
    if (!v.ok) return refuse(res, v.fields);
    res.json(await d.preview(body.data.kind, v.entry, body.data.lang));
  });

  router.get('/closures', async (_req, res) => {
    const h = await d.catalogue.schoolHolidays();
    res.json({ periods: h.periods, source: h.source });
  });

  router.put('/closures', async (req, res) => {
    const a = req.staff!.account;
    if (a.role !== 'admin' && a.bassins.length) return sendError(res, 403, 'outside_bassins', 'School holidays are shared by every bassin.');
    const body = closuresBody.safeParse(req.body);
    if (!body.success) return refuse(res, body.error.issues.map((i) => ({ path: i.path.join('.'), code: fieldCode(i), message: say(langOf(req), `catalogue.field_errors.${fieldCode(i)}`) ?? fieldCode(i) })));
    await d.catalogue.setSchoolHolidays({ ...body.data, staffEdited: true });
    await d.catalogue.touch();
    res.json({ ok: true });
  });

  return router;
}
