import { createRoute } from '@hono/zod-openapi';
import { newRouter } from '../http/router';
import { requireScope } from '../http/auth';
import { errorResponses } from '../http/openapi';
import { Agenda, AgendaQuery } from './schemas';
import { buildAgenda } from './service';
import { DEFAULT_DAYS } from './window';

export const agendaRouter = newRouter();

agendaRouter.openapi(createRoute({
  method: 'get', path: '/v1/agenda/', tags: ['Agenda'], summary: 'What is coming up: tasks, events, anniversaries',
  description: [
    'The window starts today 00:00 in the inbox zone (`default_timezone`, else UTC) and spans `days` whole days.',
    '`window.start` / `window.end` are the first and last local dates (inclusive); `window.start_at` / `window.end_at` are the same span as UTC instants [start, end).',
    'Every item has `type`, `title` and `date` (local `YYYY-MM-DD`); events add `start` / `end` as local wall times in the inbox zone.',
    'Items: open tasks due in the window, and overdue ones (`overdue: true`); actions held for approval as tasks with `pending: true`, no date, and their `approval_id`;',
    'event occurrences overlapping the window (series expanded in their own zone, overrides applied; never the Tasks calendar, never cancelled) — an event ending exactly at the window start is out;',
    'contact anniversaries observed in the window (Feb 29 per the inbox `leap_day_policy`), titled like `Alice Smith — Birthday`.',
    'Order: pending first, then overdue, then by date and time ascending (all-day items before timed ones on a date), ties by title then id.',
  ].join(' '),
  middleware: [requireScope('read')],
  request: { query: AgendaQuery },
  responses: { 200: { description: 'The agenda.', content: { 'application/json': { schema: Agenda } } }, ...errorResponses },
}), async (c) => {
  const days = Number(c.req.valid('query').days ?? DEFAULT_DAYS);
  return c.json(await buildAgenda(c.get('db'), c.get('inbox'), days, c.get('now')), 200);
});
