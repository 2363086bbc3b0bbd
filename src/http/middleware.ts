import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context';
import { ApiError } from './errors';
import { newId } from './ids';
import { openDb } from '../db/client';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Postgres text cannot hold NUL; refuse it at the door so no query ever sees it. An id with NUL
 * names nothing (404); a query parameter with NUL is a 400 naming the parameter.
 */
export const noNulCharacters: MiddlewareHandler<AppEnv> = async (c, next) => {
  const url = new URL(c.req.url);
  if (/%00/i.test(url.pathname)) throw ApiError.notFound();
  if (/%00/i.test(url.search)) {
    const bad = [...url.searchParams].filter(([k, v]) => k.includes('\0') || v.includes('\0')).map(([k]) => k.replace(/\0/g, ''));
    throw ApiError.validation(bad.map((path) => ({ path, message: 'must not contain NUL characters' })));
  }
  await next();
};

/** Paths of every string (or key) in a parsed JSON value that holds a NUL character. */
function nulPaths(value: unknown, path: string[] = [], out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('\0')) out.push(path.join('.'));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulPaths(v, [...path, String(i)], out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\0')) out.push([...path, k.replace(/\0/g, '')].join('.'));
      else nulPaths(v, [...path, k], out);
    }
  }
  return out;
}

export const requestId: MiddlewareHandler<AppEnv> = async (c, next) => {
  const given = c.req.header('x-request-id');
  const id = given && /^[\x21-\x7e]{1,200}$/.test(given) ? given : newId('req');
  c.set('requestId', id);
  await next();
  c.res.headers.set('X-Request-Id', id);
};

/** The service clock. Tests (and only tests: ALLOW_TEST_CLOCK) may set it with X-Test-Now. */
export const clock: MiddlewareHandler<AppEnv> = async (c, next) => {
  let now = new Date();
  const forced = c.env.ALLOW_TEST_CLOCK === 'true' ? c.req.header('x-test-now') : undefined;
  if (forced) {
    const d = new Date(forced);
    if (Number.isNaN(d.getTime())) throw ApiError.field('X-Test-Now', 'must be an ISO 8601 instant');
    now = d;
  }
  c.set('now', now);
  await next();
};

/** Opens the request's database pool lazily-cheaply (no socket until the first query). */
export const database: MiddlewareHandler<AppEnv> = async (c, next) => {
  const handle = openDb(c.env);
  c.set('db', handle.db);
  try {
    await next();
  } finally {
    const closing = handle.close().catch(() => {});
    try {
      c.executionCtx.waitUntil(closing);
    } catch {
      await closing; // no execution context (direct app.request in scripts)
    }
  }
};

function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Reads and checks the body once, before auth, so every route sees the same answers:
 * 413 over 1 MiB, 415 for a non-JSON body, 400 for malformed JSON.
 */
export const jsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD' || method === 'DELETE' || method === 'OPTIONS') return next();
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, 'payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  const raw = await c.req.raw.clone().arrayBuffer();
  if (raw.byteLength > MAX_BODY_BYTES) throw new ApiError(413, 'payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  if (raw.byteLength === 0) {
    c.set('body', undefined);
    return next();
  }
  if (!isJson(c.req.header('content-type'))) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw);
  } catch {
    throw ApiError.badRequest('The body is not valid UTF-8.');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw ApiError.badRequest('The body is not valid JSON.');
  }
  const withNul = nulPaths(body);
  if (withNul.length) throw ApiError.validation(withNul.map((path) => ({ path, message: 'must not contain NUL characters' })));
  c.set('body', body);
  await next();
};
