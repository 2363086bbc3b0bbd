import { describe, expect, it } from 'vitest';
import {
  addDays, anniversaryOccurrencesBetween, fromUtcBasic, instantToWall, isLeapYear, isRealDate, isValidTimeZone,
  localDate, observedMonthDay, offsetOf, parseAnniversaryDate, parseDuration, parseTime, toIsoZ, toUtcBasic,
  wallToInstant, type ParsedTime,
} from '../src/time';

const iso = (d: Date) => toIsoZ(d);
const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const TOKYO = 'Asia/Tokyo';

describe('zones: wallToInstant and the DST policy', () => {
  it.each([
    // [local, zone, instant, adjusted]
    ['2024-06-01T10:00:00', NY, '2024-06-01T14:00:00Z', null],
    ['2024-01-15T10:00', NY, '2024-01-15T15:00:00Z', null],
    ['2024-03-10T02:30', NY, '2024-03-10T07:30:00Z', 'dst_gap'], // → 03:30 EDT
    ['2024-03-10T02:00:00', NY, '2024-03-10T07:00:00Z', 'dst_gap'], // first gap second → 03:00 EDT
    ['2024-03-10T03:00:00', NY, '2024-03-10T07:00:00Z', null],
    ['2024-11-03T01:30', NY, '2024-11-03T05:30:00Z', 'dst_overlap'], // earlier: 01:30 EDT
    ['2024-11-03T02:00:00', NY, '2024-11-03T07:00:00Z', null],
    ['2024-03-31T02:30:00', BERLIN, '2024-03-31T01:30:00Z', 'dst_gap'], // → 03:30 CEST
    ['2024-10-27T02:30:00', BERLIN, '2024-10-27T00:30:00Z', 'dst_overlap'], // earlier: 02:30 CEST
    ['2024-10-27T03:30:00', BERLIN, '2024-10-27T02:30:00Z', null],
    ['2024-10-06T02:15:00', 'Australia/Lord_Howe', '2024-10-05T15:45:00Z', 'dst_gap'], // 30-minute gap
    ['2024-06-01T10:00:00', 'UTC', '2024-06-01T10:00:00Z', null],
    ['2024-06-01T10:00:00', TOKYO, '2024-06-01T01:00:00Z', null],
  ] as const)('%s in %s → %s (%s)', (local, zone, instant, adjusted) => {
    const r = wallToInstant(local, zone);
    expect(iso(r.instant)).toBe(instant);
    expect(r.adjusted).toBe(adjusted);
  });

  it('shows the gap time moved forward when read back', () => {
    expect(instantToWall(wallToInstant('2024-03-10T02:30', NY).instant, NY)).toBe('2024-03-10T03:30:00');
    expect(instantToWall(wallToInstant('2024-03-31T02:30:00', BERLIN).instant, BERLIN)).toBe('2024-03-31T03:30:00');
  });

  it('refuses malformed local times and unknown zones', () => {
    expect(() => wallToInstant('2024-02-30T10:00', NY)).toThrow(RangeError);
    expect(() => wallToInstant('2024-06-01 10:00', NY)).toThrow(RangeError);
    expect(() => wallToInstant('2024-06-01T24:00', NY)).toThrow(RangeError);
    expect(() => wallToInstant('2024-06-01T10:00', 'Mars/Base')).toThrow(RangeError);
  });
});

describe('zones: helpers', () => {
  it('validates IANA names', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Base')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('+02:00')).toBe(false);
    expect(isValidTimeZone('not a zone')).toBe(false);
  });

  it('renders wall times, offsets and local dates', () => {
    const summer = new Date('2024-06-01T14:00:00Z');
    const winter = new Date('2024-12-01T15:00:00Z');
    expect(instantToWall(summer, NY)).toBe('2024-06-01T10:00:00');
    expect(instantToWall(winter, NY)).toBe('2024-12-01T10:00:00');
    expect(offsetOf(summer, NY)).toBe('-04:00');
    expect(offsetOf(winter, NY)).toBe('-05:00');
    expect(offsetOf(summer, 'UTC')).toBe('+00:00');
    expect(offsetOf(summer, 'Asia/Kolkata')).toBe('+05:30');
    expect(offsetOf(summer, BERLIN)).toBe('+02:00');
    expect(localDate(new Date('2024-06-01T23:30:00Z'), TOKYO)).toBe('2024-06-02');
    expect(localDate(new Date('2024-06-01T23:30:00Z'), 'UTC')).toBe('2024-06-01');
    expect(localDate(new Date('2024-06-01T03:30:00Z'), NY)).toBe('2024-05-31');
  });

  it('does calendar arithmetic', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-06-01', 30)).toBe('2024-07-01');
    expect(isRealDate(2024, 2, 29)).toBe(true);
    expect(isRealDate(2023, 2, 29)).toBe(false);
    expect(isRealDate(2100, 2, 29)).toBe(false);
    expect(isRealDate(2000, 2, 29)).toBe(true);
    expect(isRealDate(2024, 13, 1)).toBe(false);
    expect(isRealDate(2024, 4, 31)).toBe(false);
    expect(isLeapYear(2024)).toBe(true);
    expect(isLeapYear(1900)).toBe(false);
    expect(isLeapYear(2000)).toBe(true);
  });

  it('renders UTC forms without milliseconds', () => {
    const d = new Date('2024-06-03T13:00:00.123Z');
    expect(toUtcBasic(d)).toBe('20240603T130000Z');
    expect(toIsoZ(d)).toBe('2024-06-03T13:00:00Z');
    expect(fromUtcBasic('20240603T130000Z')?.toISOString()).toBe('2024-06-03T13:00:00.000Z');
    expect(fromUtcBasic('20240230T130000Z')).toBeNull();
    expect(fromUtcBasic('20240603T130000')).toBeNull();
    expect(fromUtcBasic('2024-06-03T13:00:00Z')).toBeNull();
  });
});

describe('parseTime', () => {
  const REF = new Date('2024-06-01T12:00:00Z'); // a Saturday, 08:00 in New York
  const p = (input: string, timeZone: string | null = null, reference = REF, defaultTimeZone: string | null = null) =>
    parseTime(input, { timeZone, defaultTimeZone, reference });
  const brief = (r: ParsedTime | null) =>
    r && { instant: iso(r.instant), local: r.local, offset: r.offset, kind: r.kind, date_only: r.date_only, adjusted: r.adjusted };

  it('reads naive ISO in the zone, and offset / Z inputs exactly', () => {
    expect(p('2024-06-01T10:00:00', NY)).toEqual({
      input: '2024-06-01T10:00:00', instant: new Date('2024-06-01T14:00:00Z'), local: '2024-06-01T10:00:00',
      time_zone: NY, offset: '-04:00', kind: 'iso', date_only: false, adjusted: null,
    });
    expect(brief(p('2024-06-01T15:00:00Z', NY))).toMatchObject({ instant: '2024-06-01T15:00:00Z', local: '2024-06-01T11:00:00' });
    expect(brief(p('2024-06-01T10:00:00+02:00'))).toMatchObject({ instant: '2024-06-01T08:00:00Z', local: '2024-06-01T08:00:00', offset: '+00:00' });
    expect(brief(p('2024-06-01T10:00:00-0530', 'UTC'))).toMatchObject({ instant: '2024-06-01T15:30:00Z' });
    expect(brief(p('2024-06-01T10:00', BERLIN))).toMatchObject({ instant: '2024-06-01T08:00:00Z', offset: '+02:00' });
  });

  it('reads a bare date as 00:00 local', () => {
    expect(brief(p('2024-06-01', BERLIN))).toEqual({
      instant: '2024-05-31T22:00:00Z', local: '2024-06-01T00:00:00', offset: '+02:00', kind: 'iso', date_only: true, adjusted: null,
    });
  });

  it('applies the DST policy to naive input and reports it', () => {
    expect(brief(p('2024-03-10T02:30:00', NY))).toMatchObject({ instant: '2024-03-10T07:30:00Z', local: '2024-03-10T03:30:00', offset: '-04:00', adjusted: 'dst_gap' });
    expect(brief(p('2024-11-03T01:30:00', NY))).toMatchObject({ instant: '2024-11-03T05:30:00Z', local: '2024-11-03T01:30:00', offset: '-04:00', adjusted: 'dst_overlap' });
    expect(brief(p('2024-03-31T02:30', BERLIN))).toMatchObject({ instant: '2024-03-31T01:30:00Z', adjusted: 'dst_gap' });
    expect(brief(p('2024-10-27T02:30', BERLIN))).toMatchObject({ instant: '2024-10-27T00:30:00Z', adjusted: 'dst_overlap' });
    // An explicit offset is never adjusted.
    expect(p('2024-03-10T02:30:00-05:00', NY)?.adjusted).toBeNull();
  });

  it('falls back from time_zone to the inbox default to UTC', () => {
    expect(p('2024-06-01T10:00:00', NY, REF, BERLIN)?.time_zone).toBe(NY);
    expect(iso(p('2024-06-01T10:00:00', NY, REF, BERLIN)!.instant)).toBe('2024-06-01T14:00:00Z');
    expect(p('2024-06-01T10:00:00', null, REF, BERLIN)?.time_zone).toBe(BERLIN);
    expect(iso(p('2024-06-01T10:00:00', null, REF, BERLIN)!.instant)).toBe('2024-06-01T08:00:00Z');
    expect(p('2024-06-01T10:00:00', null, REF, null)?.time_zone).toBe('UTC');
    expect(iso(p('2024-06-01T10:00:00')!.instant)).toBe('2024-06-01T10:00:00Z');
    expect(parseTime('2024-06-01T10:00:00', { reference: REF })?.time_zone).toBe('UTC');
    expect(() => p('2024-06-01T10:00:00', 'Mars/Base')).toThrow(RangeError);
  });

  it('reads natural dates', () => {
    expect(brief(p('June 1, 2024 10am', NY))).toEqual({
      instant: '2024-06-01T14:00:00Z', local: '2024-06-01T10:00:00', offset: '-04:00', kind: 'natural', date_only: false, adjusted: null,
    });
    expect(brief(p('3 June 2024 at 14:30', BERLIN))).toMatchObject({ instant: '2024-06-03T12:30:00Z', kind: 'natural' });
    expect(brief(p('June 5, 2024', NY))).toMatchObject({ instant: '2024-06-05T04:00:00Z', date_only: true, kind: 'natural' });
    expect(brief(p('June 1, 2024 10am EST', BERLIN))).toMatchObject({ instant: '2024-06-01T15:00:00Z', adjusted: null });
    expect(brief(p('March 10, 2024 2:30am', NY))).toMatchObject({ instant: '2024-03-10T07:30:00Z', adjusted: 'dst_gap' });
  });

  it('reads relative inputs: hours exactly, days on the wall clock', () => {
    expect(brief(p('in 2 hours', NY))).toMatchObject({ instant: '2024-06-01T14:00:00Z', kind: 'relative', date_only: false });
    expect(brief(p('2 hours ago'))).toMatchObject({ instant: '2024-06-01T10:00:00Z', kind: 'relative' });
    expect(brief(p('in 30 minutes'))).toMatchObject({ instant: '2024-06-01T12:30:00Z', kind: 'relative' });
    expect(brief(p('in 3 days', NY))).toMatchObject({ instant: '2024-06-04T12:00:00Z', local: '2024-06-04T08:00:00', kind: 'relative' });
    expect(brief(p('in 1 week', NY))).toMatchObject({ instant: '2024-06-08T12:00:00Z' });
    expect(brief(p('now', NY))).toMatchObject({ instant: '2024-06-01T12:00:00Z', kind: 'relative' });
    // Months clamp to the month's last day.
    expect(brief(p('in 1 month', 'UTC', new Date('2024-01-31T12:00:00Z')))).toMatchObject({ instant: '2024-02-29T12:00:00Z' });
    expect(brief(p('1 year ago', 'UTC', new Date('2024-02-29T12:00:00Z')))).toMatchObject({ instant: '2023-02-28T12:00:00Z' });
    expect(brief(p('in 1 day and 2 hours', 'UTC'))).toMatchObject({ instant: '2024-06-02T14:00:00Z' });
  });

  it('keeps hours as elapsed time and days as wall time across a DST change', () => {
    const beforeSpring = new Date('2024-03-10T06:30:00Z'); // 01:30 EST
    const twoHours = p('in 2 hours', NY, beforeSpring)!;
    expect(iso(twoHours.instant)).toBe('2024-03-10T08:30:00Z'); // +7200 s exactly
    expect(twoHours.instant.getTime() - beforeSpring.getTime()).toBe(7200_000);
    expect(twoHours.local).toBe('2024-03-10T04:30:00'); // the wall clock jumped 3 hours
    expect(twoHours.offset).toBe('-04:00');

    const day = p('in 1 day', NY, new Date('2024-03-09T14:00:00Z'))!; // 09:00 EST
    expect(iso(day.instant)).toBe('2024-03-10T13:00:00Z'); // 09:00 EDT, 23 h later
    expect(day.local).toBe('2024-03-10T09:00:00');

    const intoGap = p('in 1 day', NY, new Date('2024-03-09T07:30:00Z'))!; // 02:30 EST
    expect(intoGap.local).toBe('2024-03-10T03:30:00');
    expect(intoGap.adjusted).toBe('dst_gap');
  });

  it('anchors named days on the reference, in the zone', () => {
    const late = new Date('2024-06-01T23:30:00Z'); // already Sunday June 2, 08:30 in Tokyo
    expect(brief(p('today', TOKYO, late))).toMatchObject({ instant: '2024-06-01T15:00:00Z', local: '2024-06-02T00:00:00', kind: 'named_day', date_only: true });
    expect(brief(p('tomorrow', TOKYO, late))).toMatchObject({ instant: '2024-06-02T15:00:00Z', local: '2024-06-03T00:00:00', kind: 'named_day', date_only: true });
    expect(brief(p('tomorrow', 'UTC', late))).toMatchObject({ local: '2024-06-02T00:00:00' });
    expect(brief(p('tomorrow', 'America/Los_Angeles', new Date('2024-06-02T05:00:00Z')))).toMatchObject({ local: '2024-06-02T00:00:00', instant: '2024-06-02T07:00:00Z' });
    expect(brief(p('yesterday', TOKYO, late))).toMatchObject({ local: '2024-06-01T00:00:00' });
    expect(brief(p('tomorrow 9:30', NY))).toMatchObject({ instant: '2024-06-02T13:30:00Z', local: '2024-06-02T09:30:00', date_only: false, kind: 'named_day' });
    // The same words move with the reference.
    expect(p('tomorrow', 'UTC', new Date('2030-01-01T00:00:00Z'))?.local).toBe('2030-01-02T00:00:00');
  });

  it('reads a weekday as the first such day strictly after today', () => {
    // REF is Saturday 2024-06-01 in UTC and New York.
    expect(p('Saturday', NY)?.local).toBe('2024-06-08T00:00:00');
    expect(p('Monday', NY)?.local).toBe('2024-06-03T00:00:00');
    expect(p('next Monday', NY)?.local).toBe('2024-06-03T00:00:00');
    expect(p('Sunday', NY)?.local).toBe('2024-06-02T00:00:00');
    expect(brief(p('Friday 3pm', NY))).toMatchObject({ instant: '2024-06-07T19:00:00Z', local: '2024-06-07T15:00:00', kind: 'named_day', date_only: false });
    expect(brief(p('next Monday 10am', NY))).toMatchObject({ instant: '2024-06-03T14:00:00Z', kind: 'named_day' });
    expect(brief(p('at 3pm on Friday', NY))).toMatchObject({ local: '2024-06-07T15:00:00' });
    expect(brief(p('Friday at 3 in the afternoon', NY))).toMatchObject({ local: '2024-06-07T15:00:00', kind: 'named_day' });
    expect(p('last Friday', NY)?.local).toBe('2024-05-31T00:00:00');
    // "Today" depends on the zone: it is already Sunday in Tokyo.
    const late = new Date('2024-06-01T23:30:00Z');
    expect(p('Sunday', 'UTC', late)?.local).toBe('2024-06-02T00:00:00');
    expect(p('Sunday', TOKYO, late)?.local).toBe('2024-06-09T00:00:00');
  });

  it('returns null for garbage', () => {
    for (const input of ['not a date', '', '   ', 'foo June 1', '2024-13-01', '2024-02-30T10:00', 'Friday 25:00', 'in many hours', 'next today', '9999-12-31T23:59:59', 'in 9000 years', '10']) {
      expect(p(input, NY), input).toBeNull();
    }
  });
});

describe('parseDuration', () => {
  it.each([
    ['PT30M', 'PT30M', 1800, '30 minutes'],
    ['PT1H30M', 'PT1H30M', 5400, '1 hour 30 minutes'],
    ['PT90M', 'PT1H30M', 5400, '1 hour 30 minutes'],
    ['P1D', 'P1D', 86_400, '1 day'],
    ['P1W', 'P1W', 604_800, '1 week'],
    ['P7D', 'P1W', 604_800, '1 week'],
    ['P1DT2H', 'P1DT2H', 93_600, '1 day 2 hours'],
    ['pt45s', 'PT45S', 45, '45 seconds'],
    ['30 minutes', 'PT30M', 1800, '30 minutes'],
    ['1 hour 30 minutes', 'PT1H30M', 5400, '1 hour 30 minutes'],
    ['90 min', 'PT1H30M', 5400, '1 hour 30 minutes'],
    ['1h30m', 'PT1H30M', 5400, '1 hour 30 minutes'],
    ['2 days', 'P2D', 172_800, '2 days'],
    ['1 week', 'P1W', 604_800, '1 week'],
    ['14 days', 'P2W', 1_209_600, '2 weeks'],
    ['45s', 'PT45S', 45, '45 seconds'],
    ['an hour and a half', 'PT1H30M', 5400, '1 hour 30 minutes'],
    ['1 day, 2 hours and 5 minutes', 'P1DT2H5M', 93_900, '1 day 2 hours 5 minutes'],
    ['1:30', 'PT1H30M', 5400, '1 hour 30 minutes'],
    ['P366D', 'P366D', 31_622_400, '366 days'],
  ] as const)('%s → %s', (input, isoForm, seconds, human) => {
    expect(parseDuration(input)).toEqual({ input, iso: isoForm, seconds, human });
  });

  it('refuses zero, negative, unparseable and over-long durations', () => {
    for (const input of ['', 'PT0M', '0 minutes', '-PT30M', '-30 minutes', 'P1M', 'P1Y', 'abc', '90', 'PT', 'P1DT', 'P', '367 days', 'P53W', '1 hour 2 hours']) {
      expect(parseDuration(input), input).toBeNull();
    }
  });
});

describe('anniversaries', () => {
  it('observes Feb 29 per policy in common years only', () => {
    expect(observedMonthDay(2, 29, 2023, 'feb28')).toEqual({ month: 2, day: 28 });
    expect(observedMonthDay(2, 29, 2023, 'mar1')).toEqual({ month: 3, day: 1 });
    expect(observedMonthDay(2, 29, 2023, 'skip')).toBeNull();
    expect(observedMonthDay(2, 29, 2024, 'skip')).toEqual({ month: 2, day: 29 });
    expect(observedMonthDay(2, 29, 2100, 'feb28')).toEqual({ month: 2, day: 28 });
    expect(observedMonthDay(12, 25, 2023, 'skip')).toEqual({ month: 12, day: 25 });
    expect(observedMonthDay(4, 31, 2023, 'feb28')).toBeNull();
  });

  it('lists observed dates in an inclusive range, across New Year', () => {
    expect(anniversaryOccurrencesBetween(2, 29, '2023-01-01', '2025-12-31', 'mar1')).toEqual(['2023-03-01', '2024-02-29', '2025-03-01']);
    expect(anniversaryOccurrencesBetween(2, 29, '2023-01-01', '2025-12-31', 'feb28')).toEqual(['2023-02-28', '2024-02-29', '2025-02-28']);
    expect(anniversaryOccurrencesBetween(2, 29, '2023-01-01', '2025-12-31', 'skip')).toEqual(['2024-02-29']);
    expect(anniversaryOccurrencesBetween(1, 2, '2024-12-20', '2025-01-10', 'skip')).toEqual(['2025-01-02']);
    expect(anniversaryOccurrencesBetween(12, 31, '2024-12-20', '2025-01-10', 'skip')).toEqual(['2024-12-31']);
    expect(anniversaryOccurrencesBetween(6, 1, '2024-06-01', '2024-06-01', 'skip')).toEqual(['2024-06-01']);
    expect(anniversaryOccurrencesBetween(6, 2, '2024-06-01', '2024-06-01', 'skip')).toEqual([]);
    expect(anniversaryOccurrencesBetween(2, 29, '2023-03-02', '2024-02-28', 'mar1')).toEqual([]);
  });

  it('parses full and year-less dates', () => {
    expect(parseAnniversaryDate('1984-02-29')).toEqual({ year: 1984, month: 2, day: 29 });
    expect(parseAnniversaryDate('1985-02-29')).toBeNull();
    expect(parseAnniversaryDate('--02-29')).toEqual({ year: null, month: 2, day: 29 });
    expect(parseAnniversaryDate('--12-31')).toEqual({ year: null, month: 12, day: 31 });
    expect(parseAnniversaryDate('--02-30')).toBeNull();
    expect(parseAnniversaryDate('--13-01')).toBeNull();
    expect(parseAnniversaryDate('--04-31')).toBeNull();
    expect(parseAnniversaryDate('1984-2-29')).toBeNull();
    expect(parseAnniversaryDate('02-29')).toBeNull();
  });
});
