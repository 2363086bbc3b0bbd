// One occurrence of a series through the HTTP API: read, change (an override keyed by the
// original start), exclude (EXDATE), and how series changes treat them.
import { describe, it, expect, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { calendarTenant, call, rowsOf, type Cal, type Tenant } from './helpers';

let c: Cal;
let t: Tenant;
const q = () => `inbox_id=${t.inboxId}`;
const ev = (body: Record<string, unknown>): Promise<any> => c.ev(body);
const get = (id: string) => call('GET', `/v1/calendar/events/${id}/?${q()}`, { token: t.session });
const patch = (id: string, body: Record<string, unknown>, opts: { now?: string; headers?: Record<string, string> } = {}) =>
  call('PATCH', `/v1/calendar/events/${id}/`, { token: t.session, body: { inbox_id: t.inboxId, ...body }, ...opts });
const del = (id: string, headers?: Record<string, string>) => call('DELETE', `/v1/calendar/events/${id}/?${q()}`, { token: t.session, headers });
/** The window's occurrences of one series (the file shares one inbox). */
async function window(after: string, before: string, seriesId: string) {
  const r = await call('GET', `/v1/calendar/events/?${q()}&after=${after}&before=${before}&limit=200`, { token: t.session });
  expect(r.status).toBe(200);
  return (r.body.results as any[]).filter((e) => e.event_id.startsWith(seriesId));
}

beforeAll(async () => {
  c = await calendarTenant();
  t = c.t;
});

describe('reading one occurrence', () => {
  it('GET accepts an occurrence id; a time that is not an occurrence is 404', async () => {
    const s = await ev({ title: 'Daily', start: '2024-06-03T09:00:00Z', duration: 'PT30M', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=10'] });
    const o = await get(`${s.event_id}_20240605T090000Z`);
    expect(o.status).toBe(200);
    expect(o.headers.get('etag')).toMatch(/^"/);
    expect(o.body).toMatchObject({ event_id: `${s.event_id}_20240605T090000Z`, recurring_event_id: s.event_id, start: '2024-06-05T09:00:00', title: 'Daily', original_start: '2024-06-05T09:00:00' });
    for (const bad of ['20240605T093000Z', '20240613T090000Z', '20240602T090000Z', '20241345T090000Z']) {
      expect((await get(`${s.event_id}_${bad}`)).status, bad).toBe(404);
    }
    const single = await ev({ title: 'Once', start: '2024-06-03T09:00:00Z', duration: 'PT30M' });
    expect((await get(`${single.event_id}_20240603T090000Z`)).status).toBe(404);
  });
});

describe('changing one occurrence', () => {
  let s: any;
  const occ = () => `${s.event_id}_20240611T150000Z`;
  beforeAll(async () => {
    s = await ev({ title: 'Tuesday review', start: '2024-06-04T17:00:00', time_zone: 'Europe/Berlin', duration: 'PT1H', location: 'Room 1', recurrence_rules: ['RRULE:FREQ=WEEKLY;BYDAY=TU'] });
  });

  it('stores an override that listing shows under the original occurrence id', async () => {
    const r = await patch(occ(), { title: 'Tuesday review (long)', start: '2024-06-12T10:00:00', duration: 'PT2H', location: 'Room 9', description: 'Quarterly' }, { now: '2024-06-01T00:00:00Z' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      event_id: occ(), recurring_event_id: s.event_id, title: 'Tuesday review (long)', start: '2024-06-12T10:00:00',
      original_start: '2024-06-11T17:00:00', duration: 'PT2H', location: 'Room 9', description: 'Quarterly',
    });
    const [row] = await rowsOf(sql`SELECT * FROM event_overrides WHERE event_id = ${s.event_id}`);
    expect(new Date(row!.original_start_at).toISOString()).toBe('2024-06-11T15:00:00.000Z');
    expect(new Date(row!.start_at).toISOString()).toBe('2024-06-12T08:00:00.000Z');
    expect(row).toMatchObject({ start_local: '2024-06-12T10:00:00', duration_seconds: 7200, title: 'Tuesday review (long)' });
    expect(new Date(row!.armed_at).toISOString()).toBe('2024-06-01T00:00:00.000Z');

    const list = await window('2024-06-01T00:00:00Z', '2024-06-30T00:00:00Z', s.event_id);
    expect(list.map((e) => [e.event_id.split('_').pop(), e.start, e.title])).toEqual([
      ['20240604T150000Z', '2024-06-04T17:00:00', 'Tuesday review'],
      ['20240611T150000Z', '2024-06-12T10:00:00', 'Tuesday review (long)'],
      ['20240618T150000Z', '2024-06-18T17:00:00', 'Tuesday review'],
      ['20240625T150000Z', '2024-06-25T17:00:00', 'Tuesday review'],
    ]);
    expect(list[2].location).toBe('Room 1');
    // The series itself is unchanged.
    expect((await get(s.event_id)).body).toEqual(s);
    expect((await get(occ())).body).toEqual(r.body);
  });

  it('a moved occurrence appears in the window it moved into, not the one it left', async () => {
    await patch(occ(), { start: '2024-07-02T09:00:00' });
    expect((await window('2024-06-11T00:00:00Z', '2024-06-13T00:00:00Z', s.event_id)).length).toBe(0);
    const july = await window('2024-07-02T00:00:00Z', '2024-07-03T00:00:00Z', s.event_id);
    expect(july.map((e) => [e.event_id, e.start])).toEqual([[occ(), '2024-07-02T09:00:00'], [`${s.event_id}_20240702T150000Z`, '2024-07-02T17:00:00']]);
    // Later changes merge with the earlier ones; null gives back the series' location.
    const r = await patch(occ(), { location: null, status: 'tentative' });
    expect(r.body).toMatchObject({ start: '2024-07-02T09:00:00', title: 'Tuesday review (long)', location: 'Room 1', status: 'tentative' });
  });

  it('an occurrence moved past the end of a bounded series is still found', async () => {
    const b = await ev({ title: 'Three days', start: '2024-08-01T09:00:00Z', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=3'] });
    const last = `${b.event_id}_20240803T090000Z`;
    expect((await patch(last, { start: '2024-08-20T09:00:00' })).status).toBe(200);
    expect((await window('2024-08-19T00:00:00Z', '2024-08-21T00:00:00Z', b.event_id)).map((e) => [e.event_id, e.start])).toEqual([[last, '2024-08-20T09:00:00']]);
    expect((await window('2024-08-01T00:00:00Z', '2024-08-05T00:00:00Z', b.event_id)).map((e) => e.start)).toEqual(['2024-08-01T09:00:00', '2024-08-02T09:00:00']);
  });

  it('series-only fields are 400 on an occurrence; If-Match is honoured', async () => {
    for (const field of ['recurrence_rules', 'time_zone', 'participants', 'calendar_id']) {
      const value = field === 'recurrence_rules' ? [] : field === 'participants' ? [] : field === 'time_zone' ? 'UTC' : c.personal;
      const r = await patch(occ(), { [field]: value });
      expect(r.status, field).toBe(400);
      expect(r.body.errors[0].path).toBe(field);
    }
    const etag = (await get(occ())).headers.get('etag')!;
    expect((await patch(occ(), { title: 'x' }, { headers: { 'if-match': '"stale"' } })).status).toBe(412);
    expect((await patch(occ(), { title: 'Checked' }, { headers: { 'if-match': etag } })).status).toBe(200);
    expect((await del(occ(), { 'if-match': etag })).status).toBe(412);
  });
});

describe('deleting one occurrence', () => {
  it('adds an EXDATE: only that occurrence disappears', async () => {
    const s = await ev({ title: 'Daily', start: '2024-06-03T09:00:00', time_zone: 'America/New_York', duration: 'PT30M', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=5'] });
    const gone = `${s.event_id}_20240605T130000Z`;
    await patch(gone, { title: 'Overridden first' });
    expect((await del(gone)).status).toBe(204);
    const list = await window('2024-06-01T00:00:00Z', '2024-06-30T00:00:00Z', s.event_id);
    expect(list.map((e) => e.start)).toEqual(['2024-06-03T09:00:00', '2024-06-04T09:00:00', '2024-06-06T09:00:00', '2024-06-07T09:00:00']);
    expect((await get(gone)).status).toBe(404);
    expect((await del(gone)).status).toBe(404);
    const series = (await get(s.event_id)).body;
    expect(series.recurrence_rules).toEqual(['RRULE:FREQ=DAILY;COUNT=5', 'EXDATE:20240605T130000Z']);
    expect(await rowsOf(sql`SELECT 1 FROM event_overrides WHERE event_id = ${s.event_id}`)).toHaveLength(0);
    // Excluding the last occurrence moves the series end.
    await del(`${s.event_id}_20240607T130000Z`);
    const [row] = await rowsOf(sql`SELECT series_end_at FROM events WHERE id = ${s.event_id}`);
    expect(new Date(row!.series_end_at).toISOString()).toBe('2024-06-06T13:30:00.000Z');
  });
});

describe('changing the whole series', () => {
  it('a moved start recomputes the stored columns and drops overrides that no longer exist', async () => {
    const s = await ev({ title: 'Weekly', start: '2024-06-03T09:00:00Z', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=WEEKLY'] });
    await patch(`${s.event_id}_20240610T090000Z`, { title: 'Special' });
    const r = await patch(s.event_id, { start: '2024-06-04T11:00:00Z' }, { now: '2024-06-05T00:00:00Z' });
    expect(r.status).toBe(200);
    expect(r.body.start).toBe('2024-06-04T11:00:00');
    const [row] = await rowsOf(sql`SELECT start_at, start_local, series_end_at, next_occurrence_at, armed_at FROM events WHERE id = ${s.event_id}`);
    expect(new Date(row!.start_at).toISOString()).toBe('2024-06-04T11:00:00.000Z');
    expect(row!.start_local).toBe('2024-06-04T11:00:00');
    expect(row!.series_end_at).toBeNull();
    expect(new Date(row!.next_occurrence_at).toISOString()).toBe('2024-06-11T11:00:00.000Z');
    expect(new Date(row!.armed_at).toISOString()).toBe('2024-06-05T00:00:00.000Z');
    expect(await rowsOf(sql`SELECT 1 FROM event_overrides WHERE event_id = ${s.event_id}`)).toHaveLength(0);
    const list = await window('2024-06-01T00:00:00Z', '2024-06-15T00:00:00Z', s.event_id);
    expect(list.map((e) => [e.start, e.title])).toEqual([['2024-06-04T11:00:00', 'Weekly'], ['2024-06-11T11:00:00', 'Weekly']]);
  });

  it('a bounded series gets a series end; adding a COUNT later bounds it', async () => {
    const s = await ev({ title: 'Open', start: '2024-06-03T09:00:00Z', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=DAILY'] });
    await patch(s.event_id, { recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=3'] });
    const [row] = await rowsOf(sql`SELECT series_end_at, is_recurring FROM events WHERE id = ${s.event_id}`);
    expect(new Date(row!.series_end_at).toISOString()).toBe('2024-06-05T10:00:00.000Z');
    await patch(s.event_id, { recurrence_rules: [] });
    const [single] = await rowsOf(sql`SELECT series_end_at, is_recurring FROM events WHERE id = ${s.event_id}`);
    expect(single!.is_recurring).toBe(false);
    expect((await get(`${s.event_id}_20240604T090000Z`)).status).toBe(404);
  });
});

describe('cancelling one occurrence', () => {
  it('emits event.cancelled for the occurrence, on PATCH status and on DELETE', async () => {
    const alert = await call('POST', '/v1/alerts/', { token: t.session, body: { inbox_id: t.inboxId, events: ['event.cancelled'], delivery: { type: 'task', target: 'Cancelled: {title}' } } });
    expect(alert.status).toBe(201);
    const s = await ev({ title: 'Yoga', start: '2024-06-03T18:00:00Z', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=DAILY'] });
    const one = `${s.event_id}_20240604T180000Z`;
    const r = await patch(one, { status: 'cancelled' });
    expect(r.body.status).toBe('cancelled');
    expect((await get(`${s.event_id}_20240605T180000Z`)).body.status).toBe('confirmed');
    await del(`${s.event_id}_20240606T180000Z`);
    const rows = await rowsOf(sql`SELECT type, payload FROM deliveries WHERE alert_id = ${alert.body.id} ORDER BY created_at, id`);
    expect(rows.map((x) => [x.type, x.payload.event_id, x.payload.recurring_event_id])).toEqual([
      ['event.cancelled', one, s.event_id],
      ['event.cancelled', `${s.event_id}_20240606T180000Z`, s.event_id],
    ]);
  });
});
