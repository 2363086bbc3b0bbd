import { sql } from 'drizzle-orm';
import { isoZ, jsonRowsOf } from '../../db/sql';
import type { AgendaSource, AgendaTaskItem, Ranked } from '../types';
import { jsonRows, ts } from '../window';

type ShareRow = {
  id: string;
  type: 'offer' | 'request';
  contact_address: string;
  from_address: string;
  created_at: string;
  expires_at: string;
};

/**
 * Contact shares this inbox must decide (docs/contacts.md): pending tasks with no date, carrying the
 * `share_id` to accept or decline; gone once decided or expired.
 */
export const shareSource: AgendaSource = {
  key: 'shares',
  query: ({ inbox, window }) => jsonRows(sql`
    SELECT s.id, s.type, s.contact_address, i.address AS from_address,
           ${isoZ(sql`s.created_at`)} AS created_at, ${isoZ(sql`s.expires_at`)} AS expires_at
    FROM contact_shares s JOIN inboxes i ON i.id = s.from_inbox_id
    WHERE s.to_inbox_id = ${inbox.id} AND s.status = 'pending' AND s.expires_at > ${ts(window.now)}`),
  items: (rows) => jsonRowsOf<ShareRow>(rows).map((s): Ranked<AgendaTaskItem> => ({
    id: s.id,
    sortTime: s.created_at,
    item: {
      id: s.id, type: 'task',
      title: s.type === 'offer' ? `${s.from_address} shares the contact ${s.contact_address}` : `${s.from_address} asks for the contact ${s.contact_address}`,
      date: '', due: null, overdue: false, pending: true, uid: null, due_date: null, categories: [],
      approval_id: null, action_type: null, token_label: null, queued_at: s.created_at, expires_at: s.expires_at,
      route_id: null, recipient_id: null, share_id: s.id,
    },
  })),
};
