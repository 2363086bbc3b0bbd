import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../http/router';
import { requireScope } from '../http/auth';
import { errorResponses, IdempotencyHeader, queuedResponse, json, body } from '../http/openapi';
import { keysetEnvelope, keysetPageOf, keysetPageSchema, nextCursor } from '../http/pagination';
import { queryKey } from '../http/cursor';
import { checkIfMatch, withEtag } from '../http/etag';
import { InboxQuery, patchBody, withInbox } from '../http/fields';
import * as S from './schemas';
import * as svc from './service';

export const contactsRouter = newRouter();

const TAGS = ['Contacts'];
const IfMatchHeader = z.object({
  'if-match': z.string().optional().openapi({ description: 'An ETag from a previous response; 412 when the contact changed since.' }),
});
const etagHeader = { ETag: { description: 'Strong ETag of the representation; send it back as If-Match.', schema: { type: 'string' as const } } };

contactsRouter.openapi(createRoute({
  method: 'get', path: '/v1/contacts/', tags: TAGS, summary: 'List or search contacts',
  description: 'Ordered by `full_name`, then `id`. `q` matches (name word prefix) OR (email substring) OR (phone digits, when q looks like a phone number with 3+ digits).',
  middleware: [requireScope('contacts:read')],
  request: { query: S.ContactListQuery },
  responses: { 200: json(keysetPageSchema(S.Contact), 'A page of contacts.'), ...errorResponses },
}), async (c) => {
  const query = c.req.valid('query');
  const key = queryKey('contacts', { q: query.q });
  const page = keysetPageOf(query, key);
  const { results, total } = await svc.listContacts(c.get('db'), c.get('inbox'), { q: query.q, page });
  return c.json(keysetEnvelope(results, total, page, nextCursor(results, total, page, key, svc.contactSortKey)), 200);
});

contactsRouter.openapi(createRoute({
  method: 'post', path: '/v1/contacts/', tags: TAGS, summary: 'Create a contact',
  description: '`full_name` plus optional emails, phones, anniversaries and notes; answers the contact with its ETag and `Location`.',
  middleware: [requireScope('contacts:write')],
  request: { headers: IdempotencyHeader, ...body(withInbox(S.CreateContact, 'CreateContact')) },
  responses: {
    201: { ...json(S.ContactDetail, 'Created.'), headers: etagHeader },
    ...queuedResponse, ...errorResponses,
  },
}), async (c) => {
  const created = await svc.createContact(c.get('db'), c.get('inbox'), c.req.valid('json'), c.get('now'));
  c.header('Location', `/v1/contacts/${created.id}/`);
  return c.json(await withEtag(c, created), 201);
});

contactsRouter.openapi(createRoute({
  method: 'get', path: '/v1/contacts/{id}/', tags: TAGS, summary: 'Get a contact',
  description: 'The contact with its ETag. An unknown or another inbox\'s id is a 404.',
  middleware: [requireScope('contacts:read')],
  request: { params: S.ContactParams, query: InboxQuery },
  responses: { 200: { ...json(S.ContactDetail, 'The contact.'), headers: etagHeader }, ...errorResponses },
}), async (c) => {
  const found = await svc.getContact(c.get('db'), c.get('inbox'), c.req.valid('param').id);
  return c.json(await withEtag(c, found), 200);
});

contactsRouter.openapi(createRoute({
  method: 'patch', path: '/v1/contacts/{id}/', tags: TAGS, summary: 'Change a contact',
  description: 'Every field optional, but at least one (an empty body is a 400); `emails`, `phones` and `anniversaries` replace the stored arrays; `notes: null` clears. Honours If-Match.',
  middleware: [requireScope('contacts:write')],
  request: { params: S.ContactParams, headers: IfMatchHeader, ...body(patchBody(S.PatchContact, 'PatchContact')) },
  responses: {
    200: { ...json(S.ContactDetail, 'The contact after the change.'), headers: etagHeader },
    ...queuedResponse, ...errorResponses,
  },
}), async (c) => {
  const updated = await svc.updateContact(
    c.get('db'), c.get('inbox'), c.req.valid('param').id, c.req.valid('json'), c.get('now'),
    (current) => checkIfMatch(c, current),
  );
  return c.json(await withEtag(c, updated), 200);
});

contactsRouter.openapi(createRoute({
  method: 'delete', path: '/v1/contacts/{id}/', tags: TAGS, summary: 'Delete a contact',
  description: 'Also removes its anniversaries and label associations, and cancels its sequence enrollments. Honours If-Match.',
  middleware: [requireScope('contacts:delete')],
  request: { params: S.ContactParams, query: InboxQuery, headers: IfMatchHeader },
  responses: { 204: { description: 'Deleted.' }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  const ifMatch = c.req.header('if-match');
  await svc.deleteContact(c.get('db'), c.get('inbox'), c.req.valid('param').id, c.get('now'),
    ifMatch ? (current) => checkIfMatch(c, current) : undefined);
  return c.body(null, 204);
});
