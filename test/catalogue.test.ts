import { describe, it, expect, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { dataSchemaOf } from '../src/alerts/payload';
import { call, newTenant, withDb, type Tenant } from './helpers';

// docs/alerts.md: the public event catalogue is two envelopes, not bare arrays.

const BASE_TYPES = ['contact.any', 'contact.{type}', 'event.created', 'event.updated', 'event.cancelled'];
const NEW_TYPES = ['message.received', 'message.sent', 'work_route.completed', 'contact.share_received'];
const EVENT_KEYS = ['type', 'category', 'description', 'config', 'offset_units'];

type EventEntry = { type: string; category: string; description: string; config: string[]; offset_units: string[]; [k: string]: unknown };

/** What both envelopes share: the event list and the categories that index it. */
function checkEvents(events: EventEntry[], categories: Record<string, string[]>, label: string) {
  expect(Array.isArray(events), label).toBe(true);
  const types = events.map((e) => e.type);
  expect(types, label).toEqual(expect.arrayContaining([...BASE_TYPES, ...NEW_TYPES]));
  expect(new Set(types).size, `${label}: no duplicates`).toBe(types.length);
  for (const e of events) {
    for (const k of EVENT_KEYS) expect(e, `${label} ${e.type}`).toHaveProperty(k);
    expect(typeof e.description === 'string' && e.description.length > 10, `${label} ${e.type} description`).toBe(true);
    expect(Array.isArray(e.config) && e.config.every((x) => typeof x === 'string'), `${label} ${e.type} config`).toBe(true);
    expect(Array.isArray(e.offset_units), `${label} ${e.type} offset_units`).toBe(true);
    // An offset is configurable exactly when it has units.
    expect(e.config.includes('offset'), `${label} ${e.type}`).toBe(e.offset_units.length > 0);
    // Each event sits in its category's list, once.
    expect(categories[e.category], `${label} ${e.type} in categories.${e.category}`).toContain(e.type);
  }
  // The categories list every type exactly once, and nothing else.
  expect(Object.values(categories).flat().sort(), label).toEqual([...types].sort());
  expect(Object.keys(categories).sort(), label).toEqual([...new Set(events.map((e) => e.category))].sort());
}

describe('GET /v1/events/types/ (no token)', () => {
  it.each(['/v1/events/types/', '/v1/events/types'])('%s → { resource: "event_types", events, categories, counts }', async (path) => {
    const r = await call('GET', path);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(false);
    expect(Object.keys(r.body).sort()).toEqual(['categories', 'counts', 'events', 'resource']);
    expect(r.body.resource).toBe('event_types');
    checkEvents(r.body.events, r.body.categories, path);
    expect(r.body.counts).toEqual({ events: r.body.events.length, categories: Object.keys(r.body.categories).length });
  });

  // [type, category, offset configurable, units]
  const table: Array<[string, string, boolean, string[]]> = [
    ['contact.any', 'contact', true, ['minutes', 'hours', 'days']],
    ['contact.{type}', 'contact', true, ['minutes', 'hours', 'days']],
    ['contact.share_received', 'contact', false, []],
    ['event.created', 'calendar', true, ['minutes', 'hours', 'days']],
    ['event.updated', 'calendar', true, ['minutes', 'hours', 'days']],
    ['event.cancelled', 'calendar', false, []],
    ['message.received', 'message', false, []],
    ['message.sent', 'message', false, []],
    ['work_route.completed', 'work_route', false, []],
  ];
  it.each(table)('%s: category %s, offset %s', async (type, category, offset, units) => {
    const r = await call('GET', '/v1/events/types/');
    const e = r.body.events.find((x: EventEntry) => x.type === type);
    expect(e).toMatchObject({ type, category, offset_units: units });
    expect(e.config.includes('offset')).toBe(offset);
  });
});

describe('GET /v1/events/reference/ (no token)', () => {
  it.each(['/v1/events/reference/', '/v1/events/reference'])('%s → { version, resource: "events", payload, events, categories }', async (path) => {
    const r = await call('GET', path);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(false);
    expect(r.body).toMatchObject({ resource: 'events', payload: { subscribe_alert: { method: 'POST', path: '/v1/alerts/' } } });
    expect(typeof r.body.version).toBe('string');
    checkEvents(r.body.events, r.body.categories, path);
    const types = await call('GET', '/v1/events/types/');
    expect(r.body.categories).toEqual(types.body.categories);
    expect(r.body.events.map((e: EventEntry) => e.type)).toEqual(types.body.events.map((e: EventEntry) => e.type));
  });

  // Every call the payload names is a real route of the document, with that method.
  const calls: Array<[string, string, string]> = [
    ['subscribe_alert', 'POST', '/v1/alerts/'],
    ['list_alerts', 'GET', '/v1/alerts/'],
    ['get_alert', 'GET', '/v1/alerts/{alert_id}/'],
    ['update_alert', 'PATCH', '/v1/alerts/{alert_id}/'],
    ['delete_alert', 'DELETE', '/v1/alerts/{alert_id}/'],
    ['list_deliveries', 'GET', '/v1/alerts/{alert_id}/deliveries/'],
    ['redeliver', 'POST', '/v1/alerts/{alert_id}/deliveries/{delivery_id}/redeliver/'],
    ['test_alert', 'POST', '/v1/alerts/{alert_id}/test/'],
  ];
  it.each(calls)('payload.%s is %s %s, a documented route', async (name, method, path) => {
    const [ref, doc] = await Promise.all([call('GET', '/v1/events/reference/'), call('GET', '/openapi.json')]);
    expect(ref.body.payload[name]).toMatchObject({ method, path });
    expect(doc.body.paths[path]?.[method.toLowerCase()], `${method} ${path}`).toBeDefined();
  });
});

describe('the OpenAPI document declares the envelopes', () => {
  it.each([
    ['/v1/events/types/', 'EventTypes', ['resource', 'events', 'categories', 'counts']],
    ['/v1/events/reference/', 'EventReference', ['version', 'resource', 'payload', 'events', 'categories']],
  ])('%s answers %s', async (path, name, keys) => {
    const doc = (await call('GET', '/openapi.json')).body;
    const schema = doc.paths[path].get.responses['200'].content['application/json'].schema;
    expect(schema).toEqual({ $ref: `#/components/schemas/${name}` });
    const declared = doc.components.schemas[name];
    expect(declared.type).toBe('object');
    for (const k of keys) expect(declared.required, `${name}.${k}`).toContain(k);
    expect(doc.components.schemas.EventType.properties.category.enum).toEqual(expect.arrayContaining(['contact', 'calendar', 'message', 'work_route']));
  });
});

describe('alerts may subscribe to the newer event types', () => {
  let t: Tenant;
  let agent: string;
  beforeAll(async () => {
    t = await newTenant('Catalogue');
    agent = await t.agent(['alerts:read', 'alerts:write']);
  });

  // [events, delivery target template (task) — placeholders from the type's data fields]
  const table: Array<[string[], string]> = [
    [['message.received'], 'Reply to {subject} ({message_id})'],
    [['message.sent'], 'Follow up on {subject} sent {sent_at}'],
    [['work_route.completed'], '{title}: {completed_recipients}/{total_recipients} ({status})'],
    [['contact.share_received'], 'Decide on {contact_address} from {from_inbox_id} ({share_id})'],
    [['message.received', 'message.sent', 'work_route.completed', 'contact.share_received', 'event.cancelled'], '{type}'],
  ];
  it.each(table)('%j as a webhook and as a task alert', async (events, template) => {
    const hook = await call('POST', '/v1/alerts/', { token: agent, body: { events, delivery: { type: 'webhook', target: 'https://hooks.example.com/inbox' } } });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    expect(hook.body.events).toEqual(events);
    const task = await call('POST', '/v1/alerts/', { token: agent, body: { events, delivery: { type: 'task', target: template } } });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    const patched = await call('PATCH', `/v1/alerts/${hook.body.id}/`, { token: agent, body: { events: [...events].reverse() } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  });

  it.each([['message.deleted'], ['work_route.started'], ['message'], ['work_route.*'], ['contact.Share_Received'], ['event.*']])(
    '%s is still refused', async (type) => {
      const r = await call('POST', '/v1/alerts/', { token: agent, body: { events: [type], delivery: { type: 'webhook', target: 'https://hooks.example.com/inbox' } } });
      expect(r.status).toBe(400);
      expect(r.body.errors[0].path).toBe('events.0');
    },
  );
});

describe('catalogue and payloads share one definition', () => {
  it('each type\'s data_fields are its payload schema\'s keys, and its example satisfies that schema', async () => {
    const r = await call('GET', '/v1/events/types/');
    expect(r.status).toBe(200);
    for (const e of r.body.events as Array<{ type: string; data_fields: string[]; example: unknown }>) {
      const concrete = e.type === 'contact.{type}' ? 'contact.birthday' : e.type;
      const schema = dataSchemaOf(concrete);
      expect(schema, e.type).not.toBeNull();
      expect(e.data_fields, e.type).toEqual(Object.keys(schema!.shape));
      const parsed = schema!.safeParse(e.example);
      expect(parsed.success, `${e.type}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('a test firing of every subscribable type is a schema-valid sample marked test: true', async () => {
    const t = await newTenant();
    const agent = await t.agent(['alerts:read', 'alerts:write']);
    for (const [events, type] of [
      [['contact.any'], 'contact.birthday'], [['contact.nameday'], 'contact.nameday'], [['event.created'], 'event.created'],
      [['event.cancelled'], 'event.cancelled'], [['message.received'], 'message.received'], [['work_route.completed'], 'work_route.completed'],
      [['contact.share_received'], 'contact.share_received'],
    ] as const) {
      const offset = type === 'event.created' ? { value: 5, unit: 'minutes' } : undefined;
      const a = await call('POST', '/v1/alerts/', { token: agent, body: { events, offset, delivery: { type: 'task', target: '{type}' } } });
      expect(a.status, JSON.stringify(a.body)).toBe(201);
      const sent = await call('POST', `/v1/alerts/${a.body.id}/test/`, { token: agent });
      expect(sent.status).toBe(202);
      expect(sent.body.type).toBe(type);
      const row = await withDb(async (db) => (await db.execute(sql`SELECT payload FROM deliveries WHERE id = ${sent.body.id}`)).rows[0] as { payload: Record<string, unknown> });
      const { test, ...data } = row.payload;
      expect(test).toBe(true);
      expect(dataSchemaOf(type)!.parse(data)).toEqual(data);
      if (type === 'contact.nameday') expect(data.anniversary_type).toBe('nameday');
      if (type === 'event.created') expect(data.offset).toEqual({ value: 5, unit: 'minutes' });
    }
  });
});
