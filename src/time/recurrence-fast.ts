/**
 * Arithmetic expansion of the common RRULE shapes, in wall time (wall ms: the event's local
 * fields read as UTC, so no DST exists here).
 *
 * rrule-temporal builds Temporal objects for every candidate, which made expansion cost up to a
 * millisecond per series and call. The shapes calendars are actually made of — DAILY, WEEKLY
 * (BYDAY, INTERVAL, WKST), MONTHLY (by the start's day, BYMONTHDAY or BYDAY with or without
 * ordinals) and plain YEARLY — are simple enough to generate with integer day arithmetic.
 * Everything else (BYSETPOS, BYMONTH, BYHOUR, week numbers, sub-daily frequencies…) returns
 * null and stays with the library. test/recurrence.test.ts checks this module against the
 * library on generated rules, so a divergence fails there.
 *
 * A generator yields exactly what the library yields for the rule anchored at the series start:
 * the rule's own times (a DTSTART the rule does not produce is not among them), ascending.
 */
import type { RruleSpec } from './recurrence-rules';

const DAY_MS = 86_400_000;
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/**
 * Rule times in [lo, hi] (wall ms, lo at or after the series start), ascending, stopping once
 * `limit` of them at or after `countFrom` were found.
 */
export type WallGenerator = (lo: number, hi: number, limit: number, countFrom: number) => number[];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function monthDays(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** 0 = Monday … 6 = Sunday; 1970-01-01 was a Thursday. */
function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Collects times in [lo, hi]; `add` answers false once the caller has enough or is past hi. */
class Sink {
  readonly out: number[] = [];
  private counted = 0;
  constructor(private lo: number, private hi: number, private limit: number, private countFrom: number) {}
  /** false: stop generating. Times must arrive ascending. */
  add(ms: number): boolean {
    if (ms < this.lo) return true;
    if (ms > this.hi) return false;
    this.out.push(ms);
    if (ms >= this.countFrom && ++this.counted >= this.limit) return false;
    return true;
  }
}

/** BYDAY tokens as [ordinal (0 = every), weekday index]. */
function byDayTokens(value: string): Array<[number, number]> {
  return value.split(',').map((t) => {
    const wd = WEEKDAYS.indexOf(t.slice(-2));
    return [t.length > 2 ? Number(t.slice(0, -2)) : 0, wd];
  });
}

function dailyOrWeekly(rule: RruleSpec, startWall: number, byDay: string | undefined, wkst: string | undefined): WallGenerator {
  const d0 = Math.floor(startWall / DAY_MS);
  const tod = startWall - d0 * DAY_MS;
  const days = byDay ? byDayTokens(byDay).map(([, wd]) => wd) : [weekday(d0)];
  if (rule.freq === 'DAILY') {
    // Every INTERVAL-th day from the start, on the BYDAY weekdays (a bit per weekday).
    const mask = byDay ? days.reduce((m, wd) => m | (1 << wd), 0) : 0x7f;
    const step = rule.interval;
    return (lo, hi, limit, countFrom) => {
      const sink = new Sink(lo, hi, limit, countFrom);
      const k = Math.max(0, Math.floor((Math.floor(lo / DAY_MS) - d0) / step));
      for (let d = d0 + k * step; ; d += step) {
        if (mask & (1 << weekday(d)) && !sink.add(d * DAY_MS + tod)) break;
        if (d * DAY_MS + tod > hi) break;
      }
      return sink.out;
    };
  }
  // WEEKLY: weeks begin on WKST; every INTERVAL-th week from the start's, on the BYDAY days.
  const ws = WEEKDAYS.indexOf(wkst ?? 'MO');
  const offsets = [...new Set(days.map((wd) => (wd - ws + 7) % 7))].sort((a, b) => a - b);
  const w0 = d0 - ((weekday(d0) - ws + 7) % 7);
  const period = 7 * rule.interval;
  return (lo, hi, limit, countFrom) => {
    const sink = new Sink(lo, hi, limit, countFrom);
    const j = Math.max(0, Math.floor((Math.floor(lo / DAY_MS) - w0) / period));
    for (let w = w0 + j * period; w * DAY_MS + tod <= hi; w += period) {
      for (const off of offsets) if (!sink.add((w + off) * DAY_MS + tod)) return sink.out;
    }
    return sink.out;
  };
}

/** Year, month (1–12) and day of a wall-ms value. */
function fieldsOf(ms: number): [number, number, number] {
  const d = new Date(ms);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

function monthly(rule: RruleSpec, startWall: number, byMonthDay: string | undefined, byDay: string | undefined): WallGenerator {
  const [y0, m0, dd0] = fieldsOf(startWall);
  const tod = startWall - Math.floor(startWall / DAY_MS) * DAY_MS;
  const monthDayList = byMonthDay?.split(',').map(Number);
  const tokens = byDay ? byDayTokens(byDay) : null;
  const start = y0 * 12 + m0 - 1;
  // Days of the month (1-based, ascending, unique) the rule picks.
  const pick = (first: number, dim: number): number[] => {
    if (monthDayList) {
      const set = new Set<number>();
      for (const n of monthDayList) {
        const d = n > 0 ? n : dim + n + 1;
        if (d >= 1 && d <= dim) set.add(d);
      }
      return [...set].sort((a, b) => a - b);
    }
    if (!tokens) return dd0 <= dim ? [dd0] : [];
    const set = new Set<number>();
    const firstWd = weekday(first);
    for (const [ord, wd] of tokens) {
      const firstOf = 1 + ((wd - firstWd + 7) % 7);
      if (ord === 0) for (let d = firstOf; d <= dim; d += 7) set.add(d);
      else if (ord > 0) {
        const d = firstOf + 7 * (ord - 1);
        if (d <= dim) set.add(d);
      } else {
        const lastOf = dim - ((weekday(first + dim - 1) - wd + 7) % 7);
        const d = lastOf + 7 * (ord + 1);
        if (d >= 1) set.add(d);
      }
    }
    return [...set].sort((a, b) => a - b);
  };
  return (lo, hi, limit, countFrom) => {
    const sink = new Sink(lo, hi, limit, countFrom);
    const [ly, lm] = fieldsOf(lo);
    const k = Math.max(0, Math.floor((ly * 12 + lm - 1 - start) / rule.interval));
    for (let mi = start + k * rule.interval; ; mi += rule.interval) {
      const y = Math.floor(mi / 12);
      const m = mi - y * 12 + 1;
      const first = daysFromCivil(y, m, 1);
      if (first * DAY_MS + tod > hi) break;
      for (const d of pick(first, monthDays(y, m))) if (!sink.add((first + d - 1) * DAY_MS + tod)) return sink.out;
    }
    return sink.out;
  };
}

function yearly(rule: RruleSpec, startWall: number): WallGenerator {
  const [y0, m0, dd0] = fieldsOf(startWall);
  const tod = startWall - Math.floor(startWall / DAY_MS) * DAY_MS;
  return (lo, hi, limit, countFrom) => {
    const sink = new Sink(lo, hi, limit, countFrom);
    const k = Math.max(0, Math.floor((fieldsOf(lo)[0] - y0) / rule.interval));
    for (let y = y0 + k * rule.interval; daysFromCivil(y, 1, 1) * DAY_MS + tod <= hi; y += rule.interval) {
      // A 29 February start occurs in leap years only.
      if (dd0 <= monthDays(y, m0) && !sink.add(daysFromCivil(y, m0, dd0) * DAY_MS + tod)) break;
    }
    return sink.out;
  };
}

/** A generator for the rule anchored at `startWall`, or null when the library must expand it. */
export function fastWalls(rule: RruleSpec, startWall: number): WallGenerator | null {
  const parts = new Map(rule.parts);
  const wkst = parts.get('WKST');
  parts.delete('WKST');
  const byDay = parts.get('BYDAY');
  const byMonthDay = parts.get('BYMONTHDAY');
  const only = (...names: string[]) => [...parts.keys()].every((n) => names.includes(n));
  switch (rule.freq) {
    case 'DAILY':
    case 'WEEKLY':
      return only('BYDAY') ? dailyOrWeekly(rule, startWall, byDay, wkst) : null;
    case 'MONTHLY':
      return only('BYDAY') || only('BYMONTHDAY') ? monthly(rule, startWall, byMonthDay, byDay) : null;
    case 'YEARLY':
      return parts.size === 0 ? yearly(rule, startWall) : null;
    default:
      return null;
  }
}
