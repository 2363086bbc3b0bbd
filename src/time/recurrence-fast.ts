/**
 * Arithmetic expansion of the common RRULE shapes, in wall time (wall ms: the event's local
 * fields read as UTC, so no DST exists here).
 *
 * rrule-temporal builds Temporal objects for every candidate, which made expansion cost up to a
 * millisecond per series and call. The shapes calendars are actually made of — DAILY, WEEKLY
 * (BYDAY, INTERVAL, WKST), MONTHLY (by the start's day, BYMONTHDAY or BYDAY with or without
 * ordinals) and plain YEARLY — are simple enough to generate with integer day arithmetic. Every
 * other MONTHLY and YEARLY rule goes through `calendarRule`, a direct reading of RFC 5545
 * (YEARLY ones always: the library gets them wrong). DAILY/WEEKLY with other parts and HOURLY
 * return null and stay with the library. test/recurrence.test.ts checks this module against the
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

/** Integer lists of a BY* part ('1,-1,15' → [1, -1, 15]), or null when the part is absent. */
function ints(value: string | undefined): number[] | null {
  return value === undefined ? null : value.split(',').map(Number);
}

/**
 * Days since 1970-01-01 of the first day of ISO-style week 1 of `year`, weeks starting on `ws`
 * (0 = Monday): the week holding at least four days of the year, i.e. the one holding 4 January
 * (RFC 5545 §3.3.10, BYWEEKNO).
 */
function weekOneStart(year: number, ws: number): number {
  const jan4 = daysFromCivil(year, 1, 4);
  return jan4 - ((weekday(jan4) - ws + 7) % 7);
}

/**
 * Every YEARLY or MONTHLY rule whose parts are date parts (BYMONTH, BYWEEKNO, BYYEARDAY,
 * BYMONTHDAY, BYDAY with or without ordinals), time parts (BYHOUR, BYMINUTE, BYSECOND) and
 * BYSETPOS, computed from RFC 5545 §3.3.10 directly.
 *
 * rrule-temporal gets some of these wrong — FREQ=YEARLY;BYDAY=53TH yields early-January dates of
 * years without a 53rd Thursday (2025-01-02, 2028-01-06, …) — so no YEARLY or MONTHLY rule is
 * left to it. Per period (a year, or a month), a day is a candidate when it satisfies every
 * date part given, which is what the RFC's expand/limit table amounts to:
 * - BYMONTH: the day's month is listed;
 * - BYWEEKNO (YEARLY): the day's week, weeks starting on WKST and week 1 being the one with at
 *   least four days of its year, has a listed number, negative numbers counting from the last
 *   week of that week-year. Days of the calendar year only, so week 1 of next year may hold
 *   29–31 December and the last week of last year 1–3 January;
 * - BYYEARDAY (YEARLY): n-th day of the year, -1 = 31 December;
 * - BYMONTHDAY: n-th day of the month, -1 = its last day; a day the month lacks (31 in April,
 *   30 in February) is no candidate, not moved;
 * - BYDAY: the weekday matches one listed; an ordinal (1MO, -1FR, 53TH) counts that weekday
 *   within the month (MONTHLY, or YEARLY with BYMONTH) or within the year (YEARLY otherwise), so
 *   53TH exists only in years with 53 Thursdays.
 * Without any of BYWEEKNO, BYYEARDAY, BYMONTHDAY and BYDAY the start's day of the month is used
 * (and for YEARLY without BYMONTH, its month too). Times of day are every combination of
 * BYHOUR × BYMINUTE × BYSECOND, each defaulting to the start's. BYSETPOS then picks positions
 * among the period's sorted date-times (1 = first, -1 = last), before the series start cuts
 * the first period.
 */
function calendarRule(rule: RruleSpec, startWall: number, parts: Map<string, string>, ws: number): WallGenerator {
  const [y0, m0, dd0] = fieldsOf(startWall);
  const tod0 = startWall - Math.floor(startWall / DAY_MS) * DAY_MS;
  const yearly = rule.freq === 'YEARLY';
  let byMonth = ints(parts.get('BYMONTH'));
  const byWeekNo = ints(parts.get('BYWEEKNO'));
  const byYearDay = ints(parts.get('BYYEARDAY'));
  let byMonthDay = ints(parts.get('BYMONTHDAY'));
  const byDay = parts.has('BYDAY') ? byDayTokens(parts.get('BYDAY')!) : null;
  const bySetPos = ints(parts.get('BYSETPOS'));
  if (!byWeekNo && !byYearDay && !byMonthDay && !byDay) {
    byMonthDay = [dd0];
    if (yearly && !byMonth) byMonth = [m0];
  }
  const plainDays = byDay ? byDay.filter(([ord]) => ord === 0).reduce((mask, [, wd]) => mask | (1 << wd), 0) : 0;
  const ordinals = byDay ? byDay.filter(([ord]) => ord !== 0) : [];
  // Ordinals count within the month for MONTHLY and for YEARLY with BYMONTH, else in the year.
  const ordinalInMonth = !yearly || byMonth !== null;
  const hours = ints(parts.get('BYHOUR')) ?? [Math.floor(tod0 / 3_600_000)];
  const minutes = ints(parts.get('BYMINUTE')) ?? [Math.floor(tod0 / 60_000) % 60];
  const seconds = ints(parts.get('BYSECOND')) ?? [Math.floor(tod0 / 1000) % 60];
  const times: number[] = [];
  for (const h of hours) for (const mi of minutes) for (const s of seconds) times.push(((h * 60 + mi) * 60 + s) * 1000);
  times.sort((a, b) => a - b);

  /** Whether day `d` (days since epoch; `month`/`mday` its fields) of year `y` is a candidate. */
  const matches = (y: number, month: number, mday: number, d: number, yearLen: number, dim: number): boolean => {
    if (byMonth && !byMonth.includes(month)) return false;
    if (byMonthDay && !byMonthDay.includes(mday) && !byMonthDay.includes(mday - dim - 1)) return false;
    const yday = d - daysFromCivil(y, 1, 1) + 1;
    if (byYearDay && !byYearDay.includes(yday) && !byYearDay.includes(yday - yearLen - 1)) return false;
    if (byWeekNo) {
      const weekStart = d - ((weekday(d) - ws + 7) % 7);
      const weekYear = fieldsOf((weekStart + 3) * DAY_MS)[0];
      const first = weekOneStart(weekYear, ws);
      const no = (weekStart - first) / 7 + 1;
      const weeks = (weekOneStart(weekYear + 1, ws) - first) / 7;
      if (!byWeekNo.includes(no) && !byWeekNo.includes(no - weeks - 1)) return false;
    }
    if (byDay) {
      const wd = weekday(d);
      if (!(plainDays & (1 << wd))) {
        const [index, count] = ordinalInMonth ? [mday, dim] : [yday, yearLen];
        const nth = Math.floor((index - 1) / 7) + 1;
        const nthLast = -(Math.floor((count - index) / 7) + 1);
        if (!ordinals.some(([ord, w]) => w === wd && (ord === nth || ord === nthLast))) return false;
      }
    }
    return true;
  };

  /** Sorted date-times (wall ms) of the period of year `y`, month `m` (MONTHLY) or the year. */
  const periodTimes = (y: number, m: number | null): number[] => {
    const yearLen = isLeap(y) ? 366 : 365;
    const days: number[] = [];
    const months = m !== null ? [m] : byMonth ? [...byMonth].sort((a, b) => a - b) : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    for (const month of months) {
      const dim = monthDays(y, month);
      const first = daysFromCivil(y, month, 1);
      for (let mday = 1; mday <= dim; mday++) if (matches(y, month, mday, first + mday - 1, yearLen, dim)) days.push(first + mday - 1);
    }
    const all: number[] = [];
    for (const d of days) for (const t of times) all.push(d * DAY_MS + t);
    if (!bySetPos) return all;
    const picked = new Set<number>();
    for (const pos of bySetPos) {
      const i = pos > 0 ? pos - 1 : all.length + pos;
      if (i >= 0 && i < all.length) picked.add(all[i]!);
    }
    return [...picked].sort((a, b) => a - b);
  };

  const step = rule.interval;
  return (lo, hi, limit, countFrom) => {
    const sink = new Sink(lo, hi, limit, countFrom);
    const [ly, lm] = fieldsOf(lo);
    if (yearly) {
      const k = Math.max(0, Math.floor((ly - y0) / step));
      for (let y = y0 + k * step; daysFromCivil(y, 1, 1) * DAY_MS <= hi; y += step) {
        for (const ms of periodTimes(y, null)) if (!sink.add(ms)) return sink.out;
      }
    } else {
      const start = y0 * 12 + m0 - 1;
      const k = Math.max(0, Math.floor((ly * 12 + lm - 1 - start) / step));
      for (let mi = start + k * step; ; mi += step) {
        const y = Math.floor(mi / 12);
        const m = mi - y * 12 + 1;
        if (daysFromCivil(y, m, 1) * DAY_MS > hi) break;
        for (const ms of periodTimes(y, m)) if (!sink.add(ms)) return sink.out;
      }
    }
    return sink.out;
  };
}

/**
 * The generator for rule shapes the library must not expand (it gets them wrong): every YEARLY
 * rule with BY* parts. Used on both paths, including under `withLibraryExpansion`.
 */
export function ownWalls(rule: RruleSpec, startWall: number): WallGenerator | null {
  const parts = new Map(rule.parts);
  const wkst = parts.get('WKST');
  parts.delete('WKST');
  if (rule.freq !== 'YEARLY' || parts.size === 0) return null;
  return calendarRule(rule, startWall, parts, WEEKDAYS.indexOf(wkst ?? 'MO'));
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
      if (only('BYDAY') || only('BYMONTHDAY')) return monthly(rule, startWall, byMonthDay, byDay);
      return calendarRule(rule, startWall, parts, WEEKDAYS.indexOf(wkst ?? 'MO'));
    case 'YEARLY':
      if (parts.size === 0) return yearly(rule, startWall);
      return calendarRule(rule, startWall, parts, WEEKDAYS.indexOf(wkst ?? 'MO'));
    default:
      return null;
  }
}
