import { OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { requestOrigin, type AppEnv } from './http/context';
import { loadConfig } from './config';
import { ApiError, onError, problem } from './http/errors';
import { clock, database, jsonBody, requestId, validText } from './http/middleware';
import { cors } from './http/cors';
import { methodNotAllowed } from './http/router';
import { authenticate } from './http/auth';
import { idempotency } from './http/idempotency';
import { Problem, Queued } from './http/openapi';
import { openApiDocument } from './document';
import { registerAlertWebhooks } from './alerts/webhook-docs';
import { holdForApproval } from './approvals/hold';
import { docs } from './http/docs';
import { accountsRouter } from './accounts/routes';
import { approvalsRouter } from './approvals/routes';
import { utilsRouter } from './utils/routes';
import { resourceRouters, publicPaths, rawBodyRoutes } from './routers';

/** Paths under /v1/ that answer without a token (the public references, signed file links, calendar feeds). */
const isPublic = (path: string) =>
  publicPaths.some((p) => (typeof p !== 'string' ? p.test(path) : p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p || path === p.slice(0, -1)));

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
  app.get('/docs', docs);
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

  // The alert webhooks, documented beside the routes; then the document, served with this
  // deployment's origin as its server.
  registerAlertWebhooks(app);
  app.openAPIRegistry.register('Problem', Problem);
  app.openAPIRegistry.register('Queued', Queued);
  const document = openApiDocument(app);
  app.get('/openapi.json', (c) => c.json(document(requestOrigin(c))));

  app.notFound((c) => problem(c, new ApiError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`)));
  app.onError(onError);
  return app;
}

export const app = buildApp();
