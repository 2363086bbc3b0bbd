import { sql, type SQL } from 'drizzle-orm';
import type { Inbox } from '../http/context';
import { addDays, localDate, wallToInstant } from '../time/zones';
import type { AgendaWindow } from './types';

export const MIN_DAYS = 1;
export const MAX_DAYS = 30;
export const DEFAULT_DAYS = 7;

/** The inbox's zone: its `default_timezone`, else UTC. */
export function zoneOf(inbox: Inbox): string {
  return inbox.defaultTimezone ?? 'UTC';
}

/**
 * Today 00:00 in the inbox zone, for `days` days. A midnight that a DST change skips (some zones
 * switch at 00:00) resolves forward, like every wall time in this API.
 */
export function agendaWindow(inbox: Inbox, days: number, now: Date): AgendaWindow {
  const zone = zoneOf(inbox);
  const startDate = localDate(now, zone);
  const endDate = addDays(startDate, days);
  return {
    zone,
    days,
    startDate,
    lastDate: addDays(startDate, days - 1),
    endDate,
    startAt: wallToInstant(`${startDate}T00:00:00`, zone).instant,
    endAt: wallToInstant(`${endDate}T00:00:00`, zone).instant,
    now,
  };
}

/** A timestamptz parameter (the driver would otherwise send a Date in the session's zone). */
export function ts(d: Date): SQL {
  return sql`${d.toISOString()}::timestamptz`;
}

/** Wraps a row query so it yields one JSON array (empty, never null). */
export function jsonRows(rows: SQL): SQL {
  return sql`SELECT COALESCE(json_agg(r), '[]'::json) FROM (${rows}) r`;
}
