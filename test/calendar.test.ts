import { describe, it, expect, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { calendarTenant, call, newTenant, q, rowsOf, type Cal } from './helpers';

describe('calendars (collections)', () => {
  let c: Cal;
  beforeAll(async () => { c = await calendarTenant(); });

  it('every inbox starts with Personal (default) and Tasks, as a bare array', async () => {
    const r = await call('GET', `/v1/calendar/collections/?${q(c.t)}`, { token: c.t.session });
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body).toEqual([
      expect.objectContaining({ id: c.personal, name: 'Personal', color: null, isDefault: true }),
      expect.objectContaining({ id: c.tasks, name: 'Tasks', isDefault: false, kind: 'tasks' }),
    ]);
  });

  it('creates, renames, recolours and deletes a calendar', async () => {
    const made = await call('POST', '/v1/calendar/collections/', { token: c.t.session, body: { inbox_id: c.t.inboxId, name: 'Work', color: '#3366ff' } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: expect.stringMatching(/^cal_/), name: 'Work', color: '#3366ff', isDefault: false });
    const id = made.body.id;
    const renamed = await call('PATCH', `/v1/calendar/collections/${id}/`, { token: c.t.session, body: { inbox_id: c.t.inboxId, name: 'Team', color: 'teal' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id, name: 'Team', color: 'teal' });
    const ev = await c.ev({ calendar_id: id, title: 'In Team', start: '2024-05-01T10:00:00Z', duration: 'PT1H' });
    const del = await call('DELETE', `/v1/calendar/collections/${id}/?${q(c.t)}`, { token: c.t.session });
    expect(del.status).toBe(204);
    const list = await call('GET', `/v1/calendar/collections/?${q(c.t)}`, { token: c.t.session });
    expect(list.body.map((x: any) => x.id)).not.toContain(id);
    expect((await call('GET', `/v1/calendar/events/${ev.event_id}/?${q(c.t)}`, { token: c.t.session })).status).toBe(404);
  });

  it('refuses to delete the default or the Tasks calendar (400), and bad input (400)', async () => {
    for (const id of [c.personal, c.tasks]) {
      const r = await call('DELETE', `/v1/calendar/collections/${id}/?${q(c.t)}`, { token: c.t.session });
      expect(r.status).toBe(400);
    }
    expect((await call('GET', `/v1/calendar/collections/?${q(c.t)}`, { token: c.t.session })).body).toHaveLength(2);
    const noName = await call('POST', '/v1/calendar/collections/', { token: c.t.session, body: { inbox_id: c.t.inboxId, name: ' ' } });
    expect(noName.status).toBe(400);
    expect(noName.body.errors[0].path).toBe('name');
    const badColour = await call('POST', '/v1/calendar/collections/', { token: c.t.session, body: { inbox_id: c.t.inboxId, name: 'X', color: 'not a colour!' } });
    expect(badColour.status).toBe(400);
    expect(badColour.body.errors[0].path).toBe('color');
  });

  it('checks scopes: calendar:read cannot write, calendar:write cannot delete', async () => {
    const reader = await c.t.agent(['calendar:read']);
    expect((await call('GET', '/v1/calendar/collections/', { token: reader })).status).toBe(200);
    const w = await call('POST', '/v1/calendar/collections/', { token: reader, body: { name: 'Nope' } });
    expect(w.status).toBe(403);
    expect(w.body.required_scope).toBe('calendar:write');
    const writer = await c.t.agent(['calendar:write']);
    const made = await call('POST', '/v1/calendar/collections/', { token: writer, body: { name: 'Agent cal' } });
    expect(made.status).toBe(201);
    expect((await call('DELETE', `/v1/calendar/collections/${made.body.id}/`, { token: writer })).body.required_scope).toBe('calendar:delete');
  });
});

describe('events: create, read, change, delete', () => {
  let c: Cal;
  beforeAll(async () => { c = await calendarTenant(); });

  it('creates an event and returns the full shape with an ETag', async () => {
    const r = await call('POST', '/v1/calendar/events/', {
      token: c.t.session,
      body: {
        inbox_id: c.t.inboxId, calendar_id: c.personal, title: 'Lunch with Bob', start: '2024-06-03T12:30', duration: '90 min',
        time_zone: 'Europe/Berlin', description: 'At the usual place', status: 'tentative', location: 'Café',
        participants: [{ name: 'Bob', email: 'bob@example.com', role: 'required' }],
      },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(r.body).toEqual({
      event_id: expect.stringMatching(/^evt_/), calendar_id: c.personal, title: 'Lunch with Bob', start: '2024-06-03T12:30:00',
      duration: 'PT1H30M', time_zone: 'Europe/Berlin', event_time_zone: 'Europe/Berlin', all_day: false,
      description: 'At the usual place', status: 'tentative', location: 'Café',
      participants: [{ name: 'Bob', email: 'bob@example.com', role: 'required', contact_id: null }],
      recurrence_rules: [], label_ids: [], created_at: expect.stringMatching(/Z$/), updated_at: expect.stringMatching(/Z$/),
    });
    const [row] = await rowsOf(sql`SELECT start_at, start_local, duration, duration_seconds, is_recurring, series_end_at, next_occurrence_at, armed_at, created_at FROM events WHERE id = ${r.body.event_id}`);
    expect(new Date(row!.start_at).toISOString()).toBe('2024-06-03T10:30:00.000Z');
    expect(row!.start_local).toBe('2024-06-03T12:30:00');
    expect(row).toMatchObject({ duration: 'PT1H30M', duration_seconds: 5400, is_recurring: false });
    expect(new Date(row!.series_end_at).toISOString()).toBe('2024-06-03T12:00:00.000Z');
    expect(new Date(row!.next_occurrence_at).toISOString()).toBe('2024-06-03T10:30:00.000Z');
    expect(new Date(row!.armed_at).getTime()).toBe(new Date(row!.created_at).getTime());

    const got = await call('GET', `/v1/calendar/events/${r.body.event_id}/?${q(c.t)}`, { token: c.t.session });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body);
    expect(got.headers.get('etag')).toBe(r.headers.get('etag'));
  });

  it('shows start in the inbox default_timezone when set, naming that zone', async () => {
    const d = await calendarTenant();
    await call('PATCH', `/v1/inboxes/${d.t.inboxId}/settings/`, { token: d.t.session, body: { default_timezone: 'America/New_York' } });
    const e = await d.ev({ title: 'Berlin call', start: '2024-06-03T15:00:00', time_zone: 'Europe/Berlin', duration: 'PT1H' });
    expect(e).toMatchObject({ start: '2024-06-03T09:00:00', time_zone: 'America/New_York', event_time_zone: 'Europe/Berlin' });
    // A naive start without time_zone is read in the inbox zone, which becomes the event's own.
    const f = await d.ev({ title: 'Local', start: '2024-06-03T15:00:00', duration: 'PT1H' });
    expect(f).toMatchObject({ start: '2024-06-03T15:00:00', time_zone: 'America/New_York', event_time_zone: 'America/New_York' });
    // With neither, UTC.
    const g = await c.ev({ title: 'UTC', start: '2024-06-03T15:00:00', duration: 'PT1H' });
    expect(g).toMatchObject({ start: '2024-06-03T15:00:00', time_zone: 'UTC' });
  });

  it('PATCH changes fields, moves the start (re-arming reminders), honours If-Match', async () => {
    const e = await c.ev({ title: 'Standup', start: '2024-06-03T09:00:00Z', duration: 'PT15M' }, '2024-05-01T00:00:00Z');
    const etag = (await call('GET', `/v1/calendar/events/${e.event_id}/?${q(c.t)}`, { token: c.t.session })).headers.get('etag')!;

    const stale = await call('PATCH', `/v1/calendar/events/${e.event_id}/`, { token: c.t.session, headers: { 'if-match': '"0000"' }, body: { inbox_id: c.t.inboxId, title: 'Lost' } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');

    const moved = await call('PATCH', `/v1/calendar/events/${e.event_id}/`, {
      token: c.t.session, now: '2024-05-20T08:00:00Z', headers: { 'if-match': etag },
      body: { inbox_id: c.t.inboxId, title: 'Standup (moved)', start: '2024-06-04T10:00:00', duration: '30 minutes', location: null },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ title: 'Standup (moved)', start: '2024-06-04T10:00:00', duration: 'PT30M', location: null });
    expect(moved.headers.get('etag')).not.toBe(etag);
    const [row] = await rowsOf(sql`SELECT start_at, start_local, armed_at, series_end_at, next_occurrence_at, updated_at FROM events WHERE id = ${e.event_id}`);
    expect(new Date(row!.start_at).toISOString()).toBe('2024-06-04T10:00:00.000Z');
    expect(row!.start_local).toBe('2024-06-04T10:00:00');
    expect(new Date(row!.armed_at).toISOString()).toBe('2024-05-20T08:00:00.000Z');
    expect(new Date(row!.series_end_at).toISOString()).toBe('2024-06-04T10:30:00.000Z');
    expect(new Date(row!.next_occurrence_at).toISOString()).toBe('2024-06-04T10:00:00.000Z');

    // The old ETag no longer matches.
    const late = await call('PATCH', `/v1/calendar/events/${e.event_id}/`, { token: c.t.session, headers: { 'if-match': etag }, body: { inbox_id: c.t.inboxId, title: 'Too late' } });
    expect(late.status).toBe(412);
    // A title change does not re-arm.
    await call('PATCH', `/v1/calendar/events/${e.event_id}/`, { token: c.t.session, now: '2024-05-25T00:00:00Z', body: { inbox_id: c.t.inboxId, title: 'Renamed' } });
    const [after] = await rowsOf(sql`SELECT armed_at, title FROM events WHERE id = ${e.event_id}`);
    expect(after).toMatchObject({ title: 'Renamed' });
    expect(new Date(after!.armed_at).toISOString()).toBe('2024-05-20T08:00:00.000Z');
  });

  it('changing time_zone alone keeps the wall time', async () => {
    const e = await c.ev({ title: 'Zone', start: '2024-06-03T09:00:00', time_zone: 'America/New_York', duration: 'PT1H' });
    const r = await call('PATCH', `/v1/calendar/events/${e.event_id}/`, { token: c.t.session, body: { inbox_id: c.t.inboxId, time_zone: 'Europe/Berlin' } });
    expect(r.body).toMatchObject({ start: '2024-06-03T09:00:00', time_zone: 'Europe/Berlin' });
    const [row] = await rowsOf(sql`SELECT start_at FROM events WHERE id = ${e.event_id}`);
    expect(new Date(row!.start_at).toISOString()).toBe('2024-06-03T07:00:00.000Z');
  });

  it('DELETE honours If-Match, then removes the event and its label links', async () => {
    const e = await c.ev({ title: 'Doomed', start: '2024-06-05T09:00:00Z', duration: 'PT1H' });
    const label = await call('POST', '/v1/context/', { token: c.t.session, body: { inbox_id: c.t.inboxId, name: 'Doom', label_type: 'calendar' } });
    expect((await call('POST', `/v1/calendar/events/${e.event_id}/labels/`, { token: c.t.session, body: { inbox_id: c.t.inboxId, label_id: label.body.label_id } })).status).toBe(204);
    expect((await call('DELETE', `/v1/calendar/events/${e.event_id}/?${q(c.t)}`, { token: c.t.session, headers: { 'if-match': '"nope"' } })).status).toBe(412);
    const del = await call('DELETE', `/v1/calendar/events/${e.event_id}/?${q(c.t)}`, { token: c.t.session });
    expect(del.status).toBe(204);
    expect((await call('GET', `/v1/calendar/events/${e.event_id}/?${q(c.t)}`, { token: c.t.session })).status).toBe(404);
    expect(await rowsOf(sql`SELECT 1 FROM label_entities WHERE entity_type = 'event' AND entity_id = ${e.event_id}`)).toHaveLength(0);
    expect((await call('DELETE', `/v1/calendar/events/${e.event_id}/?${q(c.t)}`, { token: c.t.session })).status).toBe(404);
  });

  it('an agent whose calendar:delete needs approval gets 202 and nothing is deleted', async () => {
    const e = await c.ev({ title: 'Held', start: '2024-06-05T09:00:00Z', duration: 'PT1H' });
    const held = await c.t.agent(['calendar:read', 'calendar:delete'], ['calendar:delete']);
    const r = await call('DELETE', `/v1/calendar/events/${e.event_id}/`, { token: held });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ queued: true, approval_id: expect.stringMatching(/^apr_/) });
    expect((await call('GET', `/v1/calendar/events/${e.event_id}/`, { token: held })).status).toBe(200);
  });

  it('Idempotency-Key on create replays the first answer and creates one event', async () => {
    const body = { inbox_id: c.t.inboxId, calendar_id: c.personal, title: 'Once', start: '2024-07-01T10:00:00Z', duration: 'PT1H' };
    const headers = { 'idempotency-key': `cal-${Date.now()}` };
    const a = await call('POST', '/v1/calendar/events/', { token: c.t.session, body, headers });
    const b = await call('POST', '/v1/calendar/events/', { token: c.t.session, body, headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.body.event_id).toBe(a.body.event_id);
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
    expect(await rowsOf(sql`SELECT id FROM events WHERE inbox_id = ${c.t.inboxId} AND title = 'Once'`)).toHaveLength(1);
    const other = await call('POST', '/v1/calendar/events/', { token: c.t.session, body: { ...body, title: 'Twice' }, headers });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('idempotency_key_reused');
  });
});

describe('events: listing without a window', () => {
  let c: Cal;
  beforeAll(async () => { c = await calendarTenant(); });

  it('lists every event (series unexpanded) by start, paged, filterable by calendar', async () => {
    const work = (await call('POST', '/v1/calendar/collections/', { token: c.t.session, body: { inbox_id: c.t.inboxId, name: 'Work' } })).body.id;
    const b = await c.ev({ title: 'B', start: '2024-06-02T10:00:00Z', duration: 'PT1H' });
    const a = await c.ev({ title: 'A', start: '2024-06-01T10:00:00Z', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=DAILY'] });
    const w = await c.ev({ title: 'W', start: '2024-06-03T10:00:00Z', duration: 'PT1H', calendar_id: work });
    const all = await call('GET', `/v1/calendar/events/?${q(c.t)}`, { token: c.t.session });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, position: 0, limit: 50 });
    expect(all.body.results.map((e: any) => e.event_id)).toEqual([a.event_id, b.event_id, w.event_id]);
    expect(all.body.results[0].recurring_event_id).toBeUndefined();
    const desc = await call('GET', `/v1/calendar/events/?${q(c.t)}&sort=desc&limit=2&offset=1`, { token: c.t.session });
    expect(desc.body).toMatchObject({ total: 3, position: 1, limit: 2 });
    expect(desc.body.results.map((e: any) => e.event_id)).toEqual([b.event_id, a.event_id]);
    const past = await call('GET', `/v1/calendar/events/?${q(c.t)}&position=5`, { token: c.t.session });
    expect(past.body).toMatchObject({ results: [], total: 3, position: 5 });
    const onlyWork = await call('GET', `/v1/calendar/events/?${q(c.t)}&calendar_id=${work}`, { token: c.t.session });
    expect(onlyWork.body.results.map((e: any) => e.event_id)).toEqual([w.event_id]);
  });
});

describe('participants, labels and cancellation', () => {
  let c: Cal;
  beforeAll(async () => { c = await calendarTenant(); });

  it('matches each participant to the inbox contact with that email, case-insensitively', async () => {
    const contact = await call('POST', '/v1/contacts/', { token: c.t.session, body: { inbox_id: c.t.inboxId, full_name: 'Alice Smith', emails: [{ label: 'work', address: 'Alice.Smith@Example.com' }] } });
    expect(contact.status).toBe(201);
    const other = await newTenant();
    await call('POST', '/v1/contacts/', { token: other.session, body: { inbox_id: other.inboxId, full_name: 'Carol', emails: [{ label: null, address: 'carol@example.com' }] } });
    const e = await c.ev({
      title: 'Meet', start: '2024-06-03T09:00:00Z', duration: 'PT1H',
      participants: [{ name: 'Alice', email: 'alice.smith@EXAMPLE.com', role: 'required' }, { name: 'Carol', email: 'carol@example.com' }, { name: 'Dan' }],
    });
    expect(e.participants).toEqual([
      { name: 'Alice', email: 'alice.smith@example.com', role: 'required', contact_id: contact.body.id },
      { name: 'Carol', email: 'carol@example.com', role: null, contact_id: null }, // another inbox's contact
      { name: 'Dan', email: null, role: null, contact_id: null },
    ]);
    // Computed on read: a contact created later is found.
    const carol = await call('POST', '/v1/contacts/', { token: c.t.session, body: { inbox_id: c.t.inboxId, full_name: 'Carol', emails: [{ label: null, address: 'carol@example.com' }] } });
    const got = await call('GET', `/v1/calendar/events/${e.event_id}/?${q(c.t)}`, { token: c.t.session });
    expect(got.body.participants[1].contact_id).toBe(carol.body.id);
  });

  it('attaches and detaches labels of type calendar or any; refuses contact labels', async () => {
    const e = await c.ev({ title: 'Labelled', start: '2024-06-03T09:00:00Z', duration: 'PT1H' });
    const mk = async (name: string, label_type: string) => (await call('POST', '/v1/context/', { token: c.t.session, body: { inbox_id: c.t.inboxId, name, label_type } })).body.label_id;
    const cal = await mk('Board', 'calendar');
    const any = await mk('Anything', 'any');
    const people = await mk('People', 'contact');
    const add = (label_id: string, id = e.event_id) => call('POST', `/v1/calendar/events/${id}/labels/`, { token: c.t.session, body: { inbox_id: c.t.inboxId, label_id } });
    expect((await add(cal)).status).toBe(204);
    expect((await add(any)).status).toBe(204);
    expect((await add(cal)).status).toBe(204); // twice adds nothing
    const bad = await add(people);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('label_id');
    expect((await add('lbl_unknown')).status).toBe(404);
    const got = await call('GET', `/v1/calendar/events/${e.event_id}/?${q(c.t)}`, { token: c.t.session });
    expect(got.body.label_ids).toEqual([cal, any]);
    const off = await call('DELETE', `/v1/calendar/events/${e.event_id}/labels/${cal}/?${q(c.t)}`, { token: c.t.session });
    expect(off.status).toBe(204);
    expect((await call('GET', `/v1/calendar/events/${e.event_id}/?${q(c.t)}`, { token: c.t.session })).body.label_ids).toEqual([any]);
    const list = await call('GET', `/v1/calendar/events/?${q(c.t)}`, { token: c.t.session });
    expect(list.body.results.find((x: any) => x.event_id === e.event_id).label_ids).toEqual([any]);
  });

  it('cancelling or deleting an event emits event.cancelled at once', async () => {
    const alert = await call('POST', '/v1/alerts/', { token: c.t.session, body: { inbox_id: c.t.inboxId, events: ['event.cancelled'], delivery: { type: 'task', target: 'Cancelled: {title}' } } });
    expect(alert.status).toBe(201);
    const fired = () => rowsOf(sql`SELECT type, payload FROM deliveries WHERE alert_id = ${alert.body.id} ORDER BY created_at, id`);
    const e = await c.ev({ title: 'Party', start: '2024-06-08T18:00:00Z', duration: 'PT3H' });
    expect(await fired()).toHaveLength(0);
    const r = await call('PATCH', `/v1/calendar/events/${e.event_id}/`, { token: c.t.session, body: { inbox_id: c.t.inboxId, status: 'cancelled' } });
    expect(r.body.status).toBe('cancelled');
    let rows = await fired();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'event.cancelled', payload: expect.objectContaining({ event_id: e.event_id, title: 'Party', status: 'cancelled' }) });
    // Already cancelled: another PATCH does not fire again.
    await call('PATCH', `/v1/calendar/events/${e.event_id}/`, { token: c.t.session, body: { inbox_id: c.t.inboxId, status: 'cancelled', title: 'Party!' } });
    expect(await fired()).toHaveLength(1);

    const g = await c.ev({ title: 'Dinner', start: '2024-06-09T18:00:00Z', duration: 'PT2H' });
    expect((await call('DELETE', `/v1/calendar/events/${g.event_id}/?${q(c.t)}`, { token: c.t.session })).status).toBe(204);
    rows = await fired();
    expect(rows).toHaveLength(2);
    expect(rows[1]!.payload).toMatchObject({ event_id: g.event_id, title: 'Dinner' });
  });
});

describe('tenant isolation: another inbox\'s ids are 404 on every route', () => {
  it('404s', async () => {
    const a = await calendarTenant();
    const b = await calendarTenant();
    const e = await a.ev({ title: 'Secret', start: '2024-06-03T09:00:00Z', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=3'] });
    const occ = `${e.event_id}_20240604T090000Z`;
    const label = (await call('POST', '/v1/context/', { token: a.t.session, body: { inbox_id: a.t.inboxId, name: 'L', label_type: 'any' } })).body.label_id;
    const bLabel = (await call('POST', '/v1/context/', { token: b.t.session, body: { inbox_id: b.t.inboxId, name: 'L', label_type: 'any' } })).body.label_id;
    const work = (await call('POST', '/v1/calendar/collections/', { token: a.t.session, body: { inbox_id: a.t.inboxId, name: 'Work' } })).body.id;
    const bAgent = await b.t.agent(['calendar:read', 'calendar:write', 'calendar:delete']);
    const qb = q(b.t);
    const checks: Array<[string, string, Record<string, unknown>?]> = [
      ['GET', `/v1/calendar/events/${e.event_id}/?${qb}`],
      ['GET', `/v1/calendar/events/${occ}/?${qb}`],
      ['PATCH', `/v1/calendar/events/${e.event_id}/`, { title: 'x' }],
      ['PATCH', `/v1/calendar/events/${occ}/`, { title: 'x' }],
      ['DELETE', `/v1/calendar/events/${e.event_id}/?${qb}`],
      ['DELETE', `/v1/calendar/events/${occ}/?${qb}`],
      ['POST', `/v1/calendar/events/${e.event_id}/labels/`, { label_id: bLabel }],
      ['POST', `/v1/calendar/events/${e.event_id}/labels/`, { label_id: label }],
      ['DELETE', `/v1/calendar/events/${e.event_id}/labels/${bLabel}/?${qb}`],
      ['POST', '/v1/calendar/events/', { calendar_id: a.personal, title: 'x', start: '2024-06-03T09:00:00Z', duration: 'PT1H' }],
      ['GET', `/v1/calendar/events/?${qb}&calendar_id=${a.personal}`],
      ['GET', `/v1/calendar/collections/${work}/?${qb}`],
      ['PATCH', `/v1/calendar/collections/${work}/`, { name: 'x' }],
      ['DELETE', `/v1/calendar/collections/${work}/?${qb}`],
      ['DELETE', `/v1/calendar/collections/${a.personal}/?${qb}`],
    ];
    for (const [method, path, body] of checks) {
      const viaSession = await call(method, path, { token: b.t.session, body: body && { inbox_id: b.t.inboxId, ...body } });
      expect(viaSession.status, `${method} ${path}`).toBe(404);
      const viaAgent = await call(method, path.replace(`?${qb}`, ''), { token: bAgent, body });
      expect(viaAgent.status, `agent ${method} ${path}`).toBe(404);
    }
    // Naming A's inbox from B's session is 404 too; nothing of A's changed.
    expect((await call('GET', `/v1/calendar/events/${e.event_id}/?${q(a.t)}`, { token: b.t.session })).status).toBe(404);
    const still = await call('GET', `/v1/calendar/events/${e.event_id}/?${q(a.t)}`, { token: a.t.session });
    expect(still.body).toEqual(e);
    expect((await call('GET', `/v1/calendar/collections/?${q(a.t)}`, { token: a.t.session })).body).toHaveLength(3);
  });
});

describe('OpenAPI', () => {
  it('documents every calendar route', async () => {
    const doc = await call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    const paths = doc.body.paths;
    expect(Object.keys(paths['/v1/calendar/collections/'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(paths['/v1/calendar/collections/{id}/'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    expect(Object.keys(paths['/v1/calendar/events/'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(paths['/v1/calendar/events/{event_id}/'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    expect(Object.keys(paths['/v1/calendar/events/{event_id}/labels/'])).toEqual(['post']);
    expect(Object.keys(paths['/v1/calendar/events/{event_id}/labels/{label_id}/'])).toEqual(['delete']);
    expect(paths['/v1/calendar/events/'].post.requestBody.required).toBe(true);
  });
});
