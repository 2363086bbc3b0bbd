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
import { api, createTenantWithToken, runBench, scaled, startBenchStack, timeRequests } from './lib.mjs';
import { seedMail } from './seed-mail.mjs';

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

async function main() {
  const started = Date.now();
  const { db, base } = await startBenchStack({ name: 'mail' });
  const { inboxId, token } = await createTenantWithToken(base, ['read', 'email:read']);
  const address = 'bench@bench.test';

  const ingest = [await ingestRate(base, address, 1), await ingestRate(base, address, 4)];
  await seedMail(db, inboxId, address, { messages: MESSAGES, suggestions: 500 });

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
