// Sequences (docs/mail.md): CRUD, enrollments, and every email sent exactly once by the minute
// scan through the outbox and the real queue handler and send binding. The scan is global, so
// these tests date their enrollments in their own stretch of 2020 (other files use 2022 and
// later, or the real clock): a scan at such a time finds no other test's unsent rows (ledger
// rows are dated by the scan that made them) and no calendar index to extend, and each test only
// looks at its own outbox rows.
import { describe, it, expect } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, deliver, deliverMail, expectProblem, newTenant, recorder, rowsOf, withDb, type Tenant } from './helpers';
import { scanDue } from '../src/jobs/scan';

const SCOPES = ['sequences:read', 'sequences:write', 'contacts:read', 'contacts:write', 'contacts:delete', 'email:read'];
const DAY = 86_400_000;

const at = (base: string, days: number, minutes = 0) => new Date(new Date(base).getTime() + days * DAY + minutes * 60_000);

/**
 * One minute's scan at `now` (the window the cron tick would claim), run `times` over, then every
 * outbox row of `enrollmentId` it queued handed to the real queue handler `deliveries` times.
 */
async function tick(now: Date, enrollmentId: string, opts: { times?: number; deliveries?: number } = {}) {
  const queue = recorder();
  for (let i = 0; i < (opts.times ?? 1); i++) {
    await withDb((db) => scanDue(db, queue, now, { from: new Date(now.getTime() - 60_000), to: now }));
  }
  const ours = new Set((await rowsOf(sql`SELECT id FROM outbox WHERE enrollment_id = ${enrollmentId}`)).map((r) => r.id as string));
  const mine = queue.sent.filter((id) => ours.has(id));
  for (let i = 0; i < (opts.deliveries ?? 1); i++) if (mine.length) await deliver(mine, i + 1);
  return mine;
}

async function setup(name: string, zone = 'Europe/Berlin') {
  const t = await newTenant(name);
  expect((await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body: { default_timezone: zone } })).status).toBe(200);
  const token = await t.agent(SCOPES);
  const contact = (await call('POST', '/v1/contacts/', { token, body: { full_name: 'Rita Hayes', emails: [{ address: `Rita-${crypto.randomUUID().slice(0, 8)}@Example.com` }, { address: 'rita.private@example.com' }] } })).body;
  const sequence = (await call('POST', '/v1/sequences/', {
    token, body: {
      name: 'After the demo',
      emails: [
        { delay_days: 2, subject: 'Thanks for the demo', body: 'One.' },
        { delay_days: 3, subject: 'ignored for later emails', body: 'Two.' },
        { delay_days: 4, subject: 'ignored', body: 'Three.' },
      ],
    },
  })).body;
  return { t, token, contact, sequence };
}

const outbound = async (t: Tenant, token: string) =>
  (await call('GET', `/v1/messages/?inbox_id=${t.inboxId}&direction=outbound&limit=200`, { token })).body.results as any[];

describe('sequences', () => {
  it('are created, listed, changed and deleted; bad input is a 400 naming the field', async () => {
    const t = await newTenant('Seq CRUD');
    const token = await t.agent(SCOPES);
    const created = await call('POST', '/v1/sequences/', { token, body: { name: ' Nudge ', emails: [{ delay_days: 0, subject: 'Hi', body: 'Hello' }] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Nudge', exit_on_reply: true, emails: [{ delay_days: 0, subject: 'Hi', body: 'Hello' }], active_enrollments: 0 });
    expect(created.body.sequence_id).toMatch(/^seq_/);
    expect(created.body.created_at).toMatch(/Z$/);
    const id = created.body.sequence_id;

    for (const [body, path] of [
      [{ name: 'x', emails: [] }, 'emails'],
      [{ name: 'x', emails: Array.from({ length: 11 }, () => ({ delay_days: 1, subject: 's', body: 'b' })) }, 'emails'],
      [{ name: 'x', emails: [{ delay_days: 366, subject: 's', body: 'b' }] }, 'emails.0.delay_days'],
      [{ name: 'x', emails: [{ delay_days: 1.5, subject: 's', body: 'b' }] }, 'emails.0.delay_days'],
      [{ name: 'x', emails: [{ delay_days: -1, subject: 's', body: 'b' }] }, 'emails.0.delay_days'],
      [{ name: 'x', emails: [{ delay_days: 1, subject: 'two\nlines', body: 'b' }] }, 'emails.0.subject'],
      [{ name: '', emails: [{ delay_days: 1, subject: 's', body: 'b' }] }, 'name'],
      [{ name: 'x', exit_on_reply: 'yes', emails: [{ delay_days: 1, subject: 's', body: 'b' }] }, 'exit_on_reply'],
    ] as const) {
      const r = await call('POST', '/v1/sequences/', { token, body });
      expectProblem(r, 400, 'validation_failed');
      expect(r.body.errors.map((e: any) => e.path)).toContain(path);
    }

    const patched = await call('PATCH', `/v1/sequences/${id}/`, { token, body: { exit_on_reply: false, emails: [{ delay_days: 1, subject: 'A', body: 'a' }, { delay_days: 2, subject: 'B', body: 'b' }] } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Nudge', exit_on_reply: false, emails: [{ subject: 'A' }, { subject: 'B' }] });
    expectProblem(await call('PATCH', `/v1/sequences/${id}/`, { token, body: {} }), 400, 'validation_failed');
    expect((await call('GET', `/v1/sequences/${id}/`, { token })).body).toEqual(patched.body);
    const list = await call('GET', '/v1/sequences/?limit=1', { token });
    expect(list.body).toMatchObject({ total: 1, position: 0, limit: 1, results: [patched.body] });
    expect((await call('DELETE', `/v1/sequences/${id}/`, { token })).status).toBe(204);
    expectProblem(await call('GET', `/v1/sequences/${id}/`, { token }), 404, 'not_found');
    expectProblem(await call('DELETE', `/v1/sequences/${id}/`, { token }), 404, 'not_found');
    // Without the scope.
    const reader = await t.agent(['sequences:read']);
    expectProblem(await call('POST', '/v1/sequences/', { token: reader, body: { name: 'x', emails: [{ delay_days: 1, subject: 's', body: 'b' }] } }), 403, 'insufficient_scope');
  });

  it('send a 3-email sequence on days 2, 5 and 9 exactly once each, in one thread, across a DST change', async () => {
    const { t, token, contact, sequence } = await setup('Seq three');
    // 09:17 in Berlin, three days before summer time starts (2020-03-29): email 1 falls before
    // the change, emails 2 and 3 after it.
    const enrolledAt = '2020-03-26T08:17:00Z';
    const enrolled = await call('POST', '/v1/sequences/enrollments/', { token, now: enrolledAt, body: { sequence_id: sequence.sequence_id, contact_id: contact.id } });
    expect(enrolled.status).toBe(201);
    const e = enrolled.body;
    expect(e).toMatchObject({
      sequence_id: sequence.sequence_id, contact_id: contact.id, current_email: 1, total_emails: 3, status: 'active',
      next_email_at: '2020-03-28T08:17:00Z', email: contact.emails[0].address.toLowerCase(), thread_id: null,
    });
    const active = async () => (await call('GET', `/v1/contacts/${contact.id}/`, { token })).body.active_sequences;
    expect(await active()).toEqual([{ enrollment_id: e.enrollment_id, sequence_id: sequence.sequence_id, sequence_name: 'After the demo', status: 'active', current_email: 1, total_emails: 3, next_email_at: '2020-03-28T08:17:00Z' }]);

    // A minute early: nothing.
    expect(await tick(at('2020-03-28T08:17:00Z', 0, -1), e.enrollment_id)).toEqual([]);
    // Due: the scan runs twice in the minute and the queue hands the message over twice.
    const first = await tick(new Date('2020-03-28T08:17:30Z'), e.enrollment_id, { times: 2, deliveries: 2 });
    expect(first).toHaveLength(1);
    let sent = await outbound(t, token);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ subject: 'Thanks for the demo', text_body: 'One.', status: 'sent', to: [{ email: e.email }] });
    // Email 2: 3 calendar days later at 09:17 Berlin, now summer time (UTC+2).
    expect(await active()).toMatchObject([{ current_email: 2, next_email_at: '2020-03-31T07:17:00Z' }]);
    // Later scans of the same stretch record nothing new.
    expect(await tick(new Date('2020-03-28T08:18:00Z'), e.enrollment_id)).toEqual([]);

    expect(await tick(new Date('2020-03-31T07:16:59Z'), e.enrollment_id)).toEqual([]);
    const second = await tick(new Date('2020-03-31T07:17:00Z'), e.enrollment_id, { times: 2, deliveries: 2 });
    expect(second).toHaveLength(1);
    // The same message handed over again much later (a redelivery): nothing more is sent.
    await deliver(second, 5);
    sent = await outbound(t, token);
    expect(sent).toHaveLength(2);
    const [reply, original] = sent;
    expect(reply).toMatchObject({ subject: 'Re: Thanks for the demo', text_body: 'Two.', thread_id: original.thread_id, in_reply_to: original.rfc_message_id });
    expect(await active()).toMatchObject([{ current_email: 3, next_email_at: '2020-04-04T07:17:00Z' }]);

    // Two copies of the last email's message at once: one sends.
    const queue = recorder();
    await withDb((db) => scanDue(db, queue, new Date('2020-04-04T07:17:10Z'), { from: new Date('2020-04-04T07:16:10Z'), to: new Date('2020-04-04T07:17:10Z') }));
    const third = queue.sent.filter((id) => id.startsWith(`obx_${e.enrollment_id.slice(4)}_`));
    expect(third).toEqual([`obx_${e.enrollment_id.slice(4)}_3`]);
    await Promise.all([deliver(third), deliver(third)]);
    sent = await outbound(t, token);
    expect(sent.map((m) => m.text_body)).toEqual(['Three.', 'Two.', 'One.']);
    expect(new Set(sent.map((m) => m.thread_id)).size).toBe(1);

    const done = (await call('GET', `/v1/sequences/enrollments/${e.enrollment_id}/`, { token })).body;
    expect(done).toMatchObject({ status: 'completed', current_email: 3, next_email_at: null, thread_id: original.thread_id });
    expect(await active()).toEqual([]);
    // Nothing after the end, however late the scan.
    expect(await tick(new Date('2020-05-01T00:00:00Z'), e.enrollment_id)).toEqual([]);
    expect(await outbound(t, token)).toHaveLength(3);
  });

  it('a consumer that died after storing the email records it on the next attempt and sends nothing more', async () => {
    const { t, token, contact, sequence } = await setup('Seq crash');
    const e = (await call('POST', '/v1/sequences/enrollments/', { token, now: '2020-06-03T10:00:00Z', body: { sequence_id: sequence.sequence_id, contact_id: contact.id } })).body;
    const ids = await tick(new Date('2020-06-05T10:00:00Z'), e.enrollment_id);
    expect(ids).toHaveLength(1);
    // As if the process had died between storing the message and recording it: the row still
    // `sending` with its claim lapsed, the enrollment still at email 1.
    await rowsOf(sql`UPDATE outbox SET status = 'sending', claimed_until = now() - interval '1 minute', message_id = NULL WHERE id = ${ids[0]}`);
    await rowsOf(sql`UPDATE sequence_enrollments SET current_email = 1, next_email_at = '2020-06-05T10:00:00Z', first_message_id = NULL, thread_id = NULL WHERE id = ${e.enrollment_id}`);
    await deliver(ids, 2);
    expect(await outbound(t, token)).toHaveLength(1);
    const [row] = await rowsOf(sql`SELECT status, message_id FROM outbox WHERE id = ${ids[0]}`);
    expect(row).toMatchObject({ status: 'sent' });
    expect((await call('GET', `/v1/sequences/enrollments/${e.enrollment_id}/`, { token })).body).toMatchObject({ current_email: 2, status: 'active', next_email_at: '2020-06-08T10:00:00Z' });
  });

  it('a reply from the contact in the thread stops the rest (exited_on_reply); mail from others does not', async () => {
    const { t, token, contact, sequence } = await setup('Seq reply');
    const e = (await call('POST', '/v1/sequences/enrollments/', { token, now: '2020-07-01T09:00:00Z', body: { sequence_id: sequence.sequence_id, contact_id: contact.id } })).body;
    await tick(new Date('2020-07-03T09:00:00Z'), e.enrollment_id);
    const [first] = await outbound(t, token);
    // Someone else writes in the thread: the enrollment goes on.
    await deliverMail({ from: 'colleague@example.com', to: t.address, subject: 'Re: Thanks for the demo', text: 'Adding myself.', inReplyTo: first.rfc_message_id });
    expect((await call('GET', `/v1/sequences/enrollments/${e.enrollment_id}/`, { token })).body.status).toBe('active');
    // The contact answers from its other address.
    await deliverMail({ from: 'rita.private@example.com', to: t.address, subject: 'Re: Thanks for the demo', text: 'Thanks, talk soon.', inReplyTo: first.rfc_message_id });
    const ended = (await call('GET', `/v1/sequences/enrollments/${e.enrollment_id}/`, { token })).body;
    expect(ended).toMatchObject({ status: 'exited_on_reply', current_email: 1, next_email_at: null });
    expect(await tick(new Date('2020-07-06T09:00:00Z'), e.enrollment_id)).toEqual([]);
    expect(await tick(new Date('2020-07-10T09:00:00Z'), e.enrollment_id)).toEqual([]);
    expect(await outbound(t, token)).toHaveLength(1);
    expect((await call('GET', `/v1/contacts/${contact.id}/`, { token })).body.active_sequences).toEqual([]);
    // Ended, the contact may be enrolled again.
    expect((await call('POST', '/v1/sequences/enrollments/', { token, body: { sequence_id: sequence.sequence_id, contact_id: contact.id } })).status).toBe(201);
  });

  it('with exit_on_reply false, a reply changes nothing', async () => {
    const { t, token, contact } = await setup('Seq no exit');
    const seq = (await call('POST', '/v1/sequences/', { token, body: { name: 'Keep going', exit_on_reply: false, emails: [{ delay_days: 1, subject: 'Hello', body: 'a' }, { delay_days: 1, subject: 'x', body: 'b' }] } })).body;
    const e = (await call('POST', '/v1/sequences/enrollments/', { token, now: '2020-08-01T09:00:00Z', body: { sequence_id: seq.sequence_id, contact_id: contact.id } })).body;
    await tick(new Date('2020-08-02T09:00:00Z'), e.enrollment_id);
    const [first] = await outbound(t, token);
    await deliverMail({ from: contact.emails[0].address, to: t.address, subject: 'Re: Hello', text: 'Got it', inReplyTo: first.rfc_message_id });
    expect(await tick(new Date('2020-08-03T09:00:00Z'), e.enrollment_id)).toHaveLength(1);
    expect((await call('GET', `/v1/sequences/enrollments/${e.enrollment_id}/`, { token })).body).toMatchObject({ status: 'completed', current_email: 2 });
  });

  it('enrolling: no address is a 400, twice is a 409, unknown ids are 404; cancel, contact and sequence deletion end it', async () => {
    const { token, contact, sequence } = await setup('Seq rules');
    const bare = (await call('POST', '/v1/contacts/', { token, body: { full_name: 'No Mail' } })).body;
    const noMail = await call('POST', '/v1/sequences/enrollments/', { token, body: { sequence_id: sequence.sequence_id, contact_id: bare.id } });
    expectProblem(noMail, 400, 'validation_failed');
    expect(noMail.body.errors[0].path).toBe('contact_id');
    expectProblem(await call('POST', '/v1/sequences/enrollments/', { token, body: { sequence_id: 'seq_nope', contact_id: contact.id } }), 404, 'not_found');
    expectProblem(await call('POST', '/v1/sequences/enrollments/', { token, body: { sequence_id: sequence.sequence_id, contact_id: 'ctc_nope' } }), 404, 'not_found');
    expectProblem(await call('POST', '/v1/sequences/enrollments/', { token, body: { sequence_id: sequence.sequence_id } }), 400, 'validation_failed');

    const e = (await call('POST', '/v1/sequences/enrollments/', { token, now: '2020-09-01T09:00:00Z', body: { sequence_id: sequence.sequence_id, contact_id: contact.id } })).body;
    // Two more at once: both 409, one active enrollment.
    const again = await Promise.all([1, 2].map(() => call('POST', '/v1/sequences/enrollments/', { token, body: { sequence_id: sequence.sequence_id, contact_id: contact.id } })));
    for (const r of again) expectProblem(r, 409, 'conflict');
    expect((await call('GET', `/v1/sequences/enrollments/?sequence_id=${sequence.sequence_id}&status=active`, { token })).body.total).toBe(1);
    expect((await call('GET', `/v1/sequences/${sequence.sequence_id}/`, { token })).body.active_enrollments).toBe(1);

    expectProblem(await call('PATCH', `/v1/sequences/enrollments/${e.enrollment_id}/`, { token, body: { action: 'pause' } }), 400, 'validation_failed');
    const cancelled = await call('PATCH', `/v1/sequences/enrollments/${e.enrollment_id}/`, { token, body: { action: 'cancel' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ enrollment_id: e.enrollment_id, status: 'cancelled', next_email_at: null, current_email: 1 });
    // Cancelling again answers the enrollment as it is.
    expect((await call('PATCH', `/v1/sequences/enrollments/${e.enrollment_id}/`, { token, body: { action: 'cancel' } })).body).toEqual(cancelled.body);
    expect(await tick(at(e.next_email_at, 1), e.enrollment_id)).toEqual([]);

    // Deleting the contact cancels its enrollment; deleting the sequence cancels the rest.
    const byContact = (await call('POST', '/v1/sequences/enrollments/', { token, body: { sequence_id: sequence.sequence_id, contact_id: contact.id } })).body;
    const other = (await call('POST', '/v1/contacts/', { token, body: { full_name: 'Sam Other', emails: [{ address: 'sam@example.com' }] } })).body;
    const bySequence = (await call('POST', '/v1/sequences/enrollments/', { token, body: { sequence_id: sequence.sequence_id, contact_id: other.id } })).body;
    expect((await call('DELETE', `/v1/contacts/${contact.id}/`, { token })).status).toBe(204);
    expect((await call('GET', `/v1/sequences/enrollments/${byContact.enrollment_id}/`, { token })).body).toMatchObject({ status: 'cancelled', next_email_at: null });
    expect((await call('GET', `/v1/sequences/enrollments/${bySequence.enrollment_id}/`, { token })).body.status).toBe('active');
    expect((await call('DELETE', `/v1/sequences/${sequence.sequence_id}/`, { token })).status).toBe(204);
    expect((await call('GET', `/v1/sequences/enrollments/${bySequence.enrollment_id}/`, { token })).body.status).toBe('cancelled');

    const list = await call('GET', `/v1/sequences/enrollments/?sequence_id=${sequence.sequence_id}`, { token });
    expect(list.body.total).toBe(3);
    expect(list.body.results.map((r: any) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect((await call('GET', `/v1/sequences/enrollments/?contact_id=${other.id}`, { token })).body.total).toBe(1);
    expectProblem(await call('GET', '/v1/sequences/enrollments/?status=paused', { token }), 400, 'validation_failed');
  });

  it('another tenant gets 404 for every sequence and enrollment id of this one', async () => {
    const { token, contact, sequence } = await setup('Seq owner');
    const e = (await call('POST', '/v1/sequences/enrollments/', { token, body: { sequence_id: sequence.sequence_id, contact_id: contact.id } })).body;
    const b = await newTenant('Seq other');
    const tb = await b.agent(SCOPES);
    const mine = (await call('POST', '/v1/contacts/', { token: tb, body: { full_name: 'Mine', emails: [{ address: 'mine@example.com' }] } })).body;
    for (const [method, path, body] of [
      ['GET', `/v1/sequences/${sequence.sequence_id}/`],
      ['PATCH', `/v1/sequences/${sequence.sequence_id}/`, { name: 'taken' }],
      ['DELETE', `/v1/sequences/${sequence.sequence_id}/`],
      ['GET', `/v1/sequences/enrollments/${e.enrollment_id}/`],
      ['PATCH', `/v1/sequences/enrollments/${e.enrollment_id}/`, { action: 'cancel' }],
      ['POST', '/v1/sequences/enrollments/', { sequence_id: sequence.sequence_id, contact_id: mine.id }],
      ['POST', '/v1/sequences/enrollments/', { sequence_id: sequence.sequence_id, contact_id: contact.id }],
    ] as const) {
      expectProblem(await call(method, path, { token: tb, body }), 404, 'not_found');
    }
    expect((await call('GET', '/v1/sequences/', { token: tb })).body.total).toBe(0);
    expect((await call('GET', `/v1/sequences/enrollments/?sequence_id=${sequence.sequence_id}`, { token: tb })).body.total).toBe(0);
    // Nothing of the owner's changed.
    expect((await call('GET', `/v1/sequences/enrollments/${e.enrollment_id}/`, { token })).body.status).toBe('active');
    expect((await call('GET', `/v1/sequences/${sequence.sequence_id}/`, { token })).body.name).toBe('After the demo');
  });
});
