/** Opening hours in Europe/Brussels, whatever the server's time zone. */
import type { Schedule } from './schema';

const TZ = 'Europe/Brussels';
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

// Building a formatter is costly; one serves every call.
const FORMAT = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Day of week (1 = Monday) and minutes since midnight in Brussels. */
export function brusselsClock(d: Date): { day: number; minutes: number; date: string } {
  const parts = FORMAT.formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const hour = Number(get('hour')) % 24;
  return { day: WEEKDAYS[get('weekday')] ?? 1, minutes: hour * 60 + Number(get('minute')), date: `${get('year')}-${get('month')}-${get('day')}` };
}

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** true / false when the schedule says; null when no schedule is known. */
export function isOpenAt(schedule: Schedule | undefined, at: Date): boolean | null {
  if (!schedule) return null;
  if (schedule.alwaysOpen) return true;
  if (!schedule.slots?.length) return null;
  const { day, minutes } = brusselsClock(at);
  return schedule.slots.some((s) => s.days.includes(day) && minutes >= toMinutes(s.open) && minutes < toMinutes(s.close));
}

/** 2 open now, 1 opens within the next `soonMinutes`, 0 closed or unknown. */
export function openScore(schedule: Schedule | undefined, at: Date, soonMinutes = 180): number {
  const now = isOpenAt(schedule, at);
  if (now) return 2;
  if (now === null) return 0;
  return isOpenAt(schedule, new Date(at.getTime() + soonMinutes * 60000)) ? 1 : 0;
}
