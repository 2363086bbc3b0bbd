import { sql } from 'drizzle-orm';
import { isoZ, jsonRowsOf } from '../../db/sql';
import type { AgendaSource, AgendaThreadItem, Ranked } from '../types';
import { jsonRows, ts } from '../window';
import { localDate } from '../../time/zones';

type MissedReplyRow = {
  id: string;
  thread_id: string;
  subject: string;
  sent_at: string;
  to: { email: string; name: string | null }[];
};

const DAY_MS = 86_400_000;
/** Threads older than this are not shown (docs/mail.md). */
const MISSED_REPLY_HORIZON_DAYS = 90;

/**
 * Missed replies (docs/mail.md): threads whose latest message is one the inbox sent more than
 * `missed_reply_threshold_days` ago (and at most 90 days ago), with nothing received since. Only
 * when the inbox sets a threshold. One range of the partial index `threads_awaiting_idx`, from
 * the thread rows alone (they keep their last message's time, status and recipients).
 */
export const threadSource: AgendaSource = {
  key: 'threads',
  query: ({ inbox, window }) => {
    const days = inbox.missedReplyThresholdDays;
    if (days === null || days === undefined) return sql`SELECT '[]'::json`;
    const sentBefore = new Date(window.now.getTime() - days * DAY_MS);
    const horizon = new Date(window.now.getTime() - MISSED_REPLY_HORIZON_DAYS * DAY_MS);
    return jsonRows(sql`
      SELECT t.last_message_id AS id, t.id AS thread_id, t.subject, ${isoZ(sql`t.last_sent_at`)} AS sent_at, t.last_to AS "to"
      FROM threads t
      WHERE t.inbox_id = ${inbox.id} AND t.last_direction = 'outbound'
        AND t.last_message_at < ${ts(sentBefore)} AND t.last_message_at >= ${ts(horizon)}
        AND t.last_status = 'sent'`);
  },
  items: (rows, { window }) => jsonRowsOf<MissedReplyRow>(rows).map((t): Ranked<AgendaThreadItem> => ({
    id: t.id,
    sortTime: t.sent_at,
    item: {
      id: t.id, type: 'thread', title: t.subject, date: localDate(new Date(t.sent_at), window.zone),
      sent_at: t.sent_at, to: t.to.map((a) => a.email), thread_id: t.thread_id, message_id: t.id,
    },
  })),
};
