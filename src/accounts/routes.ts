import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../http/router';
import { authenticate, requireScope, requireSession, sessionOf, inboxOfTenant } from '../http/auth';
import { errorResponses, errorsOf, json, body } from '../http/openapi';
import { PageQuery, pageEnvelope, pageOf, pageSchema } from '../http/pagination';
import { ApiError } from '../http/errors';
import { InboxQuery, patchBody, withInbox } from '../http/fields';
import * as S from './schemas';
import * as svc from './service';
import { THROTTLE, clientAddress } from './throttle';

export const accountsRouter = newRouter();

const minutes = THROTTLE.windowMs / 60_000;
const LOGIN_THROTTLE_DOC = [
  'Wrong credentials and unknown emails answer alike (401 `unauthorized`).',
  '',
  `**Throttling.** Attempts are counted per account (the email, trimmed and lower-cased, whether or not such a user exists) and per client address (\`CF-Connecting-IP\`; IPv6 by its /64; requests without the header share one bucket), in fixed ${minutes}-minute windows. After ${THROTTLE.loginPerAccount} failed attempts for an account, or ${THROTTLE.loginPerAddress} from an address, within a window, every further attempt — **including one with the right password** — answers 429 \`rate_limited\` with \`Retry-After\` (seconds until the window ends), without the password being checked. Known and unknown emails are throttled identically. A successful sign-in clears the account's count and does not count against the address.`,
].join('\n');
const REFRESH_THROTTLE_DOC = `Failed refreshes are throttled per client address: after ${THROTTLE.refreshPerAddress} within a ${minutes}-minute window, further attempts (a valid refresh token included) answer 429 \`rate_limited\` with \`Retry-After\` until the window ends. A successful refresh does not count.`;


accountsRouter.openapi(createRoute({
  method: 'post', path: '/v1/admin/tenants/', tags: ['Accounts'], summary: 'Create a tenant with its owner and first inbox',
  description: 'Authenticated with `Bearer <ADMIN_TOKEN>`, a deployment secret.',
  request: body(S.CreateTenant),
  responses: { 201: json(S.TenantCreated, 'Created.'), ...errorsOf(400, 401, 403, 409) },
}), async (c) => {
  if (c.get('principal').kind !== 'admin') throw new ApiError(403, 'forbidden', 'Only the admin token creates tenants.');
  return c.json(await svc.createTenant(c.get('db'), c.req.valid('json'), c.get('now')), 201);
});

accountsRouter.openapi(createRoute({
  method: 'post', path: '/auth/login/', tags: ['Accounts'], summary: 'Sign in: returns a session token', security: [],
  description: LOGIN_THROTTLE_DOC,
  request: body(S.Login),
  responses: {
    200: json(S.LoginResult, 'Signed in. `access_token` is the session token (`gses_…`).'),
    ...errorsOf(400, 401),
    429: { ...errorResponses[429], description: 'Too many failed sign-ins for this account or from this address (`rate_limited`); `Retry-After` gives the seconds until the window ends.' },
  },
}), async (c) => {
  const { email, password } = c.req.valid('json');
  return c.json(await svc.login(c.get('db'), email, password, c.get('now'), clientAddress(c.req.header('cf-connecting-ip'))), 200);
});

accountsRouter.openapi(createRoute({
  method: 'post', path: '/auth/refresh/', tags: ['Accounts'], summary: 'Exchange a refresh token for a new session token', security: [],
  description: REFRESH_THROTTLE_DOC,
  request: body(S.Refresh),
  responses: {
    200: json(S.RefreshResult, 'A new access token.'),
    ...errorsOf(400, 401),
    429: { ...errorResponses[429], description: 'Too many failed refreshes from this address (`rate_limited`); see `Retry-After`.' },
  },
}), async (c) => c.json(await svc.refreshSession(c.get('db'), c.req.valid('json').refresh_token, c.get('now'), clientAddress(c.req.header('cf-connecting-ip'))), 200));

accountsRouter.openapi(createRoute({
  method: 'post', path: '/auth/logout/', tags: ['Accounts'], summary: 'Sign out: the session token stops working',
  description: 'Revokes the session the token belongs to: it answers 401 from now on. Needs a session token (anything else is a 403).',
  middleware: [authenticate, requireSession],
  responses: { 204: { description: 'Signed out.' }, ...errorsOf(400, 401, 403, 429) },
}), async (c) => {
  await svc.logout(c.get('db'), sessionOf(c).sessionId, c.get('now'));
  return c.body(null, 204);
});

accountsRouter.openapi(createRoute({
  method: 'get', path: '/v1/inboxes/', tags: ['Accounts'], summary: 'List the tenant\'s inboxes',
  description: 'Every inbox of the signed-in user\'s tenant, oldest first, paged. Needs a session token.',
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
  description: 'A new inbox of the tenant at `address`, with its default `Personal` calendar and its `Tasks` calendar. An address already taken is a 409. Needs a session token.',
  middleware: [requireSession],
  request: body(S.CreateInbox),
  responses: { 201: json(S.Inbox, 'Created.'), ...errorResponses },
}), async (c) => c.json(await svc.createInbox(c.get('db'), sessionOf(c).tenantId, c.req.valid('json'), c.get('now')), 201));

const SettingsParams = z.object({ inbox_id: z.string().openapi({ param: { name: 'inbox_id', in: 'path' }, description: 'Inbox id or address.' }) });

accountsRouter.openapi(createRoute({
  method: 'get', path: '/v1/inboxes/{inbox_id}/settings/', tags: ['Accounts'], summary: 'Read inbox settings',
  description: 'The inbox named in the path (id or address): time zone, anniversary alert time, leap day policy, missed-reply threshold. Another tenant\'s inbox, or for an agent token another inbox, is a 404.',
  middleware: [requireScope('settings:read', { inboxParam: 'inbox_id' })],
  request: { params: SettingsParams },
  responses: { 200: json(S.Settings, 'Settings.'), ...errorResponses },
}), async (c) => c.json(svc.settingsView(c.get('inbox')), 200));

accountsRouter.openapi(createRoute({
  method: 'patch', path: '/v1/inboxes/{inbox_id}/settings/', tags: ['Accounts'], summary: 'Change inbox settings',
  description: 'Every field optional, but at least one (an empty body is a 400). An unknown time zone is a 400.',
  middleware: [requireScope('settings:write', { inboxParam: 'inbox_id' })],
  request: { params: SettingsParams, ...body(patchBody(S.PatchSettings, 'PatchInboxSettings', { inboxInPath: true })) },
  responses: { 200: json(S.Settings, 'Settings after the change.'), ...errorResponses },
}), async (c) => c.json(await svc.updateSettings(c.get('db'), c.get('inbox'), c.req.valid('json')), 200));

accountsRouter.openapi(createRoute({
  method: 'post', path: '/v1/tokens/', tags: ['Accounts'], summary: 'Create an agent token (shown once)',
  description: 'A token bound to `inbox_id` with `scopes`, where calls needing a scope listed in `requires_approval` are held for approval. The secret (`gent_…`) is in this answer only. Needs a session token.',
  middleware: [requireSession, requireScope(null)],
  request: body(withInbox(S.CreateToken, 'CreateToken', { required: true })),
  responses: { 201: json(S.TokenCreated, 'Created; `token` is not shown again.'), ...errorResponses },
}), async (c) => c.json(await svc.createToken(c.get('db'), c.get('inbox'), c.req.valid('json'), c.get('now')), 201));

accountsRouter.openapi(createRoute({
  method: 'get', path: '/v1/tokens/', tags: ['Accounts'], summary: 'List active agent tokens (never the secret)',
  description: 'Tokens not revoked, oldest first, of one inbox (`inbox_id`) or of every inbox of the tenant. Needs a session token.',
  middleware: [requireSession],
  request: { query: z.object({ inbox_id: InboxQuery.shape.inbox_id.openapi({ description: 'Only the tokens of this inbox (id or address); without it, every inbox of the tenant.' }) }) },
  responses: { 200: json(z.array(S.Token), 'Tokens (a bare array).'), ...errorResponses },
}), async (c) => {
  const s = sessionOf(c);
  const ref = c.req.valid('query').inbox_id;
  const inbox = ref ? await inboxOfTenant(c, s.tenantId, ref) : null;
  return c.json(await svc.listTokens(c.get('db'), s.tenantId, inbox), 200);
});

accountsRouter.openapi(createRoute({
  method: 'delete', path: '/v1/tokens/{token_id}/', tags: ['Accounts'], summary: 'Revoke an agent token',
  description: 'The token answers 401 from now on. An unknown, already revoked or another tenant\'s token is a 404. Needs a session token.',
  middleware: [requireSession],
  request: { params: z.object({ token_id: z.string().openapi({ param: { name: 'token_id', in: 'path' } }) }) },
  responses: { 204: { description: 'Revoked.' }, ...errorResponses },
}), async (c) => {
  await svc.revokeToken(c.get('db'), sessionOf(c).tenantId, c.req.valid('param').token_id, c.get('now'));
  return c.body(null, 204);
});
