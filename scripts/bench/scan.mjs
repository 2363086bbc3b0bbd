// `npm run bench:scan`: the alerts minute scan over a large database.
//
// Seeds 1,000 inboxes (in UTC, Berlin and New York, all alerting at 09:00Z on the bench day)
// with 1,000,000 contacts (one birthday each, spread over the year), 1,000,000 events (95% single
// events spread over a year around the bench minute, 5% weekly series) and 2,000 alerts (a
// birthday webhook and a 30-minute event reminder per inbox), all with `INSERT … SELECT
// generate_series`, plus their occurrence index (a row per single event and per weekly
// occurrence up to 430 days ahead, ~4.5M rows, as the event verbs and the scan keep it). For the
// sequence emails it adds a 3-email sequence per inbox (delays 2, 3, 4 days) and 100,000 active
// enrollments of distinct contacts spread over the inboxes, at email 1, 2 or 3 (past email 1 they
// carry a first message to reply to): 1,000 with their next email due in the bench minute
// (08:59:01–09:00:00Z), the rest from a day to three months later.
// It then runs the scan core for 2030-01-15T09:00Z — the minute in which
// ~2,740 birthdays (1,000,000 / 365), ~500 reminders (400 single events and 100 series
// occurrences starting at 09:30Z, plus the odd random one) and the 1,000 sequence emails fall
// due — then the next minute before the queue consumer has sent those emails (the scan reads
// them again and records nothing: the outbox key drops them), then, with their sends recorded as
// the consumer would (each enrollment moved to its next email, or completed), fifteen idle minutes
// (a median of fifteen: one tick is a few statements on a busy two-core machine, and noisy).
// (No work routes are seeded: the scan's route-reminder statement, on the same outbox, finds none.)
// It prints the time of each tick, per statement, and EXPLAIN (ANALYZE, BUFFERS) of every scan
// query, and checks that the due tick records exactly the due sequence emails and the idle
// ticks none (a failed check fails the run after the summary).
//
// How it runs the scan: directly from Node, not through `wrangler dev`. The Worker's own scan
// code (src/jobs/scan.ts and what it imports) is bundled with esbuild and called as
// `scanDue(db, queue, now)` with a node-postgres Drizzle database and a queue that records the
// messages (checking the 100-per-sendBatch limit). This measures the scan itself — SQL, index
// reads, series expansion, ledger insert, enqueue bookkeeping — without the queue consumer
// (which under `wrangler dev` would start delivering 3,000 webhooks on the same two cores in the
// middle of the measurement) and without the local Neon endpoint hop. Real Queues sendBatch
// latency is not included: the figures show how many sendBatch calls a tick makes.
//
// Starts its own embedded PostgreSQL (or a scratch database on DATABASE_URL) and removes
// everything at the end. Bounded: the seed takes a few minutes on 2 cores; a watchdog stops the
// run after 20 minutes.
// BENCH_SCALE=0.05 shrinks the seed for a quick end-to-end check (see lib.mjs).
import { performance } from 'node:perf_hooks';
import { importBundled, log, percentiles, runBench, scaled, srcModule, startBenchStack } from './lib.mjs';

const INBOXES = scaled(1_000);
const CONTACTS = scaled(1_000_000);
const EVENTS = scaled(1_000_000);
const DUE_SINGLE = scaled(400);
const DUE_SERIES = scaled(100);
const SERIES = scaled(50_000);
const ENROLLMENTS = scaled(100_000);
const DUE_STEPS = scaled(1_000);
/** Days from an enrollment's anchor to email 1, 2 and 3 of the bench sequence (delays 2, 3, 4). */
const STEP_DAYS = [2, 5, 9];
const T0 = new Date('2030-01-15T09:00:00Z');
const IDLE_TICKS = 15;
const MINUTE = 60_000;

/** The Worker's scan code, bundled for Node, plus Drizzle's node-postgres driver from the same bundle. */
function loadScanCore() {
  return importBundled('scan', `
    export { scanDue } from ${srcModule('jobs/scan.ts')};
    export { dueAnniversariesSql } from ${srcModule('jobs/scan/anniversaries.ts')};
    export { dueRemindersSql, reminderLeads } from ${srcModule('jobs/scan/reminders.ts')};
    export { seriesCandidatesSql, passedSql } from ${srcModule('jobs/scan/series.ts')};
    export { unsentSql } from ${srcModule('alerts/ledger.ts')};
    export { recordDueSteps } from ${srcModule('sequences/steps.ts')};
    export { unsentOutbox } from ${srcModule('mail/outbox.ts')};
    export { recordDueReminders } from ${srcModule('work-routes/reminders.ts')};
    export { drizzle } from 'drizzle-orm/node-postgres';
    export { sql } from 'drizzle-orm';
    export { PgDialect } from 'drizzle-orm/pg-core';
  `);
}

const iso = (d) => d.toISOString();

/** The statement `fn(db)` sends (the first one), without running it: for EXPLAIN of the Worker's own SQL. */
async function statementOf(fn) {
  let query;
  await fn({ execute: async (q) => { query ??= q; return { rows: [] }; } });
  return query;
}

async function seed(client) {
  const t0 = iso(T0);
  if (ENROLLMENTS > CONTACTS || DUE_STEPS > ENROLLMENTS) throw new Error('enrollments need distinct contacts, and due ones are enrollments');
  const steps = [
    ['tenant, inboxes, calendars', `
      INSERT INTO tenants (id, name) VALUES ('ten_bench', 'Bench');
      INSERT INTO inboxes (id, tenant_id, address, default_timezone, anniversary_alert_time)
      SELECT 'inb_' || lpad(g::text, 4, '0'), 'ten_bench', 'bench' || g || '@inbox.test',
        (ARRAY['UTC', 'Europe/Berlin', 'America/New_York'])[g % 3 + 1],
        -- 09:00Z on a January day in each zone
        (ARRAY['09:00', '10:00', '04:00'])[g % 3 + 1]
      FROM generate_series(0, ${INBOXES - 1}) g;
      INSERT INTO calendars (id, inbox_id, name, is_default, kind)
      SELECT 'cal_' || lpad(g::text, 4, '0'), 'inb_' || lpad(g::text, 4, '0'), 'Personal', true, 'personal'
      FROM generate_series(0, ${INBOXES - 1}) g;`],
    [`${CONTACTS.toLocaleString('en')} contacts`, `
      INSERT INTO contacts (id, inbox_id, full_name, search_name, created_at, updated_at)
      SELECT 'ctc_' || g, 'inb_' || lpad((g % ${INBOXES})::text, 4, '0'), 'Contact ' || g, 'contact ' || g, now(), now()
      FROM generate_series(1, ${CONTACTS}) g;`],
    [`${CONTACTS.toLocaleString('en')} birthdays`, `
      INSERT INTO contact_anniversaries (inbox_id, contact_id, position, type, date, year, month, day)
      SELECT 'inb_' || lpad((g % ${INBOXES})::text, 4, '0'), 'ctc_' || g, 0, 'birthday', to_char(d, 'YYYY-MM-DD'),
        extract(year FROM d)::int, extract(month FROM d)::int, extract(day FROM d)::int
      FROM generate_series(1, ${CONTACTS}) g,
        LATERAL (SELECT make_date(1950 + g % 50, 1, 1) + ((g::bigint * 7919) % 365)::int AS d) x;`],
    [`${(EVENTS - DUE_SINGLE - SERIES).toLocaleString('en')} single events over a year`, `
      INSERT INTO events (id, inbox_id, calendar_id, title, time_zone, start_local, start_at, duration, duration_seconds,
        is_recurring, series_end_at, next_occurrence_at, armed_at, created_at, updated_at)
      SELECT 'evt_' || g, 'inb_' || lpad((g % ${INBOXES})::text, 4, '0'), 'cal_' || lpad((g % ${INBOXES})::text, 4, '0'),
        'Event ' || g, 'UTC', to_char(s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'), s, 'PT1H', 3600, false, s + interval '1 hour',
        -- what the scan leaves behind: passed single events no longer carry a next occurrence
        CASE WHEN s > '${t0}'::timestamptz - interval '2 minutes' THEN s END,
        s - interval '30 days', s - interval '30 days', s - interval '30 days'
      FROM generate_series(1, ${EVENTS - DUE_SINGLE - SERIES}) g,
        LATERAL (SELECT '${t0}'::timestamptz - interval '182 days' + ((g::bigint * 104729) % 525600) * interval '1 minute' AS s) x;`],
    [`${DUE_SINGLE} single events starting at 09:30Z`, `
      INSERT INTO events (id, inbox_id, calendar_id, title, time_zone, start_local, start_at, duration, duration_seconds,
        is_recurring, series_end_at, next_occurrence_at, armed_at, created_at, updated_at)
      SELECT 'evt_due_' || g, 'inb_' || lpad((g % ${INBOXES})::text, 4, '0'), 'cal_' || lpad((g % ${INBOXES})::text, 4, '0'),
        'Due ' || g, 'UTC', to_char(s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'), s, 'PT30M', 1800, false, s + interval '30 minutes', s,
        s - interval '3 days', s - interval '3 days', s - interval '3 days'
      FROM generate_series(1, ${DUE_SINGLE}) g, LATERAL (SELECT '${t0}'::timestamptz + interval '30 minutes' AS s) x;`],
    [`${SERIES.toLocaleString('en')} weekly series (${DUE_SERIES} with an occurrence at 09:30Z)`, `
      INSERT INTO events (id, inbox_id, calendar_id, title, time_zone, start_local, start_at, duration, duration_seconds,
        recurrence_rules, is_recurring, series_end_at, next_occurrence_at, armed_at, created_at, updated_at)
      SELECT 'evt_s_' || g, 'inb_' || lpad((g % ${INBOXES})::text, 4, '0'), 'cal_' || lpad((g % ${INBOXES})::text, 4, '0'),
        'Weekly ' || g, 'UTC', to_char(s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'), s, 'PT1H', 3600,
        ARRAY['RRULE:FREQ=WEEKLY'], true, NULL,
        -- first occurrence after the scan's last minute
        s + ceil(extract(epoch FROM ('${t0}'::timestamptz - interval '2 minutes' - s)) / 604800) * interval '7 days',
        s - interval '1 day', s - interval '1 day', s - interval '1 day'
      FROM generate_series(1, ${SERIES}) g,
        LATERAL (SELECT CASE WHEN g <= ${DUE_SERIES} THEN '${t0}'::timestamptz + interval '30 minutes' - interval '8 weeks'
          ELSE '${t0}'::timestamptz - interval '60 days' + ((g::bigint * 7907) % 10080) * interval '1 minute' END AS s) x;`],
    [`${2 * INBOXES} alerts`, `
      INSERT INTO alerts (id, inbox_id, events, offset_value, offset_unit, delivery_type, target, secret, created_at, updated_at)
      SELECT 'alr_b_' || lpad(g::text, 4, '0'), 'inb_' || lpad(g::text, 4, '0'), ARRAY['contact.birthday'], NULL, NULL,
        'webhook', 'https://hooks.example.com/' || g, 'whsec_' || encode(sha256(g::text::bytea), 'base64'), now(), now()
      FROM generate_series(0, ${INBOXES - 1}) g;
      INSERT INTO alerts (id, inbox_id, events, offset_value, offset_unit, delivery_type, target, secret, created_at, updated_at)
      SELECT 'alr_r_' || lpad(g::text, 4, '0'), 'inb_' || lpad(g::text, 4, '0'), ARRAY['event.created'], 30, 'minutes',
        'webhook', 'https://hooks.example.com/' || g, 'whsec_' || encode(sha256(g::text::bytea), 'base64'), now(), now()
      FROM generate_series(0, ${INBOXES - 1}) g;`],
    // The occurrence index as the event verbs would have written it (src/calendar/
    // occurrence-index.ts): a row per single event, and per occurrence of each weekly UTC series
    // from its start to 430 days past the bench minute, which is how far it is then covered.
    ['the occurrence index', `
      INSERT INTO event_occurrences (event_id, inbox_id, original_start_at, id, start_at, end_at, occurs_at, all_day)
      SELECT id, inbox_id, start_at, id, start_at, start_at + duration_seconds * interval '1 second', start_at, false
      FROM events WHERE NOT is_recurring;
      INSERT INTO event_occurrences (event_id, inbox_id, original_start_at, id, start_at, end_at, occurs_at, all_day)
      SELECT e.id, e.inbox_id, t, e.id || '_' || to_char(t AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'), t, t + interval '1 hour', t, false
      FROM events e, LATERAL generate_series(e.start_at, '${t0}'::timestamptz + interval '430 days', interval '7 days') t
      WHERE e.is_recurring;
      UPDATE events SET unindexed_from = CASE WHEN is_recurring THEN '${t0}'::timestamptz + interval '430 days 1 millisecond' END;`],
    [`${INBOXES} sequences, ${ENROLLMENTS.toLocaleString('en')} active enrollments (${DUE_STEPS} due at 08:59:01–09:00:00Z)`, `
      INSERT INTO sequences (id, inbox_id, name, exit_on_reply, emails, created_at, updated_at)
      SELECT 'seq_' || lpad(g::text, 4, '0'), 'inb_' || lpad(g::text, 4, '0'), 'Onboarding', true,
        jsonb_build_array(
          jsonb_build_object('delay_days', 2, 'subject', 'Welcome aboard (' || g || ')', 'body', 'Hello! Here is how to get started.'),
          jsonb_build_object('delay_days', 3, 'subject', 'A few tips', 'body', 'Some tips for your first week.'),
          jsonb_build_object('delay_days', 4, 'subject', 'How is it going?', 'body', 'Just checking in: reply if you need anything.')),
        now(), now()
      FROM generate_series(0, ${INBOXES - 1}) g;
      -- Enrollment g is contact g's (in inbox g % ${INBOXES}, as the contacts were seeded), in that inbox's sequence.
      INSERT INTO sequence_enrollments (id, inbox_id, sequence_id, sequence_name, contact_id, to_email, to_name, exit_on_reply, emails,
        status, current_email, next_email_at, anchor_local, time_zone, first_message_id, thread_id, created_at, updated_at)
      SELECT 'enr_' || g, s.inbox_id, s.id, s.name, 'ctc_' || g, 'c' || g || '@example.com', 'Contact ' || g, s.exit_on_reply, s.emails,
        'active', x.step, x.next,
        -- the anchor the next email's due time was computed from (email k goes STEP_DAYS[k] days after it)
        to_char((x.next AT TIME ZONE i.default_timezone) - (ARRAY[${STEP_DAYS.join(', ')}])[x.step] * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS'),
        i.default_timezone,
        CASE WHEN x.step > 1 THEN 'msg_bench_' || g END, CASE WHEN x.step > 1 THEN 'thr_bench_' || g END, now(), now()
      FROM generate_series(1, ${ENROLLMENTS}) g
        JOIN sequences s ON s.id = 'seq_' || lpad((g % ${INBOXES})::text, 4, '0')
        JOIN inboxes i ON i.id = s.inbox_id,
        LATERAL (SELECT 1 + g % 3 AS step,
          CASE WHEN g <= ${DUE_STEPS} THEN '${t0}'::timestamptz - interval '1 minute' + (1 + g % 60) * interval '1 second'
            ELSE '${t0}'::timestamptz + interval '1 day' + ((g::bigint * 7919) % 129600) * interval '1 minute' END AS next) x;`],
    // VACUUM too: millions of freshly inserted rows would otherwise draw autovacuum onto one
    // of the two cores in the middle of the ticks, which is noise, not the scan.
    ['VACUUM (ANALYZE)', 'VACUUM (ANALYZE);'],
  ];
  for (const [what, text] of steps) {
    const t = performance.now();
    await client.query(text);
    log(`seeded ${what} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
}

/** Labels each statement the scan sends, to time them one by one. */
function labelOf(text) {
  if (text.includes('INSERT INTO outbox') && text.includes('FROM sequence_enrollments e')) return 'sequence emails: due steps + outbox insert';
  if (text.includes('INSERT INTO outbox') && text.includes('route_recipients')) return 'route reminders: outbox insert';
  if (text.includes('FROM outbox WHERE enqueued_at IS NULL')) return 'outbox: unsent rows';
  if (/update "outbox" set "enqueued_at"/i.test(text)) return 'outbox: mark enqueued (per 100)';
  if (text.includes('contact_anniversaries')) return 'anniversaries: read + ledger insert';
  if (text.includes('indexed AS (')) return 'reminders (single events; series from the occurrence index)';
  if (text.includes('ORDER BY unindexed_from')) return 'occurrence index upkeep: read';
  if (text.includes('SET unindexed_from')) return 'occurrence index upkeep: write';
  if (text.includes('by_inbox AS')) return 'series candidates';
  if (text.includes('SELECT DISTINCT lead_s')) return 'reminder offsets';
  if (text.includes('jsonb_to_recordset') && text.includes('INSERT INTO deliveries')) return 'series reminders: ledger insert';
  if (text.includes('FROM events WHERE next_occurrence_at')) return 'passed events: read';
  if (text.includes('UPDATE events')) return 'passed events: advance';
  if (text.includes('enqueued_at IS NULL')) return 'unsent rows';
  if (/update "deliveries" set "enqueued_at"/i.test(text)) return 'mark enqueued (per 100)';
  if (text.includes('alerts.lease') || text.includes('scan_state')) return 'lease / watermark';
  if (text.includes('idempotency_keys')) return 'sweep';
  return text.replace(/\s+/g, ' ').trim().slice(0, 40);
}

function instrument(pool, stats) {
  const query = pool.query.bind(pool);
  pool.query = async (...args) => {
    const text = typeof args[0] === 'string' ? args[0] : args[0]?.text ?? '';
    const t = performance.now();
    try {
      return await query(...args);
    } finally {
      const label = labelOf(text);
      const s = stats.get(label) ?? { calls: 0, ms: 0 };
      s.calls++;
      s.ms += performance.now() - t;
      stats.set(label, s);
    }
  };
}

function recorder() {
  const q = { messages: 0, outbox: 0, batches: 0, largest: 0 };
  q.sendBatch = async (msgs) => {
    const list = [...msgs];
    if (list.length > 100) throw new Error(`sendBatch with ${list.length} messages (limit 100)`);
    q.messages += list.length;
    q.outbox += list.filter((m) => m.body?.outbox_id).length;
    q.batches++;
    q.largest = Math.max(q.largest, list.length);
  };
  return q;
}

async function tick(core, db, stats, at, name) {
  stats.clear();
  const queue = recorder();
  const t = performance.now();
  const report = await core.scanDue(db, queue, at);
  const ms = performance.now() - t;
  const r = report.recorded;
  console.log(`\n${name} (${iso(at)}): ${ms.toFixed(0)} ms — recorded ${r.anniversaries} anniversaries, ${r.reminders} event reminders, ` +
    `${r.sequenceEmails} sequence emails, ${r.routeReminders} route reminders; enqueued ${queue.messages} (${queue.outbox} outbox) in ${queue.batches} sendBatch calls ` +
    `(largest ${queue.largest}); advanced ${report.advancedEvents} passed events`);
  for (const [label, s] of stats) console.log(`  ${label.padEnd(46)} ${String(s.calls).padStart(3)} × ${(s.ms).toFixed(1).padStart(8)} ms`);
  return { ms, report, queue, stats: new Map(stats) };
}

async function explain(client, core, title, query) {
  const { sql } = core;
  const dialect = new core.PgDialect();
  const { sql: text, params } = dialect.sqlToQuery(sql`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query}`);
  await client.query('BEGIN');
  try {
    const { rows } = await client.query(text, params);
    console.log(`\n--- EXPLAIN ${title}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  } finally {
    await client.query('ROLLBACK');
  }
}

async function main() {
  const started = performance.now();
  const { db: seedClient, pool: newPool } = await startBenchStack({ name: 'scan', worker: false });
  const core = await loadScanCore();
  await seed(seedClient);
  log(`seed done in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  // At most six statements in flight, as a Worker keeps at most six connections (subrequests)
  // open at once: the scan's widest step sends five.
  const pool = newPool({ max: 6 });
  const stats = new Map();
  instrument(pool, stats);
  const db = core.drizzle({ client: pool });

  // The minute before: the first scan ever (it covers one minute).
  await tick(core, db, stats, new Date(T0.getTime() - MINUTE), 'warm-up tick');

  // EXPLAIN of the due tick's statements (rolled back, so the timed tick below does the work).
  const window = { from: new Date(T0.getTime() - MINUTE), to: T0 };
  await explain(seedClient, core, 'due anniversaries (window 08:59–09:00Z)', core.dueAnniversariesSql(window));
  const leads = await core.reminderLeads(db);
  await explain(seedClient, core, `due reminders: single events, series from the occurrence index (offsets ${leads.join(', ')} s)`, core.dueRemindersSql(window, leads));
  await explain(seedClient, core, 'series candidates (not indexed far enough: none here)', core.seriesCandidatesSql(window, leads));
  await explain(seedClient, core, 'passed events', core.passedSql(T0));
  await explain(seedClient, core, 'unsent ledger rows', core.unsentSql(T0));
  // The SELECT of recordDueSteps (src/sequences/steps.ts), as written there; then the whole
  // statement as the Worker sends it (the INSERT rolled back with the EXPLAIN).
  await explain(seedClient, core, 'due sequence steps: the SELECT of recordDueSteps (next_email_at <= 09:00Z)', core.sql`
    SELECT e.id, e.inbox_id, e.current_email AS step, e.to_email, e.to_name, e.first_message_id,
           e.emails -> (e.current_email - 1) AS email, e.emails -> 0 ->> 'subject' AS first_subject
    FROM sequence_enrollments e
    WHERE e.status = 'active' AND e.next_email_at <= ${iso(T0)}::timestamptz
    ORDER BY e.next_email_at
    LIMIT 5000`);
  await explain(seedClient, core, 'due sequence steps: recordDueSteps as a whole (outbox INSERT … SELECT)', await statementOf((q) => core.recordDueSteps(q, T0)));
  await explain(seedClient, core, 'unsent outbox rows', await statementOf((q) => core.unsentOutbox(q, T0)));
  await explain(seedClient, core, 'due route reminders (no work routes seeded)', await statementOf((q) => core.recordDueReminders(q, T0)));

  const due = await tick(core, db, stats, T0, 'DUE tick');
  // The next minute, before the consumer has sent the due emails: the scan reads them again.
  const beforeConsumer = await tick(core, db, stats, new Date(T0.getTime() + MINUTE), 'next tick, consumer not yet run');

  // What the consumer's settleOutbox + advanceEnrollment (src/jobs/outbox.ts) does for each email sent: the row sent, the enrollment
  // on to its next email (due its delay later) or completed after the last (not timed).
  const sentAt = iso(new Date(T0.getTime() + MINUTE + 30_000));
  const { rowCount: moved } = await seedClient.query(`
    WITH o AS (
      UPDATE outbox SET status = 'sent', message_id = 'msg_' || substr(id, 5), updated_at = '${sentAt}'::timestamptz
      WHERE status = 'pending' AND enrollment_id IS NOT NULL
      RETURNING id, enrollment_id, step
    )
    UPDATE sequence_enrollments e SET
      current_email = CASE WHEN o.step < jsonb_array_length(e.emails) THEN o.step + 1 ELSE o.step END,
      status = CASE WHEN o.step < jsonb_array_length(e.emails) THEN e.status ELSE 'completed'::enrollment_status END,
      next_email_at = CASE WHEN o.step < jsonb_array_length(e.emails)
        THEN e.next_email_at + (e.emails -> o.step ->> 'delay_days')::int * interval '1 day' END,
      ended_at = CASE WHEN o.step >= jsonb_array_length(e.emails) THEN '${sentAt}'::timestamptz END,
      first_message_id = COALESCE(e.first_message_id, 'msg_' || substr(o.id, 5)),
      updated_at = '${sentAt}'::timestamptz
    FROM o WHERE e.id = o.enrollment_id AND e.status = 'active' AND e.current_email = o.step`);
  log(`consumer outcome recorded for ${moved} enrollments`);

  const idle = [];
  for (let i = 2; i < 2 + IDLE_TICKS; i++) idle.push(await tick(core, db, stats, new Date(T0.getTime() + i * MINUTE), `idle tick ${i - 1}`));

  const idleWindow = { from: T0, to: new Date(T0.getTime() + MINUTE) };
  await explain(seedClient, core, 'idle anniversaries (window 09:00–09:01Z)', core.dueAnniversariesSql(idleWindow));
  const lastIdle = new Date(T0.getTime() + 6 * MINUTE);
  await explain(seedClient, core, `idle sequence steps: recordDueSteps at ${iso(lastIdle)}, after the consumer`, await statementOf((q) => core.recordDueSteps(q, lastIdle)));

  const { rows: [counts] } = await seedClient.query(`SELECT count(*)::int AS deliveries, count(*) FILTER (WHERE enqueued_at IS NOT NULL)::int AS enqueued FROM deliveries`);
  const { rows: [obx] } = await seedClient.query(`SELECT count(*)::int AS rows, count(*) FILTER (WHERE enqueued_at IS NOT NULL)::int AS enqueued FROM outbox`);
  const idleMs = percentiles(idle.map((x) => x.ms));
  // The outbox statements of a tick: sequence steps, route reminders, unsent rows, marking enqueued.
  const stepMs = (t) => [...t.stats].filter(([label]) => /^(sequence emails|route reminders|outbox):/.test(label)).reduce((sum, [, x]) => sum + x.ms, 0);
  const dueStepsMs = (t) => (t.stats.get('sequence emails: due steps + outbox insert')?.ms ?? 0).toFixed(1);
  const checks = [
    [`due tick recorded ${due.report.recorded.sequenceEmails} sequence emails, ${DUE_STEPS} due`, due.report.recorded.sequenceEmails === DUE_STEPS],
    [`due tick enqueued ${due.queue.outbox} outbox messages, ${DUE_STEPS} due`, due.queue.outbox === DUE_STEPS],
    [`next tick (consumer not yet run) recorded ${beforeConsumer.report.recorded.sequenceEmails} sequence emails, 0 expected`, beforeConsumer.report.recorded.sequenceEmails === 0],
    [`idle ticks recorded ${idle.map((x) => x.report.recorded.sequenceEmails).join(', ')} sequence emails, 0 expected`, idle.every((x) => x.report.recorded.sequenceEmails === 0)],
    [`outbox holds ${obx.rows} rows (${obx.enqueued} enqueued), ${DUE_STEPS} expected`, obx.rows === DUE_STEPS && obx.enqueued === DUE_STEPS],
  ];
  console.log('\n=== bench:scan summary ===');
  console.log(`data: ${INBOXES} inboxes, ${CONTACTS.toLocaleString('en')} contacts (1 birthday each), ${EVENTS.toLocaleString('en')} events (${SERIES.toLocaleString('en')} weekly series), ${2 * INBOXES} alerts, ` +
    `${ENROLLMENTS.toLocaleString('en')} active sequence enrollments (${DUE_STEPS} due in the tick)`);
  console.log(`due tick:  ${due.ms.toFixed(0)} ms for ${due.report.recorded.anniversaries} birthdays + ${due.report.recorded.reminders} reminders + ${due.report.recorded.sequenceEmails} sequence emails recorded and ${due.queue.messages} messages enqueued (${due.queue.outbox} outbox; ${due.queue.batches} sendBatch calls); outbox statements ${stepMs(due).toFixed(1)} ms, of which due steps ${dueStepsMs(due)} ms`);
  console.log(`next tick, consumer not yet run: ${beforeConsumer.ms.toFixed(0)} ms (outbox statements ${stepMs(beforeConsumer).toFixed(1)} ms, of which due steps ${dueStepsMs(beforeConsumer)} ms, ${beforeConsumer.report.recorded.sequenceEmails} recorded)`);
  console.log(`idle tick: median ${idleMs.p50.toFixed(0)} ms (min ${idleMs.min.toFixed(0)}, max ${idleMs.max.toFixed(0)}) over ${idleMs.n} ticks; outbox statements median ${percentiles(idle.map(stepMs)).p50.toFixed(1)} ms`);
  console.log(`ledger: ${counts.deliveries} deliveries, ${counts.enqueued} enqueued; outbox: ${obx.rows} rows, ${obx.enqueued} enqueued`);
  for (const [what, ok] of checks) console.log(`check: ${what} — ${ok ? 'ok' : 'FAILED'}`);
  console.log(`total run: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const failed = checks.filter(([, ok]) => !ok);
  if (failed.length) throw new Error(`${failed.length} check(s) failed: ${failed.map(([what]) => what).join('; ')}`);
}

runBench('bench:scan', { deadlineMinutes: 20 }, main);
