/**
 * Due event reminders of single events and of moved occurrences, recorded in one INSERT … SELECT
 * (recurring series are expanded in series.ts).
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
import type { Db } from '../../db/client';
import { idExpr, INSERT_COLUMNS, isoZ, offsetJson, wallIn } from './sql';
import type { ScanWindow } from './window';

/** Enabled alerts that want event reminders, with their offset in seconds (`lead_s`). */
export const reminderSubs = sql`
  SELECT a.id AS alert_id, a.inbox_id, a.filter, a.offset_value, a.offset_unit,
    COALESCE(a.offset_value, 0) * CASE a.offset_unit WHEN 'minutes' THEN 60 WHEN 'hours' THEN 3600 WHEN 'days' THEN 86400 ELSE 0 END AS lead_s,
    'event.created' = ANY(a.events) AS on_created, 'event.updated' = ANY(a.events) AS on_updated
  FROM alerts a
  WHERE a.enabled AND a.events && ARRAY['event.created', 'event.updated']::text[]`;

/** The distinct reminder offsets (seconds) of enabled alerts; empty when nobody wants reminders. */
export async function reminderLeads(db: Db): Promise<number[]> {
  const { rows } = await db.execute(sql`SELECT DISTINCT lead_s FROM (${reminderSubs}) s ORDER BY lead_s`);
  return rows.map((r) => Number((r as { lead_s: number | string }).lead_s));
}

/** `(col > from + lead AND col <= to + lead)` for one offset, with constant bounds. */
export function shiftedWindow(col: SQL, w: ScanWindow, leadSeconds: number): SQL {
  const lo = new Date(w.from.getTime() + leadSeconds * 1000).toISOString();
  const hi = new Date(w.to.getTime() + leadSeconds * 1000).toISOString();
  return sql`(${col} > ${lo}::timestamptz AND ${col} <= ${hi}::timestamptz)`;
}

export function dueRemindersSql(w: ScanWindow, now: Date, leads: number[]) {
  const at = now.toISOString();
  const zone = sql`COALESCE(i.default_timezone, e.time_zone)`;
  const starting = sql.join(leads.map((lead) => sql`
    SELECT ${lead}::int AS lead_s, e.* FROM events e
    WHERE ${shiftedWindow(sql`e.start_at`, w, lead)} AND NOT e.is_recurring AND e.status <> 'cancelled'`), sql` UNION ALL `);
  const moving = sql.join(leads.map((lead) => sql`
    SELECT ${lead}::int AS lead_s, o.* FROM event_overrides o
    WHERE ${shiftedWindow(sql`o.start_at`, w, lead)} AND o.start_at <> o.original_start_at`), sql` UNION ALL `);
  return sql`
    WITH subs AS (${reminderSubs}),
    starting AS (${starting}),
    moving AS (${moving}),
    single AS (
      SELECT s.alert_id, s.inbox_id, s.offset_value, s.offset_unit, s.lead_s, s.on_updated,
        e.id AS key_id, e.start_at, e.updated_at > e.created_at AS changed,
        jsonb_build_object(
          'event_id', e.id, 'recurring_event_id', NULL, 'calendar_id', e.calendar_id, 'title', e.title,
          'start', ${wallIn(sql`e.start_at`, zone)}, 'start_at', ${isoZ(sql`e.start_at`)}, 'time_zone', ${zone},
          'duration', e.duration, 'location', e.location, 'status', e.status,
          'date', left(${wallIn(sql`e.start_at`, zone)}, 10)
        ) AS data
      FROM starting e
      JOIN subs s ON s.inbox_id = e.inbox_id AND s.lead_s = e.lead_s
      JOIN inboxes i ON i.id = s.inbox_id
      WHERE e.armed_at <= e.start_at - make_interval(secs => s.lead_s)
        AND (s.on_created OR e.updated_at > e.created_at)
        AND (s.filter->'calendar_ids' IS NULL OR s.filter->'calendar_ids' ? e.calendar_id)
    ),
    moved AS (
      -- An occurrence moved off its series' rhythm: found by its new start.
      SELECT s.alert_id, s.inbox_id, s.offset_value, s.offset_unit, s.lead_s, s.on_updated,
        e.id AS key_id, o.start_at, GREATEST(e.updated_at, o.updated_at) > e.created_at AS changed,
        jsonb_build_object(
          'event_id', e.id || '_' || to_char(o.original_start_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
          'recurring_event_id', e.id, 'calendar_id', e.calendar_id, 'title', COALESCE(o.title, e.title),
          'start', ${wallIn(sql`o.start_at`, zone)}, 'start_at', ${isoZ(sql`o.start_at`)}, 'time_zone', ${zone},
          'duration', COALESCE(o.duration, e.duration), 'location', COALESCE(o.location, e.location),
          'status', COALESCE(o.status, e.status), 'date', left(${wallIn(sql`o.start_at`, zone)}, 10)
        ) AS data
      FROM moving o
      JOIN subs s ON s.inbox_id = o.inbox_id AND s.lead_s = o.lead_s
      JOIN events e ON e.id = o.event_id
      JOIN inboxes i ON i.id = s.inbox_id
      WHERE e.status <> 'cancelled' AND COALESCE(o.status, e.status) <> 'cancelled'
        AND GREATEST(e.armed_at, o.armed_at) <= o.start_at - make_interval(secs => s.lead_s)
        AND (s.on_created OR GREATEST(e.updated_at, o.updated_at) > e.created_at)
        AND (s.filter->'calendar_ids' IS NULL OR s.filter->'calendar_ids' ? e.calendar_id)
    ),
    due AS (SELECT * FROM single UNION ALL SELECT * FROM moved)
    ${INSERT_COLUMNS}
    SELECT ${idExpr('dlv', now)}, ${idExpr('msg', now)}, d.inbox_id, d.alert_id,
      'event:' || d.key_id || ':' || ${isoZ(sql`d.start_at`)},
      CASE WHEN d.changed AND d.on_updated THEN 'event.updated' ELSE 'event.created' END,
      d.start_at - make_interval(secs => d.lead_s),
      d.data || jsonb_build_object('offset', ${offsetJson('d')}),
      'pending', 0, ${at}::timestamptz, ${at}::timestamptz
    FROM due d
    ON CONFLICT (alert_id, source_key) DO NOTHING
    RETURNING id`;
}

/** Records the single-event and moved-occurrence reminders due in the window. */
export async function recordDueReminders(db: Db, w: ScanWindow, now: Date, leads: number[]): Promise<string[]> {
  if (leads.length === 0) return [];
  const { rows } = await db.execute(dueRemindersSql(w, now, leads));
  return rows.map((r) => (r as { id: string }).id);
}
