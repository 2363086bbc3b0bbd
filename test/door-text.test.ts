import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { call, expectProblem, newTenant, type Tenant } from './helpers';

// One rule for text (src/http/middleware.ts textFault): no NUL, no unpaired UTF-16 surrogate,
// in body values, body keys, query names and query values. Postgres would refuse the first and
// silently turn the second into U+FFFD.

const SEED = 424242;
const LONE = ['\ud800', '\udbff', '\udc00', '\udfff', 'x\ud800', '\ud800x', 'a\udc00b', '\udc00\ud800', '😀\ud83d', '\ude00😀'];
const json = { 'content-type': 'application/json' };

/** A path segment: an object key (well-formed, no NUL, no dot) or an array index. */
const segment = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((k) => !k.includes('.') && !k.includes('\0')).map((k) => ({ key: k })),
  fc.integer({ min: 0, max: 3 }).map((i) => ({ index: i })),
);

/** Builds a value holding `leaf` at `segments` (arrays padded with harmless strings). */
function place(segments: ({ key: string } | { index: number })[], leaf: unknown): unknown {
  let value: unknown = leaf;
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i]!;
    if ('key' in s) value = { ok: 'fine', [s.key]: value };
    else value = [...Array.from({ length: s.index }, () => 'fine'), value];
  }
  return value;
}

const names = (segs: ({ key: string } | { index: number })[]) => segs.map((s) => ('key' in s ? s.key : String(s.index)));
/** How a refused key is shown: NUL dropped, lone surrogates as U+FFFD (the runtime's own toWellFormed). */
const shown = (key: string) => (key.replace(/\0/g, '') as unknown as { toWellFormed(): string }).toWellFormed();

describe('unpaired surrogates and NUL in the body', () => {
  it('property: a bad string anywhere in the body is a 400 naming its path (before auth)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 6 }), fc.constantFrom(...LONE, '\0', 'a\0b'), fc.boolean(), async (segs, bad, asKey) => {
        // As a key: the bad string names a member of the innermost object.
        const body = asKey ? place(segs, { [bad]: 1 }) : { full_name: 'x', v: place(segs, bad) };
        const path = (asKey ? [...names(segs), shown(bad)] : ['v', ...names(segs)]).join('.');
        const message = bad.includes('\0') ? 'must not contain NUL characters' : 'must not contain unpaired surrogates';
        // JSON.stringify writes lone surrogates as \uXXXX escapes: the body text is valid UTF-8.
        const r = await call('POST', '/v1/contacts/', { rawBody: JSON.stringify(body), headers: json });
        expectProblem(r, 400, 'validation_failed');
        expect(r.body.errors).toEqual([{ path, message }]);
      }),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('property: well-formed text (pairs included) passes the door', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\0')), async (s) => {
        const r = await call('POST', '/v1/contacts/', { body: { full_name: s, [s || 'k']: [s] } });
        expectProblem(r, 401, 'unauthorized');
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  let t: Tenant;
  beforeAll(async () => {
    t = await newTenant();
  });

  it.each(LONE)('a lone surrogate (%j) in full_name is refused naming the field, and nothing is stored', async (bad) => {
    const r = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: bad } });
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors).toEqual([{ path: 'full_name', message: 'must not contain unpaired surrogates' }]);
    const list = await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&q=${encodeURIComponent('\ufffd')}`, { token: t.session });
    expect(list.body.total).toBe(0);
  });

  it('every offending field is listed, keys and nested values alike', async () => {
    const r = await call('POST', '/v1/contacts/', {
      token: t.session,
      rawBody: `{"inbox_id":"${t.inboxId}","full_name":"\\ud800x","emails":[{"label":"w","address":"a\\udfff@x.test"}],"k\\udc00":1,"notes":"ok\\u0000"}`,
      headers: json,
    });
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors).toEqual([
      { path: 'full_name', message: 'must not contain unpaired surrogates' },
      { path: 'emails.0.address', message: 'must not contain unpaired surrogates' },
      { path: 'k\ufffd', message: 'must not contain unpaired surrogates' },
      { path: 'notes', message: 'must not contain NUL characters' },
    ]);
  });

  it('paired surrogates (emoji) are stored and echoed exactly', async () => {
    const name = 'Zoë 😀 𝄞 Smith';
    const r = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: name } });
    expect(r.status).toBe(201);
    expect(r.body.full_name).toBe(name);
    const again = await call('GET', `/v1/contacts/${r.body.id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(again.body.full_name).toBe(name);
  });
});

describe('query parameters must decode to valid text', () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await newTenant();
  });

  it.each([
    ['q=%ED%A0%80', 'q', 'must be valid UTF-8'], // a UTF-16 surrogate encoded as if it were a code point
    ['q=a%ED%B0%80b', 'q', 'must be valid UTF-8'],
    ['q=%C0%AF', 'q', 'must be valid UTF-8'], // overlong
    ['q=%FF', 'q', 'must be valid UTF-8'],
    ['q=%F4%90%80%80', 'q', 'must be valid UTF-8'], // past U+10FFFF
    ['q=%E2%82', 'q', 'must be valid UTF-8'], // truncated
    ['limit=%ED%A0%80', 'limit', 'must be valid UTF-8'],
    ['%ED%A0%80x=1', '\ufffd\ufffd\ufffdx', 'must be valid UTF-8'],
    ['q=a%00b', 'q', 'must not contain NUL characters'],
    ['a%00b=1', 'ab', 'must not contain NUL characters'],
  ])('%s → 400 naming the parameter', async (query, path, message) => {
    const r = await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&${query}`, { token: t.session });
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors).toEqual([{ path, message }]);
  });

  it.each(['q=%F0%9F%98%80', 'q=100%', 'q=%zz', 'q=a+b', 'q=%EF%BF%BD', 'q=', 'q'])('%s is valid text → 200', async (query) => {
    const r = await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&${query}`, { token: t.session });
    expect(r.status).toBe(200);
  });

  it('property: percent-encoded bytes are refused exactly when they are not UTF-8 (or hold NUL)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 12 }), async (bytes) => {
        const encoded = [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
        let text: string | null;
        try {
          text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
        } catch {
          text = null;
        }
        const r = await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&q=${encoded}`, { token: t.session });
        if (text === null || text.includes('\0')) {
          expectProblem(r, 400, 'validation_failed');
          expect(r.body.errors).toEqual([{ path: 'q', message: text === null ? 'must be valid UTF-8' : 'must not contain NUL characters' }]);
        } else {
          expect(r.status, JSON.stringify(r.body)).toBe(200);
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('a path segment that is not UTF-8 names nothing → 404', async () => {
    for (const id of ['%ED%A0%80', 'ctc_%FF', '%C0%AF']) {
      expectProblem(await call('GET', `/v1/contacts/${id}/?inbox_id=${t.inboxId}`, { token: t.session }), 404, 'not_found');
    }
  });
});
