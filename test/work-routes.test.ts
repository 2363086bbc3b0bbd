// Work routes (docs/mail.md): requests mailed through the real send binding, answered by reply mail
// through the real email() handler or through the API; the agenda's work_route items and pending
// tasks; reminders by the minute scan through the outbox and the real queue handler. The scan
// is global, so the reminder test dates its route in its own stretch of 2020 (see test/sequences.test.ts).
import { describe, it, expect } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, deliver, deliverMail, expectProblem, newTenant, recorder, rowsOf, withDb, type Tenant } from './helpers';
import { scanDue } from '../src/jobs/scan';

const SCOPES = ['work_routes:read', 'work_routes:write', 'contacts:read', 'contacts:write', 'email:read', 'alerts:read', 'alerts:write', 'read'];

/** A second inbox of the tenant, with an agent token for it. */
async function secondInbox(t: Tenant, name: string) {
  const address = `${name}-${crypto.randomUUID().slice(0, 8)}@inbox.test`;
  const inbox = (await call('POST', '/v1/inboxes/', { token: t.session, body: { address, display_name: name } })).body;
  const token = (await call('POST', '/v1/tokens/', { token: t.session, body: { inbox_id: inbox.inbox_id, label: name, scopes: SCOPES, requires_approval: [] } })).body.token as string;
  return { inboxId: inbox.inbox_id as string, address, token };
}

const outbound = async (token: string) =>
  (await call('GET', '/v1/messages/?direction=outbound&limit=200', { token })).body.results as any[];

/** The request mail last sent to `email` (not a reminder, which replies to it). */
async function requestTo(token: string, email: string) {
  const m = (await outbound(token)).find((x) => x.to.some((a: any) => a.email === email) && !x.subject.startsWith('Re: '));
  if (!m) throw new Error(`no request mail to ${email}`);
  return m;
}

/** A reply from `from` to the request mail, with the request quoted below an attribution line. */
function reply(t: Tenant, from: string, request: any, firstLine: string) {
  return deliverMail({
    from, to: t.address, subject: `Re: ${request.subject}`, inReplyTo: request.rfc_message_id, references: [request.rfc_message_id],
    text: `${firstLine}\n\nOn Mon, 1 Jun 2026 at 09:00, ${t.address} wrote:\n> ${request.text_body.split('\n').join('\n> ')}`,
  });
}

const agendaItems = async (token: string) => (await call('GET', '/v1/agenda/?days=7', { token })).body.items as any[];

describe('work routes', () => {
  it('an ordered approval advances one recipient at a time on each approval by reply mail, and completes', async () => {
    const t = await newTenant('Route ordered');
    const token = await t.agent(SCOPES);
    const second = await secondInbox(t, 'finance');
    const contact = (await call('POST', '/v1/contacts/', { token, body: { full_name: 'Dana Legal', emails: [{ address: 'Dana@Example.com' }] } })).body;
    const alert = (await call('POST', '/v1/alerts/', { token, body: { events: ['work_route.completed'], delivery: { type: 'task', target: 'Done: {title} ({completed_recipients}/{total_recipients})' } } })).body;

    const created = await call('POST', '/v1/work-routes/', {
      token, body: {
        title: 'Approve the Q3 budget', description: 'Numbers in the sheet.', request_type: 'approval', routing_mode: 'ordered',
        due_at: '2099-01-01T17:00:00Z',
        recipients: [{ kind: 'email', email: 'CFO@example.com' }, { kind: 'contact', contact_id: contact.id }, { kind: 'inbox', inbox_id: second.inboxId }],
      },
    });
    expect(created.status).toBe(201);
    const route = created.body;
    // The answer is exactly what a read shows.
    expect((await call('GET', `/v1/work-routes/${route.route_id}/`, { token })).body).toEqual(route);
    expect(route).toMatchObject({
      title: 'Approve the Q3 budget', request_type: 'approval', routing_mode: 'ordered', status: 'active', due_at: '2099-01-01T17:00:00Z',
      waiting_on: 1, completed_recipients: 0, total_recipients: 3, source: null,
    });
    expect(route.recipients.map((r: any) => [r.kind, r.email, r.status])).toEqual([
      ['email', 'cfo@example.com', 'waiting'], ['contact', 'dana@example.com', 'queued'], ['inbox', second.address, 'queued'],
    ]);
    expect(route.recipients[1].contact_id).toBe(contact.id);
    expect(route.recipients[2].inbox_id).toBe(second.inboxId);
    // One request mail so far, to the first recipient.
    let sent = await outbound(token);
    expect(sent).toHaveLength(1);
    const first = sent[0];
    expect(first).toMatchObject({ subject: 'Approval requested: Approve the Q3 budget', to: [{ email: 'cfo@example.com' }] });
    expect(first.text_body).toContain('Numbers in the sheet.');

    // The creator's agenda shows the route with its progress, whatever the window.
    expect((await agendaItems(token)).filter((i) => i.type === 'work_route')).toEqual([{
      id: route.route_id, type: 'work_route', title: 'Approve the Q3 budget', date: '2099-01-01', due: '2099-01-01', status: 'active', role: 'creator',
      request_type: 'approval', waiting_on: 1, completed_recipients: 0, total_recipients: 3, route_id: route.route_id, recipient_id: null,
    }]);
    // Not yet the finance inbox's turn: nothing in its agenda.
    expect((await agendaItems(second.token)).filter((i) => i.route_id)).toEqual([]);

    // Approved by mail (the quoted request, which says "Rejected" too, is not read).
    await reply(t, 'cfo@example.com', first, 'Approved — go ahead.');
    let now = (await call('GET', `/v1/work-routes/${route.route_id}/`, { token })).body;
    expect(now.recipients.map((r: any) => r.status)).toEqual(['approved', 'waiting', 'queued']);
    expect(now.recipients[0].response_text).toContain('Approved — go ahead.');
    expect(now.recipients[0].response_text).not.toContain('wrote:');
    expect(now).toMatchObject({ waiting_on: 1, completed_recipients: 1 });
    // The same reply delivered again changes nothing.
    await reply(t, 'cfo@example.com', first, 'Approved — go ahead.');
    expect((await outbound(token)).filter((m) => m.subject.startsWith('Approval requested'))).toHaveLength(2);

    // A reply that decides nothing leaves the contact waiting; then LGTM.
    const second_ = await requestTo(token, 'dana@example.com');
    await reply(t, 'dana@example.com', second_, 'Let me look at it tomorrow.');
    expect((await call('GET', `/v1/work-routes/${route.route_id}/`, { token })).body.recipients[1].status).toBe('waiting');
    await reply(t, 'dana@example.com', second_, 'LGTM');
    now = (await call('GET', `/v1/work-routes/${route.route_id}/`, { token })).body;
    expect(now.recipients.map((r: any) => r.status)).toEqual(['approved', 'approved', 'waiting']);

    // The finance inbox's turn: a pending task and the route as a recipient in its agenda.
    const financeItems = (await agendaItems(second.token)).filter((i) => i.route_id === route.route_id);
    const recipientId = now.recipients[2].recipient_id;
    expect(financeItems).toEqual([
      expect.objectContaining({ type: 'task', id: recipientId, pending: true, date: '', due: null, title: 'Approve: Approve the Q3 budget', route_id: route.route_id, recipient_id: recipientId }),
      expect.objectContaining({ type: 'work_route', id: route.route_id, role: 'recipient', route_id: route.route_id, recipient_id: recipientId, waiting_on: 1, completed_recipients: 2, total_recipients: 3 }),
    ]);
    // It sees the route, and answers for itself only.
    expect((await call('GET', `/v1/work-routes/?role=recipient`, { token: second.token })).body.total).toBe(1);
    expectProblem(await call('POST', `/v1/work-routes/${route.route_id}/responses/`, { token: second.token, body: { recipient_id: now.recipients[0].recipient_id, decision: 'approve' } }), 404, 'not_found');
    expectProblem(await call('POST', `/v1/work-routes/${route.route_id}/responses/`, { token: second.token, body: { recipient_id: recipientId, decision: 'acknowledge' } }), 400, 'validation_failed');
    const done = await call('POST', `/v1/work-routes/${route.route_id}/responses/`, { token: second.token, body: { recipient_id: recipientId, decision: 'approve', text: 'Fine by finance.' } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', waiting_on: 0, completed_recipients: 3, total_recipients: 3 });
    expect(done.body.recipients[2]).toMatchObject({ status: 'approved', response_text: 'Fine by finance.' });
    expectProblem(await call('POST', `/v1/work-routes/${route.route_id}/responses/`, { token, body: { recipient_id: recipientId, decision: 'approve' } }), 409, 'conflict');

    // Ended: out of both agendas; work_route.completed fired once, as a task.
    expect((await agendaItems(token)).filter((i) => i.type === 'work_route')).toEqual([]);
    expect((await agendaItems(second.token)).filter((i) => i.route_id)).toEqual([]);
    const deliveries = (await call('GET', `/v1/alerts/${alert.id}/deliveries/`, { token })).body.results;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].type).toBe('work_route.completed');
    const [ledger] = await rowsOf(sql`SELECT payload FROM deliveries WHERE alert_id = ${alert.id}`);
    expect(ledger!.payload).toEqual({ route_id: route.route_id, title: 'Approve the Q3 budget', status: 'completed', request_type: 'approval', completed_recipients: 3, total_recipients: 3 });
    sent = await outbound(token);
    expect(sent.filter((m) => m.subject.startsWith('Approval requested'))).toHaveLength(3);
    expectProblem(await call('POST', `/v1/work-routes/${route.route_id}/cancel/`, { token }), 409, 'conflict');
  });

  it('a rejection (or a request for changes) ends a parallel approval: no more mail, no completion', async () => {
    const t = await newTenant('Route parallel');
    const token = await t.agent(SCOPES);
    const alert = (await call('POST', '/v1/alerts/', { token, body: { events: ['work_route.completed'], delivery: { type: 'task', target: 'Done: {title}' } } })).body;
    const route = (await call('POST', '/v1/work-routes/', {
      token, body: {
        title: 'Ship the redesign', request_type: 'approval', routing_mode: 'parallel',
        recipients: [{ kind: 'email', email: 'ann@example.com' }, { kind: 'email', email: 'bob@example.com' }],
        response_detection: { phrases: { approve: ['ship it'] } },
      },
    })).body;
    expect(route).toMatchObject({ waiting_on: 2, status: 'active' });
    expect(await outbound(token)).toHaveLength(2);
    const toAnn = await requestTo(token, 'ann@example.com');
    const toBob = await requestTo(token, 'bob@example.com');
    // Custom approve phrases replace the defaults: "approved" no longer approves.
    await reply(t, 'ann@example.com', toAnn, 'Approved');
    expect((await call('GET', `/v1/work-routes/${route.route_id}/`, { token })).body.recipients[0].status).toBe('waiting');
    await reply(t, 'ann@example.com', toAnn, 'Ship it!');
    await reply(t, 'bob@example.com', toBob, 'Changes requested: the footer is off.');
    const ended = (await call('GET', `/v1/work-routes/${route.route_id}/`, { token })).body;
    expect(ended).toMatchObject({ status: 'rejected', waiting_on: 0, completed_recipients: 2 });
    expect(ended.recipients.map((r: any) => r.status)).toEqual(['approved', 'changes_requested']);
    expect((await call('GET', `/v1/alerts/${alert.id}/deliveries/`, { token })).body.total).toBe(0);
    expect(await outbound(token)).toHaveLength(2);
    expect((await call('GET', `/v1/work-routes/?status=rejected`, { token })).body.total).toBe(1);
  });

  it('acknowledgements and text responses: any reply answers; drafts start once; bad input is a precise 4xx', async () => {
    const t = await newTenant('Route kinds');
    const token = await t.agent(SCOPES);
    const ack = (await call('POST', '/v1/work-routes/', { token, body: { title: 'Read the policy', request_type: 'acknowledgement', routing_mode: 'parallel', recipients: [{ kind: 'email', email: 'eve@example.com' }] } })).body;
    await reply(t, 'eve@example.com', await requestTo(token, 'eve@example.com'), 'ok');
    expect((await call('GET', `/v1/work-routes/${ack.route_id}/`, { token })).body).toMatchObject({ status: 'completed', recipients: [{ status: 'acknowledged' }] });

    const draft = await call('POST', '/v1/work-routes/', { token, body: { title: 'Name the project', request_type: 'text_response', routing_mode: 'ordered', start: false, recipients: [{ kind: 'email', email: 'sam@example.com' }, { kind: 'email', email: 'kim@example.com' }] } });
    expect(draft.status).toBe(201);
    expect((await call('GET', `/v1/work-routes/${draft.body.route_id}/`, { token })).body).toEqual(draft.body);
    expect(draft.body).toMatchObject({ status: 'draft', waiting_on: 0 });
    expect(draft.body.recipients.map((r: any) => r.status)).toEqual(['queued', 'queued']);
    const before = (await outbound(token)).length;
    // Not started: nobody can answer yet.
    expectProblem(await call('POST', `/v1/work-routes/${draft.body.route_id}/responses/`, { token, body: { recipient_id: draft.body.recipients[0].recipient_id, decision: 'respond' } }), 409, 'conflict');
    const [a, b] = await Promise.all([1, 2].map(() => call('POST', `/v1/work-routes/${draft.body.route_id}/start/`, { token })));
    expect([a!.status, b!.status].sort()).toEqual([200, 409]);
    expect((await outbound(token)).length).toBe(before + 1);
    const rid = draft.body.recipients;
    expectProblem(await call('POST', `/v1/work-routes/${draft.body.route_id}/responses/`, { token, body: { recipient_id: rid[1].recipient_id, decision: 'respond' } }), 409, 'conflict');
    expectProblem(await call('POST', `/v1/work-routes/${draft.body.route_id}/responses/`, { token, body: { recipient_id: rid[0].recipient_id, decision: 'approve' } }), 400, 'validation_failed');
    await reply(t, 'sam@example.com', await requestTo(token, 'sam@example.com'), 'Project Lighthouse.');
    const mid = (await call('GET', `/v1/work-routes/${draft.body.route_id}/`, { token })).body;
    expect(mid.recipients.map((r: any) => [r.status, r.response_text])).toEqual([['responded', 'Project Lighthouse.'], ['waiting', null]]);
    const cancelled = await call('POST', `/v1/work-routes/${draft.body.route_id}/cancel/`, { token });
    expect(cancelled.body.status).toBe('cancelled');
    expect((await call('POST', `/v1/work-routes/${draft.body.route_id}/cancel/`, { token })).body).toEqual(cancelled.body);
    // Cancelled: kim's answer by mail changes nothing.
    await reply(t, 'kim@example.com', await requestTo(token, 'kim@example.com'), 'Orion');
    expect((await call('GET', `/v1/work-routes/${draft.body.route_id}/`, { token })).body.recipients[1].status).toBe('waiting');

    const noMail = (await call('POST', '/v1/contacts/', { token, body: { full_name: 'No Mail' } })).body;
    const base = { title: 'x', request_type: 'approval', routing_mode: 'parallel' };
    for (const [body, status, path] of [
      [{ ...base, recipients: [] }, 400, 'recipients'],
      [{ ...base, recipients: Array.from({ length: 21 }, (_, i) => ({ kind: 'email', email: `p${i}@example.com` })) }, 400, 'recipients'],
      [{ ...base, recipients: [{ kind: 'phone', number: '1' }] }, 400, 'recipients.0.kind'],
      [{ ...base, recipients: [{ kind: 'email', email: 'not-an-address' }] }, 400, 'recipients.0.email'],
      [{ ...base, request_type: 'vote', recipients: [{ kind: 'email', email: 'a@example.com' }] }, 400, 'request_type'],
      [{ ...base, due_at: 'whenever', recipients: [{ kind: 'email', email: 'a@example.com' }] }, 400, 'due_at'],
      [{ ...base, recipients: [{ kind: 'contact', contact_id: noMail.id }] }, 400, 'recipients.0.contact_id'],
      [{ ...base, recipients: [{ kind: 'contact', contact_id: 'ctc_nope' }] }, 404, null],
      [{ ...base, recipients: [{ kind: 'inbox', inbox_id: 'inb_nope' }] }, 404, null],
      [{ ...base, recipients: [{ kind: 'email', email: 'a@example.com' }], source: { type: 'email', message_id: 'msg_nope' } }, 404, null],
    ] as const) {
      const r = await call('POST', '/v1/work-routes/', { token, body });
      expectProblem(r, status);
      if (path) expect(r.body.errors.map((e: any) => e.path), JSON.stringify(body)).toContain(path);
    }
    expect((await call('GET', '/v1/work-routes/?role=creator', { token })).body.total).toBe(2);
    for (const q of ['role=boss', 'status=open', 'limit=0']) expectProblem(await call('GET', `/v1/work-routes/?${q}`, { token }), 400, 'validation_failed');
    for (const body of [{ recipient_id: rid[1].recipient_id, decision: 'maybe' }, { decision: 'respond' }, { recipient_id: rid[1].recipient_id, decision: 'respond', text: 7 }]) {
      expectProblem(await call('POST', `/v1/work-routes/${draft.body.route_id}/responses/`, { token, body }), 400, 'validation_failed');
    }
    expectProblem(await call('POST', `/v1/work-routes/${draft.body.route_id}/responses/`, { token, body: { recipient_id: 'rcp_nope', decision: 'respond' } }), 404, 'not_found');
    expectProblem(await call('GET', '/v1/work-routes/rte_nope/', { token }), 404, 'not_found');
    const ref = await call('GET', '/v1/work-routes/reference/');
    expect(ref.status).toBe(200);
    expect(ref.body).toMatchObject({ resource: 'work_routes', request_types: ['approval', 'acknowledgement', 'text_response'], routing_modes: ['parallel', 'ordered'] });
    expect(ref.body.decisions.approval).toEqual(['approve', 'reject', 'request_changes']);
  });

  it('past its due time, each recipient still waiting gets one reminder, in the request thread', async () => {
    const t = await newTenant('Route reminder');
    const token = await t.agent(SCOPES);
    const createdAt = '2020-02-10T09:00:00Z';
    const route = (await call('POST', '/v1/work-routes/', {
      token, now: createdAt, body: {
        title: 'Sign the NDA', request_type: 'approval', routing_mode: 'parallel', due_at: '2020-02-12T17:00:00Z',
        recipients: [{ kind: 'email', email: 'quick@example.com' }, { kind: 'email', email: 'slow@example.com' }],
      },
    })).body;
    await reply(t, 'quick@example.com', await requestTo(token, 'quick@example.com'), 'approved');
    const scan = async (instant: string) => {
      const now = new Date(instant);
      const queue = recorder();
      await withDb((db) => scanDue(db, queue, now, { from: new Date(now.getTime() - 60_000), to: now }));
      const ours = new Set((await rowsOf(sql`SELECT o.id FROM outbox o JOIN route_recipients r ON r.id = o.recipient_id WHERE r.route_id = ${route.route_id}`)).map((r) => r.id as string));
      const mine = queue.sent.filter((id) => ours.has(id));
      if (mine.length) await deliver(mine);
      return mine;
    };
    expect(await scan('2020-02-12T16:59:00Z')).toEqual([]);
    const due = await scan('2020-02-12T17:00:30Z');
    expect(due).toHaveLength(1);
    await deliver(due, 2); // redelivered: nothing more
    expect(await scan('2020-02-12T17:01:30Z')).toEqual([]);
    expect(await scan('2020-02-20T09:00:00Z')).toEqual([]);
    const reminders = (await outbound(token)).filter((m) => m.subject === 'Re: Approval requested: Sign the NDA');
    expect(reminders).toHaveLength(1);
    const request = await requestTo(token, 'slow@example.com');
    expect(reminders[0]).toMatchObject({ to: [{ email: 'slow@example.com' }], thread_id: request.thread_id, in_reply_to: request.rfc_message_id });
    expect(reminders[0].text_body).toContain('Sign the NDA');
  });

  it('a retried create (same Idempotency-Key) mails once; a held create runs once, on approve', async () => {
    const t = await newTenant('Route once');
    const token = await t.agent(SCOPES);
    const body = { title: `Once ${crypto.randomUUID()}`, request_type: 'acknowledgement', routing_mode: 'parallel', recipients: [{ kind: 'email', email: 'once@example.com' }] };
    const a = await call('POST', '/v1/work-routes/', { token, body, headers: { 'idempotency-key': 'route-once-1' } });
    const b = await call('POST', '/v1/work-routes/', { token, body, headers: { 'idempotency-key': 'route-once-1' } });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.body.route_id).toBe(a.body.route_id);
    expect((await call('GET', '/v1/work-routes/', { token })).body.total).toBe(1);
    expect(await outbound(token)).toHaveLength(1);

    const held = await t.agent(SCOPES, ['work_routes:write'], 'held');
    const r = await call('POST', '/v1/work-routes/', { token: held, body: { ...body, title: 'Held' } });
    expect(r.status).toBe(202);
    expect((await call('GET', '/v1/work-routes/', { token })).body.total).toBe(1);
    expect((await call('POST', `/v1/approvals/${r.body.approval_id}/approve/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(204);
    const routes = (await call('GET', '/v1/work-routes/', { token })).body;
    expect(routes.results.map((x: any) => x.title)).toEqual([body.title, 'Held']);
    expect(await outbound(token)).toHaveLength(2);
  });

  it('another tenant gets 404 for every route and recipient of this one, and cannot name its inboxes', async () => {
    const a = await newTenant('Route owner');
    const ta = await a.agent(SCOPES);
    const route = (await call('POST', '/v1/work-routes/', { token: ta, body: { title: 'Mine', request_type: 'approval', routing_mode: 'parallel', recipients: [{ kind: 'email', email: 'x@example.com' }] } })).body;
    const b = await newTenant('Route other');
    const tb = await b.agent(SCOPES);
    for (const [method, path, body] of [
      ['GET', `/v1/work-routes/${route.route_id}/`],
      ['POST', `/v1/work-routes/${route.route_id}/start/`],
      ['POST', `/v1/work-routes/${route.route_id}/cancel/`],
      ['POST', `/v1/work-routes/${route.route_id}/responses/`, { recipient_id: route.recipients[0].recipient_id, decision: 'approve' }],
      ['POST', '/v1/work-routes/', { title: 'x', request_type: 'approval', routing_mode: 'parallel', recipients: [{ kind: 'inbox', inbox_id: a.inboxId }] }],
    ] as const) {
      expectProblem(await call(method, path, { token: tb, body }), 404, 'not_found');
    }
    expect((await call('GET', '/v1/work-routes/', { token: tb })).body.total).toBe(0);
    expect((await call('GET', `/v1/work-routes/${route.route_id}/`, { token: ta })).body).toMatchObject({ status: 'active', recipients: [{ status: 'waiting' }] });
  });
});
