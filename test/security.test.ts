import { describe, it, expect, beforeAll } from 'vitest';
import { call, expectProblem, newTenant, type Tenant } from './helpers';

describe('authentication failure modes', () => {
  let t: Tenant;
  let other: Tenant;
  beforeAll(async () => {
    t = await newTenant();
    other = await newTenant();
  });

  it('no token → 401', async () => {
    expectProblem(await call('GET', `/v1/approvals/?inbox_id=${t.inboxId}`), 401, 'unauthorized');
  });

  it('malformed or unknown token → 401', async () => {
    expectProblem(await call('GET', '/v1/approvals/', { token: 'gent_doesnotexist' }), 401, 'unauthorized');
    expectProblem(await call('GET', '/v1/approvals/', { token: 'gses_doesnotexist' }), 401, 'unauthorized');
    expectProblem(await call('GET', '/v1/approvals/', { token: 'garbage' }), 401, 'unauthorized');
    expectProblem(await call('GET', '/v1/approvals/', { headers: { authorization: 'Basic Zm9vOmJhcg==' } }), 401, 'unauthorized');
  });

  it('revoked token → 401', async () => {
    const token = await t.agent(['approvals:read']);
    expect((await call('GET', '/v1/approvals/', { token })).status).toBe(200);
    const list = await call('GET', `/v1/tokens/?inbox_id=${t.inboxId}`, { token: t.session });
    const id = list.body.find((x: { scopes: string[] }) => x.scopes.includes('approvals:read') && x.scopes.length === 1).token_id;
    expect((await call('DELETE', `/v1/tokens/${id}/`, { token: t.session })).status).toBe(204);
    expectProblem(await call('GET', '/v1/approvals/', { token }), 401, 'unauthorized');
  });

  it('expired session → 401', async () => {
    expectProblem(await call('GET', `/v1/approvals/?inbox_id=${t.inboxId}`, { token: t.session, now: new Date(Date.now() + 2 * 3600_000) }), 401, 'unauthorized');
  });

  it('missing scope → 403 insufficient_scope naming it', async () => {
    const token = await t.agent(['contacts:read']);
    const r = await call('GET', '/v1/approvals/', { token });
    expectProblem(r, 403, 'insufficient_scope');
    expect(r.body.required_scope).toBe('approvals:read');
  });

  it('the composite read scope grants every *:read, not writes', async () => {
    const token = await t.agent(['read']);
    expect((await call('GET', '/v1/approvals/', { token })).status).toBe(200);
    expect((await call('GET', `/v1/inboxes/${t.inboxId}/settings/`, { token })).status).toBe(200);
    expectProblem(await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token, body: { leap_day_policy: 'skip' } }), 403, 'insufficient_scope');
  });

  it('session without inbox_id → 400 inbox_id_required; other tenant\'s inbox → 404', async () => {
    expectProblem(await call('GET', '/v1/approvals/', { token: t.session }), 400, 'inbox_id_required');
    expectProblem(await call('GET', `/v1/approvals/?inbox_id=${other.inboxId}`, { token: t.session }), 404, 'not_found');
    expectProblem(await call('GET', `/v1/approvals/?inbox_id=${encodeURIComponent(other.address)}`, { token: t.session }), 404, 'not_found');
    expect((await call('GET', `/v1/approvals/?inbox_id=${encodeURIComponent(t.address.toUpperCase())}`, { token: t.session })).status).toBe(200);
  });

  it('agent token naming another inbox → 403', async () => {
    const token = await t.agent(['approvals:read']);
    expectProblem(await call('GET', `/v1/approvals/?inbox_id=${other.inboxId}`, { token }), 403, 'forbidden');
    expect((await call('GET', `/v1/approvals/?inbox_id=${t.inboxId}`, { token })).status).toBe(200);
    expect((await call('GET', `/v1/approvals/?inbox_id=${encodeURIComponent(t.address)}`, { token })).status).toBe(200);
  });
});

describe('HTTP conventions', () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await newTenant();
  });

  it('echoes X-Request-Id, or makes one', async () => {
    const echoed = await call('GET', '/health', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-abc-123');
    const made = await call('GET', '/health');
    expect(made.headers.get('x-request-id')).toMatch(/^req_/);
    expect(made.body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('serves every path with and without its trailing slash', async () => {
    const a = await call('GET', '/v1/utils/duration/?input=90%20min', { token: t.session });
    const b = await call('GET', '/v1/utils/duration?input=90%20min', { token: t.session });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body).toEqual(b.body);
  });

  it('malformed JSON → 400 validation_failed', async () => {
    const r = await call('POST', '/v1/inboxes/', { token: t.session, rawBody: '{"address": ', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('validation_failed');
    expect(r.headers.get('content-type')).toContain('application/problem+json');
  });

  it('non-JSON body → 415', async () => {
    const r = await call('POST', '/v1/inboxes/', { token: t.session, rawBody: 'address=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(415);
    expect(r.body.code).toBe('unsupported_media_type');
  });

  it('body over 1 MiB → 413, and nothing is created', async () => {
    const big = JSON.stringify({ address: `big-${Date.now()}@inbox.test`, display_name: 'x'.repeat(1024 * 1024) });
    const r = await call('POST', '/v1/inboxes/', { token: t.session, rawBody: big, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('payload_too_large');
    expect((await call('GET', '/v1/inboxes/', { token: t.session })).body.total).toBe(1);
  });

  it('NUL characters in the URL or body → 400, never a database error', async () => {
    const q = await call('GET', `/v1/approvals/?inbox_id=a%00b`, { token: t.session });
    expect(q.status).toBe(400);
    expect(q.body.code).toBe('validation_failed');
    const b = await call('POST', '/v1/inboxes/', { token: t.session, rawBody: '{"address":"a\\u0000b@x.test"}', headers: { 'content-type': 'application/json' } });
    expect(b.body.errors).toEqual([{ path: 'address', message: 'must not contain NUL characters' }]);
    expect((await call('GET', '/v1/approvals/apr%00x/', { token: t.session })).status).toBe(404);
    expect(b.status).toBe(400);
  });

  it('unknown route → 404 problem', async () => {
    const r = await call('GET', '/v1/nothing-here/', { token: t.session });
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('not_found');
  });

  it('paging parameters out of range → 400', async () => {
    for (const q of ['limit=0', 'limit=201', 'offset=-1', 'limit=abc', 'position=1.5']) {
      const r = await call('GET', `/v1/inboxes/?${q}`, { token: t.session });
      expect(r.status, q).toBe(400);
    }
    const ok = await call('GET', '/v1/inboxes/?position=5&limit=200', { token: t.session });
    expect(ok.body).toMatchObject({ results: [], total: 1, position: 5, limit: 200 });
  });

  it('Idempotency-Key replays the first response and refuses a different body', async () => {
    const address = `idem-${Date.now()}@inbox.test`;
    const headers = { 'idempotency-key': `k-${Date.now()}` };
    const first = await call('POST', '/v1/inboxes/', { token: t.session, body: { address }, headers });
    expect(first.status).toBe(201);
    const again = await call('POST', '/v1/inboxes/', { token: t.session, body: { address }, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const reused = await call('POST', '/v1/inboxes/', { token: t.session, body: { address: `x${address}` }, headers });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('idempotency_key_reused');
    // The query is part of the request: the same key and body aimed elsewhere is not a retry.
    const elsewhere = await call('POST', '/v1/inboxes/?position=1', { token: t.session, body: { address }, headers });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.code).toBe('idempotency_key_reused');
    const list = await call('GET', '/v1/inboxes/', { token: t.session });
    expect(list.body.results.filter((i: { address: string }) => i.address === address)).toHaveLength(1);
    // After 24 hours the key is free again: the call runs anew (the address is taken by now → 409 conflict).
    const future = new Date(Date.now() + 25 * 3600_000);
    const login = await call('POST', '/auth/login/', { body: { email: t.email, password: t.password }, now: future });
    const later = await call('POST', '/v1/inboxes/', { token: login.body.access_token, body: { address }, headers, now: future });
    expect(later.status).toBe(409);
    expect(later.body.code).toBe('conflict');
    expect(later.headers.get('idempotent-replayed')).toBeNull();
  });

  it('rate limits per token with 429 and Retry-After', async () => {
    const token = await t.agent(['read']);
    let limited: { status: number; headers: Headers; body: any } | undefined;
    // 600 a minute (wrangler.toml, the binding's own limit); a burst straddling a minute boundary
    // needs at most two windows.
    for (let round = 0; round < 25 && !limited; round++) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => call('GET', '/v1/utils/duration/?input=PT1M', { token })));
      limited = batch.find((r) => r.status === 429);
    }
    expect(limited).toBeDefined();
    expect(limited!.body.code).toBe('rate_limited');
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another token is not affected.
    const fresh = await t.agent(['read']);
    expect((await call('GET', '/v1/utils/duration/?input=PT1M', { token: fresh })).status).toBe(200);
  });

  it('publishes OpenAPI 3.1 and a docs page', async () => {
    const doc = await call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/admin/tenants/', '/auth/login/', '/v1/approvals/{approval_id}/approve/', '/v1/utils/time/']));
    const docs = await call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(String(docs.body)).toContain('/openapi.json');
  });
});

describe('validation errors say where the field was', () => {
  it.each([
    ['GET', '/v1/contacts/?limit=0', undefined, 'In the query', 'limit'],
    ['GET', '/v1/tasks/?due_before=someday', undefined, 'In the query', 'due_before'],
    ['POST', '/v1/contacts/', { full_name: '' }, 'In the body', 'full_name'],
    ['POST', '/v1/tasks/', { summary: 7 }, 'In the body', 'summary'],
  ])('%s %s', async (method, path, body, where, field) => {
    const t = await newTenant();
    const token = await t.agent(['contacts:read', 'contacts:write', 'task:read', 'task:write']);
    const r = await call(method, path, { token, body });
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.detail.startsWith(`${where}: ${field}: `), r.body.detail).toBe(true);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual([field]);
  });
});
