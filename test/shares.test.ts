// Contact shares (docs/contacts.md): offers and requests between inboxes of one tenant, decided by the
// receiving inbox; a pending task in its agenda and contact.share_received there; expiry by the
// minute scan (dated in 2020, a stretch no other file scans).
import { describe, it, expect } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, expectProblem, newTenant, recorder, rowsOf, withDb, type Tenant } from './helpers';
import { scanDue } from '../src/jobs/scan';

const SCOPES = ['contacts:read', 'contacts:write', 'alerts:read', 'alerts:write', 'read'];

async function secondInbox(t: Tenant, name: string) {
  const address = `${name}-${crypto.randomUUID().slice(0, 8)}@inbox.test`;
  const inbox = (await call('POST', '/v1/inboxes/', { token: t.session, body: { address, display_name: name } })).body;
  const token = (await call('POST', '/v1/tokens/', { token: t.session, body: { inbox_id: inbox.inbox_id, label: name, scopes: SCOPES, requires_approval: [] } })).body.token as string;
  return { inboxId: inbox.inbox_id as string, address, token };
}

const contactsOf = async (token: string) => (await call('GET', '/v1/contacts/?limit=200', { token })).body.results as any[];
const pendingShares = async (token: string) => (await call('GET', '/v1/agenda/?days=7', { token })).body.items.filter((i: any) => i.share_id);

describe('contact shares', () => {
  it('an offer is a pending task and a share_received firing in the other inbox; accepting copies the card once', async () => {
    const t = await newTenant('Share offer');
    const token = await t.agent(SCOPES);
    const sales = await secondInbox(t, 'sales');
    const alert = (await call('POST', '/v1/alerts/', { token: sales.token, body: { events: ['contact.share_received'], delivery: { type: 'task', target: 'Shared: {contact_address}' } } })).body;
    const card = { full_name: 'Iris Vale', emails: [{ label: 'work', address: 'Iris@Example.com' }], phones: [{ label: null, number: '+1 555 0100' }], notes: 'Met at the fair', anniversaries: [{ type: 'birthday', date: '1988-04-02' }] };
    const contact = (await call('POST', '/v1/contacts/', { token, body: card })).body;

    const offered = await call('POST', '/v1/contacts/shares/', { token, body: { type: 'offer', to_inbox_id: sales.inboxId, contact_id: contact.id } });
    expect(offered.status).toBe(201);
    const share = offered.body;
    expect(share).toMatchObject({ type: 'offer', status: 'pending', from_inbox_id: t.inboxId, to_inbox_id: sales.inboxId, contact_address: 'iris@example.com', resolved_at: null });
    expect(share.share_id).toMatch(/^shr_/);
    // Changing the contact afterwards does not change what was offered.
    await call('PATCH', `/v1/contacts/${contact.id}/`, { token, body: { notes: 'changed later' } });

    expect(await pendingShares(sales.token)).toEqual([expect.objectContaining({ type: 'task', id: share.share_id, share_id: share.share_id, pending: true, date: '', due: null })]);
    expect(await pendingShares(token)).toEqual([]);
    const [ledger] = await rowsOf(sql`SELECT type, payload FROM deliveries WHERE alert_id = ${alert.id}`);
    expect(ledger).toEqual({ type: 'contact.share_received', payload: { share_id: share.share_id, type: 'offer', from_inbox_id: t.inboxId, contact_address: 'iris@example.com' } });

    // Only the receiving inbox decides.
    expectProblem(await call('POST', `/v1/contacts/shares/${share.share_id}/accept/`, { token }), 404, 'not_found');
    const [a, b] = await Promise.all([1, 2].map(() => call('POST', `/v1/contacts/shares/${share.share_id}/accept/`, { token: sales.token })));
    expect([a!.status, b!.status].sort()).toEqual([200, 409]);
    const accepted = a!.status === 200 ? a!.body : b!.body;
    expect(accepted).toMatchObject({ status: 'accepted' });
    expect(accepted.resolved_at).toMatch(/Z$/);
    const copied = await contactsOf(sales.token);
    expect(copied).toHaveLength(1);
    expect(copied[0]).toMatchObject({ full_name: 'Iris Vale', notes: 'Met at the fair', emails: [{ label: 'work', address: 'Iris@Example.com' }], phones: card.phones, anniversaries: card.anniversaries });
    expectProblem(await call('POST', `/v1/contacts/shares/${share.share_id}/decline/`, { token: sales.token }), 409, 'conflict');
    expect(await pendingShares(sales.token)).toEqual([]);
    // Both inboxes list it (decided within the last 7 days).
    for (const tk of [token, sales.token]) {
      expect((await call('GET', '/v1/contacts/shares/', { token: tk })).body.map((s: any) => [s.share_id, s.status])).toEqual([[share.share_id, 'accepted']]);
    }
  });

  it('accepting into a contact with the same address keeps its name and notes and unions the rest', async () => {
    const t = await newTenant('Share merge');
    const token = await t.agent(SCOPES);
    const ops = await secondInbox(t, 'ops');
    const mine = (await call('POST', '/v1/contacts/', { token, body: { full_name: 'Jon Park', emails: [{ address: 'jon@example.com' }, { address: 'jon@home.example' }], phones: [{ number: '555-0101' }], anniversaries: [{ type: 'wedding', date: '2015-06-20' }] } })).body;
    const theirs = (await call('POST', '/v1/contacts/', { token: ops.token, body: { full_name: 'Jonathan P.', notes: 'Ops notes', emails: [{ address: 'JON@example.com' }], phones: [{ number: '(555) 0101' }, { number: '555 9999' }] } })).body;
    const share = (await call('POST', '/v1/contacts/shares/', { token, body: { type: 'offer', to_inbox_id: ops.inboxId, contact_id: mine.id } })).body;
    expect((await call('POST', `/v1/contacts/shares/${share.share_id}/accept/`, { token: ops.token })).status).toBe(200);
    const all = await contactsOf(ops.token);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      id: theirs.id, full_name: 'Jonathan P.', notes: 'Ops notes',
      emails: [{ address: 'JON@example.com' }, { address: 'jon@home.example' }],
      phones: [{ number: '(555) 0101' }, { number: '555 9999' }],
      anniversaries: [{ type: 'wedding', date: '2015-06-20' }],
    });
  });

  it('a request is decided by the holder: accept copies its card to the asker; no such contact is a 409; decline', async () => {
    const t = await newTenant('Share request');
    const token = await t.agent(SCOPES);
    const hr = await secondInbox(t, 'hr');
    await call('POST', '/v1/contacts/', { token: hr.token, body: { full_name: 'Kay Moss', emails: [{ address: 'kay@example.com' }] } });
    const asked = (await call('POST', '/v1/contacts/shares/', { token, body: { type: 'request', to_inbox_id: hr.inboxId, contact_address: 'KAY@example.com', note: 'For the offsite' } })).body;
    expect(asked).toMatchObject({ type: 'request', status: 'pending', contact_address: 'kay@example.com', note: 'For the offsite' });
    const missing = (await call('POST', '/v1/contacts/shares/', { token, body: { type: 'request', to_inbox_id: hr.inboxId, contact_address: 'nobody@example.com' } })).body;
    expect((await pendingShares(hr.token)).map((i: any) => i.share_id).sort()).toEqual([asked.share_id, missing.share_id].sort());

    expect((await call('POST', `/v1/contacts/shares/${asked.share_id}/accept/`, { token: hr.token })).body.status).toBe('accepted');
    expect((await contactsOf(token)).map((c) => c.full_name)).toEqual(['Kay Moss']);
    expectProblem(await call('POST', `/v1/contacts/shares/${missing.share_id}/accept/`, { token: hr.token }), 409, 'conflict');
    expect((await call('GET', '/v1/contacts/shares/', { token: hr.token })).body.find((s: any) => s.share_id === missing.share_id).status).toBe('pending');
    expect((await call('POST', `/v1/contacts/shares/${missing.share_id}/decline/`, { token: hr.token })).body.status).toBe('declined');
    expect(await pendingShares(hr.token)).toEqual([]);
  });

  it('bad input is a 400 naming the field; another tenant\'s inboxes and shares are 404', async () => {
    const t = await newTenant('Share rules');
    const token = await t.agent(SCOPES);
    const other = await secondInbox(t, 'other');
    const bare = (await call('POST', '/v1/contacts/', { token, body: { full_name: 'No Mail' } })).body;
    const x = await newTenant('Share stranger');
    const tx = await x.agent(SCOPES);
    for (const [body, status, path] of [
      [{ type: 'offer', to_inbox_id: other.inboxId }, 400, 'contact_id'],
      [{ type: 'request', to_inbox_id: other.inboxId }, 400, 'contact_address'],
      [{ type: 'request', to_inbox_id: other.inboxId, contact_address: 'not an address' }, 400, 'contact_address'],
      [{ type: 'gift', to_inbox_id: other.inboxId }, 400, 'type'],
      [{ type: 'offer', to_inbox_id: other.inboxId, contact_id: bare.id }, 400, 'contact_id'],
      [{ type: 'request', to_inbox_id: t.inboxId, contact_address: 'a@example.com' }, 400, 'to_inbox_id'],
      [{ type: 'request', to_inbox_id: x.inboxId, contact_address: 'a@example.com' }, 404, null],
      [{ type: 'offer', to_inbox_id: other.inboxId, contact_id: 'ctc_nope' }, 404, null],
    ] as const) {
      const r = await call('POST', '/v1/contacts/shares/', { token, body });
      expectProblem(r, status);
      if (path) expect(r.body.errors.map((e: any) => e.path), JSON.stringify(body)).toContain(path);
    }
    const share = (await call('POST', '/v1/contacts/shares/', { token, body: { type: 'request', to_inbox_id: other.inboxId, contact_address: 'a@example.com' } })).body;
    for (const path of [`/v1/contacts/shares/${share.share_id}/accept/`, `/v1/contacts/shares/${share.share_id}/decline/`]) {
      expectProblem(await call('POST', path, { token: tx }), 404, 'not_found');
    }
    expect((await call('GET', '/v1/contacts/shares/', { token: tx })).body).toEqual([]);
    expect((await call('GET', '/v1/contacts/shares/', { token: other.token })).body[0].status).toBe('pending');
  });

  it('a pending share expires after 30 days, by the minute scan', async () => {
    const t = await newTenant('Share expiry');
    const token = await t.agent(SCOPES);
    const later = await secondInbox(t, 'later');
    const share = (await call('POST', '/v1/contacts/shares/', { token, now: '2020-10-01T12:00:00Z', body: { type: 'request', to_inbox_id: later.inboxId, contact_address: 'old@example.com' } })).body;
    expect(share.expires_at).toBe('2020-10-31T12:00:00Z');
    const scan = (at: string) => withDb((db) => scanDue(db, recorder(), new Date(at), { from: new Date(new Date(at).getTime() - 60_000), to: new Date(at) }));
    await scan('2020-10-31T11:59:00Z');
    const [before] = await rowsOf(sql`SELECT status FROM contact_shares WHERE id = ${share.share_id}`);
    expect(before!.status).toBe('pending');
    await scan('2020-10-31T12:00:00Z');
    const [after] = await rowsOf(sql`SELECT status, resolved_at FROM contact_shares WHERE id = ${share.share_id}`);
    expect(after!.status).toBe('expired');
    expectProblem(await call('POST', `/v1/contacts/shares/${share.share_id}/accept/`, { token: later.token }), 409, 'conflict');
  });
});
