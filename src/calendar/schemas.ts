import { z } from '@hono/zod-openapi';
import { CursorParam } from '../http/cursor';
import { Color, InboxQuery, LowerCaseEmailAddress, PagedInboxQuery, TimeZone } from '../http/fields';
import { MAX_DURATION_SECONDS, parseDuration } from '../time/duration';
import { RANGE_MAX_ISO, RANGE_MAX_MS, RANGE_MIN_ISO, RANGE_MIN_MS, RANGE_TEXT, rangeProblem, timeFailureMessage } from '../time/range';
import { readTime } from '../time/parse';
import { parseRecurrenceRules } from '../time/recurrence';

// ---------------------------------------------------------------------------------------------
// Calendars (collections)

export const Calendar = z.object({
  id: z.string().openapi({ example: 'cal_01j0abcdefghjkmnpqrstvwxyz' }),
  name: z.string().openapi({ example: 'Personal' }),
  color: z.string().nullable().openapi({ example: '#3366ff' }),
  isDefault: z.boolean(),
  kind: z.enum(['personal', 'tasks', 'user']).openapi({ description: '`personal` (the default calendar), `tasks` (holds tasks, no events) or `user`.' }),
  created_at: z.string(),
  feed_url: z.string().nullable().openapi({
    description: 'The calendar as a subscribable iCalendar feed (RFC 5545, `text/calendar`): an absolute URL holding a secret token, fetched without Authorization. Anyone with the URL can read the calendar; `POST …/feed/rotate/` issues a new one and the old URL stops working. `null` for the Tasks calendar (it has no feed).',
    example: 'https://inbox.example/v1/calendar/collections/cal_01j0abcdefghjkmnpqrstvwxyz/feed.ics?token=3f9c…',
  }),
}).openapi('Calendar');

const calendarName = z.string().trim().min(1, 'must not be empty').max(100);

/** Body of POST /v1/calendar/collections/ (the route adds the documented `inbox_id`). */
export const CreateCalendar = z.object({
  name: calendarName,
  color: Color.optional(),
}).openapi({ example: { name: 'Work', color: '#3366ff' } });

/** Body of PATCH /v1/calendar/collections/{id}/ (the route applies the PATCH rule). */
export const PatchCalendar = z.object({
  name: calendarName.optional(),
  color: Color.optional(),
}).openapi({ example: { name: 'Team', color: '#00aa55' } });

export const CalendarIdParam = z.object({
  id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' }, example: 'cal_01j0abcdefghjkmnpqrstvwxyz' }),
});

// ---------------------------------------------------------------------------------------------
// Events

export const EVENT_STATUSES = ['confirmed', 'tentative', 'cancelled'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

const MAX_DURATION_DAYS = MAX_DURATION_SECONDS / 86_400;
const title = z.string().trim().min(1, 'must not be empty').max(500);
const description = z.string().max(10_000).nullable();
const location = z.string().max(1000).nullable();
// Validated here too (not only in the service) so that a call held for approval is a valid one.
// Whether an input parses does not depend on the zone or the clock; what it means does.
// An absolute time far outside the supported range is refused here as well; the exact check
// (in the event's zone, with the request's clock, end included) is the service's.
const SLACK_MS = 86_400_000;
const start = z.string().trim().min(1, 'must not be empty').max(200)
  .superRefine((v, ctx) => {
    const parsed = readTime(v, { timeZone: 'UTC', reference: new Date() });
    if (parsed === 'out_of_range') return void ctx.addIssue({ code: 'custom', message: timeFailureMessage(parsed, v) });
    if (parsed === 'unparseable') return void ctx.addIssue({ code: 'custom', message: 'is not a time Time Utils understands (ISO 8601, "next Monday 10am", "in 2 hours", …)' });
    const ms = parsed.instant.getTime();
    if ((parsed.kind === 'iso' || parsed.kind === 'natural') && (ms < RANGE_MIN_MS - SLACK_MS || ms >= RANGE_MAX_MS + SLACK_MS)) {
      ctx.addIssue({ code: 'custom', message: rangeProblem(ms)! });
    }
  })
  .openapi({ description: `Any Time Utils input (ISO 8601 with or without offset, \`next Monday 10am\`, \`tomorrow 9:30\`, \`in 2 hours\`). A naive time is read in \`time_zone\`, else the inbox \`default_timezone\`, else UTC. The start, and the end (start + duration), must lie in the supported range, ${RANGE_TEXT}: a start outside it is a 400 naming \`start\`, an end past it one naming \`start\` and \`duration\`.`, example: '2024-06-03T09:00:00' });
const duration = z.string().trim().min(1, 'must not be empty').max(100)
  .refine((v) => parseDuration(v) !== null, `is not a positive duration (ISO 8601 such as PT1H, or e.g. "90 min"), at most ${MAX_DURATION_DAYS} days`)
  .openapi({ description: `Any Duration Utils input (\`PT1H\`, \`90 min\`, \`P1D\`); stored as normalised ISO 8601. Positive and at most ${MAX_DURATION_DAYS} days (\`P${MAX_DURATION_DAYS}D\`, ${MAX_DURATION_SECONDS} seconds); longer, zero or negative is a 400 naming \`duration\`. The event must also end within the supported range (${RANGE_TEXT}).`, example: 'PT1H' });

export const ParticipantInput = z.object({
  name: z.string().trim().min(1).max(200).nullish(),
  email: LowerCaseEmailAddress.nullish(),
  role: z.string().trim().min(1).max(50).nullish().openapi({ example: 'required' }),
}).refine((p) => p.name || p.email, 'a participant needs a name or an email');

/**
 * Calendar events repeat at most hourly: a minutely or secondly series has no use in an inbox's
 * calendar, and expanding one costs real CPU on every write and listing.
 */
const SUB_HOURLY = /(^|;|:)FREQ=(MINUTELY|SECONDLY)(;|$)/i;

const recurrenceRules = z.array(z.string().max(2000)).max(100)
  .superRefine((lines, ctx) => {
    const r = parseRecurrenceRules(lines);
    if (!r.ok) return void ctx.addIssue({ code: 'custom', message: r.message, path: [r.line] });
    const i = lines.findIndex((l) => /^RRULE[:;]/i.test(l.trim()) && SUB_HOURLY.test(l.trim()));
    if (i >= 0) ctx.addIssue({ code: 'custom', message: `line ${i}: FREQ=MINUTELY and FREQ=SECONDLY are not supported; events repeat at most hourly`, path: [i] });
  })
  .openapi({ description: 'RFC 5545 lines: at most one `RRULE:` plus any `EXDATE:` / `RDATE:` lines; FREQ from YEARLY down to HOURLY. Stored normalised. Series expand in the event\'s own zone on the wall time the start was written with: a start inside a DST gap (02:30) makes its own occurrence at the time after the gap (03:30) but later occurrences stay at 02:30; any generated time in a gap moves forward by the gap, one in an overlap takes the earlier instant, and generated times that fall on one instant are one occurrence. The start is always the first occurrence and counts towards COUNT, even when the rule would not generate it. UNTIL as a date (`UNTIL=20240630`) or a floating date-time is read in the event\'s zone and includes that whole day; UNTIL with `Z` is an exact instant; both are inclusive. `EXDATE;VALUE=DATE` removes every occurrence starting on that local date; `RDATE;VALUE=DATE` adds one on that date at the series\' time of day; EXDATE/RDATE date-times without TZID or `Z` are in the event\'s zone. BYDAY ordinals count within the month (MONTHLY, or YEARLY with BYMONTH) or the year (`53TH` only in years with 53 Thursdays); BYMONTHDAY/BYYEARDAY days a period lacks (31 in April) are skipped, never moved; BYWEEKNO weeks start on WKST (default MO), week 1 holding four days of its year. Durations are exact: a timed `P1D` lasts 86,400 s, so across a DST change it ends an hour off the start\'s wall time; an all-day event (local midnight, whole days) covers its calendar dates.', example: ['RRULE:FREQ=WEEKLY;BYDAY=MO'] });

/** Body of POST /v1/calendar/events/ (the route adds the documented `inbox_id`). */
export const CreateEvent = z.object({
  calendar_id: z.string().min(1).max(100),
  title,
  start,
  duration,
  time_zone: TimeZone.nullish().openapi({ description: 'IANA zone the event lives (and recurs) in; default: the inbox `default_timezone`, else UTC.', example: 'America/New_York' }),
  description: description.optional(),
  status: z.enum(EVENT_STATUSES).default('confirmed'),
  location: location.optional(),
  participants: z.array(ParticipantInput).max(200).default([]),
  recurrence_rules: recurrenceRules.default([]),
}).openapi({
  example: {
    calendar_id: 'cal_01j0abcdefghjkmnpqrstvwxyz', title: 'Team sync', start: '2024-06-03T09:00:00', duration: 'PT30M',
    time_zone: 'America/New_York', participants: [{ name: 'Alice Smith', email: 'alice@example.com', role: 'required' }],
    recurrence_rules: ['RRULE:FREQ=WEEKLY;BYDAY=MO'],
  },
});

/** Body of PATCH /v1/calendar/events/{event_id}/ (the route applies the PATCH rule). */
export const PatchEvent = z.object({
  calendar_id: z.string().min(1).max(100).optional(),
  title: title.optional(),
  start: start.optional(),
  duration: duration.optional(),
  time_zone: TimeZone.optional(),
  description: description.optional(),
  status: z.enum(EVENT_STATUSES).optional(),
  location: location.optional(),
  participants: z.array(ParticipantInput).max(200).optional(),
  recurrence_rules: recurrenceRules.optional(),
}).openapi({ example: { title: 'Team sync (moved)', start: '2024-06-03T10:00:00' } });

export type CreateEventInput = z.infer<typeof CreateEvent>;
export type PatchEventInput = z.infer<typeof PatchEvent>;

export const Participant = z.object({
  name: z.string().nullable(), email: z.string().nullable(), role: z.string().nullable(),
  contact_id: z.string().nullable().openapi({ description: 'The inbox contact with this email (case-insensitive), else null.' }),
});

export const Event = z.object({
  event_id: z.string().openapi({ example: 'evt_01j0abcdefghjkmnpqrstvwxyz_20240603T130000Z' }),
  recurring_event_id: z.string().optional().openapi({ description: 'On an occurrence of a series: the series id.' }),
  original_start: z.string().optional().openapi({ description: 'On an occurrence: its start before any change, in the shown zone.' }),
  calendar_id: z.string(),
  title: z.string(),
  start: z.string().openapi({ description: 'Local wall time without offset in `time_zone`.', example: '2024-06-03T09:00:00' }),
  duration: z.string().openapi({ example: 'PT30M' }),
  time_zone: z.string().openapi({ description: 'The zone `start` is shown in: the inbox `default_timezone` when set, else the event\'s own zone.' }),
  event_time_zone: z.string().openapi({ description: 'The event\'s own zone (series expand in it).' }),
  all_day: z.boolean().openapi({ description: 'Starts at local midnight and lasts whole days: shown on its own date in every zone.' }),
  description: z.string().nullable(),
  status: z.enum(EVENT_STATUSES),
  location: z.string().nullable(),
  participants: z.array(Participant),
  recurrence_rules: z.array(z.string()),
  label_ids: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('Event');
export type EventView = z.infer<typeof Event>;

export const EventIdParam = z.object({
  event_id: z.string().min(1).max(200).openapi({ param: { name: 'event_id', in: 'path' }, description: 'A series (or single event) id, or an occurrence id `<series id>_<UTC basic start>`.', example: 'evt_01j0abcdefghjkmnpqrstvwxyz_20240603T130000Z' }),
});

export const ListEventsQuery = PagedInboxQuery.extend({
  after: z.string().min(1).max(200).optional().openapi({ description: `Window start (Time Utils input; naive read in the inbox \`default_timezone\`). Must lie in the supported range, ${RANGE_TEXT}, else 400 naming \`after\`. Without \`before\` the window ends 366 days later, or at the end of the range if sooner.`, example: '2024-06-01' }),
  before: z.string().min(1).max(200).optional().openapi({ description: `Window end (exclusive; Time Utils input). Must lie in the supported range (it may be ${RANGE_MAX_ISO} itself), else 400 naming \`before\`. Without \`after\` the window starts 366 days earlier, or at ${RANGE_MIN_ISO} if later.`, example: '2024-07-01' }),
  sort: z.enum(['asc', 'desc']).optional().openapi({ description: 'By start; `asc` (default) or `desc`.' }),
  calendar_id: z.string().min(1).max(100).optional(),
  cursor: CursorParam.openapi({ description: 'The `next_cursor` of the previous page of the same window: the occurrences right after it (keyset paging; stable while events are added or removed before it). Only with `after` and/or `before`; not combinable with a non-zero `offset`.' }),
});

/** Body of POST /v1/calendar/events/{event_id}/labels/ (the route adds the documented `inbox_id`). */
export const AddLabel = z.object({
  label_id: z.string().min(1).max(100),
}).openapi({ example: { label_id: 'lbl_01j0abcdefghjkmnpqrstvwxyz' } });

export const EventLabelParams = EventIdParam.extend({
  label_id: z.string().min(1).max(100).openapi({ param: { name: 'label_id', in: 'path' } }),
});

// ---------------------------------------------------------------------------------------------
// iCalendar interchange (src/calendar/ics-routes.ts)

export const FeedParams = z.object({
  id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' }, example: 'cal_01j0abcdefghjkmnpqrstvwxyz' }),
});

export const FeedQuery = z.object({
  token: z.string().max(200).optional().openapi({ description: 'The secret of the calendar\'s `feed_url`. Missing or wrong: 404.', example: '3f9c0d…' }),
});

export const EventReadQuery = InboxQuery.extend({
  format: z.enum(['json', 'ics']).optional().openapi({ description: '`json` (default): the event. `ics`: one VCALENDAR (`text/calendar`) holding the series with its changed occurrences, or the one occurrence an occurrence id names. Any other value is a 400.' }),
});

export const ImportEventsQuery = InboxQuery.extend({
  calendar_id: z.string().min(1).max(100).optional().openapi({ description: 'The calendar the events go into; default: the inbox\'s default calendar. An unknown or another inbox\'s calendar is a 404, the Tasks calendar a 400.' }),
});

export const CalendarImportResult = z.object({
  created: z.number().int().openapi({ description: 'UIDs new to the inbox: an event (series with its changed occurrences) each.' }),
  updated: z.number().int().openapi({ description: 'UIDs whose stored event differed from the file: changed to match it.' }),
  skipped: z.number().int().openapi({ description: 'UIDs whose stored event already matched: left alone.' }),
}).openapi('CalendarImportResult', { example: { created: 3, updated: 1, skipped: 12 } });
