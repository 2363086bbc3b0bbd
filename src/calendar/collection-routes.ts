import { requestOrigin, serviceContext } from '../http/context';
import { createRoute, z } from '@hono/zod-openapi';
import type { Router } from '../http/router';
import { requireScope } from '../http/auth';
import { errorResponses, queuedResponse, json, body } from '../http/openapi';
import { InboxQuery, patchBody, withInbox } from '../http/fields';
import * as S from './schemas';
import * as svc from './collections';

const tags = ['Calendar'];

/** Calendars of the inbox: `/v1/calendar/collections/`. */
export function registerCollectionRoutes(router: Router): void {
  router.openapi(createRoute({
    method: 'get', path: '/v1/calendar/collections/', tags, summary: 'List calendars',
    description: 'A bare array. Every inbox has its default `Personal` calendar (`isDefault: true`) and a `Tasks` calendar (`kind: "tasks"`, holds tasks; no events).',
    middleware: [requireScope('calendar:read')],
    request: { query: InboxQuery },
    responses: { 200: json(z.array(S.Calendar), 'Calendars: the default first, then Tasks, then the others by creation.'), ...errorResponses },
  }), async (c) => c.json(await svc.listCalendars(c.get('db'), c.get('inbox'), requestOrigin(c)), 200));

  router.openapi(createRoute({
    method: 'post', path: '/v1/calendar/collections/', tags, summary: 'Create a calendar',
    description: 'A calendar of the inbox with `name` and optional `color`; it holds events (never tasks).',
    middleware: [requireScope('calendar:write')],
    request: body(withInbox(S.CreateCalendar, 'CreateCalendar')),
    responses: { 201: json(S.Calendar, 'Created.'), ...queuedResponse, ...errorResponses },
  }), async (c) => c.json(await svc.createCalendar(c.get('db'), c.get('inbox'), c.req.valid('json'), c.get('now'), requestOrigin(c)), 201));

  router.openapi(createRoute({
    method: 'get', path: '/v1/calendar/collections/{id}/', tags, summary: 'Read a calendar',
    description: 'One calendar of the inbox. An unknown or another inbox\'s id is a 404.',
    middleware: [requireScope('calendar:read')],
    request: { params: S.CalendarIdParam, query: InboxQuery },
    responses: { 200: json(S.Calendar, 'The calendar.'), ...errorResponses },
  }), async (c) => c.json(await svc.getCalendar(c.get('db'), c.get('inbox'), c.req.valid('param').id, requestOrigin(c)), 200));

  router.openapi(createRoute({
    method: 'patch', path: '/v1/calendar/collections/{id}/', tags, summary: 'Rename or recolour a calendar',
    description: 'At least one of `name` and `color` (an empty body is a 400); `color: null` clears the colour.',
    middleware: [requireScope('calendar:write')],
    request: { params: S.CalendarIdParam, ...body(patchBody(S.PatchCalendar, 'PatchCalendar')) },
    responses: { 200: json(S.Calendar, 'The calendar after the change.'), ...queuedResponse, ...errorResponses },
  }), async (c) => c.json(await svc.updateCalendar(c.get('db'), c.get('inbox'), c.req.valid('param').id, c.req.valid('json'), requestOrigin(c)), 200));

  router.openapi(createRoute({
    method: 'delete', path: '/v1/calendar/collections/{id}/', tags, summary: 'Delete a calendar and its events',
    description: 'The default calendar and the Tasks calendar cannot be deleted (400). The calendar\'s events go with it, each announcing `event.cancelled`.',
    middleware: [requireScope('calendar:delete')],
    request: { params: S.CalendarIdParam, query: InboxQuery },
    responses: { 204: { description: 'Deleted.' }, ...queuedResponse, ...errorResponses },
  }), async (c) => {
    await svc.deleteCalendar(serviceContext(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
