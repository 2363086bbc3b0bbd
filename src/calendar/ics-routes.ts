/**
 * iCalendar routes (docs/interchange.md): the public feed of a calendar, rotating its secret, and
 * importing a `text/calendar` body. (`GET /v1/calendar/events/{id}/?format=ics` is the event
 * read's, in event-routes.ts.) Registered before the event routes, so `/v1/calendar/events/
 * import/` is never read as an event id.
 *
 * The Worker adds the trailing slash to every path, so the feed URL `…/feed.ics?token=…` is
 * served as `…/feed.ics/`; it is public by its exact shape (a pattern), not by a prefix, so no
 * other collection route is.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireScope } from '../http/auth';
import { requestOrigin, serviceContext, type AppEnv } from '../http/context';
import { ApiError } from '../http/errors';
import { etagOf } from '../http/etag';
import type { RawBodyRoute } from '../http/middleware';
import { readTextBody } from '../http/text-body';
import { errorResponses, errorsOf, json, problem, queuedResponse } from '../http/openapi';
import { InboxQuery } from '../http/fields';
import type { PublicPath, Router } from '../http/router';
import { enforceKeyedLimit } from '../http/rate-limit';
import { calendarFeed, importCalendar, MAX_IMPORT_EVENTS, rotateFeed } from './interchange';
import * as S from './schemas';

const tags = ['Calendar'];


/** No token: the feed's secret is in its URL. */
export const calendarPublicPaths: PublicPath[] = [/^\/v1\/calendar\/collections\/[^/]+\/feed\.ics\/?$/];

/** A whole calendar may be larger than a JSON body. */
const MAX_ICS_BYTES = 5 * 1024 * 1024;

/** The import takes its body as text (src/http/middleware.ts leaves it unread). */
export const calendarRawBodies: RawBodyRoute[] = [{ method: 'POST', path: /^\/v1\/calendar\/events\/import\/?$/, maxBytes: MAX_ICS_BYTES }];

const CALENDAR_EXAMPLE = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Agent Inbox//Records API//EN\r\nBEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n…\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:evt_01j0abcdefghjkmnpqrstvwxyz\r\nDTSTART;TZID=America/New_York:20240603T090000\r\nDURATION:PT30M\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\nSUMMARY:Team sync\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';

/** A `text/calendar` answer (route declarations). */
export const calendarText = (description: string) => ({
  description, content: { 'text/calendar': { schema: z.string().openapi({ example: CALENDAR_EXAMPLE }) } },
});

/** An iCalendar body as the answer; `ETag` over it, 304 when the caller has it already. */
export async function icsResponse(c: Context<AppEnv>, body: string, cacheControl: string): Promise<Response> {
  const etag = await etagOf(body);
  const headers = { ETag: etag, 'Cache-Control': cacheControl };
  if (c.req.header('if-none-match')?.split(',').some((t) => t.trim() === etag)) return c.body(null, 304, headers);
  return c.body(body, 200, { ...headers, 'Content-Type': 'text/calendar; charset=utf-8' });
}

const FORMAT = [
  'RFC 5545, CRLF lines folded at 75 octets. A VTIMEZONE for every TZID, with STANDARD/DAYLIGHT components from the zone\'s real offsets over the years the calendar uses (yearly rules still in force run on). A series is one VEVENT with its `RRULE`/`EXDATE`/`RDATE` (rewritten where this API\'s forms differ from RFC 5545\'s: a floating date gets the event\'s TZID, a date `UNTIL` of a timed series becomes the UTC end of that day), unexpanded; each changed occurrence is a VEVENT with the series\' UID and `RECURRENCE-ID`.',
  'Timed events are written in their own zone (`DTSTART;TZID=…`, UTC as `Z`) with an exact `DURATION` (`PT24H`, not `P1D`); all-day events as dates. `UID` is the UID an event was imported with, else its id. Participants are `ATTENDEE` (`CN`, `ROLE`: required → REQ-PARTICIPANT, optional → OPT-PARTICIPANT, chair, non-participant; other roles as `X-ROLE`), the first `organizer` with an address `ORGANIZER`; one without an address is `invalid:nomail`.',
].join('\n\n');

export function registerIcsRoutes(router: Router): void {
  router.openapi(createRoute({
    method: 'get', path: '/v1/calendar/collections/{id}/feed.ics/', tags, summary: 'A calendar as an iCalendar feed', security: [],
    description: [
      'The `feed_url` of a calendar: `/v1/calendar/collections/{id}/feed.ics?token=<secret>` (also served with the trailing slash). No Authorization: the token is the credential, so subscribe a calendar app to the URL as it is. A wrong or missing token, an unknown calendar and the Tasks calendar are all the same 404. `POST /v1/calendar/collections/{id}/feed/rotate/` replaces the token.',
      'The whole calendar: every event except cancelled ones (a cancelled occurrence of a series is an `EXDATE`). `X-WR-CALNAME` is the calendar\'s name. Answers carry an `ETag` (304 on `If-None-Match`).',
      FORMAT,
    ].join('\n\n'),
    request: { params: S.FeedParams, query: S.FeedQuery },
    responses: {
      200: calendarText('The calendar.'),
      304: { description: 'Not modified (`If-None-Match` names the current ETag).' },
      ...errorsOf(400, 404, 429),
    },
  }), async (c) => {
    // Counted per calendar (the token is no principal): a feed polled in a loop is refused
    // before it reaches the database. Calendar apps poll every few minutes at most.
    await enforceKeyedLimit(c, `feed:${c.req.valid('param').id}`, 'this feed');
    const feed = await calendarFeed(c.get('db'), c.req.valid('param').id, c.req.valid('query').token ?? '', c.get('now'));
    if (!feed) throw ApiError.notFound('Feed');
    return icsResponse(c, feed.body, 'private, max-age=300');
  });

  router.openapi(createRoute({
    method: 'post', path: '/v1/calendar/collections/{id}/feed/rotate/', tags, summary: 'Replace a calendar\'s feed URL',
    description: 'Issues a new secret token: the calendar comes back with its new `feed_url`, and the old URL answers 404 from now on. No body (sessions name the inbox with `inbox_id` in the query). The Tasks calendar has no feed (400); an unknown or another inbox\'s calendar is a 404.',
    middleware: [requireScope('calendar:write')],
    request: { params: S.CalendarIdParam, query: InboxQuery },
    responses: { 200: json(S.Calendar, 'The calendar with its new `feed_url`.'), ...queuedResponse, ...errorResponses },
  }), async (c) => c.json(await rotateFeed(c.get('db'), c.get('inbox'), c.req.valid('param').id, requestOrigin(c)), 200));

  router.openapi(createRoute({
    method: 'post', path: '/v1/calendar/events/import/', tags, summary: 'Import iCalendar events',
    description: [
      `A \`text/calendar\` body (UTF-8; RFC 5545), at most ${MAX_ICS_BYTES} bytes and ${MAX_IMPORT_EVENTS} UIDs; \`Content-Length\` is required (411), a larger body is a 413, another media type a 415. The events go into \`calendar_id\` (default: the inbox's default calendar; the Tasks calendar is a 400, an unknown or another inbox's calendar a 404). Sessions name the inbox with \`inbox_id\` in the query.`,
      'Every VEVENT of every VCALENDAR is read, grouped by `UID`: the one without `RECURRENCE-ID` is the event (a series with `RRULE`/`EXDATE`/`RDATE`), the others its changed occurrences. A UID is matched within the inbox against the UID an event was imported with, or an event\'s own id (what the export writes): a new UID creates an event; one whose stored event differs (any field, the calendar, the schedule, a changed occurrence) is updated to match the file; an identical one is skipped. A file with only `RECURRENCE-ID` VEVENTs of a stored series changes just those occurrences. VTODO, VJOURNAL and the like are ignored.',
      'Times: `DTSTART;TZID=…` lives in that zone (IANA names, vendor-prefixed ones such as `/mozilla.org/…/Europe/Berlin`, the VTIMEZONE\'s `X-LIC-LOCATION`, and Windows zone names are understood); `Z` times make a UTC event; floating times and dates are read in the calendar\'s `X-WR-TIMEZONE` when it names a zone this service knows (Google and Apple exports carry it), else in the inbox `default_timezone`, else UTC. `DTEND` or `DURATION` gives the length (a day of 86,400 s; a date without either lasts one day); a timed event with neither is refused, as events here last at least a second. `SUMMARY` (else `(no title)`), `DESCRIPTION`, `LOCATION`, `STATUS`, `ORGANIZER` and `ATTENDEE` (`CN`, `ROLE`, `mailto:`) are read; an attendee who is the organizer is listed once.',
      'Refused with a 400 naming the line and the UID, and then nothing is written: malformed lines or components, a TZID that names no known zone, an RRULE the event routes would refuse (FREQ=MINUTELY/SECONDLY, bad parts), `EXRULE`, `RDATE;VALUE=PERIOD`, `RECURRENCE-ID;RANGE`, a RECURRENCE-ID that is no occurrence of its series, a duplicate UID or RECURRENCE-ID, and fields the event routes would refuse (a title over 500 characters, a bad attendee address…). Cancelling an event through an import emits `event.cancelled`.',
    ].join('\n\n'),
    middleware: [requireScope('calendar:write')],
    request: {
      query: S.ImportEventsQuery,
      body: { required: true, content: { 'text/calendar': { schema: z.string().openapi({ example: CALENDAR_EXAMPLE }) } } },
    },
    responses: {
      200: json(S.CalendarImportResult, 'What the import did, by UID.'),
      ...queuedResponse, ...errorResponses,
      411: problem('No `Content-Length` (`length_required`).'),
      413: problem(`Over ${MAX_ICS_BYTES} bytes (\`payload_too_large\`).`),
      415: problem('Not `text/calendar`, or a charset other than UTF-8 (`unsupported_media_type`).'),
    },
  }), async (c) => {
    const bytes = await readTextBody(c, { mediaTypes: ['text/calendar'], maxBytes: MAX_ICS_BYTES, what: 'iCalendar, RFC 5545' });
    return c.json(await importCalendar(serviceContext(c), c.req.valid('query').calendar_id, bytes), 200);
  });
}
