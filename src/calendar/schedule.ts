/**
 * The time side of an event: parsing `start` / `duration` / `recurrence_rules` and deriving the
 * stored columns the window queries and the reminder scan rely on (`start_at`, `start_local`,
 * `series_end_at`, `next_occurrence_at`).
 */
import { ApiError } from '../http/errors';
import { readTime } from '../time/parse';
import { MAX_DURATION_SECONDS, parseDuration } from '../time/duration';
import {
  nextOccurrenceAtOrAfter, parseRecurrenceRules, seriesEnd, type SeriesSpec,
} from '../time/recurrence';
import { DAY_MS, canonicalTimeZone, formatWallMs, instantToWall, offsetMsAt, wallToInstant } from '../time/zones';
import {
  RANGE_FIRST_YEAR, RANGE_LAST_YEAR, RANGE_MAX_MS, RANGE_TEXT, clampToRange, rangeProblem, timeFailureMessage, type RangeKind,
} from '../time/range';

export interface Schedule {
  timeZone: string;
  startLocal: string;
  startAt: Date;
  duration: string;
  durationSeconds: number;
  recurrenceRules: string[];
  isRecurring: boolean;
  seriesEndAt: Date | null;
  nextOccurrenceAt: Date | null;
}

export function zoneName(tz: string): string {
  return canonicalTimeZone(tz) ?? tz;
}

/**
 * A Time Utils input as an instant. `zone` reads a naive input (explicit `time_zone`), else
 * `fallbackZone`, else UTC — the order of docs/time.md. With `dateZone`, a date-only input
 * (`2024-06-10`, `tomorrow`) is a calendar date and means midnight in that zone: an all-day
 * event moved to another date stays all-day in its own zone whatever zone the user reads it in.
 * An instant outside the supported range (src/time/range.ts) is a 400 naming `field`; `kind`
 * says whether it is a start / inclusive bound or an exclusive end bound (`before`).
 */
export function parseStart(
  input: string, field: string, zone: string | null, fallbackZone: string | null, now: Date, dateZone?: string, kind: RangeKind = 'instant',
): Date {
  return parseStartWall(input, field, zone, fallbackZone, now, dateZone, kind).instant;
}

/**
 * As parseStart, plus the wall time as the user wrote it. The two differ only inside a
 * spring-forward gap: 02:30 New York on Mar 10, 2024 is the instant of 03:30 EDT, but a series
 * starting there keeps 02:30 as its time of day (docs/time.md: only occurrences in a gap move).
 */
export function parseStartWall(
  input: string, field: string, zone: string | null, fallbackZone: string | null, now: Date, dateZone?: string, kind: RangeKind = 'instant',
): { instant: Date; wall: string } {
  const parsed = readTime(input, { timeZone: zone, defaultTimeZone: fallbackZone, reference: now });
  if (typeof parsed === 'string') throw ApiError.field(field, timeFailureMessage(parsed, input));
  const midnight = dateZone && parsed.date_only ? `${parsed.local.slice(0, 10)}T00:00:00` : null;
  const instant = midnight && dateZone ? wallToInstant(midnight, dateZone).instant : parsed.instant;
  const problem = rangeProblem(instant.getTime(), kind);
  if (problem) throw ApiError.field(field, problem);
  const ms = instant.getTime();
  // In a gap the instant is the written wall read with the offset before the gap.
  const wall = midnight ?? (parsed.adjusted === 'dst_gap' ? formatWallMs(ms + offsetMsAt(ms - DAY_MS, parsed.time_zone)) : parsed.local);
  return { instant, wall };
}

/**
 * Refuses a start outside the supported range, or an end (start + duration) past it, naming the
 * fields of the request that put it there: `startFields` for the start (`start`, or `time_zone`
 * when a new zone alone moved it), `endFields` for the end (`start` and/or `duration`).
 */
export function assertSpanInRange(startAt: Date, durationSeconds: number, startFields: string[], endFields: string[]): void {
  const startProblem = rangeProblem(startAt.getTime());
  const problem = startProblem ?? rangeProblem(startAt.getTime() + durationSeconds * 1000, 'end');
  if (!problem) return;
  const fields = startProblem ? startFields : endFields;
  throw ApiError.validation((fields.length ? fields : ['start']).map((path) => ({ path, message: problem })));
}

export function parseEventDuration(input: string, field = 'duration'): { iso: string; seconds: number } {
  const d = parseDuration(input);
  if (!d) throw ApiError.field(field, `"${input}" is not a positive duration (ISO 8601 such as PT1H, or e.g. "90 min"), at most ${MAX_DURATION_SECONDS / 86_400} days`);
  return { iso: d.iso, seconds: d.seconds };
}

/** Normalised lines: the RRULE first, then EXDATE, then RDATE values, one per line. */
export function normaliseRules(lines: string[]): { lines: string[]; recurring: boolean } {
  const r = parseRecurrenceRules(lines);
  if (!r.ok) throw ApiError.field(`recurrence_rules.${r.line}`, r.message);
  return {
    lines: [...(r.rrule ? [r.rrule] : []), ...r.exdates, ...r.rdates],
    // Only an RRULE or an RDATE makes more than one occurrence; EXDATEs alone change nothing.
    recurring: r.rrule !== null || r.rdates.length > 0,
  };
}

/**
 * Refuses (400 naming the line) an RDATE outside the supported range: an RDATE is an occurrence
 * start, so it keeps to the range as `start` does (judged by its written year; a local value
 * near the edge lies less than a day from it). One far out would otherwise become a next
 * occurrence beyond what the database stores (year 10000 in a zone west of UTC). For rules the
 * request sends; stored ones are only clamped (buildSchedule).
 */
export function assertRulesInRange(lines: string[]): void {
  lines.forEach((line, i) => {
    const m = /^\s*RDATE[^:]*:(.*)$/i.exec(line);
    for (const value of m ? m[1]!.split(',') : []) {
      const year = Number(value.trim().slice(0, 4));
      if (year < RANGE_FIRST_YEAR || year > RANGE_LAST_YEAR) {
        throw ApiError.field(`recurrence_rules.${i}`, `RDATE ${value.trim()} is outside the supported range, ${RANGE_TEXT}`);
      }
    }
  });
}

function specOf(s: { startLocal: string; timeZone: string; durationSeconds: number; recurrenceRules: string[] }): SeriesSpec {
  return { startLocal: s.startLocal, timeZone: s.timeZone, durationSeconds: s.durationSeconds, rules: s.recurrenceRules };
}

/**
 * Derives every stored time column from the zone, the start instant, the duration and the rules.
 * `startLocal` is the wall time as written (parseStartWall) or as stored; it is kept when it
 * names `startAt` in the zone (a gap wall does), else the wall is read off the instant.
 */
export function buildSchedule(
  input: { timeZone: string; startAt: Date; startLocal?: string; duration: { iso: string; seconds: number }; rules: string[] }, now: Date,
): Schedule {
  const { lines, recurring } = normaliseRules(input.rules);
  const written = input.startLocal;
  const second = Math.floor(input.startAt.getTime() / 1000) * 1000;
  const startLocal = written !== undefined && wallToInstant(written, input.timeZone).instant.getTime() === second
    ? written : instantToWall(input.startAt, input.timeZone);
  // The series expands from its wall time; a start given with an offset that names the later of
  // two repeated wall times is kept as the instant that wall time resolves to.
  const startAt = recurring ? wallToInstant(startLocal, input.timeZone).instant : new Date(Math.floor(input.startAt.getTime() / 1000) * 1000);
  const base = {
    timeZone: input.timeZone, startLocal, startAt, duration: input.duration.iso, durationSeconds: input.duration.seconds,
    recurrenceRules: lines, isRecurring: recurring,
  };
  // Callers check the start and first end against the supported range (assertSpanInRange); what
  // the rules generate beyond it (an UNTIL or RDATE up to year 9999) is clamped to its end, as
  // no window reaches further, and a next occurrence past it counts as none.
  if (!recurring) {
    return { ...base, seriesEndAt: new Date(clampToRange(startAt.getTime() + base.durationSeconds * 1000)), nextOccurrenceAt: startAt };
  }
  const spec = specOf(base);
  const end = seriesEnd(spec);
  const next = nextOccurrenceAtOrAfter(spec, now);
  return {
    ...base,
    seriesEndAt: end && new Date(clampToRange(end.getTime())),
    nextOccurrenceAt: next && next.getTime() < RANGE_MAX_MS ? new Date(clampToRange(next.getTime())) : null,
  };
}
