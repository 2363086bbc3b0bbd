// `npm run bench:contacts`: contact search on 100,000 contacts in one inbox.
//
// Starts its own stack (embedded PostgreSQL unless DATABASE_URL is set, always in a scratch
// database; the local Neon endpoint; `wrangler dev` on a free port), seeds 100,000 varied contacts
// with bulk SQL, then for each kind of `q` (name prefix, email fragment, phone fragment, and no
// q) measures p50/p95 of GET /v1/contacts/?q=… through wrangler dev and of the very same SQL run
// directly, side by side, and prints EXPLAIN (ANALYZE, BUFFERS) of the list query. The SQL and
// the search normaliser are the service's own, bundled from src/ with esbuild.
// BENCH_SCALE=0.05 shrinks the seed for a quick end-to-end check (see lib.mjs).
import { performance } from 'node:perf_hooks';
import { api, createTenantWithToken, importBundled, log, runBench, scaled, srcModule, startBenchStack, timeRequests } from './lib.mjs';

const CONTACTS = scaled(Number(process.env.BENCH_CONTACTS ?? 100_000));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

// ---------------------------------------------------------------------------------------------
// The service's own code: the list query builder and the search normaliser.

function loadService() {
  return importBundled('contacts', `
    export { contactListQuery } from ${srcModule('contacts/service.ts')};
    export { searchNameOf, searchEmailsOf, searchPhonesOf } from ${srcModule('contacts/search.ts')};
    export { newId } from ${srcModule('http/ids.ts')};
    import { PgDialect } from 'drizzle-orm/pg-core';
    const dialect = new PgDialect();
    export const render = (q) => dialect.sqlToQuery(q);
  `);
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

const fmt = (x) => `${x.toFixed(1).padStart(7)} ms`;

async function main() {
  const started = performance.now();
  const svc = await loadService();
  const { db: client, pool: newPool, base } = await startBenchStack({ name: 'contacts' });
  // A tenant, its inbox and a read-only agent token, through the public API.
  const { inboxId, token } = await createTenantWithToken(base, ['contacts:read']);
  await seed(client, svc, inboxId);

  // A phone and an email fragment taken from real rows, so each kind has hits (the offsets
  // shrink with BENCH_SCALE, or a small seed would have no such row).
  const { rows: [sample] } = await client.query(`
    SELECT (SELECT phones->0->>'number' FROM contacts WHERE phones->0->>'number' LIKE '+1 (%' ORDER BY id LIMIT 1 OFFSET $1) AS phone,
           (SELECT split_part(emails->0->>'address', '@', 1) FROM contacts WHERE emails->0->>'address' ~ '[0-9]@' ORDER BY id LIMIT 1 OFFSET $2) AS email`,
  [scaled(500), scaled(700)]);
  const phoneFragment = sample.phone.slice(3, 12); // '(415) 555' → digits 415555
  const emailFragment = sample.email.split('.').pop(); // e.g. 'nowak37'
  const kinds = [
    { kind: 'name prefix', q: 'jos' },
    { kind: 'email fragment', q: emailFragment },
    { kind: 'phone fragment', q: phoneFragment },
    { kind: 'no q (browse)', q: undefined },
  ];

  const pool = newPool({ max: CONCURRENCY });
  const page = { offset: 0, limit: 50 };
  const timing = { runs: REQUESTS, concurrency: CONCURRENCY, warmup: CONCURRENCY * 2 };
  const results = [];
  for (const k of kinds) {
    const path = `/v1/contacts/?limit=${page.limit}${k.q === undefined ? '' : `&q=${encodeURIComponent(k.q)}`}`;
    const query = svc.render(svc.contactListQuery(inboxId, k.q, page));
    const viaHttp = await api(base, 'GET', path, { token });
    const viaSql = (await pool.query(query.sql, query.params)).rows[0];
    if (viaHttp.total !== viaSql.total) throw new Error(`${k.kind}: HTTP total ${viaHttp.total} ≠ SQL total ${viaSql.total}`);
    // Raw fetch, body read but not parsed: only the request is timed, not JSON.parse.
    const http = await timeRequests(async () => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }, timing);
    const direct = await timeRequests(() => pool.query(query.sql, query.params), timing);
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

runBench('bench', { deadlineMinutes: 15 }, main);
