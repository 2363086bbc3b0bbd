// `npm run bench:mail`: mail through `wrangler dev`.
//
// Starts its own stack (embedded PostgreSQL unless DATABASE_URL is set, always in a scratch
// database; the local Neon endpoint; `wrangler dev` on a free port). First the ingest rate:
// BENCH_INGEST messages (default 300) handed to the Worker's real email() handler through
// wrangler's local Email Routing endpoint, one after another and 4 at a time. Then one inbox is
// seeded by bulk SQL with 100,000 messages in 20,000 threads over the last year (a fifth of the
// threads waiting on a reply, a missed-reply threshold set, 500 open suggestions), and the p50 /
// p95 of the thread list, the message list (first page and page 100), one thread and the agenda
// are printed, with the EXPLAIN (ANALYZE) of the thread list page statement.
// BENCH_SCALE=0.05 shrinks the seed for a quick end-to-end check (see lib.mjs).
import { api, createTenantWithToken, log, runBench, scaled, startBenchStack, timeRequests } from './lib.mjs';

const MESSAGES = scaled(Number(process.env.BENCH_MESSAGES ?? 100_000));
const THREADS = Math.max(1, Math.round(MESSAGES / 5));
const INGEST = Number(process.env.BENCH_INGEST ?? 300);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const WARMUP = 10;

function mail(i, to) {
  return [
    `From: Sender ${i} <sender${i % 500}@example.com>`, `To: ${to}`, `Subject: Ingest ${i}`,
    `Message-ID: <ingest-${i}-${Date.now()}@example.com>`, `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8', '',
    `Hello, message ${i}. Could we meet on Thursday at 3pm for 30 minutes in Room ${i % 9}?`, '',
  ].join('\r\n');
}

async function ingestRate(base, address, concurrency) {
  const t0 = performance.now();
  const t = await timeRequests(async (i) => {
    const n = concurrency * 100_000 + i;
    const res = await fetch(`${base}/cdn-cgi/handler/email?from=sender${n % 500}@example.com&to=${encodeURIComponent(address)}`, {
      method: 'POST', body: mail(n, address),
    });
    await res.text();
    if (!res.ok) throw new Error(`email: ${res.status}`);
  }, { runs: INGEST, concurrency });
  const seconds = (performance.now() - t0) / 1000;
  return { concurrency, rate: INGEST / seconds, p50: t.p50, p95: t.p95 };
}

async function seed(db, inboxId, address) {
  const t0 = Date.now();
  await db.query(`
    INSERT INTO threads (id, inbox_id, subject, normalized_subject, participants, message_count, last_message_at, last_message_id, last_direction,
                         last_sent_at, last_status, last_to, created_at)
    SELECT 'thr_bench_' || lpad(t::text, 6, '0'), $1, 'Topic ' || t, 'topic ' || t, ARRAY['peer' || (t % 2000) || '@example.com', $2],
           5, at, 'msg_bench_' || lpad(t::text, 6, '0') || '_4', dir::message_direction,
           -- the last message's facts, as the messages below will have them
           at, (CASE WHEN dir = 'outbound' THEN 'sent' ELSE 'received' END)::message_status,
           jsonb_build_array(jsonb_build_object('email', CASE WHEN dir = 'outbound' THEN 'peer' || (t % 2000) || '@example.com' ELSE $2 END, 'name', NULL)),
           now()
    FROM generate_series(1, $3::int) t,
         LATERAL (SELECT now() - (t % 365) * interval '1 day' - (t % 24) * interval '1 hour' AS at,
                         CASE WHEN t % 5 = 0 THEN 'outbound' ELSE 'inbound' END AS dir) x`, [inboxId, address, THREADS]);
  // Five messages a thread, an hour apart, ending at the thread's last message.
  await db.query(`
    INSERT INTO messages (id, inbox_id, thread_id, direction, status, from_email, from_name, "to", cc, bcc, subject, text_body, html_body,
                          snippet, sent_at, rfc_message_id, in_reply_to, "references", attachments, created_at)
    SELECT 'msg_bench_' || lpad(t.n::text, 6, '0') || '_' || k, $1, t.id, d.dir, (CASE WHEN d.dir = 'outbound' THEN 'sent' ELSE 'received' END)::message_status,
           CASE WHEN d.dir = 'outbound' THEN $2 ELSE t.participants[1] END, NULL,
           jsonb_build_array(jsonb_build_object('email', CASE WHEN d.dir = 'outbound' THEN t.participants[1] ELSE $2 END, 'name', NULL)),
           '[]'::jsonb, '[]'::jsonb, CASE WHEN k = 0 THEN t.subject ELSE 'Re: ' || t.subject END,
           repeat('Some words about topic ' || t.n || '. ', 20), NULL, 'Some words about topic ' || t.n,
           t.last_message_at - (4 - k) * interval '1 hour', 'bench-' || t.n || '-' || k || '@example.com', NULL, '{}', '[]'::jsonb, now()
    FROM (SELECT id, subject, participants, last_message_at, last_direction, substr(id, 11)::int AS n FROM threads WHERE inbox_id = $1 AND id LIKE 'thr_bench_%') t,
         generate_series(0, 4) k,
         LATERAL (SELECT (CASE WHEN k = 4 THEN t.last_direction::text WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END)::message_direction AS dir) d`,
  [inboxId, address]);
  await db.query(`
    INSERT INTO message_suggestions (message_id, inbox_id, title, start_local, start_at, time_zone, duration, location, status, created_at)
    SELECT id, $1, 'Topic', to_char(now() + interval '2 days', 'YYYY-MM-DD"T"HH24:00:00'), date_trunc('hour', now() + interval '2 days'), 'UTC', 'PT30M', '', 'open', now()
    FROM messages WHERE inbox_id = $1 AND direction = 'inbound' AND id LIKE 'msg_bench_%' ORDER BY id LIMIT 500`, [inboxId]);
  await db.query('UPDATE inboxes SET missed_reply_threshold_days = 3 WHERE id = $1', [inboxId]);
  // Bulk rows bypass the store, so the kept totals are recounted here as migration 0007 does.
  await db.query(`
    INSERT INTO mail_totals (inbox_id, messages, inbound, threads)
    SELECT $1, (SELECT count(*) FROM messages WHERE inbox_id = $1), (SELECT count(*) FROM messages WHERE inbox_id = $1 AND direction = 'inbound'),
           (SELECT count(*) FROM threads WHERE inbox_id = $1)
    ON CONFLICT (inbox_id) DO UPDATE SET messages = excluded.messages, inbound = excluded.inbound, threads = excluded.threads`, [inboxId]);
  await db.query('VACUUM ANALYZE threads');
  await db.query('VACUUM ANALYZE messages');
  await db.query('VACUUM ANALYZE message_suggestions');
  const { rows } = await db.query('SELECT count(*)::int AS n FROM messages WHERE inbox_id = $1', [inboxId]);
  log(`seeded ${rows[0].n} messages in ${THREADS} threads in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function main() {
  const started = Date.now();
  const { db, base } = await startBenchStack({ name: 'mail' });
  const { inboxId, token } = await createTenantWithToken(base, ['read', 'email:read']);
  const address = 'bench@bench.test';

  const ingest = [await ingestRate(base, address, 1), await ingestRate(base, address, 4)];
  await seed(db, inboxId, address);

  const page100 = Math.min(99 * 50, Math.max(0, MESSAGES - 50));
  const routes = [
    ['GET /v1/messages/threads/ (page 1)', () => '/v1/messages/threads/'],
    ['GET /v1/messages/threads/ (page 100)', () => `/v1/messages/threads/?offset=${Math.min(99 * 50, Math.max(0, THREADS - 50))}`],
    ['GET /v1/messages/ (page 1)', () => '/v1/messages/'],
    [`GET /v1/messages/?offset=${page100}`, () => `/v1/messages/?offset=${page100}`],
    ['GET /v1/messages/?thread_id=…', (i) => `/v1/messages/?thread_id=thr_bench_${String(1 + (i * 7919) % THREADS).padStart(6, '0')}`],
    ['GET /v1/messages/threads/{id}/ (5 messages)', (i) => `/v1/messages/threads/thr_bench_${String(1 + (i * 7919) % THREADS).padStart(6, '0')}/`],
    ['GET /v1/agenda/ (missed replies + suggestions)', () => '/v1/agenda/?days=7'],
    // What any authenticated call costs on this stack, for reading the figures above.
    ['baseline: GET /v1/calendar/collections/', () => '/v1/calendar/collections/'],
  ];
  const results = [];
  for (const [what, path] of routes) {
    const t = await timeRequests((i) => api(base, 'GET', path(i), { token }), { runs: RUNS, warmup: WARMUP });
    results.push({ what, ...t });
  }
  const agenda = await api(base, 'GET', '/v1/agenda/?days=7', { token });
  const counts = {};
  for (const i of agenda.items) counts[i.type] = (counts[i.type] ?? 0) + 1;

  console.log(`\nIngest through email() (wrangler's local Email Routing endpoint, ${INGEST} messages each; every one parsed, threaded, read for a suggestion)`);
  for (const r of ingest) console.log(`  ${String(r.concurrency).padStart(2)} at a time: ${r.rate.toFixed(1)} messages/s  (per message p50=${r.p50.toFixed(1)} ms p95=${r.p95.toFixed(1)} ms)`);
  console.log(`\nReads over ${MESSAGES} messages in ${THREADS} threads in one inbox (agent token, ${RUNS} sequential requests each, after ${WARMUP} warm-up)`);
  for (const r of results) console.log(`  ${r.what.padEnd(48)} p50=${r.p50.toFixed(1)} ms  p95=${r.p95.toFixed(1)} ms  max=${r.max.toFixed(1)} ms`);
  console.log(`  agenda items: ${JSON.stringify(counts)}`);

  const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
    SELECT COALESCE((SELECT k.threads FROM mail_totals k WHERE k.inbox_id = $1), 0) AS total,
           (SELECT json_agg(p) FROM (SELECT t.id, t.subject FROM threads t WHERE t.inbox_id = $1
              ORDER BY t.last_message_at DESC, t.id DESC LIMIT 50 OFFSET 0) p) AS results`, [inboxId]);
  console.log('\nThread list page (the shape of src/mail/service.ts listThreads):');
  for (const r of plan.rows) console.log(`  ${r['QUERY PLAN']}`);
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

runBench('bench:mail', { deadlineMinutes: 10 }, main);
