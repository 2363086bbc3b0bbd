import { describe, it, expect, beforeAll } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { call, hookKey, hookUrl, newTenant, received, rowsOf, withDb, type Tenant } from './helpers';
import { webhookTargetProblem, isPrivateHost } from '../src/alerts/targets';
import { sql } from 'drizzle-orm';

const webhookAlert = (target = 'https://hooks.example.com/inbox', extra: Record<string, unknown> = {}) => ({
  events: ['contact.birthday'], delivery: { type: 'webhook', target }, ...extra,
});

describe('event catalogue (public)', () => {
  it('lists the event types without a token, with and without the trailing slash', async () => {
    for (const path of ['/v1/events/types/', '/v1/events/types', '/v1/events/reference/']) {
      const r = await call('GET', path);
      expect(r.status, path).toBe(200);
      const list = r.body.events; // both answer envelopes (docs/alerts.md); see test/catalogue.test.ts
      expect(Array.isArray(list)).toBe(true);
      const types = list.map((t: { type: string }) => t.type);
      expect(types).toEqual(expect.arrayContaining(['contact.any', 'contact.{type}', 'event.created', 'event.updated', 'event.cancelled']));
      for (const t of list) {
        expect(t).toMatchObject({ type: expect.any(String), category: expect.any(String), description: expect.any(String) });
        expect(Array.isArray(t.config)).toBe(true);
        expect(Array.isArray(t.offset_units)).toBe(true);
      }
      const created = list.find((t: { type: string }) => t.type === 'event.created');
      expect(created.config).toContain('offset');
      expect(created.offset_units).toEqual(['minutes', 'hours', 'days']);
      expect(list.find((t: { type: string }) => t.type === 'event.cancelled').offset_units).toEqual([]);
    }
  });
});

describe('alerts CRUD', () => {
  let t: Tenant;
  let agent: string;
  beforeAll(async () => {
    t = await newTenant();
    agent = await t.agent(['alerts:read', 'alerts:write']);
  });

  it('creates a webhook alert with defaults and returns its secret once', async () => {
    const r = await call('POST', '/v1/alerts/', { token: agent, body: webhookAlert() });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      inbox_id: t.inboxId, events: ['contact.birthday'], offset: null, delivery: { type: 'webhook', target: 'https://hooks.example.com/inbox' },
      filter: null, retries: 3, backoff: 'exponential', enabled: true,
    });
    expect(r.body.id).toMatch(/^alr_/);
    expect(r.body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(r.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(atob(r.body.secret.slice(6)).length).toBeGreaterThanOrEqual(24);
    const etag = r.headers.get('etag');
    expect(etag).toBeTruthy();

    const one = await call('GET', `/v1/alerts/${r.body.id}/`, { token: agent });
    expect(one.status).toBe(200);
    expect(one.body.secret).toBeUndefined();
    expect(one.headers.get('etag')).toBe(etag);
    const { secret: _secret, ...withoutSecret } = r.body;
    expect(one.body).toEqual(withoutSecret);

    const list = await call('GET', '/v1/alerts/', { token: agent });
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    expect(list.body.map((a: { id: string }) => a.id)).toContain(r.body.id);
    expect(list.body.every((a: { secret?: string }) => a.secret === undefined)).toBe(true);
  });

  it('a session token names the inbox in the body or query', async () => {
    const missing = await call('POST', '/v1/alerts/', { token: t.session, body: webhookAlert() });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('inbox_id_required');
    const r = await call('POST', '/v1/alerts/', { token: t.session, body: { ...webhookAlert(), inbox_id: t.address } });
    expect(r.status).toBe(201);
    expect(r.body.inbox_id).toBe(t.inboxId);
    expect((await call('GET', `/v1/alerts/${r.body.id}/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(200);
  });

  it('accepts every documented setting', async () => {
    const r = await call('POST', '/v1/alerts/', {
      token: agent,
      body: {
        events: ['contact.any', 'contact.wedding_anniversary', 'event.created', 'event.updated', 'event.cancelled'],
        offset: { value: 30, unit: 'minutes' },
        delivery: { type: 'task', target: 'Call {contact_name}: {type} on {date}' },
        filter: { calendar_ids: ['cal_x'] }, retries: 0, backoff: 'immediate', enabled: false,
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ offset: { value: 30, unit: 'minutes' }, retries: 0, backoff: 'immediate', enabled: false, filter: { calendar_ids: ['cal_x'] } });
    expect(r.body.delivery).toEqual({ type: 'task', target: 'Call {contact_name}: {type} on {date}' });
    expect(r.body.secret).toBeUndefined(); // tasks are not signed
  });

  it('refuses invalid alerts with the field path, and stores nothing', async () => {
    const before = (await call('GET', '/v1/alerts/', { token: agent })).body.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...webhookAlert(), events: ['contact.Birthday!'] }, 'events.0'],
      [{ ...webhookAlert(), events: ['event.deleted'] }, 'events.0'],
      [{ ...webhookAlert(), events: [] }, 'events'],
      [{ ...webhookAlert(), offset: { value: 2, unit: 'weeks' } }, 'offset.unit'],
      [{ ...webhookAlert(), offset: { value: -1, unit: 'days' } }, 'offset.value'],
      [{ ...webhookAlert(), offset: { value: 1.5, unit: 'hours' } }, 'offset.value'],
      [{ ...webhookAlert(), offset: { value: 400, unit: 'days' } }, 'offset.value'],
      [{ ...webhookAlert(), retries: 11 }, 'retries'],
      [{ ...webhookAlert(), retries: -1 }, 'retries'],
      [{ ...webhookAlert(), backoff: 'linear' }, 'backoff'],
      [{ ...webhookAlert(), delivery: { type: 'email', target: 'x' } }, 'delivery.type'],
      [{ ...webhookAlert('not a url') }, 'delivery.target'],
      [{ ...webhookAlert('ftp://hooks.example.com/x') }, 'delivery.target'],
      [{ ...webhookAlert(), delivery: { type: 'task', target: 'Hello {nmae}' } }, 'delivery.target'],
      [{ ...webhookAlert(), filter: { tags: ['x'] } }, 'filter'],
      [{ events: ['contact.any'] }, 'delivery'],
    ];
    for (const [body, path] of cases) {
      const r = await call('POST', '/v1/alerts/', { token: agent, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe('validation_failed');
      expect(r.body.errors.map((e: { path: string }) => e.path), JSON.stringify(body)).toContain(path);
    }
    const badTemplate = await call('POST', '/v1/alerts/', { token: agent, body: { ...webhookAlert(), delivery: { type: 'task', target: 'Hello {nmae}' } } });
    expect(badTemplate.body.errors[0].message).toContain('{nmae}');
    const malformed = await call('POST', '/v1/alerts/', { token: agent, rawBody: '{"events": [', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect((await call('GET', '/v1/alerts/', { token: agent })).body.length).toBe(before);
  });

  it('PATCH changes fields, honours If-Match, and DELETE removes', async () => {
    const created = await call('POST', '/v1/alerts/', { token: agent, body: webhookAlert() });
    const id = created.body.id;
    const etag = created.headers.get('etag')!;

    const empty = await call('PATCH', `/v1/alerts/${id}/`, { token: agent, body: {} });
    expect(empty.status).toBe(400);

    const stale = await call('PATCH', `/v1/alerts/${id}/`, { token: agent, body: { enabled: false }, headers: { 'if-match': '"nope"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');
    expect((await call('GET', `/v1/alerts/${id}/`, { token: agent })).body.enabled).toBe(true);

    const r = await call('PATCH', `/v1/alerts/${id}/`, {
      token: agent, headers: { 'if-match': etag },
      body: { enabled: false, offset: { value: 1, unit: 'days' }, retries: 5, backoff: 'fixed', events: ['contact.any', 'event.created'] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ enabled: false, offset: { value: 1, unit: 'days' }, retries: 5, backoff: 'fixed', events: ['contact.any', 'event.created'] });
    expect(r.body.secret).toBeUndefined();
    const newTag = r.headers.get('etag')!;
    expect(newTag).not.toBe(etag);
    expect((await call('GET', `/v1/alerts/${id}/`, { token: agent })).headers.get('etag')).toBe(newTag);

    const cleared = await call('PATCH', `/v1/alerts/${id}/`, { token: agent, body: { offset: null } });
    expect(cleared.body.offset).toBeNull();
    const invalid = await call('PATCH', `/v1/alerts/${id}/`, { token: agent, body: { retries: 99 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].path).toBe('retries');

    expect((await call('DELETE', `/v1/alerts/${id}/`, { token: agent, headers: { 'if-match': etag } })).status).toBe(412);
    expect((await call('DELETE', `/v1/alerts/${id}/`, { token: agent })).status).toBe(204);
    expect((await call('GET', `/v1/alerts/${id}/`, { token: agent })).status).toBe(404);
    expect((await call('DELETE', `/v1/alerts/${id}/`, { token: agent })).status).toBe(404);
  });

  it('turning a task alert into a webhook returns a new secret once', async () => {
    const created = await call('POST', '/v1/alerts/', { token: agent, body: { events: ['event.cancelled'], delivery: { type: 'task', target: '{title} cancelled' } } });
    expect(created.body.secret).toBeUndefined();
    const r = await call('PATCH', `/v1/alerts/${created.body.id}/`, { token: agent, body: { delivery: { type: 'webhook', target: 'https://hooks.example.com/b' } } });
    expect(r.status).toBe(200);
    expect(r.body.secret).toMatch(/^whsec_/);
    const again = await call('PATCH', `/v1/alerts/${created.body.id}/`, { token: agent, body: { delivery: { type: 'webhook', target: 'https://hooks.example.com/c' } } });
    expect(again.body.secret).toBeUndefined(); // same webhook, same secret
    const stored = await withDb(async (db) => (await db.execute(sql`SELECT secret FROM alerts WHERE id = ${created.body.id}`)).rows[0] as { secret: string });
    expect(stored.secret).toBe(r.body.secret);
  });

  it('scopes: reading needs alerts:read, writing alerts:write', async () => {
    const reader = await t.agent(['alerts:read']);
    const none = await t.agent(['contacts:read']);
    expect((await call('POST', '/v1/alerts/', { token: reader, body: webhookAlert() })).body.code).toBe('insufficient_scope');
    expect((await call('GET', '/v1/alerts/', { token: none })).status).toBe(403);
    expect((await call('GET', '/v1/alerts/', { token: reader })).status).toBe(200);
    expect((await call('GET', '/v1/alerts/')).status).toBe(401);
  });

  it('an agent whose alerts:write needs approval is held (202)', async () => {
    const held = await t.agent(['alerts:read', 'alerts:write'], ['alerts:write']);
    const before = (await call('GET', '/v1/alerts/', { token: agent })).body.length;
    const r = await call('POST', '/v1/alerts/', { token: held, body: webhookAlert() });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ queued: true, approval_id: expect.stringMatching(/^apr_/) });
    expect((await call('GET', '/v1/alerts/', { token: agent })).body.length).toBe(before);
  });
});

describe('another tenant', () => {
  it('answers 404 for another tenant\'s alert and delivery on every route', async () => {
    const a = await newTenant();
    const b = await newTenant();
    const aAgent = await a.agent(['alerts:read', 'alerts:write']);
    const bAgent = await b.agent(['alerts:read', 'alerts:write']);
    const key = hookKey('alerts');
    const alert = (await call('POST', '/v1/alerts/', { token: aAgent, body: webhookAlert(hookUrl(key)) })).body;
    const test = await call('POST', `/v1/alerts/${alert.id}/test/`, { token: aAgent });
    expect(test.status).toBe(202);
    const dlv = test.body.id;
    const bAlert = (await call('POST', '/v1/alerts/', { token: bAgent, body: webhookAlert() })).body;

    const routes: Array<[string, string, unknown?]> = [
      ['GET', `/v1/alerts/${alert.id}/`],
      ['PATCH', `/v1/alerts/${alert.id}/`, { enabled: false }],
      ['DELETE', `/v1/alerts/${alert.id}/`],
      ['GET', `/v1/alerts/${alert.id}/deliveries/`],
      ['POST', `/v1/alerts/${alert.id}/deliveries/${dlv}/redeliver/`],
      ['POST', `/v1/alerts/${alert.id}/test/`],
      // B's own alert with A's delivery id
      ['POST', `/v1/alerts/${bAlert.id}/deliveries/${dlv}/redeliver/`],
    ];
    for (const [method, path, body] of routes) {
      expect((await call(method, path, { token: bAgent, body })).status, `${method} ${path}`).toBe(404);
      // B's session naming B's inbox gets the same answer; naming A's inbox is 404 too.
      const q = path.includes('?') ? '&' : '?';
      expect((await call(method, `${path}${method === 'GET' || method === 'DELETE' || !body ? `${q}inbox_id=${b.inboxId}` : ''}`, {
        token: b.session, body: body ? { ...(body as object), inbox_id: b.inboxId } : undefined,
      })).status, `session ${method} ${path}`).toBe(404);
    }
    expect((await call('GET', `/v1/alerts/${alert.id}/?inbox_id=${a.inboxId}`, { token: b.session })).status).toBe(404);
    // Nothing of A's changed.
    const still = await call('GET', `/v1/alerts/${alert.id}/`, { token: aAgent });
    expect(still.body.enabled).toBe(true);
    expect((await call('GET', '/v1/alerts/', { token: bAgent })).body.map((x: { id: string }) => x.id)).toEqual([bAlert.id]);
  });
});

describe('test firing and deliveries log', () => {
  it('POST /test/ delivers a signed sample through the real queue, logged as delivered', async () => {
    const t = await newTenant();
    const agent = await t.agent(['alerts:read', 'alerts:write']);
    const key = hookKey('alerts');
    const created = await call('POST', '/v1/alerts/', { token: agent, body: webhookAlert(hookUrl(key), { events: ['contact.any'] }) });
    expect(created.status).toBe(201);
    const r = await call('POST', `/v1/alerts/${created.body.id}/test/`, { token: agent });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ id: expect.stringMatching(/^dlv_/), firing_id: expect.any(String), type: 'contact.birthday', status: 'pending', attempts: 0 });

    const got = await received(key, 1);
    expect(got).toHaveLength(1);
    const payload = new Webhook(created.body.secret).verify(got[0]!.body, got[0]!.headers) as Record<string, any>;
    expect(payload).toMatchObject({ id: r.body.firing_id, type: 'contact.birthday', inbox_id: t.inboxId, alert_id: created.body.id });
    expect(payload.data.test).toBe(true);
    expect(got[0]!.headers['webhook-id']).toBe(r.body.firing_id);

    let log: any;
    for (let i = 0; i < 50; i++) {
      log = await call('GET', `/v1/alerts/${created.body.id}/deliveries/`, { token: agent });
      if (log.body.results[0]?.status === 'delivered') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(log.status).toBe(200);
    expect(log.body).toMatchObject({ total: 1, position: 0, limit: 50 });
    expect(log.body.results[0]).toMatchObject({
      id: r.body.id, firing_id: r.body.firing_id, type: 'contact.birthday', status: 'delivered', attempts: 1, last_status_code: 200, last_error: null,
    });
    expect(log.body.results[0].delivered_at).toMatch(/Z$/);

    const paged = await call('GET', `/v1/alerts/${created.body.id}/deliveries/?limit=0`, { token: agent });
    expect(paged.status).toBe(400);
  });
});

describe('webhook target guard (ALLOW_PRIVATE_WEBHOOKS off)', () => {
  it('refuses plain http and private, loopback and link-local hosts', () => {
    const refused = [
      'http://hooks.example.com/x',
      'https://localhost/x', 'https://LOCALHOST./x', 'https://api.localhost/x', 'https://printer.local/x', 'https://db.internal/x', 'https://intranet/x',
      'https://127.0.0.1/x', 'https://127.1.2.3:8443/x', 'https://10.0.0.1/x', 'https://172.16.5.4/x', 'https://192.168.1.1/x',
      'https://169.254.169.254/latest/meta-data', 'https://100.64.0.1/x', 'https://0.0.0.0/x', 'https://224.0.0.1/x',
      'https://2130706433/x', 'https://0x7f000001/x', 'https://017700000001/x', // 127.0.0.1 spelled otherwise
      'https://[::1]/x', 'https://[::]/x', 'https://[fe80::1]/x', 'https://[fc00::1]/x', 'https://[fd12:3456::1]/x',
      'https://[::ffff:127.0.0.1]/x', 'https://[::ffff:10.0.0.1]/x', 'https://[64:ff9b::a00:1]/x', 'https://[ff02::1]/x',
      'https://user:pw@hooks.example.com/x', 'not a url', 'ftp://hooks.example.com/',
    ];
    for (const url of refused) expect(webhookTargetProblem(url, false), url).not.toBeNull();
    const accepted = ['https://hooks.example.com/inbox', 'https://8.8.8.8/x', 'https://[2606:4700:4700::1111]/x', 'https://hooks.example.com:8443/a?b=c'];
    for (const url of accepted) expect(webhookTargetProblem(url, false), url).toBeNull();
  });

  it('allows http and private hosts only when the deployment says so', () => {
    expect(webhookTargetProblem('http://127.0.0.1:9999/hook', true)).toBeNull();
    expect(webhookTargetProblem('http://127.0.0.1:9999/hook', false)).not.toBeNull();
    expect(isPrivateHost('[::ffff:8.8.8.8]')).toBe(false);
    expect(isPrivateHost('hooks.example.com')).toBe(false);
  });

  it('the API applies the deployment policy (tests run with it on)', async () => {
    const t = await newTenant();
    const agent = await t.agent(['alerts:write']);
    const r = await call('POST', '/v1/alerts/', { token: agent, body: webhookAlert('http://127.0.0.1:1/hook') });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: expect.stringMatching(/^alr_/), delivery: { type: 'webhook', target: 'http://127.0.0.1:1/hook' }, enabled: true });
    const stored = await rowsOf(sql`SELECT inbox_id FROM alerts WHERE id = ${r.body.id}`);
    expect(stored).toEqual([{ inbox_id: t.inboxId }]);
  });
});
