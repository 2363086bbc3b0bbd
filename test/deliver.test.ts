// The ALERTS queue consumer through the Worker's real `queue` handler, posting to a real HTTP
// receiver. Firings are recorded with the alerts emitter (as the calendar does on a
// cancellation) into a recording queue, so this file decides when each message is handed over
// and with which attempt number, as the Queues runtime would on retries.
import { describe, it, expect } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { sql } from 'drizzle-orm';
import { inboxFromRow, type InboxColumns } from '../src/http/auth';
import { recordEventCancelled } from '../src/alerts/emit';
import { retryDelaySeconds } from '../src/jobs/deliver/backoff';
import { call, deliver, hookKey, hookUrl, newTenant, received, recorder, rowsOf, scriptHook, withDb, type Tenant } from './helpers';

interface Setup {
  t: Tenant;
  agent: string;
  key: string;
  alert: { id: string; secret?: string };
}

async function setup(alertBody: Record<string, unknown> = {}): Promise<Setup> {
  const t = await newTenant();
  const agent = await t.agent(['alerts:read', 'alerts:write', 'task:read', 'calendar:read', 'calendar:write', 'calendar:delete']);
  const key = hookKey('deliver');
  const r = await call('POST', '/v1/alerts/', {
    token: agent, body: { events: ['event.cancelled'], delivery: { type: 'webhook', target: hookUrl(key) }, ...alertBody },
  });
  if (r.status !== 201) throw new Error(`alert: ${r.status} ${JSON.stringify(r.body)}`);
  return { t, agent, key, alert: r.body };
}

/** Records an event.cancelled firing for the tenant's alerts; returns the ledger ids sent. */
async function fire(s: Setup, title = 'Board meeting'): Promise<string[]> {
  const queue = recorder();
  await withDb(async (db) => {
    const { rows } = await db.execute(sql`SELECT * FROM inboxes WHERE id = ${s.t.inboxId}`);
    const inbox = inboxFromRow(rows[0] as InboxColumns);
    await recordEventCancelled({ db, inbox, now: new Date(), alerts: queue }, {
      id: `evt_${crypto.randomUUID().replace(/-/g, '')}`, calendarId: 'cal_x', title, startAt: new Date('2031-05-04T15:00:00Z'), timeZone: 'Europe/Paris',
      duration: 'PT1H', location: 'Room 4',
    });
  });
  return queue.sent;
}

async function row(id: string) {
  return (await rowsOf(sql`
    SELECT status, attempts, last_status_code, last_error, delivered_at, firing_id FROM deliveries WHERE id = ${id}`))[0]!;
}

describe('two copies of one message at the same moment', () => {
  it('only one sends; the other is retried after the claim and then acked', async () => {
    const s = await setup();
    const [id] = await fire(s);
    // A slow receiver keeps the first attempt in flight while the second copy arrives.
    await scriptHook(s.key, [{ status: 200, delay_ms: 1500 }]);
    const [a, b] = await Promise.all([deliver([id!], 1), deliver([id!], 1)]);
    const retried = [...a.retryMessages, ...b.retryMessages];
    const acked = [...a.explicitAcks, ...b.explicitAcks];
    expect(acked).toHaveLength(1);
    expect(retried).toHaveLength(1);
    expect(retried[0]!.delaySeconds).toBe(60);
    expect(await row(id!)).toMatchObject({ status: 'delivered', attempts: 1 });
    // The retried copy comes back later: the firing is delivered, so it is acked without sending.
    const later = await deliver([id!], 2);
    expect(later.explicitAcks).toEqual(later.ids);
    await new Promise((r) => setTimeout(r, 300));
    expect(await received(s.key)).toHaveLength(1);
  });
});

describe('webhook delivery', () => {
  it('a receiver failing twice then answering 200 gets the same webhook-id three times; delivered after 3 attempts', async () => {
    const s = await setup(); // retries 3, exponential
    const [id] = await fire(s);
    await scriptHook(s.key, [500, 503, 200]);

    const one = await deliver([id!], 1);
    expect(one.retryMessages).toEqual([{ msgId: one.ids[0], delaySeconds: 10 }]);
    expect(one.explicitAcks).toEqual([]);
    expect(await row(id!)).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'receiver answered 500' });
    const two = await deliver([id!], 2);
    expect(two.retryMessages).toEqual([{ msgId: two.ids[0], delaySeconds: 20 }]);
    const three = await deliver([id!], 3);
    expect(three.explicitAcks).toEqual(three.ids);
    expect(three.retryMessages).toEqual([]);

    const got = await received(s.key);
    expect(got).toHaveLength(3);
    const firing = (await row(id!)).firing_id;
    expect(got.map((g) => g.headers['webhook-id'])).toEqual([firing, firing, firing]);
    const wh = new Webhook(s.alert.secret!);
    for (const g of got) {
      const payload = wh.verify(g.body, g.headers) as Record<string, any>;
      expect(payload).toMatchObject({
        id: firing, type: 'event.cancelled', inbox_id: s.t.inboxId, alert_id: s.alert.id,
        data: { title: 'Board meeting', status: 'cancelled', start_at: '2031-05-04T15:00:00Z', location: 'Room 4' },
      });
      expect(g.headers['content-type']).toBe('application/json');
      expect(g.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    }
    // A forged body does not verify.
    expect(() => wh.verify(got[0]!.body.replace('Board', 'Bored'), got[0]!.headers)).toThrow();

    const final = await row(id!);
    expect(final).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200, last_error: null });
    expect(final.delivered_at).not.toBeNull();

    // The queue hands the message over once more: acked, nothing sent.
    const again = await deliver([id!], 4);
    expect(again.explicitAcks).toEqual(again.ids);
    expect(await received(s.key)).toHaveLength(3);
    expect((await row(id!)).attempts).toBe(3);
  });

  it('exhausted retries end failed; redeliver sends it again with the same webhook-id', async () => {
    const s = await setup({ retries: 1, backoff: 'fixed' });
    const [id] = await fire(s);
    await scriptHook(s.key, [500, 502]);
    const one = await deliver([id!], 1);
    expect(one.retryMessages).toEqual([{ msgId: one.ids[0], delaySeconds: 30 }]);
    const two = await deliver([id!], 2);
    expect(two.explicitAcks).toEqual(two.ids);
    expect(await row(id!)).toMatchObject({ status: 'failed', attempts: 2, last_status_code: 502, last_error: 'receiver answered 502', delivered_at: null });

    const log = await call('GET', `/v1/alerts/${s.alert.id}/deliveries/`, { token: s.agent });
    expect(log.body.results).toEqual([expect.objectContaining({ id, status: 'failed', attempts: 2, last_status_code: 502, type: 'event.cancelled' })]);

    // Through the API and the real queue: back to pending, then delivered (the receiver now says 200).
    const r = await call('POST', `/v1/alerts/${s.alert.id}/deliveries/${id}/redeliver/`, { token: s.agent });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ id, status: 'pending', attempts: 0, last_status_code: null });
    const got = await received(s.key, 3);
    expect(got).toHaveLength(3);
    expect(new Set(got.map((g) => g.headers['webhook-id'])).size).toBe(1);
    let final: Record<string, any> = {};
    for (let i = 0; i < 50 && final.status !== 'delivered'; i++) {
      final = await row(id!);
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(final).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200 });
    expect((await call('POST', `/v1/alerts/${s.alert.id}/deliveries/dlv_nope/redeliver/`, { token: s.agent })).status).toBe(404);
  });

  it('no answer within 10 seconds is a failed attempt', async () => {
    const s = await setup({ retries: 0, backoff: 'immediate' });
    const [id] = await fire(s);
    await scriptHook(s.key, [{ status: 200, delay_ms: 12_000 }]);
    const started = Date.now();
    const r = await deliver([id!]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_500);
    expect(r.explicitAcks).toEqual(r.ids);
    expect(await row(id!)).toMatchObject({ status: 'failed', attempts: 1, last_status_code: null, last_error: 'no answer within 10 s' });
  }, 30_000);

  it('410 Gone disables the alert; a disabled alert\'s firings fail without a request', async () => {
    const s = await setup();
    const [first] = await fire(s);
    await scriptHook(s.key, [410]);
    const r = await deliver([first!]);
    expect(r.explicitAcks).toEqual(r.ids);
    expect(await row(first!)).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 410 });
    expect((await call('GET', `/v1/alerts/${s.alert.id}/`, { token: s.agent })).body.enabled).toBe(false);

    // Firings recorded before the alert was disabled are not sent either.
    await withDb((db) => db.execute(sql`UPDATE alerts SET enabled = true WHERE id = ${s.alert.id}`));
    const [second] = await fire(s, 'Second');
    await call('PATCH', `/v1/alerts/${s.alert.id}/`, { token: s.agent, body: { enabled: false } });
    const d = await deliver([second!]);
    expect(d.explicitAcks).toEqual(d.ids);
    expect(await row(second!)).toMatchObject({ status: 'failed', attempts: 0, last_error: 'the alert is disabled' });
    expect(await received(s.key)).toHaveLength(1);
  });

  it('a message for a deleted alert is acked and dropped', async () => {
    const s = await setup();
    const [id] = await fire(s);
    expect((await call('DELETE', `/v1/alerts/${s.alert.id}/`, { token: s.agent })).status).toBe(204);
    const r = await deliver([id!, 'dlv_unknown']);
    expect(r.explicitAcks.sort()).toEqual([...r.ids].sort());
    expect(r.retryMessages).toEqual([]);
    expect(await received(s.key)).toHaveLength(0);
  });
});

describe('task delivery', () => {
  it('creates exactly one task per firing, however often it is delivered', async () => {
    const s = await setup({ delivery: { type: 'task', target: '{title} was cancelled ({type}, {date} at {location})' } });
    const [id] = await fire(s, 'Quarterly review');
    // Twice in one batch, then again in a later batch.
    const r = await deliver([id!, id!]);
    expect(r.explicitAcks.sort()).toEqual([...r.ids].sort());
    const again = await deliver([id!], 2);
    expect(again.explicitAcks).toEqual(again.ids);
    await withDb((db) => db.execute(sql`UPDATE deliveries SET status = 'pending' WHERE id = ${id}`)); // as if the ack was lost mid-way
    await deliver([id!], 3);

    const tasks = await call('GET', '/v1/tasks/', { token: s.agent });
    expect(tasks.status).toBe(200);
    expect(tasks.body.results).toHaveLength(1);
    expect(tasks.body.results[0]).toMatchObject({
      summary: 'Quarterly review was cancelled (event.cancelled, 2031-05-04 at Room 4)', due_date: '2031-05-04', status: 'NEEDS-ACTION',
    });
    expect(await row(id!)).toMatchObject({ status: 'delivered', last_status_code: null, last_error: null });
  });

  it('a database failure retries the message without spending one of the alert\'s attempts', async () => {
    const s = await setup({ retries: 0, delivery: { type: 'task', target: 'Gone: {title}' } });
    const [id] = await fire(s, 'Offsite');
    // Every insert of a task for this inbox fails as an outage would (other tenants are untouched).
    const fn = `fail_tasks_${s.t.inboxId.replace(/\W/g, '')}`;
    await withDb(async (db) => {
      await db.execute(sql.raw(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.inbox_id = '${s.t.inboxId}' THEN RAISE EXCEPTION 'simulated outage'; END IF; RETURN NEW; END $$`));
      await db.execute(sql.raw(`CREATE TRIGGER ${fn} BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION ${fn}()`));
    });
    try {
      for (const attempt of [1, 2, 3]) {
        const r = await deliver([id!], attempt);
        expect(r.retryMessages).toEqual([{ msgId: r.ids[0], delaySeconds: 15 }]);
        expect(r.explicitAcks).toEqual([]);
      }
      // Retries 0 means one attempt in all; three outages spent none of it, and left no claim.
      expect(await row(id!)).toMatchObject({ status: 'pending', attempts: 0, last_error: null });
    } finally {
      await withDb(async (db) => {
        await db.execute(sql.raw(`DROP TRIGGER ${fn} ON tasks`));
        await db.execute(sql.raw(`DROP FUNCTION ${fn}()`));
      });
    }
    // The database is back: the next copy delivers at once (the failed attempt gave its claim back).
    const ok = await deliver([id!], 4);
    expect(ok.explicitAcks).toEqual(ok.ids);
    expect(await row(id!)).toMatchObject({ status: 'delivered', attempts: 1 });
    const tasks = await call('GET', '/v1/tasks/', { token: s.agent });
    expect(tasks.body.results.map((t: { summary: string }) => t.summary)).toEqual(['Gone: Offsite']);
  });
});

describe('event.cancelled from the calendar', () => {
  it('deleting an event, or cancelling one, fires at once through the real queue', async () => {
    const s = await setup();
    const cals = await call('GET', '/v1/calendar/collections/', { token: s.agent });
    const calendar = cals.body.find((c: { isDefault: boolean }) => c.isDefault).id;
    const mk = async (title: string) => (await call('POST', '/v1/calendar/events/', {
      token: s.agent, body: { calendar_id: calendar, title, start: '2031-06-01T10:00:00Z', duration: 'PT1H' },
    })).body.event_id as string;
    const a = await mk('Dropped');
    const b = await mk('Called off');
    expect((await call('DELETE', `/v1/calendar/events/${a}/`, { token: s.agent })).status).toBe(204);
    expect((await call('PATCH', `/v1/calendar/events/${b}/`, { token: s.agent, body: { status: 'cancelled' } })).status).toBe(200);
    const got = await received(s.key, 2);
    expect(got).toHaveLength(2);
    const bodies = got.map((g) => new Webhook(s.alert.secret!).verify(g.body, g.headers) as Record<string, any>);
    expect(bodies.map((x) => [x.type, x.data.event_id, x.data.title]).sort()).toEqual([
      ['event.cancelled', a, 'Dropped'], ['event.cancelled', b, 'Called off'],
    ].sort());
  });
});

describe('backoff', () => {
  it('immediate, fixed and exponential (capped) delays', () => {
    expect([1, 2, 5].map((n) => retryDelaySeconds('immediate', n))).toEqual([0, 0, 0]);
    expect([1, 2, 5].map((n) => retryDelaySeconds('fixed', n))).toEqual([30, 30, 30]);
    expect([1, 2, 3, 4, 10, 11].map((n) => retryDelaySeconds('exponential', n))).toEqual([10, 20, 40, 80, 3600, 3600]);
  });
});
