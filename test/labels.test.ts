import { describe, it, expect, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, expectProblem, newTenant, rowsOf, withDb, type Tenant } from './helpers';
import { labelIdsOf } from '../src/labels/service';
import type { Inbox } from '../src/http/context';

let eventSeq = 0;
/** An event row written straight into the table the calendar owns (titles are read from it). */
async function insertEvent(t: Tenant, title: string): Promise<string> {
  const id = `evt_test${Date.now().toString(36)}${(eventSeq++).toString(36)}`;
  await withDb(async (db) => {
    await db.execute(sql`
      INSERT INTO events (id, inbox_id, calendar_id, title, time_zone, start_local, start_at, duration, duration_seconds, armed_at, created_at, updated_at)
      SELECT ${id}, ${t.inboxId}, c.id, ${title}, 'UTC', '2030-01-01T10:00:00', '2030-01-01T10:00:00Z', 'PT1H', 3600, now(), now(), now()
      FROM calendars c WHERE c.inbox_id = ${t.inboxId} AND c.is_default`);
  });
  return id;
}

const asInbox = (t: Tenant) => ({ id: t.inboxId }) as Inbox;

describe('context labels: CRUD', () => {
  let t: Tenant;
  beforeAll(async () => { t = await newTenant(); });
  const post = (body: Record<string, unknown>) => call('POST', '/v1/context/', { token: t.session, body: { inbox_id: t.inboxId, ...body } });

  it('creates a label', async () => {
    const r = await post({ name: 'Investors', label_type: 'contact', color: '#1e90ff' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ label_id: expect.stringMatching(/^lbl_/), name: 'Investors', label_type: 'contact', color: '#1e90ff', created_at: expect.stringMatching(/Z$/) });
    const got = await call('GET', `/v1/context/${r.body.label_id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ ...r.body, entities: { results: [], total: 0, position: 0, limit: 50 } });
    expect((await post({ name: 'No colour', label_type: 'any' })).body.color).toBeNull();
  });

  it('validates name, label_type and color', async () => {
    for (const [body, path] of [
      [{ name: '', label_type: 'contact' }, 'name'],
      [{ name: 'x'.repeat(101), label_type: 'contact' }, 'name'],
      [{ label_type: 'contact' }, 'name'],
      [{ name: 'A', label_type: 'people' }, 'label_type'],
      [{ name: 'A' }, 'label_type'],
      [{ name: 'A', label_type: 'any', color: 'not a colour!' }, 'color'],
      [{ name: 'A', label_type: 'any', color: '#12345' }, 'color'],
      [{ name: 'A\u0000', label_type: 'any' }, 'name'],
    ] as const) {
      const r = await post(body as Record<string, unknown>);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    for (const label_type of ['contact', 'calendar', 'message', 'any']) expect((await post({ name: `T ${label_type}`, label_type })).status).toBe(201);
    expect((await post({ name: 'Teal', label_type: 'any', color: 'teal' })).status).toBe(201);
  });

  it('lists labels in the paged envelope, filterable by label_type', async () => {
    const u = await newTenant();
    for (const [name, label_type] of [['Charlie', 'contact'], ['Alpha', 'calendar'], ['Bravo', 'any']] as const) {
      await call('POST', '/v1/context/', { token: u.session, body: { inbox_id: u.inboxId, name, label_type } });
    }
    const all = await call('GET', `/v1/context/?inbox_id=${u.inboxId}`, { token: u.session });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, position: 0, limit: 50 });
    expect(all.body.results.map((l: { name: string }) => l.name)).toEqual(['Alpha', 'Bravo', 'Charlie']);
    const page = await call('GET', `/v1/context/?inbox_id=${u.inboxId}&offset=1&limit=1`, { token: u.session });
    expect(page.body).toMatchObject({ total: 3, position: 1, limit: 1 });
    expect(page.body.results.map((l: { name: string }) => l.name)).toEqual(['Bravo']);
    const past = await call('GET', `/v1/context/?inbox_id=${u.inboxId}&offset=10`, { token: u.session });
    expect(past.body).toMatchObject({ results: [], total: 3, position: 10 });
    const typed = await call('GET', `/v1/context/?inbox_id=${u.inboxId}&label_type=calendar`, { token: u.session });
    expect(typed.body.results.map((l: { name: string }) => l.name)).toEqual(['Alpha']);
    expect((await call('GET', `/v1/context/?inbox_id=${u.inboxId}&limit=0`, { token: u.session })).status).toBe(400);
    expect((await call('GET', `/v1/context/?inbox_id=${u.inboxId}&limit=201`, { token: u.session })).status).toBe(400);
    expect((await call('GET', `/v1/context/?inbox_id=${u.inboxId}&label_type=nope`, { token: u.session })).status).toBe(400);
  });

  it('PATCH renames, recolours, clears the colour', async () => {
    const l = (await post({ name: 'Old', label_type: 'contact', color: 'red' })).body;
    const r = await call('PATCH', `/v1/context/${l.label_id}/`, { token: t.session, body: { inbox_id: t.inboxId, name: 'New', color: '#abc' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...l, name: 'New', color: '#abc' });
    const cleared = await call('PATCH', `/v1/context/${l.label_id}/`, { token: t.session, body: { inbox_id: t.inboxId, color: null } });
    expect(cleared.body.color).toBeNull();
    const bad = await call('PATCH', `/v1/context/${l.label_id}/`, { token: t.session, body: { inbox_id: t.inboxId, label_type: 'nope' } });
    expect(bad.status).toBe(400);
    const got = await call('GET', `/v1/context/${l.label_id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(got.body).toMatchObject({ name: 'New', color: null, label_type: 'contact' });
  });

  it('DELETE removes the label and its associations', async () => {
    const l = (await post({ name: 'Temp', label_type: 'contact' })).body;
    const c = (await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: 'Tess Temp' } })).body;
    await call('POST', `/v1/context/${l.label_id}/entities/`, { token: t.session, body: { inbox_id: t.inboxId, entity_type: 'contact', entity_id: c.id } });
    expect(await rowsOf(sql`SELECT 1 FROM label_entities WHERE label_id = ${l.label_id}`)).toHaveLength(1);
    expect((await call('DELETE', `/v1/context/${l.label_id}/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(204);
    expect((await call('GET', `/v1/context/${l.label_id}/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(404);
    expect(await rowsOf(sql`SELECT 1 FROM label_entities WHERE label_id = ${l.label_id}`)).toEqual([]);
    expect((await call('GET', `/v1/contacts/${c.id}/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(200);
    expect((await call('DELETE', `/v1/context/${l.label_id}/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(404);
  });
});

describe('context labels: associations', () => {
  let t: Tenant;
  let contactLabel: string;
  let calendarLabel: string;
  let anyLabel: string;
  let messageLabel: string;
  let contactId: string;
  let eventId: string;
  beforeAll(async () => {
    t = await newTenant();
    const mk = async (name: string, label_type: string) =>
      (await call('POST', '/v1/context/', { token: t.session, body: { inbox_id: t.inboxId, name, label_type } })).body.label_id as string;
    contactLabel = await mk('People', 'contact');
    calendarLabel = await mk('Meetings', 'calendar');
    anyLabel = await mk('Project X', 'any');
    messageLabel = await mk('Threads', 'message');
    contactId = (await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: 'Ada Lovelace' } })).body.id;
    eventId = await insertEvent(t, 'Board meeting');
  });
  const link = (labelId: string, entity_type: string, entity_id: string) =>
    call('POST', `/v1/context/${labelId}/entities/`, { token: t.session, body: { inbox_id: t.inboxId, entity_type, entity_id } });
  const unlink = (labelId: string, entity_type: string, entity_id: string) =>
    call('DELETE', `/v1/context/${labelId}/entities/${entity_type}/${entity_id}/?inbox_id=${t.inboxId}`, { token: t.session });
  const entities = async (labelId: string, qs = '') =>
    (await call('GET', `/v1/context/${labelId}/?inbox_id=${t.inboxId}${qs}`, { token: t.session })).body.entities;

  it('a contact label holds contacts, with the contact\'s name as title; twice adds nothing', async () => {
    expect((await link(contactLabel, 'contact', contactId)).status).toBe(204);
    expect((await link(contactLabel, 'contact', contactId)).status).toBe(204);
    expect(await entities(contactLabel)).toEqual({
      results: [{ entity_type: 'contact', entity_id: contactId, title: 'Ada Lovelace' }], total: 1, position: 0, limit: 50,
    });
    expect(await rowsOf(sql`SELECT 1 FROM label_entities WHERE label_id = ${contactLabel}`)).toHaveLength(1);
  });

  it('a calendar label holds events, titled from the events table', async () => {
    expect((await link(calendarLabel, 'event', eventId)).status).toBe(204);
    expect((await entities(calendarLabel)).results).toEqual([{ entity_type: 'event', entity_id: eventId, title: 'Board meeting' }]);
  });

  it('an any label holds both', async () => {
    expect((await link(anyLabel, 'contact', contactId)).status).toBe(204);
    expect((await link(anyLabel, 'event', eventId)).status).toBe(204);
    const e = await entities(anyLabel);
    expect(e.total).toBe(2);
    expect(e.results.map((x: { title: string }) => x.title).sort()).toEqual(['Ada Lovelace', 'Board meeting']);
  });

  it('the label type rules: contact needs contact|any, event needs calendar|any; else 400', async () => {
    for (const [label, type, id] of [
      [calendarLabel, 'contact', () => contactId],
      [contactLabel, 'event', () => eventId],
      [messageLabel, 'contact', () => contactId],
      [messageLabel, 'event', () => eventId],
    ] as const) {
      const r = await link(label, type, id());
      expect(r.status).toBe(400);
      expect(r.body.errors[0].path).toBe('entity_type');
    }
    expect(await rowsOf(sql`SELECT 1 FROM label_entities WHERE label_id = ${messageLabel}`)).toEqual([]);
    expect((await link(contactLabel, 'task', contactId)).status).toBe(400);
    expect((await call('POST', `/v1/context/${contactLabel}/entities/`, { token: t.session, body: { inbox_id: t.inboxId, entity_type: 'contact' } })).status).toBe(400);
  });

  it('unknown entity or label is 404', async () => {
    const associations = () => rowsOf(sql`
      SELECT label_id, entity_type, entity_id FROM label_entities WHERE inbox_id = ${t.inboxId} ORDER BY label_id, entity_type, entity_id`);
    const before = await associations();
    expectProblem(await link(contactLabel, 'contact', 'ctc_nobody'), 404, 'not_found');
    expectProblem(await link(calendarLabel, 'event', 'evt_nothing'), 404, 'not_found');
    expectProblem(await link('lbl_nothing', 'contact', contactId), 404, 'not_found');
    expectProblem(await unlink('lbl_nothing', 'contact', contactId), 404, 'not_found');
    expectProblem(await unlink(contactLabel, 'contact', 'ctc_nobody'), 404, 'not_found');
    expect(await associations()).toEqual(before);
  });

  it('an event occurrence id labels its series', async () => {
    // A real weekly series (through the API), so 2030-01-08 10:00Z is one of its occurrences.
    const personal = (await call('GET', `/v1/calendar/collections/?inbox_id=${t.inboxId}`, { token: t.session })).body.find((c: any) => c.isDefault).id;
    const created = await call('POST', '/v1/calendar/events/', { token: t.session, body: {
      inbox_id: t.inboxId, calendar_id: personal, title: 'Weekly sync', start: '2030-01-01T10:00:00Z', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=WEEKLY'],
    } });
    expect(created.status).toBe(201);
    const series = created.body.event_id as string;
    expect((await link(calendarLabel, 'event', `${series}_20300108T100000Z`)).status).toBe(204);
    expect((await entities(calendarLabel)).results.map((e: { entity_id: string }) => e.entity_id)).toContain(series);
    expect((await unlink(calendarLabel, 'event', `${series}_20300108T100000Z`)).status).toBe(204);
    expect((await entities(calendarLabel)).results.map((e: { entity_id: string }) => e.entity_id)).not.toContain(series);
  });

  it('dissociates; removing an absent association is still 204', async () => {
    const c2 = (await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: 'Grace Hopper' } })).body.id;
    await link(contactLabel, 'contact', c2);
    expect((await entities(contactLabel)).total).toBe(2);
    expect((await unlink(contactLabel, 'contact', c2)).status).toBe(204);
    expect((await entities(contactLabel)).results.map((e: { entity_id: string }) => e.entity_id)).toEqual([contactId]);
    expect((await unlink(contactLabel, 'contact', c2)).status).toBe(204);
    expect((await unlink(contactLabel, 'thing', c2)).status).toBe(404);
  });

  it('pages the entities', async () => {
    const l = (await call('POST', '/v1/context/', { token: t.session, body: { inbox_id: t.inboxId, name: 'Paged', label_type: 'any' } })).body.label_id;
    const ids: string[] = [];
    for (const [i, name] of ['One', 'Two', 'Three'].entries()) {
      const id = (await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: name } })).body.id;
      ids.push(id);
      // Distinct association times keep the order (oldest first) observable.
      await call('POST', `/v1/context/${l}/entities/`, { token: t.session, now: new Date(Date.now() + i * 1000), body: { inbox_id: t.inboxId, entity_type: 'contact', entity_id: id } });
    }
    const p1 = await entities(l, '&limit=2');
    expect(p1).toMatchObject({ total: 3, position: 0, limit: 2 });
    expect(p1.results.map((e: { title: string }) => e.title)).toEqual(['One', 'Two']);
    const p2 = await entities(l, '&limit=2&offset=2');
    expect(p2).toMatchObject({ total: 3, position: 2, limit: 2 });
    expect(p2.results.map((e: { title: string }) => e.title)).toEqual(['Three']);
    expect(await entities(l, '&offset=9')).toEqual({ results: [], total: 3, position: 9, limit: 50 });
    expect((await call('GET', `/v1/context/${l}/?inbox_id=${t.inboxId}&limit=0`, { token: t.session })).status).toBe(400);
    expect((await call('GET', `/v1/context/${l}/?inbox_id=${t.inboxId}&limit=201`, { token: t.session })).status).toBe(400);

    // Deleting a contact removes its associations.
    expect((await call('DELETE', `/v1/contacts/${ids[1]}/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(204);
    expect(await rowsOf(sql`SELECT 1 FROM label_entities WHERE entity_id = ${ids[1]!}`)).toEqual([]);
    expect((await entities(l)).results.map((e: { title: string }) => e.title)).toEqual(['One', 'Three']);
  });

  it('a label_type change that would strand entities is a 409; a compatible one is fine', async () => {
    const l = (await call('POST', '/v1/context/', { token: t.session, body: { inbox_id: t.inboxId, name: 'Mixed', label_type: 'any' } })).body.label_id;
    await link(l, 'contact', contactId);
    const r = await call('PATCH', `/v1/context/${l}/`, { token: t.session, body: { inbox_id: t.inboxId, label_type: 'calendar' } });
    expect(r.status).toBe(409);
    expect((await call('PATCH', `/v1/context/${l}/`, { token: t.session, body: { inbox_id: t.inboxId, label_type: 'message' } })).status).toBe(409);
    const ok = await call('PATCH', `/v1/context/${l}/`, { token: t.session, body: { inbox_id: t.inboxId, label_type: 'contact' } });
    expect(ok.status).toBe(200);
    expect(ok.body.label_type).toBe('contact');
  });

  it('labelIdsOf maps entities to their labels (for the calendar)', async () => {
    const map = await withDb((db) => labelIdsOf(db, asInbox(t), 'event', [eventId, 'evt_unlabelled']));
    expect([...map.keys()]).toEqual([eventId]);
    expect(map.get(eventId)!.sort()).toEqual([anyLabel, calendarLabel].sort());
    const contacts = await withDb((db) => labelIdsOf(db, asInbox(t), 'contact', [contactId]));
    expect(contacts.get(contactId)).toContain(contactLabel);
    expect((await withDb((db) => labelIdsOf(db, asInbox(t), 'contact', []))).size).toBe(0);
  });
});

describe('context labels: scopes and tenant isolation', () => {
  let a: Tenant;
  let b: Tenant;
  let label: string;
  let contactA: string;
  beforeAll(async () => {
    a = await newTenant('A');
    b = await newTenant('B');
    label = (await call('POST', '/v1/context/', { token: a.session, body: { inbox_id: a.inboxId, name: 'Secret', label_type: 'any' } })).body.label_id;
    contactA = (await call('POST', '/v1/contacts/', { token: a.session, body: { inbox_id: a.inboxId, full_name: 'Private Person' } })).body.id;
    await call('POST', `/v1/context/${label}/entities/`, { token: a.session, body: { inbox_id: a.inboxId, entity_type: 'contact', entity_id: contactA } });
  });
  const intact = async () => {
    const r = await call('GET', `/v1/context/${label}/?inbox_id=${a.inboxId}`, { token: a.session });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'Secret', entities: { total: 1 } });
  };

  const everyRoute = async (token: string, inboxOf: (method: string) => Record<string, unknown>, qs: string) => {
    const own = (await call('POST', '/v1/context/', { token, body: { ...inboxOf('POST'), name: 'Mine', label_type: 'any' } })).body.label_id;
    expect(own).toMatch(/^lbl_/);
    const statuses = [
      (await call('GET', `/v1/context/${label}/${qs}`, { token })).status,
      (await call('PATCH', `/v1/context/${label}/`, { token, body: { ...inboxOf('PATCH'), name: 'Pwned' } })).status,
      (await call('POST', `/v1/context/${label}/entities/`, { token, body: { ...inboxOf('POST'), entity_type: 'contact', entity_id: contactA } })).status,
      (await call('DELETE', `/v1/context/${label}/entities/contact/${contactA}/${qs}`, { token })).status,
      (await call('DELETE', `/v1/context/${label}/${qs}`, { token })).status,
      // Its own label with the other tenant's contact.
      (await call('POST', `/v1/context/${own}/entities/`, { token, body: { ...inboxOf('POST'), entity_type: 'contact', entity_id: contactA } })).status,
      (await call('DELETE', `/v1/context/${own}/entities/contact/${contactA}/${qs}`, { token })).status,
    ];
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 404]);
    const list = await call('GET', `/v1/context/${qs}`, { token });
    expect(list.body.results.map((l: { label_id: string }) => l.label_id)).not.toContain(label);
  };

  it('another tenant\'s label and contact are 404 on every route (session naming its own inbox)', async () => {
    await everyRoute(b.session, () => ({ inbox_id: b.inboxId }), `?inbox_id=${b.inboxId}`);
    await intact();
  });

  it('… and for its agent token', async () => {
    const agent = await b.agent(['context:read', 'context:write']);
    await everyRoute(agent, () => ({}), '');
    await intact();
  });

  it('each route needs its scope', async () => {
    const reader = await a.agent(['context:read']);
    const r = await call('POST', '/v1/context/', { token: reader, body: { name: 'X', label_type: 'any' } });
    expect(r.status).toBe(403);
    expect(r.body.required_scope).toBe('context:write');
    expect((await call('POST', `/v1/context/${label}/entities/`, { token: reader, body: { entity_type: 'contact', entity_id: contactA } })).status).toBe(403);
    expect((await call('DELETE', `/v1/context/${label}/`, { token: reader })).status).toBe(403);
    const writer = await a.agent(['context:write']);
    expect((await call('GET', '/v1/context/', { token: writer })).body.required_scope).toBe('context:read');
    expect((await call('GET', `/v1/context/${label}/`, { token: reader })).status).toBe(200);
    await intact();
  });

  it('a held label delete runs on approval', async () => {
    const agent = await a.agent(['context:read', 'context:write'], ['context:write']);
    const l = (await call('POST', '/v1/context/', { token: a.session, body: { inbox_id: a.inboxId, name: 'Doomed', label_type: 'any' } })).body.label_id;
    const held = await call('DELETE', `/v1/context/${l}/`, { token: agent });
    expect(held.status).toBe(202);
    expect(held.body).toEqual({ queued: true, approval_id: expect.stringMatching(/^apr_/) });
    const waiting = await call('GET', `/v1/context/${l}/`, { token: agent });
    expect(waiting.status).toBe(200);
    expect(waiting.body).toMatchObject({ label_id: l, name: 'Doomed' });
    expect((await call('POST', `/v1/approvals/${held.body.approval_id}/approve/?inbox_id=${a.inboxId}`, { token: a.session })).status).toBe(204);
    expectProblem(await call('GET', `/v1/context/${l}/`, { token: agent }), 404, 'not_found');
    expect(await rowsOf(sql`SELECT 1 FROM labels WHERE id = ${l}`)).toEqual([]);
    const ap = await call('GET', `/v1/approvals/${held.body.approval_id}/?inbox_id=${a.inboxId}`, { token: a.session });
    expect(ap.body).toMatchObject({ status: 'approved', action_type: 'context:write', result_status: 204 });
  });
});
