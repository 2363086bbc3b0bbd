import { sql } from 'drizzle-orm';
import { jsonRowsOf } from '../../db/sql';
import type { AgendaSource, AgendaTaskItem, Ranked } from '../types';
import { jsonRows } from '../window';

type TaskRow = {
  uid: string;
  summary: string;
  due_date: string;
  categories: string[];
};

/**
 * Open tasks due in the window (before its exclusive end date), and every open task already
 * overdue (due before today). The read is one range of `tasks_inbox_open_idx` (inbox, status,
 * due date). Undated tasks have no place in a window and are not shown.
 */
export const taskSource: AgendaSource = {
  key: 'tasks',
  query: ({ inbox, window }) => jsonRows(sql`
    SELECT uid, summary, due_date::text AS due_date, categories
    FROM tasks
    WHERE inbox_id = ${inbox.id} AND status = 'NEEDS-ACTION' AND due_date < ${window.endDate}::date`),
  items: (rows, { window }) => jsonRowsOf<TaskRow>(rows).map((t): Ranked<AgendaTaskItem> => ({
    id: t.uid,
    item: {
      id: t.uid, type: 'task', title: t.summary, date: t.due_date, due: t.due_date,
      overdue: t.due_date < window.startDate, pending: false,
      uid: t.uid, due_date: t.due_date, categories: t.categories,
      approval_id: null, action_type: null, token_label: null, queued_at: null, expires_at: null, route_id: null, recipient_id: null, share_id: null,
    },
  })),
};
