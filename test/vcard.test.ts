// vCard interchange (docs/interchange.md) through the real routes: the export read back with ical.js,
// imports of 3.0 and 4.0 cards the way Apple and Google write them, matching by UID (create,
// update, skip), export → import between inboxes, tenant isolation, and bad input that writes nothing.
import { describe, it, expect, beforeAll } from 'vitest';
import ICAL from 'ical.js';
import { SELF } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { call, expectProblem, newTenant, rowsOf, type Tenant } from './helpers';

const VCARD = 'text/vcard';

const exportOf = (token: string, inboxId: string, path = '/v1/contacts/export.vcf') =>
  call('GET', `${path}?inbox_id=${inboxId}`, { token });
const importInto = (token: string, inboxId: string, text: string, contentType = VCARD) =>
  call('POST', `/v1/contacts/import/?inbox_id=${inboxId}`, { token, rawBody: text, headers: { 'content-type': contentType } });

const createContact = async (t: Tenant, body: Record<string, unknown>) => {
  const r = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, ...body } });
  expect(r.status).toBe(201);
  return r.body;
};

/** The contacts of an inbox by name, without what differs between inboxes (id, timestamps). */
async function contactsOf(t: Tenant) {
  const r = await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&limit=200`, { token: t.session });
  expect(r.status).toBe(200);
  return r.body.results.map(({ id: _id, created_at: _c, updated_at: _u, ...fields }: Record<string, unknown>) => fields);
}

const countOf = async (inboxId: string) =>
  Number((await rowsOf(sql`SELECT count(*)::int AS n FROM contacts WHERE inbox_id = ${inboxId}`))[0]!.n);

/** A card as Apple Contacts (macOS) exports it: vCard 3.0, grouped labels, X-ABDATE, omitted year. */
const appleCard = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//macOS 14.4//EN',
  'N:Appleseed;Johnny;;;',
  'FN:Johnny Appleseed',
  'ORG:Orchard Ltd.;',
  'item1.EMAIL;type=INTERNET;type=WORK;type=pref:johnny@orchard.example',
  'TEL;type=CELL;type=VOICE;type=pref:+1 (555) 010-7788',
  'item2.TEL:020 7946 0000',
  'item2.X-ABLabel:_$!<Home>!$_',
  'BDAY;X-APPLE-OMIT-YEAR=1604:1604-01-31',
  'item3.X-ABDATE;type=pref:2012-06-15',
  'item3.X-ABLabel:_$!<Anniversary>!$_',
  'NOTE:Prefers Granny Smith\\, not Gala.\\nCall after 6.',
  'UID:5C1D0A2B-APPLE-0001',
  'END:VCARD',
  '',
].join('\r\n');

/** A card as Google Contacts exports it for vCard 4.0 tools. */
const googleCard = [
  'BEGIN:VCARD',
  'VERSION:4.0',
  'UID:urn:uuid:0b3e2a38-7f4c-4d7e-9a55-2c1f8b1e6d01',
  'FN:Grace Hopper',
  'N:Hopper;Grace;;;',
  'EMAIL;TYPE=home:grace@navy.example',
  'TEL;VALUE=uri;TYPE="cell,voice":tel:+1-202-555-0199',
  'BDAY:19061209',
  'X-ANNIVERSARY;TYPE=nameday:--1210',
  'END:VCARD',
  '',
].join('\r\n');

describe('vCard export', () => {
  let t: Tenant;
  let alice: Record<string, any>;
  let bob: Record<string, any>;
  beforeAll(async () => {
    t = await newTenant('vCard export');
    alice = await createContact(t, {
      full_name: 'Alice Smith',
      emails: [{ label: 'work', address: 'alice@example.com' }, { address: 'a.smith@home.test' }],
      phones: [{ label: 'mobile', number: '+1 555 1234' }],
      notes: 'Met at the conference; bring coffee, two.\nSecond line.',
      anniversaries: [{ type: 'birthday', date: '1990-07-14' }, { type: 'wedding', date: '2015-06-20' }, { type: 'nameday', date: '--12-06' }],
    });
    bob = await createContact(t, { full_name: 'Bob', anniversaries: [{ type: 'birthday', date: '--02-29' }] });
  });

  it('GET /v1/contacts/export.vcf (no trailing slash) is the export, not a contact id: text/vcard, one card a contact', async () => {
    const r = await exportOf(t.session, t.inboxId);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/vcard; charset=utf-8');
    expect(typeof r.body).toBe('string');
    expect(r.body.match(/^BEGIN:VCARD\r$/gm)).toHaveLength(2);
    // The same with the documented trailing slash.
    const slash = await exportOf(t.session, t.inboxId, '/v1/contacts/export.vcf/');
    expect(slash.status).toBe(200);
    expect(slash.body).toBe(r.body);
  });

  it('ical.js reads every documented property back: UID, FN, N, EMAIL, TEL, BDAY, ANNIVERSARY, X-ANNIVERSARY, NOTE', async () => {
    const text: string = (await exportOf(t.session, t.inboxId)).body;
    const parsed = ICAL.parse(text);
    const cards: ICAL.Component[] = (Array.isArray(parsed[0]) ? parsed : [parsed]).map((j: any) => new ICAL.Component(j));
    expect(cards.map((c) => c.getFirstPropertyValue('fn'))).toEqual(['Alice Smith', 'Bob']); // by name
    const a = cards[0]!;
    expect(a.getFirstPropertyValue('version')).toBe('4.0');
    expect(a.getFirstPropertyValue('uid')).toBe(alice.id);
    expect(a.getFirstPropertyValue('n')).toEqual(['Smith', 'Alice', '', '', '']);
    expect(a.getAllProperties('email').map((p) => [p.getParameter('type') ?? null, p.getFirstValue()])).toEqual([
      ['work', 'alice@example.com'], [null, 'a.smith@home.test'],
    ]);
    expect(a.getAllProperties('tel').map((p) => [p.getParameter('type'), p.getFirstValue()])).toEqual([['mobile', '+1 555 1234']]);
    expect(String(a.getFirstPropertyValue('bday'))).toBe('1990-07-14');
    const anniversary = a.getFirstProperty('anniversary')!;
    expect([anniversary.getParameter('type'), String(anniversary.getFirstValue())]).toEqual(['wedding', '2015-06-20']);
    const x = a.getFirstProperty('x-anniversary')!;
    expect([x.getParameter('type'), x.getFirstValue()]).toEqual(['nameday', '--1206']);
    expect(a.getFirstPropertyValue('note')).toBe('Met at the conference; bring coffee, two.\nSecond line.');

    const b = cards[1]!;
    expect(b.getFirstPropertyValue('uid')).toBe(bob.id);
    expect(String(b.getFirstPropertyValue('bday'))).toBe('--02-29');
    expect(b.getFirstProperty('note')).toBeNull();
    // Year-less dates travel as --MMDD (RFC 6350 §4.3.1), escapes as written.
    expect(text).toContain('\r\nBDAY:--0229\r\n');
    expect(text).toContain('\r\nX-ANNIVERSARY;TYPE=nameday:--1206\r\n');
    expect(text).toContain('\r\nNOTE:Met at the conference; bring coffee\\, two.\\nSecond line.\r\n');
  });

  it('needs contacts:read; an agent token exports its own inbox', async () => {
    const reader = await t.agent(['contacts:read']);
    const r = await call('GET', '/v1/contacts/export.vcf', { token: reader });
    expect(r.status).toBe(200);
    expect(r.body).toContain(`UID:${alice.id}`);
    const writer = await t.agent(['task:read']);
    expectProblem(await call('GET', '/v1/contacts/export.vcf', { token: writer }), 403, 'insufficient_scope');
    expectProblem(await call('GET', '/v1/contacts/export.vcf'), 401);
  });

  it('an empty inbox exports an empty body; both routes are in /openapi.json', async () => {
    const empty = await newTenant('vCard empty');
    const r = await exportOf(empty.session, empty.inboxId);
    expect(r.status).toBe(200);
    expect(r.body).toBeNull(); // an empty body (call() reads '' as null)
    const doc = (await call('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths['/v1/contacts/export.vcf/'])).toEqual(['get']);
    expect(doc.paths['/v1/contacts/export.vcf/'].get.responses['200'].content).toHaveProperty(['text/vcard']);
    expect(doc.paths['/v1/contacts/import/'].post.requestBody.content).toHaveProperty(['text/vcard']);
  });
});

describe('vCard import', () => {
  let t: Tenant;
  beforeAll(async () => { t = await newTenant('vCard import'); });

  it('imports a 3.0 (Apple) and a 4.0 (Google) card: contacts that GET, search and the agenda return', async () => {
    const r = await importInto(t.session, t.inboxId, appleCard + googleCard);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ created: 2, updated: 0, skipped: 0 });

    const found = await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&q=apple`, { token: t.session });
    expect(found.body.total).toBe(1);
    const johnny = found.body.results[0];
    const got = await call('GET', `/v1/contacts/${johnny.id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(got.body).toMatchObject({
      full_name: 'Johnny Appleseed',
      emails: [{ label: 'work', address: 'johnny@orchard.example' }],
      phones: [{ label: 'cell', number: '+1 (555) 010-7788' }, { label: 'home', number: '020 7946 0000' }],
      notes: 'Prefers Granny Smith, not Gala.\nCall after 6.',
      anniversaries: [{ type: 'birthday', date: '--01-31' }, { type: 'anniversary', date: '2012-06-15' }],
    });
    // Search by email substring and by phone digits finds the 4.0 card.
    const byEmail = await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&q=navy.example`, { token: t.session });
    expect(byEmail.body.results.map((c: any) => c.full_name)).toEqual(['Grace Hopper']);
    const byPhone = await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&q=2025550199`, { token: t.session });
    expect(byPhone.body.results[0]).toMatchObject({
      full_name: 'Grace Hopper',
      phones: [{ label: 'cell', number: '+1-202-555-0199' }],
      anniversaries: [{ type: 'birthday', date: '1906-12-09' }, { type: 'nameday', date: '--12-10' }],
    });

    // The agenda (which reads the anniversary rows the scan reads) shows the imported birthday.
    const agenda = await call('GET', `/v1/agenda/?inbox_id=${t.inboxId}&days=3`, { token: t.session, now: '2026-01-30T12:00:00Z' });
    expect(agenda.status).toBe(200);
    expect(agenda.body.items).toContainEqual(expect.objectContaining({
      type: 'anniversary', contact_id: johnny.id, anniversary_type: 'birthday', date: '2026-01-31', title: 'Johnny Appleseed — Birthday',
    }));
  });

  it('an imported contact is stored exactly like the same contact made through the API (search columns, anniversary rows)', async () => {
    const [imported] = await rowsOf(sql`SELECT id, uid FROM contacts WHERE inbox_id = ${t.inboxId} AND full_name = 'Grace Hopper'`);
    expect(imported!.uid).toBe('urn:uuid:0b3e2a38-7f4c-4d7e-9a55-2c1f8b1e6d01');
    const twin = await createContact(t, {
      full_name: 'Grace Hopper', emails: [{ label: 'home', address: 'grace@navy.example' }], phones: [{ label: 'cell', number: '+1-202-555-0199' }],
      anniversaries: [{ type: 'birthday', date: '1906-12-09' }, { type: 'nameday', date: '--12-10' }],
    });
    const stored = (id: string) => rowsOf(sql`
      SELECT full_name, emails, phones, notes, search_name, search_emails, search_phones, name_tsv::text AS tsv,
        (SELECT json_agg(json_build_object('p', position, 'type', type, 'date', date, 'y', year, 'm', month, 'd', day, 'inbox', inbox_id) ORDER BY position)
           FROM contact_anniversaries WHERE contact_id = c.id) AS anniversaries
      FROM contacts c WHERE id = ${id}`);
    expect(await stored(imported!.id)).toEqual(await stored(twin.id));
    await call('DELETE', `/v1/contacts/${twin.id}/?inbox_id=${t.inboxId}`, { token: t.session });
  });

  it('the same cards again are skipped; a changed card updates (its fields replace the stored ones)', async () => {
    expect((await importInto(t.session, t.inboxId, googleCard + appleCard)).body).toEqual({ created: 0, updated: 0, skipped: 2 });

    const changed = appleCard
      .replace('item1.EMAIL;type=INTERNET;type=WORK;type=pref:johnny@orchard.example', 'EMAIL;type=HOME:johnny@new.example')
      .replace('item3.X-ABDATE;type=pref:2012-06-15\r\nitem3.X-ABLabel:_$!<Anniversary>!$_\r\n', '')
      .replace(/NOTE:.*\r\n/, '');
    const before = await countOf(t.inboxId);
    const r = await importInto(t.session, t.inboxId, changed + googleCard);
    expect(r.body).toEqual({ created: 0, updated: 1, skipped: 1 });
    expect(await countOf(t.inboxId)).toBe(before);
    const [row] = await rowsOf(sql`SELECT id FROM contacts WHERE inbox_id = ${t.inboxId} AND uid = '5C1D0A2B-APPLE-0001'`);
    const got = await call('GET', `/v1/contacts/${row!.id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(got.body).toMatchObject({
      emails: [{ label: 'home', address: 'johnny@new.example' }],
      notes: null,
      anniversaries: [{ type: 'birthday', date: '--01-31' }],
    });
    const rows = await rowsOf(sql`SELECT position, type FROM contact_anniversaries WHERE contact_id = ${row!.id} ORDER BY position`);
    expect(rows).toEqual([{ position: 0, type: 'birthday' }]);
    // Search follows the change.
    const q = await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&q=new.example`, { token: t.session });
    expect(q.body.results.map((c: any) => c.id)).toEqual([row!.id]);
    expect((await call('GET', `/v1/contacts/?inbox_id=${t.inboxId}&q=orchard.example`, { token: t.session })).body.total).toBe(0);
  });

  it('a card that names one of this inbox\'s contact ids as UID is that contact (what the export writes)', async () => {
    const made = await createContact(t, { full_name: 'Native Nina', emails: [{ address: 'nina@example.com' }] });
    const card = `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:${made.id}\r\nFN:Nina Native\r\nEMAIL:nina@example.com\r\nEND:VCARD\r\n`;
    expect((await importInto(t.session, t.inboxId, card)).body).toEqual({ created: 0, updated: 1, skipped: 0 });
    const got = await call('GET', `/v1/contacts/${made.id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(got.body.full_name).toBe('Nina Native');
    const [row] = await rowsOf(sql`SELECT uid FROM contacts WHERE id = ${made.id}`);
    expect(row!.uid).toBeNull(); // still exported under its id
  });

  it('exporting and importing back into the same inbox changes nothing', async () => {
    const text: string = (await exportOf(t.session, t.inboxId)).body;
    const n = await countOf(t.inboxId);
    expect((await importInto(t.session, t.inboxId, text)).body).toEqual({ created: 0, updated: 0, skipped: n });
  });

  it('a card without UID gets a stable one from its content: importing it twice creates one contact', async () => {
    const card = 'BEGIN:VCARD\nVERSION:3.0\nFN:No Uid\nEMAIL;TYPE=INTERNET:no.uid@example.com\nEND:VCARD\n';
    expect((await importInto(t.session, t.inboxId, card)).body).toEqual({ created: 1, updated: 0, skipped: 0 });
    expect((await importInto(t.session, t.inboxId, card)).body).toEqual({ created: 0, updated: 0, skipped: 1 });
    const rows = await rowsOf(sql`SELECT uid FROM contacts WHERE inbox_id = ${t.inboxId} AND full_name = 'No Uid'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.uid).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await exportOf(t.session, t.inboxId)).body).toContain(`UID:${rows[0]!.uid}\r\n`);
  });

  it('the same UID twice in one body: identical is skipped; different is a 400 naming both cards', async () => {
    const card = (name: string) => `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:twice-1\r\nFN:${name}\r\nEND:VCARD\r\n`;
    expect((await importInto(t.session, t.inboxId, card('Twice') + card('Twice'))).body).toEqual({ created: 1, updated: 0, skipped: 1 });
    const before = await countOf(t.inboxId);
    const r = await importInto(t.session, t.inboxId, card('Once') + card('Other'));
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors).toEqual([{ path: 'cards.1.uid', message: expect.stringContaining('the same UID as card 0') }]);
    expect(await countOf(t.inboxId)).toBe(before);
  });

  it('a group card is skipped', async () => {
    const r = await importInto(t.session, t.inboxId, 'BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nUID:grp-1\r\nFN:Team\r\nEND:VCARD\r\n');
    expect(r.body).toEqual({ created: 0, updated: 0, skipped: 1 });
    expect(await rowsOf(sql`SELECT 1 FROM contacts WHERE inbox_id = ${t.inboxId} AND uid = 'grp-1'`)).toEqual([]);
  });

  it('an agent token with contacts:write imports into its inbox; contacts:read alone is a 403', async () => {
    const writer = await t.agent(['contacts:write']);
    const r = await call('POST', '/v1/contacts/import', { token: writer, rawBody: 'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:agent-1\r\nFN:Agent Made\r\nEND:VCARD\r\n', headers: { 'content-type': 'text/x-vcard; charset=utf-8' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ created: 1, updated: 0, skipped: 0 });
    const reader = await t.agent(['contacts:read']);
    expectProblem(await call('POST', '/v1/contacts/import/', { token: reader, rawBody: googleCard, headers: { 'content-type': VCARD } }), 403, 'insufficient_scope');
  });

  it('an import held for approval (requires_approval contacts:write) is 202, writes nothing, and imports once approved', async () => {
    const held = await t.agent(['contacts:write'], ['contacts:write']);
    const card = 'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:held-1\r\nFN:Held Hannah\r\nEMAIL:hannah@example.com\r\nEND:VCARD\r\n';
    const r = await call('POST', '/v1/contacts/import/', { token: held, rawBody: card, headers: { 'content-type': VCARD } });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ queued: true, approval_id: expect.any(String) });
    expect(await rowsOf(sql`SELECT 1 FROM contacts WHERE inbox_id = ${t.inboxId} AND uid = 'held-1'`)).toEqual([]);
    const approver = await t.agent(['approvals:write', 'contacts:read']);
    expect((await call('POST', `/v1/approvals/${r.body.approval_id}/approve/`, { token: approver })).status).toBe(204);
    const found = await call('GET', '/v1/contacts/?q=hannah', { token: approver });
    expect(found.body.results).toEqual([expect.objectContaining({ full_name: 'Held Hannah', emails: [{ label: null, address: 'hannah@example.com' }] })]);
  });
});

describe('vCard between inboxes and tenants', () => {
  it('export → import into another inbox gives equal contacts; importing its export there again skips all', async () => {
    const a = await newTenant('vCard source');
    const b = await newTenant('vCard target');
    await createContact(a, {
      full_name: 'Zoë Ångström', emails: [{ label: 'Home Office', address: 'zoe@example.se' }, { label: 'pref', address: 'z@example.se' }],
      phones: [{ label: 'work,fax', number: '+46 8 123 456' }], notes: 'Semi;colons, commas\\ and\nnewlines — ünïcødé 😀'.repeat(3),
      anniversaries: [{ type: 'nameday', date: '--07-21' }, { type: 'birthday', date: '1984-02-29' }, { type: 'wedding', date: '2010-05-01' }, { type: 'anniversary', date: '--01-01' }, { type: 'birthday', date: '--03-03' }],
    });
    await createContact(a, { full_name: 'Plain Person' });
    await importInto(a.session, a.inboxId, appleCard);
    const text: string = (await exportOf(a.session, a.inboxId)).body;

    const r = await importInto(b.session, b.inboxId, text);
    expect(r.body).toEqual({ created: 3, updated: 0, skipped: 0 });
    expect(await contactsOf(b)).toEqual(await contactsOf(a));
    // B's own export carries A's UIDs now (stored as B's contacts' uid), so it matches itself.
    expect((await importInto(b.session, b.inboxId, (await exportOf(b.session, b.inboxId)).body)).body).toEqual({ created: 0, updated: 0, skipped: 3 });
    // And A's export again into B matches by those UIDs.
    expect((await importInto(b.session, b.inboxId, text)).body).toEqual({ created: 0, updated: 0, skipped: 3 });
  });

  it('another tenant never sees or changes this inbox\'s contacts: A\'s id as UID in B is a new contact of B', async () => {
    const a = await newTenant('vCard tenant A');
    const b = await newTenant('vCard tenant B');
    const mine = await createContact(a, { full_name: 'Secret Sam', emails: [{ address: 'sam@a.example' }] });
    const beforeA = await call('GET', `/v1/contacts/${mine.id}/?inbox_id=${a.inboxId}`, { token: a.session });

    const card = `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:${mine.id}\r\nFN:Hijacked Sam\r\nEMAIL:evil@b.example\r\nEND:VCARD\r\n`;
    expect((await importInto(b.session, b.inboxId, card)).body).toEqual({ created: 1, updated: 0, skipped: 0 });
    // A's contact is untouched (same representation, same ETag).
    const afterA = await call('GET', `/v1/contacts/${mine.id}/?inbox_id=${a.inboxId}`, { token: a.session });
    expect(afterA.body).toEqual(beforeA.body);
    expect(afterA.headers.get('etag')).toBe(beforeA.headers.get('etag'));
    // B got its own contact, remembering the UID; A's id is still not B's.
    const [bRow] = await rowsOf(sql`SELECT id, uid, full_name FROM contacts WHERE inbox_id = ${b.inboxId}`);
    expect(bRow).toMatchObject({ uid: mine.id, full_name: 'Hijacked Sam' });
    expect(bRow!.id).not.toBe(mine.id);
    expectProblem(await call('GET', `/v1/contacts/${mine.id}/?inbox_id=${b.inboxId}`, { token: b.session }), 404, 'not_found');
    // B's export has only B's contact (under the UID it came with); A's has only A's.
    const exportB: string = (await exportOf(b.session, b.inboxId)).body;
    expect(exportB).toContain('FN:Hijacked Sam');
    expect(exportB).not.toContain('Secret Sam');
    expect((await exportOf(a.session, a.inboxId)).body).not.toContain('Hijacked');
    // A session of B cannot name A's inbox.
    expectProblem(await exportOf(b.session, a.inboxId), 404);
    expectProblem(await importInto(b.session, a.inboxId, card), 404);
    expect(await countOf(a.inboxId)).toBe(1);
  });
});

describe('vCard import: bad input is a precise 4xx and writes nothing', () => {
  let t: Tenant;
  beforeAll(async () => { t = await newTenant('vCard bad input'); });

  const good = 'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:good-1\r\nFN:Good Card\r\nEND:VCARD\r\n';

  it('a bad email in the second card: 400 naming the card, its UID and the field; the good card is not written', async () => {
    const bad = 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bad-1\r\nFN:Bad Card\r\nEMAIL;TYPE=INTERNET:not-an-address\r\nEND:VCARD\r\n';
    const r = await importInto(t.session, t.inboxId, good + bad);
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors).toEqual([{ path: 'cards.1.emails.0.address', message: 'UID bad-1: EMAIL (line 10): must be an email address' }]);
    expect(r.body.detail).toContain('nothing was written');
    expect(await countOf(t.inboxId)).toBe(0);
  });

  it('a bad date, a phone without digits, a reserved anniversary type: every problem listed', async () => {
    const text = [
      'BEGIN:VCARD', 'VERSION:4.0', 'UID:multi', 'FN:Many Problems', 'TEL:call me', 'BDAY:19900230', 'X-ANNIVERSARY;TYPE=share_received:--0101', 'END:VCARD', '',
    ].join('\r\n');
    const r = await importInto(t.session, t.inboxId, good + text);
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors).toEqual([
      { path: 'cards.1.anniversaries.0.date', message: expect.stringMatching(/^UID multi: BDAY \(line 11\): '19900230' must be a real date/) },
      { path: 'cards.1.phones.0.number', message: 'UID multi: TEL (line 10): must contain digits' },
      { path: 'cards.1.anniversaries.1.type', message: expect.stringMatching(/^UID multi: X-ANNIVERSARY \(line 12\): share_received is reserved/) },
    ]);
    expect(await countOf(t.inboxId)).toBe(0);
  });

  it('a malformed body: no END, no VERSION, not a vCard at all, an empty body, invalid UTF-8', async () => {
    for (const [body, message] of [
      ['BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Open\r\n', 'has no END:VCARD'],
      ['BEGIN:VCARD\r\nFN:No Version\r\nEND:VCARD\r\n', 'has no VERSION'],
      ['BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Old\r\nEND:VCARD\r\n', 'version 2.1 is not supported'],
      ['hello world', 'not a content line'],
      ['', 'no vCard in the body'],
    ] as const) {
      const r = await importInto(t.session, t.inboxId, body === '' ? '' : good + body);
      expectProblem(r, 400, 'validation_failed');
      expect(JSON.stringify(r.body.errors)).toContain(message);
    }
    const bytes = new Uint8Array([...new TextEncoder().encode(good), 0xff, 0xfe]);
    const res = await SELF.fetch(`http://inbox.test/v1/contacts/import/?inbox_id=${t.inboxId}`, {
      method: 'POST', headers: { authorization: `Bearer ${t.session}`, 'content-type': VCARD }, body: bytes,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'validation_failed', detail: 'The body is not valid UTF-8.' });
    expect(await countOf(t.inboxId)).toBe(0);
  });

  it('415 for JSON, for text/plain and for another charset; 413 over 5 MiB', async () => {
    expectProblem(await call('POST', `/v1/contacts/import/?inbox_id=${t.inboxId}`, { token: t.session, body: { full_name: 'Json' } }), 415, 'unsupported_media_type');
    expectProblem(await call('POST', `/v1/contacts/import/?inbox_id=${t.inboxId}`, { token: t.session, rawBody: good }), 415, 'unsupported_media_type');
    expectProblem(await importInto(t.session, t.inboxId, good, 'text/vcard; charset=iso-8859-1'), 415, 'unsupported_media_type');
    const huge = `${good}NOTE:${'x'.repeat(5 * 1024 * 1024)}\r\n`;
    expectProblem(await importInto(t.session, t.inboxId, huge), 413, 'payload_too_large');
    expect(await countOf(t.inboxId)).toBe(0);
    // And text/vcard with an explicit UTF-8 charset is fine.
    expect((await importInto(t.session, t.inboxId, good, 'text/vcard; charset="UTF-8"')).body).toEqual({ created: 1, updated: 0, skipped: 0 });
  });
});
