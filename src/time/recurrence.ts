/**
 * Series expansion in the event's own zone (docs/calendar.md).
 *
 * The rule is expanded by rrule-temporal over *wall-clock* time (a DTSTART in UTC whose fields
 * are the event's local fields, so no DST exists there), and every generated wall time is then
 * turned into an instant with the zone module's policy. A weekly 09:00 New York meeting
 * therefore stays at 09:00 local across DST, and a generated time inside a spring-forward gap
 * moves forward like every other wall time in this API, instead of being dropped.
 *
 * Cost is kept proportional to the window, not to the series' age: fixed-length frequencies
 * (WEEKLY and shorter) are re-anchored on a grid point just before the window, and their
 * COUNT-limited series count whole cycles arithmetically instead of walking from the start.
 * Only COUNT-limited MONTHLY/YEARLY series are counted from the start (their span is capped at
 * 1000 years by the parser). Nothing is generated past 9999-12-31.
 *
 * The common rule shapes (DAILY, WEEKLY, MONTHLY and YEARLY) skip the library altogether
 * (YEARLY with BY* parts must: rrule-temporal yields wrong dates for e.g. BYDAY=53TH): recurrence-fast.ts generates their wall times with integer arithmetic,
 * yielding exactly what the library would (a test compares the two on generated rules). Specs
 * are compiled once and memoised (series.ts), and zone offsets are memoised per day
 * (zone-offsets.ts), so a series expanded again costs a few microseconds.
 */
import { RRuleTemporal } from 'rrule-temporal';
import type { RruleSpec } from './recurrence-rules';
import { compileSeries, isExcluded, type Series, type SeriesSpec } from './series';
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, formatWallMs, wallMsListToInstantMs, wallMsToInstantMs } from './zones';

export { parseRecurrenceRules } from './recurrence-rules';
export { withLibraryExpansion } from './series';

export type { SeriesSpec } from './series';

export const DEFAULT_MAX_OCCURRENCES = 5000;
const YEAR_MS = 366 * DAY_MS;
/** How far ahead a search for the next or last occurrence looks before giving up. */
const SEARCH_HORIZON_MS = 200 * YEAR_MS;
/** Wall time differs from UTC by under a day, even counting a DST gap's shift. */
const SLACK_MS = 2 * DAY_MS;
/** Periods per call into the engine; it refuses to advance more than maxIterations periods. */
const PERIODS_PER_CALL = 2000;
const MAX_WALL = Date.UTC(9999, 11, 31, 23, 59, 59);
const MAX_ENGINES_PER_SERIES = 4;

const FIXED_UNIT_MS: Partial<Record<RruleSpec['freq'], number>> = {
  WEEKLY: 7 * DAY_MS, DAILY: DAY_MS, HOURLY: HOUR_MS, MINUTELY: MINUTE_MS, SECONDLY: SECOND_MS,
};

// ---------------------------------------------------------------------------------------------
// Wall-clock generation (everything here is in wall ms)

/**
 * The engine, anchored at a wall time. COUNT is never handed to it: its COUNT paths are far
 * slower than its endless ones for calendar frequencies, so counting happens here.
 */
function engineAt(s: Series, anchorWall: number): RRuleTemporal {
  // Building the engine parses the rule and DTSTART again; a series asks for the same anchors
  // call after call (its start, or the grid point before a recurring window), so keep a few.
  s.memo.engines ??= new Map();
  const engines = s.memo.engines;
  let engine = engines.get(anchorWall);
  if (!engine) {
    const text = `${formatWallMs(anchorWall)}+00:00[UTC]`;
    engine = new RRuleTemporal({
      rruleString: s.rule!.body,
      dtstart: { timeZoneId: 'UTC', toString: () => text },
      cache: false,
      maxIterations: 100_000,
    });
    if (engines.size >= MAX_ENGINES_PER_SERIES) engines.delete(engines.keys().next().value!);
    engines.set(anchorWall, engine);
  }
  return engine;
}

/** Engine results as wall ms; a rule that cannot be satisfied within the engine's caps yields none. */
function engineWalls(run: () => Array<{ epochMilliseconds: number }>): number[] {
  try {
    return run().map((z) => z.epochMilliseconds).filter((ms) => ms <= MAX_WALL);
  } catch (e) {
    if (e instanceof Error && /maximum iterations|candidate/i.test(e.message)) return [];
    throw e;
  }
}

/**
 * Wall times the RRULE generates (without COUNT/UNTIL, and without a DTSTART that the rule does
 * not itself produce) in [lo, hi], ascending. Stops once `limit` times at or after `countFrom`
 * have been found.
 */
function ruleWalls(s: Series, lo: number, hi: number, limit: number, countFrom = lo): number[] {
  if (s.fast) {
    const from = Math.max(lo, s.startWall);
    const to = Math.min(hi, MAX_WALL);
    return from <= to && limit > 0 ? s.fast(from, to, limit, countFrom) : [];
  }
  const rule = s.rule!;
  const out: number[] = [];
  let counted = 0;
  const take = (ms: number) => {
    if (ms < lo || ms > hi || (out.length && ms <= out[out.length - 1]!)) return;
    out.push(ms);
    if (ms >= countFrom) counted++;
  };
  let cur = Math.max(lo, s.startWall);
  hi = Math.min(hi, MAX_WALL);
  const unit = FIXED_UNIT_MS[rule.freq];
  const step = (unit ?? 0) * rule.interval;
  // Calendar frequencies start with small chunks (a rule may expand to many times per day) and
  // widen them while results stay sparse.
  let chunk = unit ? step * PERIODS_PER_CALL : rule.freq === 'MONTHLY' ? 2 * YEAR_MS : 20 * YEAR_MS;
  while (cur <= hi && counted < limit) {
    const end = Math.min(hi, cur + chunk - 1);
    let anchor = s.startWall;
    if (unit) {
      // Re-anchor on a grid point of the same phase two steps before `cur`: the anchor's own
      // period (a partial week, a day cut by BYSETPOS) then ends before `cur` and cannot
      // distort results.
      const k = Math.floor((cur - 2 * step - s.startWall) / step);
      if (k > 0) anchor = s.startWall + k * step;
    }
    const batch = engineWalls(() => engineAt(s, anchor).between(new Date(cur), new Date(end), true));
    for (const ms of batch) {
      take(ms);
      if (counted >= limit) break;
    }
    cur = end + 1;
    if (!unit && batch.length < 500 && chunk < 200 * YEAR_MS) chunk *= 4;
  }
  return out;
}

function startIsGenerated(s: Series): boolean {
  s.memo.startIsGenerated ??= ruleWalls(s, s.startWall, s.startWall, 1).length === 1;
  return s.memo.startIsGenerated;
}

/** Occurrences of the rule in its first cycle and in every later one (see cycleMs). */
function cycleCounts(s: Series, cycle: number): [number, number] {
  s.memo.cycleCounts ??= [
    ruleWalls(s, s.startWall, s.startWall + cycle - 1, Infinity).length,
    ruleWalls(s, s.startWall + cycle, s.startWall + 2 * cycle - 1, Infinity).length,
  ];
  return s.memo.cycleCounts;
}

/**
 * Length of a cycle after which the rule's pattern repeats exactly, or null when calendar parts
 * (months, month days, year days, week numbers) make it irregular or the cycle is too long to
 * count cheaply.
 */
function cycleMs(rule: RruleSpec): number | null {
  const unit = FIXED_UNIT_MS[rule.freq];
  const names = new Set(rule.parts.map(([k]) => k));
  if (!unit || ['BYMONTH', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO'].some((n) => names.has(n))) return null;
  const step = unit * rule.interval;
  // Weekdays repeat weekly; hour/minute/second filters of a sub-daily rule repeat daily.
  const pattern = names.has('BYDAY') || rule.freq === 'WEEKLY' ? 7 * DAY_MS
    : ['BYHOUR', 'BYMINUTE', 'BYSECOND'].some((n) => names.has(n)) ? DAY_MS : step;
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const cycle = (step / gcd(step, pattern)) * pattern;
  return cycle / step <= 10_000 ? cycle : null;
}

/**
 * COUNT-limited generation: the wall times in [lo, hi] among the series' first COUNT. RFC 5545
 * §3.3.10 counts DTSTART as the first occurrence even when the rule would not produce it.
 */
function countedWalls(s: Series, lo: number, hi: number): number[] {
  const rule = s.rule!;
  const extra = startIsGenerated(s) ? 0 : 1;
  const cycle = cycleMs(rule);
  if (!cycle || lo - s.startWall <= 3 * cycle) {
    const head = extra && s.startWall >= lo && s.startWall <= hi ? [s.startWall] : [];
    return [...head, ...ruleWalls(s, s.startWall, hi, rule.count! - extra).filter((w) => w >= lo)];
  }
  // The rule is periodic with `cycle`: every cycle after the first holds the same number of
  // occurrences, so whole cycles before the window are counted, not generated.
  const [c0, c1] = cycleCounts(s, cycle);
  const m = Math.floor((lo - s.startWall) / cycle) - 1;
  const budget = rule.count! - extra - c0 - (m - 1) * c1;
  if (budget <= 0) return [];
  const from = s.startWall + m * cycle;
  return ruleWalls(s, from, hi, budget).slice(0, budget).filter((w) => w >= lo);
}

// ---------------------------------------------------------------------------------------------
// Instants

/** Start instants in [lo, hi], ascending, exclusions applied, at most `limit`. */
function startsBetween(s: Series, lo: number, hi: number, limit: number): number[] {
  const found: number[] = [];
  if (!s.rule) {
    if (s.startMs >= lo && s.startMs <= hi) found.push(s.startMs);
  } else {
    const loWall = lo - SLACK_MS;
    let hiWall = hi + SLACK_MS;
    if (s.untilMs !== null) hiWall = Math.min(hiWall, s.untilMs + SLACK_MS);
    let walls: number[];
    if (hiWall < Math.max(loWall, s.startWall)) walls = [];
    else if (s.rule.count !== null) walls = countedWalls(s, loWall, hiWall);
    else {
      walls = ruleWalls(s, loWall, hiWall, limit + 1, lo + SLACK_MS);
      if (s.startWall >= loWall && s.startWall <= hiWall && !startIsGenerated(s)) walls.unshift(s.startWall);
    }
    for (const ms of wallMsListToInstantMs(walls, s.zone)) {
      if (ms >= lo && ms <= hi && (s.untilMs === null || ms <= s.untilMs)) found.push(ms);
    }
  }
  for (const r of s.rdates) if (r >= lo && r <= hi) found.push(r);
  // Rule instants arrive ascending; RDATEs, and walls a DST gap moved onto the next one, may not.
  for (let i = 1; i < found.length; i++) {
    if (found[i]! <= found[i - 1]!) {
      found.sort((a, b) => a - b);
      break;
    }
  }
  const cap = Math.trunc(limit);
  const checkExcluded = s.exInstants.size > 0 || s.exDays.size > 0;
  const out: number[] = [];
  for (let i = 0; i < found.length && out.length < cap; i++) {
    const ms = found[i]!;
    if ((i > 0 && ms === found[i - 1]) || (checkExcluded && isExcluded(s, ms))) continue;
    out.push(ms);
  }
  return out;
}

/**
 * Start instants of the occurrences whose [start, start + duration) overlaps
 * [windowStart, windowEnd), ascending, at most `max`.
 */
export function occurrencesInWindow(spec: SeriesSpec, windowStart: Date, windowEnd: Date, max = DEFAULT_MAX_OCCURRENCES): Date[] {
  const s = compileSeries(spec);
  const ws = windowStart.getTime();
  const we = windowEnd.getTime();
  if (!(we > ws) || max <= 0) return [];
  // A zero-length event overlaps when its start lies in the window.
  const durationMs = Math.max(0, spec.durationSeconds) * SECOND_MS;
  const lo = durationMs > 0 ? ws - durationMs + 1 : ws;
  return startsBetween(s, lo, we - 1, max).map((ms) => new Date(ms));
}

/** Last occurrence start at or before `bound`, searching back no further than the series start. */
function lastStartAtOrBefore(s: Series, bound: number): number | null {
  const floor = Math.min(s.startMs, ...s.rdates);
  for (let span = 8 * DAY_MS; ; span *= 4) {
    const lo = Math.max(floor, bound - span);
    const found = startsBetween(s, lo, bound, Number.MAX_SAFE_INTEGER);
    if (found.length) return found[found.length - 1]!;
    if (lo <= floor) return null;
  }
}

/**
 * The rule's every wall time, ascending, for a series that is cheap to list whole (a COUNT rule
 * without a cycle to count by); [] for a single event; null otherwise. Walls are turned into
 * instants lazily by the callers, as zone look-ups dominate the cost for long sparse series.
 */
function listedWalls(s: Series): number[] | null {
  if (!s.rule) return [];
  if (s.rule.count === null || cycleMs(s.rule)) return null;
  return countedWalls(s, s.startWall, MAX_WALL);
}

function firstIncluded(s: Series, candidates: Iterable<number>): number | undefined {
  for (const ms of candidates) if (!isExcluded(s, ms)) return ms;
  return undefined;
}

function* instantsOf(s: Series, walls: number[], from: number, step: 1 | -1): Generator<number> {
  for (let i = from; i >= 0 && i < walls.length; i += step) yield wallMsToInstantMs(walls[i]!, s.zone).ms;
}

/** Start of the last rule-generated occurrence (before exclusions) of an UNTIL or cycled COUNT rule. */
function lastRuleStart(s: Series): number {
  const rule = s.rule!;
  const cycle = cycleMs(rule);
  if (rule.count === null || !cycle) return s.untilMs!;
  const index = rule.count - (startIsGenerated(s) ? 0 : 1); // position among the rule's own
  const [c0, c1] = cycleCounts(s, cycle);
  let last: number | undefined;
  if (index <= 0) last = s.startWall;
  else if (index <= c0 || c1 === 0) last = ruleWalls(s, s.startWall, s.startWall + cycle - 1, index).at(-1);
  else {
    const cycleStart = s.startWall + (1 + Math.floor((index - c0 - 1) / c1)) * cycle;
    // Nothing is generated past year 9999; the search back from there finds the last one.
    if (cycleStart > MAX_WALL) return wallMsToInstantMs(MAX_WALL, s.zone).ms;
    last = ruleWalls(s, cycleStart, cycleStart + cycle - 1, ((index - c0 - 1) % c1) + 1).at(-1);
  }
  return wallMsToInstantMs(last ?? s.startWall, s.zone).ms;
}

/** End instant of the last occurrence; null when the series never ends. */
export function seriesEnd(spec: SeriesSpec): Date | null {
  const s = compileSeries(spec);
  if (s.rule && s.rule.count === null && s.untilMs === null) return null;
  const walls = listedWalls(s);
  let last: number | undefined;
  if (walls) {
    const starts = [
      firstIncluded(s, s.rule ? instantsOf(s, walls, walls.length - 1, -1) : [s.startMs]),
      firstIncluded(s, [...s.rdates].reverse()),
    ].filter((ms): ms is number => ms !== undefined);
    last = starts.length ? Math.max(...starts) : undefined;
  } else {
    last = lastStartAtOrBefore(s, Math.max(lastRuleStart(s), ...s.rdates)) ?? undefined;
  }
  // A series whose every occurrence is excluded keeps its nominal end.
  return new Date((last ?? s.startMs) + Math.max(0, spec.durationSeconds) * SECOND_MS);
}

/** First occurrence starting at or after `at`, or null when there is none. */
export function nextOccurrenceAtOrAfter(spec: SeriesSpec, at: Date): Date | null {
  const s = compileSeries(spec);
  const from = at.getTime();
  const walls = listedWalls(s);
  if (walls) {
    const firstWall = walls.findIndex((w) => w >= from - SLACK_MS);
    const ruleStarts = s.rule ? (firstWall < 0 ? [] : instantsOf(s, walls, firstWall, 1)) : [s.startMs];
    const starts = [
      firstIncluded(s, (function* () { for (const ms of ruleStarts) if (ms >= from) yield ms; })()),
      firstIncluded(s, s.rdates.filter((ms) => ms >= from)),
    ].filter((ms): ms is number => ms !== undefined);
    return starts.length ? new Date(Math.min(...starts)) : null;
  }
  let limit = from + SEARCH_HORIZON_MS;
  if (s.rule!.count !== null || s.untilMs !== null) limit = Math.min(limit, Math.max(lastRuleStart(s), ...s.rdates));
  for (let span = DAY_MS; ; span *= 4) {
    const hi = Math.min(limit, from + span);
    const found = startsBetween(s, from, hi, 1);
    if (found.length) return new Date(found[0]!);
    if (hi >= limit) return null;
  }
}
