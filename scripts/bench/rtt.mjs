// `npm run bench:rtt`: how many times each request crosses to the database.
//
// Starts its own stack (embedded PostgreSQL unless DATABASE_URL is set, in a scratch database;
// the local Neon endpoint, HTTP and WebSocket; `wrangler dev`), seeds one inbox, then for each request measures the p50
// with no added latency and with DB_RTT_MS (default 20) put on every message between the Worker
// and Postgres by the endpoint (both paths). (p50 at DB_RTT_MS − p50 at 0) / DB_RTT_MS is the number of round
// trips a far-away caller pays for: what the issue "One round trip" is about.
// BENCH_RUNS (default 25) sets the sequential runs per request and latency.
import { api, createTenantWithToken, log, percentiles, runBench, startBenchStack } from './lib.mjs';

const RTT = Number(process.env.DB_RTT_MS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const WARMUP = 3;

async function main() {
  const { base, endpoint } = await startBenchStack({ name: 'rtt' });
  endpoint.setRtt(0);
  const { token, inboxId } = await createTenantWithToken(base, [
    'contacts:read', 'contacts:write', 'contacts:delete', 'calendar:read', 'calendar:write', 'task:read', 'task:write',
    'alerts:read', 'alerts:write', 'approvals:read', 'approvals:write', 'read', 'email:read', 'email:send', 'email:write',
    'sequences:read', 'sequences:write', 'work_routes:read', 'work_routes:write', 'files:read', 'files:write',
  ]);
  const owner = { email: 'bench-owner@bench.test', password: 'bench password 123' };
  const { access_token: session } = await api(base, 'POST', '/auth/login/', { body: owner });
  const held = (await api(base, 'POST', '/v1/tokens/', {
    token: session, body: { inbox_id: inboxId, label: 'held', scopes: ['contacts:delete'], requires_approval: ['contacts:delete'] },
  })).token;

  // A little of everything: 200 contacts, 200 events (a fifth weekly), 50 tasks, an alert.
  for (let i = 0; i < 200; i++) {
    await api(base, 'POST', '/v1/contacts/', {
      token, body: { full_name: `${i % 2 ? 'Alice' : 'Martin'} Person${i}`, emails: [{ label: 'work', address: `p${i}@example.com` }], anniversaries: [{ type: 'birthday', date: `1990-12-${String(1 + (i % 28)).padStart(2, '0')}` }] },
    });
  }
  const calendar = (await api(base, 'GET', '/v1/calendar/collections/', { token })).find((c) => c.isDefault).id;
  let event;
  for (let i = 0; i < 200; i++) {
    event = await api(base, 'POST', '/v1/calendar/events/', {
      token, body: {
        calendar_id: calendar, title: `Meeting ${i}`, start: `2026-12-${String(1 + (i % 28)).padStart(2, '0')}T${String(8 + (i % 9)).padStart(2, '0')}:00:00`,
        duration: 'PT45M', recurrence_rules: i % 5 === 0 ? ['RRULE:FREQ=WEEKLY;COUNT=30'] : [],
      },
    });
  }
  for (let i = 0; i < 50; i++) await api(base, 'POST', '/v1/tasks/', { token, body: { summary: `Task ${i}`, due_date: `2026-12-${String(1 + (i % 28)).padStart(2, '0')}` } });
  await api(base, 'POST', '/v1/alerts/', { token, body: { events: ['event.created'], offset: { value: 10, unit: 'minutes' }, delivery: { type: 'task', target: 'Soon: {title}' } } });
  const contact = (await api(base, 'GET', '/v1/contacts/?limit=1', { token })).results[0];
  // Mail: 50 messages through the real email() handler, each proposing a meeting. Their Date
  // headers lie ahead (a second apart), so the newest inbound message is always the last received
  // (imports below are dated when they are made).
  const address = 'bench@bench.test';
  let mailNo = 0;
  const receive = async () => {
    const i = mailNo++;
    const raw = `From: Peer ${i} <peer${i % 7}@example.com>\r\nTo: ${address}\r\nSubject: Topic ${i}\r\nMessage-ID: <rtt-${i}-${Date.now()}@example.com>\r\nDate: ${new Date(Date.now() + 3600_000 + i * 1000).toUTCString()}\r\n\r\nCould we meet tomorrow at 3pm for 30 minutes?\r\n`;
    const res = await fetch(`${base}/cdn-cgi/handler/email?from=peer${i % 7}@example.com&to=${address}`, { method: 'POST', body: raw });
    if (!res.ok) throw new Error(`email: ${res.status} ${await res.text()}`);
    return (await api(base, 'GET', '/v1/messages/?limit=1&direction=inbound', { token })).results[0];
  };
  let message;
  for (let i = 0; i < 50; i++) message = await receive();
  // A sequence with one contact enrolled, and a route waiting on one recipient.
  const sequence = await api(base, 'POST', '/v1/sequences/', { token, body: { name: 'Follow-up', emails: [{ delay_days: 2, subject: 'Hello', body: 'One' }, { delay_days: 3, subject: 'x', body: 'Two' }] } });
  const enrollment = await api(base, 'POST', '/v1/sequences/enrollments/', { token, body: { sequence_id: sequence.sequence_id, contact_id: contact.id } });
  let routeNo = 0;
  const routeBody = () => JSON.stringify({ title: `Sign-off ${routeNo++}`, request_type: 'approval', routing_mode: 'ordered', recipients: [{ kind: 'email', email: 'boss@example.com' }, { kind: 'email', email: 'cfo@example.com' }] });
  const route = await api(base, 'POST', '/v1/work-routes/', { token, body: JSON.parse(routeBody()) });
  // A spreadsheet with a first version, a signed link to it, and the default calendar's feed.
  const sheet = await api(base, 'POST', '/v1/files/', { token, body: { name: 'Leads.csv', file_type: 'spreadsheet' } });
  await api(base, 'POST', `/v1/files/${sheet.file_id}/rows/`, { token, body: { rows: [['name', 'email'], ['Ada', 'ada@example.com']] } });
  const link = (await api(base, 'POST', `/v1/files/${sheet.file_id}/link/`, { token, body: {} })).url;
  const feed = (await api(base, 'GET', '/v1/calendar/collections/', { token })).find((c) => c.isDefault).feed_url;
  const upload = 'name,email\r\nGrace,grace@example.com\r\n'.repeat(40);
  let uid = 0;
  const ics = () => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nBEGIN:VEVENT\r\nUID:bench-${uid++}@example.com\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20270110T100000Z\r\nDURATION:PT1H\r\nSUMMARY:Imported\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
  const vcf = () => `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:bench-${uid++}\r\nFN:Card Person\r\nEMAIL:card${uid}@example.com\r\nEND:VCARD\r\n`;
  log('seeded');

  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const sess = { authorization: `Bearer ${session}` };
  const sessJson = { ...sess, 'content-type': 'application/json' };
  const inbox = `inbox_id=${inboxId}`;
  let n = 0;
  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  /** [label, (prepared) => [path, fetch init], expected status, prepare? (untimed, per run)] */
  const requests = [
    ['GET /health (no auth)', () => ['/health', {}], 200],
    ['GET /v1/events/types/ (public)', () => ['/v1/events/types/', {}], 200],
    ['POST /v1/events/types/ → 405', () => ['/v1/events/types/', { method: 'POST', headers: json, body: '{}' }], 405],
    ['POST deep JSON → 400', () => ['/v1/contacts/', { method: 'POST', headers: json, body: deep }], 400],
    ['POST /auth/login/', () => ['/auth/login/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(owner) }], 200],
    ['GET /v1/contacts/{id}/', () => [`/v1/contacts/${contact.id}/`, { headers: auth }], 200],
    ['GET /v1/contacts/?q=mart', () => ['/v1/contacts/?q=mart', { headers: auth }], 200],
    ['POST /v1/contacts/', () => ['/v1/contacts/', { method: 'POST', headers: json, body: JSON.stringify({ full_name: `New ${n++}` }) }], 201],
    ['PATCH /v1/contacts/{id}/', () => [`/v1/contacts/${contact.id}/`, { method: 'PATCH', headers: json, body: JSON.stringify({ notes: `n${n++}` }) }], 200],
    ['PATCH /v1/contacts/{id}/ {} → 400', () => [`/v1/contacts/${contact.id}/`, { method: 'PATCH', headers: json, body: '{}' }], 400],
    ['GET /v1/calendar/events/{id}/', () => [`/v1/calendar/events/${event.event_id}/`, { headers: auth }], 200],
    ['GET week window', () => ['/v1/calendar/events/?after=2026-12-07T00:00:00&before=2026-12-14T00:00:00&limit=200', { headers: auth }], 200],
    ['POST /v1/calendar/events/', () => ['/v1/calendar/events/', { method: 'POST', headers: json, body: JSON.stringify({ calendar_id: calendar, title: `E${n++}`, start: '2027-01-05T10:00:00', duration: 'PT30M' }) }], 201],
    ['PATCH /v1/calendar/events/{id}/', () => [`/v1/calendar/events/${event.event_id}/`, { method: 'PATCH', headers: json, body: JSON.stringify({ title: `T${n++}` }) }], 200],
    ['GET /v1/tasks/', () => ['/v1/tasks/', { headers: auth }], 200],
    ['POST /v1/tasks/', () => ['/v1/tasks/', { method: 'POST', headers: json, body: JSON.stringify({ summary: `S${n++}` }) }], 201],
    ['GET /v1/agenda/?days=7', () => ['/v1/agenda/?days=7', { headers: auth }], 200],
    ['GET /v1/alerts/', () => ['/v1/alerts/', { headers: auth }], 200],
    ['GET /v1/messages/', () => ['/v1/messages/', { headers: auth }], 200],
    ['GET /v1/messages/{id}/', () => [`/v1/messages/${message.message_id}/`, { headers: auth }], 200],
    ['GET /v1/messages/?thread_id=', () => [`/v1/messages/?thread_id=${message.thread_id}`, { headers: auth }], 200],
    ['GET /v1/messages/threads/', () => ['/v1/messages/threads/', { headers: auth }], 200],
    ['GET /v1/messages/threads/{id}/', () => [`/v1/messages/threads/${message.thread_id}/`, { headers: auth }], 200],
    ['GET …/suggested-events/', () => [`/v1/messages/${message.message_id}/suggested-events/`, { headers: auth }], 200],
    ['POST /v1/messages/ (send)', () => ['/v1/messages/', { method: 'POST', headers: json, body: JSON.stringify({ to: [{ email: 'peer@example.com' }], subject: `S${n++}`, text_body: 'x' }) }], 201],
    ['POST /v1/messages/ (reply)', () => ['/v1/messages/', { method: 'POST', headers: json, body: JSON.stringify({ reply_to_message_id: message.message_id, text_body: `R${n++}` }) }], 201],
    ['POST /v1/messages/import/', () => ['/v1/messages/import/', { method: 'POST', headers: json, body: JSON.stringify({ direction: 'inbound', raw: `From: old@example.com\r\nTo: ${address}\r\nSubject: Old ${n}\r\nMessage-ID: <imp-${n++}-${Date.now()}@example.com>\r\n\r\nHi` }) }], 201],
    ['POST …/suggested-events/ (confirm)', (m) => [`/v1/messages/${m.message_id}/suggested-events/`, { method: 'POST', headers: auth }], 201, receive],
    ['DELETE …/suggested-events/ (dismiss)', (m) => [`/v1/messages/${m.message_id}/suggested-events/`, { method: 'DELETE', headers: auth }], 204, receive],
    ['GET /v1/sequences/', () => ['/v1/sequences/', { headers: auth }], 200],
    ['GET /v1/sequences/enrollments/{id}/', () => [`/v1/sequences/enrollments/${enrollment.enrollment_id}/`, { headers: auth }], 200],
    ['POST /v1/sequences/enrollments/', (c) => ['/v1/sequences/enrollments/', { method: 'POST', headers: json, body: JSON.stringify({ sequence_id: sequence.sequence_id, contact_id: c.id }) }], 201,
      () => api(base, 'POST', '/v1/contacts/', { token, body: { full_name: `Enrolled ${n++}`, emails: [{ address: `e${n}@example.com` }] } })],
    ['GET /v1/work-routes/{id}/', () => [`/v1/work-routes/${route.route_id}/`, { headers: auth }], 200],
    ['GET /v1/work-routes/', () => ['/v1/work-routes/', { headers: auth }], 200],
    ['POST /v1/work-routes/ (mails 1 of 2)', () => ['/v1/work-routes/', { method: 'POST', headers: json, body: routeBody() }], 201],
    ['POST …/responses/ (next one mailed)', (r) => [`/v1/work-routes/${r.route_id}/responses/`, { method: 'POST', headers: json, body: JSON.stringify({ recipient_id: r.recipients[0].recipient_id, decision: 'approve' }) }], 200,
      () => api(base, 'POST', '/v1/work-routes/', { token, body: JSON.parse(routeBody()) })],
    ['GET /v1/files/{id}/', () => [`/v1/files/${sheet.file_id}/`, { headers: auth }], 200],
    ['GET /v1/files/', () => ['/v1/files/', { headers: auth }], 200],
    ['POST /v1/files/', () => ['/v1/files/', { method: 'POST', headers: json, body: JSON.stringify({ name: `F${n++}.txt`, file_type: 'document' }) }], 201],
    ['PUT /v1/files/{id}/content/ (+ R2 put)', () => [`/v1/files/${sheet.file_id}/content/`, { method: 'PUT', headers: { ...auth, 'content-type': 'text/csv' }, body: upload }], 201],
    ['GET /v1/files/{id}/content/ (+ R2 get)', () => [`/v1/files/${sheet.file_id}/content/`, { headers: auth }], 200],
    ['POST /v1/files/{id}/rows/ (+ R2 get, put)', () => [`/v1/files/${sheet.file_id}/rows/`, { method: 'POST', headers: json, body: JSON.stringify({ rows: [[`R${n++}`, 'r@example.com']] }) }], 201],
    ['POST /v1/files/{id}/link/', () => [`/v1/files/${sheet.file_id}/link/`, { method: 'POST', headers: json, body: '{}' }], 201],
    ['GET signed file link (no token)', () => [new URL(link).pathname, {}], 200],
    ['GET calendar feed.ics (no token)', () => [new URL(feed).pathname + new URL(feed).search, {}], 200],
    ['GET /v1/calendar/events/{id}/?format=ics', () => [`/v1/calendar/events/${event.event_id}/?format=ics`, { headers: auth }], 200],
    ['POST /v1/calendar/events/import/ (1 new)', () => ['/v1/calendar/events/import/', { method: 'POST', headers: { ...auth, 'content-type': 'text/calendar' }, body: ics() }], 200],
    ['GET /v1/contacts/export.vcf', () => ['/v1/contacts/export.vcf', { headers: auth }], 200],
    ['POST /v1/contacts/import/ (1 new)', () => ['/v1/contacts/import/', { method: 'POST', headers: { ...auth, 'content-type': 'text/vcard' }, body: vcf() }], 200],
    ['session: GET /v1/contacts/{id}/', () => [`/v1/contacts/${contact.id}/?${inbox}`, { headers: sess }], 200],
    ['session: GET week window', () => [`/v1/calendar/events/?${inbox}&after=2026-12-07T00:00:00&before=2026-12-14T00:00:00&limit=200`, { headers: sess }], 200],
    ['session: GET /v1/agenda/?days=7', () => [`/v1/agenda/?${inbox}&days=7`, { headers: sess }], 200],
    ['session: GET /v1/tasks/', () => [`/v1/tasks/?${inbox}`, { headers: sess }], 200],
    ['session: POST /v1/contacts/', () => ['/v1/contacts/', { method: 'POST', headers: sessJson, body: JSON.stringify({ inbox_id: inboxId, full_name: `New ${n++}` }) }], 201],
    ['session: PATCH /v1/calendar/events/{id}/', () => [`/v1/calendar/events/${event.event_id}/`, { method: 'PATCH', headers: sessJson, body: JSON.stringify({ inbox_id: inboxId, title: `T${n++}` }) }], 200],
    ['session: POST /v1/tasks/', () => ['/v1/tasks/', { method: 'POST', headers: sessJson, body: JSON.stringify({ inbox_id: inboxId, summary: `S${n++}` }) }], 201],
    ['POST held DELETE → 202', () => [`/v1/contacts/${contact.id}/`, { method: 'DELETE', headers: { authorization: `Bearer ${held}` } }], 202],
    // Approving runs the held call (a contact's DELETE) through the whole app again.
    ['POST /v1/approvals/{id}/approve/', (id) => [`/v1/approvals/${id}/approve/`, { method: 'POST', headers: auth }], 204, async () => {
      const victim = await api(base, 'POST', '/v1/contacts/', { token, body: { full_name: `Doomed ${n++}` } });
      return (await api(base, 'DELETE', `/v1/contacts/${victim.id}/`, { token: held })).approval_id;
    }],
  ];

  // The prepare step runs before the clock starts.
  const timeOne = async (make, expected, prepare) => {
    const [path, init] = make(prepare ? await prepare() : undefined);
    const t = performance.now();
    const res = await fetch(`${base}${path}`, init);
    await res.arrayBuffer();
    const ms = performance.now() - t;
    if (res.status !== expected) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status}, expected ${expected}`);
    return ms;
  };
  const p50 = async (make, expected, prepare) => {
    for (let i = 0; i < WARMUP; i++) await timeOne(make, expected, prepare);
    const ms = [];
    for (let i = 0; i < RUNS; i++) ms.push(await timeOne(make, expected, prepare));
    return percentiles(ms).p50;
  };

  const rows = [];
  for (const [label, make, expected, prepare] of requests) {
    endpoint.setRtt(0);
    const near = await p50(make, expected, prepare);
    endpoint.setRtt(RTT);
    const far = await p50(make, expected, prepare);
    endpoint.setRtt(0);
    // Counted, not timed: what one more call sends to the endpoint (HTTP requests, the
    // statements they carry, WebSocket connections opened for interactive transactions).
    const before = endpoint.stats();
    await timeOne(make, expected, prepare);
    const after = endpoint.stats();
    const counted = `${after.httpRequests - before.httpRequests} / ${after.httpStatements - before.httpStatements} / ${after.wsConnections - before.wsConnections}`;
    rows.push({ label, near, far, trips: (far - near) / RTT, counted });
  }

  console.log(`\nRound trips to the database per request — ${RUNS} sequential runs each, p50, DB_RTT_MS=${RTT} added by the endpoint\n`);
  console.log('counted: HTTP requests / statements in them / WebSocket connections, for one call (a prepare step included)\n');
  console.log(`${'request'.padEnd(44)} ${'p50, 0 ms'.padStart(10)} ${`p50, ${RTT} ms`.padStart(11)} ${'round trips'.padStart(12)} ${'counted'.padStart(12)}`);
  for (const r of rows) {
    console.log(`${r.label.padEnd(44)} ${r.near.toFixed(1).padStart(10)} ${r.far.toFixed(1).padStart(11)} ${r.trips.toFixed(1).padStart(12)} ${r.counted.padStart(12)}`);
  }
}

runBench('rtt', { deadlineMinutes: 15 }, main);
