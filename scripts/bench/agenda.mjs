// `npm run bench:agenda`: GET /v1/agenda/ against a large inbox, through `wrangler dev`.
//
// Seeds one inbox with every agenda source by bulk SQL — 10,000 contacts (each with a birthday),
// 10,000 events (5% recurring), 5,000 tasks, 10,000 messages in 2,000 threads (missed replies)
// with 100 open suggestions, 1,000 files, 200 work routes and a few held approvals — then reports p50/p95 latency of `?days=7` and `?days=30`, and counts
// the SQL statements one agenda call runs. Counting is done by the server itself:
// pg_stat_statements (preloaded on the embedded PostgreSQL, which is restarted once for it) is
// reset, one agenda call is made, and every statement executed in the bench database is listed
// with its call count. Table/index scan counters (pg_stat_user_tables / _indexes) are compared
// around one call as well, to show which indexes the agenda read and that no table was scanned
// sequentially. Everything it starts is stopped at the end; its data directory is removed.
// BENCH_SCALE=0.05 shrinks the seed for a quick end-to-end check (see lib.mjs).
import { pathToFileURL } from 'node:url';
import { api, createTenantWithToken, log, runBench, scaled, startBenchStack, timeRequests } from './lib.mjs';
import { seedMail } from './seed-mail.mjs';

const CONTACTS = scaled(10_000);
const EVENTS = scaled(10_000);
const RECURRING_SHARE = 0.05;
const TASKS = scaled(5_000);
const MESSAGES = scaled(10_000);
const SUGGESTIONS = scaled(100);
const FILES = scaled(1_000);
const ROUTES = scaled(200);
const RUNS = { 7: 200, 30: 100 };
const WARMUP = 10;

// ---------------------------------------------------------------------------------------------
// Seed: one tenant through the API, then bulk SQL (INSERT … SELECT generate_series).

export async function seed(db, inboxId, personal, tasksCalendar) {
  const t0 = Date.now();
  await db.query(`UPDATE inboxes SET default_timezone = 'Europe/Berlin' WHERE id = $1`, [inboxId]);
  const work = 'cal_bench_work';
  await db.query(`INSERT INTO calendars (id, inbox_id, name, kind, created_at) VALUES ($1, $2, 'Work', 'user', now())`, [work, inboxId]);

  // Contacts, each with a birthday spread over every day of the year (and some Feb 29s).
  await db.query(`
    INSERT INTO contacts (id, inbox_id, full_name, search_name, created_at, updated_at)
    SELECT 'ctc_bench_' || lpad(i::text, 6, '0'), $1, 'Person ' || i, 'person ' || i, now(), now()
    FROM generate_series(1, $2::int) i`, [inboxId, CONTACTS]);
  await db.query(`
    INSERT INTO contact_anniversaries (inbox_id, contact_id, position, type, date, year, month, day)
    SELECT $1, 'ctc_bench_' || lpad(i::text, 6, '0'), 0, 'birthday', to_char(b, 'YYYY-MM-DD'),
           extract(year FROM b)::int, extract(month FROM b)::int, extract(day FROM b)::int
    FROM generate_series(1, $2::int) i, LATERAL (SELECT date '1950-01-01' + (i * 7919) % 25000 AS b) d`, [inboxId, CONTACTS]);

  // Single events from a year ago to a year ahead, 15–120 minutes, in three calendars' worth of
  // zones; the Tasks calendar and cancelled ones are there to be left out.
  const recurring = Math.round(EVENTS * RECURRING_SHARE);
  await db.query(`
    INSERT INTO events (id, inbox_id, calendar_id, title, status, location, time_zone, start_local, start_at, duration,
                        duration_seconds, recurrence_rules, is_recurring, series_end_at, next_occurrence_at, armed_at, created_at, updated_at)
    SELECT 'evt_bench_' || lpad(i::text, 6, '0'), $1,
           CASE WHEN i % 50 = 0 THEN $4 WHEN i % 3 = 0 THEN $3 ELSE $2 END,
           'Meeting ' || i, (CASE WHEN i % 40 = 0 THEN 'cancelled' ELSE 'confirmed' END)::event_status,
           CASE WHEN i % 2 = 0 THEN 'Room ' || (i % 20) END,
           z, to_char(s AT TIME ZONE z, 'YYYY-MM-DD"T"HH24:MI:SS'), s, 'PT' || m || 'M', m * 60, '{}', false,
           s + m * interval '1 minute', s, now(), now(), now()
    FROM generate_series(1, $5::int) i,
         LATERAL (SELECT (ARRAY['Europe/Berlin', 'America/New_York', 'UTC'])[1 + i % 3] AS z,
                         15 * (1 + i % 8) AS m,
                         date_trunc('hour', now()) - interval '365 days' + ((i * 7793) % (730 * 24 * 4)) * interval '15 minutes' AS s) x`,
  [inboxId, personal, work, tasksCalendar, EVENTS - recurring]);

  // Series starting within the last year, expanded in their own zone: weekly and monthly
  // endless, daily until 60 days on, and Mon/Wed/Fri for 30 times.
  await db.query(`
    INSERT INTO events (id, inbox_id, calendar_id, title, status, time_zone, start_local, start_at, duration,
                        duration_seconds, recurrence_rules, is_recurring, series_end_at, next_occurrence_at, armed_at, created_at, updated_at)
    SELECT 'evt_bench_r' || lpad(i::text, 5, '0'), $1, CASE WHEN i % 2 = 0 THEN $3 ELSE $2 END, 'Series ' || i, 'confirmed',
           z, to_char(s AT TIME ZONE z, 'YYYY-MM-DD"T"HH24:MI:SS'), s, 'PT30M', 1800,
           CASE i % 4
             WHEN 0 THEN ARRAY['RRULE:FREQ=WEEKLY']
             WHEN 1 THEN ARRAY['RRULE:FREQ=DAILY;UNTIL=' || to_char(s + interval '60 days', 'YYYYMMDD')]
             WHEN 2 THEN ARRAY['RRULE:FREQ=MONTHLY']
             ELSE ARRAY['RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=30'] END,
           true,
           -- An upper bound where the series ends (null: endless); the expansion is exact.
           CASE i % 4 WHEN 1 THEN s + interval '62 days' WHEN 3 THEN s + interval '12 weeks' END,
           NULL, now(), now(), now()
    FROM generate_series(1, $4::int) i,
         LATERAL (SELECT (ARRAY['Europe/Berlin', 'America/New_York', 'UTC'])[1 + i % 3] AS z,
                         date_trunc('hour', now()) - ((i * 389) % 8760) * interval '1 hour' AS s) x`,
  [inboxId, personal, work, recurring]);

  // Tasks: due from two months ago to four months ahead, a fifth undated, 30% completed.
  await db.query(`
    INSERT INTO tasks (uid, inbox_id, calendar_id, summary, status, due_date, categories, created_at, updated_at, completed_at)
    SELECT 'tsk_bench_' || lpad(i::text, 6, '0'), $1, $2, 'Task ' || i,
           (CASE WHEN i % 10 < 3 THEN 'COMPLETED' ELSE 'NEEDS-ACTION' END)::task_status,
           CASE WHEN i % 5 = 0 THEN NULL ELSE current_date - 60 + (i * 31) % 180 END,
           ARRAY['bench'], now() - i * interval '1 minute', now(), CASE WHEN i % 10 < 3 THEN now() END
    FROM generate_series(1, $3::int) i`, [inboxId, tasksCalendar, TASKS]);

  // A few actions held for approval.
  await db.query(`
    INSERT INTO approvals (id, inbox_id, token_id, token_label, action_type, summary, method, path, status, queued_at, expires_at)
    SELECT 'apr_bench_' || i, $1, 'tok_bench', 'bench-agent', 'task:write', 'bench-agent asks to POST /v1/tasks/', 'POST', '/v1/tasks/',
           'pending', now() - i * interval '1 hour', now() - i * interval '1 hour' + interval '24 hours'
    FROM generate_series(1, 10) i`, [inboxId]);

  await seedMail(db, inboxId, 'bench@bench.test', { messages: MESSAGES, suggestions: SUGGESTIONS });

  // Files, one every 2.4 hours over the last 100 days (so about 20 since yesterday), spread over the types.
  await db.query(`
    INSERT INTO files (id, inbox_id, name, file_type, version, size, content_type, created_at, updated_at)
    SELECT 'fil_bench_' || lpad(i::text, 6, '0'), $1, 'File ' || i || '.csv',
           ((ARRAY['spreadsheet', 'document', 'image', 'video', 'template', 'skill', 'other'])[1 + i % 7])::file_type,
           1 + i % 3, 1000 + i, 'text/csv', now() - i * interval '144 minutes', now() - i * interval '144 minutes'
    FROM generate_series(1, $2::int) i`, [inboxId, FILES]);

  // Work routes created by this inbox, three recipients each; a quarter still active (the rest ended).
  await db.query(`
    INSERT INTO work_routes (id, inbox_id, title, request_type, routing_mode, status, due_at, created_at, updated_at)
    SELECT 'rte_bench_' || lpad(i::text, 5, '0'), $1, 'Route ' || i,
           ((ARRAY['approval', 'acknowledgement', 'text_response'])[1 + i % 3])::route_request_type,
           (CASE WHEN i % 2 = 0 THEN 'ordered' ELSE 'parallel' END)::routing_mode,
           (CASE WHEN i % 4 = 0 THEN 'active' ELSE 'completed' END)::route_status,
           CASE WHEN i % 3 = 0 THEN now() + (i % 20) * interval '1 day' END, now() - i * interval '1 day', now()
    FROM generate_series(1, $2::int) i`, [inboxId, ROUTES]);
  await db.query(`
    INSERT INTO route_recipients (id, route_id, inbox_id, position, kind, email, status, created_at)
    SELECT 'rcp_bench_' || lpad(i::text, 5, '0') || '_' || k, 'rte_bench_' || lpad(i::text, 5, '0'), $1, k, 'email', 'signer' || k || '@example.com',
           (CASE WHEN i % 4 <> 0 OR k = 0 THEN 'approved' WHEN k = 1 THEN 'waiting' ELSE 'queued' END)::route_recipient_status, now()
    FROM generate_series(1, $2::int) i, generate_series(0, 2) k`, [inboxId, ROUTES]);

  await db.query('ANALYZE');
  log(`seeded ${CONTACTS} contacts (+ birthdays), ${EVENTS} events (${recurring} recurring), ${TASKS} tasks, ${MESSAGES} messages, ${FILES} files, ${ROUTES} routes in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------------------------------------
// Measure.

async function timeAgenda(base, token, days, runs) {
  const t = await timeRequests(() => api(base, 'GET', `/v1/agenda/?days=${days}`, { token }), { runs, warmup: WARMUP });
  const last = t.values[runs - 1];
  const byType = {};
  for (const item of last.items) byType[item.type] = (byType[item.type] ?? 0) + 1;
  return { days, runs, p50: t.p50, p95: t.p95, max: t.max, count: last.count, byType };
}

/**
 * The statements `calls` agenda calls ran, each with its call count and mean execution time in
 * the database: what the database spends, apart from the link and the Worker's own shaping.
 */
async function statementsOfCalls(db, base, token, calls) {
  const dbName = (await db.query('SELECT current_database() AS d')).rows[0].d;
  await db.query('SELECT pg_stat_statements_reset()');
  for (let i = 0; i < calls; i++) await api(base, 'GET', '/v1/agenda/?days=7', { token });
  const { rows } = await db.query(`
    SELECT s.calls::int AS calls, s.mean_exec_time AS mean_ms, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 110) AS query
    FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
    WHERE d.datname = $1 AND s.query NOT ILIKE '%pg_stat_statements%'
    ORDER BY s.calls DESC, s.query`, [dbName]);
  return rows;
}

async function scansOfOneCall(db, base, token) {
  const snapshot = async () => {
    await db.query('SELECT pg_stat_clear_snapshot()');
    const t = await db.query(`SELECT relname, seq_scan, coalesce(idx_scan, 0) AS idx_scan FROM pg_stat_user_tables`);
    const i = await db.query(`SELECT indexrelname, idx_scan, idx_tup_read FROM pg_stat_user_indexes`);
    return { tables: Object.fromEntries(t.rows.map((r) => [r.relname, r])), indexes: Object.fromEntries(i.rows.map((r) => [r.indexrelname, r])) };
  };
  const settle = () => new Promise((r) => setTimeout(r, 1500)); // cumulative stats flush about once a second
  await settle();
  const before = await snapshot();
  await api(base, 'GET', '/v1/agenda/?days=30', { token });
  await settle();
  const after = await snapshot();
  const seq = Object.keys(after.tables).filter((k) => Number(after.tables[k].seq_scan) > Number(before.tables[k]?.seq_scan ?? 0));
  const idx = Object.keys(after.indexes)
    .map((k) => ({ index: k, scans: after.indexes[k].idx_scan - (before.indexes[k]?.idx_scan ?? 0), rows: after.indexes[k].idx_tup_read - (before.indexes[k]?.idx_tup_read ?? 0) }))
    .filter((x) => x.scans > 0);
  return { seq, idx };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const { db, base } = await startBenchStack({ name: 'agenda', pgStatStatements: true });
  const { inboxId, token } = await createTenantWithToken(base, ['read']);
  const cals = (await db.query('SELECT id, kind FROM calendars WHERE inbox_id = $1', [inboxId])).rows;
  await seed(db, inboxId, cals.find((c) => c.kind === 'personal').id, cals.find((c) => c.kind === 'tasks').id);

  const results = [await timeAgenda(base, token, 7, RUNS[7]), await timeAgenda(base, token, 30, RUNS[30])];
  // What any call costs on this machine (wrangler dev's proxy, the Worker, one SELECT 1): the floor under the figures below.
  const floor = await timeRequests(() => api(base, 'GET', '/health'), { runs: RUNS[7], warmup: WARMUP });
  console.log(`\nGET /health (the machine's floor: wrangler dev, the Worker, SELECT 1): p50=${floor.p50.toFixed(1)} ms  p95=${floor.p95.toFixed(1)} ms`);
  console.log('\nGET /v1/agenda/ through wrangler dev (agent token, sequential requests, after warm-up)');
  for (const r of results) {
    console.log(`  days=${String(r.days).padEnd(2)}  runs=${r.runs}  p50=${r.p50.toFixed(1)} ms  p95=${r.p95.toFixed(1)} ms  max=${r.max.toFixed(1)} ms  items=${r.count} ${JSON.stringify(r.byType)}`);
  }

  const CALLS = 20;
  const statements = await statementsOfCalls(db, base, token, CALLS).catch((e) => { log(`statement count unavailable: ${e.message}`); return null; });
  if (statements) {
    const total = statements.reduce((n, s) => n + s.calls, 0);
    console.log(`\nSQL statements executed by ${CALLS} × GET /v1/agenda/?days=7 (pg_stat_statements): ${total / CALLS} a call`);
    for (const s of statements) console.log(`  ${s.calls} × (mean ${Number(s.mean_ms).toFixed(1)} ms in the database) ${s.query}`);
  }
  const scans = await scansOfOneCall(db, base, token);
  console.log(`\nOne GET /v1/agenda/?days=30: sequential scans on ${scans.seq.length ? scans.seq.join(', ') : 'no table'}; index scans:`);
  for (const x of scans.idx) console.log(`  ${x.index.padEnd(36)} scans=${x.scans} rows read=${x.rows}`);
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// Run as a script (importing it only borrows `seed`, e.g. to EXPLAIN the agenda statement).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runBench('bench:agenda', { deadlineMinutes: 10 }, main);
}
