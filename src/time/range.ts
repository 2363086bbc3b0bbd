/**
 * The supported range of event times and window bounds: years 1900 to 2200, as UTC instants.
 *
 * This is the one place the range is defined. Every caller that takes a time from the user
 * (event `start`, the end `start + duration`, window `after` / `before`, `/v1/utils/time/`)
 * refuses an instant outside it with `rangeProblem`, and every derived instant that is written
 * to the database (series end, next occurrence, a window bound taken as 366 days from the
 * other) is clamped into it with `clampToRange`. The range sits well inside what JavaScript
 * dates, four-digit ISO 8601 years and Postgres timestamps can all represent, so nothing
 * computed from an accepted time (plus at most a year's duration or a few days of slack) can
 * leave them.
 */

/** First supported instant, inclusive: 1900-01-01T00:00:00Z. */
export const RANGE_MIN_MS = Date.UTC(1900, 0, 1);
/** First instant after the supported range, 2201-01-01T00:00:00Z: an end or exclusive bound may equal it. */
export const RANGE_MAX_MS = Date.UTC(2201, 0, 1);

const isoZ = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
/** '1900-01-01T00:00:00Z' and '2201-01-01T00:00:00Z'. */
export const RANGE_MIN_ISO = isoZ(RANGE_MIN_MS);
export const RANGE_MAX_ISO = isoZ(RANGE_MAX_MS);
/** First and last calendar year of the range (1900, 2200). */
export const RANGE_FIRST_YEAR = new Date(RANGE_MIN_MS).getUTCFullYear();
export const RANGE_LAST_YEAR = new Date(RANGE_MAX_MS).getUTCFullYear() - 1;
/** The range in words, for messages and OpenAPI descriptions. */
export const RANGE_TEXT = `years ${RANGE_FIRST_YEAR}–${RANGE_LAST_YEAR} (from ${RANGE_MIN_ISO}, before ${RANGE_MAX_ISO})`;

/**
 * `instant`: a start or inclusive bound, min ≤ t < max. `end`: an end or exclusive bound,
 * min < t ≤ max.
 */
export type RangeKind = 'instant' | 'end';

/** Whether an instant (ms) lies in the supported range; NaN never does. */
export function isInRange(ms: number, kind: RangeKind = 'instant'): boolean {
  return kind === 'instant' ? ms >= RANGE_MIN_MS && ms < RANGE_MAX_MS : ms > RANGE_MIN_MS && ms <= RANGE_MAX_MS;
}

/** Null when the instant is in range, else the message a 400 should carry for its field. */
export function rangeProblem(ms: number, kind: RangeKind = 'instant'): string | null {
  if (isInRange(ms, kind)) return null;
  return kind === 'end'
    ? `must end within the supported range, ${RANGE_TEXT}`
    : `is outside the supported range, ${RANGE_TEXT}`;
}

/** A finite instant moved into [min, max]. */
export function clampToRange(ms: number): number {
  return Math.min(RANGE_MAX_MS, Math.max(RANGE_MIN_MS, ms));
}

/** The 400 message for an input `readTime` gave no time for ('out_of_range' or 'unparseable'). */
export function timeFailureMessage(failure: 'unparseable' | 'out_of_range', input: string): string {
  return failure === 'out_of_range' ? `is outside the supported range, ${RANGE_TEXT}` : `could not understand "${input}" as a time`;
}
