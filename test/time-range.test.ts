// The supported range of event times and window bounds (src/time/range.ts): years 1900–2200.
// Every time-bearing field answers 2xx inside it and a 400 naming the field outside it — never
// a 500 — and a refused write changes nothing. Derived instants (a window bound 366 days from
// the other, series ends, next occurrences) are clamped into the range, not refused.
import { describe, it, expect, beforeAll, beforeEach } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { calendarTenant, call, q, rowsOf, type Cal } from './helpers';
import {
  RANGE_MAX_ISO, RANGE_MAX_MS, RANGE_MIN_ISO, RANGE_MIN_MS, clampToRange, isInRange, rangeProblem, readTime,
} from '../src/time';
import { buildSchedule } from '../src/calendar/schedule';

const NOW = '2024-06-05T12:00:00Z';

/** An instant as ISO 8601 with Z, years beyond 9999 (or before 0) in the expanded form. */
const isoZ = (ms: number) => {
  const s = new Date(ms).toISOString();
  return s.replace(/\.\d{3}Z$/, 'Z');
};

/** 2xx, or a 400 validation_failed problem whose errors name `field`. Never anything else. */
function expectOkOrRefused(r: { status: number; body: any; headers: Headers }, field: string, what: string): boolean {
  if (r.status >= 200 && r.status < 300) return true;
  expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(400);
  expect(r.headers.get('content-type'), what).toContain('application/problem+json');
  expect(r.body.code, what).toBe('validation_failed');
  expect(r.body.errors.map((e: { path: string }) => e.path), what).toContain(field);
  return false;
}

describe('range: the one definition', () => {
  it('is 1900-01-01T00:00:00Z up to 2201-01-01T00:00:00Z, starts inclusive and ends exclusive', () => {
    expect(RANGE_MIN_ISO).toBe('1900-01-01T00:00:00Z');
    expect(RANGE_MAX_ISO).toBe('2201-01-01T00:00:00Z');
    expect(isInRange(RANGE_MIN_MS)).toBe(true);
    expect(isInRange(RANGE_MIN_MS - 1000)).toBe(false);
    expect(isInRange(RANGE_MAX_MS - 1000)).toBe(true);
    expect(isInRange(RANGE_MAX_MS)).toBe(false);
    expect(isInRange(RANGE_MAX_MS, 'end')).toBe(true);
    expect(isInRange(RANGE_MIN_MS, 'end')).toBe(false);
    expect(isInRange(Number.NaN)).toBe(false);
    expect(rangeProblem(Date.UTC(2024, 0, 1))).toBeNull();
    expect(rangeProblem(Date.UTC(2201, 0, 2))).toMatch(/1900.*2200/);
    expect(clampToRange(8.64e15)).toBe(RANGE_MAX_MS);
    expect(clampToRange(-8.64e15)).toBe(RANGE_MIN_MS);
    expect(clampToRange(Date.UTC(2024, 0, 1))).toBe(Date.UTC(2024, 0, 1));
  });

  it('readTime tells an instant beyond the calendar from an unparseable input', () => {
    const ref = new Date(NOW);
    expect(readTime('9999-12-31T23:00:00Z', { reference: ref })).toBe('out_of_range');
    expect(readTime('in 999999 years', { reference: ref })).toBe('out_of_range');
    expect(readTime('whenever', { reference: ref })).toBe('unparseable');
    expect(readTime('2024-02-30', { reference: ref })).toBe('unparseable');
    expect(readTime('in 100000 days', { reference: ref })).toMatchObject({ kind: 'relative' });
  });

  it('buildSchedule clamps what rules generate past the range, and a next occurrence beyond it is none', () => {
    const now = new Date(NOW);
    const d = { iso: 'P2D', seconds: 2 * 86_400 };
    const rdate = buildSchedule({ timeZone: 'UTC', startAt: new Date('2024-01-01T00:00:00Z'), duration: d, rules: ['RDATE:99991231T230000Z'] }, now);
    expect(rdate.seriesEndAt?.toISOString()).toBe('2201-01-01T00:00:00.000Z');
    const until = buildSchedule({ timeZone: 'Etc/GMT+12', startAt: new Date('2024-01-01T12:00:00Z'), duration: d, rules: ['RRULE:FREQ=YEARLY;UNTIL=99991231'] }, now);
    expect(until.seriesEndAt?.toISOString()).toBe('2201-01-01T00:00:00.000Z');
    const late = buildSchedule({ timeZone: 'UTC', startAt: new Date('2200-12-01T00:00:00Z'), duration: d, rules: ['RRULE:FREQ=YEARLY;COUNT=5'] }, new Date('2201-06-01T00:00:00Z'));
    expect(late.nextOccurrenceAt).toBeNull();
    expect(late.seriesEndAt?.getTime()).toBe(RANGE_MAX_MS);
  });
});

describe('range: through the Worker', () => {
  let c: Cal;
  beforeAll(async () => { c = await calendarTenant(); });

  const post = (body: Record<string, unknown>) => call('POST', '/v1/calendar/events/', {
    token: c.t.session, now: NOW,
    body: { inbox_id: c.t.inboxId, calendar_id: c.personal, title: 'Edge', start: '2024-06-03T09:00:00Z', duration: 'PT1H', ...body },
  });
  const patch = (id: string, body: Record<string, unknown>) => call('PATCH', `/v1/calendar/events/${id}/`, {
    token: c.t.session, now: NOW, body: { inbox_id: c.t.inboxId, ...body },
  });
  const get = (id: string) => call('GET', `/v1/calendar/events/${id}/?${q(c.t)}`, { token: c.t.session, now: NOW });
  const list = (qs: string) => call('GET', `/v1/calendar/events/?${q(c.t)}&${qs}`, { token: c.t.session, now: NOW });
  const count = async () => Number((await rowsOf(sql`SELECT count(*)::int AS n FROM events WHERE inbox_id = ${c.t.inboxId}`))[0]!.n);
  const stored = async (id: string) => (await rowsOf(sql`
    SELECT start_at, start_local, duration_seconds, series_end_at, next_occurrence_at, updated_at,
      (SELECT json_agg(o ORDER BY o.original_start_at) FROM event_overrides o WHERE o.event_id = e.id) AS overrides
    FROM events e WHERE id = ${id}`))[0];

  // [input, in range?] — edges on both sides, far out, and inputs that leave JS / ISO years.
  const EDGES: Array<[string, boolean]> = [
    ['0001-01-02T00:00:00Z', false],
    ['0001-06-01T00:00:00Z', false],
    ['1899-12-31T23:59:59Z', false],
    ['1899-06-01', false],
    ['1900-01-01T00:00:00Z', true],
    ['1900-01-01T00:00:01Z', true],
    ['2024-06-03T09:00:00Z', true],
    ['2200-12-31T22:00:00Z', true],
    ['2200-12-31T23:59:59Z', false], // in range itself, but a one-hour event would end past it
    ['2201-01-01T00:00:00Z', false],
    ['2201-06-01', false],
    ['9999-06-01T00:00:00Z', false],
    ['9999-12-30T00:00:00Z', false],
    ['9999-12-31T23:00:00Z', false],
    ['+275760-09-13T00:00:00Z', false],
    ['-000001-01-01T00:00:00Z', false],
    ['in 100000 days', false],
    ['100000 days ago', false],
    ['in 999999 years', false],
    ['in 3 days', true],
  ];

  it('event start on create: 201 inside, 400 naming start outside, nothing stored', async () => {
    for (const [start, ok] of EDGES) {
      const before = await count();
      const r = await post({ start });
      expect(expectOkOrRefused(r, 'start', start), start).toBe(ok);
      expect(await count(), start).toBe(before + (ok ? 1 : 0));
    }
  });

  it('an event starting 9999-12-30 lasting P2D, or ending past 2200, is a 400 naming the fields', async () => {
    const far = await post({ start: '9999-12-30T00:00:00Z', duration: 'P2D' });
    expect(far.status).toBe(400);
    expect(far.body.errors.map((e: { path: string }) => e.path)).toEqual(['start']);
    const late = await post({ start: '2200-12-31T00:00:00Z', duration: 'P2D' });
    expect(late.status).toBe(400);
    expect(late.body.errors.map((e: { path: string }) => e.path)).toEqual(['start', 'duration']);
    // Ending exactly at the end of the range is fine; so is the first second of it.
    expect((await post({ start: '2200-12-30T00:00:00Z', duration: 'P2D' })).status).toBe(201);
    expect((await post({ start: '1900-01-01T00:00:00Z', duration: 'P366D' })).status).toBe(201);
    // A naive start read in a zone far east of UTC lands before 1900 in UTC.
    expect((await post({ start: '1900-01-01T05:00:00', time_zone: 'Asia/Tokyo' })).status).toBe(400);
    expect((await post({ start: '1900-01-01T10:00:00', time_zone: 'Asia/Tokyo' })).status).toBe(201);
  });

  it('durations: at most 366 days, longer is a 400 naming duration', async () => {
    for (const [duration, ok] of [['P366D', true], ['P367D', false], ['P53W', false], ['P99999999D', false], ['PT99999999999H', false], ['P1D', true], ['100000 days', false], ['P1e400D', false]] as const) {
      const r = await post({ duration });
      expect(expectOkOrRefused(r, 'duration', duration), duration).toBe(ok);
    }
    const u = await call('GET', `/v1/utils/duration/?input=P99999999D`, { token: c.t.session });
    expect(u.status).toBe(400);
    expect(u.body.errors[0].path).toBe('input');
  });

  it('an RDATE outside the range is a 400 naming its line; an RDATE on the edge is fine', async () => {
    for (const [rules, ok] of [
      [['RDATE:99991231T230000'], false], [['RRULE:FREQ=DAILY', 'RDATE:20240604T090000Z,18991231T000000Z'], false],
      [['RDATE;VALUE=DATE:22010101'], false], [['RDATE:22001231T000000'], true], [['RDATE;TZID=Europe/Berlin:19000101T120000'], true],
    ] as Array<[string[], boolean]>) {
      const before = await count();
      const r = await post({ start: '2024-01-01T00:00:00', time_zone: 'Etc/GMT+12', recurrence_rules: rules });
      const line = `recurrence_rules.${rules.length - 1}`;
      expect(expectOkOrRefused(r, line, JSON.stringify(rules)), JSON.stringify(rules)).toBe(ok);
      expect(await count()).toBe(before + (ok ? 1 : 0));
    }
  });

  it('rules reaching year 9999 are stored with the series end clamped to the range', async () => {
    for (const rules of [['RRULE:FREQ=YEARLY;UNTIL=99991231T230000Z'], ['RRULE:FREQ=YEARLY;UNTIL=99991231'], ['RRULE:FREQ=YEARLY;COUNT=1000']]) {
      const r = await post({ start: '2024-01-01T00:00:00', time_zone: 'Etc/GMT+12', duration: 'P2D', recurrence_rules: rules });
      expect(r.status, JSON.stringify(rules)).toBe(201);
      const row = await stored(r.body.event_id);
      expect(new Date(row!.series_end_at).getTime()).toBeLessThanOrEqual(RANGE_MAX_MS);
      const w = await list(`after=2200-06-01T00:00:00Z`);
      expect(w.status).toBe(200);
    }
  });

  it('window bounds: 200 inside, 400 naming after/before outside; a missing bound is clamped', async () => {
    for (const [v, ok] of EDGES) {
      const after = await list(`after=${encodeURIComponent(v)}`);
      // `after` may be the last second of the range (the window is then clamped to one second).
      const afterOk = ok || v === '2200-12-31T23:59:59Z';
      expect(expectOkOrRefused(after, 'after', `after=${v}`), v).toBe(afterOk);
      const before = await list(`before=${encodeURIComponent(v)}`);
      // `before` is exclusive: the range's end itself is a valid bound, its first instant is not.
      const beforeOk = (ok || v === '2200-12-31T23:59:59Z' || v === '2201-01-01T00:00:00Z') && v !== '1900-01-01T00:00:00Z';
      expect(expectOkOrRefused(before, 'before', `before=${v}`), v).toBe(beforeOk);
    }
    // The derived bound of an edge window is clamped, and what lies inside is still listed.
    const last = await post({ start: '2200-12-31T22:00:00Z', duration: 'PT1H', title: 'Last' });
    expect(last.status).toBe(201);
    const tail = await list('after=2200-06-01T00:00:00Z');
    expect(tail.status).toBe(200);
    expect(tail.body.results.map((e: any) => e.event_id)).toContain(last.body.event_id);
    const first = await post({ start: '1900-01-01T00:00:00Z', duration: 'PT1H', title: 'First' });
    const head = await list('before=1900-06-01T00:00:00Z');
    expect(head.status).toBe(200);
    expect(head.body.results.map((e: any) => e.event_id)).toContain(first.body.event_id);
    expect((await list(`after=2024-01-01&before=2201-01-01T00:00:00Z`)).status).toBe(200);
  });

  it('PATCH of a series start, zone or duration past the range is a 400 naming it; the event is unchanged', async () => {
    const e = await c.ev({ title: 'Move me', start: '2200-12-31T12:00:00Z', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=DAILY'] }, NOW);
    const seen = await get(e.event_id);
    const row = await stored(e.event_id);
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ start: '9999-12-30T00:00:00Z', duration: 'P2D' }, ['start']],
      [{ start: '0001-01-02T00:00:00Z' }, ['start']],
      [{ start: 'in 100000 days' }, ['start']],
      [{ duration: 'P99999999D' }, ['duration']],
      [{ duration: 'P1D' }, ['duration']], // 2200-12-31T12:00 + 1 day ends past the range
      [{ start: '2200-12-31T23:30:00Z' }, ['start']],
      [{ time_zone: 'Pacific/Kiritimati' }, ['time_zone']], // same wall time, 14 hours earlier: fine
      [{ time_zone: 'Etc/GMT+12' }, ['time_zone']], // same wall time, 12 hours later: 2201-01-01T00:00Z
    ];
    for (const [body, paths] of cases) {
      const r = await patch(e.event_id, body);
      if (body.time_zone === 'Pacific/Kiritimati') {
        expect(r.status, JSON.stringify(body)).toBe(200);
        expect((await patch(e.event_id, { time_zone: 'UTC' })).status).toBe(200);
        continue;
      }
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errors.map((x: { path: string }) => x.path), JSON.stringify(body)).toEqual(paths);
      const { updated_at: _u, ...now } = (await get(e.event_id)).body;
      const { updated_at: _v, ...was } = seen.body;
      expect(now, JSON.stringify(body)).toEqual(was);
    }
    const after = await stored(e.event_id);
    expect({ ...after, updated_at: null }).toEqual({ ...row, updated_at: null });
  });

  it('occurrence ids outside the range are 404; PATCH of an occurrence past the range is a 400, unchanged', async () => {
    const e = await c.ev({ title: 'Daily', start: '2200-12-20T10:00:00Z', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=DAILY'] }, NOW);
    expect((await get(`${e.event_id}_22010105T100000Z`)).status).toBe(404);
    expect((await get(`${e.event_id}_99991231T100000Z`)).status).toBe(404);
    expect((await patch(`${e.event_id}_22010105T100000Z`, { title: 'x' })).status).toBe(404);
    const occ = `${e.event_id}_22001231T100000Z`;
    const seen = await get(occ);
    expect(seen.status).toBe(200);
    for (const [body, paths] of [
      [{ start: '2201-01-01T10:00:00Z' }, ['start']],
      [{ start: '9999-12-30T00:00:00Z', duration: 'P2D' }, ['start']],
      [{ duration: 'P1D' }, ['duration']],
      [{ start: '1899-12-31T00:00:00Z' }, ['start']],
    ] as Array<[Record<string, unknown>, string[]]>) {
      const r = await patch(occ, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errors.map((x: { path: string }) => x.path), JSON.stringify(body)).toEqual(paths);
    }
    expect((await get(occ)).body).toEqual(seen.body);
    expect((await stored(e.event_id))!.overrides).toBeNull();
    expect((await patch(occ, { start: '2200-12-31T22:00:00Z', duration: 'PT2H' })).status).toBe(200);
  });

  it('utils time: out-of-range input or reference is a 400 naming it, the same range as events', async () => {
    const ut = (input: string, extra = '') => call('GET', `/v1/utils/time/?input=${encodeURIComponent(input)}${extra}`, { token: c.t.session, now: NOW });
    for (const [v, ok] of EDGES) {
      const r = await ut(v);
      expect(expectOkOrRefused(r, 'input', v), v).toBe(ok || v === '2200-12-31T23:59:59Z');
    }
    const edge = await ut('9999-12-31T23:00:00Z');
    expect(edge.body.errors[0].message).toMatch(/supported range/);
    for (const ref of ['9999-12-31T00:00:00Z', '1899-12-31T00:00:00Z', '+275760-09-13T00:00:00Z']) {
      const r = await ut('in 2 days', `&reference=${encodeURIComponent(ref)}`);
      expect(expectOkOrRefused(r, 'reference', ref), ref).toBe(false);
    }
    expect((await ut('in 2 days', '&reference=2200-12-20T00:00:00Z')).status).toBe(200);
    expect(expectOkOrRefused(await ut('in 30 days', '&reference=2200-12-20T00:00:00Z'), 'input', 'in 30 days')).toBe(false);
  });
});

describe('range: property — every time-bearing field is 2xx or a 400 naming it, never a 500', () => {
  // Each property runs in a tenant of its own: the session token's rate limit (600 a minute,
  // wrangler.toml) then covers one property's calls, not all of them.
  let c: Cal;
  let series: string;
  let single: string;
  beforeEach(async () => {
    c = await calendarTenant();
    series = (await c.ev({ title: 'Series', start: '2024-06-03T09:00:00Z', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=DAILY'] }, NOW)).event_id;
    single = (await c.ev({ title: 'Single', start: '2024-06-03T09:00:00Z', duration: 'PT1H' }, NOW)).event_id;
  });

  const year1 = new Date(0);
  year1.setUTCFullYear(1, 0, 2); // Date.UTC would read year 1 as 1901
  // Years 0001, 1899, 1900, 2200/2201, 9999 and +275760 (the last instant JS can hold).
  const EDGE_MS = [year1.getTime(), Date.UTC(1899, 11, 31), RANGE_MIN_MS, RANGE_MAX_MS, Date.UTC(2201, 6, 1), Date.UTC(9999, 11, 30), 8.64e15];
  const clampJs = (ms: number) => Math.max(-8.64e15, Math.min(8.64e15, ms));
  const ZONES = ['UTC', 'Pacific/Kiritimati', 'Etc/GMT+12', 'America/New_York', 'Asia/Tokyo'];

  /** An instant near an edge (±3 days, to the second), or anywhere JS can hold. */
  const instant = fc.oneof(
    fc.tuple(fc.constantFrom(...EDGE_MS), fc.integer({ min: -3 * 86_400, max: 3 * 86_400 })).map(([e, s]) => clampJs(e + s * 1000)),
    fc.integer({ min: -8.64e12, max: 8.64e12 }).map((s) => s * 1000),
  );
  /** The instant written as a Time Utils input: with Z, with an offset, naive (read in a zone), or relative. */
  const timeInput = fc.tuple(instant, fc.constantFrom('z', 'offset', 'naive', 'relative'), fc.integer({ min: 0, max: 99_999 })).map(([ms, form, days]) => {
    if (form === 'relative') return days % 2 ? `in ${days} days` : `${days} days ago`;
    const s = isoZ(ms);
    if (form === 'offset') return s.replace(/Z$/, '+05:30');
    if (form === 'naive') return s.replace(/Z$/, '');
    return s;
  });
  const durationInput = fc.oneof(
    fc.constantFrom('PT1H', 'P1D', 'P2D', 'P366D', 'P367D', 'P99999999D', 'PT0S', '90 min', '100000 weeks'),
    fc.integer({ min: 1, max: 40_000_000 }).map((s) => `PT${s}S`),
  );
  const OPTS = { numRuns: 40, seed: 20240605, endOnFailure: true };

  it('create: start × duration × zone', async () => {
    await fc.assert(fc.asyncProperty(timeInput, durationInput, fc.constantFrom(...ZONES), async (start, duration, time_zone) => {
      const before = Number((await rowsOf(sql`SELECT count(*)::int AS n FROM events WHERE inbox_id = ${c.t.inboxId}`))[0]!.n);
      const r = await call('POST', '/v1/calendar/events/', {
        token: c.t.session, now: NOW, body: { inbox_id: c.t.inboxId, calendar_id: c.personal, title: 'P', start, duration, time_zone },
      });
      const what = JSON.stringify({ start, duration, time_zone });
      if (r.status >= 200 && r.status < 300) {
        // Whatever was accepted lies in the range, end included.
        const row = (await rowsOf(sql`SELECT start_at, duration_seconds FROM events WHERE id = ${r.body.event_id}`))[0]!;
        const s = new Date(row.start_at).getTime();
        expect(isInRange(s), what).toBe(true);
        expect(isInRange(s + Number(row.duration_seconds) * 1000, 'end'), what).toBe(true);
        return;
      }
      expect(r.status, `${what} ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.code).toBe('validation_failed');
      const paths = r.body.errors.map((e: { path: string }) => e.path);
      expect(paths.some((p: string) => p === 'start' || p === 'duration'), `${what} ${JSON.stringify(paths)}`).toBe(true);
      expect(Number((await rowsOf(sql`SELECT count(*)::int AS n FROM events WHERE inbox_id = ${c.t.inboxId}`))[0]!.n), what).toBe(before);
    }), OPTS);
  });

  it('create: an ISO start with Z is accepted exactly when it (and its end) lies in the range', async () => {
    await fc.assert(fc.asyncProperty(instant, async (ms) => {
      const start = isoZ(ms);
      const r = await call('POST', '/v1/calendar/events/', {
        token: c.t.session, now: NOW, body: { inbox_id: c.t.inboxId, calendar_id: c.personal, title: 'P', start, duration: 'PT1S', time_zone: 'UTC' },
      });
      const expected = isInRange(ms) && isInRange(ms + 1000, 'end');
      expect(expectOkOrRefused(r, 'start', start), start).toBe(expected);
    }), OPTS);
  });

  it('PATCH start / duration of a series and a single event; refused ones change nothing', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('series', 'single'), fc.option(timeInput, { nil: undefined }), fc.option(durationInput, { nil: undefined }),
      async (which, start, duration) => {
        if (start === undefined && duration === undefined) return;
        const id = which === 'series' ? series : single;
        const seen = await call('GET', `/v1/calendar/events/${id}/?${q(c.t)}`, { token: c.t.session });
        const row = (await rowsOf(sql`SELECT * FROM events WHERE id = ${id}`))[0];
        const r = await call('PATCH', `/v1/calendar/events/${id}/`, { token: c.t.session, now: NOW, body: { inbox_id: c.t.inboxId, start, duration } });
        const what = JSON.stringify({ which, start, duration });
        if (r.status === 200) {
          // Put it back in the middle of the range so later runs start from a normal event.
          expect((await call('PATCH', `/v1/calendar/events/${id}/`, { token: c.t.session, now: NOW, body: { inbox_id: c.t.inboxId, start: '2024-06-03T09:00:00Z', duration: 'PT1H' } })).status).toBe(200);
          return;
        }
        expect(r.status, `${what} ${JSON.stringify(r.body)}`).toBe(400);
        const paths: string[] = r.body.errors.map((e: { path: string }) => e.path);
        expect(paths.every((p) => p === 'start' || p === 'duration') && paths.length > 0, `${what} ${JSON.stringify(paths)}`).toBe(true);
        if (start === undefined) expect(paths, what).not.toContain('start');
        if (duration === undefined) expect(paths, what).not.toContain('duration');
        expect((await call('GET', `/v1/calendar/events/${id}/?${q(c.t)}`, { token: c.t.session })).body, what).toEqual(seen.body);
        expect((await rowsOf(sql`SELECT * FROM events WHERE id = ${id}`))[0], what).toEqual(row);
      },
    ), OPTS);
  });

  it('PATCH of an occurrence; refused ones store no override', async () => {
    const occ = `${series}_20240610T090000Z`;
    await fc.assert(fc.asyncProperty(fc.option(timeInput, { nil: undefined }), fc.option(durationInput, { nil: undefined }), async (start, duration) => {
      if (start === undefined && duration === undefined) return;
      const overrides = await rowsOf(sql`SELECT * FROM event_overrides WHERE event_id = ${series} ORDER BY original_start_at`);
      const r = await call('PATCH', `/v1/calendar/events/${occ}/`, { token: c.t.session, now: NOW, body: { inbox_id: c.t.inboxId, start, duration } });
      const what = JSON.stringify({ start, duration });
      if (r.status === 200) return;
      expect(r.status, `${what} ${JSON.stringify(r.body)}`).toBe(400);
      const paths: string[] = r.body.errors.map((e: { path: string }) => e.path);
      expect(paths.length > 0 && paths.every((p) => (p === 'start' && start !== undefined) || (p === 'duration' && duration !== undefined)), `${what} ${JSON.stringify(paths)}`).toBe(true);
      expect(await rowsOf(sql`SELECT * FROM event_overrides WHERE event_id = ${series} ORDER BY original_start_at`), what).toEqual(overrides);
    }), OPTS);
  });

  it('window after / before, alone or together', async () => {
    await fc.assert(fc.asyncProperty(fc.option(timeInput, { nil: undefined }), fc.option(timeInput, { nil: undefined }), async (after, before) => {
      if (after === undefined && before === undefined) return;
      const qs = [after !== undefined ? `after=${encodeURIComponent(after)}` : '', before !== undefined ? `before=${encodeURIComponent(before)}` : ''].filter(Boolean).join('&');
      const r = await call('GET', `/v1/calendar/events/?${q(c.t)}&${qs}`, { token: c.t.session, now: NOW });
      if (r.status === 200) return;
      expect(r.status, `${qs} ${JSON.stringify(r.body)}`).toBe(400);
      const paths: string[] = r.body.errors.map((e: { path: string }) => e.path);
      expect(paths.length > 0 && paths.every((p) => (p === 'after' && after !== undefined) || (p === 'before' && before !== undefined)), `${qs} ${JSON.stringify(paths)}`).toBe(true);
    }), OPTS);
  });

  it('utils time: input × zone × reference', async () => {
    await fc.assert(fc.asyncProperty(timeInput, fc.constantFrom(...ZONES), fc.option(instant, { nil: undefined }), async (input, zone, ref) => {
      const extra = ref === undefined ? '' : `&reference=${encodeURIComponent(isoZ(ref))}`;
      const r = await call('GET', `/v1/utils/time/?input=${encodeURIComponent(input)}&time_zone=${encodeURIComponent(zone)}${extra}`, { token: c.t.session, now: NOW });
      if (r.status === 200) {
        expect(isInRange(Date.parse(r.body.instant)), `${input} ${JSON.stringify(r.body)}`).toBe(true);
        return;
      }
      expect(r.status, `${input} ${extra} ${JSON.stringify(r.body)}`).toBe(400);
      const paths: string[] = r.body.errors.map((e: { path: string }) => e.path);
      expect(paths.length > 0 && paths.every((p) => p === 'input' || (p === 'reference' && ref !== undefined)), `${input} ${JSON.stringify(paths)}`).toBe(true);
    }), OPTS);
  });
});

describe('range: documented in /openapi.json', () => {
  it('names the range on start, duration, after, before and the utils time input', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    const schema = (name: string) => doc.components.schemas[name].properties;
    const params = (path: string) => Object.fromEntries(doc.paths[path].get.parameters.map((p: any) => [p.name, p.description ?? p.schema?.description ?? '']));
    for (const name of ['CreateEvent', 'PatchEvent']) {
      expect(schema(name).start.description).toContain('years 1900–2200');
      expect(schema(name).duration.description).toContain('at most 366 days');
    }
    const list = params('/v1/calendar/events/');
    expect(list.after).toContain('years 1900–2200');
    expect(list.before).toContain('2201-01-01T00:00:00Z');
    expect(params('/v1/utils/time/').input).toContain('years 1900–2200');
    expect(doc.paths['/v1/utils/duration/'].get.description).toContain('366 days');
  });
});
