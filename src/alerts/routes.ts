import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { newRouter } from '../http/router';
import { requireScope } from '../http/auth';
import { type AppEnv, serviceContext } from '../http/context';
import { errorResponses, queuedResponse, json, body } from '../http/openapi';
import { checkIfMatch, etagOf, withEtag } from '../http/etag';
import { pageEnvelope, pageOf, pageSchema } from '../http/pagination';
import { InboxQuery, PagedInboxQuery, patchBody, withInbox } from '../http/fields';
import { eventReference, eventTypesEnvelope } from './catalogue';
import * as S from './schemas';
import * as svc from './service';
import { listDeliveries, redeliver, sendTest } from './deliveries';

export const alertsRouter = newRouter();

/** Paths of the public event catalogue (no token). */
export const alertsPublicPaths: string[] = ['/v1/events/types/', '/v1/events/reference/'];

const etagHeader = { ETag: { schema: { type: 'string' as const }, description: 'Send it back in If-Match to change only this version.' } };
const ifMatch = z.object({ 'if-match': z.string().optional().openapi({ description: 'Only act if the alert still has this ETag (else 412).' }) });

const policy = (c: Context<AppEnv>): svc.WebhookPolicy => ({ allowPrivateWebhooks: c.get('config').allowPrivateWebhooks });
const precondition = (c: Context<AppEnv>): svc.Precondition | undefined =>
  (c.req.header('if-match') ? (current) => checkIfMatch(c, current) : undefined);

/** The ETag covers the alert without its one-time secret, so it matches a later GET. */
async function withSecret(c: Context<AppEnv>, r: { alert: svc.AlertView; secret: string | null }) {
  c.header('ETag', await etagOf(r.alert));
  return r.secret ? { ...r.alert, secret: r.secret } : r.alert;
}

const TYPES_DESCRIPTION = 'What alerts can subscribe to. Public: no token needed. Each event has `type`, `category`, `description`, `config` (the alert settings that apply) and `offset_units` (the units an offset may use; empty when it fires at once); `categories` maps each category to its types.';

alertsRouter.openapi(createRoute({
  method: 'get', path: '/v1/events/types/', tags: ['Alerts'], summary: 'Event types alerts can subscribe to', security: [],
  description: TYPES_DESCRIPTION,
  responses: { 200: json(S.EventTypes, 'The catalogue: `{ resource: "event_types", events, categories, counts: { events, categories } }`.') },
}), (c) => c.json(eventTypesEnvelope(), 200));

alertsRouter.openapi(createRoute({
  method: 'get', path: '/v1/events/reference/', tags: ['Alerts'], summary: 'Event types with their payload fields and examples', security: [],
  description: `${TYPES_DESCRIPTION} The reference adds \`version\`, \`payload\` (the alert calls by name, e.g. \`subscribe_alert\`: POST /v1/alerts/) and \`webhook\`. Each entry also names the fields of its \`data\` (usable as {field} in task templates) and an example. A webhook POSTs \`{ id, type, inbox_id, alert_id, scheduled_for, data }\` signed per Standard Webhooks (\`webhook-id\` = \`id\`, stable across retries; \`webhook-timestamp\`; \`webhook-signature\` = \`v1,<base64 HMAC-SHA256 of "id.timestamp.body">\` keyed with the base64-decoded secret after \`whsec_\`).`,
  responses: { 200: json(S.EventReference, 'The catalogue with the alert calls and payload documentation.') },
}), (c) => c.json(eventReference(), 200));

alertsRouter.openapi(createRoute({
  method: 'get', path: '/v1/alerts/', tags: ['Alerts'], summary: 'List alerts',
  description: 'Every alert of the inbox, oldest first, without their secrets.',
  middleware: [requireScope('alerts:read')],
  request: { query: InboxQuery },
  responses: { 200: json(z.array(S.Alert), 'Alerts, oldest first (a bare array).'), ...errorResponses },
}), async (c) => c.json(await svc.listAlerts(c.get('db'), c.get('inbox')), 200));

alertsRouter.openapi(createRoute({
  method: 'post', path: '/v1/alerts/', tags: ['Alerts'], summary: 'Create an alert',
  description: 'A webhook alert\'s response carries `secret` (`whsec_…`), shown this once. Webhook targets must be public https URLs unless the deployment sets ALLOW_PRIVATE_WEBHOOKS=true. Task targets are summary templates whose {field} placeholders must be known fields (see /v1/events/reference/).',
  middleware: [requireScope('alerts:write')],
  request: body(withInbox(S.CreateAlert, 'CreateAlert')),
  responses: { 201: { ...json(S.AlertWithSecret, 'Created.'), headers: etagHeader }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  const r = await svc.createAlert(c.get('db'), c.get('inbox'), c.req.valid('json'), c.get('now'), policy(c));
  return c.json(await withSecret(c, r), 201);
});

alertsRouter.openapi(createRoute({
  method: 'get', path: '/v1/alerts/{alert_id}/', tags: ['Alerts'], summary: 'Get an alert',
  description: 'The alert with its ETag; its `secret` is never shown again. An unknown or another inbox\'s id is a 404.',
  middleware: [requireScope('alerts:read')],
  request: { params: S.AlertParams, query: InboxQuery },
  responses: { 200: { ...json(S.Alert, 'The alert (never its secret).'), headers: etagHeader }, ...errorResponses },
}), async (c) => c.json(await withEtag(c, await svc.getAlert(c.get('db'), c.get('inbox'), c.req.valid('param').alert_id)), 200));

alertsRouter.openapi(createRoute({
  method: 'patch', path: '/v1/alerts/{alert_id}/', tags: ['Alerts'], summary: 'Change an alert',
  description: 'Every field optional, but at least one (an empty body is a 400); `offset: null` and `filter: null` clear. Turning a task alert into a webhook returns a new `secret` once.',
  middleware: [requireScope('alerts:write')],
  request: { params: S.AlertParams, headers: ifMatch, ...body(patchBody(S.PatchAlert, 'PatchAlert')) },
  responses: { 200: { ...json(S.AlertWithSecret, 'The alert after the change.'), headers: etagHeader }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  const r = await svc.updateAlert(c.get('db'), c.get('inbox'), c.req.valid('param').alert_id, c.req.valid('json'), c.get('now'), policy(c), precondition(c));
  return c.json(await withSecret(c, r), 200);
});

alertsRouter.openapi(createRoute({
  method: 'delete', path: '/v1/alerts/{alert_id}/', tags: ['Alerts'], summary: 'Delete an alert (and its deliveries log)',
  description: 'Pending deliveries are not sent. Honours If-Match (412).',
  middleware: [requireScope('alerts:write')],
  request: { params: S.AlertParams, query: InboxQuery, headers: ifMatch },
  responses: { 204: { description: 'Deleted.' }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  await svc.deleteAlert(c.get('db'), c.get('inbox'), c.req.valid('param').alert_id, precondition(c));
  return c.body(null, 204);
});

alertsRouter.openapi(createRoute({
  method: 'get', path: '/v1/alerts/{alert_id}/deliveries/', tags: ['Alerts'], summary: 'The alert\'s deliveries log',
  description: 'One entry per firing, newest first. `status` is pending until delivered or until its retries are exhausted (failed).',
  middleware: [requireScope('alerts:read')],
  request: { params: S.AlertParams, query: PagedInboxQuery },
  responses: { 200: json(pageSchema(S.Delivery), 'A page of deliveries.'), ...errorResponses },
}), async (c) => {
  const page = pageOf(c.req.valid('query'));
  const { rows, total } = await listDeliveries(c.get('db'), c.get('inbox'), c.req.valid('param').alert_id, page);
  return c.json(pageEnvelope(rows, total, page), 200);
});

const accepted = (description: string) => ({
  202: json(z.union([S.Delivery, z.object({ queued: z.literal(true), approval_id: z.string() })]), description),
});

alertsRouter.openapi(createRoute({
  method: 'post', path: '/v1/alerts/{alert_id}/deliveries/{delivery_id}/redeliver/', tags: ['Alerts'], summary: 'Deliver a firing again',
  description: 'Resets the delivery to pending with a fresh retry budget and queues it. The firing id (webhook-id) stays the same; a task delivery never makes a second task. 202 with the delivery (or, for a token whose alerts:write calls need approval, `{ queued, approval_id }`).',
  middleware: [requireScope('alerts:write')],
  request: { params: S.DeliveryParams, query: InboxQuery },
  responses: { ...accepted('Queued for delivery.'), ...errorResponses },
}), async (c) => {
  const { alert_id, delivery_id } = c.req.valid('param');
  return c.json(await redeliver(serviceContext(c), alert_id, delivery_id), 202);
});

alertsRouter.openapi(createRoute({
  method: 'post', path: '/v1/alerts/{alert_id}/test/', tags: ['Alerts'], summary: 'Send a sample firing',
  description: 'Records a sample firing of the alert\'s first event type (its `data` carries `test: true`) and delivers it through the same queue, signing and retries as a real one. It appears in the deliveries log.',
  middleware: [requireScope('alerts:write')],
  request: { params: S.AlertParams, query: InboxQuery },
  responses: { ...accepted('Queued for delivery.'), ...errorResponses },
}), async (c) => c.json(await sendTest(serviceContext(c), c.req.valid('param').alert_id), 202));
