import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { newRouter } from '../http/router';
import { requireScope } from '../http/auth';
import { serviceContext, type AppEnv } from '../http/context';
import { errorResponses, IdempotencyHeader, queuedResponse, json, body } from '../http/openapi';
import { pageEnvelope, pageOf, pageSchema } from '../http/pagination';
import { InboxQuery, withInbox } from '../http/fields';
import { parseStart } from '../calendar/schedule';
import type { SendContext } from '../mail/send';
import { DEFAULT_PHRASES } from './decide';
import * as S from './schemas';
import * as svc from './service';

export const workRoutesRouter = newRouter();

/** The public reference (no token). */
export const workRoutesPublicPaths: string[] = ['/v1/work-routes/reference/'];

const TAGS = ['Work routes'];
const sending = (c: Context<AppEnv>): SendContext => ({ ...serviceContext(c), mailer: c.env.EMAIL });

workRoutesRouter.openapi(createRoute({
  method: 'get', path: '/v1/work-routes/reference/', tags: TAGS, summary: 'Request types, routing modes, statuses and decisions', security: [],
  description: 'Public (no token): what a work route can be, and the decisions each request type takes.',
  responses: { 200: json(S.RouteReference, 'The reference.') },
}), (c) => c.json({
  version: '1', resource: 'work_routes' as const,
  request_types: [...S.REQUEST_TYPES], routing_modes: [...S.ROUTING_MODES], statuses: [...S.ROUTE_STATUSES],
  recipient_statuses: [...S.RECIPIENT_STATUSES],
  decisions: Object.fromEntries(Object.entries(S.DECISIONS_BY_TYPE).map(([k, v]) => [k, [...v]])),
  default_phrases: DEFAULT_PHRASES,
}, 200));

workRoutesRouter.openapi(createRoute({
  method: 'post', path: '/v1/work-routes/', tags: TAGS, summary: 'Create (and start) a work route',
  description: 'Recipients (1–20): an email address, a contact of this inbox (its first address), or an inbox of the same tenant (its address; it sees the route and a pending task in its agenda). Started (the default), each current recipient is mailed the request from this inbox: all at once (`parallel`) or one at a time (`ordered`). Recipients answer by replying (the first line is read for the decision: defaults "approved", "approve", "lgtm", "looks good" / "rejected", "reject", "declined", "decline" / "changes requested", "request changes"; any reply acknowledges or answers) or through `POST …/responses/`. Any rejection or request for changes ends an approval `rejected`; when every recipient has answered the route is `completed` and `work_route.completed` fires. Past `due_at`, recipients still waiting get one reminder.',
  middleware: [requireScope('work_routes:write')],
  request: { headers: IdempotencyHeader, ...body(withInbox(S.CreateRoute, 'CreateWorkRoute')) },
  responses: { 201: json(S.Route, 'Created.'), ...queuedResponse, ...errorResponses },
}), async (c) => {
  const input = c.req.valid('json');
  const inbox = c.get('inbox');
  const dueAt = input.due_at ? parseStart(input.due_at, 'due_at', null, inbox.defaultTimezone, c.get('now')) : null;
  const route = await svc.createRoute(sending(c), input, dueAt);
  c.header('Location', `/v1/work-routes/${route.route_id}/`);
  return c.json(route, 201);
});

workRoutesRouter.openapi(createRoute({
  method: 'get', path: '/v1/work-routes/', tags: TAGS, summary: 'List work routes',
  description: 'Oldest first. `role`: routes this inbox created, or names as a recipient (default: both); `status` filters.',
  middleware: [requireScope('work_routes:read')],
  request: { query: S.ListRoutesQuery },
  responses: { 200: json(pageSchema(S.Route), 'A page of routes.'), ...errorResponses },
}), async (c) => {
  const q = c.req.valid('query');
  const page = pageOf(q);
  const { results, total } = await svc.listRoutes(c.get('db'), c.get('inbox'), { status: q.status, role: q.role }, page);
  return c.json(pageEnvelope(results, total, page), 200);
});

workRoutesRouter.openapi(createRoute({
  method: 'get', path: '/v1/work-routes/{id}/', tags: TAGS, summary: 'Get a work route',
  description: 'The route with its recipients and their answers; readable by its creator and by its recipient inboxes. Anyone else gets a 404.',
  middleware: [requireScope('work_routes:read')],
  request: { params: S.RouteParams, query: InboxQuery },
  responses: { 200: json(S.Route, 'The route.'), ...errorResponses },
}), async (c) => c.json(await svc.getRoute(c.get('db'), c.get('inbox'), c.req.valid('param').id), 200));

workRoutesRouter.openapi(createRoute({
  method: 'post', path: '/v1/work-routes/{id}/start/', tags: TAGS, summary: 'Start a draft route',
  description: 'Its first recipients (all, or the first of an ordered route) are mailed the request. Only a draft can be started (else 409).',
  middleware: [requireScope('work_routes:write')],
  request: { params: S.RouteParams, query: InboxQuery, headers: IdempotencyHeader },
  responses: { 200: json(S.Route, 'The route, started.'), ...queuedResponse, ...errorResponses },
}), async (c) => c.json(await svc.startRoute(sending(c), c.req.valid('param').id), 200));

workRoutesRouter.openapi(createRoute({
  method: 'post', path: '/v1/work-routes/{id}/responses/', tags: TAGS, summary: 'Record a recipient\'s answer',
  description: 'The creator may answer for any recipient (a decision taken by phone); a recipient inbox only for itself. The decision must fit the request type (400); a recipient not waiting now (answered already, or not yet its turn) or a route that ended is a 409.',
  middleware: [requireScope('work_routes:write')],
  request: { params: S.RouteParams, headers: IdempotencyHeader, ...body(withInbox(S.RespondToRoute, 'RespondToWorkRoute')) },
  responses: { 200: json(S.Route, 'The route after the answer.'), ...queuedResponse, ...errorResponses },
}), async (c) => c.json(await svc.respond(sending(c), c.req.valid('param').id, c.req.valid('json')), 200));

workRoutesRouter.openapi(createRoute({
  method: 'post', path: '/v1/work-routes/{id}/cancel/', tags: TAGS, summary: 'Cancel a work route',
  description: 'A draft or active route ends `cancelled`: no more mail, no more answers. A cancelled route is answered as it is; a completed or rejected one is a 409.',
  middleware: [requireScope('work_routes:write')],
  request: { params: S.RouteParams, query: InboxQuery, headers: IdempotencyHeader },
  responses: { 200: json(S.Route, 'The route, cancelled.'), ...queuedResponse, ...errorResponses },
}), async (c) => c.json(await svc.cancelRoute(sending(c), c.req.valid('param').id), 200));
