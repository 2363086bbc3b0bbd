import { sql } from 'drizzle-orm';
import { isoZ, jsonRowsOf } from '../../db/sql';
import type { AgendaSource, AgendaSuggestionItem, Ranked } from '../types';
import { jsonRows, ts } from '../window';
import { instantToWall } from '../../time/zones';
import { suggestionPath } from '../../mail/suggestions';

type SuggestionRow = {
  message_id: string;
  title: string;
  start_at: string;
  duration: string;
  location: string;
};

/**
 * Open suggested events (docs/mail.md) whose start falls in the window; `start` in the inbox zone,
 * like every agenda time. One range of the partial index `message_suggestions_open_idx`.
 */
export const suggestionSource: AgendaSource = {
  key: 'suggestions',
  query: ({ inbox, window }) => jsonRows(sql`
    SELECT message_id, title, ${isoZ(sql`start_at`)} AS start_at, duration, location
    FROM message_suggestions
    WHERE inbox_id = ${inbox.id} AND status = 'open' AND start_at >= ${ts(window.startAt)} AND start_at < ${ts(window.endAt)}`),
  items: (rows, { window }) => jsonRowsOf<SuggestionRow>(rows).map((s): Ranked<AgendaSuggestionItem> => {
    const start = instantToWall(new Date(s.start_at), window.zone);
    return {
      id: s.message_id,
      sortTime: s.start_at,
      item: {
        id: s.message_id, type: 'suggestion', title: s.title, date: start.slice(0, 10), start, start_at: s.start_at,
        duration: s.duration, location: s.location, time_zone: window.zone, message_id: s.message_id,
        confirm_url: suggestionPath(s.message_id), dismiss_url: suggestionPath(s.message_id),
      },
    };
  }),
};
