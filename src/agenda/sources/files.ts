import { sql } from 'drizzle-orm';
import { isoZ, jsonRowsOf } from '../../db/sql';
import type { FileType } from '../../db/schema';
import { addDays, localDate, wallToInstant } from '../../time/zones';
import type { AgendaFileItem, AgendaSource, Ranked } from '../types';
import { jsonRows, ts } from '../window';

type FileRow = { id: string; name: string; file_type: FileType; version: number; created_at: string; updated_at: string };

/**
 * Files created since the start of yesterday in the inbox zone (docs/calendar.md, docs/files.md), whatever the
 * window: new material the agent should look at. Dated by their creation, in the inbox zone.
 */
export const fileSource: AgendaSource = {
  key: 'files',
  query: ({ inbox, window }) => jsonRows(sql`
    SELECT f.id, f.name, f.file_type, f.version, ${isoZ(sql`f.created_at`)} AS created_at, ${isoZ(sql`f.updated_at`)} AS updated_at
    FROM files f
    WHERE f.inbox_id = ${inbox.id} AND f.created_at >= ${ts(wallToInstant(`${addDays(window.startDate, -1)}T00:00:00`, window.zone).instant)}`),
  items: (rows, { window }) => jsonRowsOf<FileRow>(rows).map((f): Ranked<AgendaFileItem> => ({
    id: f.id,
    sortTime: f.created_at,
    item: {
      id: f.id, type: 'file', title: f.name, date: localDate(new Date(f.created_at), window.zone),
      file_id: f.id, file_type: f.file_type, version: f.version, updated_at: f.updated_at,
    },
  })),
};
