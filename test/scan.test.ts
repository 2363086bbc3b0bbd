// The minute scan, and its firings through the real `queue` handler to a real HTTP receiver.
// Each test scans its own windows (scanDue with a window, as the cron tick would claim it), so
// tests run alone or in any order; the watermark and lease are tested through the real
// `scheduled` handler, each such test setting the watermark first. The scan is global (every
// inbox), so each test makes its own tenant, only looks at its own ledger rows, and dates its
// events in its own stretch of 2022 (other files use 2024 and later, or the real clock).
import { describe, it, expect } from 'vitest';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { sql } from 'drizzle-orm';
import worker from '../src/index';
import type { AlertMessage, Env } from '../src/env';
import { call, deliver, hookKey, hookUrl, newTenant, received, recorder, testEnv, withDb, type Recorder, type Tenant } from './helpers';
import { windowFor } from '../src/jobs/scan/window';
import { scanDue } from '../src/jobs/scan';
import { dataSchemaOf } from '../src/alerts/payload';

/**
 * A test's own run of minute scans: each call scans (the previous call's instant, `at`], the
 * window the cron tick would claim from the shared watermark (windowFor), but held here, so a
 * test never depends on what another test scanned before it.
 */
function scans() {
  let watermark: Date | null = null;
  const at = async (instant: string, queue: Recorder = recorder()): Promise<Recorder> => {
    const now = new Date(instant);
    const window = windowFor(watermark, now);
    await withDb((db) => scanDue(db, queue, now, window));
    watermark = now;
    return queue;
  };
  /** As if a scan had died before moving the watermark back at `instant`. */
  const rewind = (instant: string) => { watermark = new Date(instant); };
  return { at, rewind };
}

/** One tick of the real scheduled handler at `at` (the shared watermark and lease). */
async function tick(at: string, queue: Recorder = recorder()): Promise<Recorder> {
  const ctx = createExecutionContext();
  const env = { ...testEnv, ALERTS: queue as unknown as Queue<AlertMessage> } as Env;
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(at), cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
  return queue;
}

/** Sets the shared watermark (as if the last cron tick ran at `at`) and frees the lease. */
async function setWatermark(at: string): Promise<void> {
  await withDb((db) => db.execute(sql`
    INSERT INTO scan_state (name, watermark) VALUES ('alerts', ${at}::timestamptz), ('alerts.lease', ${at}::timestamptz)
    ON CONFLICT (name) DO UPDATE SET watermark = EXCLUDED.watermark`));
}

interface Firing {
  id: string;
  firing_id: string;
  alert_id: string;
  type: string;
  scheduled_for: string;
  source_key: string;
  status: string;
  attempts: number;
  enqueued: boolean;
  payload: Record<string, any>;
}

async function firingsOf(t: Tenant): Promise<Firing[]> {
  return withDb(async (db) => {
    const { rows } = await db.execute(sql`
      SELECT id, firing_id, alert_id, type, to_char(scheduled_for AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS scheduled_for,
        source_key, status, attempts, enqueued_at IS NOT NULL AS enqueued, payload
      FROM deliveries WHERE inbox_id = ${t.inboxId} ORDER BY scheduled_for, id`);
    return rows as unknown as Firing[];
  });
}

interface Inbox {
  t: Tenant;
  agent: string;
  calendar: string;
  hook: string;
  key: string;
}

async function inbox(settings: Record<string, unknown> = {}): Promise<Inbox> {
  const t = await newTenant();
  if (Object.keys(settings).length) {
    const s = await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body: settings });
    if (s.status !== 200) throw new Error(`settings: ${s.status} ${JSON.stringify(s.body)}`);
  }
  const agent = await t.agent(['alerts:read', 'alerts:write', 'contacts:write', 'calendar:read', 'calendar:write', 'calendar:delete', 'task:read']);
  const cals = await call('GET', '/v1/calendar/collections/', { token: agent });
  const key = hookKey('scan');
  return { t, agent, calendar: cals.body.find((c: { isDefault: boolean }) => c.isDefault).id, key, hook: hookUrl(key) };
}

async function alert(i: Inbox, body: Record<string, unknown>) {
  const r = await call('POST', '/v1/alerts/', { token: i.agent, body: { delivery: { type: 'webhook', target: i.hook }, ...body } });
  if (r.status !== 201) throw new Error(`alert: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; secret?: string };
}

async function contact(i: Inbox, fullName: string, anniversaries: Array<{ type: string; date: string }>) {
  const r = await call('POST', '/v1/contacts/', { token: i.agent, body: { full_name: fullName, anniversaries } });
  if (r.status !== 201) throw new Error(`contact: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string };
}

async function event(i: Inbox, body: Record<string, unknown>, now: string) {
  const r = await call('POST', '/v1/calendar/events/', { token: i.agent, now, body: { calendar_id: i.calendar, duration: 'PT1H', ...body } });
  if (r.status !== 201) throw new Error(`event: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { event_id: string };
}

describe('anniversaries', () => {
  it('Feb 29 follows the inbox leap_day_policy in a common year', async () => {
    const scan = scans();
    const mar1 = await inbox({ leap_day_policy: 'mar1' });
    const feb28 = await inbox({ leap_day_policy: 'feb28' });
    const skip = await inbox({ leap_day_policy: 'skip' });
    for (const i of [mar1, feb28, skip]) {
      await alert(i, { events: ['contact.birthday'] });
      await contact(i, 'Leap Ling', [{ type: 'birthday', date: '2000-02-29' }]);
    }
    await scan.at('2022-02-27T09:00:00Z');
    await scan.at('2022-02-28T09:00:00Z');
    expect((await firingsOf(feb28.t)).map((f) => [f.scheduled_for, f.payload.date])).toEqual([['2022-02-28T09:00:00Z', '2022-02-28']]);
    expect(await firingsOf(mar1.t)).toEqual([]);
    await scan.at('2022-03-01T09:00:00Z');
    expect((await firingsOf(mar1.t)).map((f) => [f.scheduled_for, f.payload.date, f.payload.years])).toEqual([['2022-03-01T09:00:00Z', '2022-03-01', 22]]);
    expect(await firingsOf(feb28.t)).toHaveLength(1);
    expect(await firingsOf(skip.t)).toEqual([]);
  });

  it('a dated anniversary fires from its own year on, never before it (no negative years)', async () => {
    const scan = scans();
    const i = await inbox();
    await alert(i, { events: ['contact.any'] });
    await contact(i, 'Past Pat', [{ type: 'birthday', date: '1990-08-10' }]);
    await contact(i, 'Now Nora', [{ type: 'wedding', date: '2022-08-10' }]);
    await contact(i, 'Future Fay', [{ type: 'wedding', date: '2023-08-10' }]);
    await scan.at('2022-08-10T09:00:00Z');
    const fired = (await firingsOf(i.t)).map((f) => [f.payload.contact_name, f.payload.years]).sort();
    expect(fired).toEqual([['Now Nora', 0], ['Past Pat', 32]]);
  });

  it('a birthday with a 2-day offset fires once, two days early, at the alert time in the inbox zone; repeats never double', async () => {
    const scan = scans();
    // Berlin is UTC+1 in March 2022: 08:30 local on March 12 is 07:30Z.
    const i = await inbox({ default_timezone: 'Europe/Berlin', anniversary_alert_time: '08:30' });
    const hook = await alert(i, { events: ['contact.birthday'], offset: { value: 2, unit: 'days' } });
    const task = await call('POST', '/v1/alerts/', {
      token: i.agent, body: { events: ['contact.any'], offset: { value: 2, unit: 'days' }, delivery: { type: 'task', target: 'Birthday: {contact_name} turns {years} on {date}' } },
    });
    expect(task.status).toBe(201);
    const alice = await contact(i, 'Alice Smith', [{ type: 'birthday', date: '1990-03-14' }, { type: 'nameday', date: '--07-26' }]);

    await scan.at('2022-03-12T07:29:00Z');
    expect(await firingsOf(i.t)).toEqual([]);
    const tick = await scan.at('2022-03-12T07:30:00Z');
    const fired = await firingsOf(i.t);
    expect(fired).toHaveLength(2); // one per alert
    for (const f of fired) {
      expect(f).toMatchObject({ type: 'contact.birthday', scheduled_for: '2022-03-12T07:30:00Z', status: 'pending', enqueued: true });
      expect(f.payload).toMatchObject({
        contact_id: alice.id, contact_name: 'Alice Smith', anniversary_type: 'birthday', date: '2022-03-14', original_date: '1990-03-14',
        years: 32, title: 'Alice Smith — Birthday', offset: { value: 2, unit: 'days' },
      });
    }
    expect(tick.sent).toEqual(expect.arrayContaining(fired.map((f) => f.id)));

    // The same minute again, a rewound watermark (a scan that died before committing it), and
    // the next minute: nothing new is recorded or sent.
    const again = await scan.at('2022-03-12T07:30:00Z');
    scan.rewind('2022-03-12T07:00:00Z');
    const rewound = await scan.at('2022-03-12T07:30:00Z');
    const next = await scan.at('2022-03-12T07:31:00Z');
    expect(await firingsOf(i.t)).toHaveLength(2);
    for (const r of [again, rewound, next]) expect(r.sent.filter((id) => fired.some((f) => f.id === id))).toEqual([]);

    // Delivered twice (the queue redelivers a message): one webhook, one task.
    const ids = fired.map((f) => f.id);
    const first = await deliver(ids);
    expect(first.explicitAcks).toHaveLength(2);
    expect(first.retryMessages).toEqual([]);
    const second = await deliver(ids, 2);
    expect(second.retryMessages).toEqual([]);
    expect(second.explicitAcks).toHaveLength(2);

    const hooks = await received(i.key);
    expect(hooks).toHaveLength(1);
    const hookFiring = fired.find((f) => f.alert_id === hook.id)!;
    const body = new Webhook(hook.secret!).verify(hooks[0]!.body, hooks[0]!.headers) as Record<string, any>;
    expect(body).toMatchObject({
      id: hookFiring.firing_id, type: 'contact.birthday', inbox_id: i.t.inboxId, alert_id: hook.id, scheduled_for: '2022-03-12T07:30:00Z',
      data: { contact_name: 'Alice Smith', date: '2022-03-14' },
    });
    expect(hooks[0]!.headers['webhook-id']).toBe(hookFiring.firing_id);

    const tasks = await call('GET', '/v1/tasks/', { token: i.agent });
    expect(tasks.body.results.map((x: { summary: string; due_date: string }) => [x.summary, x.due_date]))
      .toEqual([['Birthday: Alice Smith turns 32 on 2022-03-14', '2022-03-14']]);
    expect((await firingsOf(i.t)).every((f) => f.status === 'delivered' && f.attempts === 1)).toBe(true);
  });

  it('hours and minutes of an anniversary offset count as zero', async () => {
    const scan = scans();
    // Berlin is UTC+2 in April 2022: 08:30 local is 06:30Z; five hours earlier would be 01:30Z.
    const i = await inbox({ default_timezone: 'Europe/Berlin', anniversary_alert_time: '08:30' });
    await alert(i, { events: ['contact.birthday'], offset: { value: 5, unit: 'hours' } });
    await alert(i, { events: ['contact.any'], offset: { value: 90, unit: 'minutes' } });
    await contact(i, 'Bob Jones', [{ type: 'birthday', date: '--04-02' }]);
    await scan.at('2022-04-02T01:30:00Z');
    await scan.at('2022-04-02T06:29:00Z');
    expect(await firingsOf(i.t)).toEqual([]);
    await scan.at('2022-04-02T06:30:00Z');
    const fired = await firingsOf(i.t);
    expect(fired.map((f) => [f.scheduled_for, f.payload.date, f.payload.years])).toEqual([
      ['2022-04-02T06:30:00Z', '2022-04-02', null],
      ['2022-04-02T06:30:00Z', '2022-04-02', null],
    ]);
  });
});

describe('event reminders', () => {
  it('a 30-minute reminder fires once; cancelled, deleted and (for event.updated) unchanged events do not', async () => {
    const scan = scans();
    const i = await inbox();
    const created = await alert(i, { events: ['event.created'], offset: { value: 30, unit: 'minutes' } });
    const updatedOnly = await alert(i, { events: ['event.updated'], offset: { value: 30, unit: 'minutes' } });
    const before = '2022-05-01T08:00:00Z';
    const kept = await event(i, { title: 'Standup', start: '2022-05-01T10:00:00Z' }, before);
    await event(i, { title: 'Off', start: '2022-05-01T10:00:00Z', status: 'cancelled' }, before);
    const gone = await event(i, { title: 'Gone', start: '2022-05-01T10:00:00Z' }, before);
    expect((await call('DELETE', `/v1/calendar/events/${gone.event_id}/`, { token: i.agent, now: '2022-05-01T08:05:00Z' })).status).toBe(204);
    const renamed = await event(i, { title: 'Sync', start: '2022-05-01T10:00:00Z' }, before);
    expect((await call('PATCH', `/v1/calendar/events/${renamed.event_id}/`, { token: i.agent, now: '2022-05-01T08:10:00Z', body: { title: 'Sync (moved room)' } })).status).toBe(200);

    await scan.at('2022-05-01T09:29:00Z');
    expect(await firingsOf(i.t)).toEqual([]);
    await scan.at('2022-05-01T09:30:00Z');
    await scan.at('2022-05-01T09:31:00Z');
    const fired = await firingsOf(i.t);
    expect(fired.map((f) => [f.alert_id, f.type, f.payload.title, f.scheduled_for]).sort()).toEqual([
      [created.id, 'event.created', 'Standup', '2022-05-01T09:30:00Z'],
      [created.id, 'event.created', 'Sync (moved room)', '2022-05-01T09:30:00Z'],
      [updatedOnly.id, 'event.updated', 'Sync (moved room)', '2022-05-01T09:30:00Z'],
    ].sort());
    const standup = fired.find((f) => f.payload.event_id === kept.event_id)!;
    expect(standup.payload).toMatchObject({ start: '2022-05-01T10:00:00', start_at: '2022-05-01T10:00:00Z', time_zone: 'UTC', duration: 'PT1H', offset: { value: 30, unit: 'minutes' } });

    await deliver(fired.map((f) => f.id));
    const hooks = await received(i.key);
    expect(hooks).toHaveLength(3);
    expect(new Set(hooks.map((h) => h.headers['webhook-id']))).toEqual(new Set(fired.map((f) => f.firing_id)));
  });

  it('a missed hour is caught up', async () => {
    const scan = scans();
    const i = await inbox({ anniversary_alert_time: '10:20' });
    await alert(i, { events: ['event.created', 'contact.any'], offset: { value: 15, unit: 'minutes' } });
    await event(i, { title: 'Review', start: '2022-06-01T10:45:00Z' }, '2022-06-01T08:00:00Z');
    await contact(i, 'Carol', [{ type: 'wedding', date: '2010-06-01' }]);
    await scan.at('2022-06-01T10:00:00Z');
    expect(await firingsOf(i.t)).toEqual([]);
    // The 10:01 … 11:00 ticks never ran.
    const late = await scan.at('2022-06-01T11:01:00Z');
    const fired = await firingsOf(i.t);
    expect(fired.map((f) => [f.type, f.scheduled_for])).toEqual([
      ['contact.wedding', '2022-06-01T10:20:00Z'],
      ['event.created', '2022-06-01T10:30:00Z'],
    ]);
    expect(late.sent).toEqual(expect.arrayContaining(fired.map((f) => f.id)));
  });

  it('a rescheduled event fires for its new start only; one rescheduled past its reminder never fires', async () => {
    const scan = scans();
    const i = await inbox();
    await alert(i, { events: ['event.created', 'event.updated'], offset: { value: 30, unit: 'minutes' } });
    const moved = await event(i, { title: 'Moved', start: '2022-07-01T12:00:00Z' }, '2022-07-01T08:00:00Z');
    expect((await call('PATCH', `/v1/calendar/events/${moved.event_id}/`, { token: i.agent, now: '2022-07-01T09:00:00Z', body: { start: '2022-07-01T14:00:00Z' } })).status).toBe(200);
    const late = await event(i, { title: 'Late', start: '2022-07-01T13:45:00Z' }, '2022-07-01T08:00:00Z');

    await scan.at('2022-07-01T11:30:00Z');
    expect(await firingsOf(i.t)).toEqual([]);
    // At 13:20 "Late" moves to 13:40: its reminder (13:10) had passed when it was rescheduled.
    expect((await call('PATCH', `/v1/calendar/events/${late.event_id}/`, { token: i.agent, now: '2022-07-01T13:20:00Z', body: { start: '2022-07-01T13:40:00Z' } })).status).toBe(200);
    await scan.at('2022-07-01T13:30:00Z');
    await scan.at('2022-07-01T14:30:00Z');
    const fired = await firingsOf(i.t);
    expect(fired.map((f) => [f.type, f.payload.title, f.payload.start_at, f.scheduled_for])).toEqual([
      ['event.updated', 'Moved', '2022-07-01T14:00:00Z', '2022-07-01T13:30:00Z'],
    ]);
    expect(fired[0]!.source_key).toBe(`event:${moved.event_id}:2022-07-01T14:00:00Z`);
  });

  it('recurring series: each occurrence is reminded in the event\'s zone, a moved occurrence at its new time', async () => {
    const scan = scans();
    const i = await inbox();
    await alert(i, { events: ['event.created'], offset: { value: 10, unit: 'minutes' } });
    // Mondays 09:00 New York (EDT, 13:00Z) from August 1, 2022.
    const series = await event(i, {
      title: 'Weekly', start: '2022-08-01T09:00:00', time_zone: 'America/New_York', recurrence_rules: ['RRULE:FREQ=WEEKLY;COUNT=10'],
    }, '2022-07-31T12:00:00Z');
    const occ3 = `${series.event_id}_20220815T130000Z`;
    const patched = await call('PATCH', `/v1/calendar/events/${occ3}/`, { token: i.agent, now: '2022-08-02T12:00:00Z', body: { start: '2022-08-15T15:00:00Z' } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);

    for (const at of ['2022-08-01T12:49:00Z', '2022-08-01T12:50:00Z', '2022-08-01T13:01:00Z', '2022-08-08T12:50:00Z', '2022-08-08T13:01:00Z',
      '2022-08-15T12:50:00Z', '2022-08-15T14:50:00Z', '2022-08-15T15:01:00Z']) {
      await scan.at(at);
    }
    const fired = await firingsOf(i.t);
    expect(fired.map((f) => [f.scheduled_for, f.payload.start_at, f.payload.event_id, f.payload.recurring_event_id])).toEqual([
      ['2022-08-01T12:50:00Z', '2022-08-01T13:00:00Z', `${series.event_id}_20220801T130000Z`, series.event_id],
      ['2022-08-08T12:50:00Z', '2022-08-08T13:00:00Z', `${series.event_id}_20220808T130000Z`, series.event_id],
      ['2022-08-15T14:50:00Z', '2022-08-15T15:00:00Z', occ3, series.event_id],
    ]);
    expect(fired[0]!.payload).toMatchObject({ start: '2022-08-01T09:00:00', time_zone: 'America/New_York', title: 'Weekly' });
    const next = await withDb(async (db) => (await db.execute(sql`SELECT next_occurrence_at FROM events WHERE id = ${series.event_id}`)).rows[0] as { next_occurrence_at: string });
    expect(new Date(next.next_occurrence_at).toISOString()).toBe('2022-08-22T13:00:00.000Z');
  });
});

describe('never lost', () => {
  it('firings recorded while the queue refused them are sent by the next scan', async () => {
    const scan = scans();
    const i = await inbox({ anniversary_alert_time: '07:00' });
    await alert(i, { events: ['contact.birthday'] });
    await contact(i, 'Dora', [{ type: 'birthday', date: '1980-09-01' }]);
    await scan.at('2022-09-01T06:59:00Z');
    await expect(scan.at('2022-09-01T07:00:00Z', recorder(true))).rejects.toThrow('queue unavailable');
    const recorded = await firingsOf(i.t);
    expect(recorded.map((f) => [f.scheduled_for, f.enqueued])).toEqual([['2022-09-01T07:00:00Z', false]]);
    const next = await scan.at('2022-09-01T07:01:00Z');
    expect(next.sent).toContain(recorded[0]!.id);
    expect((await firingsOf(i.t)).map((f) => f.enqueued)).toEqual([true]);
    expect(await firingsOf(i.t)).toHaveLength(1);
  });
});

describe('after an outage', () => {
  it('a day-long gap catches up the last 24 hours only, and the series keeps being reminded', async () => {
    const i = await inbox();
    await alert(i, { events: ['event.created'] }); // no offset: at the start
    await event(i, { title: 'Daily', start: '2022-10-01T10:00:00Z', recurrence_rules: ['RRULE:FREQ=DAILY'] }, '2022-09-30T12:00:00Z');
    // Through the real cron handler and the shared watermark: the last scan was Oct 1, 09:00,
    // then nothing runs until October 4, 10:30.
    await setWatermark('2022-10-01T09:00:00Z');
    await tick('2022-10-04T10:30:00Z');
    await tick('2022-10-05T10:00:00Z');
    expect((await firingsOf(i.t)).map((f) => f.payload.start_at)).toEqual(['2022-10-04T10:00:00Z', '2022-10-05T10:00:00Z']);
  });
});

describe('scan window', () => {
  it('covers (watermark, now], at most 24 hours back; the first scan (or a clock gone back) covers one minute', () => {
    const now = new Date('2022-11-01T12:00:00Z');
    const iso = (w: { from: Date; to: Date }) => [w.from.toISOString(), w.to.toISOString()];
    expect(iso(windowFor(null, now))).toEqual(['2022-11-01T11:59:00.000Z', '2022-11-01T12:00:00.000Z']);
    expect(iso(windowFor(new Date('2022-11-01T11:59:00Z'), now))).toEqual(['2022-11-01T11:59:00.000Z', '2022-11-01T12:00:00.000Z']);
    expect(iso(windowFor(new Date('2022-11-01T10:37:00Z'), now))).toEqual(['2022-11-01T10:37:00.000Z', '2022-11-01T12:00:00.000Z']);
    expect(iso(windowFor(new Date('2022-10-20T00:00:00Z'), now))).toEqual(['2022-10-31T12:00:00.000Z', '2022-11-01T12:00:00.000Z']);
    expect(iso(windowFor(new Date('2023-01-01T00:00:00Z'), now))).toEqual(['2022-11-01T11:59:00.000Z', '2022-11-01T12:00:00.000Z']);
  });

  it('two scans of the same minute at once record and send each firing once', async () => {
    const i = await inbox({ anniversary_alert_time: '08:00' });
    await alert(i, { events: ['contact.any'] });
    await contact(i, 'Eve', [{ type: 'birthday', date: '--11-02' }]);
    // Two cron ticks through the real handler: the lease lets one of them scan.
    await setWatermark('2022-11-02T07:59:00Z');
    const [a, b] = await Promise.all([tick('2022-11-02T08:00:00Z'), tick('2022-11-02T08:00:00Z')]);
    const fired = await firingsOf(i.t);
    expect(fired).toHaveLength(1);
    expect([...a.sent, ...b.sent].filter((id) => id === fired[0]!.id)).toHaveLength(1);
  });
});

describe('firing payloads', () => {
  it('every payload the scan and the emitters record is exactly its event type\'s schema', async () => {
    const scan = scans();
    const i = await inbox({ default_timezone: 'Asia/Tokyo', anniversary_alert_time: '09:00' });
    await alert(i, { events: ['contact.any', 'event.created', 'event.updated', 'event.cancelled'], offset: { value: 15, unit: 'minutes' } });
    await contact(i, 'Kenji Sato', [{ type: 'birthday', date: '1985-12-05' }, { type: 'wedding_anniversary', date: '--12-05' }]);
    const single = await event(i, { title: 'Dinner', start: '2022-12-05T19:00:00', location: 'Ginza' }, '2022-12-01T00:00:00Z');
    const series = await event(i, { title: 'Sync', start: '2022-12-05T10:00:00', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=3'] }, '2022-12-01T00:00:00Z');
    // A moved occurrence (event.updated) and a cancelled one (event.cancelled, at once).
    expect((await call('PATCH', `/v1/calendar/events/${series.event_id}_20221206T010000Z/`, {
      token: i.agent, now: '2022-12-02T00:00:00Z', body: { start: '2022-12-06T11:00:00' },
    })).status).toBe(200);
    expect((await call('DELETE', `/v1/calendar/events/${series.event_id}_20221207T010000Z/`, { token: i.agent, now: '2022-12-02T00:00:00Z' })).status).toBe(204);
    for (const at of ['2022-12-04T23:59:00Z', '2022-12-05T00:00:00Z', '2022-12-05T01:00:00Z', '2022-12-05T10:00:00Z', '2022-12-06T02:00:00Z']) await scan.at(at);

    const fired = await firingsOf(i.t);
    expect(fired.map((f) => [f.type, f.payload.title]).sort()).toEqual([
      ['contact.birthday', 'Kenji Sato — Birthday'],
      ['contact.wedding_anniversary', 'Kenji Sato — Wedding anniversary'],
      ['event.cancelled', 'Sync'],
      ['event.created', 'Dinner'],
      // Changing one occurrence changes the series: its other reminders are event.updated too.
      ['event.updated', 'Sync'],
      ['event.updated', 'Sync'],
    ]);
    for (const f of fired) {
      const schema = dataSchemaOf(f.type);
      expect(schema, f.type).not.toBeNull();
      expect(schema!.strict().parse(f.payload)).toEqual(f.payload);
    }
    expect(fired.find((f) => f.payload.event_id === single.event_id)!.payload).toEqual({
      event_id: single.event_id, recurring_event_id: null, calendar_id: i.calendar, title: 'Dinner', start: '2022-12-05T19:00:00',
      start_at: '2022-12-05T10:00:00Z', time_zone: 'Asia/Tokyo', duration: 'PT1H', location: 'Ginza', status: 'confirmed',
      date: '2022-12-05', offset: { value: 15, unit: 'minutes' },
    });
  });
});
