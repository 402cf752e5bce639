/**
 * RFC 5545 (iCalendar) writer for the sessions people can add to their own calendar: a feed of a
 * service's sessions and a one-event file behind "add to my calendar". Times are written on the
 * Brussels clock with a VTIMEZONE, so calendars show 14:00 as 14:00 and a moved or cancelled
 * session replaces the one already imported (same UID, higher SEQUENCE).
 * Written by hand because the format is small and the escaping and folding rules are the only
 * delicate part; they are tested by parsing the output back with Mozilla's ical.js.
 */
import { brusselsToUtc, brusselsWall } from './brussels-time';

export interface CalendarEvent {
  uid: string;
  sequence: number;
  status: 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';
  start: Date;
  end: Date;
  summary: string;
  location?: string;
  description?: string;
  /** Written only when it is an http(s) URL: calendars make it a link. */
  url?: string;
  lastModified?: Date;
}

export interface CalendarOptions {
  name: string;
  events: CalendarEvent[];
  /** DTSTAMP of every event: when this file was made. */
  now: Date;
  method?: 'PUBLISH';
}

const TZID = 'Europe/Brussels';
const CRLF = '\r\n';
const MAX_OCTETS = 75;
const STATUSES = new Set(['CONFIRMED', 'TENTATIVE', 'CANCELLED']);

/** The zone as calendars expect it; the rules are the EU ones in force since 1996. */
const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${TZID}`,
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** A whole calendar (VCALENDAR) with the Brussels VTIMEZONE and one VEVENT per event. */
export function icsCalendar(o: CalendarOptions): string {
  const method = o.method ?? 'PUBLISH';
  if (method !== 'PUBLISH') throw new RangeError(`unsupported METHOD: ${String(method)}`);
  const now = utcStamp(o.now, 'now');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Boussole//Rendez-vous//FR',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    `X-WR-CALNAME:${text(o.name)}`,
    `X-WR-TIMEZONE:${TZID}`,
    ...VTIMEZONE,
    ...o.events.flatMap((e) => vevent(e, now)),
    'END:VCALENDAR',
  ];
  return lines.map(fold).join(CRLF) + CRLF;
}

/** A calendar holding one event: the file behind an "add to my calendar" link. */
export function icsEvent(o: { name: string; event: CalendarEvent; now: Date }): string {
  return icsCalendar({ name: o.name, events: [o.event], now: o.now });
}

function vevent(e: CalendarEvent, dtstamp: string): string[] {
  if (!Number.isInteger(e.sequence) || e.sequence < 0) throw new RangeError(`SEQUENCE must be a non-negative integer (${e.uid})`);
  if (!STATUSES.has(e.status)) throw new RangeError(`unknown STATUS ${String(e.status)} (${e.uid})`);
  const start = checkDate(e.start, 'start');
  const end = checkDate(e.end, 'end');
  // RFC 5545 3.6.1: DTEND must be later than DTSTART.
  if (end.getTime() <= start.getTime()) throw new RangeError(`event ends before it starts (${e.uid})`);
  const lines = [
    'BEGIN:VEVENT',
    `UID:${text(e.uid)}`,
    `DTSTAMP:${dtstamp}`,
    `DTSTART${zonedTime(start)}`,
    `DTEND${zonedTime(end)}`,
    `SEQUENCE:${e.sequence}`,
    `STATUS:${e.status}`,
    `SUMMARY:${text(e.summary)}`,
  ];
  if (e.location) lines.push(`LOCATION:${text(e.location)}`);
  if (e.description) lines.push(`DESCRIPTION:${text(e.description)}`);
  const url = e.url === undefined ? undefined : httpUrl(e.url);
  if (url) lines.push(`URL:${url}`);
  if (e.lastModified !== undefined) lines.push(`LAST-MODIFIED:${utcStamp(e.lastModified, 'lastModified')}`);
  lines.push('END:VEVENT');
  return lines;
}

/**
 * ';TZID=Europe/Brussels:YYYYMMDDTHHMMSS', or ':…Z' in UTC for the one case that form cannot
 * say: the second pass of the hour repeated in October, which a reader takes as the first.
 */
function zonedTime(d: Date): string {
  const wall = brusselsWall(d);
  // Brussels offsets are whole minutes, so the seconds are those of UTC.
  const seconds = String(d.getUTCSeconds()).padStart(2, '0');
  const firstReading = brusselsToUtc(wall.date, wall.time).getTime() + d.getUTCSeconds() * 1000;
  if (firstReading !== Math.floor(d.getTime() / 1000) * 1000) return `:${utcStamp(d, 'time')}`;
  return `;TZID=${TZID}:${wall.date.replace(/-/g, '')}T${wall.time.replace(':', '')}${seconds}`;
}

/** 'YYYYMMDDTHHMMSSZ' */
function utcStamp(d: Date, name: string): string {
  return checkDate(d, name).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function checkDate(d: Date, name: string): Date {
  if (!(d instanceof Date) || !Number.isFinite(d.getTime())) throw new RangeError(`${name} must be a valid Date`);
  return d;
}

/**
 * A TEXT value: control characters dropped (a stray CR or NUL would break the line structure),
 * line breaks kept as \n, and the characters that separate values escaped.
 */
function text(s: string): string {
  return clean(String(s ?? ''))
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

function clean(s: string): string {
  return (
    s
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g, '')
      // A lone surrogate has no UTF-8 form.
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
  );
}

/** A URI value is not escaped like TEXT, so only a well-formed http(s) URL goes in. */
function httpUrl(s: string): string | undefined {
  try {
    const u = new URL(clean(s).trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * RFC 5545 3.1: lines longer than 75 octets are split, each continuation starting with a space.
 * Split between characters (code points), never inside one's UTF-8 bytes.
 */
function fold(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_OCTETS) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  // The first line holds 75 octets; the others 74 after their leading space.
  let room = MAX_OCTETS;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > room) {
      parts.push(current);
      current = '';
      octets = 0;
      room = MAX_OCTETS - 1;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}
