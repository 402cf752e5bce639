/**
 * Europe/Brussels wall time <-> instants. Sessions are announced on the clock of Brussels
 * ("every first Tuesday, 14:00-16:00") whatever the server's own zone, so every conversion goes
 * through here. The offset comes from Intl (the ICU time-zone data shipped with Node), not from a
 * hand-written DST rule, so it stays right for any year the data knows.
 * Also the calendar arithmetic on 'YYYY-MM-DD' strings that the recurrence needs (day numbers).
 */

const ZONE = 'Europe/Brussels';
const DAY = 86_400_000;

/** One formatter for the whole process: building an Intl.DateTimeFormat is the costly part. */
const wallFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  era: 'short',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export interface BrusselsWall {
  /** 'YYYY-MM-DD' */
  date: string;
  /** 'HH:MM' */
  time: string;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True for a real calendar date written 'YYYY-MM-DD' (2026-02-30 is not). */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

/** True for 'HH:MM' with 00 ≤ HH ≤ 23. */
export function isWallTime(s: unknown): s is string {
  return typeof s === 'string' && TIME_RE.test(s);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 0)).getUTCDate();
}

/** Date.UTC (month 1-12, overflow allowed), but years 0-99 stay years 0-99 instead of becoming 1900-1999. */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (year >= 0 && year < 100) d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date: plain calendar arithmetic, no zone involved. */
export function dayNumber(date: string): number {
  return Math.round(utcMs(...dateParts(date)) / DAY);
}

/** The 'YYYY-MM-DD' date of a day number (inverse of dayNumber). */
export function dateOfDay(day: number): string {
  const d = new Date(day * DAY);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** 1 = Monday … 7 = Sunday of a day number (1970-01-01 was a Thursday). */
export function weekdayOfDay(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function dateParts(date: string): [number, number, number] {
  if (!isIsoDate(date)) throw new RangeError(`not a date 'YYYY-MM-DD': ${String(date)}`);
  const [y, m, d] = date.split('-').map(Number);
  return [y, m, d];
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function checkInstant(d: Date): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError('not a valid Date');
  return t;
}

/** The Brussels wall-clock fields of an instant (years before 1 come out as 0, -1, …). */
function wallFields(t: number): Fields {
  const f: Record<string, string> = {};
  for (const p of wallFormat.formatToParts(t)) f[p.type] = p.value;
  // ICU writes year 0 as "1 BC", -1 as "2 BC" and so on.
  const year = f.era === 'AD' ? Number(f.year) : 1 - Number(f.year);
  return {
    year,
    month: Number(f.month),
    day: Number(f.day),
    hour: Number(f.hour),
    minute: Number(f.minute),
    second: Number(f.second),
  };
}

/**
 * Offset of Brussels from UTC at an instant, in milliseconds (1 h in winter, 2 h in summer).
 * Not rounded to minutes: before 1892 Brussels kept its local mean time, +00:17:30.
 */
function offsetMs(t: number): number {
  const f = wallFields(t);
  // Compare whole seconds: formatToParts drops the milliseconds.
  return utcMs(f.year, f.month, f.day, f.hour, f.minute, f.second) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant of a Brussels wall time. A time the spring change skips (02:30 on the last Sunday
 * of March) is read with the winter offset, which lands one hour later on the clock (03:30 CEST):
 * the session still happens, late rather than never. A time the autumn change repeats is the
 * first of the two (summer time), as RFC 5545 also reads it.
 */
export function brusselsToUtc(date: string, time: string): Date {
  if (!isWallTime(time)) throw new RangeError(`not a time 'HH:MM': ${String(time)}`);
  const [y, m, d] = dateParts(date);
  const [h, mi] = time.split(':').map(Number);
  const naive = utcMs(y, m, d, h, mi);
  // The offset can only be one of those in force a day either side of the wall time.
  const before = offsetMs(naive - DAY);
  const after = offsetMs(naive + DAY);
  const fits = [before, after]
    .map((o) => naive - o)
    .filter((t) => naive - offsetMs(t) === t)
    .sort((a, b) => a - b);
  return new Date(fits.length > 0 ? fits[0] : naive - before);
}

/** The Brussels calendar date of an instant, 'YYYY-MM-DD'. */
export function brusselsDate(d: Date): string {
  return brusselsWall(d).date;
}

/** The Brussels date, 'HH:MM' time and weekday (1 = Monday … 7 = Sunday) of an instant. */
export function brusselsWall(d: Date): BrusselsWall {
  const f = wallFields(checkInstant(d));
  if (f.year < 1 || f.year > 9999) throw new RangeError('a date outside years 1-9999 has no \'YYYY-MM-DD\'');
  const date = `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
  return { date, time: `${pad(f.hour)}:${pad(f.minute)}`, weekday: weekdayOfDay(dayNumber(date)) };
}
