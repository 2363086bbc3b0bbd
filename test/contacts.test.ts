import { describe, it, expect, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, expectProblem, newTenant, rowsOf, type Tenant } from './helpers';

const alice = {
  full_name: 'Alice Smith',
  emails: [{ label: 'work', address: 'alice@example.com' }, { address: 'a.smith@home.test' }],
  phones: [{ label: 'mobile', number: '+1 555 1234' }],
  notes: 'Met at the conference.',
  anniversaries: [{ type: 'Birthday', date: '1984-02-29' }, { type: 'nameday', date: '--12-06' }],
};

describe('contacts: create, read, shape', () => {
  let t: Tenant;
  beforeAll(async () => { t = await newTenant(); });
  const post = (body: unknown, headers?: Record<string, string>) => call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, ...(body as object) }, headers });

  it('creates a contact and echoes every field, anniversary types lower-cased, year-less kept', async () => {
    const r = await post(alice, undefined);
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.stringMatching(/^ctc_/),
      full_name: 'Alice Smith',
      emails: [{ label: 'work', address: 'alice@example.com' }, { label: null, address: 'a.smith@home.test' }],
      phones: [{ label: 'mobile', number: '+1 555 1234' }],
      notes: 'Met at the conference.',
      anniversaries: [{ type: 'birthday', date: '1984-02-29' }, { type: 'nameday', date: '--12-06' }],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updated_at: expect.stringMatching(/Z$/),
      active_sequences: [],
    });
    expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(r.headers.get('location')).toBe(`/v1/contacts/${r.body.id}/`);

    const got = await call('GET', `/v1/contacts/${r.body.id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body);
    expect(got.headers.get('etag')).toBe(r.headers.get('etag'));

    // Anniversaries are rows of their own, month/day split out for the scan and the agenda.
    const ann = await rowsOf(sql`SELECT inbox_id, position, type, date, year, month, day FROM contact_anniversaries WHERE contact_id = ${r.body.id} ORDER BY position`);
    expect(ann).toEqual([
      { inbox_id: t.inboxId, position: 0, type: 'birthday', date: '1984-02-29', year: 1984, month: 2, day: 29 },
      { inbox_id: t.inboxId, position: 1, type: 'nameday', date: '--12-06', year: null, month: 12, day: 6 },
    ]);
    const [search] = await rowsOf(sql`SELECT search_name, search_emails, search_phones FROM contacts WHERE id = ${r.body.id}`);
    expect(search).toEqual({ search_name: 'alice smith', search_emails: 'alice@example.com a.smith@home.test', search_phones: '15551234' });
  });

  it('defaults: only full_name is required; notes null, arrays empty', async () => {
    const r = await post({ full_name: 'Bare Minimum' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ full_name: 'Bare Minimum', emails: [], phones: [], notes: null, anniversaries: [] });
  });

  it('documents every route in /openapi.json', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths['/v1/contacts/']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/v1/contacts/{id}/']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(doc.paths['/v1/contacts/{id}/'].delete.responses).toHaveProperty('202');
    expect(doc.paths['/v1/context/{label_id}/entities/{entity_type}/{entity_id}/']).toHaveProperty('delete');
  });

  it('serves the path without its trailing slash too', async () => {
    const r = await call('GET', `/v1/contacts?inbox_id=${t.inboxId}`, { token: t.session });
    expect(r.status).toBe(200);
    expect(r.body.total).toBeGreaterThan(0);
  });

  it('unknown id is 404', async () => {
    const r = await call('GET', `/v1/contacts/ctc_nope/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('not_found');
  });

  it('a session must name the inbox', async () => {
    const r = await call('GET', '/v1/contacts/', { token: t.session });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('inbox_id_required');
  });

  it('accepts the inbox address as inbox_id', async () => {
    const r = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.address, full_name: 'By Address' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: expect.stringMatching(/^ctc_/), full_name: 'By Address' });
    expect(await rowsOf(sql`SELECT inbox_id FROM contacts WHERE id = ${r.body.id}`)).toEqual([{ inbox_id: t.inboxId }]); // the inbox it names
    const got = await call('GET', `/v1/contacts/${r.body.id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(got.body).toEqual(r.body);
  });
});

describe('contacts: validation (each failure a 400 naming the field; nothing stored)', () => {
  let t: Tenant;
  beforeAll(async () => { t = await newTenant(); });
  const count = async () => Number((await rowsOf(sql`SELECT count(*)::int AS n FROM contacts WHERE inbox_id = ${t.inboxId}`))[0]!.n);
  const rejects = async (body: Record<string, unknown>, path: string) => {
    const before = await count();
    const r = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: 'Valid Name', ...body } });
    expect(r.status, JSON.stringify(body).slice(0, 200)).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.code).toBe('validation_failed');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await count()).toBe(before);
  };
  const accepts = async (body: Record<string, unknown>) => {
    const r = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: 'Valid Name', ...body } });
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(201);
    return r.body;
  };
  const many = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));

  it('full_name: 1–200 characters, required', async () => {
    await rejects({ full_name: '' }, 'full_name');
    await rejects({ full_name: '   ' }, 'full_name');
    await rejects({ full_name: 'x'.repeat(201) }, 'full_name');
    await rejects({ full_name: 42 }, 'full_name');
    const r = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('full_name');
    expect((await accepts({ full_name: 'y'.repeat(200) })).full_name).toHaveLength(200);
    expect((await accepts({ full_name: 'Q' })).full_name).toBe('Q');
  });

  it('emails: at most 20, each a valid address', async () => {
    await rejects({ emails: many(21, (i) => ({ address: `p${i}@example.com` })) }, 'emails');
    expect((await accepts({ emails: many(20, (i) => ({ address: `p${i}@example.com` })) })).emails).toHaveLength(20);
    await rejects({ emails: [{ address: 'not-an-address' }] }, 'emails.0.address');
    await rejects({ emails: [{ address: 'ok@example.com' }, { label: 'home', address: 'two@@example.com' }] }, 'emails.1.address');
    await rejects({ emails: [{ address: 'spaces in@example.com' }] }, 'emails.0.address');
    await rejects({ emails: [{ label: 'work' }] }, 'emails.0.address');
    await rejects({ emails: 'alice@example.com' }, 'emails');
  });

  it('phones: at most 20, each containing digits', async () => {
    await rejects({ phones: many(21, (i) => ({ number: `+1 555 ${1000 + i}` })) }, 'phones');
    expect((await accepts({ phones: many(20, (i) => ({ number: `+1 555 ${1000 + i}` })) })).phones).toHaveLength(20);
    await rejects({ phones: [{ number: 'call me' }] }, 'phones.0.number');
    await rejects({ phones: [{ number: '+1 555 0100' }, { number: '' }] }, 'phones.1.number');
    await rejects({ phones: [{ number: 5551234 }] }, 'phones.0.number');
    expect((await accepts({ phones: [{ number: '(555) 12-34' }] })).phones).toEqual([{ label: null, number: '(555) 12-34' }]);
  });

  it('notes: up to 10,000 characters', async () => {
    await rejects({ notes: 'n'.repeat(10_001) }, 'notes');
    expect((await accepts({ notes: 'n'.repeat(10_000) })).notes).toHaveLength(10_000);
    expect((await accepts({ notes: null })).notes).toBeNull();
  });

  it('anniversaries: at most 20; type 1–40 of a-z 0-9 _ -, lower-cased', async () => {
    await rejects({ anniversaries: many(21, (i) => ({ type: `t${i}`, date: '--01-01' })) }, 'anniversaries');
    expect((await accepts({ anniversaries: many(20, (i) => ({ type: `t${i}`, date: '--01-01' })) })).anniversaries).toHaveLength(20);
    await rejects({ anniversaries: [{ type: 'name day', date: '--01-01' }] }, 'anniversaries.0.type');
    await rejects({ anniversaries: [{ type: '', date: '--01-01' }] }, 'anniversaries.0.type');
    await rejects({ anniversaries: [{ type: 'x'.repeat(41), date: '--01-01' }] }, 'anniversaries.0.type');
    await rejects({ anniversaries: [{ type: 'fête', date: '--01-01' }] }, 'anniversaries.0.type');
    await rejects({ anniversaries: [{ type: 'Share_Received', date: '--01-01' }] }, 'anniversaries.0.type'); // reserved: an event type of its own
    await rejects({ anniversaries: [{ date: '--01-01' }] }, 'anniversaries.0.type');
    const ok = await accepts({ anniversaries: [
      { type: 'Birthday', date: '1990-07-14' }, { type: 'WEDDING_anniv-2', date: '--06-01' }, { type: 'x'.repeat(40), date: '--01-01' },
    ] });
    expect(ok.anniversaries.map((a: { type: string }) => a.type)).toEqual(['birthday', 'wedding_anniv-2', 'x'.repeat(40)]);
  });

  it('anniversary dates: YYYY-MM-DD must be a real date; --MM-DD allows --02-29', async () => {
    await rejects({ anniversaries: [{ type: 'birthday', date: '1985-02-29' }] }, 'anniversaries.0.date');
    await rejects({ anniversaries: [{ type: 'birthday', date: '1990-04-31' }] }, 'anniversaries.0.date');
    await rejects({ anniversaries: [{ type: 'birthday', date: '1990-13-01' }] }, 'anniversaries.0.date');
    await rejects({ anniversaries: [{ type: 'birthday', date: '--02-30' }] }, 'anniversaries.0.date');
    await rejects({ anniversaries: [{ type: 'birthday', date: '--13-01' }] }, 'anniversaries.0.date');
    await rejects({ anniversaries: [{ type: 'birthday', date: '--00-10' }] }, 'anniversaries.0.date');
    await rejects({ anniversaries: [{ type: 'a', date: '--01-01' }, { type: 'birthday', date: '14 July 1990' }] }, 'anniversaries.1.date');
    await rejects({ anniversaries: [{ type: 'birthday', date: '1990-7-14' }] }, 'anniversaries.0.date');
    await rejects({ anniversaries: [{ type: 'birthday' }] }, 'anniversaries.0.date');
    const ok = await accepts({ anniversaries: [
      { type: 'birthday', date: '1984-02-29' }, { type: 'nameday', date: '--02-29' }, { type: 'wedding', date: '2000-12-31' },
      { type: 'birthday', date: '--01-01' },
    ] });
    expect(ok.anniversaries).toEqual([
      { type: 'birthday', date: '1984-02-29' }, { type: 'nameday', date: '--02-29' }, { type: 'wedding', date: '2000-12-31' },
      { type: 'birthday', date: '--01-01' },
    ]);
  });

  it('several problems are all listed', async () => {
    const r = await call('POST', '/v1/contacts/', { token: t.session, body: {
      inbox_id: t.inboxId, full_name: '', emails: [{ address: 'x' }], anniversaries: [{ type: 'ok', date: '--02-30' }],
    } });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['anniversaries.0.date', 'emails.0.address', 'full_name']);
  });

  it('NUL characters (which Postgres text cannot hold) are a 400/404, never a 500', async () => {
    await rejects({ full_name: 'a\u0000b' }, 'full_name');
    await rejects({ notes: 'x\u0000' }, 'notes');
    await rejects({ phones: [{ number: '555\u00001234' }] }, 'phones.0.number');
    await rejects({ emails: [{ label: '\u0000', address: 'a@example.com' }] }, 'emails.0.label');
    expect((await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&q=a%00b`, { token: t.session })).status).toBe(400);
    expect((await call('GET', `/v1/contacts/ctc%00x/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(404);
  });

  it('malformed JSON is a 400, not a 500', async () => {
    const before = await count();
    const r = await call('POST', '/v1/contacts/', { token: t.session, rawBody: '{"full_name":', headers: { 'content-type': 'application/json' } });
    expectProblem(r, 400, 'validation_failed');
    expect(await count()).toBe(before);
  });
});

describe('contacts: PATCH', () => {
  let t: Tenant;
  let id: string;
  beforeAll(async () => {
    t = await newTenant();
    id = (await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, ...alice } })).body.id;
  });
  const patch = (body: Record<string, unknown>, headers?: Record<string, string>, now?: string) =>
    call('PATCH', `/v1/contacts/${id}/`, { token: t.session, body: { inbox_id: t.inboxId, ...body }, headers, now });
  const get = async () => (await call('GET', `/v1/contacts/${id}/?inbox_id=${t.inboxId}`, { token: t.session })).body;

  it('changes only the fields sent', async () => {
    const before = await get();
    // A later clock (within the session's lifetime) shows in updated_at.
    const later = new Date(Math.floor(Date.now() / 1000) * 1000 + 120_000).toISOString();
    const r = await patch({ full_name: 'Alice Jones' }, undefined, later);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...before, full_name: 'Alice Jones', updated_at: later.replace('.000Z', 'Z') });
    expect(await get()).toEqual(r.body);
    const [row] = await rowsOf(sql`SELECT search_name FROM contacts WHERE id = ${id}`);
    expect(row!.search_name).toBe('alice jones');
  });

  it('arrays replace; the anniversaries table follows', async () => {
    const r = await patch({
      emails: [{ address: 'NEW@Example.com' }],
      phones: [],
      anniversaries: [{ type: 'Wedding', date: '--06-15' }],
    });
    expect(r.status).toBe(200);
    expect(r.body.emails).toEqual([{ label: null, address: 'NEW@Example.com' }]);
    expect(r.body.phones).toEqual([]);
    expect(r.body.anniversaries).toEqual([{ type: 'wedding', date: '--06-15' }]);
    expect(await rowsOf(sql`SELECT position, type, month, day, year FROM contact_anniversaries WHERE contact_id = ${id}`))
      .toEqual([{ position: 0, type: 'wedding', month: 6, day: 15, year: null }]);
    const [row] = await rowsOf(sql`SELECT search_emails, search_phones FROM contacts WHERE id = ${id}`);
    expect(row).toEqual({ search_emails: 'new@example.com', search_phones: '' });

    // Growing the list again, and clearing it.
    await patch({ anniversaries: [{ type: 'birthday', date: '1970-01-01' }, { type: 'wedding', date: '--06-16' }, { type: 'x', date: '--03-03' }] });
    expect((await rowsOf(sql`SELECT type FROM contact_anniversaries WHERE contact_id = ${id} ORDER BY position`)).map((a) => a.type))
      .toEqual(['birthday', 'wedding', 'x']);
    expect((await patch({ anniversaries: [] })).body.anniversaries).toEqual([]);
    expect(await rowsOf(sql`SELECT 1 FROM contact_anniversaries WHERE contact_id = ${id}`)).toEqual([]);
  });

  it('notes: null clears; absent keeps', async () => {
    await patch({ notes: 'keep me' });
    expect((await patch({ full_name: 'Alice Smith' })).body.notes).toBe('keep me');
    const r = await patch({ notes: null });
    expect(r.status).toBe(200);
    expect(r.body.notes).toBeNull();
    expect((await get()).notes).toBeNull();
  });

  it('invalid input is a 400 naming the field, and nothing changes', async () => {
    const before = await get();
    for (const [body, path] of [
      [{ full_name: null }, 'full_name'],
      [{ full_name: '' }, 'full_name'],
      [{ emails: [{ address: 'bad' }] }, 'emails.0.address'],
      [{ phones: [{ number: 'none' }] }, 'phones.0.number'],
      [{ anniversaries: [{ type: 'birthday', date: '1985-02-29' }] }, 'anniversaries.0.date'],
      [{ notes: 'n'.repeat(10_001) }, 'notes'],
      [{ emails: null }, 'emails'],
    ] as const) {
      const r = await patch(body as Record<string, unknown>);
      expect(r.status, path).toBe(400);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect(await get()).toEqual(before);
  });

  it('an empty patch is a 400 and changes nothing (the one PATCH rule: test/patch-rules.test.ts)', async () => {
    const before = await get();
    const r = await patch({});
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('validation_failed');
    expect(r.body.detail).toContain('send at least one field');
    expect(await get()).toEqual(before);
  });

  it('unknown id is 404', async () => {
    const r = await call('PATCH', '/v1/contacts/ctc_missing/', { token: t.session, body: { inbox_id: t.inboxId, notes: 'x' } });
    expectProblem(r, 404, 'not_found');
    expect(await rowsOf(sql`SELECT 1 FROM contacts WHERE id = 'ctc_missing'`)).toEqual([]); // no upsert
  });
});

describe('contacts: ETag and If-Match', () => {
  let t: Tenant;
  beforeAll(async () => { t = await newTenant(); });
  const create = async () => call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: 'Etag Person' } });

  it('PATCH with a current ETag succeeds and returns a new one; a stale one is 412 and changes nothing', async () => {
    const c = await create();
    const tag1 = c.headers.get('etag')!;
    const ok = await call('PATCH', `/v1/contacts/${c.body.id}/`, { token: t.session, body: { inbox_id: t.inboxId, notes: 'v2' }, headers: { 'if-match': tag1 } });
    expect(ok.status).toBe(200);
    const tag2 = ok.headers.get('etag')!;
    expect(tag2).toMatch(/^"/);
    expect(tag2).not.toBe(tag1);
    const got = await call('GET', `/v1/contacts/${c.body.id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(got.headers.get('etag')).toBe(tag2);

    const stale = await call('PATCH', `/v1/contacts/${c.body.id}/`, { token: t.session, body: { inbox_id: t.inboxId, notes: 'v3' }, headers: { 'if-match': tag1 } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');
    const after = await call('GET', `/v1/contacts/${c.body.id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(after.body.notes).toBe('v2');

    // A list of tags, one current, passes.
    const listed = await call('PATCH', `/v1/contacts/${c.body.id}/`, { token: t.session, body: { inbox_id: t.inboxId, notes: 'v4' }, headers: { 'if-match': `${tag1}, ${tag2}` } });
    expect(listed.status).toBe(200);
  });

  it('DELETE honours If-Match', async () => {
    const c = await create();
    const tag = c.headers.get('etag')!;
    await call('PATCH', `/v1/contacts/${c.body.id}/`, { token: t.session, body: { inbox_id: t.inboxId, notes: 'changed' } });
    const stale = await call('DELETE', `/v1/contacts/${c.body.id}/?inbox_id=${t.inboxId}`, { token: t.session, headers: { 'if-match': tag } });
    expectProblem(stale, 412, 'precondition_failed');
    const kept = await call('GET', `/v1/contacts/${c.body.id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ id: c.body.id, full_name: 'Etag Person', notes: 'changed' });
    const current = kept.headers.get('etag')!;
    const del = await call('DELETE', `/v1/contacts/${c.body.id}/?inbox_id=${t.inboxId}`, { token: t.session, headers: { 'if-match': current } });
    expect(del.status).toBe(204);
    expect(del.body).toBeNull();
    expectProblem(await call('GET', `/v1/contacts/${c.body.id}/?inbox_id=${t.inboxId}`, { token: t.session }), 404, 'not_found');
    expect(await rowsOf(sql`SELECT 1 FROM contacts WHERE id = ${c.body.id}`)).toEqual([]);
  });
});

describe('contacts: DELETE, approval hold, idempotent create', () => {
  let t: Tenant;
  beforeAll(async () => { t = await newTenant(); });

  it('deletes the contact, its anniversaries and its label associations', async () => {
    const c = (await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, ...alice } })).body;
    const label = (await call('POST', '/v1/context/', { token: t.session, body: { inbox_id: t.inboxId, name: 'Friends', label_type: 'contact' } })).body;
    expect((await call('POST', `/v1/context/${label.label_id}/entities/`, { token: t.session, body: { inbox_id: t.inboxId, entity_type: 'contact', entity_id: c.id } })).status).toBe(204);
    expect(await rowsOf(sql`SELECT 1 FROM label_entities WHERE entity_id = ${c.id}`)).toHaveLength(1);

    const del = await call('DELETE', `/v1/contacts/${c.id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(del.status).toBe(204);
    expect((await call('GET', `/v1/contacts/${c.id}/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(404);
    expect(await rowsOf(sql`SELECT 1 FROM contact_anniversaries WHERE contact_id = ${c.id}`)).toEqual([]);
    expect(await rowsOf(sql`SELECT 1 FROM label_entities WHERE entity_id = ${c.id}`)).toEqual([]);
    expect((await call('DELETE', `/v1/contacts/${c.id}/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(404);
  });

  it('a held delete waits for approval, then deletes', async () => {
    const agent = await t.agent(['contacts:read', 'contacts:write', 'contacts:delete'], ['contacts:delete'], 'cleaner');
    const c = (await call('POST', '/v1/contacts/', { token: agent, body: { full_name: 'Held Harry' } })).body;
    const held = await call('DELETE', `/v1/contacts/${c.id}/`, { token: agent });
    expect(held.status).toBe(202);
    expect(held.body).toEqual({ queued: true, approval_id: expect.stringMatching(/^apr_/) });
    expect((await call('GET', `/v1/contacts/${c.id}/`, { token: agent })).status).toBe(200); // not yet

    const approve = await call('POST', `/v1/approvals/${held.body.approval_id}/approve/`, { token: t.session, body: { inbox_id: t.inboxId } });
    expect(approve.status).toBe(204);
    expect((await call('GET', `/v1/contacts/${c.id}/`, { token: agent })).status).toBe(404);
    const ap = await call('GET', `/v1/approvals/${held.body.approval_id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(ap.body).toMatchObject({ status: 'approved', action_type: 'contacts:delete', result_status: 204 });
  });

  it('a rejected delete leaves the contact', async () => {
    const agent = await t.agent(['contacts:read', 'contacts:write', 'contacts:delete'], ['contacts:delete']);
    const c = (await call('POST', '/v1/contacts/', { token: agent, body: { full_name: 'Kept Kim' } })).body;
    const held = await call('DELETE', `/v1/contacts/${c.id}/`, { token: agent });
    expect(held.status).toBe(202);
    expect((await call('POST', `/v1/approvals/${held.body.approval_id}/reject/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(204);
    const kept = await call('GET', `/v1/contacts/${c.id}/`, { token: agent });
    expect(kept.status).toBe(200);
    expect(kept.body).toEqual(c);
    const ap = await call('GET', `/v1/approvals/${held.body.approval_id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(ap.body).toMatchObject({ status: 'rejected', action_type: 'contacts:delete', result_status: null });
  });

  it('Idempotency-Key replays the first create; another body with the key is 409', async () => {
    const key = `create-${Date.now()}`;
    const body = { inbox_id: t.inboxId, full_name: 'Idem Potent', emails: [{ address: 'idem@example.com' }] };
    const first = await call('POST', '/v1/contacts/', { token: t.session, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const again = await call('POST', '/v1/contacts/', { token: t.session, body, headers: { 'idempotency-key': key } });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await rowsOf(sql`SELECT id FROM contacts WHERE inbox_id = ${t.inboxId} AND full_name = 'Idem Potent'`)).toHaveLength(1);

    const other = await call('POST', '/v1/contacts/', { token: t.session, body: { ...body, full_name: 'Someone Else' }, headers: { 'idempotency-key': key } });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(await rowsOf(sql`SELECT id FROM contacts WHERE inbox_id = ${t.inboxId} AND full_name = 'Someone Else'`)).toHaveLength(0);
  });
});

describe('contacts: scopes and tenant isolation', () => {
  let a: Tenant;
  let b: Tenant;
  let id: string;
  beforeAll(async () => {
    a = await newTenant('A');
    b = await newTenant('B');
    id = (await call('POST', '/v1/contacts/', { token: a.session, body: { inbox_id: a.inboxId, ...alice } })).body.id;
  });
  const untouched = async () => {
    const r = await call('GET', `/v1/contacts/${id}/?inbox_id=${a.inboxId}`, { token: a.session });
    expect(r.status).toBe(200);
    expect(r.body.full_name).toBe('Alice Smith');
  };

  it('another tenant\'s contact is 404 on every route (session naming its own inbox)', async () => {
    const s = { token: b.session };
    expect((await call('GET', `/v1/contacts/${id}/?inbox_id=${b.inboxId}`, s)).status).toBe(404);
    expect((await call('PATCH', `/v1/contacts/${id}/`, { ...s, body: { inbox_id: b.inboxId, full_name: 'Hijacked' } })).status).toBe(404);
    expect((await call('DELETE', `/v1/contacts/${id}/?inbox_id=${b.inboxId}`, s)).status).toBe(404);
    const list = await call('GET', `/v1/contacts/?inbox_id=${b.inboxId}&q=alice`, s);
    expect(list.body).toMatchObject({ results: [], total: 0 });
    await untouched();
  });

  it('another tenant\'s contact is 404 for its agent token too', async () => {
    const agent = await b.agent(['contacts:read', 'contacts:write', 'contacts:delete']);
    expectProblem(await call('GET', `/v1/contacts/${id}/`, { token: agent }), 404, 'not_found');
    expectProblem(await call('PATCH', `/v1/contacts/${id}/`, { token: agent, body: { full_name: 'Hijacked' } }), 404, 'not_found');
    expectProblem(await call('DELETE', `/v1/contacts/${id}/`, { token: agent }), 404, 'not_found');
    await untouched();
  });

  it('naming another tenant\'s inbox: 404 for a session, 403 for an agent token', async () => {
    const leaks = (r: { body: unknown }) => expect(JSON.stringify(r.body)).not.toContain('Alice');
    const one = await call('GET', `/v1/contacts/${id}/?inbox_id=${a.inboxId}`, { token: b.session });
    expectProblem(one, 404);
    leaks(one);
    const list = await call('GET', `/v1/contacts/?inbox_id=${a.inboxId}`, { token: b.session });
    expectProblem(list, 404);
    leaks(list);
    const agent = await b.agent(['contacts:read']);
    const other = await call('GET', `/v1/contacts/?inbox_id=${a.inboxId}`, { token: agent });
    expectProblem(other, 403);
    leaks(other);
  });

  it('each route needs its scope', async () => {
    const reader = await a.agent(['contacts:read']);
    const writer = await a.agent(['contacts:write']);
    const post = await call('POST', '/v1/contacts/', { token: reader, body: { full_name: 'Nope' } });
    expect(post.status).toBe(403);
    expect(post.body).toMatchObject({ code: 'insufficient_scope', required_scope: 'contacts:write' });
    expect((await call('PATCH', `/v1/contacts/${id}/`, { token: reader, body: { notes: 'x' } })).status).toBe(403);
    expect((await call('GET', '/v1/contacts/', { token: writer })).body.required_scope).toBe('contacts:read');
    const del = await call('DELETE', `/v1/contacts/${id}/`, { token: writer });
    expect(del.status).toBe(403);
    expect(del.body.required_scope).toBe('contacts:delete');
    expect((await call('GET', '/v1/contacts/', { token: await a.agent(['read']) })).status).toBe(200);
    await untouched();
  });
});

describe('contacts: search', () => {
  let t: Tenant;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await newTenant();
    const people = [
      { full_name: 'Alice Smith', emails: [{ address: 'alice@example.com' }], phones: [{ number: '+1 555 1234' }] },
      { full_name: 'José Álvarez', emails: [{ address: 'JOSE.ALVAREZ@Correo.ES' }], phones: [{ number: '+34 (91) 123-45-67' }] },
      { full_name: 'Zoë O\'Brien-Łukasik', emails: [{ address: 'zoe_ob@dublin.ie' }], phones: [{ number: '(555) 12-34' }] },
      { full_name: 'Björn Müller', emails: [{ address: 'bjorn%mueller@work.de' }], phones: [{ number: '0049 30 7654321' }] },
      { full_name: 'Smithers Waylon', emails: [{ address: 'waylon@plant.example' }], phones: [] },
      { full_name: 'Axel Bentley', emails: [{ address: 'zoexob@other.test' }], phones: [{ number: '+44 20 7946 0958' }] },
    ];
    for (const p of people) {
      const r = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, ...p } });
      expect(r.status).toBe(201);
      ids[p.full_name] = r.body.id;
    }
  });
  const names = async (q: string) => {
    const r = await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&q=${encodeURIComponent(q)}`, { token: t.session });
    expect(r.status, q).toBe(200);
    expect(r.body.total, q).toBe(r.body.results.length);
    return r.body.results.map((c: { full_name: string }) => c.full_name);
  };

  it('names: word prefixes, case- and accent-insensitive', async () => {
    expect(await names('ali')).toEqual(['Alice Smith']);
    expect(await names('smi')).toEqual(['Alice Smith', 'Smithers Waylon']); // ordered by full_name
    expect(await names('SMITH')).toEqual(['Alice Smith', 'Smithers Waylon']);
    expect(await names('jose')).toEqual(['José Álvarez']);
    expect(await names('JOSÉ')).toEqual(['José Álvarez']);
    expect(await names('alv')).toEqual(['José Álvarez']);
    expect(await names('muller')).toEqual(['Björn Müller']);
    expect(await names('bjö')).toEqual(['Björn Müller']);
  });

  it('names: several words are ANDed, punctuation splits words, infixes do not match', async () => {
    expect(await names('smith alice')).toEqual(['Alice Smith']);
    expect(await names('alice waylon')).toEqual([]);
    expect(await names('o\'bri')).toEqual(['Zoë O\'Brien-Łukasik']);
    expect(await names('lukas')).toEqual(['Zoë O\'Brien-Łukasik']); // Ł folds to l
    expect(await names('zoe brien')).toEqual(['Zoë O\'Brien-Łukasik']);
    expect(await names('mith')).toEqual([]); // not a word prefix, and in no email
  });

  it('emails: case-insensitive substring; LIKE wildcards are literal', async () => {
    expect(await names('example.com')).toEqual(['Alice Smith']);
    expect(await names('correo.es')).toEqual(['José Álvarez']);
    expect(await names('@Dublin')).toEqual(['Zoë O\'Brien-Łukasik']);
    expect(await names('lant.exa')).toEqual(['Smithers Waylon']);
    // `_` must not match any character (zoexob@…), `%` must not match everything.
    expect(await names('zoe_ob')).toEqual(['Zoë O\'Brien-Łukasik']);
    expect(await names('n%mu')).toEqual(['Björn Müller']);
    expect(await names('%')).toEqual(['Björn Müller']);
    expect(await names('\\')).toEqual([]);
  });

  it('phones: digits, ignoring +, spaces, dashes and brackets', async () => {
    expect(await names('5551234')).toEqual(['Alice Smith', 'Zoë O\'Brien-Łukasik']);
    expect(await names('+1 555 1234')).toEqual(['Alice Smith']);
    expect(await names('(555) 12-34')).toEqual(['Alice Smith', 'Zoë O\'Brien-Łukasik']);
    expect(await names('123-45-67')).toEqual(['José Álvarez']);
    expect(await names('+34 91')).toEqual(['José Álvarez']);
    expect(await names('7946')).toEqual(['Axel Bentley']);
    expect(await names('12')).toEqual([]); // under 3 digits: not a phone search
  });

  it('an empty or blank q lists everything; q is limited to 200 characters', async () => {
    expect(await names('')).toHaveLength(6);
    expect(await names('   ')).toHaveLength(6);
    const r = await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&q=${'a'.repeat(201)}`, { token: t.session });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('q');
  });

  it('non-Latin scripts are searchable too', async () => {
    const r = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: 'Дмитрий Иванов' } });
    expect(r.status).toBe(201);
    expect(await names('дми')).toEqual(['Дмитрий Иванов']);
    expect(await names('ИВАН')).toEqual(['Дмитрий Иванов']);
    await call('DELETE', `/v1/contacts/${r.body.id}/?inbox_id=${t.inboxId}`, { token: t.session });
  });

  it('search follows PATCH', async () => {
    const id = ids['Axel Bentley']!;
    await call('PATCH', `/v1/contacts/${id}/`, { token: t.session, body: { inbox_id: t.inboxId, full_name: 'Axel Ñúñez', phones: [{ number: '999-000-111' }] } });
    expect(await names('nunez')).toEqual(['Axel Ñúñez']);
    expect(await names('000111')).toEqual(['Axel Ñúñez']);
    expect(await names('7946')).toEqual([]);
  });
});

describe('contacts: pagination', () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await newTenant();
    for (const full_name of ['Carol', 'anna', 'Bob', 'Dave', 'Bob']) {
      const r = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name } });
      expect(r.status).toBe(201);
    }
  });
  const list = (qs: string) => call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&${qs}`, { token: t.session });

  it('orders by full_name, then id, in the envelope', async () => {
    const r = await list('');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['limit', 'next_cursor', 'position', 'results', 'total']);
    expect(r.body.next_cursor).toBeNull();
    expect(r.body).toMatchObject({ total: 5, position: 0, limit: 50 });
    const order = r.body.results.map((c: { full_name: string; id: string }) => c.full_name);
    const [first, second] = r.body.results.filter((c: { full_name: string }) => c.full_name === 'Bob');
    expect(first.id < second.id).toBe(true);
    expect(order).toHaveLength(5);
    // Database collation decides anna vs Bob; the two Bobs are adjacent, Carol before Dave.
    expect(order.indexOf('Carol')).toBeLessThan(order.indexOf('Dave'));
    expect(order.lastIndexOf('Bob') - order.indexOf('Bob')).toBe(1);
  });

  it('pages with offset/position and limit', async () => {
    const all = (await list('limit=200')).body.results.map((c: { id: string }) => c.id);
    const p1 = await list('limit=2');
    const p2 = await list('limit=2&offset=2');
    const p3 = await list('limit=2&position=4');
    expect(p1.body).toMatchObject({ total: 5, position: 0, limit: 2 });
    expect(p2.body).toMatchObject({ total: 5, position: 2, limit: 2 });
    expect(p3.body).toMatchObject({ total: 5, position: 4, limit: 2 });
    expect([...p1.body.results, ...p2.body.results, ...p3.body.results].map((c: { id: string }) => c.id)).toEqual(all);
    expect(p3.body.results).toHaveLength(1);
  });

  it('an offset past the end is an empty page with the right total', async () => {
    for (const qs of ['offset=5', 'offset=1000', 'offset=7&q=bob']) {
      const r = await list(qs);
      expect(r.status).toBe(200);
      expect(r.body.results).toEqual([]);
      expect(r.body.total).toBe(qs.includes('bob') ? 2 : 5);
    }
  });

  it('out-of-range paging is a 400', async () => {
    for (const [qs, path] of [['limit=0', 'limit'], ['limit=201', 'limit'], ['limit=abc', 'limit'], ['offset=-1', 'offset'], ['position=x', 'position']]) {
      const r = await list(qs!);
      expect(r.status, qs).toBe(400);
      expect(r.body.errors[0].path).toBe(path);
    }
    expect((await list('limit=200')).status).toBe(200);
    expect((await list('limit=1')).body.results).toHaveLength(1);
  });
});
