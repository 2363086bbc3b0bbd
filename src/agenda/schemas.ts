import { z } from '@hono/zod-openapi';
import { InboxQuery } from '../http/fields';
import { integerParam } from '../http/openapi';
import { FILE_TYPES } from '../db/schema';
import { DEFAULT_DAYS, MAX_DAYS, MIN_DAYS } from './window';

export const AgendaQuery = InboxQuery.extend({
  days: z.string()
    .regex(/^\d{1,3}$/, `must be a whole number from ${MIN_DAYS} to ${MAX_DAYS}`)
    .refine((v) => Number(v) >= MIN_DAYS && Number(v) <= MAX_DAYS, `must be a whole number from ${MIN_DAYS} to ${MAX_DAYS}`)
    .optional()
    .openapi(integerParam(MIN_DAYS, MAX_DAYS, { description: `Length of the window in days, ${MIN_DAYS}–${MAX_DAYS} (default ${DEFAULT_DAYS}).`, example: DEFAULT_DAYS })),
});

const localDate = z.string().openapi({ example: '2026-06-01' });
const localTime = z.string().openapi({ description: 'Local wall time in the inbox zone.', example: '2026-06-01T09:00:00' });
const instant = z.string().openapi({ example: '2026-06-01T07:00:00Z' });

/*
 * One schema per item type. Every field of a type is always present (null when it has no
 * value), so a client can rely on the key set; the sources are typed by these schemas.
 */

const base = {
  id: z.string(),
  title: z.string(),
};

export const AgendaTaskItem = z.object({
  ...base,
  id: z.string().openapi({ description: 'The task\'s `uid`; for a pending action, the approval\'s id or the route recipient\'s id.', example: 'tsk_01jd5x7k3m0000000000000000' }),
  type: z.literal('task'),
  date: z.string().openapi({ description: 'The due date (`YYYY-MM-DD`); `""` for a pending action, which has none.', example: '2026-06-01' }),
  due: localDate.nullable().openapi({ description: 'The due date, or null (pending actions).' }),
  overdue: z.boolean().openapi({ description: 'Open and due before today.' }),
  pending: z.boolean().openapi({ description: 'A pending collaboration action — a call held for approval (`approval_id`), a work route request addressed to this inbox (`route_id`), a contact share to decide (`share_id`): listed first, no due date.' }),
  uid: z.string().nullable().openapi({ description: 'The task uid (null for a pending action: no task exists yet).' }),
  due_date: localDate.nullable().openapi({ description: 'Same as `due` (the task\'s own field name).' }),
  categories: z.array(z.string()),
  approval_id: z.string().nullable().openapi({ description: 'Pending actions: approve or reject it at /v1/approvals/{approval_id}/.' }),
  action_type: z.string().nullable().openapi({ description: 'Pending actions: the held call\'s scope.' }),
  token_label: z.string().nullable().openapi({ description: 'Pending actions: the label of the token that made the call.' }),
  queued_at: instant.nullable(),
  expires_at: instant.nullable(),
  route_id: z.string().nullable().openapi({ description: 'Route requests: the work route to answer (POST /v1/work-routes/{route_id}/responses/).' }),
  recipient_id: z.string().nullable().openapi({ description: 'Route requests: the `recipient_id` to answer as.' }),
  share_id: z.string().nullable().openapi({ description: 'Contact shares: accept or decline it at /v1/contacts/shares/{share_id}/accept/ or …/decline/.' }),
}).openapi('AgendaTaskItem');

export const AgendaEventItem = z.object({
  ...base,
  id: z.string().openapi({ description: 'The occurrence id: the event id, or `<series id>_<UTC basic start>` for an occurrence of a series.', example: 'evt_01jd5x7k3m0000000000000000_20260601T070000Z' }),
  type: z.literal('event'),
  date: localDate.openapi({ description: 'The local start date in the inbox zone (before the window for an event already running).' }),
  start: localTime.openapi({ description: 'Start as a local wall time in the inbox zone.' }),
  end: localTime.openapi({ description: 'End as a local wall time in the inbox zone.' }),
  calendar: z.string().openapi({ description: 'The calendar\'s name.', example: 'Personal' }),
  location: z.string().nullable(),
  time_zone: z.string().openapi({ description: 'The zone of `start` / `end` (the inbox zone).' }),
  start_at: instant,
  end_at: instant,
  calendar_id: z.string(),
  event_id: z.string().openapi({ description: 'Same as `id`.' }),
  recurring_event_id: z.string().nullable().openapi({ description: 'The series id for an occurrence of a series, else null.' }),
}).openapi('AgendaEventItem');

export const AgendaAnniversaryItem = z.object({
  ...base,
  id: z.string().openapi({ description: 'The contact\'s id.', example: 'ctc_01jd5x7k3m0000000000000000' }),
  type: z.literal('anniversary'),
  title: z.string().openapi({ example: 'Alice Smith — Birthday' }),
  date: localDate.openapi({ description: 'The observed date (Feb 29 per the inbox `leap_day_policy`).' }),
  contact_id: z.string(),
  contact_name: z.string(),
  anniversary_type: z.string().openapi({ example: 'birthday' }),
  anniversary_date: z.string().openapi({ description: 'The stored date, `YYYY-MM-DD` or `--MM-DD`.' }),
  years: z.number().int().nullable().openapi({ description: 'Years since the stored date (null when it has no year).' }),
}).openapi('AgendaAnniversaryItem');

export const AgendaThreadItem = z.object({
  ...base,
  id: z.string().openapi({ description: 'The unanswered message\'s id (the thread\'s latest, outbound).', example: 'msg_01jd5x7k3m0000000000000000' }),
  type: z.literal('thread'),
  title: z.string().openapi({ description: 'The thread\'s subject.', example: 'Contract draft' }),
  date: localDate.openapi({ description: 'The date it was sent, in the inbox zone.' }),
  sent_at: instant,
  to: z.array(z.string()).openapi({ description: 'Whom it was sent to (addresses).', example: ['alice@example.com'] }),
  thread_id: z.string(),
  message_id: z.string().openapi({ description: 'Same as `id`.' }),
}).openapi('AgendaThreadItem');

export const AgendaSuggestionItem = z.object({
  ...base,
  id: z.string().openapi({ description: 'The message that suggests the event.', example: 'msg_01jd5x7k3m0000000000000000' }),
  type: z.literal('suggestion'),
  date: localDate.openapi({ description: 'The local start date in the inbox zone.' }),
  start: localTime,
  start_at: instant,
  duration: z.string().openapi({ example: 'PT30M' }),
  location: z.string().openapi({ description: '`""` unless the message names a place.' }),
  time_zone: z.string(),
  message_id: z.string(),
  confirm_url: z.string().openapi({ description: 'POST here to create the event.', example: '/v1/messages/msg_01jd5x7k3m0000000000000000/suggested-events/' }),
  dismiss_url: z.string().openapi({ description: 'DELETE here to dismiss it.', example: '/v1/messages/msg_01jd5x7k3m0000000000000000/suggested-events/' }),
}).openapi('AgendaSuggestionItem');

export const AgendaWorkRouteItem = z.object({
  ...base,
  id: z.string().openapi({ description: 'The route\'s id.', example: 'rte_01jd5x7k3m0000000000000000' }),
  type: z.literal('work_route'),
  date: z.string().openapi({ description: 'The due date in the inbox zone (`YYYY-MM-DD`), or `""` without one.', example: '2026-06-05' }),
  due: localDate.nullable().openapi({ description: 'The due date, or null.' }),
  status: z.enum(['active']).openapi({ description: 'Shown until the route ends.' }),
  role: z.enum(['creator', 'recipient']),
  request_type: z.enum(['approval', 'acknowledgement', 'text_response']),
  waiting_on: z.number().int(),
  completed_recipients: z.number().int(),
  total_recipients: z.number().int(),
  route_id: z.string().openapi({ description: 'Same as `id`.' }),
  recipient_id: z.string().nullable().openapi({ description: 'For a recipient inbox: the recipient it answers as; null for the creator.' }),
}).openapi('AgendaWorkRouteItem');

export const AgendaFileItem = z.object({
  ...base,
  id: z.string().openapi({ description: 'The file\'s id.', example: 'fil_01jd5x7k3m0000000000000000' }),
  type: z.literal('file'),
  title: z.string().openapi({ description: 'The file\'s name.', example: 'Leads.csv' }),
  date: localDate.openapi({ description: 'The date it was created, in the inbox zone (yesterday or today).' }),
  file_id: z.string().openapi({ description: 'Same as `id`.' }),
  file_type: z.enum(FILE_TYPES),
  version: z.number().int(),
  updated_at: instant,
}).openapi('AgendaFileItem');

export const AgendaItem = z.discriminatedUnion('type', [AgendaTaskItem, AgendaEventItem, AgendaAnniversaryItem, AgendaThreadItem, AgendaSuggestionItem, AgendaFileItem, AgendaWorkRouteItem]).openapi('AgendaItem');

export type AgendaTaskItem = z.infer<typeof AgendaTaskItem>;
export type AgendaEventItem = z.infer<typeof AgendaEventItem>;
export type AgendaAnniversaryItem = z.infer<typeof AgendaAnniversaryItem>;
export type AgendaThreadItem = z.infer<typeof AgendaThreadItem>;
export type AgendaSuggestionItem = z.infer<typeof AgendaSuggestionItem>;
export type AgendaWorkRouteItem = z.infer<typeof AgendaWorkRouteItem>;
export type AgendaFileItem = z.infer<typeof AgendaFileItem>;
export type AgendaItem = z.infer<typeof AgendaItem>;

export const AgendaWindow = z.object({
  start: localDate.openapi({ description: 'First day of the window (today in the inbox zone), inclusive.', example: '2026-05-28' }),
  end: localDate.openapi({ description: 'The day after the last day: `start` + `days`, exclusive.', example: '2026-06-04' }),
  days: z.number().int(),
  time_zone: z.string().openapi({ description: 'The inbox `default_timezone`, else UTC.', example: 'Europe/Berlin' }),
  start_at: z.string().openapi({ description: 'The window as instants: [start_at, end_at), local midnights of `start` and `end`.', example: '2026-05-27T22:00:00Z' }),
  end_at: z.string().openapi({ example: '2026-06-03T22:00:00Z' }),
}).openapi('AgendaWindow');

export const Agenda = z.object({
  window: AgendaWindow,
  count: z.number().int(),
  items: z.array(AgendaItem),
}).openapi('Agenda');
