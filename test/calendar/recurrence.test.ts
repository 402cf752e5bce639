/**
 * Series rules -> occurrences. Expected dates were read off a 2026 calendar; expected instants
 * are written out by hand (CET = UTC+1 until 29 March and from 25 October, CEST = UTC+2 between).
 */
import { occurrences, ruleProblems, type SeriesRule } from '../../src/calendar/recurrence';

const YEAR_2026 = { after: new Date('2026-01-01T00:00:00Z'), before: new Date('2027-01-01T00:00:00Z') };
const H1_2026 = { after: new Date('2026-01-01T00:00:00Z'), before: new Date('2026-07-01T00:00:00Z') };

function rule(r: Partial<SeriesRule>): SeriesRule {
  return { freq: 'weekly', weekday: 2, startTime: '14:00', endTime: '16:00', from: '2026-01-01', ...r };
}

const dates = (rows: { date: string }[]) => rows.map((o) => o.date);

describe('monthly', () => {
  test.each<[string, Partial<SeriesRule>, string[]]>([
    [
      'first Tuesday',
      { freq: 'monthly', weekday: 2, setPos: 1 },
      ['2026-01-06', '2026-02-03', '2026-03-03', '2026-04-07', '2026-05-05', '2026-06-02'],
    ],
    [
      'last Friday',
      { freq: 'monthly', weekday: 5, setPos: -1 },
      ['2026-01-30', '2026-02-27', '2026-03-27', '2026-04-24', '2026-05-29', '2026-06-26'],
    ],
    [
      'third Thursday',
      { freq: 'monthly', weekday: 4, setPos: 3 },
      ['2026-01-15', '2026-02-19', '2026-03-19', '2026-04-16', '2026-05-21', '2026-06-18'],
    ],
    [
      // Months count from January (the month of from); January's first Tuesday is before from.
      'first Tuesday every 2 months, from mid-January',
      { freq: 'monthly', weekday: 2, setPos: 1, interval: 2, from: '2026-01-15' },
      ['2026-03-03', '2026-05-05'],
    ],
    [
      'last Friday every 3 months',
      { freq: 'monthly', weekday: 5, setPos: -1, interval: 3 },
      ['2026-01-30', '2026-04-24'],
    ],
  ])('%s', (_name, r, expected) => {
    expect(dates(occurrences(rule(r), H1_2026))).toEqual(expected);
  });

  test('the interval keeps counting from the month of from when the window starts later', () => {
    const r = rule({ freq: 'monthly', weekday: 2, setPos: 1, interval: 2, from: '2026-01-01' });
    const window = { after: new Date('2026-04-01T00:00:00Z'), before: new Date('2026-12-31T00:00:00Z') };
    expect(dates(occurrences(r, window))).toEqual(['2026-05-05', '2026-07-07', '2026-09-01', '2026-11-03']);
  });

  test('times are Brussels wall times on both sides of the spring change', () => {
    const got = occurrences(rule({ freq: 'monthly', weekday: 2, setPos: 1 }), {
      after: new Date('2026-03-01T00:00:00Z'),
      before: new Date('2026-05-01T00:00:00Z'),
    });
    expect(got.map((o) => [o.date, o.start.toISOString(), o.end.toISOString()])).toEqual([
      ['2026-03-03', '2026-03-03T13:00:00.000Z', '2026-03-03T15:00:00.000Z'],
      ['2026-04-07', '2026-04-07T12:00:00.000Z', '2026-04-07T14:00:00.000Z'],
    ]);
  });
});

describe('weekly', () => {
  test.each<[string, Partial<SeriesRule>, string[]]>([
    ['every Tuesday', { weekday: 2, until: '2026-02-01' }, ['2026-01-06', '2026-01-13', '2026-01-20', '2026-01-27']],
    [
      // The week of from (Monday 29 December) is week 0: its Wednesday is before from.
      'every 2 weeks on Wednesday, from a Thursday',
      { weekday: 3, interval: 2, until: '2026-03-01' },
      ['2026-01-14', '2026-01-28', '2026-02-11', '2026-02-25'],
    ],
    [
      'every 2 weeks on Wednesday, from the Monday of that week',
      { weekday: 3, interval: 2, from: '2026-01-05', until: '2026-03-01' },
      ['2026-01-07', '2026-01-21', '2026-02-04', '2026-02-18'],
    ],
    ['every 3 weeks on Sunday', { weekday: 7, interval: 3, until: '2026-03-01' }, ['2026-01-04', '2026-01-25', '2026-02-15']],
    ['from is the weekday itself', { weekday: 2, from: '2026-01-06', until: '2026-01-20' }, ['2026-01-06', '2026-01-13', '2026-01-20']],
    // until is inclusive.
    ['until on a session day keeps that session', { weekday: 2, until: '2026-01-13' }, ['2026-01-06', '2026-01-13']],
    ['until the day before drops it', { weekday: 2, until: '2026-01-12' }, ['2026-01-06']],
    ['until equal to from', { weekday: 2, from: '2026-01-06', until: '2026-01-06' }, ['2026-01-06']],
    [
      'exceptDates are skipped',
      { weekday: 2, until: '2026-02-01', exceptDates: ['2026-01-13', '2026-01-27', '2026-01-28'] },
      ['2026-01-06', '2026-01-20'],
    ],
  ])('%s', (_name, r, expected) => {
    expect(dates(occurrences(rule(r), YEAR_2026))).toEqual(expected);
  });

  test('the interval keeps counting from the week of from when the window starts later', () => {
    const r = rule({ weekday: 3, interval: 2 });
    const window = { after: new Date('2026-03-01T00:00:00Z'), before: new Date('2026-04-01T00:00:00Z') };
    expect(dates(occurrences(r, window))).toEqual(['2026-03-11', '2026-03-25']);
  });

  test('a Monday 18:00 stays at 18:00 across the spring and autumn changes', () => {
    const r = rule({ weekday: 1, startTime: '18:00', endTime: '19:30' });
    const at = (after: string, before: string) =>
      occurrences(r, { after: new Date(after), before: new Date(before) }).map((o) => [o.date, o.start.toISOString(), o.end.toISOString()]);
    expect(at('2026-03-20T00:00:00Z', '2026-04-01T00:00:00Z')).toEqual([
      ['2026-03-23', '2026-03-23T17:00:00.000Z', '2026-03-23T18:30:00.000Z'],
      ['2026-03-30', '2026-03-30T16:00:00.000Z', '2026-03-30T17:30:00.000Z'],
    ]);
    expect(at('2026-10-15T00:00:00Z', '2026-10-30T00:00:00Z')).toEqual([
      ['2026-10-19', '2026-10-19T16:00:00.000Z', '2026-10-19T17:30:00.000Z'],
      ['2026-10-26', '2026-10-26T17:00:00.000Z', '2026-10-26T18:30:00.000Z'],
    ]);
  });

  test('a session whose start falls in the spring gap moves an hour later and keeps its length', () => {
    const [o] = occurrences(rule({ weekday: 7, startTime: '02:30', endTime: '03:15' }), {
      after: new Date('2026-03-28T00:00:00Z'),
      before: new Date('2026-03-30T00:00:00Z'),
    });
    expect(o.date).toBe('2026-03-29');
    expect(o.start.toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(o.end.toISOString()).toBe('2026-03-29T02:15:00.000Z');
  });
});

describe('closures (school holidays)', () => {
  // Carnival holidays 2026 of the French-speaking schools: 16-27 February.
  const closures = [{ from: '2026-02-16', to: '2026-02-27' }];
  const r = rule({ weekday: 2, until: '2026-03-10' });

  test.each<[string, boolean | undefined, { from: string; to: string }[], string[]]>([
    [
      'a holiday period removes the sessions inside it',
      true,
      closures,
      ['2026-02-03', '2026-02-10', '2026-03-03', '2026-03-10'],
    ],
    ['closures are ignored when the rule does not skip school holidays', false, closures, ['2026-02-03', '2026-02-10', '2026-02-17', '2026-02-24', '2026-03-03', '2026-03-10']],
    ['closures are ignored when skipSchoolHolidays is absent', undefined, closures, ['2026-02-03', '2026-02-10', '2026-02-17', '2026-02-24', '2026-03-03', '2026-03-10']],
    [
      'both ends of a period are closed',
      true,
      [{ from: '2026-02-10', to: '2026-02-10' }, { from: '2026-03-03', to: '2026-03-03' }],
      ['2026-02-03', '2026-02-17', '2026-02-24', '2026-03-10'],
    ],
    ['several periods', true, [...closures, { from: '2026-03-09', to: '2026-03-20' }], ['2026-02-03', '2026-02-10', '2026-03-03']],
    ['no closures given', true, [], ['2026-02-03', '2026-02-10', '2026-02-17', '2026-02-24', '2026-03-03', '2026-03-10']],
  ])('%s', (_name, skipSchoolHolidays, periods, expected) => {
    const got = occurrences({ ...r, skipSchoolHolidays }, { after: new Date('2026-02-01T00:00:00Z'), before: new Date('2026-04-01T00:00:00Z'), closures: periods });
    expect(dates(got)).toEqual(expected);
  });

  test('a closure period that ends before it starts is refused', () => {
    expect(() =>
      occurrences({ ...r, skipSchoolHolidays: true }, { ...YEAR_2026, closures: [{ from: '2026-02-27', to: '2026-02-16' }] }),
    ).toThrow(RangeError);
    expect(() => occurrences({ ...r, skipSchoolHolidays: true }, { ...YEAR_2026, closures: [{ from: '2026-02-30', to: '2026-03-02' }] })).toThrow(
      RangeError,
    );
  });
});

describe('window and limit', () => {
  // Tuesdays 14:00-16:00 CET = 13:00-15:00 UTC in January.
  const r = rule({ weekday: 2 });

  test.each<[string, string, string, string[]]>([
    ['a session in progress at after is kept', '2026-01-13T14:00:00Z', '2026-01-21T00:00:00Z', ['2026-01-13', '2026-01-20']],
    ['a session that ends exactly at after is not', '2026-01-13T15:00:00Z', '2026-01-21T00:00:00Z', ['2026-01-20']],
    ['a session that starts exactly at before is not', '2026-01-01T00:00:00Z', '2026-01-20T13:00:00Z', ['2026-01-06', '2026-01-13']],
    ['a session that starts just before before is', '2026-01-01T00:00:00Z', '2026-01-20T13:00:01Z', ['2026-01-06', '2026-01-13', '2026-01-20']],
    // Brussels midnight is 23:00 UTC the day before: the window is read on the Brussels calendar.
    ['a window of one Brussels day', '2026-01-12T23:00:00Z', '2026-01-13T23:00:00Z', ['2026-01-13']],
    ['an empty window', '2026-01-14T00:00:00Z', '2026-01-14T00:00:00Z', []],
    ['a window before from', '2025-01-01T00:00:00Z', '2025-12-31T00:00:00Z', []],
  ])('%s', (_name, after, before, expected) => {
    expect(dates(occurrences(r, { after: new Date(after), before: new Date(before) }))).toEqual(expected);
  });

  test('limit cuts the list, in order; 100 by default', () => {
    expect(dates(occurrences(r, { ...YEAR_2026, limit: 3 }))).toEqual(['2026-01-06', '2026-01-13', '2026-01-20']);
    expect(occurrences(r, { ...YEAR_2026, limit: 0 })).toEqual([]);
    const many = occurrences(r, { after: new Date('2026-01-01T00:00:00Z'), before: new Date('2030-01-01T00:00:00Z') });
    expect(many).toHaveLength(100);
    const starts = many.map((o) => o.start.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  test('windows reaching far into the past and future stay cheap', () => {
    const t0 = Date.now();
    // Every date closed: nothing to give, and the whole span up to year 9999 to walk through.
    const closed = occurrences(
      { ...rule({ weekday: 2 }), skipSchoolHolidays: true },
      { after: new Date(-8.64e15), before: new Date(8.64e15), closures: [{ from: '0001-01-01', to: '9999-12-31' }] },
    );
    expect(closed).toEqual([]);
    const monthly = occurrences(rule({ freq: 'monthly', weekday: 5, setPos: -1, interval: 52 }), {
      after: new Date(-8.64e15),
      before: new Date(8.64e15),
      limit: 5000,
    });
    expect(monthly.length).toBeGreaterThan(1800);
    expect(monthly[0].date).toBe('2026-01-30');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  test.each<[string, Record<string, unknown>]>([
    ['an invalid after', { after: new Date(Number.NaN), before: YEAR_2026.before }],
    ['an invalid before', { after: YEAR_2026.after, before: 'tomorrow' }],
    ['a negative limit', { ...YEAR_2026, limit: -1 }],
    ['a fractional limit', { ...YEAR_2026, limit: 2.5 }],
  ])('%s is refused', (_name, o) => {
    expect(() => occurrences(r, o as never)).toThrow(RangeError);
  });
});

describe('ruleProblems', () => {
  test.each<[string, Partial<SeriesRule> | Record<string, unknown>, string[]]>([
    ['a fine weekly rule', {}, []],
    ['a fine monthly rule', { freq: 'monthly', setPos: -1, interval: 12, until: '2027-01-01' }, []],
    ['end before start', { startTime: '16:00', endTime: '14:00' }, ['end_before_start']],
    ['end equal to start', { startTime: '14:00', endTime: '14:00' }, ['end_before_start']],
    ['until before from', { until: '2025-12-31' }, ['until_before_from']],
    ['monthly without setPos', { freq: 'monthly' }, ['set_pos_required']],
    ['weekly with setPos', { setPos: 1 }, ['set_pos_monthly_only']],
    ['setPos 5', { freq: 'monthly', setPos: 5 }, ['set_pos_invalid']],
    ['interval 0', { interval: 0 }, ['interval_out_of_range']],
    ['interval 53', { interval: 53 }, ['interval_out_of_range']],
    ['interval 1.5', { interval: 1.5 }, ['interval_out_of_range']],
    ['interval 52 is allowed', { interval: 52 }, []],
    ['weekday 0', { weekday: 0 }, ['weekday_invalid']],
    ['weekday 8', { weekday: 8 }, ['weekday_invalid']],
    ['daily', { freq: 'daily' }, ['freq_invalid']],
    ['a bad start time', { startTime: '25:00' }, ['start_time_invalid']],
    ['a bad end time', { endTime: '4pm' }, ['end_time_invalid']],
    ['a bad from', { from: '2026-02-30' }, ['from_invalid']],
    ['a bad until', { until: 'never' }, ['until_invalid']],
    ['a bad except date', { exceptDates: ['2026-01-06', '6/1/2026'] }, ['except_date_invalid']],
    [
      'several at once',
      { freq: 'monthly', interval: 0, startTime: '10:00', endTime: '09:00', until: '2025-01-01' },
      ['interval_out_of_range', 'set_pos_required', 'end_before_start', 'until_before_from'],
    ],
  ])('%s', (_name, r, expected) => {
    expect(ruleProblems(rule(r as Partial<SeriesRule>))).toEqual(expected);
  });

  test.each<[string, Partial<SeriesRule>]>([
    ['interval 0', { interval: 0 }],
    ['interval 53', { interval: 53 }],
    ['monthly without setPos', { freq: 'monthly' }],
    ['end before start', { endTime: '13:00' }],
  ])('occurrences refuses a rule with %s', (_name, r) => {
    expect(() => occurrences(rule(r), YEAR_2026)).toThrow(RangeError);
  });
});
