import { describe, it, expect, beforeAll } from 'vitest';
import { Hono } from 'hono';
import fc from 'fast-check';
import { call, documentedOperations, expectProblem, fillPath, newTenant, type Operation, type Tenant } from './helpers';
import { idempotency } from '../src/http/idempotency';
import type { AppEnv } from '../src/http/context';

// A method a path does not serve is a 405 with `Allow` (derived from the registered routes);
// an unknown path is a 404; HEAD is GET without the body.

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const SEED = 7031;

describe('405 Method Not Allowed, for every documented path', () => {
  let ops: Operation[];
  let byPath: Map<string, Set<string>>;
  let t: Tenant;
  beforeAll(async () => {
    ops = (await documentedOperations()).ops;
    byPath = new Map();
    for (const op of ops) (byPath.get(op.path) ?? byPath.set(op.path, new Set()).get(op.path)!).add(op.method);
    t = await newTenant();
  });

  const allowOf = (methods: Set<string>) => [...methods, ...(methods.has('GET') ? ['HEAD'] : [])].sort();
  const parseAllow = (h: string | null) => (h ?? '').split(',').map((m) => m.trim()).filter(Boolean).sort();

  it('every method a path does not serve → 405 problem+json with Allow listing what it serves (with and without a token, with an Idempotency-Key, with and without the trailing slash)', async () => {
    expect(byPath.size).toBeGreaterThan(30);
    let checked = 0;
    for (const [path, served] of byPath) {
      for (const method of METHODS.filter((m) => !served.has(m))) {
        for (const token of [null, t.session]) {
          for (const url of [fillPath(path), fillPath(path).replace(/\/$/, '')]) {
            const r = await call(method, url, {
              token,
              headers: { 'idempotency-key': `k-${method}-${checked}`, 'content-type': 'application/json' },
              rawBody: method === 'GET' || method === 'DELETE' ? undefined : '{}',
            });
            expectProblem(r, 405, 'method_not_allowed');
            expect(parseAllow(r.headers.get('allow')), `${method} ${url}`).toEqual(allowOf(served));
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('the public catalogue: POST/PUT/PATCH/DELETE with an Idempotency-Key → 405, never a 500', async () => {
    for (const path of ['/v1/events/types/', '/v1/events/reference/', '/v1/events/types']) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const r = await call(method, path, { headers: { 'idempotency-key': 'same-key' }, body: {} });
        expectProblem(r, 405, 'method_not_allowed');
        expect(r.headers.get('allow')).toBe('GET, HEAD');
      }
    }
  });

  it('HEAD on a GET route is served as GET (no body); HEAD where there is no GET is a 405', async () => {
    const head = await call('HEAD', '/v1/events/types/');
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    const authed = await call('HEAD', `/v1/contacts/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(authed.status).toBe(200);
    const noGet = await call('HEAD', '/auth/login/');
    expect(noGet.status).toBe(405);
    expect(noGet.headers.get('allow')).toBe('POST');
  });

  it('property: an unknown path stays a 404 (401 first without a token under /v1/), whatever the method', async () => {
    const seg = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/).filter((s) => !['v1', 'auth', 'docs', 'health'].includes(s));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), fc.array(seg, { minLength: 1, maxLength: 3 }), fc.boolean(), async (method, segs, v1) => {
        const path = `/${v1 ? 'v1/nothing-' : ''}${segs.join('/')}/`;
        const r = await call(method, path, { token: t.session, body: method === 'GET' || method === 'DELETE' ? undefined : {} });
        expectProblem(r, 404, 'not_found');
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});

describe('idempotency never reads a missing principal', () => {
  it('a POST with an Idempotency-Key and no principal passes straight through', async () => {
    const app = new Hono<AppEnv>();
    app.use('*', idempotency);
    app.post('/x', (c) => c.json({ ran: true }, 201));
    app.onError((err, c) => c.json({ error: String(err) }, 500));
    for (const key of ['a', 'k'.repeat(255), 'k'.repeat(300)]) {
      const r = await app.request('/x', { method: 'POST', headers: { 'idempotency-key': key } });
      expect(r.status, key.slice(0, 10)).toBe(201);
    }
  });
});
