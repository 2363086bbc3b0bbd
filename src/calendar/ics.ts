/**
 * iCalendar (RFC 5545) as text: the writer of feeds and exports and the reader of imports.
 * Pure (no database, no HTTP): it speaks in calendar times and events, and src/calendar/
 * ics-mapping.ts translates between those and the stored events.
 *
 * Writing: CRLF line ends, folded and escaped by ics-lines.ts, and a VTIMEZONE for every TZID
 * used, generated from the zone's real offsets over the years the calendar uses
 * (src/time/zone-transitions.ts).
 *
 * Reading: VEVENTs grouped by UID with their RECURRENCE-ID changes, TZIDs resolved to IANA
 * zones. Every problem is an IcsError naming the line (and the UID when known), so an import
 * can refuse precisely.
 */
import { canonicalTimeZone, isRealDate, isValidTimeZone } from '../time/zones';
import { zoneObservances } from '../time/zone-transitions';
import { ianaOfWindowsZone } from '../time/windows-zones';
import { foldLine, unescapeText } from '../formats/content-lines';
import { IcsError, escapeText, param, parseComponents, paramValue, unfoldLines, type Component, type Property } from './ics-lines';

export { IcsError };

// ---------------------------------------------------------------------------------------------
// Times

/** A calendar time as iCalendar says it. `zoned` carries an IANA zone (never UTC: that is `utc`). */
export type IcsTime =
  | { kind: 'date'; date: string } // YYYY-MM-DD
  | { kind: 'utc'; ms: number }
  | { kind: 'zoned'; wall: string; tzid: string } // YYYY-MM-DDTHH:mm:ss
  | { kind: 'floating'; wall: string };

const basicDate = (date: string) => date.replace(/-/g, '');
const basicWall = (wall: string) => wall.replace(/[-:]/g, '');
const basicUtc = (ms: number) => `${basicWall(new Date(ms).toISOString().slice(0, 19))}Z`;

/** `;PARAMS` and the value of a time, as a DTSTART/EXDATE/RECURRENCE-ID writes it. */
function timeParts(t: IcsTime): { params: Array<[string, string]>; value: string } {
  switch (t.kind) {
    case 'date': return { params: [['VALUE', 'DATE']], value: basicDate(t.date) };
    case 'utc': return { params: [], value: basicUtc(t.ms) };
    case 'zoned': return { params: [['TZID', t.tzid]], value: basicWall(t.wall) };
    default: return { params: [], value: basicWall(t.wall) };
  }
}

/** The year a time falls in, as written (for the VTIMEZONE span). */
const yearOf = (t: IcsTime) => (t.kind === 'utc' ? new Date(t.ms).getUTCFullYear() : Number((t.kind === 'date' ? t.date : t.wall).slice(0, 4)));

/**
 * An IANA zone for a TZID: an IANA name itself; a vendor-prefixed one
 * (`/mozilla.org/20050126_1/America/New_York`, `/citadel.org/…/Europe/Berlin`); the
 * VTIMEZONE's `X-LIC-LOCATION`; or a Windows zone id (Outlook). Null when none fits.
 */
function ianaZone(tzid: string, vtimezones: ReadonlyMap<string, Component>): string | null {
  const id = tzid.trim();
  const direct = (z: string | null | undefined) => (z && isValidTimeZone(z) ? (canonicalTimeZone(z) ?? z) : null);
  const suffix = /([A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){1,2})$/.exec(id)?.[1];
  const location = vtimezones.get(id)?.props.find((p) => p.name === 'X-LIC-LOCATION')?.value.trim();
  const zone = direct(id) ?? direct(suffix) ?? direct(location) ?? ianaOfWindowsZone(id);
  return zone && /^(Etc\/)?(UTC|UCT|GMT|Zulu|Universal)$/i.test(zone) ? 'UTC' : zone;
}

const DATE_RE = /^(\d{4})(\d{2})(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/;

/** One DATE or DATE-TIME value of a property (its VALUE and TZID parameters applied). */
function readTime(value: string, p: Property, zones: ReadonlyMap<string, Component>): IcsTime {
  const v = value.trim().toUpperCase();
  const valueType = param(p, 'VALUE')?.toUpperCase();
  const d = DATE_RE.exec(v);
  if (d) {
    if (valueType === 'DATE-TIME') throw new IcsError(`${p.name} value '${v}' is a date but VALUE=DATE-TIME`, p.line);
    if (!isRealDate(+d[1]!, +d[2]!, +d[3]!)) throw new IcsError(`${p.name} value '${v}' is not a real date`, p.line);
    return { kind: 'date', date: `${d[1]}-${d[2]}-${d[3]}` };
  }
  const m = DATE_TIME_RE.exec(v);
  if (!m || valueType === 'DATE' || (valueType && valueType !== 'DATE-TIME')) {
    throw new IcsError(`${p.name} value '${value.slice(0, 40)}' is not a ${valueType === 'DATE' ? 'date (YYYYMMDD)' : 'date-time (YYYYMMDDTHHMMSS[Z])'}`, p.line);
  }
  // A leap second (60) is read as the last second of its minute.
  if (!isRealDate(+m[1]!, +m[2]!, +m[3]!) || +m[4]! > 23 || +m[5]! > 59 || +m[6]! > 60) {
    throw new IcsError(`${p.name} value '${v}' is not a real date-time`, p.line);
  }
  const wall = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] === '60' ? '59' : m[6]}`;
  if (m[7]) return { kind: 'utc', ms: Date.parse(`${wall}Z`) };
  const tzid = param(p, 'TZID');
  if (tzid === null) return { kind: 'floating', wall };
  const zone = ianaZone(tzid, zones);
  if (!zone) throw new IcsError(`${p.name} names TZID '${tzid.slice(0, 80)}', which is not a time zone this service knows (use an IANA name)`, p.line);
  return zone === 'UTC' ? { kind: 'utc', ms: Date.parse(`${wall}Z`) } : { kind: 'zoned', wall, tzid: zone };
}

const DURATION_RE = /^([+-])?P(?:(\d+)W|(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?)$/;

/** A DURATION value (§3.3.6) in seconds, signed (a day is 86,400 s); null when malformed. */
export function parseIcsDuration(text: string): number | null {
  const v = text.trim().toUpperCase();
  const m = DURATION_RE.exec(v);
  if (!m?.slice(2).some((g) => g !== undefined) || v.endsWith('T')) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  const seconds = n(2) * 604_800 + n(3) * 86_400 + n(4) * 3_600 + n(5) * 60 + n(6);
  return m[1] === '-' ? -seconds : seconds;
}

/** Seconds as a DURATION: whole days as `P<n>D` when `days` (all-day events), else exact `PT…`. */
export function icsDuration(seconds: number, days: boolean): string {
  if (days && seconds % 86_400 === 0) return `P${seconds / 86_400}D`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || (!h && !m) ? `${s}S` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface IcsParticipant {
  name: string | null;
  email: string | null;
  role: string | null;
}

/** One VEVENT to write: a series (master), a single event, or a changed occurrence (`recurrenceId`). */
export interface IcsEventOut {
  uid: string;
  /** DTSTAMP and LAST-MODIFIED. */
  modified: Date;
  created: Date;
  start: IcsTime;
  /** A DURATION value (icsDuration). */
  duration: string;
  summary: string;
  description: string | null;
  location: string | null;
  status: 'confirmed' | 'tentative' | 'cancelled';
  /** The RRULE value (after `RRULE:`). */
  rrule: string | null;
  exdates: IcsTime[];
  rdates: IcsTime[];
  recurrenceId: IcsTime | null;
  participants: IcsParticipant[];
  /** When the series' last occurrence ends (null: never), for the span its zone must cover. */
  endsAt: Date | null;
}

export interface IcsCalendarOut {
  name: string | null;
  events: IcsEventOut[];
}

const PRODID = '-//Agent Inbox//Records API//EN';

/** RFC 5545 roles for the API's role words, and back. */
// Maps, not object literals: a role is user text, and `constructor` must not find Object's.
const ROLES = new Map([['required', 'REQ-PARTICIPANT'], ['optional', 'OPT-PARTICIPANT'], ['chair', 'CHAIR'], ['non-participant', 'NON-PARTICIPANT']]);
const ROLE_WORDS = new Map([...ROLES].map(([k, v]) => [v, k]));

/** Whoever has no address gets Google's placeholder URI, so the name still travels. */
const NO_ADDRESS = 'invalid:nomail';

function line(name: string, params: ReadonlyArray<readonly [string, string]>, value: string): string {
  return foldLine(`${name}${params.map(([k, v]) => `;${k}=${paramValue(v)}`).join('')}:${value}`);
}

const timeLine = (name: string, t: IcsTime) => {
  const { params, value } = timeParts(t);
  return line(name, params, value);
};

/** EXDATE/RDATE lines: values of one form (date, UTC, one zone) share a line. */
function dateListLines(name: string, times: IcsTime[]): string[] {
  const groups = new Map<string, { params: Array<[string, string]>; values: string[] }>();
  for (const t of times) {
    const { params, value } = timeParts(t);
    const key = JSON.stringify(params);
    const g = groups.get(key) ?? { params, values: [] };
    g.values.push(value);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => line(name, g.params, g.values.join(',')));
}

function participantLines(list: IcsParticipant[]): string[] {
  let organizer = false;
  return list.map((p) => {
    const params: Array<[string, string]> = p.name ? [['CN', p.name]] : [];
    const address = p.email ? `mailto:${p.email}` : NO_ADDRESS;
    if (p.role === 'organizer' && !organizer && p.email) {
      organizer = true;
      return line('ORGANIZER', params, address);
    }
    const role = p.role ? ROLES.get(p.role) : undefined;
    if (role) params.push(['ROLE', role]);
    else if (p.role) params.push(['X-ROLE', p.role]);
    return line('ATTENDEE', params, address);
  });
}

function eventLines(e: IcsEventOut): string[] {
  return [
    'BEGIN:VEVENT',
    line('UID', [], escapeText(e.uid)),
    line('DTSTAMP', [], basicUtc(e.modified.getTime())),
    line('CREATED', [], basicUtc(e.created.getTime())),
    line('LAST-MODIFIED', [], basicUtc(e.modified.getTime())),
    ...(e.recurrenceId ? [timeLine('RECURRENCE-ID', e.recurrenceId)] : []),
    timeLine('DTSTART', e.start),
    line('DURATION', [], e.duration),
    ...(e.rrule ? [line('RRULE', [], e.rrule)] : []),
    ...dateListLines('EXDATE', e.exdates),
    ...dateListLines('RDATE', e.rdates),
    line('SUMMARY', [], escapeText(e.summary)),
    ...(e.description !== null ? [line('DESCRIPTION', [], escapeText(e.description))] : []),
    ...(e.location !== null ? [line('LOCATION', [], escapeText(e.location))] : []),
    line('STATUS', [], e.status.toUpperCase()),
    ...participantLines(e.participants),
    'END:VEVENT',
  ];
}

/** ±HHMM[SS] (§3.3.14). */
function utcOffset(ms: number): string {
  const total = Math.round(Math.abs(ms) / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const s = total % 60;
  return `${ms < 0 ? '-' : '+'}${two(Math.floor(total / 3600))}${two(Math.floor((total % 3600) / 60))}${s ? two(s) : ''}`;
}

const RANGE_YEARS: [number, number] = [1899, 2201];

/** A VTIMEZONE giving `tz` its real offsets from the start of `fromYear` through `toYear`. */
function vtimezoneLines(tz: string, fromYear: number, toYear: number): string[] {
  const out = ['BEGIN:VTIMEZONE', line('TZID', [], tz), line('X-LIC-LOCATION', [], tz)];
  for (const o of zoneObservances(tz, fromYear, toYear)) {
    const name = o.kind === 'daylight' ? 'DAYLIGHT' : 'STANDARD';
    out.push(
      `BEGIN:${name}`,
      line('DTSTART', [], basicWall(o.start)),
      ...(o.rule ? [line('RRULE', [], `FREQ=YEARLY;BYMONTH=${o.rule.month};BYDAY=${o.rule.byDay}${o.rule.untilMs !== null ? `;UNTIL=${basicUtc(o.rule.untilMs)}` : ''}`)] : []),
      line('TZOFFSETFROM', [], utcOffset(o.offsetFrom)),
      line('TZOFFSETTO', [], utcOffset(o.offsetTo)),
      `END:${name}`,
    );
  }
  out.push('END:VTIMEZONE');
  return out;
}

/**
 * The years each zone must cover: every time written in it, and for a series in its own zone
 * through its end (an endless one through `now` + 2 years; the zone's rules then run on).
 */
function zoneSpans(events: IcsEventOut[], now: Date): Map<string, [number, number]> {
  const spans = new Map<string, [number, number]>();
  const widen = (tz: string, lo: number, hi: number) => {
    const s = spans.get(tz);
    spans.set(tz, s ? [Math.min(s[0], lo), Math.max(s[1], hi)] : [lo, hi]);
  };
  for (const e of events) {
    for (const t of [e.start, ...e.exdates, ...e.rdates, ...(e.recurrenceId ? [e.recurrenceId] : [])]) {
      if (t.kind === 'zoned') widen(t.tzid, yearOf(t), yearOf(t));
    }
    if (e.start.kind === 'zoned') {
      const end = e.endsAt ? e.endsAt.getUTCFullYear() : Math.max(now.getUTCFullYear() + 2, yearOf(e.start));
      widen(e.start.tzid, yearOf(e.start), end);
    }
  }
  return spans;
}

/** A whole VCALENDAR, CRLF-terminated. */
export function writeCalendar(cal: IcsCalendarOut, now: Date): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', line('PRODID', [], PRODID), 'CALSCALE:GREGORIAN'];
  if (cal.name) lines.push(line('X-WR-CALNAME', [], escapeText(cal.name)));
  const spans = [...zoneSpans(cal.events, now)].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [tz, [lo, hi]] of spans) {
    lines.push(...vtimezoneLines(tz, Math.max(RANGE_YEARS[0], lo - 1), Math.min(RANGE_YEARS[1], hi + 1)));
  }
  for (const e of cal.events) lines.push(...eventLines(e));
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface IcsEventIn {
  uid: string;
  line: number;
  start: IcsTime;
  startLine: number;
  /** DTEND, when given. */
  end: IcsTime | null;
  endLine: number;
  /** DURATION in seconds (signed), when given. */
  durationSeconds: number | null;
  recurrenceId: IcsTime | null;
  summary: string | null;
  description: string | null;
  location: string | null;
  /** STATUS as written, upper-cased. */
  status: string | null;
  rrule: { value: string; line: number } | null;
  exdates: Array<{ time: IcsTime; line: number }>;
  rdates: Array<{ time: IcsTime; line: number }>;
  participants: IcsParticipant[];
}

/** The VEVENTs of one UID: the master (series or single event) and its changed occurrences. */
export interface IcsGroup {
  uid: string;
  master: IcsEventIn | null;
  instances: IcsEventIn[];
  /**
   * The calendar's own zone (`X-WR-TIMEZONE`, as Google and Apple write it) when it names one
   * this service knows: where its floating times and dates live. Null: the importer decides.
   */
  zone: string | null;
}

function one(c: Component, name: string, uid: string | null): Property | null {
  const found = c.props.filter((p) => p.name === name);
  if (found.length > 1) throw new IcsError(`${name} is given more than once in one VEVENT`, found[1]!.line, uid);
  return found[0] ?? null;
}

const textOf = (p: Property | null) => (p ? unescapeText(p.value) : null);

function participantOf(p: Property): IcsParticipant | null {
  const name = param(p, 'CN')?.trim() || null;
  const address = p.value.trim();
  const mailto = /^mailto:(.+)$/i.exec(address)?.[1];
  let email: string | null = null;
  if (mailto) {
    try {
      email = decodeURIComponent(mailto).trim().toLowerCase();
    } catch {
      email = mailto.trim().toLowerCase();
    }
  }
  const xRole = param(p, 'X-ROLE')?.trim().toLowerCase();
  const role = p.name === 'ORGANIZER' ? 'organizer' : xRole || (() => {
    const r = param(p, 'ROLE')?.trim().toUpperCase();
    return r ? (ROLE_WORDS.get(r) ?? r.toLowerCase()) : null;
  })();
  return name || email ? { name, email, role } : null;
}

function readEvent(c: Component, zones: ReadonlyMap<string, Component>): IcsEventIn {
  const uidProp = one(c, 'UID', null);
  const uid = uidProp ? unescapeText(uidProp.value).trim() : '';
  if (!uid) throw new IcsError('VEVENT has no UID', c.line);
  if (uid.length > 255) throw new IcsError('UID is longer than 255 characters', uidProp!.line, uid.slice(0, 40));
  const wrap = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof IcsError && e.uid === null) throw new IcsError(e.message, e.line, uid);
      throw e;
    }
  };
  return wrap(() => {
    const dtstart = one(c, 'DTSTART', uid);
    if (!dtstart) throw new IcsError('VEVENT has no DTSTART', c.line, uid);
    const dtend = one(c, 'DTEND', uid);
    const duration = one(c, 'DURATION', uid);
    if (dtend && duration) throw new IcsError('VEVENT has both DTEND and DURATION', duration.line, uid);
    const durationSeconds = duration ? parseIcsDuration(duration.value) : null;
    if (duration && durationSeconds === null) throw new IcsError(`DURATION '${duration.value.slice(0, 40)}' is not an RFC 5545 duration`, duration.line, uid);
    const exrule = c.props.find((p) => p.name === 'EXRULE');
    if (exrule) throw new IcsError('EXRULE is not supported (RFC 5545 deprecated it); use EXDATE', exrule.line, uid);
    const rrules = c.props.filter((p) => p.name === 'RRULE');
    if (rrules.length > 1) throw new IcsError('only one RRULE per VEVENT is supported', rrules[1]!.line, uid);
    const recurrence = one(c, 'RECURRENCE-ID', uid);
    if (recurrence && param(recurrence, 'RANGE')) throw new IcsError('RECURRENCE-ID with RANGE (this and future) is not supported', recurrence.line, uid);
    const dates = (name: 'EXDATE' | 'RDATE') => c.props.filter((p) => p.name === name).flatMap((p) => {
      if (param(p, 'VALUE')?.toUpperCase() === 'PERIOD') throw new IcsError(`${name};VALUE=PERIOD is not supported`, p.line, uid);
      return p.value.split(',').map((v) => ({ time: readTime(v, p, zones), line: p.line }));
    });
    const organizer = c.props.find((p) => p.name === 'ORGANIZER');
    const organizerEmail = organizer ? participantOf(organizer)?.email : null;
    const participants = c.props
      .filter((p) => p.name === 'ORGANIZER' || p.name === 'ATTENDEE')
      // Many writers list the organizer among the attendees too: once is enough.
      .filter((p) => !(p.name === 'ATTENDEE' && organizerEmail && participantOf(p)?.email === organizerEmail))
      .map(participantOf)
      .filter((p): p is IcsParticipant => p !== null);
    return {
      uid, line: c.line,
      start: readTime(dtstart.value, dtstart, zones), startLine: dtstart.line,
      end: dtend ? readTime(dtend.value, dtend, zones) : null, endLine: dtend?.line ?? dtstart.line,
      durationSeconds,
      recurrenceId: recurrence ? readTime(recurrence.value, recurrence, zones) : null,
      summary: textOf(one(c, 'SUMMARY', uid)),
      description: textOf(one(c, 'DESCRIPTION', uid)),
      location: textOf(one(c, 'LOCATION', uid)),
      status: one(c, 'STATUS', uid)?.value.trim().toUpperCase() ?? null,
      rrule: rrules[0] ? { value: rrules[0].value.trim(), line: rrules[0].line } : null,
      exdates: dates('EXDATE'),
      rdates: dates('RDATE'),
      participants,
    };
  });
}

const timeKey = (t: IcsTime) => JSON.stringify(t);

/**
 * The VEVENTs of every VCALENDAR in the bytes, grouped by UID in order of appearance. Other
 * components (VTODO, VJOURNAL, VFREEBUSY, VALARM inside events) are not events and are left
 * alone; VTIMEZONEs only help name the zones TZIDs mean.
 */
export function readCalendar(bytes: Uint8Array): IcsGroup[] {
  const top = parseComponents(unfoldLines(bytes));
  if (top.length === 0) throw new IcsError('the body holds no VCALENDAR');
  const stray = top.find((c) => c.name !== 'VCALENDAR');
  if (stray) throw new IcsError(`BEGIN:${stray.name} is outside a VCALENDAR`, stray.line);
  const zones = new Map<string, Component>();
  for (const cal of top) {
    for (const tz of cal.children.filter((c) => c.name === 'VTIMEZONE')) {
      const id = tz.props.find((p) => p.name === 'TZID')?.value.trim();
      if (id) zones.set(id, tz);
    }
  }
  const groups = new Map<string, IcsGroup>();
  for (const cal of top) {
    // Advisory: a name no zone answers to is ignored, not refused.
    const named = cal.props.find((p) => p.name === 'X-WR-TIMEZONE')?.value.trim();
    const calendarZone = named ? ianaZone(named, zones) : null;
    for (const c of cal.children.filter((x) => x.name === 'VEVENT')) {
      const e = readEvent(c, zones);
      const g = groups.get(e.uid) ?? { uid: e.uid, master: null, instances: [], zone: calendarZone };
      groups.set(e.uid, g);
      if (!e.recurrenceId) {
        if (g.master) throw new IcsError(`a second VEVENT with this UID and no RECURRENCE-ID (the first is at line ${g.master.line})`, e.line, e.uid);
        g.master = e;
      } else {
        const key = timeKey(e.recurrenceId);
        const twin = g.instances.find((i) => timeKey(i.recurrenceId!) === key);
        if (twin) throw new IcsError(`a second VEVENT for the same RECURRENCE-ID (the first is at line ${twin.line})`, e.line, e.uid);
        g.instances.push(e);
      }
    }
  }
  return [...groups.values()];
}
