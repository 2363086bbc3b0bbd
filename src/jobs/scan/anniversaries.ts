/**
 * Due anniversary firings: one SELECT of facts, made into payloads by the one builder.
 *
 * An anniversary fires at the inbox's `anniversary_alert_time`, in the inbox's zone (default
 * UTC), on its observed date minus the alert's offset in whole days (hours and minutes count as
 * zero). Working backwards from the window: each local date D that the window can touch in some
 * zone is a possible firing date; an alert with offset k then wants the anniversaries observed on
 * D + k. Those are read from `contact_anniversaries` by (inbox_id, month, day): a handful of index
 * probes per alert, never every contact. A Feb 29 anniversary is observed per the inbox's
 * `leap_day_policy` in common years (Feb 28, Mar 1, or not at all).
 *
 * Once a year per contact and type: the source key is contact:<id>:<type>:<observed year>.
 */
import { sql } from 'drizzle-orm';
import type { OffsetUnit } from '../../db/schema';
import { asDate, rowsOf, type Queryable } from '../../db/sql';
import type { FiringInput } from '../../alerts/ledger';
import { anniversaryData, offsetOf } from '../../alerts/payload';
import { addDays } from '../../time/zones';
import type { ScanWindow } from './window';

/**
 * Local dates the window can touch in any zone (UTC−12 … UTC+14), with a day's margin on each
 * side for DST shifts: three or four dates for a one-minute window.
 */
export function candidateFiringDates(w: ScanWindow): string[] {
  const first = addDays(w.from.toISOString().slice(0, 10), -1);
  const last = addDays(w.to.toISOString().slice(0, 10), 1);
  const out: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}

export function dueAnniversariesSql(w: ScanWindow) {
  const from = w.from.toISOString();
  const to = w.to.toISOString();
  return sql`
    WITH firing_dates AS (
      SELECT d::date AS firing_date FROM unnest(string_to_array(${candidateFiringDates(w).join(',')}, ',')) AS d
    ),
    -- The firing instant depends only on (zone, alert time, date): computed once per distinct
    -- pair and date (a handful) from the inboxes alone, not once per alert, then joined to the
    -- alerts that fire. In all but a few minutes a day no slot is due, and then no alert is read.
    clocks AS (
      SELECT DISTINCT COALESCE(i.default_timezone, 'UTC') AS tz, i.anniversary_alert_time::time AS alert_time FROM inboxes i
    ),
    slots AS (
      SELECT cl.tz, cl.alert_time, f.firing_date, f.firing_date + cl.alert_time AS local_at,
        (f.firing_date + cl.alert_time) AT TIME ZONE cl.tz AS pg_at
      FROM clocks cl CROSS JOIN firing_dates f
    ),
    -- MATERIALIZED: the planner would otherwise push the join below the zone maths and compute
    -- it once per alert again.
    due_slots AS MATERIALIZED (
      SELECT * FROM (
        -- Postgres reads a repeated (fall-back) wall time as the later instant; the API's policy
        -- is the earlier one. A wall time in a spring-forward gap moves forward in both.
        SELECT sl.*, CASE
            WHEN (sl.pg_at - interval '1 hour') AT TIME ZONE sl.tz = sl.local_at THEN sl.pg_at - interval '1 hour'
            WHEN (sl.pg_at - interval '30 minutes') AT TIME ZONE sl.tz = sl.local_at THEN sl.pg_at - interval '30 minutes'
            ELSE sl.pg_at END AS fire_at
        FROM slots sl
      ) x WHERE x.fire_at > ${from}::timestamptz AND x.fire_at <= ${to}::timestamptz
    ),
    -- MATERIALIZED, and only when some slot is due (a one-time filter: an idle minute skips the
    -- scan of alerts altogether).
    subs AS MATERIALIZED (
      SELECT a.id AS alert_id, a.inbox_id, a.events, a.filter, a.offset_value, a.offset_unit,
        CASE WHEN a.offset_unit = 'days' THEN a.offset_value ELSE 0 END AS offset_days,
        i.anniversary_alert_time::time AS alert_time, i.leap_day_policy AS policy,
        COALESCE(i.default_timezone, 'UTC') AS tz
      FROM alerts a JOIN inboxes i ON i.id = a.inbox_id
      -- Any contact.* type (an open set): one string test per alert, not a subquery per alert.
      WHERE a.enabled AND (' ' || array_to_string(a.events, ' ')) LIKE '% contact.%'
        AND EXISTS (SELECT 1 FROM due_slots)
    ),
    timed AS (
      SELECT s.*, d.firing_date + s.offset_days AS observed, d.fire_at
      FROM due_slots d JOIN subs s ON s.tz = d.tz AND s.alert_time = d.alert_time
    ),
    keyed AS (
      SELECT t.*, k.month, k.day FROM timed t
      CROSS JOIN LATERAL (
        SELECT extract(month FROM t.observed)::int AS month, extract(day FROM t.observed)::int AS day
        UNION ALL
        -- In a common year Feb 29 is observed on Feb 28 (feb28) or Mar 1 (mar1); skip: never.
        SELECT 2, 29
        WHERE NOT (extract(year FROM t.observed)::int % 4 = 0 AND (extract(year FROM t.observed)::int % 100 <> 0 OR extract(year FROM t.observed)::int % 400 = 0))
          AND ((t.policy = 'feb28' AND to_char(t.observed, 'MM-DD') = '02-28') OR (t.policy = 'mar1' AND to_char(t.observed, 'MM-DD') = '03-01'))
      ) k
    )
    SELECT k.inbox_id, k.alert_id, k.offset_value, k.offset_unit, k.fire_at,
      to_char(k.observed, 'YYYY-MM-DD') AS observed,
      ca.contact_id, c.full_name AS contact_name, ca.type, ca.date AS original_date, ca.year
    FROM keyed k
    JOIN contact_anniversaries ca ON ca.inbox_id = k.inbox_id AND ca.month = k.month AND ca.day = k.day
    JOIN contacts c ON c.id = ca.contact_id
    WHERE ('contact.any' = ANY(k.events) OR 'contact.' || ca.type = ANY(k.events))
      AND (k.filter->'contact_ids' IS NULL OR k.filter->'contact_ids' ? ca.contact_id)
      -- A dated anniversary starts in its own year (as in the agenda): none before it.
      AND (ca.year IS NULL OR ca.year <= extract(year FROM k.observed))`;
}

type DueAnniversary = {
  inbox_id: string;
  alert_id: string;
  offset_value: number | null;
  offset_unit: OffsetUnit | null;
  /** timestamptz, in the driver's text form. */
  fire_at: string;
  observed: string;
  contact_id: string;
  contact_name: string;
  type: string;
  original_date: string;
  year: number | null;
};

/** The anniversary firings due in the window (the ledger decides which are new). */
export async function dueAnniversaryFirings(db: Queryable, w: ScanWindow): Promise<FiringInput[]> {
  const rows = await rowsOf<DueAnniversary>(db, dueAnniversariesSql(w));
  return rows.map((r) => ({
    inboxId: r.inbox_id,
    alertId: r.alert_id,
    sourceKey: `contact:${r.contact_id}:${r.type}:${r.observed.slice(0, 4)}`,
    type: `contact.${r.type}`,
    scheduledFor: asDate(r.fire_at),
    payload: anniversaryData({
      contactId: r.contact_id, contactName: r.contact_name, type: r.type, observed: r.observed,
      originalDate: r.original_date, year: r.year === null ? null : Number(r.year),
    }, offsetOf(r.offset_value, r.offset_unit)),
  }));
}
