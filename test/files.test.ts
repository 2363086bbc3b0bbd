// Files (docs/files.md): metadata, versions streamed into R2 (the FILES binding wrangler
// simulates), CSV rows, signed links, the approval hold of an upload, and the agenda's file items.
import { describe, it, expect } from 'vitest';
import { SELF } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { call, deliverMail, expectProblem, newTenant, rowsOf, testEnv } from './helpers';
import { parseCsv } from '../src/files/csv';

const SCOPES = ['files:read', 'files:write', 'email:read', 'read'];

/** PUT content through the real Worker entry, with a body of bytes. */
async function upload(token: string, id: string, bytes: Uint8Array | ReadableStream, contentType = 'application/octet-stream', headers: Record<string, string> = {}) {
  const res = await SELF.fetch(`http://inbox.test/v1/files/${id}/content/`, {
    method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers }, body: bytes,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

async function download(path: string, token?: string, headers: Record<string, string> = {}) {
  const res = await SELF.fetch(`http://inbox.test${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
}

const randomBytes = (n: number) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
};
const sha = async (b: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', b))].map((x) => x.toString(16).padStart(2, '0')).join('');

const newFile = async (token: string, body: Record<string, unknown> = { name: 'Notes.txt', file_type: 'document' }) => {
  const r = await call('POST', '/v1/files/', { token, body });
  expect(r.status).toBe(201);
  return r.body;
};

describe('files', () => {
  it('create, upload twice: two versions, each downloadable byte-exact with its type and ETag', async () => {
    const t = await newTenant('Files versions');
    const token = await t.agent(SCOPES);
    const file = await newFile(token, { name: 'Brief.md', file_type: 'document', instructions: 'Summarise it' });
    expect(file).toEqual({
      file_id: expect.stringMatching(/^fil_/), name: 'Brief.md', file_type: 'document', instructions: 'Summarise it',
      version: 0, size: 0, content_type: 'application/octet-stream', created_at: expect.stringMatching(/Z$/), updated_at: expect.stringMatching(/Z$/),
    });
    expectProblem(await call('GET', `/v1/files/${file.file_id}/content/`, { token }), 404, 'not_found');

    const one = new TextEncoder().encode('# Brief\nfirst draft\n');
    const up1 = await upload(token, file.file_id, one, 'text/markdown');
    expect(up1.status).toBe(201);
    expect(up1.body).toMatchObject({ file_id: file.file_id, version: 1, size: one.byteLength, content_type: 'text/markdown' });
    const two = randomBytes(70_000);
    const up2 = await upload(token, file.file_id, two, 'application/pdf');
    expect(up2.body).toMatchObject({ version: 2, size: 70_000, content_type: 'application/pdf' });

    const latest = await download(`/v1/files/${file.file_id}/content/`, token);
    expect(latest.status).toBe(200);
    expect(await sha(latest.bytes)).toBe(await sha(two));
    expect(latest.headers.get('content-type')).toBe('application/pdf');
    expect(latest.headers.get('content-length')).toBe('70000');
    expect(latest.headers.get('content-disposition')).toContain('Brief.md');
    const first = await download(`/v1/files/${file.file_id}/content/?version=1`, token);
    expect(new TextDecoder().decode(first.bytes)).toBe('# Brief\nfirst draft\n');
    expect(first.headers.get('content-type')).toBe('text/markdown');
    // ETags differ per version; the one the caller has is a 304.
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"/);
    expect(etag).not.toBe(latest.headers.get('etag'));
    expect((await download(`/v1/files/${file.file_id}/content/?version=1`, token, { 'if-none-match': etag })).status).toBe(304);

    const versions = (await call('GET', `/v1/files/${file.file_id}/versions/`, { token })).body;
    expect(versions).toMatchObject({ total: 2, position: 0 });
    expect(versions.results.map((v: any) => [v.version, v.size, v.content_type, v.source_message_id])).toEqual([[1, one.byteLength, 'text/markdown', null], [2, 70_000, 'application/pdf', null]]);
    expectProblem(await call('GET', `/v1/files/${file.file_id}/content/?version=3`, { token }), 404, 'not_found');
    expectProblem(await call('GET', `/v1/files/${file.file_id}/content/?version=0`, { token }), 400, 'validation_failed');

    const listed = (await call('GET', '/v1/files/?file_type=document', { token })).body;
    expect(listed).toMatchObject({ total: 1, results: [{ file_id: file.file_id, version: 2 }] });
    expect((await call('GET', '/v1/files/?file_type=image', { token })).body.total).toBe(0);
    const renamed = await call('PATCH', `/v1/files/${file.file_id}/`, { token, body: { name: 'Brief v2.md', instructions: null } });
    expect(renamed.body).toMatchObject({ name: 'Brief v2.md', instructions: null, version: 2 });
    expectProblem(await call('PATCH', `/v1/files/${file.file_id}/`, { token, body: {} }), 400, 'validation_failed');
  });

  it('a 20 MiB file round-trips its bytes; uploads need a Content-Length and stay within 25 MiB', async () => {
    const t = await newTenant('Files big');
    const token = await t.agent(SCOPES);
    const file = await newFile(token, { name: 'movie.mp4', file_type: 'video' });
    const big = randomBytes(20 * 1024 * 1024);
    const up = await upload(token, file.file_id, big, 'video/mp4');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ version: 1, size: big.byteLength });
    const got = await download(`/v1/files/${file.file_id}/content/`, token);
    expect(got.bytes.byteLength).toBe(big.byteLength);
    expect(await sha(got.bytes)).toBe(await sha(big));

    // A streamed body has no Content-Length: 411, nothing stored.
    const stream = new ReadableStream({ start(c) { c.enqueue(new Uint8Array([1, 2, 3])); c.close(); } });
    const chunked = await upload(token, file.file_id, stream);
    expect(chunked.status).toBe(411);
    expect(chunked.body.code).toBe('length_required');
    const over = await upload(token, file.file_id, new Uint8Array(25 * 1024 * 1024 + 1));
    expect(over.status).toBe(413);
    expect((await call('GET', `/v1/files/${file.file_id}/`, { token })).body.version).toBe(1);
    expect((await upload(token, 'fil_nope', new Uint8Array([1]))).status).toBe(404);
  });

  it('rows append to a spreadsheet as CSV that parses back, mapped by the header row', async () => {
    const t = await newTenant('Files rows');
    const token = await t.agent(SCOPES);
    const sheet = await newFile(token, { name: 'Leads', file_type: 'spreadsheet' });
    expect(sheet.content_type).toBe('text/csv');
    const first = await call('POST', `/v1/files/${sheet.file_id}/rows/`, { token, body: { rows: [{ name: 'Ada Lovelace', email: 'ada@example.com', note: 'said "hi", then left' }] } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ version: 1, content_type: 'text/csv' });
    // Keys in any order, missing keys empty, a cell with a line break.
    const inbound = await deliverMail({ from: 'grace@example.com', to: t.address, subject: 'Lead', text: 'Hi' });
    expect(inbound.rejected).toBeNull();
    const [msg] = await rowsOf(sql`SELECT id FROM messages WHERE inbox_id = ${t.inboxId}`);
    const second = await call('POST', `/v1/files/${sheet.file_id}/rows/`, { token, body: { rows: [{ email: 'grace@example.com', name: 'Grace\nHopper' }, { name: 'Linus', note: 42 }], source_message_id: msg!.id } });
    expect(second.body.version).toBe(2);
    const third = await call('POST', `/v1/files/${sheet.file_id}/rows/`, { token, body: { rows: [['Edsger', 'ed@example.com', true, null]] } });
    expect(third.body.version).toBe(3);

    const csv = new TextDecoder().decode((await download(`/v1/files/${sheet.file_id}/content/`, token)).bytes);
    expect(parseCsv(csv)).toEqual([
      ['name', 'email', 'note'],
      ['Ada Lovelace', 'ada@example.com', 'said "hi", then left'],
      ['Grace\nHopper', 'grace@example.com', ''],
      ['Linus', '', '42'],
      ['Edsger', 'ed@example.com', 'true', ''],
    ]);
    const versions = (await call('GET', `/v1/files/${sheet.file_id}/versions/`, { token })).body.results;
    expect(versions.map((v: any) => v.source_message_id)).toEqual([null, msg!.id, null]);

    // Bad input leaves the file as it was.
    expectProblem(await call('POST', `/v1/files/${sheet.file_id}/rows/`, { token, body: { rows: [{ phone: '1' }] } }), 400, 'validation_failed');
    expectProblem(await call('POST', `/v1/files/${sheet.file_id}/rows/`, { token, body: { rows: [] } }), 400, 'validation_failed');
    expectProblem(await call('POST', `/v1/files/${sheet.file_id}/rows/`, { token, body: { rows: [['a'], { b: 1 }] } }), 400, 'validation_failed');
    expectProblem(await call('POST', `/v1/files/${sheet.file_id}/rows/`, { token, body: { rows: [[]] } }), 400, 'validation_failed');
    expectProblem(await call('POST', `/v1/files/${sheet.file_id}/rows/`, { token, body: { rows: [['x']], source_message_id: 'msg_nope' } }), 400, 'validation_failed');
    const doc = await newFile(token);
    expectProblem(await call('POST', `/v1/files/${doc.file_id}/rows/`, { token, body: { rows: [['x']] } }), 409, 'conflict');
    expect((await call('GET', `/v1/files/${sheet.file_id}/`, { token })).body.version).toBe(3);

    // Concurrent appends each land: no row is lost.
    const results = await Promise.all([0, 1, 2].map((i) => call('POST', `/v1/files/${sheet.file_id}/rows/`, { token, body: { rows: [[`c${i}`]] } })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    const after = parseCsv(new TextDecoder().decode((await download(`/v1/files/${sheet.file_id}/content/`, token)).bytes));
    expect(after.slice(5).map((r) => r[0]).sort()).toEqual(['c0', 'c1', 'c2']);
  });

  it('a signed link downloads without a token until it expires; any changed character is a 403; a deleted file a 404', async () => {
    const t = await newTenant('Files links');
    const token = await t.agent(SCOPES);
    const file = await newFile(token, { name: 'photo.png', file_type: 'image' });
    expectProblem(await call('POST', `/v1/files/${file.file_id}/link/`, { token }), 409, 'conflict');
    const v1 = randomBytes(5000);
    await upload(token, file.file_id, v1, 'image/png');
    const now = new Date();
    const minted = await call('POST', `/v1/files/${file.file_id}/link/`, { token, body: { expires_in_seconds: 600 }, now });
    expect(minted.status).toBe(201);
    expect(minted.body.version).toBe(1);
    expect(Date.parse(minted.body.expires_at)).toBe(Math.floor(now.getTime() / 1000) * 1000 + 600_000);
    const url = new URL(minted.body.url);
    expect(url.origin).toBe('http://inbox.test');
    // A later upload does not change what the link serves.
    await upload(token, file.file_id, randomBytes(10), 'image/png');
    const got = await download(url.pathname);
    expect(got.status).toBe(200);
    expect(await sha(got.bytes)).toBe(await sha(v1));
    expect(got.headers.get('content-type')).toBe('image/png');

    const later = new Date(now.getTime() + 601_000).toISOString();
    const expired = await call('GET', url.pathname, { now: later });
    expectProblem(expired, 403, 'forbidden');
    const linkToken = url.pathname.split('/')[3]!;
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
    for (let i = 0; i < linkToken.length; i++) {
      const swapped = alphabet[(alphabet.indexOf(linkToken[i]!) + 1) % alphabet.length] ?? 'a';
      const tampered = linkToken.slice(0, i) + (linkToken[i] === '.' ? '_' : swapped) + linkToken.slice(i + 1);
      const r = await call('GET', `/v1/file-links/${tampered}/`);
      expect(r.status, `character ${i} changed`).toBe(403);
      expect(r.body.detail).toBe(expired.body.detail);
    }
    expectProblem(await call('GET', `/v1/file-links/${linkToken.slice(0, -1)}/`), 403, 'forbidden');
    expectProblem(await call('GET', '/v1/file-links/nonsense/'), 403, 'forbidden');
    expectProblem(await call('POST', `/v1/files/${file.file_id}/link/`, { token, body: { expires_in_seconds: 604_801 } }), 400, 'validation_failed');

    const keys = (await rowsOf(sql`SELECT object_key FROM file_versions WHERE file_id = ${file.file_id}`)).map((r) => r.object_key);
    expect(keys).toHaveLength(2);
    expect((await call('DELETE', `/v1/files/${file.file_id}/`, { token })).status).toBe(204);
    expectProblem(await call('GET', url.pathname), 404, 'not_found');
    for (const key of keys) expect(await testEnv.FILES.head(key)).toBeNull();
    expectProblem(await call('GET', `/v1/files/${file.file_id}/`, { token }), 404, 'not_found');
  });

  it('another tenant gets 404 on every file route, and cannot mint links to the file', async () => {
    const t = await newTenant('Files owner');
    const token = await t.agent(SCOPES);
    const other = await (await newTenant('Files other')).agent(SCOPES);
    const sheet = await newFile(token, { name: 'Sheet', file_type: 'spreadsheet' });
    await upload(token, sheet.file_id, new TextEncoder().encode('a,b\r\n'), 'text/csv');
    const id = sheet.file_id;
    for (const [method, path, body] of [
      ['GET', `/v1/files/${id}/`], ['PATCH', `/v1/files/${id}/`, { name: 'x' }], ['GET', `/v1/files/${id}/content/`],
      ['GET', `/v1/files/${id}/content/?version=1`], ['GET', `/v1/files/${id}/versions/`], ['POST', `/v1/files/${id}/rows/`, { rows: [['x']] }],
      ['POST', `/v1/files/${id}/link/`, {}], ['DELETE', `/v1/files/${id}/`],
    ] as const) {
      expectProblem(await call(method, path, { token: other, body }), 404, 'not_found');
    }
    expect((await upload(other, id, new Uint8Array([1, 2]))).status).toBe(404);
    expect((await call('GET', '/v1/files/', { token: other })).body.total).toBe(0);
    const mine = await call('GET', `/v1/files/${id}/`, { token });
    expect(mine.body).toMatchObject({ version: 1, name: 'Sheet' });
    // A token without the files scopes is refused.
    const noFiles = await t.agent(['contacts:read']);
    expectProblem(await call('GET', '/v1/files/', { token: noFiles }), 403, 'insufficient_scope');
  });

  it('an upload held for approval keeps its bytes in R2 and stores them once approved', async () => {
    const t = await newTenant('Files held');
    const token = await t.agent(SCOPES, ['files:write']);
    const approver = await t.agent(['approvals:read', 'approvals:write', 'files:read']);
    const createdHeld = await call('POST', '/v1/files/', { token, body: { name: 'held.bin', file_type: 'other' } });
    expect(createdHeld.status).toBe(202);
    expect((await call('POST', `/v1/approvals/${createdHeld.body.approval_id}/approve/`, { token: approver })).status).toBe(204);
    const [file] = (await call('GET', '/v1/files/', { token: approver })).body.results;
    const bytes = randomBytes(300_000);
    const held = await upload(token, file.file_id, bytes, 'application/x-thing');
    expect(held.status).toBe(202);
    const [row] = await rowsOf(sql`SELECT held_object, body FROM approvals WHERE id = ${held.body.approval_id}`);
    expect(row!.body).toBeNull();
    expect((await testEnv.FILES.head(row!.held_object))?.size).toBe(300_000);
    expect((await call('GET', `/v1/files/${file.file_id}/`, { token: approver })).body.version).toBe(0);

    expect((await call('POST', `/v1/approvals/${held.body.approval_id}/approve/`, { token: approver })).status).toBe(204);
    const stored = await download(`/v1/files/${file.file_id}/content/`, approver);
    expect(stored.headers.get('content-type')).toBe('application/x-thing');
    expect(await sha(stored.bytes)).toBe(await sha(bytes));
    expect(await testEnv.FILES.head(row!.held_object)).toBeNull();

    // Rejected: nothing stored, the held bytes gone.
    const again = await upload(token, file.file_id, randomBytes(10));
    const [second] = await rowsOf(sql`SELECT held_object FROM approvals WHERE id = ${again.body.approval_id}`);
    expect((await call('POST', `/v1/approvals/${again.body.approval_id}/reject/`, { token: approver })).status).toBe(204);
    expect(await testEnv.FILES.head(second!.held_object)).toBeNull();
    expect((await call('GET', `/v1/files/${file.file_id}/`, { token: approver })).body.version).toBe(1);
  });

  it('the agenda shows files created since the start of yesterday in the inbox zone', async () => {
    const t = await newTenant('Files agenda');
    const token = await t.agent(SCOPES);
    await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body: { default_timezone: 'Pacific/Auckland' } });
    const now = new Date('2025-03-10T02:00:00Z'); // 15:00 on the 10th in Auckland
    const at = (iso: string) => call('POST', '/v1/files/', { token, body: { name: iso, file_type: 'skill' }, now: iso });
    await at('2025-03-08T10:59:00Z'); // 23:59 on the 8th, local: too old
    const yesterday = (await at('2025-03-08T11:00:00Z')).body; // 00:00 on the 9th
    const today = (await at('2025-03-10T01:00:00Z')).body;
    const items = (await call('GET', '/v1/agenda/?days=1', { token, now })).body.items.filter((i: any) => i.type === 'file');
    expect(items).toEqual([
      { id: yesterday.file_id, type: 'file', title: '2025-03-08T11:00:00Z', date: '2025-03-09', file_id: yesterday.file_id, file_type: 'skill', version: 0, updated_at: '2025-03-08T11:00:00Z' },
      { id: today.file_id, type: 'file', title: '2025-03-10T01:00:00Z', date: '2025-03-10', file_id: today.file_id, file_type: 'skill', version: 0, updated_at: '2025-03-10T01:00:00Z' },
    ]);
  });

  it('bad input on every file route is a precise 4xx that changes nothing', async () => {
    const t = await newTenant('Files bad input');
    const token = await t.agent(SCOPES);
    const file = await newFile(token);
    const bad = async (method: string, path: string, body: unknown, field: string) => {
      const r = await call(method, path, { token, body });
      expectProblem(r, 400, 'validation_failed');
      expect(JSON.stringify(r.body.errors ?? r.body.detail), `${method} ${path}`).toContain(field);
    };
    await bad('POST', '/v1/files/', { name: 'x', file_type: 'spreadsheets' }, 'file_type');
    await bad('POST', '/v1/files/', { name: '  ', file_type: 'document' }, 'name');
    await bad('POST', '/v1/files/', { name: 'a\nb', file_type: 'document' }, 'name');
    await bad('PATCH', `/v1/files/${file.file_id}/`, { name: 42 }, 'name');
    await bad('GET', '/v1/files/?file_type=bogus', undefined, 'file_type');
    await bad('GET', `/v1/files/${file.file_id}/versions/?limit=0`, undefined, 'limit');
    await bad('GET', `/v1/files/${file.file_id}/content/?version=abc`, undefined, 'version');
    await bad('POST', `/v1/files/${file.file_id}/link/`, { expires_in_seconds: 1.5 }, 'expires_in_seconds');
    await bad('POST', `/v1/files/${file.file_id}/link/`, { expires_in_seconds: 0 }, 'expires_in_seconds');
    await bad('POST', `/v1/files/${file.file_id}/rows/`, { rows: 'a,b' }, 'rows');
    const typed = await upload(token, file.file_id, new Uint8Array([1]), 'text/plain\u0001');
    expect(typed.status).toBe(400);
    expect(typed.body.errors[0].path).toBe('Content-Type');
    expect((await call('GET', `/v1/files/${file.file_id}/`, { token })).body).toMatchObject({ name: 'Notes.txt', version: 0 });
  });

  it('the reference needs no token', async () => {
    const r = await call('GET', '/v1/files/reference/');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ max_size_bytes: 25 * 1024 * 1024, file_types: ['spreadsheet', 'document', 'image', 'video', 'template', 'skill', 'other'] });
  });
});
