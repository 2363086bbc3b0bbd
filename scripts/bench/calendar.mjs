// `npm run bench:calendar`: GET /v1/calendar/events/ windows over a large inbox, through
// `wrangler dev`.
//
// Starts its own stack (embedded PostgreSQL unless DATABASE_URL is set, always in a scratch
// database; the local Neon endpoint; `wrangler dev` on a free port), seeds one inbox with 10,000
// events by bulk SQL — 5% of them recurring series, many of them started up to ten years ago
// (daily series among them, the case where walking from the series start would hurt) — with
// participants matched against 1,000 contacts and some labels, and indexes them as the event
// verbs would have (the occurrence index: timed single events by SQL, series by the scan's own
// step). It then reports p50/p95 of a one-week and a 30-day window listing (random windows over
// the last year), pages 1 and 10 of 200 (by offset and by cursor), the unwindowed list for
// comparison, and EXPLAIN (ANALYZE, BUFFERS) of a window page statement. That SQL is the
// service's own: src/calendar/event-store.ts is bundled with esbuild and made to hand its
// statement over instead of running it. BENCH_EVENTS sets the inbox's events (default 10,000). Everything it starts is stopped at the end.
// BENCH_SCALE=0.05 shrinks the seed for a quick end-to-end check (see lib.mjs).
import { api, createTenantWithToken, importBundled, log, percentiles, runBench, scaled, srcModule, startBenchStack, timeRequests } from './lib.mjs';

const EVENTS = scaled(Number(process.env.BENCH_EVENTS ?? 10_000));
const RECURRING_SHARE = 0.05;
const CONTACTS = scaled(1_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const WARMUP = 10;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// The service's own window page statement, captured instead of executed.

async function serviceQuery(inboxId, from, to) {
  const mod = await importBundled('calendar', `
    export { loadIndexedWindow } from ${srcModule('calendar/event-store.ts')};
    import { PgDialect } from 'drizzle-orm/pg-core';
    export const render = (q) => new PgDialect().sqlToQuery(q);
  `);
  let captured;
  const fakeDb = { execute: async (q) => { captured = q; return { rows: [] }; } };
  await mod.loadIndexedWindow(fakeDb, { id: inboxId, defaultTimezone: null }, { from, to, slackMs: 2 * DAY, desc: false, offset: 1800, limit: 200 });
  return mod.render(captured);
}

// ---------------------------------------------------------------------------------------------
// Seed: one tenant through the API, then bulk SQL.

/**
 * The occurrence index of the seeded rows, as the event verbs would have written it: timed single
 * events by SQL (one row each, as the migration does), series by the scan's own indexing step
 * (src/calendar/occurrence-index.ts, bundled), called until nothing is left to index.
 */
async function indexSeed(db, pool) {
  const t0 = Date.now();
  await db.query(`
    INSERT INTO event_occurrences (event_id, inbox_id, original_start_at, id, start_at, end_at, occurs_at, all_day)
    SELECT id, inbox_id, start_at, id, start_at, start_at + duration_seconds * interval '1 second', start_at, false
    FROM events WHERE NOT is_recurring`);
  await db.query(`UPDATE events SET unindexed_from = NULL WHERE NOT is_recurring`);
  const mod = await importBundled('calendar-index', `
    export { extendOccurrenceIndex } from ${srcModule('calendar/occurrence-index.ts')};
    export { drizzle } from 'drizzle-orm/node-postgres';
  `);
  const orm = mod.drizzle({ client: pool({ max: 1 }) });
  let events = 0;
  for (;;) {
    const n = await mod.extendOccurrenceIndex(orm, new Date());
    if (n === 0) break;
    events += n;
  }
  const { rows } = await db.query('SELECT count(*)::int AS n FROM event_occurrences');
  log(`indexed ${rows[0].n} occurrences (${events} series through the scan's step) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function seed(db, pool, inboxId, personal) {
  const t0 = Date.now();
  const work = 'cal_bench_work';
  await db.query(`INSERT INTO calendars (id, inbox_id, name, kind, created_at) VALUES ($1, $2, 'Work', 'user', now())`, [work, inboxId]);
  await db.query(`
    INSERT INTO contacts (id, inbox_id, full_name, emails, search_name, search_emails, created_at, updated_at)
    SELECT 'ctc_bench_' || lpad(i::text, 5, '0'), $1, 'Person ' || i,
           jsonb_build_array(jsonb_build_object('label', 'work', 'address', 'person' || i || '@example.com')),
           'person ' || i, 'person' || i || '@example.com', now(), now()
    FROM generate_series(1, $2::int) i`, [inboxId, CONTACTS]);

  // Single events from ten years ago to a year ahead, 15–120 minutes, in three zones; a fifth
  // with two participants (one a known contact, one not).
  const recurring = Math.round(EVENTS * RECURRING_SHARE);
  await db.query(`
    INSERT INTO events (id, inbox_id, calendar_id, title, status, location, participants, time_zone, start_local, start_at,
                        duration, duration_seconds, recurrence_rules, is_recurring, series_end_at, next_occurrence_at, armed_at, created_at, updated_at)
    SELECT 'evt_bench_' || lpad(i::text, 6, '0'), $1, CASE WHEN i % 3 = 0 THEN $3 ELSE $2 END,
           'Meeting ' || i, (CASE WHEN i % 40 = 0 THEN 'cancelled' ELSE 'confirmed' END)::event_status,
           CASE WHEN i % 2 = 0 THEN 'Room ' || (i % 20) END,
           CASE WHEN i % 5 = 0 THEN jsonb_build_array(
             jsonb_build_object('name', 'Person', 'email', 'person' || (i % $5::int + 1) || '@example.com', 'role', 'required'),
             jsonb_build_object('name', 'Guest', 'email', 'guest' || i || '@elsewhere.test', 'role', 'optional'))
           ELSE '[]'::jsonb END,
           z, to_char(s AT TIME ZONE z, 'YYYY-MM-DD"T"HH24:MI:SS'), s, 'PT' || m || 'M', m * 60, '{}', false,
           s + m * interval '1 minute', s, now(), now(), now()
    FROM generate_series(1, $4::int) i,
         LATERAL (SELECT (ARRAY['Europe/Berlin', 'America/New_York', 'UTC'])[1 + i % 3] AS z,
                         15 * (1 + i % 8) AS m,
                         date_trunc('hour', now()) - interval '3650 days' + ((i * 7793) % (4015 * 24 * 4)) * interval '15 minutes' AS s) x`,
  [inboxId, personal, work, EVENTS - recurring, CONTACTS]);

  // Series started up to ten years ago, expanded in their own zone: daily and weekly endless,
  // monthly on a weekday, yearly, daily until 60 days on, Mon/Wed/Fri 30 times.
  await db.query(`
    INSERT INTO events (id, inbox_id, calendar_id, title, status, time_zone, start_local, start_at, duration,
                        duration_seconds, recurrence_rules, is_recurring, series_end_at, next_occurrence_at, armed_at, created_at, updated_at)
    SELECT 'evt_bench_r' || lpad(i::text, 5, '0'), $1, CASE WHEN i % 2 = 0 THEN $3 ELSE $2 END, 'Series ' || i, 'confirmed',
           z, to_char(s AT TIME ZONE z, 'YYYY-MM-DD"T"HH24:MI:SS'), s, 'PT30M', 1800,
           CASE i % 6
             WHEN 0 THEN ARRAY['RRULE:FREQ=DAILY']
             WHEN 1 THEN ARRAY['RRULE:FREQ=WEEKLY']
             WHEN 2 THEN ARRAY['RRULE:FREQ=MONTHLY;BYDAY=-1FR']
             WHEN 3 THEN ARRAY['RRULE:FREQ=YEARLY']
             WHEN 4 THEN ARRAY['RRULE:FREQ=DAILY;UNTIL=' || to_char(s + interval '60 days', 'YYYYMMDD')]
             ELSE ARRAY['RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=30'] END,
           true,
           -- An upper bound of the series end (null: endless); the expansion itself is exact.
           CASE i % 6 WHEN 4 THEN s + interval '62 days' WHEN 5 THEN s + interval '12 weeks' END,
           NULL, now(), now(), now()
    FROM generate_series(1, $4::int) i,
         LATERAL (SELECT (ARRAY['Europe/Berlin', 'America/New_York', 'UTC'])[1 + i % 3] AS z,
                         date_trunc('hour', now()) - ((i * 7919) % 87600) * interval '1 hour' AS s) x`,
  [inboxId, personal, work, recurring]);

  // A label on every tenth event.
  await db.query(`INSERT INTO labels (id, inbox_id, name, label_type, created_at) VALUES ('lbl_bench', $1, 'Bench', 'calendar', now())`, [inboxId]);
  await db.query(`
    INSERT INTO label_entities (label_id, inbox_id, entity_type, entity_id, created_at)
    SELECT 'lbl_bench', $1, 'event', id, now() FROM events WHERE inbox_id = $1 AND right(id, 1) = '0'`, [inboxId]);
  await indexSeed(db, pool);
  // As autovacuum would after a bulk load: statistics, and the visibility map index-only scans use.
  await db.query('VACUUM ANALYZE');
  const { rows } = await db.query(`
    SELECT count(*)::int AS n, count(*) FILTER (WHERE is_recurring)::int AS series,
           count(*) FILTER (WHERE start_at < now() - interval '9 years')::int AS old
    FROM events WHERE inbox_id = $1`, [inboxId]);
  log(`seeded ${rows[0].n} events (${rows[0].series} series; ${rows[0].old} starting over 9 years ago), ${CONTACTS} contacts in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------------------------------------
// Measure

/** Sequential requests; windows start at a random hour within the last year. */
async function timeWindows(base, token, days) {
  const url = (i) => {
    if (days === 'baseline') return '/v1/calendar/collections/';
    // Pages within the first 9,000 events (fewer under BENCH_SCALE, so pages are not empty).
    if (days === null) return `/v1/calendar/events/?limit=50&offset=${(i * 37) % scaled(9000)}`;
    const start = new Date(Date.now() - ((i * 7717) % 365) * DAY - ((i * 13) % 24) * 3600_000);
    start.setUTCMinutes(0, 0, 0);
    const end = new Date(start.getTime() + days * DAY);
    return `/v1/calendar/events/?limit=50&after=${start.toISOString()}&before=${end.toISOString()}`;
  };
  // Warm-up requests ask for windows of their own (1000 + i), none of the timed ones.
  const t = await timeRequests((i, warm) => api(base, 'GET', url(warm ? 1000 + i : i), { token }), { runs: RUNS, warmup: WARMUP });
  const totals = percentiles(t.values.map((page) => page.total ?? page.length));
  return { days, p50: t.p50, p95: t.p95, max: t.max, medianTotal: totals.p50, maxTotal: totals.max };
}

/**
 * The first and the tenth page (limit 200) of 30-day windows, by offset and by cursor: a page
 * should cost the same wherever it lies. The cursor of the tenth page is fetched untimed first.
 */
async function timePages(base, token) {
  const windowOf = (i) => {
    const start = new Date(Date.now() - ((i * 7717) % 335) * DAY - 30 * DAY);
    start.setUTCMinutes(0, 0, 0);
    return `after=${start.toISOString()}&before=${new Date(start.getTime() + 30 * DAY).toISOString()}`;
  };
  const url = (i, offset) => `/v1/calendar/events/?limit=200&offset=${offset}&${windowOf(i)}`;
  const out = [];
  for (const [what, offset] of [['page 1 (offset 0)', 0], ['page 10 (offset 1800)', 1800]]) {
    const t = await timeRequests((i, warm) => api(base, 'GET', url(warm ? 1000 + i : i, offset), { token }), { runs: RUNS, warmup: WARMUP });
    out.push({ what, ...t, medianRows: percentiles(t.values.map((p) => p.results.length)).p50 });
  }
  const cursors = [];
  for (let i = 0; i < RUNS + WARMUP; i++) {
    cursors.push((await api(base, 'GET', url(i < WARMUP ? 1000 + i : i - WARMUP, 1600), { token })).next_cursor);
  }
  const t = await timeRequests((i, warm) => api(base, 'GET', `/v1/calendar/events/?limit=200&${windowOf(warm ? 1000 + i : i)}&cursor=${encodeURIComponent(cursors[warm ? i : i + WARMUP])}`, { token }), { runs: RUNS, warmup: WARMUP });
  out.push({ what: 'page 10 (by cursor)', ...t, medianRows: percentiles(t.values.map((p) => p.results.length)).p50 });
  return out;
}

async function main() {
  const started = Date.now();
  const { db, pool, base } = await startBenchStack({ name: 'calendar' });
  const { inboxId, token } = await createTenantWithToken(base, ['calendar:read']);
  const personal = (await api(base, 'GET', '/v1/calendar/collections/', { token })).find((c) => c.isDefault).id;
  await seed(db, pool, inboxId, personal);

  const results = [
    await timeWindows(base, token, 7), await timeWindows(base, token, 30), await timeWindows(base, token, null),
    await timeWindows(base, token, 'baseline'),
  ];
  const pages = await timePages(base, token);
  console.log(`\nGET /v1/calendar/events/ through wrangler dev (agent token, ${RUNS} sequential requests each, after ${WARMUP} warm-up, limit=50)`);
  for (const r of results) {
    const what = r.days === 'baseline' ? 'baseline: GET /v1/calendar/collections/ (auth + one tiny query)\n   ' : r.days === null ? 'no window (paged)' : `${r.days}-day window`.padEnd(17);
    console.log(`  ${what}  p50=${r.p50.toFixed(1)} ms  p95=${r.p95.toFixed(1)} ms  max=${r.max.toFixed(1)} ms  total per answer: median ${r.medianTotal}, max ${r.maxTotal}`);
  }

  console.log(`\nPages of 200 of a 30-day window (random windows over the last year; ${RUNS} sequential requests each)`);
  for (const r of pages) {
    console.log(`  ${r.what.padEnd(28)} p50=${r.p50.toFixed(1)} ms  p95=${r.p95.toFixed(1)} ms  max=${r.max.toFixed(1)} ms  rows: median ${r.medianRows}`);
  }

  const from = new Date(Date.now() - 180 * DAY);
  const to = new Date(from.getTime() + 30 * DAY);
  const indexed = await serviceQuery(inboxId, from, to);
  for (const [what, q] of [['Page 10 (offset 1800, limit 200) of a 30-day window from the occurrence index', indexed]]) {
    const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${q.sql}`, q.params);
    const rows = await db.query(q.sql, q.params);
    console.log(`\n${what} (${rows.rowCount} rows):`);
    for (const r of plan.rows) console.log(`  ${r['QUERY PLAN']}`);
  }
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

runBench('bench:calendar', { deadlineMinutes: 10 }, main);
