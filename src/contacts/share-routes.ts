import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../http/router';
import { requireScope } from '../http/auth';
import { serviceContext } from '../http/context';
import { errorResponses, IdempotencyHeader, queuedResponse, json, body } from '../http/openapi';
import { InboxQuery, withInbox } from '../http/fields';
import * as S from './schemas';
import * as shares from './shares';

/** Mounted before the contacts router: `/v1/contacts/shares/` is not a contact id. */
export const contactSharesRouter = newRouter();

const TAGS = ['Contacts'];

contactSharesRouter.openapi(createRoute({
  method: 'get', path: '/v1/contacts/shares/', tags: TAGS, summary: 'List contact shares',
  description: 'This inbox\'s sent and received shares, pending or decided in the last 7 days, newest first (a bare array).',
  middleware: [requireScope('contacts:read')],
  request: { query: InboxQuery },
  responses: { 200: json(z.array(S.Share), 'The shares.'), ...errorResponses },
}), async (c) => c.json(await shares.listShares(c.get('db'), c.get('inbox'), c.get('now')), 200));

contactSharesRouter.openapi(createRoute({
  method: 'post', path: '/v1/contacts/shares/', tags: TAGS, summary: 'Offer a contact to, or ask one of, another inbox',
  description: 'Between inboxes of one tenant. An offer carries the contact\'s card as it is now (its `contact_address` is the contact\'s first email; a contact without one cannot be offered: 400); a request asks the other inbox for its contact with `contact_address`. The receiving inbox sees a pending task in its agenda and `contact.share_received` fires there. Pending shares expire after 30 days.',
  middleware: [requireScope('contacts:write')],
  request: { headers: IdempotencyHeader, ...body(withInbox(S.CreateShare, 'CreateContactShare')) },
  responses: { 201: json(S.Share, 'Created.'), ...queuedResponse, ...errorResponses },
}), async (c) => c.json(await shares.createShare(serviceContext(c), c.req.valid('json')), 201));

contactSharesRouter.openapi(createRoute({
  method: 'post', path: '/v1/contacts/shares/{share_id}/accept/', tags: TAGS, summary: 'Accept a contact share',
  description: 'Only the receiving inbox decides (anyone else: 404); a decided or expired share is a 409. An offer\'s card is copied into this inbox; a request copies this inbox\'s contact with the asked address to the inbox that asked (409 if there is none). A contact that already has the address keeps its name and notes and gains the card\'s emails, phones and anniversaries.',
  middleware: [requireScope('contacts:write')],
  request: { params: S.ShareParams, query: InboxQuery, headers: IdempotencyHeader },
  responses: { 200: json(S.Share, 'Accepted.'), ...queuedResponse, ...errorResponses },
}), async (c) => c.json(await shares.acceptShare(serviceContext(c), c.req.valid('param').share_id), 200));

contactSharesRouter.openapi(createRoute({
  method: 'post', path: '/v1/contacts/shares/{share_id}/decline/', tags: TAGS, summary: 'Decline a contact share',
  description: 'Only the receiving inbox decides (anyone else: 404); a decided or expired share is a 409.',
  middleware: [requireScope('contacts:write')],
  request: { params: S.ShareParams, query: InboxQuery, headers: IdempotencyHeader },
  responses: { 200: json(S.Share, 'Declined.'), ...queuedResponse, ...errorResponses },
}), async (c) => c.json(await shares.declineShare(serviceContext(c), c.req.valid('param').share_id), 200));
