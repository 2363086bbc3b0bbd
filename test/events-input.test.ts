// Event input through the HTTP API: validation names the field and stores nothing; natural-
// language starts land where Time Utils says for the same clock.
import { describe, it, expect, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { calendarTenant, call, expectProblem, q, rowsOf, type Cal } from './helpers';

describe('events: validation', () => {
  let c: Cal;
  beforeAll(async () => { c = await calendarTenant(); });
  const post = (body: Record<string, unknown>) => call('POST', '/v1/calendar/events/', {
    token: c.t.session, body: { inbox_id: c.t.inboxId, calendar_id: c.personal, title: 'T', start: '2024-06-03T09:00:00', duration: 'PT1H', ...body },
  });

  it('names the offending field and stores nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ time_zone: 'Mars/Olympus' }, 'time_zone'],
      [{ time_zone: '+02:00' }, 'time_zone'],
      [{ duration: 'a while' }, 'duration'],
      [{ duration: 'PT0S' }, 'duration'],
      [{ duration: '-PT1H' }, 'duration'],
      [{ status: 'maybe' }, 'status'],
      [{ recurrence_rules: ['RRULE:FREQ=SOMETIMES'] }, 'recurrence_rules'],
      [{ recurrence_rules: ['RRULE:FREQ=DAILY', 'RRULE:FREQ=WEEKLY'] }, 'recurrence_rules'],
      [{ recurrence_rules: ['EXDATE:2024-06-03'] }, 'recurrence_rules'],
      [{ recurrence_rules: 'RRULE:FREQ=DAILY' }, 'recurrence_rules'],
      [{ recurrence_rules: ['RRULE:FREQ=MINUTELY;COUNT=10'] }, 'recurrence_rules'],
      [{ recurrence_rules: ['EXDATE:20240603T090000Z', 'RRULE:INTERVAL=2;FREQ=SECONDLY'] }, 'recurrence_rules'],
      [{ start: 'whenever' }, 'start'],
      [{ start: '2024-02-30T10:00:00' }, 'start'],
      [{ title: '' }, 'title'],
      [{ calendar_id: undefined }, 'calendar_id'],
      [{ participants: [{ email: 'not-an-email' }] }, 'participants.0.email'],
      [{ calendar_id: c.tasks }, 'calendar_id'],
    ];
    for (const [body, path] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe('validation_failed');
      expect(r.body.errors.map((e: { path: string }) => e.path.split('.').slice(0, path.split('.').length).join('.')), JSON.stringify(body)).toContain(path);
    }
    expect(await rowsOf(sql`SELECT id FROM events WHERE inbox_id = ${c.t.inboxId}`)).toHaveLength(0);
  });

  it('an unknown calendar is 404; PATCH validates the same way and leaves the event unchanged', async () => {
    expect((await post({ calendar_id: 'cal_doesnotexist' })).status).toBe(404);
    const e = await c.ev({ title: 'Keep', start: '2024-06-03T09:00:00Z', duration: 'PT1H' });
    for (const [body, path] of [[{ time_zone: 'Nowhere/Land' }, 'time_zone'], [{ duration: 'soon' }, 'duration'], [{ status: 'done' }, 'status'], [{ recurrence_rules: ['RRULE:BYDAY=MO'] }, 'recurrence_rules'], [{ calendar_id: c.tasks }, 'calendar_id']] as const) {
      const r = await call('PATCH', `/v1/calendar/events/${e.event_id}/`, { token: c.t.session, body: { inbox_id: c.t.inboxId, ...body } });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errors.map((x: { path: string }) => x.path.split('.')[0])).toContain(path);
    }
    const empty = await call('PATCH', `/v1/calendar/events/${e.event_id}/`, { token: c.t.session, body: { inbox_id: c.t.inboxId } });
    expect(empty.status).toBe(400);
    const got = await call('GET', `/v1/calendar/events/${e.event_id}/?${q(c.t)}`, { token: c.t.session });
    expect(got.body).toEqual(e);
  });

  it('another inbox\'s calendar is 404 on create and on move, and nothing is stored or changed', async () => {
    const other = await calendarTenant();
    const before = await rowsOf(sql`SELECT id FROM events WHERE inbox_id = ${c.t.inboxId}`);
    expectProblem(await post({ calendar_id: other.personal }), 404, 'not_found');
    expectProblem(await post({ calendar_id: other.tasks }), 404, 'not_found');
    expect(await rowsOf(sql`SELECT id FROM events WHERE inbox_id = ${c.t.inboxId}`)).toHaveLength(before.length);
    expect(await rowsOf(sql`SELECT id FROM events WHERE calendar_id = ${other.personal}`)).toHaveLength(0);
    const e = await c.ev({ title: 'Stay', start: '2024-06-04T09:00:00Z', duration: 'PT1H' });
    const moved = await call('PATCH', `/v1/calendar/events/${e.event_id}/`, { token: c.t.session, body: { inbox_id: c.t.inboxId, calendar_id: other.personal, title: 'Moved' } });
    expectProblem(moved, 404, 'not_found');
    expect((await call('GET', `/v1/calendar/events/${e.event_id}/?${q(c.t)}`, { token: c.t.session })).body).toEqual(e);
  });

  it('a call held for approval is validated first: bad input is a 400, not an approval', async () => {
    const e = await c.ev({ title: 'Held', start: '2024-06-03T09:00:00Z', duration: 'PT1H' });
    const held = await c.t.agent(['calendar:write'], ['calendar:write']);
    for (const body of [{ start: 'someday maybe' }, { duration: 'forever' }, { recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=0'] }]) {
      const r = await call('PATCH', `/v1/calendar/events/${e.event_id}/`, { token: held, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await call('PATCH', `/v1/calendar/events/${e.event_id}/`, { token: held, body: { title: 'Fine' } })).status).toBe(202);
  });

  it('rejects bad list parameters', async () => {
    for (const [qs, param] of [
      ['after=garbage', 'after'], ['before=nope', 'before'], ['sort=sideways', 'sort'], ['limit=0', 'limit'], ['limit=201', 'limit'],
      ['offset=-1', 'offset'], ['after=2024-06-02&before=2024-06-01', 'before'],
    ]) {
      const r = await call('GET', `/v1/calendar/events/?${q(c.t)}&${qs}`, { token: c.t.session });
      expectProblem(r, 400, 'validation_failed');
      expect(r.body.errors.map((e: { path: string }) => e.path), qs).toContain(param);
    }
  });
});

describe('events: natural-language start', () => {
  let c: Cal;
  const now = '2024-06-05T14:20:00Z'; // a Wednesday
  beforeAll(async () => {
    c = await calendarTenant();
    await call('PATCH', `/v1/inboxes/${c.t.inboxId}/settings/`, { token: c.t.session, body: { default_timezone: 'Europe/Berlin' } });
  });

  for (const input of ['next Monday 10am', 'tomorrow 9:30', 'in 2 hours']) {
    it(`"${input}" lands where /v1/utils/time/ says (inbox zone and explicit zone)`, async () => {
      const utils = await call('GET', `/v1/utils/time/?${q(c.t)}&input=${encodeURIComponent(input)}`, { token: c.t.session, now });
      expect(utils.status).toBe(200);
      const e = await c.ev({ title: input, start: input, duration: 'PT30M' }, now);
      expect(e.start).toBe(utils.body.local);
      expect(e.time_zone).toBe('Europe/Berlin');
      const [row] = await rowsOf(sql`SELECT start_at FROM events WHERE id = ${e.event_id}`);
      expect(new Date(row!.start_at).toISOString().replace('.000Z', 'Z')).toBe(utils.body.instant);

      const inTokyo = await call('GET', `/v1/utils/time/?${q(c.t)}&time_zone=Asia/Tokyo&input=${encodeURIComponent(input)}`, { token: c.t.session, now });
      const f = await c.ev({ title: input, start: input, duration: 'PT30M', time_zone: 'Asia/Tokyo' }, now);
      const [frow] = await rowsOf(sql`SELECT start_at, start_local FROM events WHERE id = ${f.event_id}`);
      expect(new Date(frow!.start_at).toISOString().replace('.000Z', 'Z')).toBe(inTokyo.body.instant);
      expect(frow!.start_local).toBe(inTokyo.body.local);
    });
  }

  it('the expected wall times, spelled out', async () => {
    const a = await c.ev({ title: 'a', start: 'next Monday 10am', duration: 'PT1H' }, now);
    expect(a.start).toBe('2024-06-10T10:00:00');
    const b = await c.ev({ title: 'b', start: 'tomorrow 9:30', duration: 'PT1H' }, now);
    expect(b.start).toBe('2024-06-06T09:30:00');
    const d = await c.ev({ title: 'd', start: 'in 2 hours', duration: 'PT1H' }, now);
    expect(d.start).toBe('2024-06-05T18:20:00'); // 16:20Z in Berlin summer time
  });
});

