import { hexEscapedBytes } from '../formats/hex-escapes';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context';
import { ApiError, type FieldError } from './errors';
import { newId } from './ids';
import { openDb } from '../db/client';

export const MAX_BODY_BYTES = 1024 * 1024;
/** How deep a JSON body may nest (objects and arrays); deeper is a 400. */
export const MAX_JSON_DEPTH = 64;

// ── The one rule for text ──────────────────────────────────────────────────────────────────
// Postgres text holds neither NUL nor an unpaired UTF-16 surrogate (the driver would store the
// latter as U+FFFD, silently changing the value). Every string that enters — JSON body values
// and keys, query parameter names and values — passes `textFault`, through `invalidText`.

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNPAIRED_SURROGATES = new RegExp(UNPAIRED_SURROGATE.source, 'g');

/** Why `s` cannot be accepted as text, or null when it can. */
export function textFault(s: string): string | null {
  if (s.includes('\0')) return 'must not contain NUL characters';
  if (UNPAIRED_SURROGATE.test(s)) return 'must not contain unpaired surrogates';
  return null;
}

/** A key as it can be shown in an error path (NUL dropped, lone surrogates as U+FFFD). */
const printable = (key: string) => key.replace(/\0/g, '').replace(UNPAIRED_SURROGATES, '\ufffd');

const tooDeep = (path: string[]) =>
  ApiError.validation([{ path: path.join('.'), message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` }]);

/**
 * Every field of a parsed JSON value (or of a query) whose text `textFault` refuses, in document
 * order; a key with a fault is named (and its value not walked further). Walks with an explicit
 * stack, so no input can exhaust the call stack; a container nested deeper than `maxDepth`
 * throws a 400 naming where.
 */
export function invalidText(root: unknown, basePath: string[] = [], maxDepth = MAX_JSON_DEPTH): FieldError[] {
  type Item = { value: unknown; path: string[]; badKey?: string };
  const errors: FieldError[] = [];
  const stack: Item[] = [{ value: root, path: basePath }];
  while (stack.length > 0) {
    const { value, path, badKey } = stack.pop()!;
    if (badKey !== undefined) {
      errors.push({ path: path.join('.'), message: badKey });
      continue;
    }
    if (typeof value === 'string') {
      const fault = textFault(value);
      if (fault) errors.push({ path: path.join('.'), message: fault });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length - basePath.length >= maxDepth) throw tooDeep(path);
    const children: Item[] = [];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) children.push({ value: value[i], path: [...path, String(i)] });
    } else {
      for (const [k, v] of Object.entries(value)) {
        const fault = textFault(k);
        children.push(fault ? { value: undefined, path: [...path, printable(k)], badKey: fault } : { value: v, path: [...path, k] });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return errors;
}

/**
 * Decodes one query component like URLSearchParams does (`+` is a space, `%XX` a byte, a stray
 * `%` itself), except that bytes which are not UTF-8 are refused (null) instead of being
 * replaced by U+FFFD.
 */
function decodeQueryComponent(s: string): string | null {
  const plus = s.replace(/\+/g, ' ');
  if (!plus.includes('%')) return plus;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(hexEscapedBytes(plus, '%'));
  } catch {
    return null;
  }
}

/**
 * Text is checked at the door so no query ever sees what Postgres cannot store. An id with NUL
 * (or bytes that are not UTF-8) names nothing (404); a query parameter with NUL, an unpaired
 * surrogate or bytes that are not UTF-8 is a 400 naming the parameter.
 */
export const validText: MiddlewareHandler<AppEnv> = async (c, next) => {
  const url = new URL(c.req.url);
  if (/%00/i.test(url.pathname) || decodeQueryComponent(url.pathname) === null) throw ApiError.notFound();
  const errors: FieldError[] = [];
  for (const part of url.search.slice(1).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const name = decodeQueryComponent(rawName);
    const value = eq < 0 ? '' : decodeQueryComponent(part.slice(eq + 1));
    const shown = printable(name ?? new URLSearchParams(`${rawName}=`).keys().next().value ?? rawName);
    if (name === null || value === null) errors.push({ path: shown, message: 'must be valid UTF-8' });
    else if (textFault(name)) errors.push({ path: shown, message: textFault(name)! });
    else errors.push(...invalidText(value, [name]));
  }
  if (errors.length) throw ApiError.validation(errors);
  await next();
};

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
  const forced = c.get('config').allowTestClock ? c.req.header('x-test-now') : undefined;
  if (forced) {
    const d = new Date(forced);
    if (Number.isNaN(d.getTime())) throw ApiError.field('X-Test-Now', 'must be an ISO 8601 instant');
    now = d;
  }
  c.set('now', now);
  await next();
};

/** The request's database handle (src/db/client.ts): HTTP statements; a Pool only if a transaction opens one, closed after. */
export const database: MiddlewareHandler<AppEnv> = async (c, next) => {
  const handle = openDb(c.get('config'));
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

/** Hands the text already read to Hono, so route validators parse it instead of re-reading the stream. */
function cacheText(c: Context<AppEnv>, text: string): void {
  (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
}

const tooLarge = () => new ApiError(413, 'payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);

/**
 * The declared body length: undefined when not sent, a 400 when it is not one non-negative
 * decimal integer (RFC 9110 §8.6; a list of equal values is allowed).
 */
export function declaredLength(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const values = header.split(',').map((v) => v.trim());
  if (!values.every((v) => /^\d{1,16}$/.test(v)) || new Set(values.map(Number)).size !== 1) {
    throw ApiError.field('Content-Length', 'must be a non-negative integer');
  }
  return Number(values[0]);
}

/**
 * Reads a body stream, but never more than `limit` + 1 bytes: past the limit the stream is
 * cancelled and the call is a 413, however much the client meant to send.
 */
export async function readCapped(stream: ReadableStream<Uint8Array> | null, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** A route whose body is bytes, not JSON (a file upload): streamed by its handler, never read here. */
export interface RawBodyRoute {
  method: string;
  path: RegExp;
  maxBytes: number;
}

/**
 * Reads and checks the body once, before auth, so every route sees the same answers:
 * 413 over 1 MiB (by Content-Length before reading, else while reading), 400 for a malformed
 * Content-Length, 415 for a non-JSON body, 400 for malformed JSON, for JSON nested deeper than
 * 64 levels and for text Postgres cannot hold. The route validators read the same parsed text.
 * A raw-body route's body is left unread; it must declare its length (411) within its own
 * limit (413), so nothing is streamed that would be refused.
 */
export function jsonBody(rawRoutes: readonly RawBodyRoute[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const declared = declaredLength(c.req.header('content-length'));
    const method = c.req.method;
    c.set('rawBodyLength', null);
    if (method === 'GET' || method === 'HEAD' || method === 'DELETE' || method === 'OPTIONS') return next();
    const raw = rawRoutes.find((r) => r.method === method && r.path.test(c.req.path));
    if (raw) {
      if (declared === undefined) throw new ApiError(411, 'length_required', 'Send the upload with a Content-Length.');
      if (declared > raw.maxBytes) throw new ApiError(413, 'payload_too_large', `Uploads are limited to ${raw.maxBytes} bytes.`);
      c.set('body', undefined);
      c.set('rawBodyLength', declared);
      return next();
    }
    if (declared !== undefined && declared > MAX_BODY_BYTES) throw tooLarge();
    const bytes = await readCapped(c.req.raw.body);
    if (bytes.byteLength === 0) {
      c.set('body', undefined);
      cacheText(c, '');
      return next();
    }
    if (!isJson(c.req.header('content-type'))) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      throw ApiError.badRequest('The body is not valid UTF-8.');
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw ApiError.badRequest('The body is not valid JSON.');
    }
    const invalid = invalidText(body);
    if (invalid.length) throw ApiError.validation(invalid);
    c.set('body', body);
    cacheText(c, text);
    await next();
  };
}
