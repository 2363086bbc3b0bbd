import { createRoute } from '@hono/zod-openapi';
import { newRouter } from '../http/router';
import { requireScope } from '../http/auth';
import { errorResponses } from '../http/openapi';
import { Agenda, AgendaQuery } from './schemas';
import { buildAgenda } from './service';
import { DEFAULT_DAYS } from './window';

export const agendaRouter = newRouter();

agendaRouter.openapi(createRoute({
  method: 'get', path: '/v1/agenda/', tags: ['Agenda'], summary: 'What is coming up: tasks, events, anniversaries, mail, work routes',
  description: [
    'The window starts today 00:00 in the inbox zone (`default_timezone`, else UTC) and spans `days` whole days, half-open: `window.start` is today and `window.end` is `start` + `days`, exclusive (start `2026-05-28`, days 7 → end `2026-06-04`);',
    '`window.start_at` / `window.end_at` are the same span as UTC instants [start_at, end_at) (the local midnights of `start` and `end`; a midnight a DST change skips resolves forward). Every source uses this one window: nothing dated `end` or later appears (active work routes and new files excepted: they show whatever the window).',
    'Every item has `id`, `type`, `title` and `date` (local `YYYY-MM-DD`, or `""` when it has none) and every field of its type, always (null where it has no value): see AgendaTaskItem, AgendaEventItem, AgendaAnniversaryItem, AgendaThreadItem, AgendaSuggestionItem, AgendaWorkRouteItem, AgendaFileItem.',
    'Items: open tasks due in the window, and overdue ones (`overdue: true`), `id` = the task uid, `due` = its due date; pending collaboration actions as tasks with `pending: true`, `date: ""`, `due: null` — calls held for approval (`id` = `approval_id`), work route requests waiting on this inbox (`id` = its `recipient_id`, with `route_id`) and contact shares it must accept or decline (with `share_id`);',
    'event occurrences overlapping the window (series expanded in their own zone, overrides applied; never the Tasks calendar, never cancelled), `id` = the occurrence id (`<series id>_<UTC basic start>` for a series), `start` / `end` as local wall times in the inbox zone — an event ending exactly at the window start, or starting exactly at its end, is out;',
    'contact anniversaries observed in the window (Feb 29 per the inbox `leap_day_policy`), `id` = the contact id, titled like `Alice Smith — Birthday`;',
    'missed replies (`thread`, when `missed_reply_threshold_days` is set) and open suggested events starting in the window (`suggestion`);',
    'active work routes this inbox created (`role: "creator"`, with `waiting_on`, `completed_recipients`, `total_recipients`) or is the current recipient of (`role: "recipient"`), whatever their due date, `date` = the due date in the inbox zone or `""`; files created since the start of yesterday in the inbox zone (`file`).',
    'Order: pending first, then overdue, then missed replies (oldest first), then by date and time ascending (all-day items before timed ones on a date; items with no date last), ties by title then id.',
  ].join(' '),
  middleware: [requireScope('read')],
  request: { query: AgendaQuery },
  responses: { 200: { description: 'The agenda.', content: { 'application/json': { schema: Agenda } } }, ...errorResponses },
}), async (c) => {
  const days = Number(c.req.valid('query').days ?? DEFAULT_DAYS);
  return c.json(await buildAgenda(c.get('db'), c.get('inbox'), days, c.get('now')), 200);
});
