import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../http/router';
import { requireScope } from '../http/auth';
import { errorResponses } from '../http/openapi';
import { ApiError } from '../http/errors';
import { toIsoZ } from '../time/zones';
import { InboxQuery, TimeZone } from '../http/fields';
import { readTime } from '../time/parse';
import { MAX_DURATION_SECONDS, parseDuration } from '../time/duration';
import { RANGE_TEXT, rangeProblem, timeFailureMessage } from '../time/range';

export const utilsRouter = newRouter();

/** Optional here, for sessions too: the inbox only supplies a default time zone. */
const utilsInbox = InboxQuery.shape.inbox_id.openapi({ description: 'Inbox id or address (optional, sessions included): supplies the default time zone.' });

const TimeResult = z.object({
  input: z.string(),
  instant: z.string().openapi({ example: '2024-06-01T14:00:00Z' }),
  local: z.string().openapi({ example: '2024-06-01T10:00:00' }),
  time_zone: z.string().openapi({ example: 'America/New_York' }),
  offset: z.string().openapi({ example: '-04:00' }),
  kind: z.enum(['iso', 'natural', 'relative', 'named_day']),
  date_only: z.boolean(),
  adjusted: z.enum(['dst_gap', 'dst_overlap']).nullable(),
}).openapi('TimeResult');

const DurationResult = z.object({
  input: z.string(), iso: z.string().openapi({ example: 'PT1H30M' }), seconds: z.number().int().openapi({ example: 5400 }),
  human: z.string().openapi({ example: '1 hour 30 minutes' }),
}).openapi('DurationResult');

utilsRouter.openapi(createRoute({
  method: 'get', path: '/v1/utils/time/', tags: ['Utils'], summary: 'Parse a time expression (ISO, natural, relative, named day)',
  description: `A naive input is read in \`time_zone\`, else the inbox \`default_timezone\`, else UTC. A local time in a DST gap moves forward; an ambiguous one takes the earlier instant. The instant (and \`reference\`) must lie in the range events and windows accept, ${RANGE_TEXT}; outside it is a 400 naming the field, so what this endpoint accepts an event \`start\` accepts too.`,
  middleware: [requireScope(null, { inboxOptional: true })],
  request: {
    query: z.object({
      input: z.string().min(1).max(200).openapi({ description: `Any Time Utils input; the instant it names must lie in ${RANGE_TEXT}.`, example: 'next Monday 10am' }),
      time_zone: TimeZone.optional().openapi({ description: 'IANA zone a naive input is read in (default: the inbox `default_timezone`, else UTC).', example: 'America/New_York' }),
      reference: z.string().optional().openapi({ description: `Instant anchoring relative inputs (default now); in ${RANGE_TEXT}.`, example: '2024-06-01T12:00:00Z' }),
      inbox_id: utilsInbox,
    }),
  },
  responses: { 200: { description: 'The instant.', content: { 'application/json': { schema: TimeResult } } }, ...errorResponses },
}), async (c) => {
  const q = c.req.valid('query');
  let reference = c.get('now');
  if (q.reference !== undefined) {
    const r = readTime(q.reference, { timeZone: 'UTC', reference });
    if (typeof r === 'string') throw ApiError.field('reference', r === 'out_of_range' ? timeFailureMessage(r, q.reference) : 'must be an instant (ISO 8601)');
    const outside = rangeProblem(r.instant.getTime());
    if (outside) throw ApiError.field('reference', outside);
    reference = r.instant;
  }
  const parsed = readTime(q.input, { timeZone: q.time_zone ?? null, defaultTimeZone: c.var.inbox?.defaultTimezone ?? null, reference });
  if (typeof parsed === 'string') throw ApiError.field('input', timeFailureMessage(parsed, q.input));
  const outside = rangeProblem(parsed.instant.getTime());
  if (outside) throw ApiError.field('input', outside);
  return c.json({ ...parsed, instant: toIsoZ(parsed.instant) }, 200);
});

utilsRouter.openapi(createRoute({
  method: 'get', path: '/v1/utils/duration/', tags: ['Utils'], summary: 'Parse a duration (ISO 8601 or natural language)',
  description: `Weeks, days, hours, minutes and seconds (a day is 86,400 s; months and years have no fixed length and are refused). Zero, negative, unparseable or longer than ${MAX_DURATION_SECONDS / 86_400} days (${MAX_DURATION_SECONDS} s, the longest event \`duration\`) is a 400 naming \`input\`.`,
  middleware: [requireScope(null, { inboxOptional: true })],
  request: { query: z.object({ input: z.string().min(1).max(100).openapi({ example: '1 hour 30 minutes' }), inbox_id: utilsInbox }) },
  responses: { 200: { description: 'The normalised duration.', content: { 'application/json': { schema: DurationResult } } }, ...errorResponses },
}), async (c) => {
  const { input } = c.req.valid('query');
  const d = parseDuration(input);
  if (!d) throw ApiError.field('input', `"${input}" is not a positive duration of at most ${MAX_DURATION_SECONDS / 86_400} days`);
  return c.json(d, 200);
});
