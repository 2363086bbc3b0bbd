/**
 * Between stored events and iCalendar events (src/calendar/ics.ts). Pure: the service reads
 * and writes the rows.
 *
 * Out: a series is one VEVENT with its RRULE/EXDATE/RDATE, its changed occurrences extra
 * VEVENTs with RECURRENCE-ID. A timed event is written in its own zone (DTSTART;TZID=…, or UTC
 * with `Z` for a UTC event) from the wall time it was written with, so a reader expands it on
 * the same wall clock; an all-day event (local midnight, whole days) as DATE values. The
 * stored rule forms RFC 5545 does not share are rewritten to ones it does, with the same
 * occurrences: a floating EXDATE/RDATE gets the event's TZID, a date UNTIL of a timed series
 * becomes the UTC instant its day ends, a date EXDATE of a timed series the occurrences of that
 * date, a date RDATE the series' time of day on it. Durations are exact (`PT24H`, not `P1D`)
 * for timed events, as this API's are.
 *
 * In: each UID becomes the stored fields and schedule it would have; the service compares them
 * with what is stored to tell created, updated and skipped apart.
 */
import { parseRecurrence, type DateValue } from '../time/recurrence-rules';
import { occurrencesInWindow } from '../time/recurrence';
import { isOccurrence } from '../time/occurrences';
import { formatDuration, MAX_DURATION_SECONDS } from '../time/duration';
import { rangeProblem } from '../time/range';
import { addDays, instantToWall, localDate, wallToInstant } from '../time/zones';
import { IcsError, icsDuration, type IcsEventIn, type IcsEventOut, type IcsGroup, type IcsParticipant, type IcsTime } from './ics';
import type { OverrideRecord } from './event-store';
import { isAllDay, occurrenceTiming } from './event-view';
import { buildSchedule, type Schedule } from './schedule';
import { CreateEvent, type EventStatus } from './schemas';


/** What an event says, apart from when. */
export interface EventFields {
  title: string;
  description: string | null;
  location: string | null;
  status: EventStatus;
  participants: IcsParticipant[];
}

/** A stored event as the interchange reads it. */
export interface StoredEvent extends Schedule, EventFields {
  id: string;
  uid: string | null;
  calendarId: string;
  createdAt: Date;
  updatedAt: Date;
  overrides: OverrideRecord[];
}

// ---------------------------------------------------------------------------------------------
// Out

const MIDNIGHT = 'T00:00:00';

/** How an event's times are written: its zone, and whether as dates. */
interface Form {
  zone: string;
  allDay: boolean;
}

const atInstant = (f: Form, ms: number): IcsTime =>
  f.zone === 'UTC' ? { kind: 'utc', ms } : { kind: 'zoned', wall: instantToWall(new Date(ms), f.zone), tzid: f.zone };

const atWall = (f: Form, wall: string): IcsTime =>
  f.zone === 'UTC' ? { kind: 'utc', ms: Date.parse(`${wall}Z`) } : { kind: 'zoned', wall, tzid: f.zone };

/** The instant a stored EXDATE/RDATE value names (a date: at `timeOfDay` on it). */
function instantOf(v: DateValue, zone: string, timeOfDay: string): number {
  if (v.kind === 'utc') return v.ms;
  if (v.kind === 'date') return wallToInstant(`${v.date}${timeOfDay}`, zone).instant.getTime();
  return wallToInstant(v.wall, v.tzid ?? zone).instant.getTime();
}

/** A stored date-time value as iCalendar writes it: a floating one in the event's zone. */
function dateTimeOf(v: Exclude<DateValue, { kind: 'date' }>, f: Form): IcsTime {
  if (v.kind === 'utc') return { kind: 'utc', ms: v.ms };
  if (v.tzid && v.tzid !== 'UTC') return { kind: 'zoned', wall: v.wall, tzid: v.tzid };
  return v.tzid === 'UTC' ? { kind: 'utc', ms: Date.parse(`${v.wall}Z`) } : atWall(f, v.wall);
}

const isLocalMidnight = (ms: number, zone: string) => instantToWall(new Date(ms), zone).endsWith(MIDNIGHT);

/** The RRULE/EXDATE/RDATE of a series in RFC 5545's terms, and whether it can be written as dates. */
function seriesRules(ev: StoredEvent) {
  const parsed = parseRecurrence(ev.recurrenceRules);
  if (!parsed.ok) throw new RangeError(`stored rules of ${ev.id} do not parse: ${parsed.message}`);
  const { rrule, exdates, rdates } = parsed.value;
  const timeOfDay = ev.startLocal.slice(10);
  const allDay = isAllDay(ev.startLocal, ev.durationSeconds) &&
    rdates.every((v) => v.kind === 'date' || isLocalMidnight(instantOf(v, ev.timeZone, timeOfDay), ev.timeZone));
  const f: Form = { zone: ev.timeZone, allDay };
  let rule: string | null = null;
  if (rrule) {
    rule = rrule.line.slice('RRULE:'.length);
    const u = rrule.until;
    if (u) {
      // A date UNTIL includes its whole day in the event's zone (src/time/series.ts).
      const untilMs = instantOf(u, ev.timeZone, 'T23:59:59');
      const value = allDay ? localDate(new Date(untilMs), ev.timeZone).replace(/-/g, '') : `${new Date(untilMs).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
      rule = rule.replace(/(^|;)UNTIL=[^;]*/, `$1UNTIL=${value}`);
    }
  }
  const withoutDateExdates = ev.recurrenceRules.filter((l) => !/^EXDATE;VALUE=DATE:/i.test(l));
  const ex: IcsTime[] = [];
  for (const v of exdates) {
    if (allDay) {
      if (v.kind === 'date') ex.push(v);
      else {
        // A date-time that is not a local midnight excludes nothing from an all-day series.
        const ms = instantOf(v, ev.timeZone, MIDNIGHT);
        if (isLocalMidnight(ms, ev.timeZone)) ex.push({ kind: 'date', date: localDate(new Date(ms), ev.timeZone) });
      }
    } else if (v.kind === 'date') {
      // Every occurrence starting on that local date.
      const from = wallToInstant(`${v.date}${MIDNIGHT}`, ev.timeZone).instant;
      const to = wallToInstant(`${addDays(v.date, 1)}${MIDNIGHT}`, ev.timeZone).instant;
      const spec = { startLocal: ev.startLocal, timeZone: ev.timeZone, durationSeconds: 0, rules: withoutDateExdates };
      for (const d of occurrencesInWindow(spec, from, to)) ex.push(atInstant(f, d.getTime()));
    } else {
      ex.push(dateTimeOf(v, f));
    }
  }
  const rd: IcsTime[] = rdates.map((v) => {
    if (allDay) return v.kind === 'date' ? v : { kind: 'date', date: localDate(new Date(instantOf(v, ev.timeZone, MIDNIGHT)), ev.timeZone) };
    return v.kind === 'date' ? atWall(f, `${v.date}${timeOfDay}`) : dateTimeOf(v, f);
  });
  return { f, rule, ex, rd };
}

const latest = (a: Date, b: Date) => (a > b ? a : b);

/** One occurrence as its own VEVENT (RECURRENCE-ID: its original start). */
function instanceOut(ev: StoredEvent, f: Form, originalStart: Date, o: OverrideRecord | undefined): IcsEventOut {
  const t = occurrenceTiming(ev, originalStart, o ?? undefined);
  const allDay = f.allDay && isAllDay(t.startLocal, t.durationSeconds);
  return {
    uid: ev.uid ?? ev.id,
    created: ev.createdAt,
    modified: o ? latest(o.updatedAt, ev.updatedAt) : ev.updatedAt,
    recurrenceId: f.allDay ? { kind: 'date', date: localDate(originalStart, ev.timeZone) } : atInstant(f, originalStart.getTime()),
    start: allDay ? { kind: 'date', date: t.startLocal.slice(0, 10) } : atWall(f, t.startLocal),
    duration: icsDuration(t.durationSeconds, allDay),
    summary: o?.title ?? ev.title,
    description: o?.description ?? ev.description,
    location: o?.location ?? ev.location,
    status: o?.status ?? ev.status,
    rrule: null, exdates: [], rdates: [],
    participants: ev.participants,
    endsAt: new Date(t.startAt.getTime() + t.durationSeconds * 1000),
  };
}

/**
 * The VEVENTs of one stored event. With `dropCancelled` (a feed), a cancelled occurrence is an
 * EXDATE instead of a VEVENT saying CANCELLED.
 */
export function eventToIcs(ev: StoredEvent, opts: { dropCancelled: boolean }): IcsEventOut[] {
  const { f, rule, ex, rd } = ev.isRecurring
    ? seriesRules(ev)
    : { f: { zone: ev.timeZone, allDay: isAllDay(ev.startLocal, ev.durationSeconds) }, rule: null, ex: [], rd: [] };
  const instances: IcsEventOut[] = [];
  for (const o of ev.isRecurring ? ev.overrides : []) {
    // A change whose occurrence the series no longer generates names nothing.
    if (!isOccurrence(ev, o.originalStartAt)) continue;
    if (opts.dropCancelled && o.status === 'cancelled') {
      ex.push(f.allDay ? { kind: 'date', date: localDate(o.originalStartAt, ev.timeZone) } : atInstant(f, o.originalStartAt.getTime()));
    } else {
      instances.push(instanceOut(ev, f, o.originalStartAt, o));
    }
  }
  const master: IcsEventOut = {
    uid: ev.uid ?? ev.id,
    created: ev.createdAt,
    modified: ev.updatedAt,
    recurrenceId: null,
    start: f.allDay ? { kind: 'date', date: ev.startLocal.slice(0, 10) } : ev.timeZone === 'UTC' ? { kind: 'utc', ms: ev.startAt.getTime() } : atWall(f, ev.startLocal),
    duration: icsDuration(ev.durationSeconds, f.allDay),
    summary: ev.title,
    description: ev.description,
    location: ev.location,
    status: ev.status,
    rrule: rule,
    exdates: ex,
    rdates: rd,
    participants: ev.participants,
    endsAt: ev.seriesEndAt,
  };
  return [master, ...instances];
}

/** One occurrence of a series alone: the VEVENT a reader files under the series' UID. */
export function occurrenceToIcs(ev: StoredEvent, originalStart: Date): IcsEventOut {
  const f: Form = { zone: ev.timeZone, allDay: ev.isRecurring ? seriesRules(ev).f.allDay : false };
  return instanceOut(ev, f, originalStart, ev.overrides.find((o) => o.originalStartAt.getTime() === originalStart.getTime()));
}

// ---------------------------------------------------------------------------------------------
// In

/** A changed occurrence as it would be stored (null: the series' value). */
export type ImportedOverride = Omit<OverrideRecord, 'armedAt' | 'updatedAt'>;

/** One UID as it would be stored. */
export interface ImportedEvent {
  uid: string;
  fields: EventFields;
  schedule: Schedule;
  overrides: ImportedOverride[];
}

const STATUSES: Record<string, EventStatus> = { CONFIRMED: 'confirmed', TENTATIVE: 'tentative', CANCELLED: 'cancelled' };

const basic = (s: string) => s.replace(/[-:]/g, '');

/** A time as an instant, a floating (or date) one read in `zone`. */
function instantIn(t: IcsTime, zone: string): Date {
  switch (t.kind) {
    case 'utc': return new Date(t.ms);
    case 'date': return wallToInstant(`${t.date}${MIDNIGHT}`, zone).instant;
    case 'zoned': return wallToInstant(t.wall, t.tzid).instant;
    default: return wallToInstant(t.wall, zone).instant;
  }
}

/** A time as a stored EXDATE/RDATE line. */
function ruleLine(name: 'EXDATE' | 'RDATE', t: IcsTime): string {
  switch (t.kind) {
    case 'date': return `${name};VALUE=DATE:${basic(t.date)}`;
    case 'utc': return `${name}:${basic(new Date(t.ms).toISOString().slice(0, 19))}Z`;
    case 'zoned': return `${name};TZID=${t.tzid}:${basic(t.wall)}`;
    default: return `${name}:${basic(t.wall)}`;
  }
}

const FieldsInput = CreateEvent.pick({ title: true, description: true, location: true, participants: true });

/** What a VEVENT says, checked as the API checks an event (lengths, addresses, counts). */
function fieldsOf(e: IcsEventIn): EventFields {
  const status = e.status === null ? 'confirmed' : STATUSES[e.status];
  if (!status) throw new IcsError(`STATUS '${e.status}' is not CONFIRMED, TENTATIVE or CANCELLED`, e.line, e.uid);
  const checked = FieldsInput.safeParse({
    title: e.summary?.trim() || '(no title)', description: e.description, location: e.location, participants: e.participants,
  });
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new IcsError(`${issue.path.join('.') || 'event'}: ${issue.message}`, e.line, e.uid);
  }
  const v = checked.data;
  return {
    title: v.title, description: v.description ?? null, location: v.location ?? null, status,
    participants: v.participants.map((p) => ({ name: p.name ?? null, email: p.email ?? null, role: p.role ?? null })),
  };
}

/** The event's length in seconds: DTEND − DTSTART, or DURATION, or a day for a date. */
function durationOf(e: IcsEventIn, startAt: Date, zone: string): { iso: string; seconds: number } {
  let seconds: number;
  if (e.end) {
    if ((e.end.kind === 'date') !== (e.start.kind === 'date')) throw new IcsError('DTEND must be a date when DTSTART is, and a date-time when it is', e.endLine, e.uid);
    seconds = Math.round((instantIn(e.end, zone).getTime() - startAt.getTime()) / 1000);
    // Dates count whole days whatever the zone's DST does between them.
    if (e.end.kind === 'date' && e.start.kind === 'date') seconds = Math.round(seconds / 86_400) * 86_400;
  } else if (e.durationSeconds !== null) {
    seconds = e.durationSeconds;
  } else if (e.start.kind === 'date') {
    seconds = 86_400;
  } else {
    throw new IcsError('VEVENT has neither DTEND nor DURATION; events here last at least a second', e.startLine, e.uid);
  }
  if (seconds <= 0) throw new IcsError('the event ends before it starts (or lasts no time)', e.endLine, e.uid);
  if (seconds > MAX_DURATION_SECONDS) throw new IcsError(`the event lasts longer than ${MAX_DURATION_SECONDS / 86_400} days`, e.endLine, e.uid);
  return { iso: formatDuration(seconds).iso, seconds };
}

const RecurrenceInput = CreateEvent.shape.recurrence_rules;

/**
 * A master VEVENT (series or single event) as it would be stored. `fallbackZone` is where a
 * floating or date DTSTART lives (the inbox's zone, else UTC).
 */
function masterOf(e: IcsEventIn, fallbackZone: string, now: Date): { fields: EventFields; schedule: Schedule } {
  const fields = fieldsOf(e);
  const zone = e.start.kind === 'zoned' ? e.start.tzid : e.start.kind === 'utc' ? 'UTC' : fallbackZone;
  const startAt = instantIn(e.start, zone);
  const startLocal = e.start.kind === 'zoned' || e.start.kind === 'floating' ? e.start.wall
    : e.start.kind === 'date' ? `${e.start.date}${MIDNIGHT}` : instantToWall(startAt, 'UTC');
  const duration = durationOf(e, startAt, zone);
  const problem = rangeProblem(startAt.getTime()) ?? rangeProblem(startAt.getTime() + duration.seconds * 1000, 'end');
  if (problem) throw new IcsError(`DTSTART: ${problem}`, e.startLine, e.uid);

  const lines: string[] = [];
  const lineNumbers: number[] = [];
  if (e.rrule) {
    // A floating UNTIL of a timed series is a wall time in its zone: as an instant, it means the
    // same wherever the series ends up being read.
    const value = e.rrule.value.replace(/(^|;)UNTIL=(\d{8}T\d{6})(?=;|$)/i, (_, pre: string, v: string) =>
      `${pre}UNTIL=${basic(wallToInstant(`${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}T${v.slice(9, 11)}:${v.slice(11, 13)}:${v.slice(13, 15)}`, zone).instant.toISOString().slice(0, 19))}Z`);
    lines.push(`RRULE:${value}`);
    lineNumbers.push(e.rrule.line);
  }
  for (const x of e.exdates) { lines.push(ruleLine('EXDATE', x.time)); lineNumbers.push(x.line); }
  for (const x of e.rdates) { lines.push(ruleLine('RDATE', x.time)); lineNumbers.push(x.line); }
  const checked = RecurrenceInput.safeParse(lines);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const at = typeof issue.path[0] === 'number' ? lineNumbers[issue.path[0]] ?? e.line : e.line;
    throw new IcsError(issue.message.replace(/^line \d+: /, ''), at, e.uid);
  }
  for (const [i, l] of lines.entries()) {
    const m = /^RDATE[^:]*:(\d{4})/.exec(l);
    if (m && rangeProblem(Date.UTC(Number(m[1]), 6, 1))) throw new IcsError(`RDATE ${l.slice(l.indexOf(':') + 1)} is outside the supported range`, lineNumbers[i]!, e.uid);
  }
  const schedule = buildSchedule({ timeZone: zone, startAt, startLocal, duration, rules: lines }, now);
  return { fields, schedule };
}

/** A changed occurrence (a VEVENT with RECURRENCE-ID) as it would be stored against `base`. */
function overrideOf(i: IcsEventIn, base: { fields: EventFields; schedule: Schedule }): ImportedOverride | null {
  const s = base.schedule;
  const originalStartAt = instantIn(i.recurrenceId!, s.timeZone);
  if (!s.isRecurring || !isOccurrence(s, originalStartAt)) {
    throw new IcsError('RECURRENCE-ID names no occurrence of the series', i.line, i.uid);
  }
  const fields = fieldsOf(i);
  const startAt = instantIn(i.start, s.timeZone);
  const duration = i.end || i.durationSeconds !== null ? durationOf(i, startAt, s.timeZone) : { iso: s.duration, seconds: s.durationSeconds };
  const problem = rangeProblem(startAt.getTime()) ?? rangeProblem(startAt.getTime() + duration.seconds * 1000, 'end');
  if (problem) throw new IcsError(`DTSTART: ${problem}`, i.startLine, i.uid);
  const moved = startAt.getTime() !== originalStartAt.getTime();
  const differ = <T>(v: T, series: T) => (v === series ? null : v);
  // What the occurrence does not say (no SUMMARY, no STATUS…) it keeps from the series.
  const o: ImportedOverride = {
    originalStartAt,
    title: i.summary === null ? null : differ(fields.title, base.fields.title),
    description: differ(fields.description, base.fields.description),
    location: differ(fields.location, base.fields.location),
    status: i.status === null ? null : differ(fields.status, base.fields.status),
    startAt: moved ? startAt : null,
    startLocal: moved ? (i.start.kind === 'zoned' && i.start.tzid === s.timeZone ? i.start.wall : instantToWall(startAt, s.timeZone)) : null,
    duration: duration.seconds !== s.durationSeconds ? duration.iso : null,
    durationSeconds: duration.seconds !== s.durationSeconds ? duration.seconds : null,
  };
  const changed = o.title !== null || o.description !== null || o.location !== null || o.status !== null || o.startAt !== null || o.duration !== null;
  return changed ? o : null;
}

/**
 * One UID as it would be stored. A file with only changed occurrences of a UID changes those
 * occurrences of the stored series (`stored`); without one it is refused.
 */
export function importedEvent(
  g: IcsGroup, fallbackZone: string, now: Date, stored: { fields: EventFields; schedule: Schedule; overrides: ImportedOverride[] } | null,
): ImportedEvent {
  const base = g.master ? masterOf(g.master, fallbackZone, now) : stored;
  if (!base) throw new IcsError('has only RECURRENCE-ID VEVENTs and no series to change (neither in the file nor in the calendar)', g.instances[0]!.line, g.uid);
  if (g.instances.length > 0 && !base.schedule.isRecurring) {
    throw new IcsError('RECURRENCE-ID on an event that does not recur', g.instances[0]!.line, g.uid);
  }
  const overrides = new Map<number, ImportedOverride>();
  // Changes only: the stored series keeps its other changed occurrences.
  if (!g.master && stored) for (const o of stored.overrides) overrides.set(o.originalStartAt.getTime(), o);
  for (const i of g.instances) {
    const o = overrideOf(i, base);
    const key = instantIn(i.recurrenceId!, base.schedule.timeZone).getTime();
    if (o) overrides.set(key, o);
    else overrides.delete(key);
  }
  return {
    uid: g.uid, fields: base.fields, schedule: base.schedule,
    overrides: [...overrides.values()].sort((a, b) => a.originalStartAt.getTime() - b.originalStartAt.getTime()),
  };
}
