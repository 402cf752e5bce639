/**
 * The Rendez-vous as iCalendar (RFC 5545), for anyone to subscribe to or download:
 * - `GET /calendar/<bassin>.ics` — the bassin's confirmed and cancelled sessions (a month back, a
 *   year and a bit ahead), so that a calendar which imported a session sees it cancelled or moved;
 * - `GET /calendar/session/<id>.ics` — one confirmed session, behind "add to my calendar".
 * `?lang=` picks the language of titles and places (French by default). Provisional sessions are
 * never in a calendar: they have no confirmed date.
 */
import express, { type Router } from 'express';
import { icsCalendar, icsEvent, type CalendarEvent } from '../calendar/ical';
import { SESSION_HORIZON_DAYS, type Session } from '../catalogue/rendezvous';
import { BASSIN_IDS, LANGUAGES, type Lang } from '../catalogue/schema';
import { pickText, type Translate } from '../i18n/i18n';
import { SECURITY_HEADERS } from '../channels/directline/security-headers';
import { sendError } from './errors';

export interface CalendarRouteDeps {
  sessions(bassin: string, window: { after: Date; before: Date }): Promise<Session[]>;
  session(id: string, window: { after: Date; before: Date }): Promise<Session | undefined>;
  t: Translate;
  communeName(nis: string, lang: Lang): string | undefined;
  bassinName(bassin: string, lang: Lang): string;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const FEED_PAST_DAYS = 31;

export function calendarRoutes(d: CalendarRouteDeps): Router {
  const now = d.now ?? (() => new Date());
  const router = express.Router();
  const window = () => ({ after: new Date(now().getTime() - FEED_PAST_DAYS * DAY_MS), before: new Date(now().getTime() + SESSION_HORIZON_DAYS * DAY_MS) });
  const langOf = (v: unknown): Lang => ((LANGUAGES as readonly string[]).includes(String(v)) ? (String(v) as Lang) : 'fr');

  const eventOf = (s: Session, lang: Lang): CalendarEvent => ({
    uid: `${s.id}@boussole`,
    sequence: s.revision,
    status: s.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    start: new Date(s.start as string),
    end: new Date((s.end ?? s.start) as string),
    summary: pickText(s.title, lang)?.text ?? s.title.fr,
    location: [pickText(s.place, lang)?.text, s.address ? `${s.address.street}, ${s.address.postalCode}` : undefined, d.communeName(s.commune, lang)].filter(Boolean).join(', '),
    description: [pickText(s.audience, lang)?.text, s.access ? `${d.t(lang, 'rendezvous.access')}: ${pickText(s.access, lang)?.text}` : undefined, s.registration ? (s.registration.required ? (s.registration.contact ? d.t(lang, 'rendezvous.registration_with', { contact: s.registration.contact }) : d.t(lang, 'rendezvous.registration_required')) : d.t(lang, 'rendezvous.registration_none')) : undefined]
      .filter(Boolean)
      .join('\n'),
    ...(s.source[0] ? { url: s.source[0] } : {}),
  });

  const send = (res: express.Response, body: string, filename: string) =>
    res
      .set(SECURITY_HEADERS)
      .set({ 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': `inline; filename="${filename}"`, 'Cache-Control': 'public, max-age=300' })
      .send(body);

  router.get('/calendar/session/:file', async (req, res) => {
    const m = /^([a-z0-9][a-z0-9-]{0,160})\.ics$/.exec(String(req.params.file));
    const s = m ? await d.session(m[1], window()) : undefined;
    if (!s || !s.start || s.status !== 'confirmed') return sendError(res, 404, 'not_found', 'No such confirmed session.');
    const lang = langOf(req.query.lang);
    send(res, icsEvent({ name: pickText(s.title, lang)?.text ?? s.title.fr, event: eventOf(s, lang), now: now() }), `${s.id}.ics`);
  });

  router.get('/calendar/:file', async (req, res) => {
    const m = /^([a-z-]{2,30})\.ics$/.exec(String(req.params.file));
    const bassin = m && (BASSIN_IDS as readonly string[]).includes(m[1]) ? m[1] : undefined;
    if (!bassin) return sendError(res, 404, 'not_found', `No such calendar: one of ${BASSIN_IDS.map((b) => `${b}.ics`).join(', ')}.`);
    const lang = langOf(req.query.lang);
    const events = (await d.sessions(bassin, window())).filter((s) => s.start && (s.status === 'confirmed' || s.status === 'cancelled')).map((s) => eventOf(s, lang));
    send(res, icsCalendar({ name: `Rendez-vous de la Prévention Santé · ${d.bassinName(bassin, lang)}`, events, now: now() }), `${bassin}.ics`);
  });

  return router;
}
