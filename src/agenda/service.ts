import type { Queryable } from '../db/sql';
import { sql } from 'drizzle-orm';
import type { Inbox } from '../http/context';
import { toIsoZ } from '../time/zones';
import { compareAgenda } from './order';
import type { AgendaContext, AgendaSource } from './types';
import { agendaWindow } from './window';
import { approvalSource } from './sources/approvals';
import { taskSource } from './sources/tasks';
import { eventSource } from './sources/events';
import { anniversarySource } from './sources/anniversaries';
import { threadSource } from './sources/threads';
import { suggestionSource } from './sources/suggestions';
import { workRouteSource } from './sources/work-routes';
import { shareSource } from './sources/shares';
import { fileSource } from './sources/files';

/** Every kind of item the agenda shows; a new kind is one more module here. */
export const AGENDA_SOURCES: readonly AgendaSource[] = [approvalSource, taskSource, eventSource, anniversarySource, threadSource, suggestionSource, workRouteSource, shareSource, fileSource];

/**
 * The agenda in one database round trip: every source's rows come back as one JSON array
 * column of a single-row SELECT, then each source shapes its items in the Worker.
 */
export async function buildAgenda(db: Queryable, inbox: Inbox, days: number, now: Date, sources: readonly AgendaSource[] = AGENDA_SOURCES) {
  const window = agendaWindow(inbox, days, now);
  const ctx: AgendaContext = { inbox, window };
  const columns = sources.map((s) => sql`(${s.query(ctx)}) AS ${sql.identifier(s.key)}`);
  const { rows } = await db.execute(sql`SELECT ${sql.join(columns, sql`, `)}`);
  const row = rows[0] as Record<string, unknown[] | null>;
  const items = sources.flatMap((s) => s.items(row[s.key] ?? [], ctx)).sort(compareAgenda).map((r) => r.item);
  return {
    window: {
      start: window.startDate,
      end: window.endDate, // exclusive: start + days (docs/calendar.md)
      days,
      time_zone: window.zone,
      start_at: toIsoZ(window.startAt),
      end_at: toIsoZ(window.endAt),
    },
    count: items.length,
    items,
  };
}
