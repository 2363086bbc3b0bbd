/**
 * Instants, wall times and IANA zones, with the DST policy of docs/time.md.
 *
 * Offsets come straight from `Intl.DateTimeFormat` (full ICU in workerd and Node). date-fns-tz's
 * helpers are not used for this: `getTimezoneOffset(tz, date)` reads its `date` as a wall time
 * through the *system* zone, and `fromZonedTime` resolves a spring-forward gap backward, while
 * the contract wants the offset at an exact instant and gaps resolved forward. Readings are
 * memoised in zone-offsets.ts, as series expansion makes many of them.
 */
import { cachedOffsetMs, formatterFor } from './zone-offsets';

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export type DstAdjustment = null | 'dst_gap' | 'dst_overlap';

export interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function isRealDate(y: number, m: number, d: number): boolean {
  return (
    Number.isInteger(y) && Number.isInteger(m) && Number.isInteger(d) &&
    y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)
  );
}

/**
 * Milliseconds of a wall time read as if it were UTC ("wall ms"). Date.UTC maps years 0–99 to
 * 1900–1999, hence setUTCFullYear.
 */
export function wallPartsToMs(p: WallParts): number {
  const d = new Date(0);
  d.setUTCFullYear(p.year, p.month - 1, p.day);
  d.setUTCHours(p.hour, p.minute, p.second, 0);
  return d.getTime();
}

/** 'YYYY-MM-DDTHH:mm:ss' of a wall-ms value. */
export function formatWallMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

const WALL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Parses 'YYYY-MM-DDTHH:mm[:ss]'; null unless it names a real calendar time. */
export function parseWall(local: string): WallParts | null {
  const m = WALL_RE.exec(local);
  if (!m) return null;
  const p: WallParts = {
    year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: m[6] ? +m[6] : 0,
  };
  if (!isRealDate(p.year, p.month, p.day) || p.hour > 23 || p.minute > 59 || p.second > 59) return null;
  return p;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses 'YYYY-MM-DD'; null unless it is a real date. */
export function parseDate(date: string): { year: number; month: number; day: number } | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!];
  return isRealDate(y, mo, d) ? { year: y, month: mo, day: d } : null;
}

export function addDays(date: string, n: number): string {
  const p = parseDate(date);
  if (!p || !Number.isInteger(n)) throw new RangeError(`invalid date '${date}' or day count ${n}`);
  return formatWallMs(wallPartsToMs({ ...p, hour: 0, minute: 0, second: 0 }) + n * DAY_MS).slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Zones

// Intl also accepts offsets such as '+02:00' as a timeZone; the contract wants IANA names only.
const ZONE_NAME_RE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length > 64 || !ZONE_NAME_RE.test(tz)) return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical spelling ('america/new_york' → 'America/New_York'), or null if invalid. */
export function canonicalTimeZone(tz: string): string | null {
  if (!isValidTimeZone(tz)) return null;
  const resolved = formatterFor(tz).resolvedOptions().timeZone;
  return resolved.toLowerCase() === tz.toLowerCase() ? resolved : tz;
}

function assertZone(tz: string): void {
  if (!isValidTimeZone(tz)) throw new RangeError(`invalid time zone '${tz}'`);
}

/** Offset (wall − UTC) in ms at an exact instant (to the second), memoised per zone and day. */
export function offsetMsAt(instantMs: number, tz: string): number {
  if (tz === 'UTC') return 0;
  return cachedOffsetMs(instantMs, tz);
}

/**
 * Wall ms → instant ms under the contract's DST policy. A wall time in a spring-forward gap is
 * read with the offset in force before the gap, which moves it forward by the gap's length
 * (RFC 5545 §3.3.5 reads TZID times the same way); a repeated fall-back time takes the earlier
 * instant.
 */
export function wallMsToInstantMs(wallMs: number, tz: string): { ms: number; adjusted: DstAdjustment } {
  if (tz === 'UTC') return { ms: wallMs, adjusted: null };
  // No zone changes offset twice within two days, so the offsets a day either side cover every
  // reading of this wall time, and when they agree there was no change at all.
  const before = offsetMsAt(wallMs - DAY_MS, tz);
  const after = offsetMsAt(wallMs + DAY_MS, tz);
  if (before === after) return { ms: wallMs - before, adjusted: null };
  const valid = new Set<number>();
  for (const off of new Set([before, after, offsetMsAt(wallMs, tz)])) {
    const t = wallMs - off;
    if (offsetMsAt(t, tz) === off) valid.add(t);
  }
  if (valid.size === 0) return { ms: wallMs - before, adjusted: 'dst_gap' };
  const sorted = [...valid].sort((a, b) => a - b);
  return { ms: sorted[0]!, adjusted: sorted.length > 1 ? 'dst_overlap' : null };
}

/**
 * Ascending wall ms → instant ms, as wallMsToInstantMs but with two zone look-ups per few days
 * of walls instead of two per wall: where the offsets a day either side of a short run agree,
 * no transition falls inside it.
 */
export function wallMsListToInstantMs(walls: number[], tz: string): number[] {
  const out: number[] = new Array<number>(walls.length);
  for (let i = 0; i < walls.length; ) {
    let j = i;
    while (j + 1 < walls.length && walls[j + 1]! - walls[i]! <= 3 * DAY_MS) j++;
    const before = offsetMsAt(walls[i]! - DAY_MS, tz);
    const uniform = before === offsetMsAt(walls[j]! + DAY_MS, tz);
    for (let k = i; k <= j; k++) out[k] = uniform ? walls[k]! - before : wallMsToInstantMs(walls[k]!, tz).ms;
    i = j + 1;
  }
  return out;
}

export function wallToInstant(local: string, tz: string): { instant: Date; adjusted: DstAdjustment } {
  const p = parseWall(local);
  if (!p) throw new RangeError(`invalid local time '${local}'`);
  assertZone(tz);
  const r = wallMsToInstantMs(wallPartsToMs(p), tz);
  return { instant: new Date(r.ms), adjusted: r.adjusted };
}

/** Wall ms of an instant in a zone (seconds precision). */
export function instantMsToWallMs(instantMs: number, tz: string): number {
  const seconds = instantMs - (((instantMs % SECOND_MS) + SECOND_MS) % SECOND_MS);
  return seconds + offsetMsAt(seconds, tz);
}

export function instantToWall(instant: Date, tz: string): string {
  assertZone(tz);
  return formatWallMs(instantMsToWallMs(instant.getTime(), tz));
}

export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.floor(Math.abs(offsetMs) / MINUTE_MS);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${sign}${hh}:${mm}`;
}

export function offsetOf(instant: Date, tz: string): string {
  assertZone(tz);
  return formatOffset(offsetMsAt(instant.getTime(), tz));
}

export function localDate(instant: Date, tz: string): string {
  return instantToWall(instant, tz).slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// UTC renderings

/** '20240603T130000Z' — the occurrence-id suffix of docs/calendar.md. */
export function toUtcBasic(d: Date): string {
  const s = d.toISOString();
  return `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}T${s.slice(11, 13)}${s.slice(14, 16)}${s.slice(17, 19)}Z`;
}

const BASIC_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function fromUtcBasic(s: string): Date | null {
  const m = BASIC_RE.exec(s);
  if (!m) return null;
  const p = parseWall(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`);
  return p ? new Date(wallPartsToMs(p)) : null;
}

/** UTC ISO 8601 without milliseconds, as every system timestamp is rendered. */
export function toIsoZ(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
