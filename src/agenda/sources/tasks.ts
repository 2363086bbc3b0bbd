import { sql } from 'drizzle-orm';
import type { AgendaSource, Ranked } from '../types';
import { jsonRows } from '../window';

interface TaskRow {
  uid: string;
  summary: string;
  due_date: string;
  categories: string[];
}

/**
 * Open tasks due in the window, and every open task already overdue (due before today). The
 * read is one range of `tasks_inbox_open_idx` (inbox, status, due date).
 */
export const taskSource: AgendaSource = {
  key: 'tasks',
  query: ({ inbox, window }) => jsonRows(sql`
    SELECT uid, summary, due_date::text AS due_date, categories
    FROM tasks
    WHERE inbox_id = ${inbox.id} AND status = 'NEEDS-ACTION' AND due_date < ${window.endDate}::date`),
  items: (rows, { window }) => (rows as TaskRow[]).map((t): Ranked => {
    const overdue = t.due_date < window.startDate;
    return {
      id: t.uid,
      item: {
        type: 'task', title: t.summary, date: t.due_date, pending: false, overdue,
        uid: t.uid, due_date: t.due_date, categories: t.categories,
      },
    };
  }),
};
