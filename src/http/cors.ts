/**
 * CORS (docs/concepts.md, docs/interchange.md): origins named by the `CORS_ORIGINS` var (or `*`) may call the API from
 * a browser. A preflight is answered here, before authentication — 204 with the allow headers
 * for a listed origin, 403 for any other, never 401 — and every other answer to a listed origin
 * (errors too) carries the headers a browser needs to read it. Tokens travel in Authorization,
 * never in cookies, so no credentials are allowed.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context';
import { ApiError } from './errors';

const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match, X-Request-Id';
const EXPOSE_HEADERS = 'ETag, Location, Retry-After, X-Request-Id, Idempotent-Replayed, Content-Disposition, Allow';
const MAX_AGE_SECONDS = '600';

export const cors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header('origin');
  if (!origin) return next();
  const allowed = c.get('config').corsOrigins;
  const listed = allowed === '*' || allowed.includes(origin.toLowerCase());
  const allowOrigin = allowed === '*' ? '*' : origin;
  if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
    if (!listed) throw new ApiError(403, 'forbidden', 'This origin may not call the API from a browser (CORS_ORIGINS).');
    return c.body(null, 204, {
      'Access-Control-Allow-Origin': allowOrigin,
      'Access-Control-Allow-Methods': ALLOW_METHODS,
      'Access-Control-Allow-Headers': ALLOW_HEADERS,
      'Access-Control-Max-Age': MAX_AGE_SECONDS,
      Vary: 'Origin',
    });
  }
  await next();
  if (!listed) return;
  c.res.headers.set('Access-Control-Allow-Origin', allowOrigin);
  c.res.headers.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  c.res.headers.append('Vary', 'Origin');
};
