// The occurrence index (src/calendar/occurrence-index.ts): a window page read from it is the page
// the expansion computes — same items, order, totals, positions and cursors — for random series
// in DST zones, with changed and excluded occurrences, all-day and multi-day events, seen from
// another zone; the scan extends endless series ahead and takes in unindexed events; an inbox
// zone change re-places all-day occurrences.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { call, calendarTenant, expectProblem, hookKey, hookUrl, q, recorder, rowsOf, withDb, type Answer, type Cal } from './helpers';
import { extendOccurrenceIndex } from '../src/calendar/occurrence-index';
import { scanDue } from '../src/jobs/scan';

const NOW = '2026-03-01T00:00:00Z';
const DAY = 86_400_000;

/** Every page of a window, following the cursors: what each answer said. */
async function walk(c: Cal, after: string, before: string, limit: number, desc: boolean) {
  const base = `/v1/calendar/events/?${q(c.t)}&after=${encodeURIComponent(after)}&before=${encodeURIComponent(before)}&limit=${limit}${desc ? '&sort=desc' : ''}`;
  const pages: Array<{ ids: string[]; starts: string[]; total: number; position: number; next: string | null }> = [];
  let path: string | null = base;
  for (let guard = 0; path && guard < 60; guard++) {
    const r: Answer = await call('GET', path, { token: c.t.session, now: NOW });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    pages.push({
      ids: r.body.results.map((e: { event_id: string }) => e.event_id),
      starts: r.body.results.map((e: { start: string; title: string; duration: string }) => `${e.start} ${e.title} ${e.duration}`),
      total: r.body.total, position: r.body.position, next: r.body.next_cursor,
    });
    path = r.body.next_cursor ? `${base}&cursor=${encodeURIComponent(r.body.next_cursor)}` : null;
  }
  // The same window by offset: its second page must agree with the cursor's.
  const byOffset = await call('GET', `${base}&offset=${limit}`, { token: c.t.session, now: NOW });
  return { pages, second: byOffset.body.results.map((e: { event_id: string }) => e.event_id) };
}

const unindex = (c: Cal) => rowsOf(sql`UPDATE events SET unindexed_from = '-infinity' WHERE inbox_id = ${c.t.inboxId} RETURNING id`);

const RULES = [
  null, 'RRULE:FREQ=DAILY', 'RRULE:FREQ=WEEKLY;BYDAY=MO,TH', 'RRULE:FREQ=MONTHLY;BYMONTHDAY=31', 'RRULE:FREQ=DAILY;COUNT=20',
  'RRULE:FREQ=YEARLY', 'RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20261231T000000Z', 'RRULE:FREQ=HOURLY;INTERVAL=7;COUNT=60',
];

interface EventSpec { dayOffset: number; minute: number; allDay: boolean; long: boolean; rule: string | null }

const eventArb: fc.Arbitrary<EventSpec> = fc.record({
  /** Days from the window's start (events straddling its edges are the interesting ones). */
  dayOffset: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -60, max: 20 })),
  minute: fc.integer({ min: 0, max: 95 }).map((m) => m * 15),
  allDay: fc.boolean(),
  long: fc.boolean(),
  rule: fc.constantFrom(...RULES),
});

function eventBody(e: EventSpec, windowStart: number, zone: string, n: number) {
  const day = new Date(windowStart + e.dayOffset * DAY).toISOString().slice(0, 10);
  const time = `${String(Math.floor(e.minute / 60)).padStart(2, '0')}:${String(e.minute % 60).padStart(2, '0')}:00`;
  return {
    title: `E${n}`,
    start: e.allDay ? day : `${day}T${time}`,
    time_zone: zone,
    duration: e.allDay ? (e.long ? 'P3D' : 'P1D') : e.long ? 'P2DT1H' : 'PT45M',
    recurrence_rules: e.rule ? [e.rule] : [],
  };
}

describe('occurrence index', () => {
  it('a window read from the index is the window the expansion computes, page by page', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        zone: fc.constantFrom('Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'UTC', 'America/Santiago'),
        viewer: fc.constantFrom(null, 'Asia/Tokyo', 'America/Los_Angeles'),
        events: fc.array(eventArb, { minLength: 1, maxLength: 7 }),
        from: fc.integer({ min: -150, max: 300 }),
        hour: fc.integer({ min: 0, max: 23 }),
        days: fc.integer({ min: 1, max: 20 }),
        limit: fc.integer({ min: 1, max: 9 }),
        desc: fc.boolean(),
      }),
      async (s) => {
        const c = await calendarTenant();
        if (s.viewer) await c.settings({ default_timezone: s.viewer });
        const start = Date.parse(NOW) + s.from * DAY + s.hour * 3_600_000;
        for (const [n, e] of s.events.entries()) await c.ev(eventBody(e, start, s.zone, n), NOW);
        const after = new Date(start).toISOString();
        const before = new Date(Date.parse(after) + s.days * DAY).toISOString();
        // Change one occurrence (moved by 30 hours, retitled) and exclude another, where there are.
        const listed = (await c.window(after, before)).results.filter((e: { recurring_event_id?: string }) => e.recurring_event_id);
        if (listed[0]) {
          const r = await call('PATCH', `/v1/calendar/events/${listed[0].event_id}/?${q(c.t)}`, {
            token: c.t.session, now: NOW, body: { title: 'Moved', start: new Date(Date.parse(`${listed[0].start.slice(0, 19)}Z`) + 30 * 3_600_000).toISOString().slice(0, 19) },
          });
          expect(r.status, JSON.stringify(r.body)).toBe(200);
        }
        if (listed[1]) expect((await call('DELETE', `/v1/calendar/events/${listed[1].event_id}/?${q(c.t)}`, { token: c.t.session, now: NOW })).status).toBe(204);

        const indexed = await rowsOf(sql`SELECT count(*)::int AS n FROM event_occurrences WHERE inbox_id = ${c.t.inboxId}`);
        expect(indexed[0]!.n).toBeGreaterThan(0);
        const viaIndex = await walk(c, after, before, s.limit, s.desc);
        expect((await unindex(c)).length).toBe(s.events.length);
        const viaExpansion = await walk(c, after, before, s.limit, s.desc);
        expect(viaIndex).toEqual(viaExpansion);
      },
    ), { numRuns: 16 });
  });

  it('each write keeps the index: singles wholly, endless series 430 days ahead, changes where they moved', async () => {
    const c = await calendarTenant();
    const single = await c.ev({ title: 'One', start: '2026-03-02T10:00:00', time_zone: 'Europe/Berlin', duration: 'PT1H' }, NOW);
    const daily = await c.ev({ title: 'Daily', start: '2026-03-02T09:00:00', time_zone: 'Europe/Berlin', duration: 'PT30M', recurrence_rules: ['RRULE:FREQ=DAILY'] }, NOW);
    const counted = await c.ev({ title: 'Ten', start: '2026-03-02T08:00:00', time_zone: 'UTC', duration: 'PT30M', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=10'] }, NOW);
    const cover = async () => Object.fromEntries((await rowsOf(sql`
      SELECT e.id, e.unindexed_from, (SELECT count(*)::int FROM event_occurrences o WHERE o.event_id = e.id) AS n
      FROM events e WHERE e.inbox_id = ${c.t.inboxId}`)).map((r) => [r.id, { until: r.unindexed_from && new Date(r.unindexed_from).toISOString(), n: r.n }]));
    const now = await cover();
    expect(now[single.event_id]).toEqual({ until: null, n: 1 });
    expect(now[counted.event_id]).toEqual({ until: null, n: 10 });
    // Covered through NOW + 430 days (2027-05-05T00:00Z): 2026-03-02 … 2027-05-04, 429 days.
    expect(now[daily.event_id]).toEqual({ until: '2027-05-05T00:00:00.001Z', n: 429 });

    // A series PATCH of its schedule re-indexes; one of a title leaves the rows alone.
    expect((await call('PATCH', `/v1/calendar/events/${counted.event_id}/?${q(c.t)}`, { token: c.t.session, now: NOW, body: { recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=4'] } })).status).toBe(200);
    expect((await cover())[counted.event_id]).toEqual({ until: null, n: 4 });
    // An occurrence moved far ahead, past the coverage, is indexed where it now is.
    const moved = await call('PATCH', `/v1/calendar/events/${daily.event_id}_20260303T080000Z/?${q(c.t)}`, { token: c.t.session, now: NOW, body: { start: '2028-01-10T09:00:00' } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const row = await rowsOf(sql`SELECT id, start_at FROM event_occurrences WHERE event_id = ${daily.event_id} AND original_start_at = '2026-03-03T08:00:00Z'`);
    expect(row.map((r) => [r.id, new Date(r.start_at).toISOString()])).toEqual([[`${daily.event_id}_20260303T080000Z`, '2028-01-10T08:00:00.000Z']]);
    const far = await c.window('2028-01-10T00:00:00Z', '2028-01-11T00:00:00Z');
    expect(far.results.map((e: { event_id: string }) => e.event_id)).toEqual([`${daily.event_id}_20260303T080000Z`, `${daily.event_id}_20280110T080000Z`]);
    // Deleting an occurrence takes its row; deleting the event takes them all.
    expect((await call('DELETE', `/v1/calendar/events/${daily.event_id}_20260304T080000Z/?${q(c.t)}`, { token: c.t.session, now: NOW })).status).toBe(204);
    expect((await cover())[daily.event_id]!.n).toBe(428);
    expect((await call('DELETE', `/v1/calendar/events/${daily.event_id}/?${q(c.t)}`, { token: c.t.session, now: NOW })).status).toBe(204);
    expect((await rowsOf(sql`SELECT count(*)::int AS n FROM event_occurrences WHERE event_id = ${daily.event_id}`))[0]!.n).toBe(0);
  });

  it('the scan extends endless series ahead and takes in unindexed events; listings stay exact meanwhile', async () => {
    const c = await calendarTenant();
    const weekly = await c.ev({ title: 'Weekly', start: '2026-03-02T09:00:00', time_zone: 'America/New_York', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=WEEKLY'] }, NOW);
    // Past the coverage, the listing expands (the same answer the index gives once it is there).
    const window = ['2027-06-01T00:00:00Z', '2027-07-01T00:00:00Z'] as const;
    const before = await c.window(...window);
    expect(before.total).toBe(4);
    const later = new Date(Date.parse(NOW) + 120 * DAY);
    const report = await withDb((db) => scanDue(db, recorder(), later, { from: new Date(later.getTime() - 60_000), to: later }));
    expect(report.indexedEvents).toBeGreaterThanOrEqual(0);
    // The scan works through every event due in batches; other tests' events may come first.
    const until = async () => (await rowsOf(sql`SELECT unindexed_from FROM events WHERE id = ${weekly.event_id}`))[0]!.unindexed_from;
    for (let i = 0; i < 50 && new Date(await until()).getTime() < later.getTime() + 400 * DAY; i++) {
      await withDb((db) => extendOccurrenceIndex(db, later));
    }
    expect(new Date(await until()).getTime()).toBe(later.getTime() + 430 * DAY + 1);
    const after = await c.window(...window);
    expect(after).toEqual(before);
    const rows = await rowsOf(sql`SELECT count(*)::int AS n FROM event_occurrences WHERE event_id = ${weekly.event_id} AND start_at >= '2027-06-01'`);
    expect(rows[0]!.n).toBeGreaterThan(4);
  });

  it('an inbox zone change re-places all-day occurrences (expanded until the scan has indexed them again)', async () => {
    const c = await calendarTenant();
    const day = await c.ev({ title: 'Holiday', start: '2026-03-10', time_zone: 'Europe/Berlin', duration: 'P1D', recurrence_rules: ['RRULE:FREQ=WEEKLY;COUNT=3'] }, NOW);
    const timed = await c.ev({ title: 'Call', start: '2026-03-10T12:00:00', time_zone: 'Europe/Berlin', duration: 'PT1H' }, NOW);
    // In Tokyo the holiday occupies Tokyo's 10 March: 2026-03-09T15:00Z to 2026-03-10T15:00Z.
    await c.settings({ default_timezone: 'Asia/Tokyo' });
    const stale = await rowsOf(sql`SELECT id, unindexed_from FROM events WHERE inbox_id = ${c.t.inboxId} ORDER BY id`);
    expect(Object.fromEntries(stale.map((r) => [r.id, r.unindexed_from === null ? null : 'stale']))).toEqual({ [day.event_id]: 'stale', [timed.event_id]: null });
    const ids = async (a: string, b: string) => (await c.window(a, b)).results.map((e: { event_id: string }) => e.event_id);
    const expected = [`${day.event_id}_20260309T230000Z`];
    expect(await ids('2026-03-09T15:00:00Z', '2026-03-09T16:00:00Z')).toEqual(expected);
    expect(await ids('2026-03-09T14:00:00Z', '2026-03-09T15:00:00Z')).toEqual([]);
    for (let i = 0; i < 50 && (await rowsOf(sql`SELECT unindexed_from FROM events WHERE id = ${day.event_id}`))[0]!.unindexed_from !== null; i++) {
      await withDb((db) => extendOccurrenceIndex(db, new Date(NOW)));
    }
    expect((await rowsOf(sql`SELECT count(*)::int AS n FROM event_occurrences WHERE event_id = ${day.event_id}`))[0]!.n).toBe(3);
    expect(await ids('2026-03-09T15:00:00Z', '2026-03-09T16:00:00Z')).toEqual(expected);
    expect(await ids('2026-03-09T14:00:00Z', '2026-03-09T15:00:00Z')).toEqual([]);
  });

  it('series reminders from the index are the ones the expansion finds for an unindexed series', async () => {
    // Its own stretch of time (May 2023): the scan is global, and other files use 2022 and 2024 on.
    const made = '2023-04-20T00:00:00Z';
    const setUp = async () => {
      const c = await calendarTenant();
      const agent = await c.t.agent(['alerts:write', 'calendar:read', 'calendar:write']);
      const a = await call('POST', '/v1/alerts/', { token: agent, body: { events: ['event.created', 'event.updated'], offset: { value: 30, unit: 'minutes' }, delivery: { type: 'webhook', target: hookUrl(hookKey('index')) } } });
      expect(a.status, JSON.stringify(a.body)).toBe(201);
      const series = await c.ev({ title: 'Standup', start: '2023-05-01T09:00:00', time_zone: 'Europe/Berlin', duration: 'PT15M', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=8'] }, made);
      const day = await c.ev({ title: 'Holiday', start: '2023-05-02', time_zone: 'Europe/Berlin', duration: 'P1D', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=3'] }, made);
      const patch = (id: string, body: Record<string, unknown>) => call('PATCH', `/v1/calendar/events/${id}/?${q(c.t)}`, { token: c.t.session, now: made, body });
      expect((await patch(`${series.event_id}_20230503T070000Z`, { start: '2023-05-03T11:00:00', title: 'Later' })).status).toBe(200);
      expect((await patch(`${series.event_id}_20230504T070000Z`, { status: 'cancelled' })).status).toBe(200);
      expect((await patch(`${series.event_id}_20230506T070000Z`, { start: '2023-05-20T10:00:00' })).status).toBe(200);
      return { c, ids: [series.event_id, day.event_id, c.personal] };
    };
    const indexed = await setUp();
    const expanded = await setUp();
    await rowsOf(sql`DELETE FROM event_occurrences WHERE inbox_id = ${expanded.c.t.inboxId}`);
    await unindex(expanded.c);
    const from = new Date('2023-04-30T00:00:00Z');
    await withDb((db) => scanDue(db, recorder(), from, { from, to: new Date('2023-05-25T00:00:00Z') }));
    const firings = async (x: { c: Cal; ids: string[] }) => {
      const rows = await rowsOf(sql`SELECT type, scheduled_for, source_key, payload FROM deliveries WHERE inbox_id = ${x.c.t.inboxId} ORDER BY scheduled_for, source_key`);
      // Ids (events, calendar) differ between the two inboxes; everything else must not.
      const anon = (v: unknown) => x.ids.reduce((text, id, n) => text.replaceAll(id, `<event ${n}>`), JSON.stringify(v));
      return rows.map((r) => anon([r.type, new Date(r.scheduled_for).toISOString(), r.source_key, r.payload]));
    };
    const viaIndex = await firings(indexed);
    expect(viaIndex.length).toBe(8 - 1 + 3);
    expect(viaIndex.some((f) => f.includes('2023-05-03T08:30:00.000Z') && f.includes('Later'))).toBe(true);
    expect(viaIndex.some((f) => f.includes('2023-05-20T07:30:00.000Z'))).toBe(true);
    expect(await firings(expanded)).toEqual(viaIndex);
  });

  it('a cursor whose key is not a start and an id is a 400 naming cursor, not a 500', async () => {
    const c = await calendarTenant();
    await c.ev({ title: 'A', start: '2026-03-02T10:00:00', time_zone: 'UTC', duration: 'PT1H' }, NOW);
    await c.ev({ title: 'B', start: '2026-03-03T10:00:00', time_zone: 'UTC', duration: 'PT1H' }, NOW);
    const first = await call('GET', `/v1/calendar/events/?${q(c.t)}&after=2026-03-01T00:00:00Z&before=2026-03-05T00:00:00Z&limit=1`, { token: c.t.session });
    const real = JSON.parse(atob(first.body.next_cursor.replace(/-/g, '+').replace(/_/g, '/')));
    for (const k of [['x', 'y'], [1e20, 'y'], [1.5, 'y'], [Date.parse('2026-03-02T10:00:00Z'), 7], [1]]) {
      const forged = btoa(JSON.stringify({ ...real, k })).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const r = await call('GET', `/v1/calendar/events/?${q(c.t)}&after=2026-03-01T00:00:00Z&before=2026-03-05T00:00:00Z&limit=1&cursor=${forged}`, { token: c.t.session });
      expectProblem(r, 400);
      expect(JSON.stringify(r.body)).toContain('cursor');
    }
  });
});
