// One agenda call on an inbox that has every source (docs/calendar.md): all seven item types of the
// seed — task, event, thread, anniversary, suggestion, file, work_route — made through the real
// routes and the real email() handler, in the seed's order rules.
import { describe, it, expect } from 'vitest';
import { call, deliverMail, newTenant } from './helpers';
import { addDays, localDate } from '../src/time/zones';

const ZONE = 'Europe/Berlin';
const ALL = ['read', 'task:write', 'calendar:write', 'contacts:write', 'email:send', 'files:write', 'work_routes:write'];

/** `YYYY-MM-DD` → `Month D` as a person writes it in mail. */
const spoken = (date: string) => new Date(`${date}T12:00:00Z`).toLocaleDateString('en-US', { month: 'long', day: 'numeric', timeZone: 'UTC' });

describe('agenda: all seven item types at once', () => {
  it('every type appears, pending first, then overdue, then missed replies, then by date and time, undated last', async () => {
    const t = await newTenant('Agenda all');
    const token = await t.agent(ALL);
    const held = await t.agent(['task:write'], ['task:write'], 'held-agent');
    expect((await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body: { default_timezone: ZONE, missed_reply_threshold_days: 1 } })).status).toBe(200);
    const today = localDate(new Date(), ZONE);
    const ok = (r: { status: number; body: unknown }, status = 201) => expect(r.status, JSON.stringify(r.body)).toBe(status);

    ok(await call('POST', '/v1/tasks/', { token: held, body: { summary: 'Held task' } }), 202);
    ok(await call('POST', '/v1/tasks/', { token, body: { summary: 'Overdue report', due_date: addDays(today, -2) } }));
    ok(await call('POST', '/v1/tasks/', { token, body: { summary: 'Book flights', due_date: addDays(today, 4) } }));
    const cals = (await call('GET', '/v1/calendar/collections/', { token })).body;
    const personal = cals.find((c: any) => c.isDefault).id;
    ok(await call('POST', '/v1/calendar/events/', { token, body: { calendar_id: personal, title: 'Dentist', start: `${addDays(today, 1)}T09:00`, duration: '30 min', time_zone: ZONE } }));
    const birthday = addDays(today, 3);
    ok(await call('POST', '/v1/contacts/', { token, body: { full_name: 'Alice Smith', anniversaries: [{ type: 'birthday', date: `--${birthday.slice(5)}` }] } }));
    // Sent two days ago and never answered: a missed reply (threshold one day).
    ok(await call('POST', '/v1/messages/', { token, now: new Date(Date.now() - 2 * 86_400_000), body: { to: [{ email: 'ivy@example.com' }], subject: 'Contract draft', text_body: 'Please review.' } }));
    const meetDay = addDays(today, 2);
    await deliverMail({ from: 'jane@example.com', to: t.address, subject: 'Roadmap', text: `Could we do a call on ${spoken(meetDay)} at 10:00?` });
    ok(await call('POST', '/v1/files/', { token, body: { name: 'Leads.csv', file_type: 'spreadsheet' } }));
    ok(await call('POST', '/v1/work-routes/', { token, body: { title: 'Sign the NDA', request_type: 'approval', routing_mode: 'ordered', recipients: [{ kind: 'email', email: 'legal@example.com' }] } }));

    const r = await call('GET', '/v1/agenda/?days=7', { token });
    expect(r.status).toBe(200);
    const items: any[] = r.body.items;
    expect(new Set(items.map((i) => i.type))).toEqual(new Set(['task', 'event', 'thread', 'anniversary', 'suggestion', 'file', 'work_route']));
    const summary = items.map((i) => `${i.type}|${i.date || '-'}|${i.title}`);
    expect(summary).toEqual([
      'task|-|held-agent asks to POST /v1/tasks/',
      `task|${addDays(today, -2)}|Overdue report`,
      `thread|${localDate(new Date(Date.now() - 2 * 86_400_000), ZONE)}|Contract draft`,
      `file|${today}|Leads.csv`,
      `event|${addDays(today, 1)}|Dentist`,
      `suggestion|${meetDay}|Roadmap`,
      `anniversary|${birthday}|Alice Smith — Birthday`,
      `task|${addDays(today, 4)}|Book flights`,
      'work_route|-|Sign the NDA',
    ]);
    expect(r.body.count).toBe(items.length);
  });
});
