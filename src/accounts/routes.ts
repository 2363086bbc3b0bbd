import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../http/router';
import { authenticate, requireScope, requireSession, sessionOf, inboxOfTenant } from '../http/auth';
import { errorResponses, json, body } from '../http/openapi';
import { PageQuery, pageEnvelope, pageOf, pageSchema } from '../http/pagination';
import { ApiError } from '../http/errors';
import * as S from './schemas';
import * as svc from './service';

export const accountsRouter = newRouter();


accountsRouter.openapi(createRoute({
  method: 'post', path: '/v1/admin/tenants/', tags: ['Accounts'], summary: 'Create a tenant with its owner and first inbox',
  description: 'Authenticated with `Bearer <ADMIN_TOKEN>`, a deployment secret.',
  request: body(S.CreateTenant),
  responses: { 201: json(S.TenantCreated, 'Created.'), ...errorResponses },
}), async (c) => {
  if (c.get('principal').kind !== 'admin') throw new ApiError(403, 'forbidden', 'Only the admin token creates tenants.');
  return c.json(await svc.createTenant(c.get('db'), c.req.valid('json'), c.get('now')), 201);
});

accountsRouter.openapi(createRoute({
  method: 'post', path: '/auth/login/', tags: ['Accounts'], summary: 'Sign in: returns a session token', security: [],
  request: body(S.Login),
  responses: { 200: json(S.LoginResult, 'Signed in. `access_token` is the session token (`gses_…`).'), ...errorResponses },
}), async (c) => {
  const { email, password } = c.req.valid('json');
  return c.json(await svc.login(c.get('db'), email, password, c.get('now')), 200);
});

accountsRouter.openapi(createRoute({
  method: 'post', path: '/auth/refresh/', tags: ['Accounts'], summary: 'Exchange a refresh token for a new session token', security: [],
  request: body(S.Refresh),
  responses: { 200: json(S.RefreshResult, 'A new access token.'), ...errorResponses },
}), async (c) => c.json(await svc.refreshSession(c.get('db'), c.req.valid('json').refresh_token, c.get('now')), 200));

accountsRouter.openapi(createRoute({
  method: 'post', path: '/auth/logout/', tags: ['Accounts'], summary: 'Sign out: the session token stops working',
  middleware: [authenticate, requireSession],
  responses: { 204: { description: 'Signed out.' }, ...errorResponses },
}), async (c) => {
  await svc.logout(c.get('db'), sessionOf(c).sessionId, c.get('now'));
  return c.body(null, 204);
});

accountsRouter.openapi(createRoute({
  method: 'get', path: '/v1/inboxes/', tags: ['Accounts'], summary: 'List the tenant\'s inboxes',
  middleware: [requireSession],
  request: { query: PageQuery },
  responses: { 200: json(pageSchema(S.Inbox), 'Inboxes, oldest first.'), ...errorResponses },
}), async (c) => {
  const page = pageOf(c.req.valid('query'));
  const { rows, total } = await svc.listInboxes(c.get('db'), sessionOf(c).tenantId, page);
  return c.json(pageEnvelope(rows, total, page), 200);
});

accountsRouter.openapi(createRoute({
  method: 'post', path: '/v1/inboxes/', tags: ['Accounts'], summary: 'Create an inbox (with its Personal and Tasks calendars)',
  middleware: [requireSession],
  request: body(S.CreateInbox),
  responses: { 201: json(S.Inbox, 'Created.'), ...errorResponses },
}), async (c) => c.json(await svc.createInbox(c.get('db'), sessionOf(c).tenantId, c.req.valid('json'), c.get('now')), 201));

const SettingsParams = z.object({ inbox_id: z.string().openapi({ param: { name: 'inbox_id', in: 'path' }, description: 'Inbox id or address.' }) });

accountsRouter.openapi(createRoute({
  method: 'get', path: '/v1/inboxes/{inbox_id}/settings/', tags: ['Accounts'], summary: 'Read inbox settings',
  middleware: [requireScope('settings:read', { inboxParam: 'inbox_id' })],
  request: { params: SettingsParams },
  responses: { 200: json(S.Settings, 'Settings.'), ...errorResponses },
}), async (c) => c.json(svc.settingsView(c.get('inbox')), 200));

accountsRouter.openapi(createRoute({
  method: 'patch', path: '/v1/inboxes/{inbox_id}/settings/', tags: ['Accounts'], summary: 'Change inbox settings',
  middleware: [requireScope('settings:write', { inboxParam: 'inbox_id' })],
  request: { params: SettingsParams, ...body(S.PatchSettings) },
  responses: { 200: json(S.Settings, 'Settings after the change.'), ...errorResponses },
}), async (c) => c.json(await svc.updateSettings(c.get('db'), c.get('inbox'), c.req.valid('json')), 200));

accountsRouter.openapi(createRoute({
  method: 'post', path: '/v1/tokens/', tags: ['Accounts'], summary: 'Create an agent token (shown once)',
  middleware: [requireSession, requireScope(null)],
  request: body(S.CreateToken),
  responses: { 201: json(S.TokenCreated, 'Created; `token` is not shown again.'), ...errorResponses },
}), async (c) => c.json(await svc.createToken(c.get('db'), c.get('inbox'), c.req.valid('json'), c.get('now')), 201));

accountsRouter.openapi(createRoute({
  method: 'get', path: '/v1/tokens/', tags: ['Accounts'], summary: 'List active agent tokens (never the secret)',
  middleware: [requireSession],
  request: { query: z.object({ inbox_id: z.string().optional() }) },
  responses: { 200: json(z.array(S.Token), 'Tokens (a bare array).'), ...errorResponses },
}), async (c) => {
  const s = sessionOf(c);
  const ref = c.req.valid('query').inbox_id;
  const inbox = ref ? await inboxOfTenant(c, s.tenantId, ref) : null;
  return c.json(await svc.listTokens(c.get('db'), s.tenantId, inbox), 200);
});

accountsRouter.openapi(createRoute({
  method: 'delete', path: '/v1/tokens/{token_id}/', tags: ['Accounts'], summary: 'Revoke an agent token',
  middleware: [requireSession],
  request: { params: z.object({ token_id: z.string().openapi({ param: { name: 'token_id', in: 'path' } }) }) },
  responses: { 204: { description: 'Revoked.' }, ...errorResponses },
}), async (c) => {
  await svc.revokeToken(c.get('db'), sessionOf(c).tenantId, c.req.valid('param').token_id, c.get('now'));
  return c.body(null, 204);
});
