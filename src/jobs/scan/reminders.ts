/**
 * Due event reminders of single events and of series' occurrences from the occurrence index
 * (src/calendar/occurrence-index.ts; moved ones of series it has not taken in by their override):
 * one SELECT of facts, made into payloads by the one builder. Series the index does not cover
 * far enough are expanded in series.ts instead; a firing both find is one ledger row.
 *
 * A reminder is due when an occurrence's start minus the alert's offset falls in the window, i.e.
 * its start falls in (from + offset, to + offset]. The scan first reads the distinct offsets of
 * the reminder alerts (a handful); each becomes a range with constant bounds on the start_at
 * indexes, so the planner reads exactly the events starting in that minute, never every event.
 * It does not fire for a cancelled event, nor when its time had already passed when the start
 * was last set (`armed_at`), and `event.updated` only for events changed after creation. The
 * source key holds the occurrence's start, so a rescheduled event fires for its new start and
 * never again for the old one.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { EventStatus, OffsetUnit } from '../../db/schema';
import { asDate, asDateOrNull, rowsOf, type Queryable } from '../../db/sql';
import type { FiringInput } from '../../alerts/ledger';
import { eventReminderData, offsetOf } from '../../alerts/payload';
import { toIsoZ } from '../../time/zones';
import { occurrenceId } from '../../time/occurrences';
import type { ScanWindow } from './window';

/** Enabled alerts that want event reminders, with their offset in seconds (`lead_s`). */
export const reminderSubs = sql`
  SELECT a.id AS alert_id, a.inbox_id, a.filter, a.offset_value, a.offset_unit,
    COALESCE(a.offset_value, 0) * CASE a.offset_unit WHEN 'minutes' THEN 60 WHEN 'hours' THEN 3600 WHEN 'days' THEN 86400 ELSE 0 END AS lead_s,
    'event.created' = ANY(a.events) AS on_created, 'event.updated' = ANY(a.events) AS on_updated
  FROM alerts a
  WHERE a.enabled AND a.events && ARRAY['event.created', 'event.updated']::text[]`;

/** The distinct reminder offsets (seconds) of enabled alerts; empty when nobody wants reminders. */
export async function reminderLeads(db: Queryable): Promise<number[]> {
  const rows = await rowsOf<{ lead_s: number | string }>(db, sql`SELECT DISTINCT lead_s FROM (${reminderSubs}) s ORDER BY lead_s`);
  return rows.map((r) => Number(r.lead_s));
}

/** `(col > from + lead AND col <= to + lead)` for one offset, with constant bounds. */
export function shiftedWindow(col: SQL, w: ScanWindow, leadSeconds: number): SQL {
  const lo = new Date(w.from.getTime() + leadSeconds * 1000).toISOString();
  const hi = new Date(w.to.getTime() + leadSeconds * 1000).toISOString();
  return sql`(${col} > ${lo}::timestamptz AND ${col} <= ${hi}::timestamptz)`;
}

export function dueRemindersSql(w: ScanWindow, leads: number[]) {
  const starting = sql.join(leads.map((lead) => sql`
    SELECT ${lead}::int AS lead_s, e.* FROM events e
    WHERE ${shiftedWindow(sql`e.start_at`, w, lead)} AND NOT e.is_recurring AND e.status <> 'cancelled'`), sql` UNION ALL `);
  const moving = sql.join(leads.map((lead) => sql`
    SELECT ${lead}::int AS lead_s, o.* FROM event_overrides o
    WHERE ${shiftedWindow(sql`o.start_at`, w, lead)} AND o.start_at <> o.original_start_at`), sql` UNION ALL `);
  const indexed = sql.join(leads.map((lead) => sql`
    SELECT ${lead}::int AS lead_s, x.event_id, x.inbox_id, x.original_start_at, x.occurs_at FROM event_occurrences x
    WHERE ${shiftedWindow(sql`x.occurs_at`, w, lead)} AND x.id <> x.event_id`), sql` UNION ALL `);
  // The three kinds of start are read first, each an index range over its minute
  // (MATERIALIZED: a few rows), then hashed against the subscriptions — never one probe per
  // subscribed inbox, which is what the planner picks when it may inline them.
  return sql`
    WITH subs AS MATERIALIZED (${reminderSubs}),
    starting AS MATERIALIZED (${starting}),
    moving AS MATERIALIZED (${moving}),
    indexed AS MATERIALIZED (${indexed})
    SELECT s.alert_id, s.inbox_id, s.offset_value, s.offset_unit, s.lead_s, s.on_updated,
      e.id AS event_id, NULL::timestamptz AS original_start_at, e.start_at, e.updated_at > e.created_at AS changed,
      e.calendar_id, e.title, COALESCE(i.default_timezone, e.time_zone) AS zone, e.duration, e.location, e.status
    FROM starting e
    JOIN subs s ON s.inbox_id = e.inbox_id AND s.lead_s = e.lead_s
    JOIN inboxes i ON i.id = s.inbox_id
    WHERE e.armed_at <= e.start_at - make_interval(secs => s.lead_s)
      AND (s.on_created OR e.updated_at > e.created_at)
      AND (s.filter->'calendar_ids' IS NULL OR s.filter->'calendar_ids' ? e.calendar_id)
    UNION ALL
    -- An occurrence moved off its series' rhythm, of a series the occurrence index has not
    -- taken in: found by its new start. (Indexed ones have their row, read below.)
    SELECT s.alert_id, s.inbox_id, s.offset_value, s.offset_unit, s.lead_s, s.on_updated,
      e.id, o.original_start_at, o.start_at, GREATEST(e.updated_at, o.updated_at) > e.created_at,
      e.calendar_id, COALESCE(o.title, e.title), COALESCE(i.default_timezone, e.time_zone),
      COALESCE(o.duration, e.duration), COALESCE(o.location, e.location), COALESCE(o.status, e.status)
    FROM moving o
    JOIN subs s ON s.inbox_id = o.inbox_id AND s.lead_s = o.lead_s
    JOIN events e ON e.id = o.event_id
    JOIN inboxes i ON i.id = s.inbox_id
    WHERE e.unindexed_from = '-infinity' AND e.status <> 'cancelled' AND COALESCE(o.status, e.status) <> 'cancelled'
      AND GREATEST(e.armed_at, o.armed_at) <= o.start_at - make_interval(secs => s.lead_s)
      AND (s.on_created OR GREATEST(e.updated_at, o.updated_at) > e.created_at)
      AND (s.filter->'calendar_ids' IS NULL OR s.filter->'calendar_ids' ? e.calendar_id)
    UNION ALL
    -- Occurrences of series from the occurrence index, changes applied: exactly those starting
    -- in the shifted window, moved or not.
    SELECT s.alert_id, s.inbox_id, s.offset_value, s.offset_unit, s.lead_s, s.on_updated,
      e.id, x.original_start_at, x.occurs_at, GREATEST(e.updated_at, o.updated_at) > e.created_at,
      e.calendar_id, COALESCE(o.title, e.title), COALESCE(i.default_timezone, e.time_zone),
      COALESCE(o.duration, e.duration), COALESCE(o.location, e.location), COALESCE(o.status, e.status)
    FROM indexed x
    JOIN subs s ON s.inbox_id = x.inbox_id AND s.lead_s = x.lead_s
    JOIN events e ON e.id = x.event_id
    JOIN inboxes i ON i.id = s.inbox_id
    LEFT JOIN event_overrides o ON o.event_id = x.event_id AND o.original_start_at = x.original_start_at
    WHERE e.status <> 'cancelled' AND COALESCE(o.status, e.status) <> 'cancelled'
      AND GREATEST(e.armed_at, o.armed_at) <= x.occurs_at - make_interval(secs => s.lead_s)
      AND (s.on_created OR GREATEST(e.updated_at, o.updated_at) > e.created_at)
      AND (s.filter->'calendar_ids' IS NULL OR s.filter->'calendar_ids' ? e.calendar_id)`;
}

type DueReminder = {
  alert_id: string;
  inbox_id: string;
  offset_value: number | null;
  offset_unit: OffsetUnit | null;
  lead_s: number;
  on_updated: boolean;
  event_id: string;
  /** Set for a moved occurrence of a series: the start its id is made of (timestamptz text). */
  original_start_at: string | null;
  start_at: string;
  changed: boolean;
  calendar_id: string;
  title: string;
  zone: string;
  duration: string | null;
  location: string | null;
  status: EventStatus;
};

/**
 * The single-event and moved-occurrence reminders due in the window. The source key holds the
 * occurrence's start, so a rescheduled event fires for its new start and never for the old one.
 */
export async function dueReminderFirings(db: Queryable, w: ScanWindow, leads: number[]): Promise<FiringInput[]> {
  if (leads.length === 0) return [];
  const rows = await rowsOf<DueReminder>(db, dueRemindersSql(w, leads));
  return rows.map((r) => {
    const startAt = asDate(r.start_at);
    const original = asDateOrNull(r.original_start_at);
    return {
      inboxId: r.inbox_id,
      alertId: r.alert_id,
      sourceKey: `event:${r.event_id}:${toIsoZ(startAt)}`,
      type: r.changed && r.on_updated ? 'event.updated' : 'event.created',
      scheduledFor: new Date(startAt.getTime() - Number(r.lead_s) * 1000),
      payload: eventReminderData({
        eventId: original ? occurrenceId(r.event_id, original) : r.event_id,
        recurringEventId: original ? r.event_id : null,
        calendarId: r.calendar_id,
        title: r.title,
        startAt,
        displayZone: r.zone,
        duration: r.duration,
        location: r.location,
        status: r.status,
      }, offsetOf(r.offset_value, r.offset_unit)),
    };
  });
}
