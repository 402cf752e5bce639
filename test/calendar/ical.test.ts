/**
 * The iCalendar writer, read back with Mozilla's ical.js (the parser of Thunderbird): what a
 * calendar application will see is what we meant, and the file keeps the RFC 5545 line rules.
 */
import ICAL from 'ical.js';
import { icsCalendar, icsEvent, type CalendarEvent } from '../../src/calendar/ical';

const NOW = new Date('2026-05-04T08:09:10.123Z');

const summer: CalendarEvent = {
  uid: 'rdv-1@boussole',
  sequence: 0,
  status: 'CONFIRMED',
  start: new Date('2026-07-07T12:00:00Z'), // 14:00 CEST
  end: new Date('2026-07-07T14:00:00Z'),
  summary: 'Permanence logement',
  location: 'Rue Haute 1, 1000 Bruxelles',
  url: 'https://example.org/rdv/1?lang=fr&x=1',
  lastModified: new Date('2026-05-01T10:00:00Z'),
};
const winter: CalendarEvent = {
  uid: 'rdv-2@boussole',
  sequence: 3,
  status: 'TENTATIVE',
  start: new Date('2026-12-01T13:00:00Z'), // 14:00 CET
  end: new Date('2026-12-01T15:30:00Z'),
  summary: 'Atelier CV',
};
const cancelled: CalendarEvent = {
  uid: 'rdv-3@boussole',
  sequence: 2,
  status: 'CANCELLED',
  start: new Date('2026-10-25T09:00:00Z'), // 10:00 CET, the day of the autumn change
  end: new Date('2026-10-25T10:00:00Z'),
  summary: 'Groupe de parole',
};

/** Parses a calendar with ical.js, its own VTIMEZONE registered so that TZID times resolve. */
function parse(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics));
  const vtimezone = cal.getFirstSubcomponent('vtimezone');
  if (!vtimezone) throw new Error('no VTIMEZONE');
  ICAL.TimezoneService.reset();
  ICAL.TimezoneService.register(vtimezone);
  const events = cal.getAllSubcomponents('vevent').map((v) => ({ v, e: new ICAL.Event(v) }));
  return { cal, events };
}

afterAll(() => ICAL.TimezoneService.reset());

describe('icsCalendar', () => {
  const ics = icsCalendar({ name: 'Boussole — rendez-vous', events: [summer, winter, cancelled], now: NOW });

  test('calendar properties and the Brussels VTIMEZONE', () => {
    const { cal } = parse(ics);
    expect(cal.name).toBe('vcalendar');
    expect(cal.getFirstPropertyValue('version')).toBe('2.0');
    expect(cal.getFirstPropertyValue('prodid')).toBe('-//Boussole//Rendez-vous//FR');
    expect(cal.getFirstPropertyValue('calscale')).toBe('GREGORIAN');
    expect(cal.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Boussole — rendez-vous');
    expect(cal.getFirstPropertyValue('x-wr-timezone')).toBe('Europe/Brussels');
    const tz = cal.getFirstSubcomponent('vtimezone');
    expect(tz?.getFirstPropertyValue('tzid')).toBe('Europe/Brussels');
    const standard = tz?.getFirstSubcomponent('standard');
    const daylight = tz?.getFirstSubcomponent('daylight');
    expect(standard?.getFirstPropertyValue('tzname')).toBe('CET');
    expect(daylight?.getFirstPropertyValue('tzname')).toBe('CEST');
    expect(ics).toContain('\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n');
    expect(ics).toContain('\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n');
  });

  test('the events, their UID, SEQUENCE and STATUS', () => {
    const { events } = parse(ics);
    expect(events.map(({ e, v }) => [e.uid, e.sequence, v.getFirstPropertyValue('status'), e.summary])).toEqual([
      ['rdv-1@boussole', 0, 'CONFIRMED', 'Permanence logement'],
      ['rdv-2@boussole', 3, 'TENTATIVE', 'Atelier CV'],
      ['rdv-3@boussole', 2, 'CANCELLED', 'Groupe de parole'],
    ]);
    const [first] = events;
    expect(first.e.location).toBe('Rue Haute 1, 1000 Bruxelles');
    expect(first.v.getFirstPropertyValue('url')).toBe('https://example.org/rdv/1?lang=fr&x=1');
    expect(String(first.v.getFirstPropertyValue('last-modified'))).toBe('2026-05-01T10:00:00Z');
    for (const { v } of events) expect(String(v.getFirstPropertyValue('dtstamp'))).toBe('2026-05-04T08:09:10Z');
  });

  test.each([
    ['summer', 0, '20260707T140000', '20260707T160000', '2026-07-07T12:00:00.000Z', '2026-07-07T14:00:00.000Z'],
    ['winter', 1, '20261201T140000', '20261201T163000', '2026-12-01T13:00:00.000Z', '2026-12-01T15:30:00.000Z'],
    ['the day of the autumn change', 2, '20261025T100000', '20261025T110000', '2026-10-25T09:00:00.000Z', '2026-10-25T10:00:00.000Z'],
  ])('%s: DTSTART and DTEND in Europe/Brussels, read back as the right instants', (_name, i, wallStart, wallEnd, utcStart, utcEnd) => {
    expect(ics).toContain(`\r\nDTSTART;TZID=Europe/Brussels:${wallStart}\r\n`);
    expect(ics).toContain(`\r\nDTEND;TZID=Europe/Brussels:${wallEnd}\r\n`);
    const { e, v } = parse(ics).events[i];
    expect(v.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Brussels');
    expect(e.startDate.zone?.tzid).toBe('Europe/Brussels');
    expect(e.startDate.toJSDate().toISOString()).toBe(utcStart);
    expect(e.endDate.toJSDate().toISOString()).toBe(utcEnd);
  });

  test('the second pass of the repeated October hour is written in UTC (TZID would mean the first)', () => {
    const second = { ...winter, start: new Date('2026-10-25T01:30:00Z'), end: new Date('2026-10-25T02:30:00Z') };
    const out = icsCalendar({ name: 'x', events: [second], now: NOW });
    expect(out).toContain('\r\nDTSTART:20261025T013000Z\r\n');
    expect(out).toContain('\r\nDTEND;TZID=Europe/Brussels:20261025T033000\r\n');
    const { e } = parse(out).events[0];
    expect(e.startDate.toJSDate().toISOString()).toBe('2026-10-25T01:30:00.000Z');
    expect(e.endDate.toJSDate().toISOString()).toBe('2026-10-25T02:30:00.000Z');
  });

  test('an empty calendar still has its header and zone', () => {
    const { cal, events } = parse(icsCalendar({ name: 'vide', events: [], now: NOW }));
    expect(events).toEqual([]);
    expect(cal.getFirstSubcomponent('vtimezone')).not.toBeNull();
  });
});

describe('text values', () => {
  const summary = 'Café, thé; biscuits \\ et "questions": 100% gratuit, sans rendez-vous; bienvenue à tous';
  const description = [
    'Ligne 1, avec virgule; et point-virgule',
    'مرحبا بكم في جلسة الإعلام حول السكن، يوم الثلاثاء؛ الدخول مجاني',
    'Emoji: 👋🏽 🇧🇪 👨‍👩‍👧 ✅',
    '',
    'Türkçe: Konut hakkında bilgi oturumu — ücretsiz, randevusuz. '.repeat(4),
    'a\\n is not a newline',
  ].join('\n');
  const location = 'Maison de quartier, Rue du Marché 12; 1000 Bruxelles — الطابق الأول 🏠';
  const event: CalendarEvent = { ...summer, summary, description, location };
  const ics = icsEvent({ name: 'Boussole; ateliers, permanences', event, now: NOW });

  test('commas, semicolons, backslashes, newlines, Arabic and emoji survive the round trip', () => {
    const { cal, events } = parse(ics);
    expect(events).toHaveLength(1);
    const { e } = events[0];
    expect(e.summary).toBe(summary);
    expect(e.description).toBe(description);
    expect(e.location).toBe(location);
    // ical.js leaves X- properties unparsed; calendars that read X-WR-CALNAME read it as TEXT.
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Boussole\\; ateliers\\, permanences');
  });

  test('TEXT escaping as written', () => {
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('\r\nSUMMARY:Café\\, thé\\; biscuits \\\\ et "questions": 100% gratuit\\, sans rendez-vous\\; bienvenue à tous\r\n');
    expect(unfolded).toContain('\r\nDESCRIPTION:Ligne 1\\, avec virgule\\; et point-virgule\\nمرحبا');
    expect(unfolded).toContain('\\na\\\\n is not a newline\r\n');
  });

  test('control characters are dropped and CR LF becomes one newline', () => {
    const dirty = { ...summer, summary: 'Bell\u0007 tab\t nul\u0000 esc\u001b del\u007f end', description: 'one\r\ntwo\rthree\nfour' };
    const out = icsEvent({ name: 'x\u0000y', event: dirty, now: NOW });
    const { cal, events } = parse(out);
    expect(events[0].e.summary).toBe('Bell tab nul esc del end');
    expect(events[0].e.description).toBe('one\ntwo\nthree\nfour');
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('xy');
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(out.replace(/\r\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  test('only an http(s) URL is written', () => {
    const bad = icsEvent({ name: 'x', event: { ...summer, url: 'javascript:alert(1)' }, now: NOW });
    expect(bad).not.toContain('\r\nURL:');
    const none = icsEvent({ name: 'x', event: { ...summer, url: undefined }, now: NOW });
    expect(none).not.toContain('\r\nURL:');
  });
});

describe('line rules', () => {
  const long = 'رحلة 🚀 طويلة، جدا; ' + 'é'.repeat(50) + ' 👨‍👩‍👧‍👦'.repeat(30) + ' ' + 'x'.repeat(200);
  const calendars = [
    ['a feed', icsCalendar({ name: 'Boussole', events: [summer, winter, cancelled], now: NOW })],
    ['a long multilingual event', icsEvent({ name: long, event: { ...summer, summary: long, description: `${long}\n${long}`, location: long }, now: NOW })],
  ] as const;

  test.each(calendars)('%s: every line is CRLF-terminated and at most 75 octets', (_name, ics) => {
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = ics.slice(0, -2).split('\r\n');
    for (const line of lines) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      // Folding never splits a character: each physical line is well-formed on its own.
      expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
    }
  });

  test('long lines are folded, and unfold to the original text', () => {
    const ics = calendars[1][1];
    const lines = ics.split('\r\n');
    expect(lines.filter((l) => l.startsWith(' ')).length).toBeGreaterThan(10);
    const { e } = parse(ics).events[0];
    expect(e.summary).toBe(long);
    expect(e.location).toBe(long);
    expect(e.description).toBe(`${long}\n${long}`);
  });
});

describe('refused events', () => {
  test.each<[string, Partial<CalendarEvent>]>([
    ['an end before the start', { end: new Date('2026-07-07T11:00:00Z') }],
    ['an end equal to the start', { end: summer.start }],
    ['an invalid start', { start: new Date(Number.NaN) }],
    ['a negative SEQUENCE', { sequence: -1 }],
    ['a fractional SEQUENCE', { sequence: 1.5 }],
    ['an unknown STATUS', { status: 'DONE' as never }],
    ['an invalid lastModified', { lastModified: new Date('x') }],
  ])('%s', (_name, patch) => {
    expect(() => icsCalendar({ name: 'x', events: [{ ...summer, ...patch }], now: NOW })).toThrow(RangeError);
  });

  test('an invalid now', () => {
    expect(() => icsEvent({ name: 'x', event: summer, now: new Date(Number.NaN) })).toThrow(RangeError);
  });
});
