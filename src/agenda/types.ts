import type { SQL } from 'drizzle-orm';
import type { Inbox } from '../http/context';

/**
 * The agenda's window: `days` whole local days of the inbox zone, from today 00:00.
 * Dates are local `YYYY-MM-DD`; instants bound the same span as [startAt, endAt).
 */
export interface AgendaWindow {
  zone: string;
  days: number;
  /** Today in the inbox zone: the first day of the window. */
  startDate: string;
  /** The last day of the window (inclusive). */
  lastDate: string;
  /** The day after the window (exclusive bound for date comparisons). */
  endDate: string;
  startAt: Date;
  endAt: Date;
  now: Date;
}

export interface AgendaContext {
  inbox: Inbox;
  window: AgendaWindow;
}

/** The seed's later types (thread, suggestion, file, work_route) join this union as sources. */
export type AgendaItemType = 'task' | 'event' | 'anniversary';

/** Fields every agenda item has; each type adds its own. */
export interface AgendaItemBase {
  type: AgendaItemType;
  title: string;
  /** Local date in the inbox zone; null only for pending approvals, which have none. */
  date: string | null;
  /** Local wall time in the inbox zone (`YYYY-MM-DDTHH:mm:ss`) for timed items. */
  start?: string;
  pending?: boolean;
  overdue?: boolean;
  [field: string]: unknown;
}

/** An item plus what it sorts by; `id` is the stable last tie-break. */
export interface Ranked {
  item: AgendaItemBase;
  id: string;
  /** For items without a date (pending approvals): when they were queued, as an ISO instant. */
  sortTime?: string;
}

/**
 * One kind of agenda item. `query` is a scalar subquery yielding a JSON array of rows, so every
 * source is read in the same single statement; `items` turns those rows into agenda items
 * (expanding series, applying policies) in the Worker.
 */
export interface AgendaSource {
  key: string;
  query(ctx: AgendaContext): SQL;
  items(rows: unknown[], ctx: AgendaContext): Ranked[];
}
