import { createRoute } from '@hono/zod-openapi';
import { newRouter } from '../http/router';
import { requireScope } from '../http/auth';
import { errorResponses, IdempotencyHeader, queuedResponse, json, body } from '../http/openapi';
import { pageEnvelope, pageOf, pageSchema } from '../http/pagination';
import { InboxQuery, PagedInboxQuery, patchBody, withInbox } from '../http/fields';
import * as S from './schemas';
import * as svc from './service';

export const labelsRouter = newRouter();

const TAGS = ['Context labels'];

labelsRouter.openapi(createRoute({
  method: 'get', path: '/v1/context/', tags: TAGS, summary: 'List context labels',
  description: 'Ordered by name, then id. `label_type` filters.',
  middleware: [requireScope('context:read')],
  request: { query: S.LabelListQuery },
  responses: { 200: json(pageSchema(S.Label), 'A page of labels.'), ...errorResponses },
}), async (c) => {
  const query = c.req.valid('query');
  const page = pageOf(query);
  const { results, total } = await svc.listLabels(c.get('db'), c.get('inbox'), { labelType: query.label_type, page });
  return c.json(pageEnvelope(results, total, page), 200);
});

labelsRouter.openapi(createRoute({
  method: 'post', path: '/v1/context/', tags: TAGS, summary: 'Create a context label',
  description: 'A label of `label_type` `contact`, `calendar`, `message` or `any`; answers it with `Location`.',
  middleware: [requireScope('context:write')],
  request: { headers: IdempotencyHeader, ...body(withInbox(S.CreateLabel, 'CreateLabel')) },
  responses: { 201: json(S.Label, 'Created.'), ...queuedResponse, ...errorResponses },
}), async (c) => {
  const created = await svc.createLabel(c.get('db'), c.get('inbox'), c.req.valid('json'), c.get('now'));
  c.header('Location', `/v1/context/${created.label_id}/`);
  return c.json(created, 201);
});

labelsRouter.openapi(createRoute({
  method: 'get', path: '/v1/context/{label_id}/', tags: TAGS, summary: 'Get a label with a page of its entities',
  description: '`offset`/`limit` page the entities (oldest association first); `title` is the contact\'s name or the event\'s title.',
  middleware: [requireScope('context:read')],
  request: { params: S.LabelParams, query: PagedInboxQuery },
  responses: { 200: json(S.LabelDetail, 'The label and its entities.'), ...errorResponses },
}), async (c) => {
  const page = pageOf(c.req.valid('query'));
  return c.json(await svc.getLabel(c.get('db'), c.get('inbox'), c.req.valid('param').label_id, page), 200);
});

labelsRouter.openapi(createRoute({
  method: 'patch', path: '/v1/context/{label_id}/', tags: TAGS, summary: 'Change a label',
  description: 'At least one field (an empty body is a 400). A `label_type` change that would leave an associated entity of the wrong kind is a 409.',
  middleware: [requireScope('context:write')],
  request: { params: S.LabelParams, ...body(patchBody(S.PatchLabel, 'PatchLabel')) },
  responses: { 200: json(S.Label, 'The label after the change.'), ...queuedResponse, ...errorResponses },
}), async (c) => c.json(await svc.updateLabel(c.get('db'), c.get('inbox'), c.req.valid('param').label_id, c.req.valid('json')), 200));

labelsRouter.openapi(createRoute({
  method: 'delete', path: '/v1/context/{label_id}/', tags: TAGS, summary: 'Delete a label (and its associations)',
  description: 'The contacts and events it held stay; only the associations go. An unknown or another inbox\'s label is a 404.',
  middleware: [requireScope('context:write')],
  request: { params: S.LabelParams, query: InboxQuery },
  responses: { 204: { description: 'Deleted.' }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  await svc.deleteLabel(c.get('db'), c.get('inbox'), c.req.valid('param').label_id);
  return c.body(null, 204);
});

labelsRouter.openapi(createRoute({
  method: 'post', path: '/v1/context/{label_id}/entities/', tags: TAGS, summary: 'Associate a contact or event with a label',
  description: 'A contact needs a `contact` or `any` label, an event a `calendar` or `any` label (else 400). An unknown entity is 404. Associating twice adds nothing.',
  middleware: [requireScope('context:write')],
  request: { params: S.LabelParams, headers: IdempotencyHeader, ...body(withInbox(S.Associate, 'AssociateEntity')) },
  responses: { 204: { description: 'Associated.' }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  const { entity_type, entity_id } = c.req.valid('json');
  await svc.associateEntity(c.get('db'), c.get('inbox'), c.req.valid('param').label_id, entity_type, entity_id, c.get('now'));
  return c.body(null, 204);
});

labelsRouter.openapi(createRoute({
  method: 'delete', path: '/v1/context/{label_id}/entities/{entity_type}/{entity_id}/', tags: TAGS, summary: 'Remove an association',
  description: '204 also when the entity was not associated; 404 for an unknown label or entity.',
  middleware: [requireScope('context:write')],
  request: { params: S.EntityParams, query: InboxQuery },
  responses: { 204: { description: 'Removed.' }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  const { label_id, entity_type, entity_id } = c.req.valid('param');
  await svc.dissociateEntity(c.get('db'), c.get('inbox'), label_id, entity_type, entity_id);
  return c.body(null, 204);
});
