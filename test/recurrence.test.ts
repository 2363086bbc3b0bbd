import { describe, expect, it } from 'vitest';
import { RRuleTemporal } from 'rrule-temporal';
import {
  instantToWall, nextOccurrenceAtOrAfter, occurrencesInWindow, offsetMsAt, parseRecurrenceRules, seriesEnd, toIsoZ,
  withLibraryExpansion, type SeriesSpec,
} from '../src/time';

const NY = 'America/New_York';
const HOUR = 3600;
const isos = (ds: Date[]) => ds.map(toIsoZ);
const at = (s: string) => new Date(s);
const spec = (startLocal: string, rules: string[], timeZone = 'UTC', durationSeconds = HOUR): SeriesSpec => ({
  startLocal, timeZone, durationSeconds, rules,
});
const between = (s: SeriesSpec, from: string, to: string, max?: number) => isos(occurrencesInWindow(s, at(from), at(to), max));

describe('parseRecurrenceRules', () => {
  it('accepts and normalises RRULE, EXDATE and RDATE lines', () => {
    expect(parseRecurrenceRules([])).toEqual({ ok: true, rrule: null, exdates: [], rdates: [] });
    expect(parseRecurrenceRules([
      'rrule:freq=weekly;byday=mo,we;count=10',
      'EXDATE;TZID=Europe/Berlin:20240603T090000,20240610T090000',
      'EXDATE:20240617T070000Z',
      'EXDATE;VALUE=DATE:20240624',
      'RDATE:20240612T170000Z',
      'RDATE:20240613T090000',
    ])).toEqual({
      ok: true,
      rrule: 'RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE',
      exdates: [
        'EXDATE;TZID=Europe/Berlin:20240603T090000', 'EXDATE;TZID=Europe/Berlin:20240610T090000',
        'EXDATE:20240617T070000Z', 'EXDATE;VALUE=DATE:20240624',
      ],
      rdates: ['RDATE:20240612T170000Z', 'RDATE:20240613T090000'],
    });
    expect(parseRecurrenceRules(['RRULE:FREQ=MONTHLY;BYDAY=-1FR'])).toMatchObject({ ok: true, rrule: 'RRULE:FREQ=MONTHLY;BYDAY=-1FR' });
    expect(parseRecurrenceRules(['RRULE:FREQ=DAILY;UNTIL=20240630T235959Z;INTERVAL=2'])).toMatchObject({ ok: true, rrule: 'RRULE:FREQ=DAILY;INTERVAL=2;UNTIL=20240630T235959Z' });
  });

  it.each([
    [['RRULE:FREQ=FORTNIGHTLY'], "FREQ 'FORTNIGHTLY' is not one of"],
    [['RRULE:INTERVAL=2'], 'RRULE needs FREQ'],
    [['RRULE:FREQ=DAILY;FOO=1'], "unknown RRULE part 'FOO'"],
    [['RRULE:FREQ=DAILY', 'RRULE:FREQ=WEEKLY'], 'line 2: only one RRULE line is allowed'],
    [['garbage'], "line 1: 'garbage' is not an RRULE:, EXDATE: or RDATE: line"],
    [['RRULE:FREQ=DAILY;COUNT=5;UNTIL=20240101T000000Z'], 'COUNT and UNTIL must not both be given'],
    [['RRULE:FREQ=DAILY;COUNT=0'], 'COUNT must be an integer from 1 to 10000'],
    [['RRULE:FREQ=DAILY;INTERVAL=-1'], 'INTERVAL must be an integer'],
    [['RRULE:FREQ=YEARLY;COUNT=1001'], 'COUNT=1001 with FREQ=YEARLY spans more than 1000 years'],
    [['RRULE:FREQ=DAILY;INTERVAL=1000;COUNT=400'], 'spans more than 1000 years'],
    [['RRULE:FREQ=DAILY;FREQ=WEEKLY'], 'FREQ is given twice'],
    [['RRULE:FREQ=WEEKLY;BYDAY=1MO'], "BYDAY ordinal '1MO' is only allowed with FREQ=MONTHLY or YEARLY"],
    [['RRULE:FREQ=WEEKLY;BYDAY=XX'], "BYDAY value 'XX' is not a weekday"],
    [['RRULE:FREQ=MONTHLY;BYMONTHDAY=32'], "BYMONTHDAY value '32' is out of range"],
    [['RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30'], 'BYMONTHDAY=30 never falls in BYMONTH=2'],
    [['RRULE:FREQ=DAILY;BYSETPOS=1'], 'BYSETPOS needs another BYxxx part'],
    [['RRULE:FREQ=DAILY;UNTIL=20240231'], "UNTIL '20240231' is not a real date"],
    [['RRULE:FREQ=DAILY', 'EXDATE:2024-06-03'], "line 2: EXDATE value '2024-06-03' is not a date"],
    [['EXDATE;TZID=Mars/Base:20240603T090000'], "EXDATE TZID 'Mars/Base' is not an IANA time zone"],
    [['EXDATE;TZID=Europe/Berlin:20240603T090000Z'], 'must not end in Z when TZID is given'],
    [['RDATE;VALUE=PERIOD:20240603T090000Z/PT1H'], 'RDATE;VALUE=PERIOD is not supported'],
    [['RDATE;VALUE=DATE:20240603T090000'], 'is not a date but VALUE=DATE'],
    [['RRULE:'], 'RRULE has no value'],
    [['DTSTART:20240603T090000Z'], 'is not an RRULE:, EXDATE: or RDATE: line'],
  ])('%j → %s', (lines, message) => {
    const r = parseRecurrenceRules(lines);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain(message);
      expect(r.line).toBe(lines.length - 1); // every case fails on its last line
    }
  });
});

describe('occurrencesInWindow', () => {
  it('monthly on the 31st skips short months', () => {
    const expected = ['01', '03', '05', '07', '08', '10', '12'].map((m) => `2024-${m}-31T09:00:00Z`);
    expect(between(spec('2024-01-31T09:00:00', ['RRULE:FREQ=MONTHLY']), '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toEqual(expected);
    expect(between(spec('2024-01-31T09:00:00', ['RRULE:FREQ=MONTHLY;BYMONTHDAY=31']), '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toEqual(expected);
  });

  it('BYDAY=-1FR is the last Friday of each month', () => {
    expect(between(spec('2024-01-26T10:00:00', ['RRULE:FREQ=MONTHLY;BYDAY=-1FR']), '2024-01-01T00:00:00Z', '2024-07-01T00:00:00Z')).toEqual([
      '2024-01-26T10:00:00Z', '2024-02-23T10:00:00Z', '2024-03-29T10:00:00Z', '2024-04-26T10:00:00Z', '2024-05-31T10:00:00Z', '2024-06-28T10:00:00Z',
    ]);
  });

  it('EXDATE removes and RDATE adds occurrences', () => {
    const base = ['RRULE:FREQ=WEEKLY;BYDAY=MO'];
    const window = ['2024-06-01T00:00:00Z', '2024-07-01T00:00:00Z'] as const;
    expect(between(spec('2024-06-03T09:00:00', base, NY), ...window)).toEqual([
      '2024-06-03T13:00:00Z', '2024-06-10T13:00:00Z', '2024-06-17T13:00:00Z', '2024-06-24T13:00:00Z',
    ]);
    expect(between(spec('2024-06-03T09:00:00', [
      ...base,
      'EXDATE;TZID=America/New_York:20240610T090000',
      'EXDATE:20240617T130000Z',
      'EXDATE;VALUE=DATE:20240624',
      'RDATE:20240612T170000Z',
      'RDATE;VALUE=DATE:20240628',
      'RDATE;TZID=Europe/Berlin:20240629T120000',
    ], NY), ...window)).toEqual([
      '2024-06-03T13:00:00Z', '2024-06-12T17:00:00Z', '2024-06-28T13:00:00Z', '2024-06-29T10:00:00Z',
    ]);
    // An EXDATE that matches nothing changes nothing; one on DTSTART removes it.
    expect(between(spec('2024-06-03T09:00:00', [...base, 'EXDATE:20240610T090000', 'EXDATE:20240603T130000Z'], NY), ...window)).toEqual([
      '2024-06-17T13:00:00Z', '2024-06-24T13:00:00Z',
    ]);
  });

  it('UNTIL is inclusive', () => {
    const daily = (until: string, zone = 'UTC') => spec('2024-06-01T09:00:00', [`RRULE:FREQ=DAILY;UNTIL=${until}`], zone);
    const window = ['2024-05-01T00:00:00Z', '2024-07-01T00:00:00Z'] as const;
    expect(between(daily('20240605T090000Z'), ...window)).toEqual(['01', '02', '03', '04', '05'].map((d) => `2024-06-${d}T09:00:00Z`));
    expect(between(daily('20240605T085959Z'), ...window)).toHaveLength(4);
    expect(between(daily('20240605T130000Z', NY), ...window).at(-1)).toBe('2024-06-05T13:00:00Z');
    expect(between(daily('20240605T125959Z', NY), ...window).at(-1)).toBe('2024-06-04T13:00:00Z');
    expect(between(daily('20240605'), ...window).at(-1)).toBe('2024-06-05T09:00:00Z'); // a date UNTIL keeps its whole day
  });

  it('COUNT=5 yields exactly five, even when the window cuts the series', () => {
    const s = spec('2024-06-01T09:00:00', ['RRULE:FREQ=DAILY;COUNT=5']);
    expect(between(s, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toEqual(['01', '02', '03', '04', '05'].map((d) => `2024-06-${d}T09:00:00Z`));
    expect(between(s, '2024-06-03T00:00:00Z', '2024-07-01T00:00:00Z')).toEqual(['2024-06-03T09:00:00Z', '2024-06-04T09:00:00Z', '2024-06-05T09:00:00Z']);
    expect(between(s, '2024-06-06T00:00:00Z', '2024-07-01T00:00:00Z')).toEqual([]);
    // An EXDATE still consumes its place in COUNT (RFC 5545).
    expect(between(spec('2024-06-01T09:00:00', ['RRULE:FREQ=DAILY;COUNT=5', 'EXDATE:20240602T090000Z']), '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toHaveLength(4);
  });

  it('counts a DTSTART the rule does not produce as the first occurrence (RFC 5545 §3.3.10)', () => {
    // 2024-06-04 is a Tuesday; the rule only makes Mondays. The event's own start stays an
    // occurrence, so the unexpanded event and its expansion agree.
    expect(between(spec('2024-06-04T09:00:00', ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3']), '2024-06-01T00:00:00Z', '2024-12-01T00:00:00Z')).toEqual([
      '2024-06-04T09:00:00Z', '2024-06-10T09:00:00Z', '2024-06-17T09:00:00Z',
    ]);
    expect(between(spec('2024-06-04T09:00:00', ['RRULE:FREQ=WEEKLY;BYDAY=MO']), '2024-06-01T00:00:00Z', '2024-06-20T00:00:00Z')).toEqual([
      '2024-06-04T09:00:00Z', '2024-06-10T09:00:00Z', '2024-06-17T09:00:00Z',
    ]);
  });

  it('a weekly 09:00 New York meeting stays at 09:00 across both 2024 DST changes', () => {
    const s = spec('2024-01-01T09:00:00', ['RRULE:FREQ=WEEKLY'], NY);
    expect(between(s, '2024-03-01T00:00:00Z', '2024-03-20T00:00:00Z')).toEqual(['2024-03-04T14:00:00Z', '2024-03-11T13:00:00Z', '2024-03-18T13:00:00Z']);
    expect(between(s, '2024-10-28T00:00:00Z', '2024-11-12T00:00:00Z')).toEqual(['2024-10-28T13:00:00Z', '2024-11-04T14:00:00Z', '2024-11-11T14:00:00Z']);
    const year = occurrencesInWindow(s, at('2024-01-01T00:00:00Z'), at('2025-01-01T00:00:00Z'));
    expect(year).toHaveLength(53);
    expect(new Set(year.map((d) => instantToWall(d, NY).slice(10)))).toEqual(new Set(['T09:00:00']));
    expect(toIsoZ(year[22]!)).toBe('2024-06-03T13:00:00Z'); // summer: EDT
    expect(toIsoZ(year[48]!)).toBe('2024-12-02T14:00:00Z'); // winter: EST
  });

  it('moves an occurrence inside the spring-forward gap forward instead of dropping it', () => {
    expect(between(spec('2024-03-08T02:30:00', ['RRULE:FREQ=DAILY'], NY), '2024-03-08T00:00:00Z', '2024-03-12T00:00:00Z')).toEqual([
      '2024-03-08T07:30:00Z', '2024-03-09T07:30:00Z', '2024-03-10T07:30:00Z', '2024-03-11T06:30:00Z',
    ]);
  });

  // A series keeps the wall time it was written with; only an occurrence that itself falls in a
  // gap moves forward by the gap, and one in an overlap takes the earlier instant (docs/time.md).
  it.each([
    // [zone, written start, rule, expected walls (in the zone) of the first occurrences]
    [NY, '2024-03-10T02:30:00', 'FREQ=DAILY;COUNT=3', ['2024-03-10T03:30:00', '2024-03-11T02:30:00', '2024-03-12T02:30:00']],
    [NY, '2024-03-10T02:30:00', 'FREQ=WEEKLY;COUNT=2', ['2024-03-10T03:30:00', '2024-03-17T02:30:00']],
    [NY, '2024-03-10T02:30:00', 'FREQ=MONTHLY;BYDAY=2SU;COUNT=2', ['2024-03-10T03:30:00', '2024-04-14T02:30:00']],
    [NY, '2024-03-10T02:30:00', 'FREQ=YEARLY;BYMONTH=3;BYDAY=2SU;COUNT=2', ['2024-03-10T03:30:00', '2025-03-09T03:30:00']],
    [NY, '2024-11-03T01:30:00', 'FREQ=DAILY;COUNT=2', ['2024-11-03T01:30:00', '2024-11-04T01:30:00']],
    ['Europe/Berlin', '2024-03-31T02:15:00', 'FREQ=DAILY;COUNT=2', ['2024-03-31T03:15:00', '2024-04-01T02:15:00']],
    ['Australia/Lord_Howe', '2024-10-06T02:15:00', 'FREQ=DAILY;COUNT=2', ['2024-10-06T02:45:00', '2024-10-07T02:15:00']],
    ['Australia/Lord_Howe', '2024-04-07T01:45:00', 'FREQ=DAILY;COUNT=2', ['2024-04-07T01:45:00', '2024-04-08T01:45:00']],
    // Hourly grids stay on the grid of the written wall time: 02:30 (in the gap) lands on 03:30,
    // the same instant as the grid's own 03:30, and counts once.
    [NY, '2024-03-10T01:30:00', 'FREQ=HOURLY;COUNT=4', ['2024-03-10T01:30:00', '2024-03-10T03:30:00', '2024-03-10T04:30:00']],
    [NY, '2024-03-10T02:30:00', 'FREQ=HOURLY;COUNT=3', ['2024-03-10T03:30:00', '2024-03-10T04:30:00']],
    // Over the overlap the wall grid names 01:30 once, read as its earlier instant (EDT).
    [NY, '2024-11-03T00:30:00', 'FREQ=HOURLY;COUNT=3', ['2024-11-03T00:30:00', '2024-11-03T01:30:00', '2024-11-03T02:30:00']],
    ['Australia/Lord_Howe', '2024-10-06T01:15:00', 'FREQ=HOURLY;COUNT=3', ['2024-10-06T01:15:00', '2024-10-06T02:45:00', '2024-10-06T03:15:00']],
  ])('%s %s %s keeps the written wall time', (zone, start, rule, expected) => {
    const s = spec(start, [`RRULE:${rule}`], zone);
    const run = () => occurrencesInWindow(s, at('2024-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z')).map((d) => instantToWall(d, zone));
    expect(run()).toEqual(expected);
    expect(withLibraryExpansion(run)).toEqual(expected);
    // The overlap reading is the earlier instant.
    if (start === '2024-11-03T01:30:00') expect(toIsoZ(occurrencesInWindow(s, at('2024-11-01T00:00:00Z'), at('2024-11-04T00:00:00Z'))[0]!)).toBe('2024-11-03T05:30:00Z');
  });

  it('expands a ten-year-old daily series for one week without walking from its start', () => {
    const s = spec('2014-06-01T09:00:00', ['RRULE:FREQ=DAILY'], NY);
    const week = () => occurrencesInWindow(s, at('2024-06-01T00:00:00Z'), at('2024-06-08T00:00:00Z'));
    expect(isos(week())).toEqual(['01', '02', '03', '04', '05', '06', '07'].map((d) => `2024-06-${d}T13:00:00Z`));
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) expect(week()).toHaveLength(7);
    // Generous bound: this shape only guards against walking 3,650 days per call.
    expect((performance.now() - t0) / 20).toBeLessThan(25);
    // A walk from the year 1200 would exceed the engine's iteration cap and throw.
    expect(between(spec('1200-01-01T09:00:00', ['RRULE:FREQ=DAILY;INTERVAL=3']), '2024-06-01T00:00:00Z', '2024-06-08T00:00:00Z')).toHaveLength(2);
  });

  it('jumps COUNT-limited series by whole cycles and agrees with a full expansion', () => {
    const cases: Array<[string, string, string, string]> = [
      // [start, rule, window start, window end]
      ['2010-01-01T09:00:00', 'FREQ=DAILY;COUNT=5000', '2023-09-01T00:00:00Z', '2023-10-01T00:00:00Z'],
      ['2020-01-06T09:00:00', 'FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=1000', '2026-05-01T00:00:00Z', '2026-07-01T00:00:00Z'],
      ['2020-01-07T18:00:00', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU;BYHOUR=9,18;COUNT=700', '2023-01-01T00:00:00Z', '2024-01-01T00:00:00Z'],
      ['2000-01-03T10:00:00', 'FREQ=DAILY;BYHOUR=9,10,11;BYSETPOS=2;COUNT=2000', '2005-06-01T00:00:00Z', '2005-07-01T00:00:00Z'],
      ['2019-03-05T07:15:00', 'FREQ=DAILY;INTERVAL=3;BYDAY=MO,TH;COUNT=400', '2024-01-01T00:00:00Z', '2030-01-01T00:00:00Z'],
    ];
    for (const [start, rule, from, to] of cases) {
      const full = new RRuleTemporal({ rruleString: `DTSTART:${start.replace(/[-:]/g, '')}Z\nRRULE:${rule}`, includeDtstart: true })
        .all()
        .map((z) => toIsoZ(new Date(z.epochMilliseconds)))
        .filter((d) => d >= from && d < to);
      expect(full.length, rule).toBeGreaterThan(0);
      expect(between(spec(start, [`RRULE:${rule}`], 'UTC', 60), from, to), rule).toEqual(full);
    }
    expect(between(spec('2010-01-01T09:00:00', ['RRULE:FREQ=DAILY;COUNT=5000'], NY), '2023-09-01T00:00:00Z', '2024-01-01T00:00:00Z').at(-1)).toBe('2023-09-09T13:00:00Z');
    expect(between(spec('2000-01-03T10:00:00', ['RRULE:FREQ=DAILY;BYHOUR=9,10,11;BYSETPOS=2;COUNT=9000']), '2024-08-01T00:00:00Z', '2024-09-01T00:00:00Z').at(-1)).toBe('2024-08-23T10:00:00Z');
  }, 30_000); // the reference expansion walks every occurrence; the code under test does not

  it('handles a single event, overlap edges, zero duration and the max cap', () => {
    const single = spec('2024-06-01T10:00:00', [], 'UTC', HOUR);
    expect(between(single, '2024-06-01T10:30:00Z', '2024-06-01T12:00:00Z')).toEqual(['2024-06-01T10:00:00Z']);
    expect(between(single, '2024-06-01T11:00:00Z', '2024-06-01T12:00:00Z')).toEqual([]); // ends as the window starts
    expect(between(single, '2024-06-01T09:00:00Z', '2024-06-01T10:00:00Z')).toEqual([]); // window ends as it starts
    expect(between(single, '2024-06-01T09:59:59Z', '2024-06-01T10:00:01Z')).toEqual(['2024-06-01T10:00:00Z']);
    const instant = spec('2024-06-01T10:00:00', [], 'UTC', 0);
    expect(between(instant, '2024-06-01T10:00:00Z', '2024-06-01T10:00:01Z')).toEqual(['2024-06-01T10:00:00Z']);
    expect(between(instant, '2024-06-01T09:00:00Z', '2024-06-01T10:00:00Z')).toEqual([]);
    expect(between(spec('2024-06-01T10:00:00', ['RDATE:20240605T100000Z']), '2024-06-01T00:00:00Z', '2024-06-30T00:00:00Z')).toEqual(['2024-06-01T10:00:00Z', '2024-06-05T10:00:00Z']);
    const daily = spec('2024-01-01T08:00:00', ['RRULE:FREQ=DAILY']);
    expect(between(daily, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toHaveLength(366);
    expect(between(daily, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z', 10)).toEqual(
      Array.from({ length: 10 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}T08:00:00Z`),
    );
    expect(occurrencesInWindow(spec('2024-01-01T08:00:00', ['RRULE:FREQ=MINUTELY']), at('2024-01-01T00:00:00Z'), at('2025-01-01T00:00:00Z'))).toHaveLength(5000);
  });

  it('matches RFC 5545 examples for week numbers, year days and BYSETPOS (New York)', () => {
    const walls = (s: SeriesSpec, from: string, to: string) => occurrencesInWindow(s, at(from), at(to)).map((d) => instantToWall(d, NY));
    expect(walls(spec('1997-05-12T09:00:00', ['RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO'], NY), '1997-01-01T00:00:00Z', '2000-01-01T00:00:00Z')).toEqual([
      '1997-05-12T09:00:00', '1998-05-11T09:00:00', '1999-05-17T09:00:00',
    ]);
    expect(walls(spec('1997-01-01T09:00:00', ['RRULE:FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200'], NY), '1997-01-01T00:00:00Z', '2010-01-01T00:00:00Z').map((w) => w.slice(0, 10))).toEqual([
      '1997-01-01', '1997-04-10', '1997-07-19', '2000-01-01', '2000-04-09', '2000-07-18', '2003-01-01', '2003-04-10', '2003-07-19', '2006-01-01',
    ]);
    // The RFC's DTSTART here (Sep 29) is not synchronised with the rule; this API counts a start
    // as an occurrence (see the COUNT test above), so the example starts on the rule's first day.
    expect(walls(spec('1997-09-30T09:00:00', ['RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1'], NY), '1997-09-01T00:00:00Z', '1998-04-01T00:00:00Z').map((w) => w.slice(0, 10))).toEqual([
      '1997-09-30', '1997-10-31', '1997-11-28', '1997-12-31', '1998-01-30', '1998-02-27', '1998-03-31',
    ]);
  });

  it('expands a series overlapping the window from before it', () => {
    // A two-day event starting the day before the window overlaps it.
    expect(between(spec('2024-06-01T12:00:00', ['RRULE:FREQ=WEEKLY'], 'UTC', 2 * 86_400), '2024-06-09T00:00:00Z', '2024-06-10T00:00:00Z')).toEqual(['2024-06-08T12:00:00Z']);
  });
});

describe('seriesEnd and nextOccurrenceAtOrAfter', () => {
  it('computes the end of the last occurrence', () => {
    expect(seriesEnd(spec('2024-06-01T09:00:00', ['RRULE:FREQ=DAILY']))).toBeNull();
    expect(toIsoZ(seriesEnd(spec('2024-06-01T09:00:00', ['RRULE:FREQ=DAILY;COUNT=5']))!)).toBe('2024-06-05T10:00:00Z');
    expect(toIsoZ(seriesEnd(spec('2024-06-01T09:00:00', ['RRULE:FREQ=DAILY;COUNT=5', 'EXDATE:20240605T090000Z']))!)).toBe('2024-06-04T10:00:00Z');
    expect(toIsoZ(seriesEnd(spec('2024-06-01T09:00:00', ['RRULE:FREQ=DAILY;UNTIL=20240610T120000Z']))!)).toBe('2024-06-10T10:00:00Z');
    expect(toIsoZ(seriesEnd(spec('2024-06-01T09:00:00', ['RRULE:FREQ=DAILY;COUNT=2', 'RDATE:20240701T090000Z']))!)).toBe('2024-07-01T10:00:00Z');
    expect(toIsoZ(seriesEnd(spec('2024-06-01T09:00:00', []))!)).toBe('2024-06-01T10:00:00Z');
    expect(toIsoZ(seriesEnd(spec('2010-01-01T09:00:00', ['RRULE:FREQ=DAILY;COUNT=5000'], NY, 1800))!)).toBe('2023-09-09T13:30:00Z');
    expect(toIsoZ(seriesEnd(spec('2020-01-06T09:00:00', ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=1000']))!)).toBe('2026-05-25T10:00:00Z');
    expect(toIsoZ(seriesEnd(spec('2024-01-26T10:00:00', ['RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=6']))!)).toBe('2024-06-28T11:00:00Z');
    expect(toIsoZ(seriesEnd(spec('2024-06-01T09:00:00', ['RRULE:FREQ=WEEKLY;UNTIL=20241231T235959Z'], NY))!)).toBe('2024-12-28T15:00:00Z');
    expect(toIsoZ(seriesEnd(spec('2024-06-01T09:00:00', ['RRULE:FREQ=DAILY;COUNT=2', 'EXDATE:20240601T090000Z,20240602T090000Z']))!)).toBe('2024-06-01T10:00:00Z');
  });

  it('finds the next occurrence at or after an instant', () => {
    const weekly = spec('2024-01-01T09:00:00', ['RRULE:FREQ=WEEKLY', 'EXDATE;TZID=America/New_York:20240610T090000'], NY);
    expect(toIsoZ(nextOccurrenceAtOrAfter(weekly, at('2024-06-03T13:00:00Z'))!)).toBe('2024-06-03T13:00:00Z');
    expect(toIsoZ(nextOccurrenceAtOrAfter(weekly, at('2024-06-03T13:00:01Z'))!)).toBe('2024-06-17T13:00:00Z');
    expect(toIsoZ(nextOccurrenceAtOrAfter(weekly, at('2020-01-01T00:00:00Z'))!)).toBe('2024-01-01T14:00:00Z');
    const counted = spec('2024-06-01T09:00:00', ['RRULE:FREQ=DAILY;COUNT=5']);
    expect(nextOccurrenceAtOrAfter(counted, at('2024-06-05T09:00:01Z'))).toBeNull();
    expect(toIsoZ(nextOccurrenceAtOrAfter(spec('2024-02-29T09:00:00', ['RRULE:FREQ=YEARLY']), at('2024-03-01T00:00:00Z'))!)).toBe('2028-02-29T09:00:00Z');
    expect(nextOccurrenceAtOrAfter(spec('2024-06-01T09:00:00', []), at('2024-06-01T09:00:01Z'))).toBeNull();
    expect(toIsoZ(nextOccurrenceAtOrAfter(spec('2014-06-01T09:00:00', ['RRULE:FREQ=DAILY'], NY), at('2024-06-01T14:00:00Z'))!)).toBe('2024-06-02T13:00:00Z');
  });

  it('refuses invalid specs loudly', () => {
    expect(() => occurrencesInWindow(spec('2024-06-01T09:00:00', ['RRULE:FREQ=NEVER']), at('2024-06-01T00:00:00Z'), at('2024-07-01T00:00:00Z'))).toThrow(RangeError);
    expect(() => seriesEnd(spec('2024-06-01T09:00:00', [], 'Mars/Base'))).toThrow(RangeError);
  });
});

describe('arithmetic expansion and cached zone offsets agree with the library and with Intl', () => {
  // Deterministic pseudo-random cases (mulberry32), so a failure reproduces.
  const rng = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const ZONES = ['UTC', NY, 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata'];
  const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');

  /** A random rule of a shape the arithmetic path takes (and now and then one it does not). */
  function randomSeries(r: () => number): SeriesSpec {
    for (;;) {
      const s = randomCandidate(r);
      if (parseRecurrenceRules(s.rules).ok) return s; // e.g. not a YEARLY COUNT past year 9999
    }
  }

  function randomCandidate(r: () => number): SeriesSpec {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const some = <T>(xs: readonly T[], n: number): T[] => [...xs].sort(() => r() - 0.5).slice(0, n);
    const zone = pick(ZONES);
    // Starts cluster on the days and hours where zones change offset.
    const year = 2016 + Math.floor(r() * 10);
    const month = pick([1, 2, 3, 4, 6, 10, 11, 12]);
    // Month ends too: the 29th to 31st are skipped in shorter months (and years).
    const monthEnd = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const day = r() < 0.25 ? Math.min(monthEnd, pick([29, 30, 31])) : 1 + Math.floor(r() * 28);
    const [h, m] = pick([[0, 0], [1, 30], [2, 0], [2, 30], [3, 0], [9, 0], [12, 15], [23, 59], [Math.floor(r() * 24), Math.floor(r() * 60)]]);
    const startLocal = `${year}-${pad(month)}-${pad(day)}T${pad(h!)}:${pad(m!)}:${pad(r() < 0.2 ? 30 : 0)}`;
    const freq = pick(['DAILY', 'WEEKLY', 'WEEKLY', 'MONTHLY', 'MONTHLY', 'YEARLY']);
    const parts = [`FREQ=${freq}`];
    if (r() < 0.4) parts.push(`INTERVAL=${pick([2, 3, 4, 5, 12])}`);
    if (freq === 'DAILY' && r() < 0.4) parts.push(`BYDAY=${some(DAYS, 1 + Math.floor(r() * 5)).join(',')}`);
    if (freq === 'WEEKLY') {
      if (r() < 0.7) parts.push(`BYDAY=${some(DAYS, 1 + Math.floor(r() * 6)).join(',')}`);
      if (r() < 0.3) parts.push(`WKST=${pick(DAYS)}`);
    }
    if (freq === 'MONTHLY') {
      const kind = r();
      if (kind < 0.3) parts.push(`BYMONTHDAY=${some([1, 2, 15, 28, 29, 30, 31, -1, -2, -7, -31], 1 + Math.floor(r() * 3)).join(',')}`);
      else if (kind < 0.6) parts.push(`BYDAY=${some(['MO', 'FR', '1MO', '2TU', '-1FR', '-2SU', '5WE', '-5TH', '3SA'], 1 + Math.floor(r() * 3)).join(',')}`);
    }
    if (r() < 0.08) parts.push(pick(['BYSETPOS=1;BYDAY=MO,FR', 'BYMONTH=3,10', 'BYHOUR=8,17']));
    const end = r();
    if (end < 0.35) parts.push(`COUNT=${pick([1, 2, 5, 30, 100, 400])}`);
    else if (end < 0.6) parts.push(`UNTIL=${pick([`${year + 1}0331`, `${year + 2}1103T060000Z`, `${year + 3}0101T000000Z`])}`);
    const rules = [`RRULE:${parts.join(';')}`];
    if (r() < 0.3) rules.push(`EXDATE;VALUE=DATE:${year + 1}${pad(month)}${pad(day)}`, `EXDATE;TZID=${zone}:${year}${pad(month)}${pad(day)}T${pad(h!)}${pad(m!)}00`);
    if (r() < 0.2) rules.push(`RDATE:${year + 1}0315T120000Z`);
    return { startLocal, timeZone: zone, durationSeconds: pick([0, 1800, 3600, 2 * 86_400]), rules };
  }

  it('expands generated rules exactly as rrule-temporal does, DST changes included', () => {
    const r = rng(20_240_310);
    let compared = 0;
    const fixed: SeriesSpec[] = [
      spec('2016-02-29T09:00:00', ['RRULE:FREQ=YEARLY'], NY),
      spec('2016-02-29T09:00:00', ['RRULE:FREQ=YEARLY;INTERVAL=4;COUNT=30'], 'Europe/Berlin'),
      spec('2016-01-31T02:30:00', ['RRULE:FREQ=MONTHLY;COUNT=40'], NY),
      spec('2016-03-27T02:30:00', ['RRULE:FREQ=MONTHLY;BYDAY=-1SU'], 'Europe/Berlin'),
      spec('2016-10-02T02:15:00', ['RRULE:FREQ=MONTHLY;BYDAY=1SU,5SU,-5SA;UNTIL=20200101'], 'Australia/Lord_Howe'),
      spec('2016-11-06T01:30:00', ['RRULE:FREQ=WEEKLY;BYDAY=SU;WKST=SU;INTERVAL=52'], NY),
      // Starts inside a gap (moved forward) or an overlap (earlier instant), on both paths.
      spec('2024-03-10T02:30:00', ['RRULE:FREQ=DAILY;COUNT=3'], NY),
      spec('2024-03-10T02:30:00', ['RRULE:FREQ=WEEKLY;BYDAY=SU,MO'], NY),
      spec('2024-03-10T02:30:00', ['RRULE:FREQ=MONTHLY;BYDAY=2SU;COUNT=12'], NY),
      spec('2024-03-10T02:30:00', ['RRULE:FREQ=MONTHLY;BYMONTHDAY=10,-1;BYSETPOS=1'], NY),
      spec('2024-11-03T01:30:00', ['RRULE:FREQ=DAILY;UNTIL=20250401'], NY),
      spec('2024-11-03T01:30:00', ['RRULE:FREQ=MONTHLY;BYDAY=1SU'], NY),
      spec('2024-03-31T02:30:00', ['RRULE:FREQ=MONTHLY;BYDAY=-1SU'], 'Europe/Berlin'),
      spec('2024-10-27T02:30:00', ['RRULE:FREQ=WEEKLY;COUNT=30'], 'Europe/Berlin'),
      spec('2024-10-06T02:15:00', ['RRULE:FREQ=MONTHLY;BYDAY=1SU;COUNT=20'], 'Australia/Lord_Howe'),
      spec('2024-04-07T01:45:00', ['RRULE:FREQ=DAILY;INTERVAL=7'], 'Australia/Lord_Howe'),
      spec('2024-03-10T01:30:00', ['RRULE:FREQ=HOURLY;INTERVAL=1;COUNT=50'], NY),
      spec('2024-11-03T00:30:00', ['RRULE:FREQ=HOURLY;UNTIL=20241104T000000Z'], NY),
      spec('2024-10-06T01:15:00', ['RRULE:FREQ=HOURLY;COUNT=40'], 'Australia/Lord_Howe'),
    ];
    for (let i = 0; i < 400 + fixed.length; i++) {
      const s = fixed[i - 400] ?? randomSeries(r);
      const startYear = Number(s.startLocal.slice(0, 4));
      // Windows over DST changes of several zones (March/April, October/November) and at random.
      const windows: Array<[number, number]> = [];
      for (let j = 0; j < 4; j++) {
        const y = startYear + Math.floor(r() * 4) - (j === 0 ? 1 : 0);
        const from = Date.UTC(y, [2, 3, 9, 10, Math.floor(r() * 12)][j]!, 1 + Math.floor(r() * 28), Math.floor(r() * 24));
        windows.push([from, from + (r() < 0.5 ? 7 : 30) * 86_400_000]);
      }
      // And one over the start itself (a gap or overlap start's first occurrences).
      const startWall = Date.parse(`${s.startLocal}Z`);
      windows.push([startWall - 2 * 86_400_000, startWall + 40 * 86_400_000]);
      const run = () => ({
        windows: windows.map(([a, b]) => isos(occurrencesInWindow(s, new Date(a), new Date(b)))),
        capped: isos(occurrencesInWindow(s, new Date(windows[1]![0]), new Date(windows[1]![0] + 400 * 86_400_000), 3)),
        next: windows.map(([a]) => nextOccurrenceAtOrAfter(s, new Date(a))?.toISOString() ?? null),
        end: seriesEnd(s)?.toISOString() ?? null,
      });
      const fast = run();
      const library = withLibraryExpansion(run);
      expect(fast, JSON.stringify(s)).toEqual(library);
      compared += fast.windows.flat().length;
    }
    expect(compared).toBeGreaterThan(2000);
  }, 120_000);

  it('reads zone offsets exactly as Intl does, at and around every change', () => {
    const formats = new Map<string, Intl.DateTimeFormat>();
    const intl = (ms: number, tz: string) => {
      const f = formats.get(tz) ?? new Intl.DateTimeFormat('en-US', {
        timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
      });
      formats.set(tz, f);
      const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
      const d = new Date(0);
      d.setUTCFullYear(p.year!, p.month! - 1, p.day!);
      d.setUTCHours(p.hour! % 24, p.minute!, p.second!, 0);
      return d.getTime() - Math.floor(ms / 1000) * 1000;
    };
    // Zones with odd-second historical offsets, half-hour DST and changes days apart.
    const zones = [NY, 'Europe/Berlin', 'Australia/Lord_Howe', 'Europe/Amsterdam', 'Africa/Freetown', 'America/Sao_Paulo', 'Asia/Gaza'];
    const r = rng(7);
    let changes = 0;
    for (const tz of zones) {
      // Find changes by six-hour steps over a few eras, pin each to its second, and probe around it.
      const eras = [[Date.UTC(1883, 10, 1), Date.UTC(1884, 0, 1)], [Date.UTC(1937, 0, 1), Date.UTC(1946, 0, 1)], [Date.UTC(2023, 0, 1), Date.UTC(2026, 0, 1)]];
      for (const [from, to] of eras as Array<[number, number]>) {
        const STEP = 6 * 3_600_000;
        for (let t = from; t < to; t += STEP) {
          if (r() < 0.05) expect(offsetMsAt(t + 1234, tz)).toBe(intl(t + 1234, tz));
          if (intl(t, tz) === intl(t + STEP, tz)) continue;
          let [lo, hi] = [t, t + STEP];
          while (hi - lo > 1000) {
            const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
            if (intl(mid, tz) === intl(t, tz)) lo = mid;
            else hi = mid;
          }
          changes++;
          for (const ms of [hi - 86_400_000, hi - 3_600_000, hi - 1001, hi - 1000, hi - 1, hi, hi + 999, hi + 1000, hi + Math.floor(3_600_000 * r()), hi - Math.floor(86_400_000 * r())]) {
            expect(offsetMsAt(ms, tz), `${tz} ${new Date(ms).toISOString()}`).toBe(intl(ms, tz));
          }
        }
      }
    }
    expect(changes).toBeGreaterThan(60);
  }, 120_000);
});
