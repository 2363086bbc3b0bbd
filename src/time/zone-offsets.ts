/**
 * Zone offsets from `Intl.DateTimeFormat`, memoised.
 *
 * One Intl reading costs a few microseconds, and series expansion needs several per occurrence,
 * so readings are cached per zone and per UTC day. A day is stored as its single offset, or —
 * on the rare day the zone changes offset — as the exact second of the change and the offsets
 * either side. That is exact as long as a zone changes offset at most once per UTC day: the
 * tz database's closest pair of changes is about four days apart (Africa/Freetown, 1939), and
 * the zone module already relies on "no two changes within two days".
 *
 * The caches hold nothing but facts about zones, so they are safe to share across requests in
 * a Worker isolate; they are bounded (a fixed number of days per zone and of zones, oldest
 * evicted first), and an evicted day just costs two Intl readings again.
 */

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;
/** Days remembered per zone (a few years of one zone) and zones remembered at all. */
const MAX_DAYS_PER_ZONE = 1024;
const MAX_ZONES = 64;
/** Instants further out than this are read directly (a day's end could leave Date's range). */
const MAX_CACHED_MS = 8.64e15 - 2 * DAY_MS;

// Intl matches zone names case-insensitively, so one formatter serves every spelling; keyed by
// the lower-cased name, the map is bounded by the zones Intl knows (invalid names throw first).
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatterFor(tz: string): Intl.DateTimeFormat {
  const key = tz.toLowerCase();
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(key, f);
  }
  return f;
}

/** Wall ms of calendar fields (years 0–99 kept as such, as Date.UTC would not). */
function fieldsToMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

/** Offset (wall − UTC) at a whole-second instant, read from Intl; the reference for the cache. */
export function intlOffsetMs(seconds: number, tz: string): number {
  const parts = formatterFor(tz).formatToParts(new Date(seconds));
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const p of parts) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value) % 24; break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
      default:
    }
  }
  return fieldsToMs(y, mo, d, h, mi, s) - seconds;
}

/** A UTC day on which the zone changes offset: `before` until second `at`, `after` from it. */
interface Change {
  at: number;
  before: number;
  after: number;
}

type DayEntry = number | Change;

const zones = new Map<string, Map<number, DayEntry>>();
// The last zone used: expansion asks about one zone many times in a row.
let lastZone = '';
let lastDays: Map<number, DayEntry> | undefined;

function newZone(tz: string): Map<number, DayEntry> {
  if (zones.size >= MAX_ZONES) zones.delete(zones.keys().next().value!);
  const days = new Map<number, DayEntry>();
  zones.set(tz, days);
  return days;
}

function readDay(day: number, tz: string): DayEntry {
  const start = day * DAY_MS;
  let lo = start;
  let hi = start + DAY_MS - SECOND_MS;
  const before = intlOffsetMs(lo, tz);
  const after = intlOffsetMs(hi, tz);
  if (before === after) return before;
  // Binary search for the first second of the new offset.
  while (hi - lo > SECOND_MS) {
    const mid = lo + Math.floor((hi - lo) / (2 * SECOND_MS)) * SECOND_MS;
    if (intlOffsetMs(mid, tz) === before) lo = mid;
    else hi = mid;
  }
  return { at: hi, before, after };
}

/** Offset (wall − UTC) in ms at an exact instant, to the second, as Intl reports it. */
export function cachedOffsetMs(instantMs: number, tz: string): number {
  const seconds = instantMs - (((instantMs % SECOND_MS) + SECOND_MS) % SECOND_MS);
  if (!(Math.abs(seconds) <= MAX_CACHED_MS)) return intlOffsetMs(seconds, tz); // NaN throws there
  const day = Math.floor(seconds / DAY_MS);
  let days = tz === lastZone ? lastDays : zones.get(tz);
  let entry = days?.get(day);
  if (entry === undefined) {
    entry = readDay(day, tz); // an invalid zone throws here, before a cache is made for it
    days ??= newZone(tz);
    if (days.size >= MAX_DAYS_PER_ZONE) days.delete(days.keys().next().value!);
    days.set(day, entry);
  }
  if (days !== lastDays) {
    lastZone = tz;
    lastDays = days;
  }
  return typeof entry === 'number' ? entry : seconds < entry.at ? entry.before : entry.after;
}
