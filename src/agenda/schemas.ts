import { z } from '@hono/zod-openapi';
import { DEFAULT_DAYS, MAX_DAYS, MIN_DAYS } from './window';

export const AgendaQuery = z.object({
  inbox_id: z.string().optional().openapi({ description: 'Inbox id or address (session tokens).' }),
  days: z.string()
    .regex(/^\d{1,3}$/, `must be a whole number from ${MIN_DAYS} to ${MAX_DAYS}`)
    .refine((v) => Number(v) >= MIN_DAYS && Number(v) <= MAX_DAYS, `must be a whole number from ${MIN_DAYS} to ${MAX_DAYS}`)
    .optional()
    .openapi({ description: `Length of the window in days, ${MIN_DAYS}–${MAX_DAYS} (default ${DEFAULT_DAYS}).`, example: '7' }),
});

const localDate = z.string().openapi({ example: '2026-06-01' });
const localTime = z.string().openapi({ description: 'Local wall time in the inbox zone.', example: '2026-06-01T09:00:00' });

export const AgendaItem = z.looseObject({
  type: z.enum(['task', 'event', 'anniversary']).openapi({ description: 'More types (thread, suggestion, file, work_route) may appear later.' }),
  title: z.string(),
  date: localDate.nullable().openapi({ description: 'Local date in the inbox zone (a task\'s due date, an occurrence\'s start date, an anniversary\'s observed date); null only for pending approvals.' }),
  start: localTime.optional().openapi({ description: 'Events: start as a local wall time in the inbox zone.' }),
  end: localTime.optional().openapi({ description: 'Events: end as a local wall time in the inbox zone.' }),
  pending: z.boolean().optional().openapi({ description: 'Tasks: an action held for approval (see `approval_id`).' }),
  overdue: z.boolean().optional().openapi({ description: 'Tasks: open and due before today.' }),
  uid: z.string().optional().openapi({ description: 'Tasks: the task uid.' }),
  due_date: localDate.optional(),
  approval_id: z.string().optional(),
  event_id: z.string().optional().openapi({ description: 'Events: the occurrence id (`<series id>_<UTC basic start>` for a series).' }),
  recurring_event_id: z.string().nullable().optional(),
  calendar: z.string().optional().openapi({ description: 'Events: the calendar\'s name.' }),
  calendar_id: z.string().optional(),
  location: z.string().nullable().optional(),
  contact_id: z.string().optional(),
  contact_name: z.string().optional(),
  anniversary_type: z.string().optional(),
  anniversary_date: z.string().optional().openapi({ description: 'Anniversaries: the stored date, `YYYY-MM-DD` or `--MM-DD`.' }),
  years: z.number().int().nullable().optional().openapi({ description: 'Anniversaries: years since the stored date (null when it has no year).' }),
}).openapi('AgendaItem');

export const Agenda = z.object({
  window: z.object({
    start: localDate.openapi({ description: 'First day of the window (today in the inbox zone).' }),
    end: localDate.openapi({ description: 'Last day of the window, inclusive.', example: '2026-06-07' }),
    days: z.number().int(),
    time_zone: z.string().openapi({ description: 'The inbox `default_timezone`, else UTC.', example: 'Europe/Berlin' }),
    start_at: z.string().openapi({ description: 'The window as instants: [start_at, end_at).', example: '2026-05-31T22:00:00Z' }),
    end_at: z.string().openapi({ example: '2026-06-07T22:00:00Z' }),
  }),
  count: z.number().int(),
  items: z.array(AgendaItem),
}).openapi('Agenda');
