import { OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './http/context';
import { loadConfig } from './config';
import { ApiError, onError, problem } from './http/errors';
import { clock, database, jsonBody, requestId, validText } from './http/middleware';
import { cors } from './http/cors';
import { methodNotAllowed } from './http/router';
import { authenticate } from './http/auth';
import { idempotency } from './http/idempotency';
import { holdForApproval } from './approvals/hold';
import { docsPage } from './http/docs';
import { accountsRouter } from './accounts/routes';
import { approvalsRouter } from './approvals/routes';
import { utilsRouter } from './utils/routes';
import { resourceRouters, publicPaths, rawBodyRoutes } from './routers';

/** Paths under /v1/ that answer without a token (the public references, signed file links). */
const isPublic = (path: string) =>
  publicPaths.some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p || path === p.slice(0, -1)));

const authenticateV1: MiddlewareHandler<AppEnv> = (c, next) => (isPublic(c.req.path) ? next() : authenticate(c, next));

export function buildApp() {
  const app = new OpenAPIHono<AppEnv>();
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http', scheme: 'bearer',
    description: 'Agent token (`gent_…`), session token (`gses_…`), or the admin token for /v1/admin/.',
  });

  // The approval mechanism, wired explicitly: the hold every resource handler passes, and the
  // way back into this app that an approved call is replayed through.
  app.use('*', async (c, next) => {
    c.set('config', loadConfig(c.env));
    c.set('approvalHold', holdForApproval);
    c.set('dispatch', async (request, env) => app.fetch(request, env, c.executionCtx));
    await next();
  });
  app.use('*', requestId, cors, methodNotAllowed(() => app.routes), validText, clock);
  app.get('/docs', (c) => c.html(docsPage()));
  app.use('*', database, jsonBody(rawBodyRoutes));
  app.use('/v1/*', authenticateV1, idempotency);

  app.get('/health', async (c) => {
    try {
      await c.get('db').execute(sql`SELECT 1`);
      return c.json({ status: 'ok', database: 'ok' });
    } catch {
      return c.json({ status: 'degraded', database: 'unreachable' }, 503);
    }
  });

  for (const router of [accountsRouter, approvalsRouter, utilsRouter, ...resourceRouters]) app.route('/', router);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Agent Inbox Records API',
      version: '1.0.0',
      description: [
        'Contacts, calendars, tasks, agenda and alerts of an AI agent\'s inbox. Every path also answers without its trailing slash. Errors are RFC 9457 problem+json.',
        'At the door, before authentication: a method a path does not serve is a 405 `method_not_allowed` with `Allow` (HEAD is served wherever GET is); a body over 1 MiB is a 413 (by `Content-Length` when sent, else once 1 MiB has been read); a malformed `Content-Length` is a 400; JSON nested deeper than 64 levels is a 400.',
        'Text must be valid: a string (or key) holding NUL or an unpaired UTF-16 surrogate, in the body or the query, is a 400 naming the field; a query parameter whose percent-encoded bytes are not UTF-8 is a 400 naming it; a path segment that is not valid text names nothing (404).',
      ].join('\n\n'),
    },
    security: [{ bearer: [] }],
  });

  app.notFound((c) => problem(c, new ApiError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`)));
  app.onError(onError);
  return app;
}

export const app = buildApp();
