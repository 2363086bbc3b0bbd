/**
 * A series spec compiled for expansion (recurrence.ts): its start as wall ms and as an instant,
 * the parsed rule, exclusions and extra dates resolved to instants, and the arithmetic
 * generator where the rule's shape allows one (recurrence-fast.ts).
 *
 * Compiled series are memoised: an agenda or calendar listing expands the same few hundred
 * series on every call, and parsing and resolving them cost more than expanding a week of one.
 */
import type { RRuleTemporal } from 'rrule-temporal';
import { fastWalls, ownWalls, type WallGenerator } from './recurrence-fast';
import { parseRecurrence, type DateValue, type RruleSpec } from './recurrence-rules';
import {
  DAY_MS, formatWallMs, instantMsToWallMs, isValidTimeZone, parseDate, parseWall, wallMsToInstantMs, wallPartsToMs,
} from './zones';

export interface SeriesSpec {
  startLocal: string; // wall time in timeZone
  timeZone: string;
  durationSeconds: number;
  rules: string[];
}

/**
 * Everything that follows from a series' start, zone and rules (not its duration). Shared
 * between calls, so nothing here changes after compile except the memo, which only records
 * facts derived from the rest.
 */
export interface Series {
  zone: string;
  startWall: number;
  startMs: number;
  rule: RruleSpec | null;
  untilMs: number | null;
  exInstants: Set<number>;
  /** Date-only EXDATEs, as wall days (wall ms / DAY_MS, floored). */
  exDays: Set<number>;
  rdates: number[];
  /** Arithmetic expansion of the rule, when its shape allows it; null: the library expands it. */
  fast: WallGenerator | null;
  memo: { startIsGenerated?: boolean; cycleCounts?: [number, number]; engines?: Map<number, RRuleTemporal> };
}

let libraryOnly = false;

/**
 * For tests: runs `fn` with every rule expanded by the library, bypassing the arithmetic
 * generators and the memo tables, so the two paths can be compared. Shapes the library gets
 * wrong (YEARLY with BY* parts, see recurrence-fast.ts `ownWalls`) keep our own generator.
 */
export function withLibraryExpansion<T>(fn: () => T): T {
  const was = libraryOnly;
  libraryOnly = true;
  try {
    return fn();
  } finally {
    libraryOnly = was;
  }
}

/**
 * Bounded memo table, least recently used out first. It holds only values derived from their
 * keys, so sharing it across requests in an isolate is safe. Very long keys (hundreds of
 * EXDATEs) are not held, which bounds memory along with the entry count.
 */
class Memo<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number, private readonly maxKey = 2000) {}
  get(key: string, make: () => V): V {
    let v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
    } else {
      v = make();
      if (key.length > this.maxKey) return v;
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    }
    this.map.set(key, v);
    return v;
  }
}

type Parsed = ReturnType<typeof parseRecurrence>;
/** Compiled series by (start, zone, rules). */
const compiled = new Memo<Series>(1000);
/** Parsed rule lists: many series share their rule text ('RRULE:FREQ=WEEKLY'). */
const parsedRules = new Memo<Parsed>(1000);

/** Compiles a spec, or throws a RangeError naming what is invalid. */
export function compileSeries(spec: SeriesSpec): Series {
  // Keys are JSON of plain strings only, so two different specs can never share one.
  const plain = typeof spec.startLocal === 'string' && typeof spec.timeZone === 'string' &&
    Array.isArray(spec.rules) && spec.rules.every((r) => typeof r === 'string');
  if (libraryOnly || !plain) return compile(spec, parseRecurrence(spec.rules));
  const rulesKey = JSON.stringify(spec.rules);
  return compiled.get(JSON.stringify([spec.startLocal, spec.timeZone]) + rulesKey, () =>
    compile(spec, parsedRules.get(rulesKey, () => parseRecurrence(spec.rules))));
}

function compile(spec: SeriesSpec, parsed: Parsed): Series {
  const zone = spec.timeZone;
  if (!isValidTimeZone(zone)) throw new RangeError(`invalid time zone '${zone}'`);
  const start = parseWall(spec.startLocal);
  if (!start) throw new RangeError(`invalid start '${spec.startLocal}'`);
  if (!parsed.ok) throw new RangeError(`invalid recurrence rules: ${parsed.message}`);
  const { rrule, exdates, rdates } = parsed.value;
  const startWall = wallPartsToMs(start);
  // 'THH:mm:ss' of the start, for date-only values; formatting costs, and most series have none.
  const timeOfDay = () => formatWallMs(startWall).slice(10);
  const toMs = (v: DateValue, dateTime: () => string): number => {
    if (v.kind === 'utc') return v.ms;
    const wall = v.kind === 'date' ? `${v.date}${dateTime()}` : v.wall;
    return wallMsToInstantMs(wallPartsToMs(parseWall(wall)!), v.kind === 'local' && v.tzid ? v.tzid : zone).ms;
  };
  const wallDay = (date: string) => Math.floor(wallPartsToMs({ ...parseDate(date)!, hour: 0, minute: 0, second: 0 }) / DAY_MS);
  return {
    zone,
    startWall,
    startMs: wallMsToInstantMs(startWall, zone).ms,
    rule: rrule,
    // A date-only UNTIL includes its whole day in the event's zone.
    untilMs: rrule?.until ? toMs(rrule.until, () => 'T23:59:59') : null,
    exInstants: new Set(exdates.filter((v) => v.kind !== 'date').map((v) => toMs(v, timeOfDay))),
    exDays: new Set(exdates.flatMap((v) => (v.kind === 'date' ? [wallDay(v.date)] : []))),
    // A date-only RDATE of a timed event takes the event's own time of day.
    rdates: rdates.map((v) => toMs(v, timeOfDay)).sort((a, b) => a - b),
    fast: rrule ? (libraryOnly ? ownWalls(rrule, startWall) : fastWalls(rrule, startWall)) : null,
    memo: {},
  };
}

/** Whether an EXDATE removes the occurrence starting at this instant. */
export function isExcluded(s: Series, ms: number): boolean {
  return s.exInstants.has(ms) || (s.exDays.size > 0 && s.exDays.has(Math.floor(instantMsToWallMs(ms, s.zone) / DAY_MS)));
}
