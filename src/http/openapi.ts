import { z } from '@hono/zod-openapi';
import { PROBLEM_TITLES, type ErrorCode } from './errors';

// ── What route declarations share ────────────────────────────────────────────────────────────

/** A JSON response of `schema` (route declarations). */
export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** A required JSON body of `schema`: `required` makes the validator run even without a content type. */
export const body = <T extends z.ZodTypeAny>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });

const PROBLEM_CODES = Object.keys(PROBLEM_TITLES) as [ErrorCode, ...ErrorCode[]];

export const Problem = z.object({
  type: z.string().openapi({ format: 'uri', description: '`https://inbox.example/problems/<code with dashes>`.' }),
  title: z.string(),
  status: z.number().int().min(400).max(599).openapi({ description: 'The HTTP status, repeated.' }),
  detail: z.string(),
  code: z.enum(PROBLEM_CODES).openapi({ description: 'Stable snake_case code; the guide lists them all (docs/concepts.md).' }),
  request_id: z.string().nullable().openapi({ description: 'The `X-Request-Id` of the answer.' }),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional()
    .openapi({ description: 'Validation problems: every offending field, once.' }),
  required_scope: z.string().optional().openapi({ description: '`insufficient_scope`: the scope the call needs.' }),
}).openapi('Problem', { description: 'RFC 9457 problem details.' });

/** A problem+json answer (RFC 9457) of a route declaration. */
export const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: Problem } } });

/**
 * The error answers an authenticated route can give (RFC 9457 problem+json). The finished
 * document keeps 409 only where it can happen (not on reads) and 412 only where If-Match is
 * honoured, and adds what the door answers (`finishDocument`).
 */
export const errorResponses = {
  400: problem('Invalid input (`validation_failed`, naming every field; `inbox_id_required`).'),
  401: problem('Missing, invalid, expired or revoked token (`unauthorized`).'),
  403: problem('Missing scope (`insufficient_scope`) or another inbox (`forbidden`).'),
  404: problem('Unknown id, or another inbox\'s (`not_found`).'),
  409: problem('Conflict with the resource\'s state (`conflict`); on a POST also an `Idempotency-Key` reused with another body (`idempotency_key_reused`) or still in flight (`conflict`).'),
  412: problem('If-Match does not match the current ETag (`precondition_failed`).'),
  429: problem('Rate limited (`rate_limited`); see `Retry-After`.'),
} as const;

/** Some of `errorResponses`, for a route that cannot give the others (a public one, a sign-in). */
export function errorsOf<S extends keyof typeof errorResponses>(...statuses: S[]): Pick<typeof errorResponses, S> {
  return Object.fromEntries(statuses.map((s) => [s, errorResponses[s]])) as Pick<typeof errorResponses, S>;
}

export const Queued = z.object({
  queued: z.literal(true),
  approval_id: z.string().openapi({ example: 'apr_01jd5x7k3m0000000000000000' }),
}).openapi('Queued', { description: 'The call was held for approval; approve or reject it at /v1/approvals/{approval_id}/.' });

/** Every route an agent token can be held on may also answer 202. */
export const queuedResponse = {
  202: {
    description: 'Held for approval (the token\'s `requires_approval` lists this route\'s scope); nothing was done yet.',
    content: { 'application/json': { schema: Queued } },
  },
} as const;

/** The request header of every POST under /v1/ (src/http/idempotency.ts). */
export const IdempotencyHeader = z.object({
  'idempotency-key': z.string().max(255).optional().openapi({ description: 'Replays the first response for 24 h.' }),
});

/** `If-Match` of a PATCH or DELETE whose service checks it (src/http/etag.ts). */
export const IfMatchHeader = z.object({
  'if-match': z.string().optional().openapi({ description: 'An ETag from an earlier answer (or `*`): act only if the resource still has it, else 412 `precondition_failed`.' }),
});

/**
 * Metadata for a query or path parameter that is validated as text (its regex keeps the
 * strictness and the messages: `05`, `+5` or `1e2` are refused as they always were) but means an
 * integer: the document says `integer` with its bounds, which is what a client sends.
 */
export const integerParam = (minimum: number, maximum: number, doc: { description?: string; example?: number } = {}) =>
  ({ type: 'integer' as const, minimum, maximum, pattern: undefined, ...doc });

/** Metadata for a `true` / `false` text parameter: documented as the boolean it means. */
export const booleanParam = (doc: { description?: string; example?: boolean } = {}) =>
  ({ type: 'boolean' as const, enum: undefined, ...doc });

// ── Finishing the generated document ─────────────────────────────────────────────────────────
// The registry describes what each route declares. What every route shares — the door's
// answers, the hold, idempotency, the headers every answer carries, one example per problem
// status, operation ids — is added here, once, so it cannot drift between routes.

/* The parts of an OpenAPI 3.1 document this module reads or writes (the rest passes through). */
interface Schema { [k: string]: unknown }
interface Media { schema?: Schema; example?: unknown; examples?: Record<string, { summary?: string; value: unknown }> }
interface Header { description?: string; schema?: Schema; $ref?: string; required?: boolean }
interface Answer { description: string; content?: Record<string, Media>; headers?: Record<string, Header>; $ref?: string }
interface Parameter { name?: string; in?: string; $ref?: string; [k: string]: unknown }
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, Media> };
  responses: Record<string, Answer>;
  [k: string]: unknown;
}
export interface Document {
  openapi: string;
  servers?: { url: string; description?: string }[];
  paths?: Record<string, Record<string, Operation | unknown>>;
  webhooks?: Record<string, Record<string, Operation | unknown>>;
  components?: { schemas?: Record<string, Schema>; parameters?: Record<string, unknown>; headers?: Record<string, unknown>; [k: string]: unknown };
  [k: string]: unknown;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

/** What only the app knows about its routes; the rest is read from the document. */
export interface DocumentFacts {
  /** `METHOD /path/` → operationId, where the derived name reads badly. */
  operationIds: Record<string, string>;
  /** Paths whose routes never pass the hold (session-only, admin-only or scope-less: no scope to hold on). */
  neverHeld: RegExp[];
  /** Routes whose body is bytes (src/http/middleware.ts RawBodyRoute): 411/413 instead of 413/415. */
  rawBodies: readonly { method: string; path: RegExp }[];
}

// ── operationId: derived from method and path ────────────────────────────────────────────────

/** Path segments that name an action on the resource before them, not a sub-collection. */
const ACTIONS = new Set(['approve', 'reject', 'accept', 'decline', 'start', 'cancel', 'test', 'redeliver', 'rotate', 'import', 'export']);

const words = (segment: string) => segment.split(/[-_.]/).filter(Boolean);
const capital = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
function singular(w: string): string {
  if (/ies$/.test(w)) return `${w.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|ses)es$/.test(w) || /sses$/.test(w)) return w.slice(0, -2);
  if (/[^s]s$/.test(w)) return w.slice(0, -1);
  return w;
}
/** `work-routes` → `WorkRoute` (singular) or `WorkRoutes`. */
const noun = (segment: string, one: boolean) => {
  const ws = words(segment);
  return ws.map((w, i) => capital(one && i === ws.length - 1 ? singular(w) : w)).join('');
};

/**
 * The operationId a route gets unless `facts.operationIds` names another: `list`/`create` on a
 * collection, `get`/`update`/`replace`/`delete` on an item, the action's own verb for an action
 * (`/approvals/{id}/approve/` → `approveApproval`); the nouns of the path before it, singular
 * except a listed collection's own (`/alerts/{id}/deliveries/` → `listAlertDeliveries`).
 */
export function deriveOperationId(method: string, path: string): string {
  const segments = path.split('/').filter((s) => s !== '' && s !== 'v1');
  const isParam = (s: string | undefined) => s?.startsWith('{') === true;
  const literals = segments.filter((s) => !isParam(s));
  const last = segments.at(-1);
  const m = method.toLowerCase();
  if (isParam(last)) {
    const verb = { get: 'get', patch: 'update', put: 'replace', delete: 'delete', post: 'create' }[m] ?? m;
    return verb + literals.map((s) => noun(s, true)).join('');
  }
  const action = last !== undefined && ACTIONS.has(last) ? last : undefined;
  if (action) return action + literals.slice(0, -1).map((s) => noun(s, true)).join('');
  const owners = literals.slice(0, -1).map((s) => noun(s, true)).join('');
  if (m === 'get') return `list${owners}${noun(last ?? '', false)}`;
  const verb = { post: 'create', put: 'replace', patch: 'update', delete: 'delete' }[m] ?? m;
  return verb + owners + noun(last ?? '', true);
}

// ── Examples: one problem per status, showing that status and a code it really carries ───────

const problemExample = (status: number, code: ErrorCode, detail: string, extra: Record<string, unknown> = {}) => ({
  type: `https://inbox.example/problems/${code.replace(/_/g, '-')}`,
  title: PROBLEM_TITLES[code],
  status,
  detail,
  code,
  request_id: 'req_01jd5x7k3m0000000000000000',
  ...extra,
});

const PROBLEM_EXAMPLES: Record<number, Record<string, { summary: string; value: Record<string, unknown> }>> = {
  400: {
    validation_failed: {
      summary: 'A field does not validate',
      value: problemExample(400, 'validation_failed', 'In the body: emails.0.address: must be an email address', { errors: [{ path: 'emails.0.address', message: 'must be an email address' }] }),
    },
    inbox_id_required: { summary: 'A session token names no inbox', value: problemExample(400, 'inbox_id_required', 'Name the inbox with inbox_id (its id or address).') },
  },
  401: { unauthorized: { summary: 'No valid token', value: problemExample(401, 'unauthorized', 'Missing or invalid bearer token.') } },
  403: {
    insufficient_scope: {
      summary: 'The token lacks the scope',
      value: problemExample(403, 'insufficient_scope', 'This call needs the contacts:write scope.', { required_scope: 'contacts:write' }),
    },
    forbidden: { summary: 'Another inbox', value: problemExample(403, 'forbidden', 'This token is bound to another inbox.') },
  },
  404: { not_found: { summary: 'Unknown or another inbox\'s id', value: problemExample(404, 'not_found', 'Contact not found.') } },
  409: {
    conflict: { summary: 'The resource\'s state does not allow it', value: problemExample(409, 'conflict', 'The share was decided already, or has expired.') },
    idempotency_key_reused: {
      summary: 'Idempotency-Key sent again with another body',
      value: problemExample(409, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body.'),
    },
  },
  411: { length_required: { summary: 'No Content-Length on an upload', value: problemExample(411, 'length_required', 'Send the upload with a Content-Length.') } },
  412: {
    precondition_failed: {
      summary: 'If-Match names an old version',
      value: problemExample(412, 'precondition_failed', 'The resource has changed since you read it (If-Match does not match its ETag).'),
    },
  },
  413: { payload_too_large: { summary: 'Body over the limit', value: problemExample(413, 'payload_too_large', 'Request bodies are limited to 1048576 bytes.') } },
  415: { unsupported_media_type: { summary: 'A body that is not JSON', value: problemExample(415, 'unsupported_media_type', 'Send the body as application/json.') } },
  429: { rate_limited: { summary: 'Over the limit', value: problemExample(429, 'rate_limited', 'Too many requests for this token; retry in 12 s.') } },
  502: {
    send_failed: {
      summary: 'The mail service refused the message',
      value: problemExample(502, 'send_failed', 'The mail service refused the message.', { message_id: 'msg_01jd5x7k3m0000000000000000', thread_id: 'thr_01jd5x7k3m0000000000000000' }),
    },
  },
  503: {
    service_unavailable: {
      summary: 'Not configured on this deployment',
      value: problemExample(503, 'service_unavailable', 'Signed links are not configured on this deployment (FILE_LINK_SECRET).'),
    },
  },
};

// ── What the door and the shared middleware answer ───────────────────────────────────────────

const ref = (kind: 'parameters' | 'headers' | 'responses', name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** A fresh problem answer of the finished document (JSON, not zod: it is added after generation). */
const problemAnswer = (description: string): Answer => ({
  description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const ADDED_ANSWERS: Record<number, string> = {
  202: queuedResponse[202].description,
  400: errorResponses[400].description,
  409: errorResponses[409].description,
  411: 'An upload without `Content-Length` (`length_required`).',
  413: 'The body is over its limit (`payload_too_large`): 1 MiB for JSON (an upload has its own), judged by `Content-Length` before reading or once the limit has been read.',
  415: 'A non-empty body that is not `application/json` (`unsupported_media_type`).',
};

/** Adds answer `status` unless the route declared it. */
function ensure(responses: Record<string, Answer>, status: number): void {
  if (responses[status]) return;
  responses[status] = status === 202
    ? { description: ADDED_ANSWERS[202]!, content: { 'application/json': { schema: { $ref: '#/components/schemas/Queued' } } } }
    : problemAnswer(ADDED_ANSWERS[status]!);
}

const components = {
  parameters: {
    IdempotencyKey: {
      name: 'Idempotency-Key', in: 'header', required: false,
      description: 'Any POST under /v1/: a retry with the same key and the same body within 24 hours replays the first answer (with `Idempotent-Replayed: true`) instead of acting again; the same key with another body is a 409 `idempotency_key_reused`, and one still being processed a 409 `conflict`. At most 255 characters (else 400). Keys are per token (per tenant for sessions).',
      schema: { type: 'string', maxLength: 255 },
      example: '5f7c1e1a-8d53-4c3e-9a52-0d6c2b1e7f00',
    },
  },
  headers: {
    RequestId: { description: 'Echoes the request\'s `X-Request-Id` (1–200 printable ASCII characters), else a new `req_…` id; the same as a problem\'s `request_id`.', schema: { type: 'string' } },
    RetryAfter: { description: 'Seconds until the limit resets.', schema: { type: 'integer', minimum: 1 } },
    IdempotentReplayed: { description: '`true` when this is the stored answer of an earlier call with the same `Idempotency-Key`.', schema: { type: 'string', enum: ['true'] } },
  },
};

const isParamNamed = (p: Parameter, name: string, where: string) => p.in === where && String(p.name).toLowerCase() === name.toLowerCase();

/** Fills `{param}` with a plain segment, so a documented path can be matched like a request path. */
const samplePath = (path: string) => path.replace(/\{[^}]+\}/g, 'x');

function finishOperation(path: string, method: Method, op: Operation, facts: DocumentFacts): void {
  const key = `${method.toUpperCase()} ${path}`;
  op.operationId = facts.operationIds[key] ?? op.operationId ?? deriveOperationId(method, path);
  const responses = op.responses;
  const isPublic = Array.isArray(op.security) && op.security.length === 0;
  const params = op.parameters ?? [];

  // Idempotency (src/http/idempotency.ts): every authenticated POST under /v1/.
  if (method === 'post' && path.startsWith('/v1/') && !isPublic) {
    op.parameters = params.filter((p) => !isParamNamed(p, 'idempotency-key', 'header'));
    op.parameters.push(ref('parameters', 'IdempotencyKey'));
    ensure(responses, 409);
    for (const [status, answer] of Object.entries(responses)) {
      if (status.startsWith('2')) answer.headers = { ...answer.headers, 'Idempotent-Replayed': ref('headers', 'IdempotentReplayed') };
    }
  }
  // Header names as RFC 9110 spells them (zod declares them lower-case, as Hono reads them).
  for (const p of op.parameters ?? []) if (p.in === 'header' && typeof p.name === 'string') p.name = p.name.split('-').map(capital).join('-');
  if (op.parameters?.length === 0) delete op.parameters;

  // The hold (src/approvals/hold.ts): any route with a scope, reads included.
  if (!isPublic && !facts.neverHeld.some((re) => re.test(path))) ensure(responses, 202);

  // Exactness: no conflict on a read, no precondition where If-Match is not honoured.
  if (method === 'get') delete responses[409];
  if (!(op.parameters ?? []).some((p) => isParamNamed(p, 'if-match', 'header'))) delete responses[412];

  // The door (src/http/middleware.ts): every answer may be a 400 (a query parameter that is not
  // valid text, a malformed Content-Length); a body is read on POST, PUT and PATCH.
  ensure(responses, 400);
  if (method === 'post' || method === 'put' || method === 'patch') {
    const raw = facts.rawBodies.some((r) => r.method.toLowerCase() === method && r.path.test(samplePath(path)));
    ensure(responses, 413);
    ensure(responses, raw ? 411 : 415);
  }

  for (const [status, answer] of Object.entries(responses)) {
    if (answer.$ref) continue;
    answer.headers = { ...answer.headers, 'X-Request-Id': ref('headers', 'RequestId') };
    if (status === '429') answer.headers['Retry-After'] = ref('headers', 'RetryAfter');
    const media = answer.content?.['application/problem+json'];
    const examples = { ...PROBLEM_EXAMPLES[Number(status)] };
    // Only a POST can reuse an Idempotency-Key.
    if (method !== 'post') delete examples.idempotency_key_reused;
    if (media && Object.keys(examples).length > 0 && media.example === undefined && media.examples === undefined) media.examples = examples;
  }
  // Keep statuses in order, as a reader scans them.
  op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The served document: what the registry generated, finished with what every route shares.
 * Mutates and returns `doc` (a fresh object from the generator).
 */
export function finishDocument(doc: Document, facts: DocumentFacts): Document {
  doc.components ??= {};
  doc.components.parameters = { ...doc.components.parameters, ...components.parameters };
  doc.components.headers = { ...doc.components.headers, ...components.headers };
  const tags = (doc.tags ?? []) as { name: string }[];
  doc.tags = tags;
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      finishOperation(path, method, op, facts);
      // A tag a route names but the app does not describe is still declared.
      for (const tag of (op.tags ?? []) as string[]) if (!tags.some((t) => t.name === tag)) tags.push({ name: tag });
    }
  }
  return doc;
}
