// RFC 5545 rule semantics: the §3.8.5.3 examples as a table, and properties of the ordinal and
// range parts (BYDAY ±n, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYSETPOS) checked against a
// brute-force reading of §3.3.10, day by day.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { instantToWall, occurrencesInWindow, parseRecurrenceRules, withLibraryExpansion, type SeriesSpec } from '../src/time';

const NY = 'America/New_York';
const walls = (s: SeriesSpec, from: string, to: string, max = 5000) =>
  occurrencesInWindow(s, new Date(from), new Date(to), max).map((d) => instantToWall(d, s.timeZone));
const days = (s: SeriesSpec, from: string, to: string, max?: number) => walls(s, from, to, max).map((w) => w.slice(0, 10));
/** Both expansion paths (arithmetic and library-routed) must give the same answer. */
const bothPaths = <T>(f: () => T): T => {
  const a = f();
  expect(withLibraryExpansion(f)).toEqual(a);
  return a;
};

// [name, DTSTART (New York wall time), rule lines, expected dates] — each list is the RFC's
// own, within the window 1996-01-01 .. the last listed date (or the next few years for the
// "forever" examples, truncated to the dates the RFC shows).
type Example = [string, string, string[], string[], number?];
const d = (y: number, m: number, ...ds: number[]) => ds.map((x) => `${y}-${String(m).padStart(2, '0')}-${String(x).padStart(2, '0')}`);
const RFC_EXAMPLES: Example[] = [
  ['Daily for 10 occurrences', '1997-09-02T09:00', ['RRULE:FREQ=DAILY;COUNT=10'], d(1997, 9, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)],
  ['Every 10 days, 5 occurrences', '1997-09-02T09:00', ['RRULE:FREQ=DAILY;INTERVAL=10;COUNT=5'], [...d(1997, 9, 2, 12, 22), ...d(1997, 10, 2, 12)]],
  ['Every day in January, for 3 years (YEARLY)', '1998-01-01T09:00', ['RRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA'],
    [1998, 1999, 2000].flatMap((y) => d(y, 1, ...Array.from({ length: 31 }, (_, i) => i + 1)))],
  ['Every day in January, for 3 years (DAILY)', '1998-01-01T09:00', ['RRULE:FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1'],
    [1998, 1999, 2000].flatMap((y) => d(y, 1, ...Array.from({ length: 31 }, (_, i) => i + 1)))],
  ['Weekly for 10 occurrences', '1997-09-02T09:00', ['RRULE:FREQ=WEEKLY;COUNT=10'], [...d(1997, 9, 2, 9, 16, 23, 30), ...d(1997, 10, 7, 14, 21, 28), ...d(1997, 11, 4)]],
  ['Weekly on Tuesday and Thursday for five weeks', '1997-09-02T09:00', ['RRULE:FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH'],
    [...d(1997, 9, 2, 4, 9, 11, 16, 18, 23, 25, 30), ...d(1997, 10, 2)]],
  ['Every other week on MO, WE, FR until 24 Dec 1997', '1997-09-01T09:00', ['RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR'],
    [...d(1997, 9, 1, 3, 5, 15, 17, 19, 29), ...d(1997, 10, 1, 3, 13, 15, 17, 27, 29, 31), ...d(1997, 11, 10, 12, 14, 24, 26, 28), ...d(1997, 12, 8, 10, 12, 22)]],
  ['Every other week on TU and TH, 8 occurrences', '1997-09-02T09:00', ['RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH'], [...d(1997, 9, 2, 4, 16, 18, 30), ...d(1997, 10, 2, 14, 16)]],
  ['Monthly on the first Friday for 10 occurrences', '1997-09-05T09:00', ['RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR'],
    [...d(1997, 9, 5), ...d(1997, 10, 3), ...d(1997, 11, 7), ...d(1997, 12, 5), ...d(1998, 1, 2), ...d(1998, 2, 6), ...d(1998, 3, 6), ...d(1998, 4, 3), ...d(1998, 5, 1), ...d(1998, 6, 5)]],
  ['Every other month on the first and last Sunday, 10 occurrences', '1997-09-07T09:00', ['RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU'],
    [...d(1997, 9, 7, 28), ...d(1997, 11, 2, 30), ...d(1998, 1, 4, 25), ...d(1998, 3, 1, 29), ...d(1998, 5, 3, 31)]],
  ['Monthly on the second-to-last Monday for 6 months', '1997-09-22T09:00', ['RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=-2MO'],
    [...d(1997, 9, 22), ...d(1997, 10, 20), ...d(1997, 11, 17), ...d(1997, 12, 22), ...d(1998, 1, 19), ...d(1998, 2, 16)]],
  ['Monthly on the third-to-the-last day of the month', '1997-09-28T09:00', ['RRULE:FREQ=MONTHLY;BYMONTHDAY=-3'],
    [...d(1997, 9, 28), ...d(1997, 10, 29), ...d(1997, 11, 28), ...d(1997, 12, 29), ...d(1998, 1, 29), ...d(1998, 2, 26)], 6],
  ['Monthly on the 2nd and 15th, 10 occurrences', '1997-09-02T09:00', ['RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15'],
    [...d(1997, 9, 2, 15), ...d(1997, 10, 2, 15), ...d(1997, 11, 2, 15), ...d(1997, 12, 2, 15), ...d(1998, 1, 2, 15)]],
  ['Monthly on the first and last day, 10 occurrences', '1997-09-30T09:00', ['RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1'],
    [...d(1997, 9, 30), ...d(1997, 10, 1, 31), ...d(1997, 11, 1, 30), ...d(1997, 12, 1, 31), ...d(1998, 1, 1, 31), ...d(1998, 2, 1)]],
  ['Every 18 months on the 10th thru 15th, 10 occurrences', '1997-09-10T09:00', ['RRULE:FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15'],
    [...d(1997, 9, 10, 11, 12, 13, 14, 15), ...d(1999, 3, 10, 11, 12, 13)]],
  ['Every Tuesday, every other month', '1997-09-02T09:00', ['RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=TU'],
    [...d(1997, 9, 2, 9, 16, 23, 30), ...d(1997, 11, 4, 11, 18, 25), ...d(1998, 1, 6, 13, 20, 27), ...d(1998, 3, 3, 10, 17, 24, 31)], 18],
  ['Yearly in June and July for 10 occurrences', '1997-06-10T09:00', ['RRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7'],
    [1997, 1998, 1999, 2000, 2001].flatMap((y) => [...d(y, 6, 10), ...d(y, 7, 10)])],
  ['Every other year on January, February and March, 10 occurrences', '1997-03-10T09:00', ['RRULE:FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3'],
    [...d(1997, 3, 10), ...[1999, 2001, 2003].flatMap((y) => [...d(y, 1, 10), ...d(y, 2, 10), ...d(y, 3, 10)])]],
  ['Every third year on the 1st, 100th and 200th day, 10 occurrences', '1997-01-01T09:00', ['RRULE:FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200'],
    [...d(1997, 1, 1), ...d(1997, 4, 10), ...d(1997, 7, 19), ...d(2000, 1, 1), ...d(2000, 4, 9), ...d(2000, 7, 18), ...d(2003, 1, 1), ...d(2003, 4, 10), ...d(2003, 7, 19), ...d(2006, 1, 1)]],
  ['Every 20th Monday of the year', '1997-05-19T09:00', ['RRULE:FREQ=YEARLY;BYDAY=20MO'], [...d(1997, 5, 19), ...d(1998, 5, 18), ...d(1999, 5, 17)], 3],
  ['Monday of week number 20', '1997-05-12T09:00', ['RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO'], [...d(1997, 5, 12), ...d(1998, 5, 11), ...d(1999, 5, 17)], 3],
  ['Every Thursday in March', '1997-03-13T09:00', ['RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=TH'], [...d(1997, 3, 13, 20, 27), ...d(1998, 3, 5, 12, 19, 26), ...d(1999, 3, 4, 11, 18, 25)], 11],
  ['Every Thursday, but only during June, July and August', '1997-06-05T09:00', ['RRULE:FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8'], [
    ...d(1997, 6, 5, 12, 19, 26), ...d(1997, 7, 3, 10, 17, 24, 31), ...d(1997, 8, 7, 14, 21, 28),
    ...d(1998, 6, 4, 11, 18, 25), ...d(1998, 7, 2, 9, 16, 23, 30), ...d(1998, 8, 6, 13, 20, 27),
    ...d(1999, 6, 3, 10, 17, 24), ...d(1999, 7, 1, 8, 15, 22, 29), ...d(1999, 8, 5, 12, 19, 26)], 39],
  ['Every Friday the 13th (DTSTART excluded)', '1997-09-02T09:00', ['RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13', 'EXDATE;TZID=America/New_York:19970902T090000'],
    [...d(1998, 2, 13), ...d(1998, 3, 13), ...d(1998, 11, 13), ...d(1999, 8, 13), ...d(2000, 10, 13)], 5],
  ['The first Saturday that follows the first Sunday of the month', '1997-09-13T09:00', ['RRULE:FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13'],
    [...d(1997, 9, 13), ...d(1997, 10, 11), ...d(1997, 11, 8), ...d(1997, 12, 13), ...d(1998, 1, 10), ...d(1998, 2, 7), ...d(1998, 3, 7), ...d(1998, 4, 11), ...d(1998, 5, 9), ...d(1998, 6, 13)], 10],
  ['US Presidential Election day', '1996-11-05T09:00', ['RRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8'], [...d(1996, 11, 5), ...d(2000, 11, 7), ...d(2004, 11, 2)], 3],
  ['The third instance of TU, WE or TH, for the next 3 months', '1997-09-04T09:00', ['RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3'], [...d(1997, 9, 4), ...d(1997, 10, 7), ...d(1997, 11, 6)]],
  ['The second-to-last weekday of the month', '1997-09-29T09:00', ['RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2'],
    [...d(1997, 9, 29), ...d(1997, 10, 30), ...d(1997, 11, 27), ...d(1997, 12, 30), ...d(1998, 1, 29), ...d(1998, 2, 26), ...d(1998, 3, 30)], 7],
  ['WKST=MO: every other week on TU and SU, 4 occurrences', '1997-08-05T09:00', ['RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO'], d(1997, 8, 5, 10, 19, 24)],
  ['WKST=SU: every other week on TU and SU, 4 occurrences', '1997-08-05T09:00', ['RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU'], d(1997, 8, 5, 17, 19, 31)],
  ['An invalid date (30 February) is ignored', '2007-01-15T09:00', ['RRULE:FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5'], [...d(2007, 1, 15, 30), ...d(2007, 2, 15), ...d(2007, 3, 15, 30)]],
];

describe('RFC 5545 §3.8.5.3 examples (New York, 09:00)', () => {
  it.each(RFC_EXAMPLES)('%s', (_name, start, rules, expected, max) => {
    const s: SeriesSpec = { startLocal: `${start}:00`, timeZone: NY, durationSeconds: 3600, rules };
    const got = bothPaths(() => walls(s, '1996-01-01T00:00:00Z', '2010-01-01T00:00:00Z', max));
    expect(got.map((w) => w.slice(0, 10))).toEqual(expected);
    expect(new Set(got.map((w) => w.slice(10)))).toEqual(new Set(['T09:00:00']));
  });

  it('every 3 hours from 09:00 until 13:00 EDT (the RFC lists 15:00 too, past its own UNTIL of 17:00Z)', () => {
    const s: SeriesSpec = { startLocal: '1997-09-02T09:00:00', timeZone: NY, durationSeconds: 60, rules: ['RRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z'] };
    expect(bothPaths(() => walls(s, '1997-09-01T00:00:00Z', '1997-09-04T00:00:00Z'))).toEqual(['1997-09-02T09:00:00', '1997-09-02T12:00:00']);
  });
});

// ---------------------------------------------------------------------------------------------
// A brute-force reading of §3.3.10 for YEARLY and MONTHLY date rules: walk every day of the
// period with Date objects, keep the days every given part accepts, apply BYSETPOS.

const DAY = 86_400_000;
const WD = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA']; // Date#getUTCDay order
const utc = (y: number, m: number, dd: number) => new Date(Date.UTC(y, m - 1, dd));
const iso = (t: Date) => t.toISOString().slice(0, 10);

/** [week-numbering year, week number, weeks in that year] of a date, weeks starting on wkst. */
function weekOf(t: Date, wkst: string): [number, number, number] {
  const startOfWeek = (x: Date) => {
    let s = x;
    while (WD[s.getUTCDay()] !== wkst) s = new Date(s.getTime() - DAY);
    return s;
  };
  // Week 1 is the first week with at least four days in its year.
  const week1 = (y: number) => {
    let s = startOfWeek(utc(y, 1, 1));
    let inYear = 0;
    for (let i = 0; i < 7; i++) if (new Date(s.getTime() + i * DAY).getUTCFullYear() === y) inYear++;
    if (inYear < 4) s = new Date(s.getTime() + 7 * DAY);
    return s;
  };
  const ws = startOfWeek(t);
  for (const y of [t.getUTCFullYear() + 1, t.getUTCFullYear(), t.getUTCFullYear() - 1]) {
    const w1 = week1(y);
    if (ws.getTime() >= w1.getTime()) {
      return [y, Math.round((ws.getTime() - w1.getTime()) / (7 * DAY)) + 1, Math.round((week1(y + 1).getTime() - w1.getTime()) / (7 * DAY))];
    }
  }
  throw new Error('unreachable');
}

interface DateRule {
  freq: 'YEARLY' | 'MONTHLY';
  byMonth?: number[];
  byWeekNo?: number[];
  byYearDay?: number[];
  byMonthDay?: number[];
  byDay?: string[];
  bySetPos?: number[];
  wkst?: string;
}

const ruleLine = (r: DateRule) => `RRULE:${[
  `FREQ=${r.freq}`,
  r.byMonth && `BYMONTH=${r.byMonth.join(',')}`,
  r.byWeekNo && `BYWEEKNO=${r.byWeekNo.join(',')}`,
  r.byYearDay && `BYYEARDAY=${r.byYearDay.join(',')}`,
  r.byMonthDay && `BYMONTHDAY=${r.byMonthDay.join(',')}`,
  r.byDay && `BYDAY=${r.byDay.join(',')}`,
  r.bySetPos && `BYSETPOS=${r.bySetPos.join(',')}`,
  r.wkst && `WKST=${r.wkst}`,
].filter(Boolean).join(';')}`;

/** Dates of the rule in one period (a year, or year + month), by walking its days. */
function oracle(r: DateRule, start: Date, y: number, m?: number): string[] {
  const first = m ? utc(y, m, 1) : utc(y, 1, 1);
  const end = m ? utc(y, m + 1, 1) : utc(y + 1, 1, 1);
  const dayList: Date[] = [];
  for (let t = first; t < end; t = new Date(t.getTime() + DAY)) dayList.push(t);
  const yearDays = Math.round((utc(y + 1, 1, 1).getTime() - utc(y, 1, 1).getTime()) / DAY);
  const dateParts = r.byWeekNo || r.byYearDay || r.byMonthDay || r.byDay;
  const months = r.byMonth ?? (!dateParts && r.freq === 'YEARLY' ? [start.getUTCMonth() + 1] : undefined);
  const monthDays = r.byMonthDay ?? (!dateParts ? [start.getUTCDate()] : undefined);
  const picked = dayList.filter((t) => {
    const month = t.getUTCMonth() + 1;
    const dim = new Date(Date.UTC(t.getUTCFullYear(), month, 0)).getUTCDate();
    const yday = Math.round((t.getTime() - utc(y, 1, 1).getTime()) / DAY) + 1;
    if (months && !months.includes(month)) return false;
    if (monthDays && !monthDays.some((n) => n === t.getUTCDate() || n === t.getUTCDate() - dim - 1)) return false;
    if (r.byYearDay && !r.byYearDay.some((n) => n === yday || n === yday - yearDays - 1)) return false;
    if (r.byWeekNo) {
      const [, no, weeks] = weekOf(t, r.wkst ?? 'MO');
      if (!r.byWeekNo.some((n) => n === no || n === no - weeks - 1)) return false;
    }
    if (r.byDay) {
      // The weekday's occurrences in the ordinal's scope: the month (MONTHLY, or with BYMONTH), else the year.
      const scope = r.freq === 'MONTHLY' || r.byMonth
        ? dayList.length <= 31 ? dayList : dayList.filter((x) => x.getUTCMonth() === t.getUTCMonth())
        : dayList;
      const same = scope.filter((x) => x.getUTCDay() === t.getUTCDay());
      const k = same.findIndex((x) => x.getTime() === t.getTime());
      const ok = r.byDay.some((tok) => {
        if (tok.slice(-2) !== WD[t.getUTCDay()]) return false;
        if (tok.length === 2) return true;
        const n = Number(tok.slice(0, -2));
        return n > 0 ? k === n - 1 : k === same.length + n;
      });
      if (!ok) return false;
    }
    return true;
  });
  let out = picked;
  if (r.bySetPos) out = picked.filter((_, i) => r.bySetPos!.some((p) => (p > 0 ? i === p - 1 : i === picked.length + p)));
  return out.filter((t) => t.getTime() >= start.getTime()).map(iso);
}

function expandOracle(r: DateRule, start: Date, untilYear: number): string[] {
  const out: string[] = [];
  for (let y = start.getUTCFullYear(); y <= untilYear; y++) {
    if (r.freq === 'YEARLY') out.push(...oracle(r, start, y));
    else for (let m = 1; m <= 12; m++) out.push(...oracle(r, start, y, m));
  }
  return out;
}

/** The series' dates up to the end of `untilYear`, DTSTART counted only when the rule makes it. */
function expandCode(r: DateRule, start: Date, untilYear: number): string[] {
  const s: SeriesSpec = { startLocal: `${iso(start)}T00:00:00`, timeZone: 'UTC', durationSeconds: 0, rules: [ruleLine(r)] };
  const got = days(s, `${iso(start)}T00:00:00Z`, `${untilYear + 1}-01-01T00:00:00Z`);
  // This API counts a DTSTART the rule does not make as the first occurrence (RFC 5545 §3.3.10).
  return got[0] === iso(start) && !expandOracle(r, start, start.getUTCFullYear()).includes(iso(start)) ? got.slice(1) : got;
}

describe('ordinal and range edges of BYDAY, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYSETPOS', () => {
  it.each([
    // [rule, start, expected dates before 2041]: a 53rd Thursday exists only in years with 53 of them.
    ['RRULE:FREQ=YEARLY;BYDAY=53TH', '2024-01-01', ['2026-12-31', '2032-12-30', '2037-12-31']],
    ['RRULE:FREQ=YEARLY;BYDAY=-53TH', '2024-01-01', ['2026-01-01', '2032-01-01', '2037-01-01']],
    ['RRULE:FREQ=YEARLY;BYDAY=53MO', '2024-01-01', ['2024-12-30', '2029-12-31', '2035-12-31', '2040-12-31']],
    ['RRULE:FREQ=YEARLY;BYDAY=-1SU', '2037-01-01', ['2037-12-27', '2038-12-26', '2039-12-25', '2040-12-30']],
    ['RRULE:FREQ=YEARLY;BYDAY=1TH', '2037-01-01', ['2037-01-01', '2038-01-07', '2039-01-06', '2040-01-05']],
    ['RRULE:FREQ=YEARLY;BYMONTH=2;BYDAY=5TH', '2024-01-01', ['2024-02-29']], // next in 2052
    ['RRULE:FREQ=MONTHLY;BYDAY=5FR', '2040-01-01', ['2040-03-30', '2040-06-29', '2040-08-31', '2040-11-30']],
    ['RRULE:FREQ=MONTHLY;BYDAY=-5FR', '2040-01-01', ['2040-03-02', '2040-06-01', '2040-08-03', '2040-11-02']],
    ['RRULE:FREQ=YEARLY;BYYEARDAY=366', '2024-01-01', ['2024-12-31', '2028-12-31', '2032-12-31', '2036-12-31', '2040-12-31']],
    ['RRULE:FREQ=YEARLY;BYYEARDAY=-366', '2024-01-01', ['2024-01-01', '2028-01-01', '2032-01-01', '2036-01-01', '2040-01-01']],
    ['RRULE:FREQ=YEARLY;BYYEARDAY=60', '2038-01-01', ['2038-03-01', '2039-03-01', '2040-02-29']],
    ['RRULE:FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH', '2024-01-01', ['2026-12-31', '2032-12-30', '2037-12-31']],
    ['RRULE:FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO', '2037-06-01', ['2038-01-04', '2039-01-03', '2040-01-02', '2040-12-31']],
    ['RRULE:FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SU', '2038-06-01', ['2039-01-02', '2040-01-01', '2040-12-30']],
    ['RRULE:FREQ=YEARLY;BYWEEKNO=1;BYDAY=SU;WKST=SU', '2038-06-01', ['2039-01-02', '2040-01-01', '2040-12-30']],
    // Week 1 of 2040 starts on 2 January; week 1 of 2041 takes 31 December 2040.
    ['RRULE:FREQ=YEARLY;BYMONTH=12;BYWEEKNO=1;BYDAY=MO,TU,WE,TH,FR,SA,SU', '2039-06-01', ['2040-12-31']],
    ['RRULE:FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=4,5,6', '2039-01-01', ['2039-05-31', '2040-05-31']],
    ['RRULE:FREQ=YEARLY;BYMONTHDAY=-31', '2039-06-01', ['2039-07-01', '2039-08-01', '2039-10-01', '2039-12-01', '2040-01-01', '2040-03-01', '2040-05-01', '2040-07-01', '2040-08-01', '2040-10-01', '2040-12-01']],
    ['RRULE:FREQ=YEARLY;BYYEARDAY=1;BYMONTHDAY=31', '2030-01-01', []],
    ['RRULE:FREQ=YEARLY;BYYEARDAY=-1;BYDAY=MO,TU,WE,TH,FR', '2036-01-01', ['2036-12-31', '2037-12-31', '2038-12-31', '2040-12-31']],
    ['RRULE:FREQ=YEARLY;BYMONTH=6;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', '2038-01-01', ['2038-06-30', '2039-06-30', '2040-06-29']],
    ['RRULE:FREQ=YEARLY;BYDAY=FR;BYSETPOS=53', '2024-01-01', ['2027-12-31', '2032-12-31', '2038-12-31']],
  ])('%s from %s', (rule, start, expected) => {
    const s: SeriesSpec = { startLocal: `${start}T09:00:00`, timeZone: 'UTC', durationSeconds: 60, rules: [rule] };
    const got = bothPaths(() => days(s, `${start}T00:00:00Z`, '2041-01-01T00:00:00Z'));
    // Drop the start when the rule does not make it (it is an occurrence of its own).
    expect(got[0] === start && expected[0] !== start ? got.slice(1) : got).toEqual(expected);
  });

  const wd = fc.constantFrom('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU');
  const startDate = fc.integer({ min: Date.UTC(1990, 0, 1) / DAY, max: Date.UTC(2060, 0, 1) / DAY }).map((n) => new Date(n * DAY));
  const signed = (max: number) => fc.integer({ min: 1, max }).chain((n) => fc.constantFrom(n, -n));

  it('YEARLY;BYDAY=±nWD is exactly the n-th such weekday of its year, only in years that have one', () => {
    fc.assert(fc.property(signed(53), wd, startDate, (n, day, start) => {
      const got = expandCode({ freq: 'YEARLY', byDay: [`${n}${day}`] }, start, start.getUTCFullYear() + 12);
      for (const x of got) {
        const t = new Date(`${x}T00:00:00Z`);
        expect(WD[t.getUTCDay()]).toBe(day);
        const y = t.getUTCFullYear();
        // Count that weekday from the year's start (n > 0) or end (n < 0).
        let count = 0;
        for (let u = t; u.getUTCFullYear() === y; u = new Date(u.getTime() + (n > 0 ? -7 : 7) * DAY)) count++;
        expect(count).toBe(Math.abs(n));
      }
      expect(got).toEqual(expandOracle({ freq: 'YEARLY', byDay: [`${n}${day}`] }, start, start.getUTCFullYear() + 12));
    }), { numRuns: 150 });
  });

  it('MONTHLY;BYDAY=±nWD (n ≤ 5) is the n-th such weekday of its month, skipping months without one', () => {
    fc.assert(fc.property(signed(5), wd, startDate, (n, day, start) => {
      const r: DateRule = { freq: 'MONTHLY', byDay: [`${n}${day}`] };
      const got = expandCode(r, start, start.getUTCFullYear() + 2);
      for (const x of got) expect(WD[new Date(`${x}T00:00:00Z`).getUTCDay()]).toBe(day);
      expect(got).toEqual(expandOracle(r, start, start.getUTCFullYear() + 2));
    }), { numRuns: 150 });
  });

  it('BYYEARDAY=-1 is always 31 December, BYYEARDAY=±n the n-th day from either end', () => {
    fc.assert(fc.property(signed(366), startDate, (n, start) => {
      const r: DateRule = { freq: 'YEARLY', byYearDay: [n] };
      const got = expandCode(r, start, start.getUTCFullYear() + 10);
      if (n === -1) expect(got.every((x) => x.endsWith('-12-31'))).toBe(true);
      expect(got).toEqual(expandOracle(r, start, start.getUTCFullYear() + 10));
    }), { numRuns: 150 });
  });

  it('BYMONTHDAY=±n only in months that have that day, never moved to another', () => {
    fc.assert(fc.property(signed(31), fc.constantFrom<'YEARLY' | 'MONTHLY'>('YEARLY', 'MONTHLY'), startDate, (n, freq, start) => {
      const r: DateRule = { freq, byMonthDay: [n] };
      const got = expandCode(r, start, start.getUTCFullYear() + 3);
      for (const x of got) {
        const t = new Date(`${x}T00:00:00Z`);
        const dim = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
        expect(n > 0 ? t.getUTCDate() : t.getUTCDate() - dim - 1).toBe(n);
      }
      expect(got).toEqual(expandOracle(r, start, start.getUTCFullYear() + 3));
    }), { numRuns: 150 });
  });

  it('BYWEEKNO=±n (with WKST) gives days whose week has that number', () => {
    fc.assert(fc.property(signed(53), fc.option(wd, { nil: undefined }), fc.option(wd, { nil: undefined }), startDate, (n, day, wkst, start) => {
      const r: DateRule = { freq: 'YEARLY', byWeekNo: [n], byDay: day ? [day] : undefined, wkst };
      const got = expandCode(r, start, start.getUTCFullYear() + 6);
      for (const x of got) {
        const [, no, weeks] = weekOf(new Date(`${x}T00:00:00Z`), wkst ?? 'MO');
        expect(n > 0 ? no : no - weeks - 1).toBe(n);
      }
      expect(got).toEqual(expandOracle(r, start, start.getUTCFullYear() + 6));
    }), { numRuns: 120 });
  });

  it('combined date parts and BYSETPOS agree with the day-by-day reading; no date leaves its period', () => {
    const list = <T>(a: fc.Arbitrary<T>) => fc.option(fc.uniqueArray(a, { minLength: 1, maxLength: 3 }), { nil: undefined });
    const rule = fc.record({
      freq: fc.constantFrom<'YEARLY' | 'MONTHLY'>('YEARLY', 'MONTHLY'),
      byMonth: list(fc.integer({ min: 1, max: 12 })),
      byWeekNo: list(signed(53)),
      byYearDay: list(signed(366)),
      byMonthDay: list(signed(31)),
      byDay: list(fc.tuple(fc.option(signed(5), { nil: undefined }), wd).map(([n, w]) => `${n ?? ''}${w}`)),
      bySetPos: list(signed(10)),
      wkst: fc.option(wd, { nil: undefined }),
    }).map((r): DateRule => (r.freq === 'MONTHLY' ? { ...r, byWeekNo: undefined, byYearDay: undefined } : r.byWeekNo && r.byDay ? { ...r, byDay: r.byDay.map((t) => t.slice(-2)) } : r))
      .filter((r) => parseRecurrenceRules([ruleLine(r)]).ok && (!r.bySetPos || !!(r.byMonth || r.byWeekNo || r.byYearDay || r.byMonthDay || r.byDay)));
    fc.assert(fc.property(rule, startDate, (r, start) => {
      const got = expandCode(r, start, start.getUTCFullYear() + 4);
      expect(got, ruleLine(r)).toEqual(expandOracle(r, start, start.getUTCFullYear() + 4));
      if (r.byMonth) for (const x of got) expect(r.byMonth).toContain(Number(x.slice(5, 7)));
    }), { numRuns: 300 });
  });
});
