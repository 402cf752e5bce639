/**
 * Brussels wall time <-> instants. Expected instants are written out by hand (CET = UTC+1,
 * CEST = UTC+2) rather than computed, so the tests do not lean on the code's own Intl use.
 */
import { brusselsDate, brusselsToUtc, brusselsWall, dateOfDay, dayNumber, isIsoDate, weekdayOfDay } from '../../src/calendar/brussels-time';

describe('brusselsToUtc', () => {
  test.each([
    // Ordinary winter and summer dates.
    ['2026-01-15', '14:00', '2026-01-15T13:00:00.000Z'],
    ['2026-07-07', '14:00', '2026-07-07T12:00:00.000Z'],
    ['2026-01-01', '00:00', '2025-12-31T23:00:00.000Z'],
    ['2026-06-30', '23:59', '2026-06-30T21:59:00.000Z'],
    // Spring change, Sunday 2026-03-29: 02:00 CET becomes 03:00 CEST.
    ['2026-03-28', '14:00', '2026-03-28T13:00:00.000Z'],
    ['2026-03-29', '01:59', '2026-03-29T00:59:00.000Z'],
    ['2026-03-29', '03:00', '2026-03-29T01:00:00.000Z'],
    ['2026-03-29', '03:01', '2026-03-29T01:01:00.000Z'],
    ['2026-03-29', '14:00', '2026-03-29T12:00:00.000Z'],
    // In the gap: the instant one hour later on the clock.
    ['2026-03-29', '02:00', '2026-03-29T01:00:00.000Z'],
    ['2026-03-29', '02:30', '2026-03-29T01:30:00.000Z'],
    ['2026-03-29', '02:59', '2026-03-29T01:59:00.000Z'],
    // Autumn change, Sunday 2026-10-25: 03:00 CEST becomes 02:00 CET.
    ['2026-10-24', '14:00', '2026-10-24T12:00:00.000Z'],
    ['2026-10-25', '01:59', '2026-10-24T23:59:00.000Z'],
    // Repeated hour: the first pass (still CEST).
    ['2026-10-25', '02:00', '2026-10-25T00:00:00.000Z'],
    ['2026-10-25', '02:30', '2026-10-25T00:30:00.000Z'],
    ['2026-10-25', '02:59', '2026-10-25T00:59:00.000Z'],
    ['2026-10-25', '03:00', '2026-10-25T02:00:00.000Z'],
    ['2026-10-25', '14:00', '2026-10-25T13:00:00.000Z'],
    // Other years follow the same rule (last Sundays of March and October).
    ['2027-03-28', '12:00', '2027-03-28T10:00:00.000Z'],
    ['2027-03-27', '12:00', '2027-03-27T11:00:00.000Z'],
    ['2024-10-27', '12:00', '2024-10-27T11:00:00.000Z'],
    ['2024-02-29', '09:30', '2024-02-29T08:30:00.000Z'],
  ])('%s %s is %s', (date, time, iso) => {
    expect(brusselsToUtc(date, time).toISOString()).toBe(iso);
  });

  test.each([
    ['2026-02-29', '10:00'],
    ['2026-13-01', '10:00'],
    ['2026-1-01', '10:00'],
    ['26-01-01', '10:00'],
    ['2026-01-01', '24:00'],
    ['2026-01-01', '9:00'],
    ['2026-01-01', '10:60'],
    ['2026-01-01', '10:00:00'],
  ])('%s %s is refused', (date, time) => {
    expect(() => brusselsToUtc(date, time)).toThrow(RangeError);
  });
});

describe('brusselsWall and brusselsDate', () => {
  test.each([
    ['2026-01-15T13:00:00Z', '2026-01-15', '14:00', 4],
    ['2026-07-07T12:00:00Z', '2026-07-07', '14:00', 2],
    // Late UTC evening is already the next day in Brussels, in winter and in summer.
    ['2026-12-31T23:30:00Z', '2027-01-01', '00:30', 5],
    ['2026-06-30T22:30:00Z', '2026-07-01', '00:30', 3],
    ['2026-06-30T21:59:59Z', '2026-06-30', '23:59', 2],
    // Around the spring change.
    ['2026-03-29T00:59:00Z', '2026-03-29', '01:59', 7],
    ['2026-03-29T01:00:00Z', '2026-03-29', '03:00', 7],
    // Around the autumn change: both passes of 02:30.
    ['2026-10-25T00:30:00Z', '2026-10-25', '02:30', 7],
    ['2026-10-25T01:30:00Z', '2026-10-25', '02:30', 7],
    ['2026-10-25T02:00:00Z', '2026-10-25', '03:00', 7],
    ['2026-10-26T08:00:00Z', '2026-10-26', '09:00', 1],
  ])('%s is %s %s, weekday %i', (iso, date, time, weekday) => {
    const d = new Date(iso);
    expect(brusselsWall(d)).toEqual({ date, time, weekday });
    expect(brusselsDate(d)).toBe(date);
  });

  test('an invalid Date is refused', () => {
    expect(() => brusselsWall(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => brusselsDate(new Date('nope'))).toThrow(RangeError);
  });

  test('every quarter hour of 2026 reads back to its instant, except the second pass of the repeated hour', () => {
    const misses: string[] = [];
    const start = Date.UTC(2025, 11, 31, 23);
    const end = Date.UTC(2026, 11, 31, 23);
    for (let t = start; t < end; t += 15 * 60_000) {
      const wall = brusselsWall(new Date(t));
      if (brusselsToUtc(wall.date, wall.time).getTime() !== t) misses.push(new Date(t).toISOString());
    }
    expect(misses).toEqual([
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T01:15:00.000Z',
      '2026-10-25T01:30:00.000Z',
      '2026-10-25T01:45:00.000Z',
    ]);
  });
});

describe('day arithmetic', () => {
  test.each([
    ['1970-01-01', 0, 4],
    ['2026-01-01', 20454, 4],
    ['2026-03-29', 20541, 7],
    ['2024-02-29', 19782, 4],
    ['1969-12-29', -3, 1],
  ])('%s is day %i, weekday %i', (date, day, weekday) => {
    expect(dayNumber(date)).toBe(day);
    expect(dateOfDay(day)).toBe(date);
    expect(weekdayOfDay(day)).toBe(weekday);
  });

  test.each([
    ['2026-02-28', true],
    ['2026-02-29', false],
    ['2024-02-29', true],
    ['2026-04-31', false],
    ['0000-01-01', false],
    ['2026-01-01T00:00', false],
  ])('isIsoDate(%s) is %p', (s, ok) => {
    expect(isIsoDate(s)).toBe(ok);
  });
});
