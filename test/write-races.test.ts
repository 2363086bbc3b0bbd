// A change that must see the row it changes is a read and one write guarded by the row version
// (src/db/sql.ts), not an interactive transaction. Concurrent writers prove what the guard holds:
// If-Match lets exactly one of many through, and writers of different fields lose nothing.
import { describe, it, expect, beforeAll } from 'vitest';
import { call, expectProblem, type Tenant } from './helpers';
import { calendarTenant, q, type Cal } from './support/calendar';

describe('concurrent changes of one row', () => {
  let c: Cal;
  let t: Tenant;
  beforeAll(async () => {
    c = await calendarTenant();
    t = c.t;
  });

  it('event: of 8 PATCHes sent at once with the same If-Match, exactly one lands; the rest are 412', async () => {
    const ev = await c.ev({ title: 'Start', start: '2031-03-04T10:00:00', duration: 'PT1H' });
    const read = await call('GET', `/v1/calendar/events/${ev.event_id}/?${q(t)}`, { token: t.session });
    const etag = read.headers.get('etag')!;
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => call('PATCH', `/v1/calendar/events/${ev.event_id}/`, {
      token: t.session, headers: { 'if-match': etag }, body: { inbox_id: t.inboxId, title: `Writer ${i}` },
    })));
    const won = answers.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    for (const r of answers.filter((x) => x.status !== 200)) expectProblem(r, 412, 'precondition_failed');
    const now = await call('GET', `/v1/calendar/events/${ev.event_id}/?${q(t)}`, { token: t.session });
    expect(now.body.title).toBe(won[0]!.body.title);
  });

  it('event: PATCHes of different fields sent at once all land; none is lost', async () => {
    const ev = await c.ev({ title: 'Start', start: '2031-03-05T10:00:00', duration: 'PT1H' });
    const patches = [{ title: 'New title' }, { description: 'New description' }, { location: 'Room 7' }, { duration: 'PT2H' }];
    const answers = await Promise.all(patches.map((p) => call('PATCH', `/v1/calendar/events/${ev.event_id}/`, { token: t.session, body: { inbox_id: t.inboxId, ...p } })));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const now = (await call('GET', `/v1/calendar/events/${ev.event_id}/?${q(t)}`, { token: t.session })).body;
    expect([now.title, now.description, now.location, now.duration]).toEqual(['New title', 'New description', 'Room 7', 'PT2H']);
  });

  it('contact: of 8 PATCHes with the same If-Match exactly one lands; different fields at once all land', async () => {
    const created = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: 'Race Person' } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const etag = (await call('GET', `/v1/contacts/${id}/?${q(t)}`, { token: t.session })).headers.get('etag')!;
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => call('PATCH', `/v1/contacts/${id}/`, {
      token: t.session, headers: { 'if-match': etag }, body: { inbox_id: t.inboxId, notes: `writer ${i}` },
    })));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of answers.filter((x) => x.status !== 200)) expectProblem(r, 412, 'precondition_failed');

    const patches = [
      { full_name: 'Renamed Person' },
      { emails: [{ label: 'work', address: 'race@example.com' }] },
      { phones: [{ label: 'mobile', number: '+15551234567' }] },
      { anniversaries: [{ type: 'birthday', date: '1990-05-06' }] },
    ];
    const all = await Promise.all(patches.map((p) => call('PATCH', `/v1/contacts/${id}/`, { token: t.session, body: { inbox_id: t.inboxId, ...p } })));
    expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const now = (await call('GET', `/v1/contacts/${id}/?${q(t)}`, { token: t.session })).body;
    expect(now.full_name).toBe('Renamed Person');
    expect(now.emails.map((e: { address: string }) => e.address)).toEqual(['race@example.com']);
    expect(now.phones).toHaveLength(1);
    expect(now.anniversaries.map((a: { date: string }) => a.date)).toEqual(['1990-05-06']);
  });

  it('contact: DELETEs with the same If-Match at once: one 204, the rest 412 or 404, and it is gone', async () => {
    const id = (await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: 'Doomed' } })).body.id;
    const etag = (await call('GET', `/v1/contacts/${id}/?${q(t)}`, { token: t.session })).headers.get('etag')!;
    const answers = await Promise.all(Array.from({ length: 5 }, () => call('DELETE', `/v1/contacts/${id}/?${q(t)}`, { token: t.session, headers: { 'if-match': etag } })));
    expect(answers.filter((r) => r.status === 204)).toHaveLength(1);
    for (const r of answers.filter((x) => x.status !== 204)) expect([404, 412]).toContain(r.status);
    expect((await call('GET', `/v1/contacts/${id}/?${q(t)}`, { token: t.session })).status).toBe(404);
  });
});
