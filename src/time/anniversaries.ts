/**
 * Anniversaries (birthdays and the like) are month-day pairs, optionally with a year. A Feb 29
 * anniversary needs a policy for common years; everything else falls on its own date.
 */
import { isLeapYear, isRealDate, parseDate } from './zones';

/** When a Feb 29 anniversary is observed in a common year: Feb 28, Mar 1, or not at all. */
export const LEAP_DAY_POLICIES = ['feb28', 'mar1', 'skip'] as const;
export type LeapDayPolicy = (typeof LEAP_DAY_POLICIES)[number];

/** `birthday` → `Birthday`, `wedding_anniversary` → `Wedding anniversary`. */
export function anniversaryLabel(type: string): string {
  const words = type.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** How the agenda and the firings title an anniversary: `Alice Smith — Birthday`. */
export function anniversaryTitle(contactName: string, type: string): string {
  return `${contactName} — ${anniversaryLabel(type)}`;
}

/**
 * Where a month-day is observed in `year`. Null when the policy skips it, or when the pair is
 * not a date in any year (e.g. 4/31), so callers never emit an impossible date.
 */
export function observedMonthDay(
  month: number,
  day: number,
  year: number,
  policy: LeapDayPolicy,
): { month: number; day: number } | null {
  if (!isRealDate(2000, month, day)) return null; // 2000 is leap: admits Feb 29
  if (month === 2 && day === 29 && !isLeapYear(year)) {
    if (policy === 'feb28') return { month: 2, day: 28 };
    if (policy === 'mar1') return { month: 3, day: 1 };
    return null;
  }
  return { month, day };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Observed dates ('YYYY-MM-DD', ascending) within the inclusive range [fromDate, toDate]. */
export function anniversaryOccurrencesBetween(
  month: number,
  day: number,
  fromDate: string,
  toDate: string,
  policy: LeapDayPolicy,
): string[] {
  const from = parseDate(fromDate);
  const to = parseDate(toDate);
  if (!from || !to) throw new RangeError(`invalid date range '${fromDate}'..'${toDate}'`);
  const out: string[] = [];
  for (let y = from.year; y <= to.year; y++) {
    const obs = observedMonthDay(month, day, y, policy);
    if (!obs) continue;
    // Same-width ISO dates compare correctly as strings.
    const date = `${pad(y, 4)}-${pad(obs.month)}-${pad(obs.day)}`;
    if (date >= fromDate && date <= toDate) out.push(date);
  }
  return out;
}

/** 'YYYY-MM-DD' (a real date) or '--MM-DD' (year unknown; '--02-29' allowed). */
export function parseAnniversaryDate(s: string): { year: number | null; month: number; day: number } | null {
  if (typeof s !== 'string') return null;
  const noYear = /^--(\d{2})-(\d{2})$/.exec(s);
  if (noYear) {
    const month = Number(noYear[1]);
    const day = Number(noYear[2]);
    return isRealDate(2000, month, day) ? { year: null, month, day } : null;
  }
  const full = parseDate(s);
  return full ? { year: full.year, month: full.month, day: full.day } : null;
}
