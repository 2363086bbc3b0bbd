/**
 * The time side of an event: parsing `start` / `duration` / `recurrence_rules` and deriving the
 * stored columns the window queries and the reminder scan rely on (`start_at`, `start_local`,
 * `series_end_at`, `next_occurrence_at`).
 */
import { ApiError } from '../http/errors';
import { parseTime } from '../time/parse';
import { parseDuration } from '../time/duration';
import {
  nextOccurrenceAtOrAfter, occurrencesInWindow, parseRecurrenceRules, seriesEnd, type SeriesSpec,
} from '../time/recurrence';
import { canonicalTimeZone, instantToWall, wallToInstant } from '../time/zones';

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
 * `fallbackZone`, else UTC — the order of API.md §3. With `dateZone`, a date-only input
 * (`2024-06-10`, `tomorrow`) is a calendar date and means midnight in that zone: an all-day
 * event moved to another date stays all-day in its own zone whatever zone the user reads it in.
 */
export function parseStart(input: string, field: string, zone: string | null, fallbackZone: string | null, now: Date, dateZone?: string): Date {
  const parsed = parseTime(input, { timeZone: zone, defaultTimeZone: fallbackZone, reference: now });
  if (!parsed) throw ApiError.field(field, `could not understand "${input}" as a time`);
  if (dateZone && parsed.date_only) return wallToInstant(`${parsed.local.slice(0, 10)}T00:00:00`, dateZone).instant;
  return parsed.instant;
}

export function parseEventDuration(input: string, field = 'duration'): { iso: string; seconds: number } {
  const d = parseDuration(input);
  if (!d) throw ApiError.field(field, `"${input}" is not a positive duration (ISO 8601 such as PT1H, or e.g. "90 min"), at most 366 days`);
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

export function specOf(s: { startLocal: string; timeZone: string; durationSeconds: number; recurrenceRules: string[] }): SeriesSpec {
  return { startLocal: s.startLocal, timeZone: s.timeZone, durationSeconds: s.durationSeconds, rules: s.recurrenceRules };
}

/** Derives every stored time column from the zone, the start instant, the duration and the rules. */
export function buildSchedule(input: { timeZone: string; startAt: Date; duration: { iso: string; seconds: number }; rules: string[] }, now: Date): Schedule {
  const { lines, recurring } = normaliseRules(input.rules);
  const startLocal = instantToWall(input.startAt, input.timeZone);
  // The series expands from its wall time; a start given with an offset that names the later of
  // two repeated wall times is kept as the instant that wall time resolves to.
  const startAt = recurring ? wallToInstant(startLocal, input.timeZone).instant : new Date(Math.floor(input.startAt.getTime() / 1000) * 1000);
  const base = {
    timeZone: input.timeZone, startLocal, startAt, duration: input.duration.iso, durationSeconds: input.duration.seconds,
    recurrenceRules: lines, isRecurring: recurring,
  };
  if (!recurring) {
    return { ...base, seriesEndAt: new Date(startAt.getTime() + base.durationSeconds * 1000), nextOccurrenceAt: startAt };
  }
  const spec = specOf(base);
  return { ...base, seriesEndAt: seriesEnd(spec), nextOccurrenceAt: nextOccurrenceAtOrAfter(spec, now) };
}

/** Whether `start` is an occurrence of the series (exclusions applied). */
export function isOccurrenceOf(s: { startLocal: string; timeZone: string; durationSeconds: number; recurrenceRules: string[]; isRecurring: boolean }, start: Date): boolean {
  if (!s.isRecurring) return false;
  const t = start.getTime();
  // Zero length: only an occurrence starting exactly in [t, t + 1 ms) counts, not ones overlapping it.
  return occurrencesInWindow({ ...specOf(s), durationSeconds: 0 }, start, new Date(t + 1), 1).some((d) => d.getTime() === t);
}
