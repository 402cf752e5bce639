/**
 * The Helpdesk console over HTTP, under /helpdesk: the page and its assets, the JSON API (sign-in,
 * queue, case view, take, write, close, availability, accounts and audit for admins) and the live
 * event stream (SSE). Bodies are small JSON validated with zod; ids are checked before any query.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { LANGUAGES, type Lang } from '../catalogue/schema';
import { SECURITY_HEADERS } from '../channels/directline/security-headers';
import { defaultWebDir } from '../channels/directline/web-routes';
import { defaultLocalesDir } from '../i18n/resources';
import type { Logger } from '../logging/logger';
import type { AuditRepository } from '../repositories/audit-repository';
import { OUTCOMES, type CaseRecord, type HandoffRepository } from '../repositories/handoff-repository';
import { ROLES, type StaffRepository } from '../repositories/staff-repository';
import { sendError } from '../server/errors';
import { rejectDeepJson } from '../server/json-depth';
import { type ActionResult, type CaseActions } from './case-actions';
import type { HelpdeskEvent, HelpdeskEvents, Presence } from './live-events';
import { hashPassword, passwordProblem, MAX_PASSWORD_LENGTH } from './passwords';
import type { CaseWords } from './situation-words';
import { caseReference, referencePrefix } from '../handoff/reference';
import { attemptLimiter, sameOrigin, type StaffAuth } from './staff-auth';

export interface ConsoleDeps {
  auth: StaffAuth;
  staff: StaffRepository;
  repo: HandoffRepository;
  audit: AuditRepository;
  actions: CaseActions;
  events: HelpdeskEvents;
  presence: Presence;
  bassins: Array<{ id: string }>;
  bassinName(id: string, lang: Lang): string;
  /** A case's reason, situation and services in words of the agent's language. */
  words?: CaseWords;
  log: Logger;
  /** Ends every open event stream (shutdown). */
  streams?: Set<Response>;
  /** The catalogue editing API (catalogue-routes), mounted under /api/catalogue for editors and admins. */
  catalogue?: Router;
}

const caseId = z.string().uuid();
const email = z.string().trim().toLowerCase().email().max(200);
const signInBody = z.object({ email, password: z.string().min(1).max(MAX_PASSWORD_LENGTH) }).strict();
const messageBody = z.object({ text: z.string().trim().min(1).max(2000) }).strict();
const closeBody = z.object({ outcome: z.enum(OUTCOMES) }).strict();
const availabilityBody = z.object({ available: z.boolean() }).strict();
const queueQuery = z
  .object({
    view: z.enum(['new', 'mine', 'all']).default('new'),
    bassin: z.string().regex(/^[a-z-]{2,30}$/).optional(),
    // A case reference as the person reads it out ("3F9A-12C4"), any case and spacing.
    ref: z.string().max(20).refine((v) => referencePrefix(v) !== undefined).optional(),
    lang: z.enum(LANGUAGES).optional(),
  })
  .strict();
const noteBody = z.object({ text: z.string().trim().max(2000) }).strict();

/** A case as the queue lists it: no transcript, no contact; its reference, and (`words`) its line in words. */
function summary(c: CaseRecord, words?: ReturnType<CaseWords['headline']>) {
  return { id: c._id, reference: caseReference(c._id), mode: c.mode, status: c.status, reason: c.reason, language: c.language, journey: c.situation.journey ?? null, bassin: c.situation.bassin ?? null, assigneeName: c.assigneeName ?? null, createdAt: c.createdAt, updatedAt: c.updatedAt, ...(words ? { words } : {}) };
}

function reply<T>(res: Response, r: ActionResult<T>, body: (v: T) => unknown = () => ({ ok: true })): void {
  if (r.ok) res.json(body(r.value));
  else sendError(res, r.status, r.code, r.code.replace(/_/g, ' '));
}

function staticFile(file: string, type: string) {
  const body = fs.readFileSync(file);
  return (_req: Request, res: Response) => {
    res.set(SECURITY_HEADERS).set({ 'Content-Type': type, 'Cache-Control': 'no-cache' }).send(body);
  };
}

export function consoleRoutes(d: ConsoleDeps): Router {
  const web = path.join(defaultWebDir(), 'helpdesk');
  const localesDir = defaultLocalesDir();
  // A Map: a name such as "constructor" or "__proto__" is no language (a plain object would answer it).
  const strings = new Map(LANGUAGES.map((l) => [l as string, fs.readFileSync(path.join(localesDir, l, 'console.json'))]));
  // Per address: a whole office may share one address, so this is a brake on scripts; the per-account lock-out is the wall.
  const limiter = attemptLimiter(30, 60_000);
  const streams = d.streams ?? new Set<Response>();
  const router = express.Router();

  router.get('/', staticFile(path.join(web, 'index.html'), 'text/html; charset=utf-8'));
  router.get('/console.js', staticFile(path.join(web, 'console.js'), 'text/javascript; charset=utf-8'));
  router.get('/catalogue.js', staticFile(path.join(web, 'catalogue.js'), 'text/javascript; charset=utf-8'));
  router.get('/console.css', staticFile(path.join(web, 'console.css'), 'text/css; charset=utf-8'));
  router.get('/strings/:lang', (req, res) => {
    const lang = String(req.params.lang).replace(/\.json$/, '');
    const body = strings.get(lang);
    if (!body) return sendError(res, 404, 'not_found', 'No such language.');
    res.set(SECURITY_HEADERS).set({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache' }).send(body);
  });

  const api = express.Router();
  api.use((_req, res, next) => {
    res.set(SECURITY_HEADERS).set('Cache-Control', 'no-store');
    next();
  });
  api.use(sameOrigin);
  // A catalogue entry carries its texts in seven languages: a larger body there, and only there.
  api.use('/catalogue', express.json({ limit: '96kb', strict: true }));
  api.use(express.json({ limit: '16kb', strict: true }), rejectDeepJson());

  api.post('/session', async (req, res) => {
    if (!limiter(req.ip ?? 'unknown')) return sendError(res, 429, 'too_many_attempts', 'Too many attempts. Wait a minute.');
    const body = signInBody.safeParse(req.body);
    if (!body.success) return sendError(res, 400, 'invalid_body', 'E-mail and password are required.');
    const r = await d.auth.signIn(body.data.email, body.data.password);
    // One answer for every refusal (a locked account too): it must not tell which e-mails exist.
    if (!r.ok) return sendError(res, 401, r.code, 'Wrong e-mail or password.');
    d.auth.setCookie(res, r.signed.token);
    const a = r.signed.account;
    res.json({ name: a.name, email: a.email, role: a.role, bassins: a.bassins, csrf: r.signed.session.csrf });
  });

  api.use(d.auth.required(), d.auth.csrf());

  api.get('/me', (req, res) => {
    const { account: a, session } = req.staff!;
    res.json({ name: a.name, email: a.email, role: a.role, bassins: a.bassins, csrf: session.csrf, available: d.presence.isAvailable(a._id) });
  });

  api.post('/session/end', async (req, res) => {
    await d.auth.signOut(req, res);
    res.json({ ok: true });
  });

  api.get('/meta', (req, res) => {
    const lang = (LANGUAGES as readonly string[]).includes(String(req.query.lang)) ? (String(req.query.lang) as Lang) : 'fr';
    res.json({ bassins: d.bassins.map((b) => ({ id: b.id, name: d.bassinName(b.id, lang) })), outcomes: OUTCOMES });
  });

  // Cases are health data about people: for agents and admins, not for catalogue editors.
  const agents = d.auth.role('agent', 'admin');
  for (const p of ['/availability', '/cases', '/events']) api.use(p, agents);
  if (d.catalogue) api.use('/catalogue', d.auth.role('editor', 'admin'), d.catalogue);

  api.post('/availability', async (req, res) => {
    const body = availabilityBody.safeParse(req.body);
    if (!body.success) return sendError(res, 400, 'invalid_body', 'Expected { available: boolean }.');
    d.presence.setAvailable(req.staff!.account._id, body.data.available);
    await d.audit.record({ actor: req.staff!.account._id, action: body.data.available ? 'available' : 'unavailable' });
    res.json({ available: d.presence.isAvailable(req.staff!.account._id) });
  });

  api.get('/cases', async (req, res) => {
    const q = queueQuery.safeParse(req.query);
    if (!q.success) return sendError(res, 400, 'invalid_query', 'view is new, mine or all; bassin is a bassin id; ref is a case reference (8 hex digits); lang a console language.');
    const a = req.staff!.account;
    const lang = q.data.lang ?? 'fr';
    const cases = await d.repo.queue({ view: q.data.view, agentId: a._id, bassins: a.role === 'admin' ? [] : a.bassins, bassin: q.data.bassin, ...(q.data.ref ? { idPrefix: referencePrefix(q.data.ref) } : {}) });
    res.json({ cases: cases.map((c) => summary(c, d.words?.headline(c, lang))) });
  });

  const withCase = (req: Request, res: Response): string | undefined => {
    const id = caseId.safeParse(req.params.id);
    if (!id.success) {
      sendError(res, 404, 'case_not_found', 'No such case.');
      return undefined;
    }
    return id.data;
  };

  api.get('/cases/:id', async (req, res) => {
    const id = withCase(req, res);
    if (!id) return;
    const lang = (LANGUAGES as readonly string[]).includes(String(req.query.lang)) ? (String(req.query.lang) as Lang) : 'fr';
    const view = await d.actions.view(req.staff!.account, id);
    const words = view.ok && d.words ? await d.words.situation(view.value.case, lang).catch(() => undefined) : undefined;
    const headline = view.ok ? d.words?.headline(view.value.case, lang) : undefined;
    reply(res, view, (v) => ({ case: { ...v.case, reference: caseReference(v.case._id) }, ...(words ? { words } : {}), ...(headline ? { headline } : {}), messages: v.messages.map((m) => ({ id: m._id, from: m.from, text: m.text, name: m.name, alarm: m.alarm, at: m.at })) }));
  });

  api.post('/cases/:id/take', async (req, res) => {
    const id = withCase(req, res);
    if (id) reply(res, await d.actions.take(req.staff!.account, id));
  });

  api.post('/cases/:id/messages', async (req, res) => {
    const id = withCase(req, res);
    if (!id) return;
    const body = messageBody.safeParse(req.body);
    if (!body.success) return sendError(res, 400, 'invalid_body', 'Expected { text } of 1 to 2000 characters.');
    reply(res, await d.actions.write(req.staff!.account, id, body.data.text), (m) => ({ id: m._id, at: m.at }));
  });

  api.post('/cases/:id/note', async (req, res) => {
    const id = withCase(req, res);
    if (!id) return;
    const body = noteBody.safeParse(req.body);
    if (!body.success) return sendError(res, 400, 'invalid_body', 'Expected { text } of at most 2000 characters.');
    reply(res, await d.actions.note(req.staff!.account, id, body.data.text), (n) => ({ note: { text: n.text, name: n.name, at: n.at } }));
  });

  api.post('/cases/:id/close', async (req, res) => {
    const id = withCase(req, res);
    if (!id) return;
    const body = closeBody.safeParse(req.body);
    if (!body.success) return sendError(res, 400, 'invalid_body', `Expected { outcome } among ${OUTCOMES.join(', ')}.`);
    reply(res, await d.actions.close(req.staff!.account, id, body.data.outcome));
  });

  // Live updates: the cases and messages this person may see. Opening the stream is being present.
  api.get('/events', (req, res) => {
    const a = req.staff!.account;
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 3000\n\n');
    const leave = d.presence.join({ id: a._id, bassins: a.role === 'admin' ? [] : a.bassins });
    const visible = (e: HelpdeskEvent) => a.role === 'admin' || a.bassins.length === 0 || !e.bassin || a.bassins.includes(e.bassin);
    const unsubscribe = d.events.subscribe((e) => {
      if (visible(e)) res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    });
    const beat = setInterval(() => res.write(': keep-alive\n\n'), 20_000);
    streams.add(res);
    const done = () => {
      clearInterval(beat);
      unsubscribe();
      leave();
      streams.delete(res);
    };
    req.on('close', done);
  });

  const newAccount = z
    .object({ email, name: z.string().trim().min(1).max(60), role: z.enum(ROLES), bassins: z.array(z.string().regex(/^[a-z-]{2,30}$/)).max(10).default([]), password: z.string().max(MAX_PASSWORD_LENGTH) })
    .strict();

  api.get('/accounts', d.auth.role('admin'), async (_req, res) => {
    res.json({ accounts: (await d.staff.list()).map((a) => ({ id: a._id, email: a.email, name: a.name, role: a.role, bassins: a.bassins, locked: Boolean(a.lockedUntil && a.lockedUntil > new Date()) })) });
  });

  api.post('/accounts', d.auth.role('admin'), async (req, res) => {
    const body = newAccount.safeParse(req.body);
    if (!body.success) return sendError(res, 400, 'invalid_body', 'Expected { email, name, role, bassins, password }.');
    const known = new Set(d.bassins.map((b) => b.id));
    if (!body.data.bassins.every((b) => known.has(b))) return sendError(res, 400, 'unknown_bassin', 'Unknown bassin.');
    const problem = passwordProblem(body.data.password);
    if (problem) return sendError(res, 400, `password_${problem}`, 'The password must have at least 12 characters.');
    if (await d.staff.byEmail(body.data.email)) return sendError(res, 409, 'email_taken', 'An account with this e-mail exists.');
    const created = await d.staff.create({ email: body.data.email, name: body.data.name, role: body.data.role, bassins: body.data.bassins, passwordHash: await hashPassword(body.data.password) });
    await d.audit.record({ actor: req.staff!.account._id, action: 'account_created', detail: { account: created._id, role: created.role } });
    res.status(201).json({ id: created._id });
  });

  api.get('/audit', d.auth.role('admin'), async (req, res) => {
    const id = typeof req.query.case === 'string' ? caseId.safeParse(req.query.case) : undefined;
    if (id && !id.success) return sendError(res, 400, 'invalid_query', 'case must be a case id.');
    // Read by a person: who by name, the case by its reference (the ids stay for tools).
    const [entries, accounts] = await Promise.all([d.audit.recent(200, id?.data), d.staff.list()]);
    const names = new Map(accounts.map((a) => [a._id, a.name]));
    res.json({ entries: entries.map((e) => ({ ...e, actorName: names.get(e.actor) ?? null, ...(e.caseId ? { reference: caseReference(e.caseId) } : {}) })) });
  });

  router.use('/api', api);
  return router;
}

