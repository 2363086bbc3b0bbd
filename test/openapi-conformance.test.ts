import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../src/http/context';
import { ADMIN, call, deliverMail, hookKey, hookUrl, newTenant, received, rfc5322, type Tenant } from './helpers';
import { documentValidator, pointer, type DocumentValidator } from './support/openapi';

// The served /openapi.json against the Worker's real answers: a scripted tour calls every
// documented operation with valid input (and a share of error answers), through the real
// Worker and Postgres. Every answer must be declared for its operation — its status, its
// content type, and its body valid against the declared schema (ajv, JSON Schema 2020-12) —
// and every request the tour sends must be valid against the document too, so the document
// is neither looser nor stricter than the service. Then every call the tour made with the
// agent token is sent again with a token whose every scope needs approval: exactly the
// operations that declare a 202 are held. Finally, every operationId must have been exercised.

type Json = any;

interface Op {
  id: string;
  method: string;
  template: string;
  re: RegExp;
  literals: number;
  spec: Json;
}

interface Sent {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
  op: Op;
}

interface Request {
  /** Defaults to the agent token (every scope); null sends none. */
  token?: string | null;
  body?: unknown;
  rawBody?: string | Uint8Array | ReadableStream<Uint8Array>;
  contentType?: string;
  headers?: Record<string, string>;
  /** The status the tour means to get. */
  expect?: number;
  /** A request that is meant to be refused: it is not checked against the document. */
  invalid?: boolean;
}

let doc: Json;
let v: DocumentValidator;
const ops: Op[] = [];
const exercised = new Map<string, Set<number>>();
const replayable: { method: string; url: string; req: Request; op: Op }[] = [];

let t: Tenant;
let agent: string;
let other: { inboxId: string; agent: string };

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/** The documented operation a request reaches: literal segments win over parameters, as in the router. */
function opOf(method: string, pathname: string): Op | undefined {
  const candidates = [pathname, pathname.endsWith('/') ? pathname : `${pathname}/`];
  return ops
    .filter((o) => o.method === method && candidates.some((p) => o.re.test(p)))
    .sort((a, b) => b.literals - a.literals)[0];
}

const baseType = (contentType: string | null) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** The documented media type a content type is answered under (exact, `type/*`, `*\/*`). */
function mediaKeyOf(content: Record<string, unknown>, type: string): string | undefined {
  const keys = Object.keys(content);
  return keys.find((k) => k === type) ?? keys.find((k) => k.endsWith('/*') && type.startsWith(k.slice(0, -1))) ?? keys.find((k) => k === '*/*');
}

const isJson = (type: string) => type === 'application/json' || type.endsWith('+json');

/** A query value as the type its parameter documents (text on the wire). */
function asDocumented(value: string, schema: Json): unknown {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

/** Checks a request against the document: the query's parameters and a JSON body. */
function checkRequest(op: Op, url: URL, req: Request): void {
  const at = ['paths', op.template, op.method.toLowerCase()];
  const params: Json[] = op.spec.parameters ?? [];
  for (const [name, value] of url.searchParams) {
    const i = params.findIndex((p) => p.in === 'query' && p.name === name);
    expect(i, `${op.id}: query parameter ${name} is not documented`).toBeGreaterThanOrEqual(0);
    expect(v.problemsOf(pointer(...at, 'parameters', i, 'schema'), asDocumented(value, params[i].schema)), `${op.id}: query ${name}=${value}`).toBeNull();
  }
  for (const p of params) {
    if (p.in === 'query' && p.required) expect(url.searchParams.has(p.name), `${op.id}: required query ${p.name}`).toBe(true);
  }
  const content = op.spec.requestBody?.content;
  if (req.body !== undefined) {
    expect(content?.['application/json'], `${op.id}: a JSON body is not documented`).toBeDefined();
    expect(v.problemsOf(pointer(...at, 'requestBody', 'content', 'application/json', 'schema'), req.body), `${op.id}: request body`).toBeNull();
  } else if (req.rawBody !== undefined) {
    expect(mediaKeyOf(content ?? {}, baseType(req.contentType ?? null)), `${op.id}: body of type ${req.contentType} is not documented`).toBeDefined();
  } else if (op.spec.requestBody?.required) {
    throw new Error(`${op.id}: the document requires a body the tour did not send`);
  }
}

/** Checks an answer against the document: a declared status, content type and body. */
function checkAnswer(op: Op, method: string, status: number, headers: Headers, text: string): Json {
  const responses = op.spec.responses as Record<string, Json>;
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => responses[k]);
  if (!key) throw new Error(`${op.id} (${op.method} ${op.template}) answered ${status}, which it does not declare: ${text.slice(0, 300)}`);
  expect(headers.get('x-request-id'), `${op.id}: X-Request-Id`).toBeTruthy();
  const declared = responses[key];
  if (status === 204 || status === 304 || method === 'HEAD') {
    expect(text, `${op.id} ${status} has no body`).toBe('');
    return null;
  }
  const type = baseType(headers.get('content-type'));
  const media = mediaKeyOf(declared.content ?? {}, type);
  if (!media) throw new Error(`${op.id} ${status} answered ${type || '(no type)'}, documented: ${Object.keys(declared.content ?? {}).join(', ') || 'no body'}`);
  if (!isJson(type)) return text;
  const body = JSON.parse(text);
  const problems = v.problemsOf(pointer('paths', op.template, op.method.toLowerCase(), 'responses', key, 'content', media, 'schema'), body);
  expect(problems, `${op.id} ${status} body: ${text.slice(0, 400)}`).toBeNull();
  if (type === 'application/problem+json') expect(body.status, `${op.id}: problem status`).toBe(status);
  return body;
}

/** One call through the real Worker, checked against the document both ways. */
async function send(method: string, target: string, req: Request = {}): Promise<Sent> {
  const url = new URL(target, 'http://inbox.test');
  const op = opOf(method === 'HEAD' ? 'GET' : method, url.pathname);
  if (!op) throw new Error(`${method} ${url.pathname} is not a documented operation`);
  if (!req.invalid) checkRequest(op, url, req);
  const token = req.token === undefined ? agent : req.token;
  const headers: Record<string, string> = { ...req.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (req.rawBody !== undefined) {
    body = req.rawBody as BodyInit;
    if (req.contentType) headers['content-type'] = req.contentType;
  } else if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] = req.contentType ?? 'application/json';
  }
  const res = await SELF.fetch(url.toString(), { method, headers, body });
  const text = await res.text();
  const parsed = checkAnswer(op, method, res.status, res.headers, text);
  if (req.expect !== undefined) expect(res.status, `${op.id}: ${text.slice(0, 300)}`).toBe(req.expect);
  (exercised.get(op.id) ?? exercised.set(op.id, new Set()).get(op.id)!).add(res.status);
  if (token === agent && res.status < 300 && !(req.rawBody instanceof ReadableStream)) replayable.push({ method, url: url.toString(), req, op });
  return { status: res.status, headers: res.headers, body: parsed, text, op };
}

const ok = (method: string, target: string, status: number, req: Request = {}) => send(method, target, { ...req, expect: status });
const refused = (method: string, target: string, status: number, req: Request = {}) => send(method, target, { invalid: true, ...req, expect: status });

beforeAll(async () => {
  const r = await call('GET', '/openapi.json');
  expect(r.status).toBe(200);
  doc = r.body;
  v = documentValidator(doc);
  for (const [template, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, spec] of Object.entries<Json>(item)) {
      if (!spec?.responses) continue;
      const re = new RegExp(`^${template.split(/(\{[^}]+\})/).map((part) => (part.startsWith('{') ? '[^/]+' : escapeRe(part))).join('')}$`);
      ops.push({ id: spec.operationId, method: method.toUpperCase(), template, re, literals: template.replace(/\{[^}]+\}/g, '').length, spec });
    }
  }
  t = await newTenant('Conformance');
  agent = await t.agent([...ALL_SCOPES]);
});

const opById = (id: string) => ops.find((o) => o.id === id)!;

describe('the document', () => {
  it('names every operation once, in camelCase, and serves its own origin', () => {
    const ids = ops.map((o) => o.id);
    expect(ids.length).toBeGreaterThan(95);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    expect(doc.servers).toEqual([{ url: 'http://inbox.test', description: expect.any(String) }]);
    for (const id of ['listContacts', 'getContact', 'createContact', 'createCalendarEvent', 'listCalendarEvents', 'getAgenda', 'sendMessage']) expect(ids).toContain(id);
  });
});

describe('accounts and utils', () => {
  it('tenants, sign-in, inboxes, settings, tokens', async () => {
    const owner = `owner-${unique()}@example.test`;
    const tenant = { name: 'Conformance 2', owner_email: owner, owner_password: 'correct horse battery staple', inbox_address: `c2-${unique()}@inbox.test` };
    await ok('POST', '/v1/admin/tenants/', 201, { token: ADMIN, body: tenant });
    await ok('POST', '/v1/admin/tenants/', 409, { token: ADMIN, body: tenant });
    await refused('POST', '/v1/admin/tenants/', 401, { token: t.session, body: tenant });

    const login = await ok('POST', '/auth/login/', 200, { token: null, body: { email: t.email, password: t.password } });
    await ok('POST', '/auth/login/', 401, { token: null, body: { email: t.email, password: 'wrong password' } });
    await refused('POST', '/auth/login/', 400, { token: null, body: { email: t.email } });
    await ok('POST', '/auth/refresh/', 200, { token: null, body: { refresh_token: login.body.refresh_token } });
    await ok('POST', '/auth/refresh/', 401, { token: null, body: { refresh_token: 'grt_not_a_token' } });
    const second = await ok('POST', '/auth/login/', 200, { token: null, body: { email: t.email, password: t.password } });
    await ok('POST', '/auth/logout/', 204, { token: second.body.access_token });
    await ok('GET', '/v1/inboxes/', 401, { token: second.body.access_token });
    await ok('POST', '/auth/logout/', 403, { token: agent });

    await ok('GET', '/v1/inboxes/?limit=1&offset=0', 200, { token: t.session });
    await refused('GET', '/v1/inboxes/?limit=0', 400, { token: t.session });
    const inbox = await ok('POST', '/v1/inboxes/', 201, { token: t.session, body: { address: `b-${unique()}@inbox.test`, display_name: 'Sales' } });
    await ok('POST', '/v1/inboxes/', 409, { token: t.session, body: { address: inbox.body.address } });
    const token = await ok('POST', '/v1/tokens/', 201, { token: t.session, body: { inbox_id: inbox.body.id, label: 'sales agent', scopes: [...ALL_SCOPES] } });
    other = { inboxId: inbox.body.id, agent: token.body.token };
    await ok('POST', '/v1/tokens/', 403, { token: agent, body: { inbox_id: t.inboxId, label: 'x', scopes: ['read'] } });
    await ok('GET', `/v1/tokens/?inbox_id=${other.inboxId}`, 200, { token: t.session });
    const spare = await ok('POST', '/v1/tokens/', 201, { token: t.session, body: { inbox_id: t.inboxId, label: 'spare', scopes: ['read'] } });
    await ok('DELETE', `/v1/tokens/${spare.body.token_id}/`, 204, { token: t.session });
    await ok('DELETE', `/v1/tokens/${spare.body.token_id}/`, 404, { token: t.session });

    await ok('GET', `/v1/inboxes/${t.inboxId}/settings/`, 200);
    await ok('GET', `/v1/inboxes/${other.inboxId}/settings/`, 404);
    await ok('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, 200, { body: { default_timezone: 'Europe/Berlin', missed_reply_threshold_days: 3 } });
    await refused('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, 400, { body: {} });
  });

  it('time and duration utils', async () => {
    await ok('GET', '/v1/utils/time/?input=tomorrow%209am&time_zone=Europe%2FBerlin', 200);
    await ok('GET', '/v1/utils/time/?input=not%20a%20time', 400);
    await ok('GET', '/v1/utils/duration/?input=1%20hour%2030%20minutes', 200);
    await ok('GET', '/v1/utils/duration/?input=3%20months', 400);
  });
});

const ids: Record<string, string> = {};

describe('contacts, shares, labels', () => {
  it('contacts with ETags, cursors and preconditions', async () => {
    const alice = await ok('POST', '/v1/contacts/', 201, {
      body: {
        full_name: 'Alice Smith', emails: [{ label: 'work', address: 'alice@example.com' }], phones: [{ label: 'mobile', number: '+1 555 1234' }],
        anniversaries: [{ type: 'birthday', date: '1990-07-14' }], notes: 'Met at the fair.',
      },
    });
    ids.alice = alice.body.id;
    const bob = await ok('POST', '/v1/contacts/', 201, { body: { full_name: 'Bob Jones', emails: [{ address: 'bob@example.com' }] } });
    ids.bob = bob.body.id;
    await refused('POST', '/v1/contacts/', 400, { body: { full_name: '', emails: [{ address: 'not an address' }] } });
    const first = await ok('GET', '/v1/contacts/?limit=1', 200);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    await ok('GET', `/v1/contacts/?limit=1&cursor=${encodeURIComponent(first.body.next_cursor)}`, 200);
    await ok('GET', '/v1/contacts/?q=ali&offset=0', 200);
    await ok('GET', `/v1/contacts/?inbox_id=${t.inboxId}`, 200, { token: t.session });
    await ok('GET', '/v1/contacts/', 400, { token: t.session });
    await ok('GET', '/v1/contacts/', 401, { token: null });
    const got = await ok('GET', `/v1/contacts/${ids.alice}/`, 200);
    await ok('GET', '/v1/contacts/ctc_nope/', 404);
    await ok('PATCH', `/v1/contacts/${ids.alice}/`, 412, { body: { notes: 'stale' }, headers: { 'if-match': '"0000"' } });
    await ok('PATCH', `/v1/contacts/${ids.alice}/`, 200, { body: { notes: 'VIP' }, headers: { 'if-match': got.headers.get('etag')! } });
    const reader = await t.agent(['contacts:read']);
    await ok('POST', '/v1/contacts/', 403, { token: reader, body: { full_name: 'Nope' } });
  });

  it('contact shares between two inboxes', async () => {
    const offer = await ok('POST', '/v1/contacts/shares/', 201, { body: { type: 'offer', to_inbox_id: other.inboxId, contact_id: ids.alice } });
    await ok('GET', '/v1/contacts/shares/', 200);
    await ok('POST', `/v1/contacts/shares/${offer.body.share_id}/accept/`, 200, { token: other.agent });
    await ok('POST', `/v1/contacts/shares/${offer.body.share_id}/accept/`, 409, { token: other.agent });
    const ask = await ok('POST', '/v1/contacts/shares/', 201, { body: { type: 'request', to_inbox_id: other.inboxId, contact_address: 'carol@example.com' } });
    await ok('POST', `/v1/contacts/shares/${ask.body.share_id}/decline/`, 200, { token: other.agent });
    await ok('POST', `/v1/contacts/shares/${ask.body.share_id}/decline/`, 404);
  });

  it('context labels and their entities', async () => {
    const label = await ok('POST', '/v1/context/', 201, { body: { name: `VIP ${unique()}`, label_type: 'any', color: 'teal' } });
    ids.label = label.body.label_id;
    await ok('GET', '/v1/context/?label_type=any&limit=10', 200);
    await ok('PATCH', `/v1/context/${ids.label}/`, 200, { body: { color: '#1e90ff' } });
    await ok('POST', `/v1/context/${ids.label}/entities/`, 204, { body: { entity_type: 'contact', entity_id: ids.alice } });
    await ok('POST', `/v1/context/${ids.label}/entities/`, 404, { body: { entity_type: 'contact', entity_id: 'ctc_nope' } });
    await ok('GET', `/v1/context/${ids.label}/?limit=5`, 200);
    await ok('DELETE', `/v1/context/${ids.label}/entities/contact/${ids.alice}/`, 204);
    const spare = await ok('POST', '/v1/context/', 201, { body: { name: `Spare ${unique()}`, label_type: 'contact' } });
    await ok('DELETE', `/v1/context/${spare.body.label_id}/`, 204);
    await ok('GET', `/v1/context/${spare.body.label_id}/`, 404);
  });

  it('vCard export and import', async () => {
    if (!ops.some((o) => o.template.startsWith('/v1/contacts/export'))) return;
    const exported = await ok('GET', '/v1/contacts/export.vcf', 200);
    expect(exported.text).toContain('BEGIN:VCARD');
    const card = 'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:conformance-1\r\nFN:Dana Scully\r\nEMAIL;TYPE=work:dana@example.com\r\nEND:VCARD\r\n';
    await ok('POST', '/v1/contacts/import/', 200, { rawBody: card, contentType: 'text/vcard' });
    await refused('POST', '/v1/contacts/import/', 415, { rawBody: card, contentType: 'text/plain' });
  });
});

describe('calendar, tasks, agenda', () => {
  it('calendars', async () => {
    const list = await ok('GET', '/v1/calendar/collections/', 200);
    ids.personal = list.body.find((c: Json) => c.isDefault).id;
    const work = await ok('POST', '/v1/calendar/collections/', 201, { body: { name: 'Work', color: 'teal' } });
    ids.work = work.body.id;
    await ok('GET', `/v1/calendar/collections/${ids.work}/`, 200);
    await ok('PATCH', `/v1/calendar/collections/${ids.work}/`, 200, { body: { name: 'Work (shared)' } });
    await refused('PATCH', `/v1/calendar/collections/${ids.work}/`, 400, { body: {} });
    await ok('DELETE', `/v1/calendar/collections/${ids.personal}/`, 400);
    const feed = ops.find((o) => o.method === 'GET' && o.spec.security?.length === 0 && o.template.startsWith('/v1/calendar/'));
    if (feed && work.body.feed_url) {
      const got = await ok('GET', work.body.feed_url, 200, { token: null });
      expect(got.text).toContain('BEGIN:VCALENDAR');
      const rotate = ops.find((o) => o.method === 'POST' && /feed/.test(o.template));
      if (rotate) await ok('POST', rotate.template.replace(/\{[^}]+\}/, ids.work!), 200);
    }
  });

  it('events, occurrences, labels', async () => {
    const created = await ok('POST', '/v1/calendar/events/', 201, {
      body: {
        calendar_id: ids.personal, title: 'Standup', start: '2030-06-03T09:00:00', duration: 'PT30M', time_zone: 'Europe/Berlin',
        location: 'Room 1', participants: [{ email: 'alice@example.com', name: 'Alice Smith' }], recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=5'],
      },
    });
    ids.series = created.body.event_id;
    await refused('POST', '/v1/calendar/events/', 400, { body: { calendar_id: ids.personal, title: 'x', start: 'whenever', duration: 'PT1H' } });
    await ok('GET', '/v1/calendar/events/', 200);
    const window = await ok('GET', '/v1/calendar/events/?after=2030-06-01&before=2030-06-10&limit=2', 200);
    expect(window.body.next_cursor).toEqual(expect.any(String));
    await ok('GET', `/v1/calendar/events/?after=2030-06-01&before=2030-06-10&limit=2&cursor=${encodeURIComponent(window.body.next_cursor)}`, 200);
    const occurrence = window.body.results[1].event_id as string;
    const series = await ok('GET', `/v1/calendar/events/${ids.series}/`, 200);
    await ok('GET', `/v1/calendar/events/${occurrence}/`, 200);
    await ok('GET', `/v1/calendar/events/${ids.series}_20300603T000000Z/`, 404);
    const icsMedia = opById('getCalendarEvent').spec.responses['200'].content?.['text/calendar'];
    if (icsMedia) expect((await ok('GET', `/v1/calendar/events/${ids.series}/?format=ics`, 200)).text).toContain('BEGIN:VCALENDAR');
    await ok('PATCH', `/v1/calendar/events/${ids.series}/`, 412, { body: { title: 'Daily standup' }, headers: { 'if-match': '"stale"' } });
    await ok('PATCH', `/v1/calendar/events/${ids.series}/`, 200, { body: { title: 'Daily standup' }, headers: { 'if-match': series.headers.get('etag')! } });
    await ok('PATCH', `/v1/calendar/events/${occurrence}/`, 200, { body: { location: 'Room 2' } });
    await ok('POST', `/v1/calendar/events/${ids.series}/labels/`, 204, { body: { label_id: ids.label } });
    await ok('DELETE', `/v1/calendar/events/${ids.series}/labels/${ids.label}/`, 204);
    await ok('DELETE', `/v1/calendar/events/${occurrence}/`, 204);
    const single = await ok('POST', '/v1/calendar/events/', 201, { body: { calendar_id: ids.work, title: 'Review', start: 'tomorrow 3pm', duration: '1 hour' } });
    await ok('DELETE', `/v1/calendar/events/${single.body.event_id}/`, 204, { headers: { 'if-match': single.headers.get('etag')! } });
    const importOp = ops.find((o) => o.method === 'POST' && o.template.startsWith('/v1/calendar/events/import'));
    if (importOp) {
      const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//conformance//EN\r\nBEGIN:VEVENT\r\nUID:conformance-1@example.com\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20300610T090000Z\r\nDTEND:20300610T100000Z\r\nSUMMARY:Imported\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
      await ok('POST', `${importOp.template}?calendar_id=${ids.work}`, 200, { rawBody: ics, contentType: 'text/calendar' });
    }
    await ok('DELETE', `/v1/calendar/collections/${ids.work}/`, 204);
  });

  it('tasks, idempotency, and the agenda', async () => {
    const task = await ok('POST', '/v1/tasks/', 201, { body: { summary: 'Call Alice', due_date: '2030-06-04', categories: ['crm'] }, headers: { 'idempotency-key': `task-${unique()}` } });
    const key = `replay-${unique()}`;
    const first = await ok('POST', '/v1/tasks/', 201, { body: { summary: 'Once' }, headers: { 'idempotency-key': key } });
    const again = await ok('POST', '/v1/tasks/', 201, { body: { summary: 'Once' }, headers: { 'idempotency-key': key } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.uid).toBe(first.body.uid);
    await ok('POST', '/v1/tasks/', 409, { body: { summary: 'Twice' }, headers: { 'idempotency-key': key } });
    await ok('GET', '/v1/tasks/?include_completed=true&due_before=2031-01-01', 200);
    await refused('GET', '/v1/tasks/?include_completed=yes', 400);
    const got = await ok('GET', `/v1/tasks/${task.body.uid}/`, 200);
    await ok('PATCH', `/v1/tasks/${task.body.uid}/`, 412, { body: { completed: true }, headers: { 'if-match': '"stale"' } });
    await ok('PATCH', `/v1/tasks/${task.body.uid}/`, 200, { body: { completed: true }, headers: { 'if-match': got.headers.get('etag')! } });
    await ok('DELETE', `/v1/tasks/${first.body.uid}/`, 204);
    await ok('DELETE', `/v1/tasks/${first.body.uid}/`, 404);
    await ok('GET', '/v1/agenda/?days=7', 200);
    await ok('GET', '/v1/agenda/?days=30', 200);
    await refused('GET', '/v1/agenda/?days=31', 400);
  });
});

describe('alerts and their webhooks', () => {
  it('catalogue, alerts, test firings, deliveries — and the webhook as documented', async () => {
    await ok('GET', '/v1/events/types/', 200, { token: null });
    await ok('GET', '/v1/events/reference/', 200, { token: null });
    const key = hookKey('conformance');
    const hook = await ok('POST', '/v1/alerts/', 201, { body: { events: ['contact.any'], offset: { value: 1, unit: 'days' }, delivery: { type: 'webhook', target: hookUrl(key) } } });
    const reminder = await ok('POST', '/v1/alerts/', 201, { body: { events: ['event.created'], offset: { value: 10, unit: 'minutes' }, delivery: { type: 'task', target: 'Reminder: {title}' } } });
    await refused('POST', '/v1/alerts/', 400, { body: { events: ['nope.never'], delivery: { type: 'task', target: 'x' } } });
    await ok('GET', '/v1/alerts/', 200);
    const got = await ok('GET', `/v1/alerts/${reminder.body.id}/`, 200);
    await ok('PATCH', `/v1/alerts/${reminder.body.id}/`, 200, { body: { retries: 5 }, headers: { 'if-match': got.headers.get('etag')! } });
    const fired = await ok('POST', `/v1/alerts/${hook.body.id}/test/`, 202);
    const hooks = await received(key, 1);
    expect(hooks.length).toBeGreaterThanOrEqual(1);
    // The firing (a sample `contact.birthday`) is the documented webhook of its family.
    const firing = JSON.parse(hooks[0]!.body);
    expect(firing.type).toBe('contact.birthday');
    const name = 'contact.<type>';
    const webhook = doc.webhooks[name].post;
    expect(v.problemsOf(pointer('webhooks', name, 'post', 'requestBody', 'content', 'application/json', 'schema'), firing)).toBeNull();
    const signed = (webhook.parameters as Json[]).filter((p) => p.in === 'header');
    expect(signed.map((p) => p.name).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    for (const p of signed) {
      const value = hooks[0]!.headers[p.name];
      expect(v.problemsOf(pointer('webhooks', name, 'post', 'parameters', webhook.parameters.indexOf(p), 'schema'), value), `webhook header ${p.name}: ${value}`).toBeNull();
    }
    await ok('GET', `/v1/alerts/${hook.body.id}/deliveries/?limit=10`, 200);
    await ok('POST', `/v1/alerts/${hook.body.id}/deliveries/${fired.body.id}/redeliver/`, 202);
    await ok('POST', `/v1/alerts/${hook.body.id}/deliveries/dlv_nope/redeliver/`, 404);
    await ok('DELETE', `/v1/alerts/${reminder.body.id}/`, 412, { headers: { 'if-match': '"stale"' } });
    await ok('DELETE', `/v1/alerts/${reminder.body.id}/`, 204);
  });
});

describe('messages', () => {
  it('send, import, threads, attachments, suggested events', async () => {
    const sent = await ok('POST', '/v1/messages/', 201, { body: { to: [{ email: 'bob@example.com', name: 'Bob' }], subject: 'Proposal', text_body: 'Here it is.' } });
    await refused('POST', '/v1/messages/', 400, { body: { to: [{ email: 'nobody' }], subject: 'x', text_body: 'y' } });
    const raw = rfc5322({
      from: 'carol@example.com', to: t.address, subject: 'Slides', text: 'Attached.', date: '2030-05-01T10:00:00Z',
      attachments: [{ filename: 'notes.txt', contentType: 'text/plain', content: new TextEncoder().encode('hello') }],
    });
    const imported = await ok('POST', '/v1/messages/import/', 201, { body: { raw, direction: 'inbound' } });
    await ok('POST', '/v1/messages/import/', 200, { body: { raw, direction: 'inbound' } });
    await ok('GET', '/v1/messages/?direction=inbound&limit=10&after=2030-01-01T00:00:00Z', 200);
    await ok('GET', '/v1/messages/threads/?limit=5', 200);
    await ok('GET', `/v1/messages/threads/${sent.body.thread_id}/`, 200);
    await ok('GET', `/v1/messages/${imported.body.message_id}/`, 200);
    await ok('GET', `/v1/messages/${imported.body.message_id}/attachments/0/`, 200);
    await ok('GET', `/v1/messages/${imported.body.message_id}/attachments/7/`, 404);

    const soon = new Date(Date.now() + 2 * 86_400_000);
    const day = soon.toLocaleDateString('en-US', { month: 'long', day: 'numeric', timeZone: 'Europe/Berlin' });
    for (const subject of ['Roadmap', 'Budget']) {
      await deliverMail({ from: 'jane@example.com', fromName: 'Jane', to: t.address, subject: `Re: ${subject}`, text: `Could we do a call on ${day} at 10:00 for 45 minutes at Café Luna?` });
    }
    const inbound = (await ok('GET', '/v1/messages/?direction=inbound&limit=10', 200)).body.results as Json[];
    const bySubject = (subject: string) => inbound.find((m) => m.subject === subject)!.message_id as string;
    const [roadmap, budget] = [bySubject('Re: Roadmap'), bySubject('Re: Budget')];
    await ok('GET', `/v1/messages/${roadmap}/suggested-events/`, 200);
    await ok('GET', `/v1/messages/${imported.body.message_id}/suggested-events/`, 404);
    await ok('POST', `/v1/messages/${roadmap}/suggested-events/`, 201);
    await ok('POST', `/v1/messages/${roadmap}/suggested-events/`, 200, { body: {} });
    await ok('DELETE', `/v1/messages/${roadmap}/suggested-events/`, 409);
    await ok('DELETE', `/v1/messages/${budget}/suggested-events/`, 204);
    await ok('POST', `/v1/messages/${budget}/suggested-events/`, 409);
  });
});

describe('sequences and work routes', () => {
  it('sequences and enrollments', async () => {
    const seq = await ok('POST', '/v1/sequences/', 201, { body: { name: 'Nudge', emails: [{ delay_days: 1, subject: 'Hi', body: 'Hello' }, { delay_days: 3, subject: 'Again', body: 'Still there?' }] } });
    await ok('GET', '/v1/sequences/?limit=10', 200);
    await ok('GET', `/v1/sequences/${seq.body.sequence_id}/`, 200);
    await ok('PATCH', `/v1/sequences/${seq.body.sequence_id}/`, 200, { body: { exit_on_reply: false } });
    const enrolled = await ok('POST', '/v1/sequences/enrollments/', 201, { body: { sequence_id: seq.body.sequence_id, contact_id: ids.alice } });
    await ok('POST', '/v1/sequences/enrollments/', 409, { body: { sequence_id: seq.body.sequence_id, contact_id: ids.alice } });
    await ok('GET', `/v1/sequences/enrollments/?sequence_id=${seq.body.sequence_id}&status=active`, 200);
    await ok('GET', `/v1/sequences/enrollments/${enrolled.body.enrollment_id}/`, 200);
    await ok('PATCH', `/v1/sequences/enrollments/${enrolled.body.enrollment_id}/`, 200, { body: { action: 'cancel' } });
    await ok('DELETE', `/v1/sequences/${seq.body.sequence_id}/`, 204);
    await ok('GET', `/v1/sequences/${seq.body.sequence_id}/`, 404);
  });

  it('work routes', async () => {
    await ok('GET', '/v1/work-routes/reference/', 200, { token: null });
    const route = await ok('POST', '/v1/work-routes/', 201, {
      body: { title: 'Approve the budget', request_type: 'approval', routing_mode: 'parallel', start: false, recipients: [{ kind: 'email', email: 'eve@example.com' }] },
    });
    const id = route.body.route_id;
    await ok('GET', '/v1/work-routes/?role=creator&status=draft', 200);
    await ok('GET', `/v1/work-routes/${id}/`, 200);
    await ok('POST', `/v1/work-routes/${id}/responses/`, 409, { body: { recipient_id: route.body.recipients[0].recipient_id, decision: 'approve' } });
    await ok('POST', `/v1/work-routes/${id}/start/`, 200);
    await ok('POST', `/v1/work-routes/${id}/start/`, 409);
    await ok('POST', `/v1/work-routes/${id}/responses/`, 200, { body: { recipient_id: route.body.recipients[0].recipient_id, decision: 'approve' } });
    const second = await ok('POST', '/v1/work-routes/', 201, {
      body: { title: 'Read the policy', request_type: 'acknowledgement', routing_mode: 'ordered', recipients: [{ kind: 'inbox', inbox_id: other.inboxId }] },
    });
    await ok('POST', `/v1/work-routes/${second.body.route_id}/cancel/`, 200);
    await ok('POST', `/v1/work-routes/${id}/cancel/`, 409);
  });
});

describe('files', () => {
  it('files, versions, rows and signed links', async () => {
    await ok('GET', '/v1/files/reference/', 200, { token: null });
    const file = await ok('POST', '/v1/files/', 201, { body: { name: 'Leads.csv', file_type: 'spreadsheet', instructions: 'One row per lead.' } });
    const id = file.body.file_id;
    await ok('GET', '/v1/files/?file_type=spreadsheet', 200);
    await ok('GET', `/v1/files/${id}/`, 200);
    await ok('PATCH', `/v1/files/${id}/`, 200, { body: { instructions: 'Append new leads.' } });
    await ok('GET', `/v1/files/${id}/content/`, 404);
    await ok('POST', `/v1/files/${id}/link/`, 409);
    await ok('PUT', `/v1/files/${id}/content/`, 201, { rawBody: 'name,email\r\nAda,ada@example.com\r\n', contentType: 'text/csv' });
    const stream = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new Uint8Array([1, 2, 3])); c.close(); } });
    await refused('PUT', `/v1/files/${id}/content/`, 411, { rawBody: stream, contentType: 'text/csv' });
    const content = await ok('GET', `/v1/files/${id}/content/`, 200);
    await ok('GET', `/v1/files/${id}/content/?version=1`, 304, { headers: { 'if-none-match': content.headers.get('etag')! } });
    await refused('GET', `/v1/files/${id}/content/?version=0`, 400);
    await ok('POST', `/v1/files/${id}/rows/`, 201, { body: { rows: [{ name: 'Grace', email: 'grace@example.com' }] } });
    await ok('GET', `/v1/files/${id}/versions/?limit=10`, 200);
    const link = await ok('POST', `/v1/files/${id}/link/`, 201, { body: { expires_in_seconds: 600 } });
    await ok('POST', `/v1/files/${id}/link/`, 201);
    await ok('GET', link.body.url, 200, { token: null });
    await ok('GET', link.body.url.replace(/\/$/, 'x/'), 403, { token: null });
    const doc2 = await ok('POST', '/v1/files/', 201, { body: { name: 'Notes.md', file_type: 'document' } });
    await ok('POST', `/v1/files/${doc2.body.file_id}/rows/`, 409, { body: { rows: [{ a: 1 }] } });
    await ok('DELETE', `/v1/files/${doc2.body.file_id}/`, 204);
  });
});

describe('approvals', () => {
  it('a held write and a held read, approved and rejected', async () => {
    const writer = await t.agent(['contacts:read', 'contacts:write'], ['contacts:write'], 'held writer');
    const held = await ok('POST', '/v1/contacts/', 202, { token: writer, body: { full_name: 'Held Harriet' } });
    const reader = await t.agent(['contacts:read'], ['contacts:read'], 'held reader');
    const heldRead = await ok('GET', '/v1/contacts/?limit=5', 202, { token: reader });
    await ok('GET', '/v1/approvals/', 200);
    await ok('GET', `/v1/approvals/${held.body.approval_id}/`, 200);
    await ok('GET', '/v1/approvals/apr_nope/', 404);
    await ok('POST', `/v1/approvals/${held.body.approval_id}/approve/`, 403, { token: writer });
    await ok('POST', `/v1/approvals/${held.body.approval_id}/approve/`, 204);
    await ok('POST', `/v1/approvals/${heldRead.body.approval_id}/reject/`, 204);
    await ok('POST', `/v1/approvals/${heldRead.body.approval_id}/approve/`, 400);
  });

  it('the rest of the contacts: deleted with a precondition', async () => {
    const bob = await ok('GET', `/v1/contacts/${ids.bob}/`, 200);
    await ok('DELETE', `/v1/contacts/${ids.bob}/`, 412, { headers: { 'if-match': '"stale"' } });
    await ok('DELETE', `/v1/contacts/${ids.bob}/`, 204, { headers: { 'if-match': bob.headers.get('etag')! } });
    await ok('DELETE', `/v1/context/${ids.label}/`, 204);
  });
});

describe('the door, on documented operations', () => {
  it('413 over 1 MiB, 415 for a body that is not JSON, 404 for another inbox\'s id', async () => {
    await refused('POST', '/v1/contacts/', 413, { rawBody: `{"full_name":"${'x'.repeat(1024 * 1024)}"}`, contentType: 'application/json' });
    await refused('PATCH', `/v1/contacts/${ids.alice}/`, 415, { rawBody: 'full_name=Alice', contentType: 'application/x-www-form-urlencoded' });
    await refused('POST', '/auth/login/', 415, { token: null, rawBody: 'email=a', contentType: 'text/plain' });
    await ok('GET', `/v1/contacts/${ids.alice}/`, 404, { token: other.agent });
    // 405 belongs to no operation: the path does not serve the method (documented globally).
    const r = await call('PUT', '/v1/contacts/', { token: agent, body: {} });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
  });
});

describe('the hold, on every operation', () => {
  it('with every scope held, exactly the operations that declare 202 answer it', async () => {
    const held = await t.agent([...ALL_SCOPES], [...ALL_SCOPES], 'hold everything');
    const seen = new Map<string, number>();
    for (const r of replayable) {
      if (seen.has(r.op.id)) continue;
      const { 'idempotency-key': _key, 'if-match': _tag, ...headers } = r.req.headers ?? {};
      const answer = await send(r.method, r.url, { ...r.req, headers, token: held, expect: undefined });
      seen.set(r.op.id, answer.status);
      const declares = Boolean(r.op.spec.responses['202']);
      if (declares) expect(answer.status, `${r.op.id} declares 202 but was not held: ${answer.text.slice(0, 200)}`).toBe(202);
      else expect(answer.status, `${r.op.id} answered 202 without declaring it`).not.toBe(202);
    }
    expect([...seen.values()].filter((s) => s === 202).length).toBeGreaterThan(60);
    // The routes that take no scope are never held: a session's answer an agent 403, the utils answer.
    await ok('GET', '/v1/inboxes/', 403, { token: held });
    await ok('GET', '/v1/tokens/', 403, { token: held });
    await ok('GET', '/v1/utils/duration/?input=PT5M', 200, { token: held });
  });
});

describe('coverage', () => {
  it('every documented operation was exercised', () => {
    const missing = ops.map((o) => o.id).filter((id) => !exercised.has(id));
    expect(missing).toEqual([]);
    // And every door status the document adds was seen somewhere.
    const statuses = new Set([...exercised.values()].flatMap((s) => [...s]));
    for (const s of [200, 201, 202, 204, 304, 400, 401, 403, 404, 409, 411, 412, 413, 415]) expect(statuses.has(s), String(s)).toBe(true);
  });
});
