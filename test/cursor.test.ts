// Keyset paging with opaque cursors: contacts and event windows. A cursor's page starts right
// after the last item of the page it came with, whatever was added or removed before it, and a
// cursor is bound to its query.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { call, expectProblem, type Answer, type Tenant } from './helpers';
import { calendarTenant, q, type Cal } from './support/calendar';

async function walk(t: Tenant, first: string): Promise<{ ids: string[]; positions: number[]; totals: number[] }> {
  const ids: string[] = [];
  const positions: number[] = [];
  const totals: number[] = [];
  let path: string | null = first;
  for (let guard = 0; path && guard < 100; guard++) {
    const r: Answer = await call('GET', path, { token: t.session });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    ids.push(...r.body.results.map((x: { id?: string; event_id?: string }) => x.id ?? x.event_id));
    positions.push(r.body.position);
    totals.push(r.body.total);
    path = r.body.next_cursor ? `${first}&cursor=${encodeURIComponent(r.body.next_cursor)}` : null;
  }
  return { ids, positions, totals };
}

describe('cursor: contacts', () => {
  let t: Tenant;
  beforeAll(async () => {
    const c = await calendarTenant();
    t = c.t;
    // Same names on purpose: the id breaks the tie.
    for (const name of ['Ada', 'Ada', 'Bea', 'Cem', 'Cem', 'Dan', 'Eve', 'Fay', 'Gus', 'Hal', 'Ida']) {
      expect((await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: name } })).status).toBe(201);
    }
  });

  it('walks every contact once, in order, with positions and an exact total', async () => {
    const all = (await call('GET', `/v1/contacts/?${q(t)}&limit=200`, { token: t.session })).body;
    expect(all.next_cursor).toBeNull();
    const walked = await walk(t, `/v1/contacts/?${q(t)}&limit=3`);
    expect(walked.ids).toEqual(all.results.map((x: { id: string }) => x.id));
    expect(walked.positions).toEqual([0, 3, 6, 9]);
    expect(new Set(walked.totals)).toEqual(new Set([11]));
  });

  it('a contact added before the cursor neither repeats nor hides one after it', async () => {
    const first = await call('GET', `/v1/contacts/?${q(t)}&limit=4`, { token: t.session });
    const after = first.body.results.map((x: { id: string }) => x.id);
    // 'Aaron' sorts before every name on the first page: an offset would now repeat one.
    const added = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: 'Aaron' } });
    const second = await call('GET', `/v1/contacts/?${q(t)}&limit=4&cursor=${encodeURIComponent(first.body.next_cursor)}`, { token: t.session });
    expect(second.status).toBe(200);
    for (const id of second.body.results.map((x: { id: string }) => x.id)) expect(after).not.toContain(id);
    expect(second.body.results[0].full_name).toBe('Cem');
    expect(second.body.total).toBe(12);
    await call('DELETE', `/v1/contacts/${added.body.id}/?${q(t)}`, { token: t.session });
  });

  it('a search pages by cursor too, and the cursor is bound to its q', async () => {
    const page = await call('GET', `/v1/contacts/?${q(t)}&q=c&limit=1`, { token: t.session });
    expect(page.body.total).toBe(2);
    const next = await call('GET', `/v1/contacts/?${q(t)}&q=c&limit=1&cursor=${encodeURIComponent(page.body.next_cursor)}`, { token: t.session });
    expect(next.body.results).toHaveLength(1);
    expect(next.body.total).toBe(2);
    expect(next.body.next_cursor).toBeNull();
    expect(next.body.results[0].id).not.toBe(page.body.results[0].id);
    expectProblem(await call('GET', `/v1/contacts/?${q(t)}&q=d&cursor=${encodeURIComponent(page.body.next_cursor)}`, { token: t.session }), 400, 'validation_failed');
    const withOffset = await call('GET', `/v1/contacts/?${q(t)}&q=c&offset=1&cursor=${encodeURIComponent(page.body.next_cursor)}`, { token: t.session });
    expectProblem(withOffset, 400, 'validation_failed');
    expect(withOffset.body.errors[0].path).toBe('cursor');
  });

  it('any other string is a 400 naming cursor, never a 500', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ minLength: 1, maxLength: 80 }), fc.base64String({ minLength: 4, maxLength: 80 }),
      fc.json().map((j) => btoa(unescape(encodeURIComponent(j))).replace(/=+$/, ''))), async (raw) => {
      const r = await call('GET', `/v1/contacts/?${q(t)}&cursor=${encodeURIComponent(raw)}`, { token: t.session });
      expectProblem(r, 400, 'validation_failed');
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain('cursor');
    }), { numRuns: 40, seed: 11 });
  });
});

describe('cursor: event windows', () => {
  let c: Cal;
  beforeAll(async () => {
    c = await calendarTenant();
    await c.ev({ title: 'Daily', start: '2032-05-03T09:00:00', duration: 'PT30M', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=10'] });
    for (let d = 3; d <= 9; d++) await c.ev({ title: `Single ${d}`, start: `2032-05-0${d}T09:00:00`, duration: 'PT1H' });
  });
  const window = () => `/v1/calendar/events/?${q(c.t)}&after=2032-05-01T00:00:00&before=2032-05-15T00:00:00`;

  it('walks a window in order, each occurrence once, ascending and descending', async () => {
    for (const sort of ['asc', 'desc']) {
      const all = (await call('GET', `${window()}&sort=${sort}&limit=200`, { token: c.t.session })).body;
      expect(all.total).toBe(17);
      const walked = await walk(c.t, `${window()}&sort=${sort}&limit=4`);
      expect(walked.ids).toEqual(all.results.map((x: { event_id: string }) => x.event_id));
      expect(walked.positions).toEqual([0, 4, 8, 12, 16]);
    }
  });

  it('an event added before the cursor shifts the position, not the page', async () => {
    const first = await call('GET', `${window()}&limit=4`, { token: c.t.session });
    const lastShown = first.body.results.at(-1).event_id;
    const early = await c.ev({ title: 'Early', start: '2032-05-02T08:00:00', duration: 'PT1H' });
    const second = await call('GET', `${window()}&limit=4&cursor=${encodeURIComponent(first.body.next_cursor)}`, { token: c.t.session });
    const all = (await call('GET', `${window()}&limit=200`, { token: c.t.session })).body.results.map((x: { event_id: string }) => x.event_id);
    expect(second.body.results.map((x: { event_id: string }) => x.event_id)).toEqual(all.slice(all.indexOf(lastShown) + 1, all.indexOf(lastShown) + 5));
    expect(second.body.position).toBe(5);
    expect(second.body.total).toBe(18);
    await call('DELETE', `/v1/calendar/events/${early.event_id}/?${q(c.t)}`, { token: c.t.session });
  });

  it('a cursor is bound to its window and sort, and pages windows only', async () => {
    const first = await call('GET', `${window()}&limit=4`, { token: c.t.session });
    const cursor = encodeURIComponent(first.body.next_cursor);
    expectProblem(await call('GET', `${window()}&sort=desc&limit=4&cursor=${cursor}`, { token: c.t.session }), 400, 'validation_failed');
    expectProblem(await call('GET', `/v1/calendar/events/?${q(c.t)}&after=2032-05-02T00:00:00&before=2032-05-15T00:00:00&cursor=${cursor}`, { token: c.t.session }), 400, 'validation_failed');
    const unwindowed = await call('GET', `/v1/calendar/events/?${q(c.t)}&cursor=${cursor}`, { token: c.t.session });
    expectProblem(unwindowed, 400, 'validation_failed');
    expect(unwindowed.body.errors[0].path).toBe('cursor');
    expect((await call('GET', `/v1/calendar/events/?${q(c.t)}`, { token: c.t.session })).body.next_cursor).toBeNull();
  });
});
