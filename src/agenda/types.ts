import type { SQL } from 'drizzle-orm';
import type { Inbox } from '../http/context';
import type { AgendaItem } from './schemas';

/**
 * The agenda's window: `days` whole local days of the inbox zone, from today 00:00.
 * Dates are local `YYYY-MM-DD`: [startDate, endDate); instants bound the same span as
 * [startAt, endAt), the local midnights of startDate and endDate. Every source uses this one
 * half-open window.
 */
export interface AgendaWindow {
  zone: string;
  days: number;
  /** Today in the inbox zone: the first day of the window. */
  startDate: string;
  /** The last day of the window (inclusive): endDate − 1. */
  lastDate: string;
  /** startDate + days: the exclusive end (`window.end` of the response). */
  endDate: string;
  startAt: Date;
  endAt: Date;
  now: Date;
}

export interface AgendaContext {
  inbox: Inbox;
  window: AgendaWindow;
}

/** The item shapes, one per type (src/agenda/schemas.ts): the seed's seven. */
export type { AgendaTaskItem, AgendaEventItem, AgendaAnniversaryItem, AgendaThreadItem, AgendaSuggestionItem, AgendaFileItem, AgendaWorkRouteItem } from './schemas';

/** An item plus what it sorts by; `id` is the stable last tie-break. */
export interface Ranked<T extends AgendaItem = AgendaItem> {
  item: T;
  id: string;
  /** For items without a date (pending approvals): when they were queued, as an ISO instant;
   * for timed items: their start. */
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
