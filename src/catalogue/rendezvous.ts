/**
 * Rendez-vous de la Prévention Santé as sessions: one-off entries and the sessions of series
 * (expanded by calendar/recurrence), and the next ones to offer a person. Confirmed future sessions
 * come first, those in the person's language before others; provisional ones after (never presented
 * as confirmed); cancelled and past ones are never offered.
 */
import { occurrences } from '../calendar/recurrence';
import type { BassinId, ClosurePeriod, Lang, Rendezvous, Series, Theme } from './schema';

/** One dated (or, when provisional, undated) session, with what the calendar feed needs. */
export type Session = Rendezvous & {
  /** The entry's revision: the calendar's SEQUENCE grows with every change. */
  revision: number;
  /** The series it belongs to, if any (then `id` is `<series>-<YYYYMMDD>`). */
  series?: string;
};

type Revised<T> = T & { revision: number };

/** How far ahead series are expanded: residents are offered the next few, the feed a year. */
export const SESSION_HORIZON_DAYS = 400;

/** The sessions of one series between two instants, cancelled ones marked so. */
export function seriesSessions(s: Revised<Series>, window: { after: Date; before: Date }, closures: ClosurePeriod[]): Session[] {
  const { rule, cancelledDates, ...rest } = s;
  let dates: ReturnType<typeof occurrences>;
  try {
    dates = occurrences(rule, { after: window.after, before: window.before, closures, limit: 400 });
  } catch {
    // A rule the schema let through but the calendar cannot expand: no session rather than no listing at all.
    return [];
  }
  return dates.map((o) => ({
    id: `${s.id}-${o.date.replace(/-/g, '')}`,
    title: rest.title,
    themes: rest.themes,
    place: rest.place,
    commune: rest.commune,
    bassin: rest.bassin,
    ...(rest.address ? { address: rest.address } : {}),
    ...(rest.access ? { access: rest.access } : {}),
    ...(rest.languages ? { languages: rest.languages } : {}),
    ...(rest.registration ? { registration: rest.registration } : {}),
    start: o.start.toISOString(),
    end: o.end.toISOString(),
    audience: rest.audience,
    status: cancelledDates.includes(o.date) ? 'cancelled' : rest.status,
    source: rest.source,
    checkedAt: rest.checkedAt,
    revision: s.revision,
    series: s.id,
  }));
}

/** One-off entries and series sessions together, soonest first (undated provisional ones last). */
export function allSessions(oneOffs: Array<Revised<Rendezvous>>, series: Array<Revised<Series>>, closures: ClosurePeriod[], window: { after: Date; before: Date }): Session[] {
  const time = (r: Session) => (r.start ? Date.parse(r.start) : Infinity);
  return [...oneOffs.map((r) => ({ ...r })), ...series.flatMap((s) => seriesSessions(s, window, closures))].sort((a, b) => time(a) - time(b) || a.id.localeCompare(b.id));
}

export function nextRendezvous<R extends Rendezvous>(all: R[], q: { themes: Theme[]; bassin?: BassinId; now: Date; lang?: Lang }): R[] {
  if (!q.bassin) return [];
  const now = q.now.getTime();
  const fits = (r: R) => !q.lang || !r.languages?.length || r.languages.includes(q.lang);
  const rank = (r: R) => (r.status === 'confirmed' ? (fits(r) ? 0 : 1) : 2);
  return all
    .filter((r) => r.bassin === q.bassin && r.status !== 'cancelled' && r.themes.some((t) => q.themes.includes(t)))
    .filter((r) => (r.end ?? r.start) === null || new Date((r.end ?? r.start) as string).getTime() >= now)
    .sort((a, b) => {
      if (rank(a) !== rank(b)) return rank(a) - rank(b);
      const ta = a.start ? new Date(a.start).getTime() : Infinity;
      const tb = b.start ? new Date(b.start).getTime() : Infinity;
      return ta - tb;
    });
}
