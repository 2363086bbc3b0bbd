// Calls through the real Worker entry, tenants to make them as, and what an answer must look like.
import { SELF } from 'cloudflare:test';

export const ADMIN = 'test-admin-token';

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Moves the service clock (X-Test-Now; only honoured because tests set ALLOW_TEST_CLOCK). */
  now?: string | Date;
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** One HTTP call through the real Worker entry (trailing-slash handling included). */
export async function call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  if (opts.now) headers['x-test-now'] = typeof opts.now === 'string' ? opts.now : opts.now.toISOString();
  const res = await SELF.fetch(`http://inbox.test${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON (docs page) */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

let seq = 0;
const unique = () => `${Date.now().toString(36)}${(seq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export interface Tenant {
  tenantId: string;
  userId: string;
  inboxId: string;
  address: string;
  email: string;
  password: string;
  session: string;
  refresh: string;
  /** An agent token for this tenant's inbox. */
  agent(scopes: string[], requiresApproval?: string[], label?: string): Promise<string>;
  /** Calls as the session, naming this inbox (query for GET/DELETE, body for writes). */
  as(token: string): (method: string, path: string, opts?: CallOptions) => Promise<Answer>;
}

/** A fresh tenant with its owner signed in: every test file works in its own tenant. */
export async function newTenant(name = 'Test'): Promise<Tenant> {
  const id = unique();
  const email = `owner-${id}@example.test`;
  const password = 'correct horse battery staple';
  const address = `agent-${id}@inbox.test`;
  const created = await call('POST', '/v1/admin/tenants/', { token: ADMIN, body: { name, owner_email: email, owner_password: password, inbox_address: address } });
  if (created.status !== 201) throw new Error(`tenant: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await call('POST', '/auth/login/', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  const t: Tenant = {
    tenantId: created.body.tenant_id,
    userId: created.body.user_id,
    inboxId: created.body.inbox_id,
    address,
    email,
    password,
    session: login.body.access_token,
    refresh: login.body.refresh_token,
    async agent(scopes, requiresApproval = [], label = 'test-agent') {
      const r = await call('POST', '/v1/tokens/', { token: t.session, body: { inbox_id: t.inboxId, label, scopes, requires_approval: requiresApproval } });
      if (r.status !== 201) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
    as(token) {
      return (method, path, opts = {}) => call(method, path, { ...opts, token });
    },
  };
  return t;
}

/** Asserts an RFC 9457 answer: problem+json with every documented field, status matching, request_id the X-Request-Id. */
export function expectProblem(r: Answer, status: number, code?: string): void {
  if (r.status !== status) throw new Error(`expected ${status}${code ? ` ${code}` : ''}, got ${r.status}: ${JSON.stringify(r.body)}`);
  if (!String(r.headers.get('content-type')).includes('application/problem+json')) throw new Error(`not problem+json: ${r.headers.get('content-type')}`);
  const b = r.body as Record<string, unknown>;
  for (const f of ['type', 'title', 'detail', 'code', 'request_id']) {
    if (typeof b?.[f] !== 'string') throw new Error(`problem field ${f} missing: ${JSON.stringify(b)}`);
  }
  if (b.status !== status) throw new Error(`problem status ${String(b.status)} ≠ ${status}`);
  if (b.request_id !== r.headers.get('x-request-id')) throw new Error(`problem request_id ${String(b.request_id)} ≠ X-Request-Id ${r.headers.get('x-request-id')}`);
  if (code !== undefined && b.code !== code) throw new Error(`expected code ${code}, got ${String(b.code)}: ${JSON.stringify(b)}`);
}

export interface Operation {
  method: string;
  /** The documented path, e.g. `/v1/contacts/{id}/`. */
  path: string;
  spec: any;
}

/** Every operation the Worker documents in /openapi.json (and the document itself). */
export async function documentedOperations(): Promise<{ doc: any; ops: Operation[] }> {
  const doc = (await call('GET', '/openapi.json')).body;
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, spec] of Object.entries<any>(item)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) ops.push({ method: method.toUpperCase(), path, spec });
    }
  }
  return { doc, ops };
}

/** A documented path with every `{param}` replaced by `fill(name)`. */
export function fillPath(path: string, fill: (name: string) => string = () => 'x'): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => fill(name));
}
