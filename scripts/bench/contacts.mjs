// `npm run bench:contacts`: contact search on 100,000 contacts in one inbox.
//
// Starts its own stack (embedded PostgreSQL unless DATABASE_URL is set, always in a scratch
// database; the WebSocket proxy; `wrangler dev` on a free port), seeds 100,000 varied contacts
// with bulk SQL, then for each kind of `q` (name prefix, email fragment, phone fragment, and no
// q) measures p50/p95 of GET /v1/contacts/?q=… through wrangler dev and of the very same SQL run
// directly, side by side, and prints EXPLAIN (ANALYZE, BUFFERS) of the list query. The SQL and
// the search normaliser are the service's own, bundled from src/ with esbuild.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { build } from 'esbuild';
import { createScratchDatabase, freePort, migrate, startEmbeddedPostgres, startWsProxy } from '../lib/stack.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ADMIN_TOKEN = 'bench-admin-token';
const DEADLINE_MS = 15 * 60_000;

const log = (...a) => console.log('[bench]', ...a);
const stops = [];
let stopping = false;
async function stopAll() {
  if (stopping) return;
  stopping = true;
  for (const stop of stops.reverse()) await stop().catch((e) => console.error('[bench] stop:', e.message));
}
const deadline = setTimeout(async () => {
  console.error('[bench] deadline reached, stopping');
  await stopAll();
  process.exit(2);
}, DEADLINE_MS);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, async () => { await stopAll(); process.exit(130); });

// ---------------------------------------------------------------------------------------------
// The service's own code: the list query builder and the search normaliser.

async function loadService() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-contacts-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, `
    export { contactListQuery } from ${JSON.stringify(join(root, 'src/contacts/service.ts'))};
    export { searchNameOf, searchEmailsOf, searchPhonesOf } from ${JSON.stringify(join(root, 'src/contacts/search.ts'))};
    export { newId } from ${JSON.stringify(join(root, 'src/http/ids.ts'))};
    import { PgDialect } from 'drizzle-orm/pg-core';
    const dialect = new PgDialect();
    export const render = (q) => dialect.sqlToQuery(q);
  `);
  const out = join(dir, 'service.mjs');
  await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error',
    nodePaths: [join(root, 'node_modules')],
  });
  const mod = await import(pathToFileURL(out).href);
  rmSync(dir, { recursive: true, force: true });
  return mod;
}

// ---------------------------------------------------------------------------------------------
// Realistic, varied, reproducible people.

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(20240601);
const pick = (list) => list[Math.floor(rand() * list.length)];
const digits = (n) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');

const FIRST = ['José', 'María', 'Zoë', 'Björn', 'Łukasz', 'François', 'Søren', 'Chloé', 'Renée', 'Anaïs', 'Jürgen',
  'Małgorzata', 'Dmitri', 'Ólafur', 'Siobhán', 'Núria', 'İlkay', 'Ångström', 'Alice', 'Bob', 'Carol', 'David', 'Emma',
  'Olivia', 'Liam', 'Noah', 'Sophia', 'Mia', 'James', 'Lucas', 'Amelia', 'Ethan', 'Harper', 'Mason', 'Ella', 'Logan',
  'Aria', 'Jack', 'Grace', 'Henry', 'Chen', 'Wei', 'Yuki', 'Hiroshi', 'Priya', 'Arjun', 'Fatima', 'Omar', 'Aisha',
  'Kwame', 'Ngozi', 'Mateo', 'Valentina', 'Santiago', 'Camila', 'Joseph', 'Josephine', 'Josef', 'Marek', 'Mariana'];
const LAST = ['García', 'Müller', "O'Brien", 'Nowak', 'Dubois', 'Østergaard', 'Smith', 'Johnson', 'Kowalski', 'Fernández',
  'Schröder', 'Lefèvre', 'Brontë', 'Núñez', 'Çelik', 'Jovanović', 'Dvořák', 'Häkkinen', 'Williams', 'Brown', 'Jones',
  'Miller', 'Davis', 'Rodríguez', 'Martínez', 'Hernández', 'López', 'González', 'Wilson', 'Anderson', 'Thomas', 'Taylor',
  'Moore', 'Jackson', 'Martin', 'Lee', 'Pérez', 'Thompson', 'White', 'Harris', 'Sánchez', 'Clark', 'Ramírez', 'Lewis',
  'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyễn', 'Hill', 'Flores', 'Green',
  'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Van der Berg', 'De la Cruz',
  'Mac Lochlainn', 'Fitzgerald', 'Sato', 'Suzuki', 'Takahashi', 'Kim', 'Park', 'Singh', 'Patel', 'Okafor', 'Mensah'];
const DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'fastmail.fm', 'proton.me', 'acme.io', 'example.org',
  'globex.com', 'initech.net', 'umbrella-corp.co.uk', 'posteo.de', 'orange.fr', 'libero.it', 'uni-wien.ac.at'];
const US_AREAS = ['415', '212', '646', '312', '617', '303', '206', '512', '305', '702'];

const ascii = (s) => s.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[łŁ]/g, 'l').replace(/[øØ]/g, 'o').replace(/ı/g, 'i').toLowerCase().replace(/[^a-z0-9]+/g, '');

function phone() {
  switch (Math.floor(rand() * 5)) {
    case 0: case 1: return `+1 (${pick(US_AREAS)}) ${digits(3)}-${digits(4)}`;
    case 2: return `+44 20 ${digits(4)} ${digits(4)}`;
    case 3: return `+49 30 ${digits(7)}`;
    default: return `+33 1 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`;
  }
}

function person(i) {
  const first = pick(FIRST);
  const last = pick(LAST);
  const middle = rand() < 0.15 ? ` ${String.fromCharCode(65 + Math.floor(rand() * 26))}.` : '';
  const fullName = `${first}${middle} ${last}`;
  const emails = Array.from({ length: Math.floor(rand() * 3.2) }, (_, k) => ({
    label: k === 0 ? 'work' : rand() < 0.5 ? 'home' : null,
    address: `${ascii(first)}.${ascii(last)}${rand() < 0.6 ? Math.floor(rand() * 100) : ''}@${pick(DOMAINS)}`,
  }));
  const phones = Array.from({ length: Math.floor(rand() * 2.6) }, (_, k) => ({ label: k === 0 ? 'mobile' : null, number: phone() }));
  const anniversaries = [];
  if (rand() < 0.4) {
    const y = 1940 + Math.floor(rand() * 65);
    const m = 1 + Math.floor(rand() * 12);
    const d = 1 + Math.floor(rand() * 28);
    anniversaries.push({ type: 'birthday', date: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`, year: y, month: m, day: d });
  }
  if (rand() < 0.1) {
    const m = 1 + Math.floor(rand() * 12);
    const d = 1 + Math.floor(rand() * 28);
    anniversaries.push({ type: 'nameday', date: `--${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`, year: null, month: m, day: d });
  }
  return { fullName, emails, phones, notes: rand() < 0.2 ? `Seed contact #${i}` : null, anniversaries };
}

async function seed(client, svc, inboxId) {
  const BATCH = 5000;
  const t0 = performance.now();
  let anniversaries = 0;
  for (let start = 0; start < CONTACTS; start += BATCH) {
    const cols = { id: [], name: [], emails: [], phones: [], notes: [], sname: [], semails: [], sphones: [] };
    const ann = { contact: [], position: [], type: [], date: [], year: [], month: [], day: [] };
    const now = Date.now();
    for (let i = start; i < Math.min(start + BATCH, CONTACTS); i++) {
      const p = person(i);
      const id = svc.newId('ctc', now);
      cols.id.push(id); cols.name.push(p.fullName);
      cols.emails.push(JSON.stringify(p.emails)); cols.phones.push(JSON.stringify(p.phones)); cols.notes.push(p.notes);
      cols.sname.push(svc.searchNameOf(p.fullName)); cols.semails.push(svc.searchEmailsOf(p.emails)); cols.sphones.push(svc.searchPhonesOf(p.phones));
      p.anniversaries.forEach((a, position) => {
        ann.contact.push(id); ann.position.push(position); ann.type.push(a.type); ann.date.push(a.date);
        ann.year.push(a.year); ann.month.push(a.month); ann.day.push(a.day);
      });
    }
    await client.query(`
      INSERT INTO contacts (id, inbox_id, full_name, emails, phones, notes, search_name, search_emails, search_phones, created_at, updated_at)
      SELECT id, $1, name, emails::jsonb, phones::jsonb, notes, sname, semails, sphones, now(), now()
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
        AS x(id, name, emails, phones, notes, sname, semails, sphones)`,
    [inboxId, cols.id, cols.name, cols.emails, cols.phones, cols.notes, cols.sname, cols.semails, cols.sphones]);
    await client.query(`
      INSERT INTO contact_anniversaries (inbox_id, contact_id, position, type, date, year, month, day)
      SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[])`,
    [inboxId, ann.contact, ann.position, ann.type, ann.date, ann.year, ann.month, ann.day]);
    anniversaries += ann.contact.length;
  }
  await client.query('VACUUM ANALYZE contacts');
  await client.query('VACUUM ANALYZE contact_anniversaries');
  log(`seeded ${CONTACTS} contacts (${anniversaries} anniversaries) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------------------------------------

function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, p50: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

async function measure(fn) {
  for (let i = 0; i < CONCURRENCY * 2; i++) await fn(); // warm-up
  const times = [];
  let issued = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (issued < REQUESTS) {
      issued++;
      const t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
    }
  }));
  return stats(times);
}

async function startWrangler({ port, databaseUrl, proxyUrl, persistDir }) {
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()),
    '--persist-to', persistDir,
    '--var', `DATABASE_URL:${databaseUrl}`, '--var', `PG_WS_PROXY:${proxyUrl}`, '--var', `ADMIN_TOKEN:${ADMIN_TOKEN}`,
    '--var', 'RATE_LIMIT_PER_MINUTE:100000000'];
  const child = spawn('wrangler', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  stops.push(() => new Promise((ok) => {
    if (child.exitCode !== null) return ok();
    child.once('exit', () => ok());
    child.kill('SIGTERM');
    setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL'); }, 5000).unref();
  }));
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  while (Date.now() - t0 < 120_000) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output.slice(-3000)}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return base;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`wrangler dev did not become ready:\n${output.slice(-3000)}`);
}

async function api(base, method, path, { token, body } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

const fmt = (x) => `${x.toFixed(1).padStart(7)} ms`;

async function main() {
  const started = performance.now();
  const svc = await loadService();

  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const port = await freePort();
    const dataDir = `.data/bench-pg-${process.pid}`;
    const server = await startEmbeddedPostgres({ dataDir, port, persistent: false });
    stops.push(async () => { await server.stop(); rmSync(resolve(root, dataDir), { recursive: true, force: true }); });
    serverUrl = server.url;
    log(`embedded PostgreSQL on 127.0.0.1:${port}`);
  }
  const scratch = await createScratchDatabase(serverUrl, `inbox_bench_${process.pid}_${Date.now().toString(36)}`);
  stops.push(scratch.drop);
  await migrate(scratch.url);
  const proxy = await startWsProxy({ target: scratch.url, port: await freePort() });
  stops.push(proxy.stop);
  const persistDir = resolve(root, `.data/bench-wrangler-${process.pid}`);
  stops.push(async () => rmSync(persistDir, { recursive: true, force: true }));
  const base = await startWrangler({ port: await freePort(), databaseUrl: scratch.url, proxyUrl: proxy.url, persistDir });
  log(`wrangler dev ready at ${base}`);

  // A tenant, its inbox and a read-only agent token, through the public API.
  const owner = { email: 'bench-owner@bench.test', password: 'bench password 123' };
  const tenant = await api(base, 'POST', '/v1/admin/tenants/', { token: ADMIN_TOKEN, body: { name: 'Bench', owner_email: owner.email, owner_password: owner.password, inbox_address: 'bench@bench.test' } });
  const session = (await api(base, 'POST', '/auth/login/', { body: owner })).access_token;
  const token = (await api(base, 'POST', '/v1/tokens/', { token: session, body: { inbox_id: tenant.inbox_id, label: 'bench', scopes: ['contacts:read'] } })).token;

  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  stops.push(() => client.end());
  await seed(client, svc, tenant.inbox_id);

  // A phone and an email fragment taken from real rows, so each kind has hits.
  const { rows: [sample] } = await client.query(`
    SELECT (SELECT phones->0->>'number' FROM contacts WHERE phones->0->>'number' LIKE '+1 (%' ORDER BY id LIMIT 1 OFFSET 500) AS phone,
           (SELECT split_part(emails->0->>'address', '@', 1) FROM contacts WHERE emails->0->>'address' ~ '[0-9]@' ORDER BY id LIMIT 1 OFFSET 700) AS email`);
  const phoneFragment = sample.phone.slice(3, 12); // '(415) 555' → digits 415555
  const emailFragment = sample.email.split('.').pop(); // e.g. 'nowak37'
  const kinds = [
    { kind: 'name prefix', q: 'jos' },
    { kind: 'email fragment', q: emailFragment },
    { kind: 'phone fragment', q: phoneFragment },
    { kind: 'no q (browse)', q: undefined },
  ];

  const pool = new pg.Pool({ connectionString: scratch.url, max: CONCURRENCY });
  stops.push(() => pool.end());
  const page = { offset: 0, limit: 50 };
  const results = [];
  for (const k of kinds) {
    const path = `/v1/contacts/?limit=${page.limit}${k.q === undefined ? '' : `&q=${encodeURIComponent(k.q)}`}`;
    const query = svc.render(svc.contactListQuery(tenant.inbox_id, k.q, page));
    const viaHttp = await api(base, 'GET', path, { token });
    const viaSql = (await pool.query(query.sql, query.params)).rows[0];
    if (viaHttp.total !== viaSql.total) throw new Error(`${k.kind}: HTTP total ${viaHttp.total} ≠ SQL total ${viaSql.total}`);
    const http = await measure(async () => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    });
    const direct = await measure(() => pool.query(query.sql, query.params));
    const plan = (await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, query.params)).rows.map((r) => r['QUERY PLAN']).join('\n');
    results.push({ ...k, total: viaHttp.total, http, direct, plan });
    log(`${k.kind}: done`);
  }

  console.log(`\nGET /v1/contacts/?q=… on ${CONTACTS.toLocaleString('en')} contacts in one inbox — ${REQUESTS} requests each, concurrency ${CONCURRENCY}, limit ${page.limit}`);
  console.log('HTTP = through wrangler dev (auth + rate-limit + list query, a fresh pool per request); SQL = the same list query over a warm pg pool\n');
  console.log(`${'kind'.padEnd(16)} ${'q'.padEnd(12)} ${'matches'.padStart(8)}   ${'HTTP p50'.padStart(10)} ${'HTTP p95'.padStart(10)}   ${'SQL p50'.padStart(10)} ${'SQL p95'.padStart(10)}`);
  for (const r of results) {
    console.log(`${r.kind.padEnd(16)} ${JSON.stringify(r.q ?? '').padEnd(12)} ${String(r.total).padStart(8)}   ${fmt(r.http.p50)} ${fmt(r.http.p95)}   ${fmt(r.direct.p50)} ${fmt(r.direct.p95)}`);
  }
  for (const r of results) console.log(`\n--- EXPLAIN (ANALYZE, BUFFERS): ${r.kind} q=${JSON.stringify(r.q ?? '')}\n${r.plan}`);
  console.log(`\n[bench] total ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

try {
  await main();
  await stopAll();
  clearTimeout(deadline);
  process.exit(0);
} catch (e) {
  console.error('[bench] failed:', e);
  await stopAll();
  process.exit(1);
}
