import { serviceContext } from '../http/context';
import { createRoute, z } from '@hono/zod-openapi';
import type { Router } from '../http/router';
import { requireScope } from '../http/auth';
import { errorResponses, IdempotencyHeader, IfMatchHeader, queuedResponse, json, body } from '../http/openapi';
import { checkIfMatch, withEtag } from '../http/etag';
import { keysetEnvelope, keysetPageOf, keysetPageSchema } from '../http/pagination';
import { queryKey } from '../http/cursor';
import { InboxQuery, patchBody, withInbox } from '../http/fields';
import * as S from './schemas';
import * as svc from './events';
import { listEvents } from './listing';
import { addEventLabel, removeEventLabel } from './event-labels';
import { eventCalendar } from './interchange';
import { calendarText, icsResponse } from './ics-routes';

const tags = ['Calendar'];
const withEtagHeader = (description: string) => ({
  ...json(S.Event, description),
  headers: z.object({ ETag: z.string().openapi({ description: 'Send it back in If-Match to PATCH or DELETE safely.' }) }),
});

const ID_RULES = 'The id is a series (or single event) id, or an occurrence id `<series id>_<UTC basic start>` (e.g. `evt_…_20240603T130000Z`, as listed with a window); an occurrence id whose time is not an occurrence of the series is 404, as is an unknown or another inbox\'s id.';

/** Events, occurrences and their labels: `/v1/calendar/events/`. */
export function registerEventRoutes(router: Router): void {
  router.openapi(createRoute({
    method: 'get', path: '/v1/calendar/events/', tags, summary: 'List events, or the occurrences in a window',
    description: [
      'Without `after`/`before`: every event, recurring series unexpanded, by start.',
      'With `after` and/or `before` (Time Utils inputs; a naive time is read in the inbox `default_timezone`): the occurrences overlapping [after, before), series expanded in their own zone, EXDATE/RDATE and per-occurrence changes applied; a missing bound is 366 days from the other; `total` counts occurrences.',
      'An occurrence\'s `event_id` is `<series id>_<UTC basic start>` and it carries `recurring_event_id`. At most 5,000 occurrences of one series are listed per window.',
      'An all-day event (local midnight, whole days) is matched on the viewer\'s own midnights, so it stays on its date in every zone.',
    ].join('\n\n'),
    middleware: [requireScope('calendar:read')],
    request: { query: S.ListEventsQuery },
    responses: { 200: json(keysetPageSchema(S.Event), 'One page of events or occurrences; `next_cursor` pages a window.'), ...errorResponses },
  }), async (c) => {
    const { inbox_id: _named, offset, position, limit, cursor, ...q } = c.req.valid('query');
    const key = queryKey('events', q);
    const page = keysetPageOf({ offset, position, limit, cursor }, key);
    const { results, total, next, position: at } = await listEvents(c.get('db'), c.get('inbox'), q, page, c.get('now'), key);
    return c.json(keysetEnvelope(results, total, { ...page, offset: at }, next), 200);
  });

  router.openapi(createRoute({
    method: 'post', path: '/v1/calendar/events/', tags, summary: 'Create an event (or a recurring series)',
    description: [
      '`start` is any Time Utils input: a naive time is read in `time_zone`, else the inbox `default_timezone`, else UTC; `next Monday 10am`, `tomorrow 9:30` and `in 2 hours` mean what `/v1/utils/time/` says. `duration` is any Duration Utils input and is stored normalised.',
      '`calendar_id` must be one of the inbox\'s calendars: an unknown or another inbox\'s calendar is 404; the Tasks calendar is 400.',
      'Each participant\'s `contact_id` is the inbox contact with that email (case-insensitive), computed when read.',
    ].join('\n\n'),
    middleware: [requireScope('calendar:write')],
    request: { headers: IdempotencyHeader, ...body(withInbox(S.CreateEvent, 'CreateEvent')) },
    responses: { 201: withEtagHeader('Created: the full event.'), ...queuedResponse, ...errorResponses },
  }), async (c) => {
    const view = await svc.createEvent(c.get('db'), c.get('inbox'), c.req.valid('json'), c.get('now'));
    return c.json(await withEtag(c, view), 201);
  });

  router.openapi(createRoute({
    method: 'get', path: '/v1/calendar/events/{event_id}/', tags, summary: 'Read an event or one occurrence',
    description: `${ID_RULES}\n\nWith \`format=ics\`: the same as one VCALENDAR (\`text/calendar\`, RFC 5545, with its VTIMEZONEs and an \`ETag\` of its own): a series with its RRULE/EXDATE/RDATE and each changed occurrence as a \`RECURRENCE-ID\` VEVENT (a cancelled one says \`STATUS:CANCELLED\`); an occurrence id gives that one occurrence, under the series' UID with its \`RECURRENCE-ID\`. The format is the feed's (\`GET /v1/calendar/collections/{id}/feed.ics\`).`,
    middleware: [requireScope('calendar:read')],
    request: { params: S.EventIdParam, query: S.EventReadQuery },
    responses: {
      200: { ...withEtagHeader('The event or occurrence (`format=ics`: as iCalendar).'), content: { ...json(S.Event, '').content, ...calendarText('').content } },
      ...errorResponses,
    },
  }), async (c) => {
    if (c.req.valid('query').format === 'ics') {
      return icsResponse(c, await eventCalendar(c.get('db'), c.get('inbox'), c.req.valid('param').event_id, c.get('now')), 'private, no-cache');
    }
    const view = await svc.getEvent(c.get('db'), c.get('inbox'), c.req.valid('param').event_id);
    return c.json(await withEtag(c, view), 200);
  });

  router.openapi(createRoute({
    method: 'patch', path: '/v1/calendar/events/{event_id}/', tags, summary: 'Change an event, a whole series, or one occurrence',
    description: [
      ID_RULES,
      'On a series every field may change; a naive `start` is read in `time_zone` when given, else in the zone `start` is shown in; an unknown or another inbox\'s `calendar_id` is 404, the Tasks calendar 400. Changing `time_zone` alone keeps the wall time (09:00 stays 09:00, now in the new zone). Moving the start, zone or rules drops per-occurrence changes of occurrences that no longer exist.',
      'On an occurrence only `title`, `start`, `duration`, `location`, `status` and `description` may change (others are 400); the change applies to that occurrence only and it keeps its id. `null` for `description` or `location` gives the occurrence the series\' value again.',
      'At least one field (an empty body is a 400). Setting `status` to `cancelled` emits `event.cancelled`. Honours If-Match (412).',
    ].join('\n\n'),
    middleware: [requireScope('calendar:write')],
    request: { params: S.EventIdParam, headers: IfMatchHeader, ...body(patchBody(S.PatchEvent, 'PatchEvent')) },
    responses: { 200: withEtagHeader('The event or occurrence after the change.'), ...queuedResponse, ...errorResponses },
  }), async (c) => {
    const view = await svc.updateEvent(
      serviceContext(c), c.req.valid('param').event_id, c.req.valid('json'),
      (current) => checkIfMatch(c, current),
    );
    return c.json(await withEtag(c, view), 200);
  });

  router.openapi(createRoute({
    method: 'delete', path: '/v1/calendar/events/{event_id}/', tags, summary: 'Delete an event or series, or exclude one occurrence',
    description: `${ID_RULES}\n\nDeleting an occurrence adds an EXDATE for it to the series; only that occurrence disappears. Emits \`event.cancelled\`. Honours If-Match (412).`,
    middleware: [requireScope('calendar:delete')],
    request: { params: S.EventIdParam, query: InboxQuery, headers: IfMatchHeader },
    responses: { 204: { description: 'Deleted.' }, ...queuedResponse, ...errorResponses },
  }), async (c) => {
    await svc.deleteEvent(serviceContext(c), c.req.valid('param').event_id, (current) => checkIfMatch(c, current));
    return c.body(null, 204);
  });

  router.openapi(createRoute({
    method: 'post', path: '/v1/calendar/events/{event_id}/labels/', tags, summary: 'Attach a label to an event',
    description: 'The label must have `label_type` `calendar` or `any` (else 400). Labels belong to the series: an occurrence id attaches to its series. Attaching twice adds nothing.',
    middleware: [requireScope('calendar:write')],
    request: { params: S.EventIdParam, ...body(withInbox(S.AddLabel, 'AddEventLabel')) },
    responses: { 204: { description: 'Attached.' }, ...queuedResponse, ...errorResponses },
  }), async (c) => {
    await addEventLabel(c.get('db'), c.get('inbox'), c.req.valid('param').event_id, c.req.valid('json').label_id, c.get('now'));
    return c.body(null, 204);
  });

  router.openapi(createRoute({
    method: 'delete', path: '/v1/calendar/events/{event_id}/labels/{label_id}/', tags, summary: 'Detach a label from an event',
    description: 'An occurrence id detaches from its series. An unknown event or label, or another inbox\'s, is a 404.',
    middleware: [requireScope('calendar:write')],
    request: { params: S.EventLabelParams, query: InboxQuery },
    responses: { 204: { description: 'Detached (also when it was not attached).' }, ...queuedResponse, ...errorResponses },
  }), async (c) => {
    const { event_id, label_id } = c.req.valid('param');
    await removeEventLabel(c.get('db'), c.get('inbox'), event_id, label_id);
    return c.body(null, 204);
  });
}
