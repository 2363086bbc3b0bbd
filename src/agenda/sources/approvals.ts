import { sql } from 'drizzle-orm';
import { jsonRowsOf } from '../../db/sql';
import type { AgendaSource, AgendaTaskItem, Ranked } from '../types';
import { jsonRows, ts } from '../window';
import { toIsoZ } from '../../time/zones';

type ApprovalRow = {
  id: string;
  summary: string;
  action_type: string;
  token_label: string;
  queued_at: string;
  expires_at: string;
};

/**
 * Actions held for approval show as pending tasks: they have no date (`""`, due null), come
 * first, and carry the `approval_id` (also their `id`) to approve or reject them with. Expired
 * ones are gone (they can no longer run).
 */
export const approvalSource: AgendaSource = {
  key: 'approvals',
  query: ({ inbox, window }) => jsonRows(sql`
    SELECT id, summary, action_type, token_label, queued_at, expires_at
    FROM approvals
    WHERE inbox_id = ${inbox.id} AND status = 'pending' AND expires_at > ${ts(window.now)}`),
  items: (rows) => jsonRowsOf<ApprovalRow>(rows).map((a): Ranked<AgendaTaskItem> => {
    const queuedAt = toIsoZ(new Date(a.queued_at));
    return {
      id: a.id,
      sortTime: queuedAt,
      item: {
        id: a.id, type: 'task', title: a.summary, date: '', due: null, overdue: false, pending: true,
        uid: null, due_date: null, categories: [],
        approval_id: a.id, action_type: a.action_type, token_label: a.token_label,
        queued_at: queuedAt, expires_at: toIsoZ(new Date(a.expires_at)), route_id: null, recipient_id: null, share_id: null,
      },
    };
  }),
};
