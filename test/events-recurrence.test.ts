// Recurring series through the HTTP API: expansion in the event's own zone, DST, all-day
// events seen from other zones, RRULE edge cases, EXDATE/RDATE, and windows over old series.
import { describe, it, expect, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { calendarTenant, call, withDb, type Cal } from './helpers';

const starts = (page: any) => page.results.map((e: any) => e.start);
const suffixes = (page: any) => page.results.map((e: any) => e.event_id.split('_').pop());

describe('a weekly 09:00 America/New_York series across both DST changes', () => {
  let c: Cal;
  let series: any;
  beforeAll(async () => {
    c = await calendarTenant();
    series = await c.ev({ title: 'Weekly sync', start: '2024-03-04T09:00:00', time_zone: 'America/New_York', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=WEEKLY;BYDAY=MO'] });
  });

  it('stays at 09:00 local while its UTC instant shifts by an hour', async () => {
    // Spring forward on 2024-03-10, fall back on 2024-11-03.
    const page = await c.window('2024-03-01T00:00:00Z', '2024-03-19T00:00:00Z');
    expect(starts(page)).toEqual(['2024-03-04T09:00:00', '2024-03-11T09:00:00', '2024-03-18T09:00:00']);
    expect(suffixes(page)).toEqual(['20240304T140000Z', '20240311T130000Z', '20240318T130000Z']);
    const autumn = await c.window('2024-10-27T00:00:00Z', '2024-11-12T00:00:00Z');
    expect(starts(autumn)).toEqual(['2024-10-28T09:00:00', '2024-11-04T09:00:00', '2024-11-11T09:00:00']);
    expect(suffixes(autumn)).toEqual(['20241028T130000Z', '20241104T140000Z', '20241111T140000Z']);
    for (const o of [...page.results, ...autumn.results]) {
      expect(o).toMatchObject({ recurring_event_id: series.event_id, time_zone: 'America/New_York', title: 'Weekly sync', duration: 'PT1H' });
      expect(o.event_id.startsWith(`${series.event_id}_`)).toBe(true);
    }
  });

  it('a viewer in Europe/Berlin sees the shifted local times, same ids', async () => {
    await c.settings({ default_timezone: 'Europe/Berlin' });
    // Berlin springs forward on 2024-03-31: between the two changes the gap is 5 hours, else 6.
    const page = await c.window('2024-03-01T00:00:00', '2024-04-02T00:00:00');
    expect(starts(page)).toEqual(['2024-03-04T15:00:00', '2024-03-11T14:00:00', '2024-03-18T14:00:00', '2024-03-25T14:00:00', '2024-04-01T15:00:00']);
    expect(page.results.every((o: any) => o.time_zone === 'Europe/Berlin' && o.event_time_zone === 'America/New_York')).toBe(true);
    await c.settings({ default_timezone: null });
  });

  it('sorts desc, pages occurrences, and counts them in total', async () => {
    const asc = await c.window('2024-01-01T00:00:00Z', '2024-04-01T00:00:00Z');
    expect(asc.total).toBe(4);
    const desc = await c.window('2024-01-01T00:00:00Z', '2024-04-01T00:00:00Z', '&sort=desc');
    expect(starts(desc)).toEqual([...starts(asc)].reverse());
    const page2 = await call('GET', `/v1/calendar/events/?inbox_id=${c.t.inboxId}&after=2024-01-01T00:00:00Z&before=2024-04-01T00:00:00Z&limit=2&offset=2`, { token: c.t.session });
    expect(page2.body).toMatchObject({ total: 4, position: 2, limit: 2 });
    expect(page2.body.results.map((e: any) => e.event_id)).toEqual(asc.results.slice(2).map((e: any) => e.event_id));
  });

  it('a missing bound is 366 days from the other', async () => {
    const fromAfter = await c.window('2024-03-05T00:00:00Z', null);
    // 2024-03-05 + 366 days = 2025-03-06: the last Monday before it is 2025-03-03.
    expect(fromAfter.results.at(-1).start).toBe('2025-03-03T09:00:00');
    expect(fromAfter.total).toBe(52);
    const toBefore = await c.window(null, '2024-03-12T00:00:00Z');
    expect(starts(toBefore)).toEqual(['2024-03-04T09:00:00', '2024-03-11T09:00:00']);
  });
});

describe('all-day events stay on their date in every viewer zone', () => {
  it('for viewers in Asia/Tokyo and America/Los_Angeles', async () => {
    const c = await calendarTenant();
    const day = await c.ev({ title: 'Holiday', start: '2024-06-10', duration: 'P1D', time_zone: 'Europe/London' });
    expect(day).toMatchObject({ start: '2024-06-10T00:00:00', all_day: true });
    const yearly = await c.ev({ title: 'Anniversary', start: '2024-06-12', duration: 'P1D', time_zone: 'Europe/London', recurrence_rules: ['RRULE:FREQ=YEARLY'] });
    for (const zone of ['Asia/Tokyo', 'America/Los_Angeles']) {
      await c.settings({ default_timezone: zone });
      const got = await call('GET', `/v1/calendar/events/${day.event_id}/?inbox_id=${c.t.inboxId}`, { token: c.t.session });
      expect(got.body, zone).toMatchObject({ start: '2024-06-10T00:00:00', time_zone: zone, all_day: true });
      // Windows are read in the viewer's zone: exactly its own day holds the event.
      expect((await c.window('2024-06-10', '2024-06-11')).results.map((e: any) => e.title), zone).toEqual(['Holiday']);
      expect((await c.window('2024-06-09', '2024-06-10')).total, zone).toBe(0);
      expect((await c.window('2024-06-11', '2024-06-12')).total, zone).toBe(0);
      const y = await c.window('2025-06-12', '2025-06-13');
      expect(y.results.map((e: any) => [e.title, e.start]), zone).toEqual([['Anniversary', '2025-06-12T00:00:00']]);
      expect(y.results[0].event_id).toBe(`${yearly.event_id}_20250611T230000Z`); // London midnight (BST) in UTC
      expect((await c.window('2025-06-11', '2025-06-12')).total, zone).toBe(0);
      expect((await c.window('2025-06-13', '2025-06-14')).total, zone).toBe(0);
    }
  });

  it('an all-day event created by a Tokyo inbox is on its date for that inbox', async () => {
    const c = await calendarTenant();
    await c.settings({ default_timezone: 'Asia/Tokyo' });
    const e = await c.ev({ title: 'Trip', start: '2024-06-10', duration: 'P2D' });
    expect(e).toMatchObject({ start: '2024-06-10T00:00:00', time_zone: 'Asia/Tokyo', all_day: true, duration: 'P2D' });
    expect((await c.window('2024-06-11', '2024-06-12')).total).toBe(1);
    expect((await c.window('2024-06-12', '2024-06-13')).total).toBe(0);
    await c.settings({ default_timezone: 'America/Los_Angeles' });
    expect((await c.window('2024-06-09', '2024-06-10')).total).toBe(0);
    expect((await c.window('2024-06-11', '2024-06-12')).results[0].start).toBe('2024-06-10T00:00:00');
  });
});

describe('RRULE edge cases', () => {
  let c: Cal;
  beforeAll(async () => { c = await calendarTenant(); });

  it('a monthly series on the 31st skips short months', async () => {
    await c.ev({ title: 'Month end', start: '2024-01-31T10:00:00', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=MONTHLY;BYMONTHDAY=31'] });
    const page = await c.window('2024-01-01T00:00:00Z', '2024-09-01T00:00:00Z');
    expect(starts(page)).toEqual(['2024-01-31T10:00:00', '2024-03-31T10:00:00', '2024-05-31T10:00:00', '2024-07-31T10:00:00', '2024-08-31T10:00:00']);
  });

  it('BYDAY=-1FR is the last Friday of each month', async () => {
    const d = await calendarTenant();
    await d.ev({ title: 'Last Friday', start: '2024-01-26T15:00:00', duration: 'PT1H', time_zone: 'Europe/Paris', recurrence_rules: ['RRULE:FREQ=MONTHLY;BYDAY=-1FR'] });
    const page = await d.window('2024-01-01T00:00:00Z', '2024-07-01T00:00:00Z');
    expect(starts(page)).toEqual(['2024-01-26T15:00:00', '2024-02-23T15:00:00', '2024-03-29T15:00:00', '2024-04-26T15:00:00', '2024-05-31T15:00:00', '2024-06-28T15:00:00']);
  });

  it('EXDATE removes an occurrence and RDATE adds one', async () => {
    const d = await calendarTenant();
    await d.ev({
      title: 'Gym', start: '2024-04-01T07:00:00', duration: 'PT1H', time_zone: 'Europe/Berlin',
      recurrence_rules: ['RRULE:FREQ=WEEKLY;BYDAY=MO', 'EXDATE;TZID=Europe/Berlin:20240408T070000', 'RDATE;TZID=Europe/Berlin:20240410T070000'],
    });
    const page = await d.window('2024-04-01T00:00:00Z', '2024-04-23T00:00:00Z');
    expect(starts(page)).toEqual(['2024-04-01T07:00:00', '2024-04-10T07:00:00', '2024-04-15T07:00:00', '2024-04-22T07:00:00']);
  });

  it('UNTIL is inclusive', async () => {
    const d = await calendarTenant();
    const e = await d.ev({ title: 'Course', start: '2024-01-01T09:00:00Z', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=DAILY;UNTIL=20240105T090000Z'] });
    const page = await d.window('2023-12-01T00:00:00Z', '2024-02-01T00:00:00Z');
    expect(starts(page)).toEqual(['2024-01-01T09:00:00', '2024-01-02T09:00:00', '2024-01-03T09:00:00', '2024-01-04T09:00:00', '2024-01-05T09:00:00']);
    const [row] = await withDb(async (db) => (await db.execute(sql`SELECT series_end_at, is_recurring FROM events WHERE id = ${e.event_id}`)).rows as any[]);
    expect(row.is_recurring).toBe(true);
    expect(new Date(row.series_end_at).toISOString()).toBe('2024-01-05T10:00:00.000Z');
  });

  it('COUNT=5 yields exactly 5, across a window boundary', async () => {
    const d = await calendarTenant();
    await d.ev({ title: 'Five', start: '2024-01-01T09:00:00Z', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=5'] });
    const first = await d.window('2023-12-30T00:00:00Z', '2024-01-03T00:00:00Z');
    const second = await d.window('2024-01-03T00:00:00Z', '2024-02-01T00:00:00Z');
    expect(starts(first)).toEqual(['2024-01-01T09:00:00', '2024-01-02T09:00:00']);
    expect(starts(second)).toEqual(['2024-01-03T09:00:00', '2024-01-04T09:00:00', '2024-01-05T09:00:00']);
    // A window cutting through an occurrence includes it (overlap, not start).
    expect(starts(await d.window('2024-01-05T09:30:00Z', '2024-01-06T00:00:00Z'))).toEqual(['2024-01-05T09:00:00']);
  });

  it('a daily series that began ten years ago expands only the window, quickly', async () => {
    const d = await calendarTenant();
    const old = await d.ev({ title: 'Old daily', start: '2014-06-01T08:00:00', time_zone: 'America/New_York', duration: 'PT30M', recurrence_rules: ['RRULE:FREQ=DAILY'] });
    const counted = await d.ev({ title: 'Counted', start: '2014-06-01T08:00:00Z', duration: 'PT30M', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=3660'] });
    const t0 = Date.now();
    const page = await d.window('2024-06-03T00:00:00Z', '2024-06-10T00:00:00Z');
    expect(Date.now() - t0).toBeLessThan(3000);
    const oldOnes = page.results.filter((e: any) => e.recurring_event_id === old.event_id);
    expect(oldOnes.map((e: any) => e.start)).toEqual(['2024-06-03', '2024-06-04', '2024-06-05', '2024-06-06', '2024-06-07', '2024-06-08', '2024-06-09'].map((x) => `${x}T08:00:00`));
    // COUNT=3660 from 2014-06-01: the last is 3659 days later, 2024-06-07 (three leap days between).
    const countedOnes = page.results.filter((e: any) => e.recurring_event_id === counted.event_id);
    expect(countedOnes.map((e: any) => e.start)).toEqual(['2024-06-03', '2024-06-04', '2024-06-05', '2024-06-06', '2024-06-07'].map((x) => `${x}T08:00:00`));
  });
});

describe('readings the guide (docs/) leaves open (documented on recurrence_rules)', () => {
  let c: Cal;
  beforeAll(async () => { c = await calendarTenant(); });
  const ofSeries = (page: any, id: string) => page.results.filter((e: any) => e.recurring_event_id === id || e.event_id === id);

  it('a series written at a wall time inside a DST gap keeps that wall time after the first occurrence', async () => {
    const cases: Array<[string, string, string, string[]]> = [
      ['America/New_York', '2024-03-10T02:30:00', 'RRULE:FREQ=DAILY;COUNT=3', ['2024-03-10T03:30:00', '2024-03-11T02:30:00', '2024-03-12T02:30:00']],
      ['Europe/Berlin', '2024-03-31T02:15:00', 'RRULE:FREQ=WEEKLY;COUNT=2', ['2024-03-31T03:15:00', '2024-04-07T02:15:00']],
      ['Australia/Lord_Howe', '2024-10-06T02:15:00', 'RRULE:FREQ=DAILY;COUNT=2', ['2024-10-06T02:45:00', '2024-10-07T02:15:00']],
    ];
    for (const [zone, start, rule, expected] of cases) {
      const e = await c.ev({ title: `gap ${zone}`, start, time_zone: zone, duration: 'PT30M', recurrence_rules: [rule] });
      const page = await c.window('2024-03-01T00:00:00Z', '2024-11-01T00:00:00Z');
      expect(ofSeries(page, e.event_id).map((o: any) => o.start), zone).toEqual(expected);
      // Changing something else (the duration) keeps the written wall time.
      const r = await call('PATCH', `/v1/calendar/events/${e.event_id}/?inbox_id=${c.t.inboxId}`, { token: c.t.session, body: { duration: 'PT45M' } });
      expect(r.status).toBe(200);
      const again = await c.window('2024-03-01T00:00:00Z', '2024-11-01T00:00:00Z');
      expect(ofSeries(again, e.event_id).map((o: any) => o.start), zone).toEqual(expected);
    }
  });

  it.each([
    // [rule lines, expected starts (New York wall times)]
    // UNTIL as a date includes that whole local day (in the event's zone).
    [['RRULE:FREQ=DAILY;UNTIL=20240603'], ['2024-06-01T21:00:00', '2024-06-02T21:00:00', '2024-06-03T21:00:00']],
    [['RRULE:FREQ=DAILY;UNTIL=20240603T235959'], ['2024-06-01T21:00:00', '2024-06-02T21:00:00', '2024-06-03T21:00:00']],
    // A UTC UNTIL is an instant: 21:00 EDT on 3 June is 01:00Z on 4 June.
    [['RRULE:FREQ=DAILY;UNTIL=20240604T005959Z'], ['2024-06-01T21:00:00', '2024-06-02T21:00:00']],
    // EXDATE as a date removes the occurrence on that local date; RDATE as a date adds one on
    // that date at the series' time of day.
    [['RRULE:FREQ=DAILY;COUNT=4', 'EXDATE;VALUE=DATE:20240602', 'RDATE;VALUE=DATE:20240610'], ['2024-06-01T21:00:00', '2024-06-03T21:00:00', '2024-06-04T21:00:00', '2024-06-10T21:00:00']],
    // A start the rule does not make (a Saturday, for Mondays) is still the first occurrence,
    // and counts towards COUNT.
    [['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3'], ['2024-06-01T21:00:00', '2024-06-03T21:00:00', '2024-06-10T21:00:00']],
    // An RDATE on an occurrence of the rule is the same occurrence, once.
    [['RRULE:FREQ=DAILY;COUNT=2', 'RDATE;TZID=America/New_York:20240602T210000', 'RDATE:20240603T010000Z'], ['2024-06-01T21:00:00', '2024-06-02T21:00:00']],
  ])('%j', async (rules, expected) => {
    const d = await calendarTenant();
    const e = await d.ev({ title: 'r', start: '2024-06-01T21:00:00', time_zone: 'America/New_York', duration: 'PT1H', recurrence_rules: rules });
    expect(starts(await d.window('2024-05-01T00:00:00Z', '2024-08-01T00:00:00Z'))).toEqual(expected);
    // The stored series end agrees with the expansion.
    const [row] = await withDb(async (db) => (await db.execute(sql`SELECT series_end_at FROM events WHERE id = ${e.event_id}`)).rows as any[]);
    const lastStart = (await d.window('2024-05-01T00:00:00Z', '2024-08-01T00:00:00Z')).results.at(-1).event_id.split('_').pop();
    expect(new Date(row.series_end_at).getTime() - 3_600_000).toBe(Date.parse(lastStart.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z')));
  });

  it('two generated times on one instant are one occurrence (an hourly grid over the gap)', async () => {
    const d = await calendarTenant();
    await d.ev({ title: 'h', start: '2024-03-10T01:30:00', time_zone: 'America/New_York', duration: 'PT10M', recurrence_rules: ['RRULE:FREQ=HOURLY;COUNT=4'] });
    const page = await d.window('2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z');
    // 02:30 does not exist and moves to 03:30, the grid's own next time: three occurrences.
    expect(starts(page)).toEqual(['2024-03-10T01:30:00', '2024-03-10T03:30:00', '2024-03-10T04:30:00']);
    expect(new Set(suffixes(page)).size).toBe(3);
  });

  it('durations are exact: a timed P1D over a DST change lasts 24 hours; an all-day event covers calendar dates', async () => {
    const d = await calendarTenant();
    const timed = await d.ev({ title: 'timed', start: '2024-03-09T12:00:00', time_zone: 'America/New_York', duration: 'P1D' });
    const allDay = await d.ev({ title: 'day', start: '2024-03-10', time_zone: 'America/New_York', duration: 'P1D' });
    const titles = async (after: string, before: string) => (await d.window(after, before)).results.map((e: any) => e.title).sort();
    // Timed: 12:00 EST + 24 h = 13:00 EDT on 10 March (not 12:00).
    expect(await titles('2024-03-10T12:30:00-04:00', '2024-03-10T13:00:00-04:00')).toEqual(['day', 'timed']);
    expect(await titles('2024-03-10T13:00:00-04:00', '2024-03-10T14:00:00-04:00')).toEqual(['day']);
    // All-day: 10 March only, 23 hours long; nothing of it is on 11 March.
    expect(await titles('2024-03-10T23:30:00-04:00', '2024-03-11T00:00:00-04:00')).toEqual(['day']);
    expect(await titles('2024-03-11T00:00:00-04:00', '2024-03-11T01:00:00-04:00')).toEqual([]);
    expect([timed.duration, allDay.duration, allDay.all_day]).toEqual(['P1D', 'P1D', true]);
  });
});
