// CORS (docs/concepts.md, docs/interchange.md), with CORS_ORIGINS as the vitest config sets it
// (https://app.example.com and http://localhost:5173): preflights are answered before
// authentication — 204 for a listed origin, 403 for another, never 401 — and answers to a listed
// origin, errors included, carry what a browser needs to read them.
import { describe, it, expect } from 'vitest';
import { call, expectProblem, newTenant } from './helpers';

const preflight = (origin: string, path = '/v1/contacts/', method = 'POST') => call('OPTIONS', path, {
  headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type, idempotency-key' },
});

describe('CORS', () => {
  it('a preflight from a listed origin is 204 with the allow headers, without a token', async () => {
    for (const [origin, path, method] of [
      ['https://app.example.com', '/v1/contacts/', 'POST'], ['http://localhost:5173', '/v1/calendar/events/x/', 'PATCH'],
      ['https://APP.example.com', '/v1/files/x/content/', 'PUT'], ['https://app.example.com', '/v1/no-such-path/', 'GET'],
    ] as const) {
      const r = await preflight(origin, path, method);
      expect(r.status, `${origin} ${method} ${path}`).toBe(204);
      expect(r.headers.get('access-control-allow-origin')).toBe(origin);
      expect(r.headers.get('access-control-allow-methods')).toContain(method);
      expect(r.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      expect(r.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
      expect(r.headers.get('access-control-allow-credentials')).toBeNull();
      expect(r.headers.get('vary')).toContain('Origin');
    }
  });

  it('a preflight from any other origin is a 403 problem, never a 401', async () => {
    for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'null', 'http://app.example.com']) {
      const r = await preflight(origin);
      expectProblem(r, 403, 'forbidden');
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('answers to a listed origin carry Allow-Origin and the exposed headers, errors too; others get none', async () => {
    const t = await newTenant('CORS');
    const token = await t.agent(['contacts:read', 'contacts:write']);
    const ok = await call('POST', '/v1/contacts/', { token, body: { full_name: 'Cora Origin' }, headers: { origin: 'https://app.example.com' } });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const exposed = ok.headers.get('access-control-expose-headers')!.toLowerCase();
    for (const h of ['etag', 'location', 'x-request-id', 'retry-after']) expect(exposed).toContain(h);
    const denied = await call('GET', '/v1/contacts/', { headers: { origin: 'http://localhost:5173' } });
    expectProblem(denied, 401, 'unauthorized');
    expect(denied.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const foreign = await call('GET', '/v1/contacts/', { token, headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    // OPTIONS that is not a preflight is an ordinary request: 405 with Allow.
    const plain = await call('OPTIONS', '/v1/contacts/', { token });
    expect(plain.status).toBe(405);
  });
});
