import { describe, it, expect, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { ADMIN, call, expectProblem, newTenant, rowsOf, type Tenant } from './helpers';

describe('tenants, sessions and inboxes', () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await newTenant();
  });

  it('creates a tenant only with the admin token', async () => {
    const body = { name: 'X', owner_email: 'x-owner@example.test', owner_password: 'long enough pw', inbox_address: 'x-inbox@example.test' };
    expect((await call('POST', '/v1/admin/tenants/', { body })).status).toBe(401);
    expect((await call('POST', '/v1/admin/tenants/', { token: 'wrong', body })).status).toBe(401);
    expect((await call('POST', '/v1/admin/tenants/', { token: t.session, body })).status).toBe(401);
    const bad = await call('POST', '/v1/admin/tenants/', { token: ADMIN, body: { ...body, owner_email: 'nope', owner_password: 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['owner_email', 'owner_password']);
  });

  it('refuses a taken owner email or inbox address with 409', async () => {
    const fresh = `other-${Date.now()}@x.test`;
    const r = await call('POST', '/v1/admin/tenants/', { token: ADMIN, body: { name: 'Dup', owner_email: t.email, owner_password: 'long enough pw', inbox_address: fresh } });
    expectProblem(r, 409, 'conflict');
    expect(await rowsOf(sql`SELECT 1 FROM inboxes WHERE address = ${fresh}`)).toEqual([]); // nothing half-made
    const freshEmail = `fresh-${Date.now()}@x.test`;
    const taken = await call('POST', '/v1/admin/tenants/', { token: ADMIN, body: { name: 'Dup', owner_email: freshEmail, owner_password: 'long enough pw', inbox_address: t.address } });
    expectProblem(taken, 409, 'conflict');
    expect(await rowsOf(sql`SELECT 1 FROM users WHERE email = ${freshEmail}`)).toEqual([]);
  });

  it('answers wrong password and unknown user alike', async () => {
    const wrong = await call('POST', '/auth/login/', { body: { email: t.email, password: 'not it at all' } });
    const unknown = await call('POST', '/auth/login/', { body: { email: 'nobody@example.test', password: 'not it at all' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('refreshes a session and logs out', async () => {
    const login = await call('POST', '/auth/login/', { body: { email: t.email, password: t.password } });
    expect(login.status).toBe(200);
    expect(login.body.access_token).toMatch(/^gses_/);
    expect(login.body.expires_in).toBe(3600);
    const refreshed = await call('POST', '/auth/refresh/', { body: { refresh_token: login.body.refresh_token } });
    expect(refreshed.status).toBe(200);
    // The refreshed token works; the one it replaced does not.
    expect((await call('GET', '/v1/inboxes/', { token: refreshed.body.access_token })).status).toBe(200);
    expect((await call('GET', '/v1/inboxes/', { token: login.body.access_token })).status).toBe(401);
    expect((await call('POST', '/auth/logout/', { token: refreshed.body.access_token })).status).toBe(204);
    expect((await call('GET', '/v1/inboxes/', { token: refreshed.body.access_token })).status).toBe(401);
    expect((await call('POST', '/auth/refresh/', { body: { refresh_token: login.body.refresh_token } })).status).toBe(401);
    expect((await call('POST', '/auth/refresh/', { body: { refresh_token: 'gref_nope' } })).status).toBe(401);
  });

  it('expires a session token after an hour', async () => {
    const later = new Date(Date.now() + 61 * 60 * 1000);
    const r = await call('GET', '/v1/inboxes/', { token: t.session, now: later });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('unauthorized');
    expect((await call('GET', '/v1/inboxes/', { token: t.session })).status).toBe(200);
  });

  it('lists and creates inboxes, each with Personal and Tasks calendars', async () => {
    const address = `second-${Date.now()}@inbox.test`;
    const created = await call('POST', '/v1/inboxes/', { token: t.session, body: { address, display_name: 'Second' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ address, display_name: 'Second' });
    expect(created.body.inbox_id).toMatch(/^inb_/);
    const list = await call('GET', '/v1/inboxes/?limit=10', { token: t.session });
    expect(list.body.total).toBe(2);
    expect(list.body.results.map((i: { inbox_id: string }) => i.inbox_id)).toContain(created.body.inbox_id);
    const dup = await call('POST', '/v1/inboxes', { token: t.session, body: { address: address.toUpperCase() } });
    expect(dup.status).toBe(409);
    const agent = await t.agent(['read']);
    expect((await call('GET', '/v1/inboxes/', { token: agent })).status).toBe(403);
  });

  it('reads and validates inbox settings by id or address', async () => {
    const get = await call('GET', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session });
    expect(get.status).toBe(200);
    expect(get.body).toEqual({ inbox_id: t.inboxId, default_timezone: null, missed_reply_threshold_days: null, anniversary_alert_time: '09:00', leap_day_policy: 'feb28' });
    const patched = await call('PATCH', `/v1/inboxes/${encodeURIComponent(t.address)}/settings/`, { token: t.session, body: { default_timezone: 'Europe/Berlin', leap_day_policy: 'mar1', anniversary_alert_time: '08:30', missed_reply_threshold_days: 7 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ default_timezone: 'Europe/Berlin', leap_day_policy: 'mar1', anniversary_alert_time: '08:30', missed_reply_threshold_days: 7 });
    const bad = await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body: { default_timezone: 'Mars/Olympus', anniversary_alert_time: '25:00', missed_reply_threshold_days: 91, leap_day_policy: 'feb30' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['anniversary_alert_time', 'default_timezone', 'leap_day_policy', 'missed_reply_threshold_days']);
    expect((await call('GET', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session })).body.default_timezone).toBe('Europe/Berlin');
    const reader = await t.agent(['settings:read']);
    expect((await call('GET', `/v1/inboxes/${t.inboxId}/settings/`, { token: reader })).status).toBe(200);
    expect((await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: reader, body: { leap_day_policy: 'skip' } })).status).toBe(403);
    const cleared = await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body: { default_timezone: null } });
    expect(cleared.body.default_timezone).toBeNull();
  });

  it('hides another tenant\'s inbox settings behind 404', async () => {
    const other = await newTenant('Other');
    const own = async () => (await call('GET', `/v1/inboxes/${other.inboxId}/settings/`, { token: other.session })).body;
    const before = await own();
    expectProblem(await call('GET', `/v1/inboxes/${other.inboxId}/settings/`, { token: t.session }), 404, 'not_found');
    expectProblem(await call('PATCH', `/v1/inboxes/${other.inboxId}/settings/`, { token: t.session, body: { leap_day_policy: 'skip' } }), 404, 'not_found');
    const agent = await t.agent(['settings:read']);
    expectProblem(await call('GET', `/v1/inboxes/${other.inboxId}/settings/`, { token: agent }), 404, 'not_found');
    expect(before.leap_day_policy).not.toBe('skip');
    expect(await own()).toEqual(before); // the PATCH changed nothing
  });
});

describe('agent tokens', () => {
  it('creates, lists (without secrets) and revokes tokens', async () => {
    const t = await newTenant();
    const created = await call('POST', '/v1/tokens/', { token: t.session, body: { inbox_id: t.address, label: 'crm', scopes: ['contacts:read'], requires_approval: [] } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^gent_/);
    expect(created.body).toMatchObject({ label: 'crm', scopes: ['contacts:read'], requires_approval: [], inbox_id: t.inboxId });
    const list = await call('GET', `/v1/tokens/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0].token_id).toBe(created.body.token_id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    const bad = await call('POST', '/v1/tokens/', { token: t.session, body: { inbox_id: t.inboxId, label: '', scopes: ['contacts:fly'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['label', 'scopes.0']);
    expect((await call('POST', '/v1/tokens/', { token: t.session, body: { label: 'x', scopes: [] } })).body.code).toBe('inbox_id_required');
    expect((await call('DELETE', `/v1/tokens/${created.body.token_id}/`, { token: t.session })).status).toBe(204);
    expect((await call('GET', '/v1/utils/duration/?input=PT1H', { token: created.body.token })).status).toBe(401);
    expect((await call('DELETE', `/v1/tokens/${created.body.token_id}/`, { token: t.session })).status).toBe(404);
    const other = await newTenant();
    const foreign = await call('POST', '/v1/tokens/', { token: other.session, body: { inbox_id: other.inboxId, label: 'x', scopes: [] } });
    expect((await call('DELETE', `/v1/tokens/${foreign.body.token_id}/`, { token: t.session })).status).toBe(404);
    expect((await call('POST', '/v1/tokens/', { token: t.session, body: { inbox_id: other.inboxId, label: 'x', scopes: [] } })).status).toBe(404);
  });
});
