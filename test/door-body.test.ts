import { describe, it, expect, beforeAll } from 'vitest';
import { SELF } from 'cloudflare:test';
import fc from 'fast-check';
import { call, documentedOperations, expectProblem, fillPath, newTenant, type Operation, type Tenant } from './helpers';

// The door (src/http/middleware.ts jsonBody): every POST/PATCH body is measured, parsed and
// checked before auth, so these hold on every route, with or without a token.

const MiB = 1024 * 1024;
const SEED = 20260528;

/** `depth` nested containers, alternating arrays and objects as `shape` says, around `leaf`. */
function nested(depth: number, shape: boolean[], leaf = '1'): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    const arr = shape[i % shape.length] ?? true;
    open += arr ? '[' : '{"k":';
    close = (arr ? ']' : '}') + close;
  }
  return open + leaf + close;
}

/** A body stream that counts what the Worker pulled from it. */
function countingStream(total: number, chunk: number, fillByte = 0x20) {
  const stats = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (stats.pulled >= total) return ctrl.close();
      const n = Math.min(chunk, total - stats.pulled);
      stats.pulled += n;
      ctrl.enqueue(new Uint8Array(n).fill(fillByte));
    },
  });
  return { stream, stats };
}

async function send(method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit }) {
  const res = await SELF.fetch(`http://inbox.test${path}`, { method, headers: init.headers, body: init.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: body as any };
}

describe('JSON nesting is bounded at the door (64 levels), walked without recursion', () => {
  let writes: Operation[];
  let t: Tenant;
  beforeAll(async () => {
    // Routes whose body is text or bytes (imports, uploads) are not parsed as JSON at the door;
    // their own tests give them a non-JSON body and check the 415 for a JSON one.
    const takesJson = (o: { spec: { requestBody?: { content: Record<string, unknown> } } }) => !o.spec.requestBody || 'application/json' in o.spec.requestBody.content;
    writes = (await documentedOperations()).ops.filter((o) => (o.method === 'POST' || o.method === 'PATCH') && takesJson(o));
    t = await newTenant();
  });

  it('20,000 nested arrays or objects on every POST/PATCH route → 400 validation_failed, with or without a token', async () => {
    expect(writes.length).toBeGreaterThan(20);
    for (const op of writes) {
      for (const shape of [[true], [false], [true, false]]) {
        for (const token of [null, t.session]) {
          const r = await call(op.method, fillPath(op.path), { token, rawBody: nested(20_000, shape), headers: { 'content-type': 'application/json' } });
          expectProblem(r, 400, 'validation_failed');
          expect(r.body.errors?.[0]?.message, `${op.method} ${op.path}`).toBe('must not nest deeper than 64 levels');
        }
      }
    }
  });

  it('property: a body nested deeper than 64 is a 400 before auth; up to 64 passes the door (401 without a token)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), async (depth, shape) => {
        const r = await call('POST', '/v1/contacts/', { rawBody: nested(depth, shape), headers: { 'content-type': 'application/json' } });
        if (depth > 64) {
          expectProblem(r, 400, 'validation_failed');
          expect(r.body.errors[0].path.split('.').length).toBe(64);
        } else {
          expectProblem(r, 401, 'unauthorized');
        }
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('depth 64 exactly reaches validation; depth 65 does not', async () => {
    const ok = await call('POST', '/v1/contacts/', { token: t.session, rawBody: `{"inbox_id":"${t.inboxId}","full_name":"Deep","notes":${nested(63, [true])}}`, headers: { 'content-type': 'application/json' } });
    expectProblem(ok, 400, 'validation_failed');
    expect(ok.body.errors.map((e: { path: string }) => e.path)).toContain('notes');
    const deep = await call('POST', '/v1/contacts/', { token: t.session, rawBody: `{"inbox_id":"${t.inboxId}","full_name":"Deep","notes":${nested(64, [true])}}`, headers: { 'content-type': 'application/json' } });
    expectProblem(deep, 400, 'validation_failed');
    expect(deep.body.errors).toEqual([{ path: `notes${'.0'.repeat(63)}`, message: 'must not nest deeper than 64 levels' }]);
  });
});

describe('body size: Content-Length first, then a capped read', () => {
  it('a declared length over 1 MiB → 413 without reading the body', async () => {
    for (const declared of [MiB + 1, 2 * MiB, 10 ** 12]) {
      const { stream, stats } = countingStream(8 * MiB, 64 * 1024);
      const r = await send('POST', '/v1/contacts/', { headers: { 'content-type': 'application/json', 'content-length': String(declared) }, body: stream });
      expectProblem(r, 413, 'payload_too_large');
      expect(stats.pulled, String(declared)).toBeLessThanOrEqual(2 * MiB);
    }
  });

  it('property: a body without Content-Length (chunked) stops being read just past 1 MiB → 413', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MiB + 1, max: 48 * MiB }), fc.integer({ min: 1024, max: 256 * 1024 }), async (total, chunk) => {
        const { stream, stats } = countingStream(total, chunk);
        const r = await send('POST', '/v1/contacts/', { headers: { 'content-type': 'application/json' }, body: stream });
        expectProblem(r, 413, 'payload_too_large');
        // Whatever the client meant to send, the Worker pulled about the limit (plus what the
        // transport buffers), never the whole body.
        expect(stats.pulled).toBeLessThanOrEqual(Math.min(total, MiB + 2 * MiB));
      }),
      { seed: SEED, numRuns: 12 },
    );
  });

  it('a chunked body within 1 MiB is read whole and passes the door', async () => {
    for (const size of [2, 1000, MiB - 64, MiB]) {
      const json = `{"full_name":"${'x'.repeat(Math.max(0, size - 16))}"}`.padEnd(size, ' ');
      const bytes = new TextEncoder().encode(json);
      const stream = new ReadableStream<Uint8Array>({ start(ctrl) { ctrl.enqueue(bytes); ctrl.close(); } });
      const r = await send('POST', '/v1/contacts/', { headers: { 'content-type': 'application/json' }, body: stream });
      expectProblem(r, 401, 'unauthorized');
    }
  });

  // (An empty value never reaches the Worker: the runtime drops it.)
  it.each(['abc', '-1', '1.5', '1e3', '0x10', '+5', '1, 2', '1,', '99999999999999999999'])(
    'a malformed Content-Length (%j) → 400 naming it', async (cl) => {
      const r = await send('POST', '/v1/contacts/', { headers: { 'content-type': 'application/json', 'content-length': cl }, body: '{}' });
      expectProblem(r, 400, 'validation_failed');
      expect(r.body.errors).toEqual([{ path: 'Content-Length', message: 'must be a non-negative integer' }]);
    },
  );
});
