/**
 * Series of sessions ("every other Wednesday 10:00-12:00", "last Friday of the month") turned
 * into dated occurrences for a window of time. Dates are counted on the Brussels calendar and
 * each occurrence's times are Brussels wall times, so a 14:00 session stays at 14:00 across the
 * DST changes. The work is bounded by the window (one step per week or month in it, whatever the
 * rule says), so a request for a far window or a rule with nothing left to give cannot run away.
 */
import { brusselsDate, brusselsToUtc, dateOfDay, dayNumber, daysInMonth, isIsoDate, isWallTime, weekdayOfDay } from './brussels-time';

export interface SeriesRule {
  freq: 'weekly' | 'monthly';
  /** Every N weeks / months, default 1. */
  interval?: number;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  /** Monthly only (and required there): first … fourth, or last such weekday of the month. */
  setPos?: 1 | 2 | 3 | 4 | -1;
  /** 'HH:MM' Brussels wall time; the end is after the start, on the same day. */
  startTime: string;
  endTime: string;
  /** 'YYYY-MM-DD', inclusive. */
  from: string;
  until?: string;
  /** 'YYYY-MM-DD' dates on which there is no session. */
  exceptDates?: string[];
  skipSchoolHolidays?: boolean;
}

/** Inclusive 'YYYY-MM-DD' dates. */
export interface ClosurePeriod {
  from: string;
  to: string;
}

export interface Occurrence {
  /** Brussels date, 'YYYY-MM-DD'. */
  date: string;
  start: Date;
  end: Date;
}

export interface OccurrenceQuery {
  /** Occurrences that end after this instant … */
  after: Date;
  /** … and start before this one. */
  before: Date;
  /** Used only when the rule says skipSchoolHolidays. */
  closures?: ClosurePeriod[];
  /** At most this many, default 100. */
  limit?: number;
}

export const MAX_INTERVAL = 52;
const DEFAULT_LIMIT = 100;
const SET_POSITIONS = new Set([1, 2, 3, 4, -1]);

/** What is wrong with a rule, as stable codes for forms and logs; empty when it is fine. */
export function ruleProblems(rule: SeriesRule): string[] {
  const problems: string[] = [];
  if (rule.freq !== 'weekly' && rule.freq !== 'monthly') problems.push('freq_invalid');
  const interval = rule.interval ?? 1;
  if (!Number.isInteger(interval) || interval < 1 || interval > MAX_INTERVAL) problems.push('interval_out_of_range');
  if (!Number.isInteger(rule.weekday) || rule.weekday < 1 || rule.weekday > 7) problems.push('weekday_invalid');
  if (rule.setPos !== undefined && !SET_POSITIONS.has(rule.setPos)) problems.push('set_pos_invalid');
  if (rule.freq === 'monthly' && rule.setPos === undefined) problems.push('set_pos_required');
  // A weekly rule with a position was meant to be monthly: say so rather than ignore it.
  if (rule.freq === 'weekly' && rule.setPos !== undefined) problems.push('set_pos_monthly_only');
  const startOk = isWallTime(rule.startTime);
  const endOk = isWallTime(rule.endTime);
  if (!startOk) problems.push('start_time_invalid');
  if (!endOk) problems.push('end_time_invalid');
  // 'HH:MM' strings compare in time order.
  if (startOk && endOk && rule.endTime <= rule.startTime) problems.push('end_before_start');
  const fromOk = isIsoDate(rule.from);
  if (!fromOk) problems.push('from_invalid');
  if (rule.until !== undefined) {
    if (!isIsoDate(rule.until)) problems.push('until_invalid');
    else if (fromOk && rule.until < rule.from) problems.push('until_before_from');
  }
  if (rule.exceptDates !== undefined && (!Array.isArray(rule.exceptDates) || !rule.exceptDates.every(isIsoDate))) {
    problems.push('except_date_invalid');
  }
  return problems;
}

/**
 * The occurrences of a rule that end after `after` and start before `before`, in time order, at
 * most `limit`. Throws a RangeError for a rule with problems (see ruleProblems), a bad window,
 * limit or closure period.
 */
export function occurrences(rule: SeriesRule, o: OccurrenceQuery): Occurrence[] {
  const problems = ruleProblems(rule);
  if (problems.length > 0) throw new RangeError(`invalid series rule: ${problems.join(', ')}`);
  const after = instant(o.after, 'after');
  const before = instant(o.before, 'before');
  const limit = o.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a non-negative integer');
  const closures = rule.skipSchoolHolidays ? checkClosures(o.closures ?? []) : [];
  const out: Occurrence[] = [];
  if (limit === 0 || before <= after) return out;

  // Sessions end on the day they start, so only Brussels dates from after's to before's can hold one.
  const fromDay = dayNumber(rule.from);
  const firstDay = Math.max(fromDay, dayNumber(brusselsDate(clampToDates(after))));
  const lastDay = Math.min(dayNumber(rule.until ?? '9999-12-31'), dayNumber(brusselsDate(clampToDates(before))));
  const except = new Set(rule.exceptDates ?? []);
  const candidates = rule.freq === 'weekly' ? weeklyDays(rule, fromDay, firstDay, lastDay) : monthlyDays(rule, fromDay, firstDay, lastDay);

  for (const day of candidates) {
    const date = dateOfDay(day);
    if (except.has(date) || closures.some((c) => c.from <= date && date <= c.to)) continue;
    const start = brusselsToUtc(date, rule.startTime);
    let end = brusselsToUtc(date, rule.endTime);
    // Only a start inside the spring gap (pushed an hour later) can pass its end: keep the
    // length the rule meant instead of a session that ends before it starts.
    if (end <= start) end = new Date(start.getTime() + (wallMinutes(rule.endTime) - wallMinutes(rule.startTime)) * 60_000);
    if (end.getTime() <= after || start.getTime() >= before) continue;
    out.push({ date, start, end });
    if (out.length >= limit) break;
  }
  return out;
}

/** Days of a weekly rule in [firstDay, lastDay]: weeks counted from the (Monday) week of `from`. */
function* weeklyDays(rule: SeriesRule, fromDay: number, firstDay: number, lastDay: number): Generator<number> {
  const step = 7 * (rule.interval ?? 1);
  const weekStart = fromDay - (weekdayOfDay(fromDay) - 1);
  let day = weekStart + rule.weekday - 1;
  // Jump straight to the first step at or after firstDay instead of walking there.
  if (day < firstDay) day += Math.ceil((firstDay - day) / step) * step;
  for (; day <= lastDay; day += step) if (day >= fromDay) yield day;
}

/** Days of a monthly rule in [firstDay, lastDay]: months counted from the month of `from`. */
function* monthlyDays(rule: SeriesRule, fromDay: number, firstDay: number, lastDay: number): Generator<number> {
  const step = rule.interval ?? 1;
  const monthIndex = (day: number) => {
    const [y, m] = dateOfDay(day).split('-').map(Number);
    return y * 12 + (m - 1);
  };
  let month = monthIndex(fromDay);
  const firstMonth = monthIndex(firstDay);
  if (month < firstMonth) month += Math.ceil((firstMonth - month) / step) * step;
  const lastMonth = monthIndex(lastDay);
  for (; month <= lastMonth; month += step) {
    const day = nthWeekday(Math.floor(month / 12), (month % 12) + 1, rule.weekday, rule.setPos ?? 1);
    if (day >= fromDay && day >= firstDay && day <= lastDay) yield day;
  }
}

/** Day number of the pos-th (or last, pos = -1) given weekday of a month; every month has four of each. */
function nthWeekday(year: number, month: number, weekday: number, pos: number): number {
  const first = dayNumber(`${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`);
  if (pos > 0) return first + ((weekday - weekdayOfDay(first) + 7) % 7) + 7 * (pos - 1);
  const last = first + daysInMonth(year, month) - 1;
  return last - ((weekdayOfDay(last) - weekday + 7) % 7);
}

function wallMinutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function instant(d: Date, name: string): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be a valid Date`);
  return t;
}

// 'YYYY-MM-DD' dates live in years 1-9999; a window reaching past them is cut there (two days of
// margin keep the zone offset out of the way).
const FIRST_INSTANT = new Date(Date.UTC(2000, 0, 3)).setUTCFullYear(1);
const LAST_INSTANT = Date.UTC(9999, 11, 29);

function clampToDates(t: number): Date {
  return new Date(Math.min(Math.max(t, FIRST_INSTANT), LAST_INSTANT));
}

function checkClosures(closures: ClosurePeriod[]): ClosurePeriod[] {
  if (!Array.isArray(closures)) throw new RangeError('closures must be an array');
  for (const c of closures) {
    if (!isIsoDate(c?.from) || !isIsoDate(c?.to)) throw new RangeError('closure dates must be YYYY-MM-DD');
    if (c.to < c.from) throw new RangeError(`closure ends before it starts: ${c.from}..${c.to}`);
  }
  return closures;
}
