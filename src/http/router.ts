import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, Handler, MiddlewareHandler } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import type { z } from '@hono/zod-openapi';
import type { AppEnv } from './context';
import { ApiError, type FieldError } from './errors';

/**
 * Every offending field, named once: zod may report a field twice (a wrong type and then a
 * length check that ran on it anyway, or two aliases of one parameter); the first says why.
 */
export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  const byPath = new Map<string, FieldError>();
  for (const i of error.issues) {
    const path = [prefix, ...i.path.map(String)].filter((p) => p !== undefined && p !== '').join('.');
    if (!byPath.has(path)) byPath.set(path, { path, message: i.message });
  }
  return [...byPath.values()];
}

type Target = 'json' | 'query' | 'param' | 'header' | 'form' | 'cookie';
const WHERE: Record<Target, string> = {
  json: 'In the body', query: 'In the query', param: 'In the path', header: 'In the headers', form: 'In the form', cookie: 'In the cookies',
};
// Query and header problems are named like body fields (`limit`, not `query.limit`), so the
// detail says where they came from: a client can tell `limit` (query) from `limit` (body).
// A path parameter that does not validate names nothing: 404.
const validationHook = (result: { success: boolean; error?: z.ZodError; target: Target }) => {
  if (!result.success && result.error) {
    if (result.target === 'param') throw ApiError.notFound();
    const errors = fieldErrors(result.error);
    throw ApiError.validation(errors, `${WHERE[result.target]}: ${errors.map((e) => `${e.path || '(all)'}: ${e.message}`).join('; ')}`);
  }
};

/**
 * Every resource router is one of these: zod-validated routes whose failures become
 * problem+json, and whose handlers first pass the approval hold (after validation, so only a
 * valid call is ever held). The hold itself is the approvals module's; app.ts puts it in the
 * context, so this layer does not depend on it.
 */
/**
 * A path under /v1/ that answers without a token: exact (with or without its trailing slash),
 * a prefix when it ends in `*`, or a pattern for a public path among private siblings.
 */
export type PublicPath = string | RegExp;

export class Router extends OpenAPIHono<AppEnv> {
  constructor() {
    super({ defaultHook: validationHook as never });
    const register = this.openapi;
    this.openapi = ((route: never, handler: Handler<AppEnv>, hook?: never) =>
      register(route, (async (c: Context<AppEnv>, next: () => Promise<void>) => {
        const held = await c.get('approvalHold')(c);
        return held ?? handler(c, next);
      }) as never, hook)) as typeof register;
  }
}

export function newRouter(): Router {
  return new Router();
}

/**
 * A method the path does not serve is a 405 whose `Allow` lists the methods it does serve, read
 * from the app's registered routes (so it can never drift from them) and matched with Hono's own
 * path semantics (a literal path wins over a parametrised one it also matches). HEAD is served wherever GET is (Hono answers it as GET without the body). An
 * unknown path passes on, to end as a 404. The table is built on the first request, once every
 * route is registered.
 */
export function methodNotAllowed(routes: () => readonly { method: string; path: string }[]): MiddlewareHandler<AppEnv> {
  let table: TrieRouter<string> | undefined;
  return async (c, next) => {
    if (!table) {
      table = new TrieRouter<string>();
      // Middleware is registered as ALL; a route names its method.
      for (const r of routes()) if (r.method !== 'ALL') table.add('ALL', r.path, `${r.method.toUpperCase()} ${r.path}`);
    }
    const matched = table.match(c.req.method, c.req.path)[0].map(([entry]) => entry.split(' ') as [string, string]);
    // A path spelled out (`/v1/messages/import/`) is that path, not an id of its parametrised
    // neighbour (`/v1/messages/{message_id}/`): its own methods are the ones it serves.
    const exact = matched.filter(([, path]) => !/[:*]/.test(path));
    const served = new Set((exact.length > 0 ? exact : matched).map(([method]) => method));
    if (served.size === 0) return next();
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    if (served.has(method)) return next();
    const allow = [...served];
    if (served.has('GET')) allow.splice(allow.indexOf('GET') + 1, 0, 'HEAD');
    throw ApiError.methodNotAllowed(c.req.method, allow);
  };
}
