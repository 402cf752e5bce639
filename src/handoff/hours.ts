/**
 * When a bassin's Helpdesk is open: its weekly hours (catalogue data, Europe/Brussels) minus
 * Belgian public holidays. A bassin with no known hours is never open.
 */
import { brusselsClock, isOpenAt } from '../catalogue/hours';
import type { Helpdesk } from '../catalogue/schema';

function easterSunday(year: number): Date {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const plusDays = (d: Date, n: number) => new Date(d.getTime() + n * 86400000);

/** Belgian public holidays of a year, as YYYY-MM-DD. */
export function belgianHolidays(year: number): string[] {
  const easter = easterSunday(year);
  return [`${year}-01-01`, iso(plusDays(easter, 1)), `${year}-05-01`, iso(plusDays(easter, 39)), iso(plusDays(easter, 50)), `${year}-07-21`, `${year}-08-15`, `${year}-11-01`, `${year}-11-11`, `${year}-12-25`];
}

export function helpdeskOpen(h: Helpdesk | undefined, at: Date): boolean {
  if (!h?.hours) return false;
  const { date } = brusselsClock(at);
  if (belgianHolidays(Number(date.slice(0, 4))).includes(date)) return false;
  return isOpenAt(h.hours, at) === true;
}

/** The next moment the Helpdesk opens (searching 14 days ahead by quarter hours), or undefined. */
export function nextOpening(h: Helpdesk | undefined, from: Date): Date | undefined {
  if (!h?.hours) return undefined;
  for (let t = from.getTime(); t < from.getTime() + 14 * 86400000; t += 15 * 60000) if (helpdeskOpen(h, new Date(t))) return new Date(t);
  return undefined;
}
