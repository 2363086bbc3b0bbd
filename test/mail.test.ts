// Mail end to end (docs/mail.md): inbound through the real email() handler, outbound through the
// real send_email binding wrangler simulates, attachments in the simulated R2 bucket.
import { describe, it, expect, beforeAll } from 'vitest';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import worker from '../src/index';
import { call, deliverMail, deliverRaw, expectProblem, newTenant, rfc5322, rowsOf, testEnv, type Tenant } from './helpers';

const ALL = ['email:read', 'email:send', 'email:write', 'calendar:write', 'calendar:read', 'read', 'alerts:write', 'alerts:read'];

async function alertOn(token: string, events: string[]) {
  const r = await call('POST', '/v1/alerts/', { token, body: { events, delivery: { type: 'task', target: '{type}: {subject}' } } });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

const firingsOf = (alertId: string) => rowsOf(sql`SELECT type, payload FROM deliveries WHERE alert_id = ${alertId} ORDER BY created_at`);

describe('inbound mail', () => {
  let t: Tenant;
  let token: string;
  beforeAll(async () => {
    t = await newTenant('Mail in');
    token = await t.agent(ALL);
  });

  it('stores, threads and fires message.received once; a redelivery changes nothing', async () => {
    const alertId = await alertOn(token, ['message.received']);
    const raw = rfc5322({ from: 'alice@example.com', fromName: 'Alice Smith', to: t.address, subject: 'Hello there', text: 'Just saying hello.\nSecond line.', messageId: `hello-${crypto.randomUUID()}@example.com` });
    expect((await deliverRaw({ from: 'alice@example.com', to: t.address }, raw)).rejected).toBeNull();
    const list = await call('GET', '/v1/messages/?direction=inbound', { token });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    const m = list.body.results[0];
    expect(m).toMatchObject({
      direction: 'inbound', status: 'received', from: { email: 'alice@example.com', name: 'Alice Smith' },
      to: [{ email: t.address, name: null }], subject: 'Hello there', snippet: 'Just saying hello. Second line.', attachments: [],
    });
    expect(m.text_body).toContain('Just saying hello.');
    expect(m.sent_at).toMatch(/Z$/);
    const one = await call('GET', `/v1/messages/${m.message_id}/`, { token });
    expect(one.body).toEqual(m);

    // Email Routing may hand the same mail over again: same Message-ID, same message, no second firing.
    expect((await deliverRaw({ from: 'alice@example.com', to: t.address }, raw)).rejected).toBeNull();
    expect((await call('GET', '/v1/messages/', { token })).body.total).toBe(1);
    const firings = await firingsOf(alertId);
    expect(firings).toHaveLength(1);
    expect(firings[0]!.type).toBe('message.received');
    expect(firings[0]!.payload).toEqual({
      message_id: m.message_id, thread_id: m.thread_id, from: m.from, to: m.to, subject: 'Hello there', snippet: m.snippet, sent_at: m.sent_at,
    });
  });

  it('refuses mail for an address no inbox has, and stores nothing', async () => {
    const before = await rowsOf(sql`SELECT count(*)::int AS n FROM messages`);
    const d = await deliverMail({ from: 'alice@example.com', to: `nobody-${crypto.randomUUID()}@inbox.test`, subject: 'Anyone?', text: 'Hi' });
    expect(d.rejected).toMatch(/no such mailbox/i);
    expect((await rowsOf(sql`SELECT count(*)::int AS n FROM messages`))[0]!.n).toBe(before[0]!.n);
  });

  it('refuses mail over 25 MiB before reading it', async () => {
    let rejected: string | null = null;
    const message = {
      from: 'big@example.com', to: t.address, headers: new Headers(), raw: new Blob(['x']).stream(), rawSize: 25 * 1024 * 1024 + 1,
      setReject(r: string) { rejected = r; }, forward: async () => {}, reply: async () => {},
    } as unknown as ForwardableEmailMessage;
    const ctx = createExecutionContext();
    await worker.email!(message, testEnv, ctx);
    await waitOnExecutionContext(ctx);
    expect(rejected).toMatch(/too large/i);
  });

  it('round-trips the bytes of a 10 MiB message with attachments through R2', async () => {
    const big = new Uint8Array(10 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, Math.min(i + 65536, big.length)));
    const small = new TextEncoder().encode('name,amount\nAda,3\n');
    await deliverMail({
      from: 'files@example.com', to: t.address, subject: 'Files', text: 'Two files attached.',
      attachments: [{ filename: 'data.bin', contentType: 'application/octet-stream', content: big }, { filename: 'Übersicht.csv', contentType: 'text/csv', content: small }],
    });
    const m = (await call('GET', '/v1/messages/?limit=1', { token })).body.results[0];
    expect(m.subject).toBe('Files');
    expect(m.attachments).toEqual([
      { index: 0, filename: 'data.bin', content_type: 'application/octet-stream', size: big.length },
      { index: 1, filename: 'Übersicht.csv', content_type: 'text/csv', size: small.length },
    ]);
    const res = await worker.fetch!(new Request(`http://inbox.test/v1/messages/${m.message_id}/attachments/0/`, { headers: { authorization: `Bearer ${token}` } }) as never, testEnv, createExecutionContext());
    expect(res.status).toBe(200);
    const got = new Uint8Array(await res.arrayBuffer());
    expect(got.length).toBe(big.length);
    expect(got.every((b, i) => b === big[i])).toBe(true);
    const csv = await call('GET', `/v1/messages/${m.message_id}/attachments/1/`, { token });
    expect(csv.body).toBe('name,amount\nAda,3\n');
    expect(csv.headers.get('content-type')).toBe('text/csv');
    expect(csv.headers.get('content-disposition')).toContain("filename*=UTF-8''%C3%9Cbersicht.csv");
    expectProblem(await call('GET', `/v1/messages/${m.message_id}/attachments/2/`, { token }), 404, 'not_found');
  });

  it('keeps a message it cannot parse as raw, with no body', async () => {
    // A header block over postal-mime's limit is one it refuses to read.
    const raw = `X-Junk: ${'a'.repeat(2 * 1024 * 1024)}\r\nSubject: broken\r\n\r\nbody`;
    expect((await deliverRaw({ from: 'broken@example.com', to: t.address }, raw)).rejected).toBeNull();
    const m = (await call('GET', '/v1/messages/?limit=1', { token })).body.results[0];
    expect(m).toMatchObject({ status: 'received', from: { email: 'broken@example.com' }, subject: '', text_body: null, html_body: null });
    const [row] = await rowsOf(sql`SELECT raw_key FROM messages WHERE id = ${m.message_id}`);
    const object = await testEnv.BLOBS.get(row!.raw_key);
    expect(object && (await object.text()).length).toBe(raw.length);
  });
});

describe('sending and threading', () => {
  let t: Tenant;
  let token: string;
  beforeAll(async () => {
    t = await newTenant('Mail out');
    token = await t.agent(ALL);
  });

  it('sends, stores the outbound copy, and a reply to it joins the thread by In-Reply-To', async () => {
    const alertId = await alertOn(token, ['message.sent']);
    const sent = await call('POST', '/v1/messages/', { token, body: { to: [{ email: 'Bob@Example.com', name: 'Bob' }], subject: 'Proposal', text_body: 'Here it is.' } });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ direction: 'outbound', status: 'sent', from: { email: t.address }, to: [{ email: 'bob@example.com', name: 'Bob' }], subject: 'Proposal' });
    expect(sent.body.rfc_message_id).toMatch(/^<[^<>]+@[^<>]+>$/);
    expect(sent.body.message_id).toMatch(/^msg_/);
    expect(sent.body.thread_id).toMatch(/^thr_/);
    expect(await firingsOf(alertId)).toHaveLength(1);

    // Bob answers with a different subject: the header alone threads it.
    await deliverMail({ from: 'bob@example.com', to: t.address, subject: 'Something else entirely', text: 'Thanks!', inReplyTo: sent.body.rfc_message_id });
    const thread = await call('GET', `/v1/messages/threads/${sent.body.thread_id}/`, { token });
    expect(thread.status).toBe(200);
    expect(thread.body).toMatchObject({ thread_id: sent.body.thread_id, subject: 'Proposal', message_count: 2, awaiting_reply: false });
    expect(thread.body.participants.sort()).toEqual(['bob@example.com', t.address].sort());
    expect(thread.body.messages.map((m: any) => m.direction)).toEqual(['outbound', 'inbound']);
    const inbound = thread.body.messages[1];
    expect(inbound.in_reply_to).toBe(sent.body.rfc_message_id);

    // Replying to Bob's answer: to and subject default, headers chain both ids.
    const reply = await call('POST', '/v1/messages/', { token, body: { reply_to_message_id: inbound.message_id, text_body: 'Great.' } });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ thread_id: sent.body.thread_id, to: [{ email: 'bob@example.com' }], subject: 'Re: Something else entirely', in_reply_to: inbound.rfc_message_id });
    expect(reply.body.references).toEqual([inbound.rfc_message_id]);
    const threads = await call('GET', '/v1/messages/threads/', { token });
    expect(threads.body.total).toBe(1);
    expect(threads.body.results[0]).toMatchObject({ message_count: 3, awaiting_reply: true, last_message_id: reply.body.message_id });
  });

  it('threads by subject when headers are missing: same subject, a shared participant, within 30 days', async () => {
    const first = await call('POST', '/v1/messages/', { token, body: { to: [{ email: 'carol@example.com' }], subject: 'Budget 2027', text_body: 'Numbers?' } });
    await deliverMail({ from: 'carol@example.com', to: t.address, subject: 'RE: Fwd:  budget   2027', text: 'Attached.' });
    await deliverMail({ from: 'dave@example.com', to: t.address, subject: 'Re: Budget 2027', text: 'Not Carol.' });
    const inThread = await call('GET', `/v1/messages/?thread_id=${first.body.thread_id}`, { token });
    expect(inThread.body.results.map((m: any) => m.from.email).sort()).toEqual(['carol@example.com', t.address].sort());
  });

  it('never sends Re: Re:', async () => {
    await deliverMail({ from: 'erin@example.com', to: t.address, subject: 'Re: Re: Dinner', text: 'Yes' });
    const m = (await call('GET', '/v1/messages/?limit=1&direction=inbound', { token })).body.results[0];
    const r = await call('POST', '/v1/messages/', { token, body: { reply_to_message_id: m.message_id, text_body: 'Good' } });
    expect(r.body.subject).toBe('Re: Dinner');
  });

  it('a send the platform refuses is stored failed and answers 502', async () => {
    const refusing = { ...testEnv, EMAIL: (testEnv as any).EMAIL_REFUSING };
    const req = new Request('http://inbox.test/v1/messages/', {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: [{ email: 'frank@example.com' }], subject: 'Will fail', text_body: 'x' }),
    });
    const res = await worker.fetch!(req as never, refusing, createExecutionContext());
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await res.json<any>();
    expect(problem.code).toBe('send_failed');
    const stored = await call('GET', `/v1/messages/${problem.message_id}/`, { token });
    expect(stored.body).toMatchObject({ status: 'failed', direction: 'outbound', rfc_message_id: null, subject: 'Will fail' });
    expect(stored.body.failure_reason).toMatch(/not allowed/);
  });

  it('the same Idempotency-Key sends once', async () => {
    const body = { to: [{ email: 'gina@example.com' }], subject: `Once ${crypto.randomUUID()}`, text_body: 'x' };
    const a = await call('POST', '/v1/messages/', { token, body, headers: { 'idempotency-key': 'send-once-1' } });
    const b = await call('POST', '/v1/messages/', { token, body, headers: { 'idempotency-key': 'send-once-1' } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.body.message_id).toBe(a.body.message_id);
    const rows = await rowsOf(sql`SELECT count(*)::int AS n FROM messages WHERE inbox_id = ${t.inboxId} AND subject = ${body.subject}`);
    expect(rows[0]!.n).toBe(1);
  });

  it('a held send runs once, on approve', async () => {
    const held = await t.agent(['email:send', 'email:read'], ['email:send']);
    const subject = `Held ${crypto.randomUUID()}`;
    const r = await call('POST', '/v1/messages/', { token: held, body: { to: [{ email: 'hank@example.com' }], subject, text_body: 'x' } });
    expect(r.status).toBe(202);
    const count = async () => (await rowsOf(sql`SELECT count(*)::int AS n FROM messages WHERE inbox_id = ${t.inboxId} AND subject = ${subject}`))[0]!.n;
    expect(await count()).toBe(0);
    expect((await call('POST', `/v1/approvals/${r.body.approval_id}/approve/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(204);
    expect(await count()).toBe(1);
    // An approval decides once (the guide (docs/): a decided approval is a 400).
    expect((await call('POST', `/v1/approvals/${r.body.approval_id}/approve/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(400);
    expect(await count()).toBe(1);
  });

  it('refuses bad input with the field named, and sends nothing', async () => {
    const before = (await call('GET', '/v1/messages/', { token })).body.total;
    for (const [body, path] of [
      [{ to: [{ email: 'x@example.com' }], subject: 'No body' }, 'text_body'],
      [{ to: [{ email: 'not an address' }], subject: 's', text_body: 'x' }, 'to.0.email'],
      [{ to: [], subject: 's', text_body: 'x' }, 'to'],
      [{ subject: 's', text_body: 'x' }, 'to'],
      [{ to: [{ email: 'x@example.com' }], text_body: 'x' }, 'subject'],
      [{ to: [{ email: 'x@example.com' }], subject: 'a\r\nBcc: evil@example.com', text_body: 'x' }, 'subject'],
    ] as const) {
      const r = await call('POST', '/v1/messages/', { token, body });
      expectProblem(r, 400, 'validation_failed');
      expect(r.body.errors.map((e: any) => e.path)).toContain(path);
    }
    expectProblem(await call('POST', '/v1/messages/', { token, body: { reply_to_message_id: 'msg_nope', text_body: 'x' } }), 404, 'not_found');
    expect((await call('GET', '/v1/messages/', { token })).body.total).toBe(before);
    expectProblem(await call('GET', '/v1/messages/?after=yesterday-ish', { token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/messages/?direction=sideways', { token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/messages/?limit=0', { token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/messages/threads/?limit=201', { token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/messages/threads/?offset=-1', { token }), 400, 'validation_failed');
    expectProblem(await call('GET', '/v1/messages/?thread_id=thr_nope', { token }), 404, 'not_found');
    expectProblem(await call('GET', '/v1/messages/msg_nope/', { token }), 404, 'not_found');
    expectProblem(await call('GET', '/v1/messages/threads/thr_nope/', { token }), 404, 'not_found');
    expectProblem(await call('GET', '/v1/messages/msg_nope/suggested-events/', { token }), 404, 'not_found');
    const any = (await call('GET', '/v1/messages/?limit=1', { token })).body.results[0];
    expectProblem(await call('GET', `/v1/messages/${any.message_id}/attachments/abc/`, { token }), 404, 'not_found');
    expectProblem(await call('GET', `/v1/messages/${any.message_id}/attachments/0/`, { token }), 404, 'not_found');
    expectProblem(await call('POST', '/v1/messages/', { token, rawBody: '{"to":', headers: { 'content-type': 'application/json' } }), 400, 'validation_failed');
  });

  it('needs its scopes', async () => {
    const reader = await t.agent(['email:read']);
    expectProblem(await call('POST', '/v1/messages/', { token: reader, body: { to: [{ email: 'x@example.com' }], subject: 's', text_body: 'x' } }), 403, 'insufficient_scope');
    expectProblem(await call('POST', '/v1/messages/import/', { token: reader, body: { raw: 'x', direction: 'inbound' } }), 403, 'insufficient_scope');
    const composite = await t.agent(['read']);
    expect((await call('GET', '/v1/messages/', { token: composite })).status).toBe(200);
  });
});

describe('history import', () => {
  it('is idempotent by Message-ID, dated by Date, fires nothing', async () => {
    const t = await newTenant('Import');
    const token = await t.agent(ALL);
    const alertId = await alertOn(token, ['message.received', 'message.sent']);
    const raw = rfc5322({ from: 'old@example.com', to: t.address, subject: 'From 2025', text: 'Can we meet Tuesday at 3pm?', date: '2025-03-04T10:00:00Z', messageId: 'history-1@example.com' });
    const a = await call('POST', '/v1/messages/import/', { token, body: { raw, direction: 'inbound' } });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ sent_at: '2025-03-04T10:00:00Z', rfc_message_id: '<history-1@example.com>', status: 'received' });
    const b = await call('POST', '/v1/messages/import/', { token, body: { raw, direction: 'inbound' } });
    expect(b.status).toBe(200);
    expect(b.body.message_id).toBe(a.body.message_id);
    expect(await firingsOf(alertId)).toHaveLength(0);
    expectProblem(await call('GET', `/v1/messages/${a.body.message_id}/suggested-events/`, { token }), 404, 'not_found');

    const out = await call('POST', '/v1/messages/import/', { token, body: { raw: rfc5322({ from: t.address, to: 'old@example.com', subject: 'Re: From 2025', text: 'Sure', messageId: null, date: '2025-03-05T08:00:00Z' }), direction: 'outbound' } });
    expect(out.status).toBe(201);
    expect(out.body).toMatchObject({ direction: 'outbound', status: 'sent', thread_id: a.body.thread_id });
    expect(out.body.rfc_message_id).toMatch(/^<[0-9a-f]{64}@/);
    // No Date header: dated when imported; and a month later the subject no longer threads it.
    const undated = await call('POST', '/v1/messages/import/', { token, body: { raw: rfc5322({ from: 'old@example.com', to: t.address, subject: 'Re: From 2025', text: 'Again', date: null }), direction: 'inbound' } });
    expect(Date.parse(undated.body.sent_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(undated.body.thread_id).not.toBe(a.body.thread_id);
    expectProblem(await call('POST', '/v1/messages/import/', { token, body: { raw: '', direction: 'inbound' } }), 400, 'validation_failed');
    expectProblem(await call('POST', '/v1/messages/import/', { token, body: { raw: 'x', direction: 'up' } }), 400, 'validation_failed');
  });
});

describe('missed replies and suggested events in the agenda', () => {
  it('a missed reply appears after the threshold and goes when the reply arrives', async () => {
    const t = await newTenant('Missed');
    const token = await t.agent(ALL);
    expect((await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body: { missed_reply_threshold_days: 3, default_timezone: 'Europe/Berlin' } })).status).toBe(200);
    const sentAt = new Date(Date.now() - 2 * 86_400_000);
    const sent = await call('POST', '/v1/messages/', { token, now: sentAt, body: { to: [{ email: 'ivy@example.com' }], subject: 'Contract draft', text_body: 'Please review.' } });
    expect(sent.status).toBe(201);
    const threads = async () => (await call('GET', '/v1/agenda/', { token })).body.items.filter((i: any) => i.type === 'thread');
    expect(await threads()).toEqual([]);
    // Four days after it was sent the threshold of three has passed.
    const later = new Date(sentAt.getTime() + 4 * 86_400_000);
    const agenda = await call('GET', '/v1/agenda/', { token, now: later });
    const items = agenda.body.items.filter((i: any) => i.type === 'thread');
    expect(items).toEqual([{
      id: sent.body.message_id, type: 'thread', title: 'Contract draft', date: new Date(sent.body.sent_at).toLocaleDateString('en-CA', { timeZone: 'Europe/Berlin' }),
      sent_at: sent.body.sent_at, to: ['ivy@example.com'], thread_id: sent.body.thread_id, message_id: sent.body.message_id,
    }]);
    // Threads older than 90 days are not shown.
    const old = new Date(sentAt.getTime() + 91 * 86_400_000);
    expect((await call('GET', '/v1/agenda/', { token, now: old })).body.items.filter((i: any) => i.type === 'thread')).toEqual([]);
    await deliverMail({ from: 'ivy@example.com', to: t.address, subject: 'Re: Contract draft', text: 'Looks good.', inReplyTo: sent.body.rfc_message_id });
    expect((await call('GET', '/v1/agenda/', { token, now: later })).body.items.filter((i: any) => i.type === 'thread')).toEqual([]);
  });

  it('a suggestion appears, confirm makes exactly one event, dismiss removes another', async () => {
    const t = await newTenant('Suggest');
    const token = await t.agent(ALL);
    await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body: { default_timezone: 'America/New_York' } });
    const soon = new Date(Date.now() + 2 * 86_400_000);
    const day = soon.toLocaleDateString('en-US', { month: 'long', day: 'numeric', timeZone: 'America/New_York' });
    await deliverMail({ from: 'jane@example.com', fromName: 'Jane', to: t.address, subject: 'Re: Roadmap', text: `Could we do a call on ${day} at 10:00 for 45 minutes at Café Luna?` });
    const m = (await call('GET', '/v1/messages/?limit=1', { token })).body.results[0];
    const s = await call('GET', `/v1/messages/${m.message_id}/suggested-events/`, { token });
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ message_id: m.message_id, title: 'Roadmap', duration: 'PT45M', time_zone: 'America/New_York', location: 'Café Luna', status: 'open', event_id: null });
    expect(s.body.start).toMatch(/T10:00:00$/);
    const agenda = await call('GET', '/v1/agenda/?days=7', { token });
    const item = agenda.body.items.find((i: any) => i.type === 'suggestion');
    expect(item).toMatchObject({
      id: m.message_id, title: 'Roadmap', start: s.body.start, duration: 'PT45M', location: 'Café Luna', message_id: m.message_id,
      confirm_url: `/v1/messages/${m.message_id}/suggested-events/`, dismiss_url: `/v1/messages/${m.message_id}/suggested-events/`,
    });
    expect(item.date).toBe(s.body.start.slice(0, 10));

    const [first, second] = await Promise.all([
      call('POST', `/v1/messages/${m.message_id}/suggested-events/`, { token }),
      call('POST', `/v1/messages/${m.message_id}/suggested-events/`, { token }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(first.body.event_id).toBe(second.body.event_id);
    expect(first.body).toMatchObject({ title: 'Roadmap', duration: 'PT45M', location: 'Café Luna', start: s.body.start });
    const events = await rowsOf(sql`SELECT count(*)::int AS n FROM events WHERE inbox_id = ${t.inboxId}`);
    expect(events[0]!.n).toBe(1);
    expect((await call('GET', `/v1/messages/${m.message_id}/suggested-events/`, { token })).body).toMatchObject({ status: 'confirmed', event_id: first.body.event_id });
    expect((await call('GET', '/v1/agenda/', { token })).body.items.some((i: any) => i.type === 'suggestion')).toBe(false);
    expectProblem(await call('DELETE', `/v1/messages/${m.message_id}/suggested-events/`, { token }), 409, 'conflict');

    await deliverMail({ from: 'jane@example.com', to: t.address, subject: 'Coffee', text: `Or ${day} at 4pm?` });
    const m2 = (await call('GET', '/v1/messages/?limit=1', { token })).body.results[0];
    expect((await call('DELETE', `/v1/messages/${m2.message_id}/suggested-events/`, { token })).status).toBe(204);
    expect((await call('DELETE', `/v1/messages/${m2.message_id}/suggested-events/`, { token })).status).toBe(204);
    expect((await call('GET', `/v1/messages/${m2.message_id}/suggested-events/`, { token })).body.status).toBe('dismissed');
    expect((await call('GET', '/v1/agenda/', { token })).body.items.some((i: any) => i.type === 'suggestion')).toBe(false);
    expectProblem(await call('POST', `/v1/messages/${m2.message_id}/suggested-events/`, { token }), 409, 'conflict');
    expectProblem(await call('POST', `/v1/messages/${m2.message_id}/suggested-events/`, { token, body: { duration: 'forever' } }), 400, 'validation_failed');
  });

  it('a confirm naming a calendar it cannot use changes nothing; four at once still make one event', async () => {
    const t = await newTenant('Suggest calendars');
    const other = await newTenant('Suggest other');
    const token = await t.agent(ALL);
    const soon = new Date(Date.now() + 3 * 86_400_000);
    const day = soon.toLocaleDateString('en-US', { month: 'long', day: 'numeric', timeZone: 'UTC' });
    await deliverMail({ from: 'kim@example.com', to: t.address, subject: 'Sync', text: `Can we meet on ${day} at 2pm?` });
    const m = (await call('GET', '/v1/messages/?limit=1', { token })).body.results[0];
    const path = `/v1/messages/${m.message_id}/suggested-events/`;
    const [theirs] = await rowsOf(sql`SELECT id FROM calendars WHERE inbox_id = ${other.inboxId} AND is_default`);
    const [tasks] = await rowsOf(sql`SELECT id FROM calendars WHERE inbox_id = ${t.inboxId} AND kind = 'tasks'`);
    expectProblem(await call('POST', path, { token, body: { calendar_id: theirs!.id } }), 404, 'not_found');
    expectProblem(await call('POST', path, { token, body: { calendar_id: tasks!.id } }), 400, 'validation_failed');
    expect((await call('GET', path, { token })).body).toMatchObject({ status: 'open', event_id: null });
    expect((await rowsOf(sql`SELECT count(*)::int AS n FROM events WHERE inbox_id = ${t.inboxId}`))[0]!.n).toBe(0);

    const answers = await Promise.all([1, 2, 3, 4].map(() => call('POST', path, { token })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.event_id)).size).toBe(1);
    expect((await rowsOf(sql`SELECT count(*)::int AS n FROM events WHERE inbox_id = ${t.inboxId}`))[0]!.n).toBe(1);
    expect((await call('GET', path, { token })).body).toMatchObject({ status: 'confirmed', event_id: answers[0]!.body.event_id });
  });
});

describe('listing totals', () => {
  it('are the count of what each listing lists: kept counts through redelivery, import, failed sends and concurrent mail', async () => {
    const t = await newTenant('Totals');
    const token = await t.agent(ALL);
    const empty = await call('GET', '/v1/messages/', { token });
    expect([empty.body.total, (await call('GET', '/v1/messages/threads/', { token })).body.total]).toEqual([0, 0]);

    const first = rfc5322({ from: 'lee@example.com', to: t.address, subject: 'Totals', text: 'one', messageId: `tot-${crypto.randomUUID()}@example.com` });
    await deliverRaw({ from: 'lee@example.com', to: t.address }, first);
    await deliverRaw({ from: 'lee@example.com', to: t.address }, first); // redelivered: the same message
    await Promise.all([1, 2, 3, 4].map((i) => deliverMail({ from: `p${i}@example.com`, to: t.address, subject: `Parallel ${i}`, text: 'x' })));
    const m = (await call('GET', '/v1/messages/?direction=inbound&limit=200', { token })).body.results.find((r: any) => r.subject === 'Totals');
    expect((await call('POST', '/v1/messages/', { token, body: { reply_to_message_id: m.message_id, text_body: 'two' } })).status).toBe(201);
    const history = rfc5322({ from: t.address, to: 'old@example.com', subject: 'Long ago', text: 'old', date: '2020-01-02T03:04:05Z' });
    for (let i = 0; i < 2; i++) {
      expect((await call('POST', '/v1/messages/import/', { token, body: { raw: history, direction: 'outbound' } })).status).toBe(i === 0 ? 201 : 200);
    }
    const refusing = { ...testEnv, EMAIL: (testEnv as any).EMAIL_REFUSING };
    const req = new Request(`http://x/v1/messages/?inbox_id=${t.inboxId}`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: [{ email: 'nobody@example.com' }], subject: 'Refused', text_body: 'x' }),
    });
    expect((await worker.fetch!(req as never, refusing, createExecutionContext())).status).toBe(502);

    const counted = async (where: ReturnType<typeof sql>) =>
      (await rowsOf(sql`SELECT count(*)::int AS n FROM messages WHERE inbox_id = ${t.inboxId} AND ${where}`))[0]!.n;
    const cases: [string, ReturnType<typeof sql>][] = [
      ['', sql`true`],
      ['direction=inbound', sql`direction = 'inbound'`],
      ['direction=outbound', sql`direction = 'outbound'`],
      [`thread_id=${m.thread_id}`, sql`thread_id = ${m.thread_id}`],
      [`thread_id=${m.thread_id}&direction=outbound`, sql`thread_id = ${m.thread_id} AND direction = 'outbound'`],
      ['before=2021-01-01T00:00:00Z', sql`sent_at < '2021-01-01T00:00:00Z'`],
    ];
    const totals = [];
    for (const [query, where] of cases) {
      const r = await call('GET', `/v1/messages/?${query}`, { token });
      expect(r.body.total, query).toBe(await counted(where));
      totals.push(r.body.total);
    }
    expect(totals).toEqual([8, 5, 3, 2, 1, 1]);
    const threads = await call('GET', '/v1/messages/threads/', { token });
    expect(threads.body.total).toBe((await rowsOf(sql`SELECT count(*)::int AS n FROM threads WHERE inbox_id = ${t.inboxId}`))[0]!.n);
    expect(threads.body.total).toBe(threads.body.results.length);
  });
});

describe('another tenant', () => {
  it('gets 404 for every mail id of this one', async () => {
    const a = await newTenant('Owner');
    const b = await newTenant('Other');
    const ta = await a.agent(ALL);
    const tb = await b.agent(ALL);
    const soon = new Date(Date.now() + 2 * 86_400_000).toLocaleDateString('en-US', { month: 'long', day: 'numeric' });
    await deliverMail({ from: 'kim@example.com', to: a.address, subject: 'Meet', text: `How about ${soon} at 11am?`, attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: new TextEncoder().encode('secret') }] });
    const m = (await call('GET', '/v1/messages/', { token: ta })).body.results[0];
    expect((await call('GET', `/v1/messages/${m.message_id}/suggested-events/`, { token: ta })).status).toBe(200);
    for (const [method, path] of [
      ['GET', `/v1/messages/${m.message_id}/`],
      ['GET', `/v1/messages/${m.message_id}/attachments/0/`],
      ['GET', `/v1/messages/threads/${m.thread_id}/`],
      ['GET', `/v1/messages/${m.message_id}/suggested-events/`],
      ['POST', `/v1/messages/${m.message_id}/suggested-events/`],
      ['DELETE', `/v1/messages/${m.message_id}/suggested-events/`],
    ]) {
      expectProblem(await call(method!, path!, { token: tb }), 404, 'not_found');
    }
    expectProblem(await call('POST', '/v1/messages/', { token: tb, body: { reply_to_message_id: m.message_id, text_body: 'x' } }), 404, 'not_found');
    expectProblem(await call('GET', `/v1/messages/?thread_id=${m.thread_id}`, { token: tb }), 404, 'not_found');
    expect((await call('GET', `/v1/messages/?thread_id=${m.thread_id}`, { token: ta })).body.total).toBe(1);
    expect((await call('GET', '/v1/messages/threads/', { token: tb })).body.total).toBe(0);
    // A session of the other tenant naming this inbox: 404 too.
    expectProblem(await call('GET', `/v1/messages/?inbox_id=${a.inboxId}`, { token: b.session }), 404);
    // Still intact for the owner.
    expect((await call('GET', `/v1/messages/${m.message_id}/suggested-events/`, { token: ta })).body.status).toBe('open');
  });
});
