import { sql } from 'drizzle-orm';
import { isoZ, jsonRowsOf } from '../../db/sql';
import type { RouteRecipientStatus, RouteRequestType } from '../../db/schema';
import type { AgendaSource, AgendaTaskItem, AgendaWorkRouteItem, Ranked } from '../types';
import { jsonRows } from '../window';
import { localDate } from '../../time/zones';
import { routeCounts } from '../../work-routes/service';

type RouteRow = {
  id: string;
  title: string;
  request_type: RouteRequestType;
  due_at: string | null;
  created_at: string;
  statuses: RouteRecipientStatus[];
  /** Set when this inbox is the route's current recipient: the recipient it answers as. */
  recipient_id: string | null;
};

const REQUEST_TITLES: Record<RouteRequestType, string> = {
  approval: 'Approve', acknowledgement: 'Acknowledge', text_response: 'Answer',
};

/**
 * Active work routes (docs/calendar.md, docs/mail.md), whatever their due date: for the creator, one item with
 * the route's progress; for an inbox of the tenant the route is waiting on, the route as a
 * recipient sees it plus a pending task to answer it. Gone once the route ends.
 */
export const workRouteSource: AgendaSource = {
  key: 'work_routes',
  // Two index ranges: the routes this inbox created, and the requests waiting on it.
  query: ({ inbox }) => jsonRows(sql`
    SELECT w.id, w.title, w.request_type, CASE WHEN w.due_at IS NULL THEN NULL ELSE ${isoZ(sql`w.due_at`)} END AS due_at,
           ${isoZ(sql`w.created_at`)} AS created_at,
           (SELECT array_agg(r.status) FROM route_recipients r WHERE r.route_id = w.id) AS statuses,
           x.recipient_id
    FROM (
      SELECT w.id AS route_id, NULL::text AS recipient_id FROM work_routes w WHERE w.inbox_id = ${inbox.id} AND w.status = 'active'
      UNION ALL
      SELECT r.route_id, r.id FROM route_recipients r WHERE r.recipient_inbox_id = ${inbox.id} AND r.status = 'waiting'
    ) x
    JOIN work_routes w ON w.id = x.route_id AND w.status = 'active'`),
  items: (rows, { window }) => jsonRowsOf<RouteRow>(rows).flatMap((r): Ranked[] => {
    const due = r.due_at ? localDate(new Date(r.due_at), window.zone) : null;
    const route: Ranked<AgendaWorkRouteItem> = {
      id: r.recipient_id ?? r.id,
      sortTime: r.due_at ?? '',
      item: {
        id: r.id, type: 'work_route', title: r.title, date: due ?? '', due, status: 'active',
        role: r.recipient_id ? 'recipient' : 'creator', request_type: r.request_type,
        ...routeCounts(r.statuses.map((status) => ({ status }))),
        route_id: r.id, recipient_id: r.recipient_id,
      },
    };
    if (!r.recipient_id) return [route];
    const task: Ranked<AgendaTaskItem> = {
      id: r.recipient_id,
      sortTime: r.created_at,
      item: {
        id: r.recipient_id, type: 'task', title: `${REQUEST_TITLES[r.request_type]}: ${r.title}`, date: '', due: null, overdue: false, pending: true,
        uid: null, due_date: null, categories: [], approval_id: null, action_type: null, token_label: null,
        queued_at: null, expires_at: null, route_id: r.id, recipient_id: r.recipient_id, share_id: null,
      },
    };
    return [task, route];
  }),
};
