/**
 * Recurring series the occurrence index does not cover far enough for the window (taken in by
 * the scan a batch a minute: rows written by other means, an inbox whose zone just changed):
 * their reminders are expanded here (in the event's own zone, by the time library). Every other
 * series reminds from its index rows (reminders.ts). Each series' `next_occurrence_at` is kept
 * just ahead of the scan either way.
 *
 * `next_occurrence_at` is the first occurrence start after the last scanned instant, so a series
 * can only have a reminder due for an alert with offset L if next_occurrence_at <= to + L: that
 * index range is all the scan reads. Once the scan has passed an occurrence it moves the column
 * on to the next one (for a single event, to null), which keeps the range small.
 */
import { sql } from 'drizzle-orm';
import { asDate, rowsOf, type Queryable } from '../../db/sql';
import type { AlertFilter, EventStatus, OffsetUnit } from '../../db/schema';
import { eventReminderData, offsetOf } from '../../alerts/payload';
import type { FiringInput } from '../../alerts/ledger';
import { nextOccurrenceAtOrAfter, type SeriesSpec } from '../../time/recurrence';
import { expandOccurrences, type OccurrenceChange } from '../../time/occurrences';
import { toIsoZ } from '../../time/zones';
import { RANGE_MAX_MS } from '../../time/range';
import { reminderSubs } from './reminders';
import type { ScanWindow } from './window';

/** One reminder alert of the series' inbox (json_build_object in `by_inbox`). */
type SeriesAlert = {
  alert_id: string;
  lead_ms: number;
  on_created: boolean;
  on_updated: boolean;
  filter: AlertFilter | null;
  offset_value: number | null;
  offset_unit: OffsetUnit | null;
};

/** An override of the series (`json_agg(o)`: every column, timestamps in ISO text). */
type OverrideFacts = {
  original_start_at: string;
  start_at: string | null;
  status: EventStatus | null;
  title: string | null;
  location: string | null;
  duration: string | null;
  duration_seconds: number | null;
  armed_at: string;
  updated_at: string;
};

/** What expanding a series needs. */
type SpecColumns = { start_local: string; time_zone: string; recurrence_rules: string[] };

/** A row of `seriesCandidatesSql` (timestamptz columns in the driver's text form). */
type SeriesCandidate = SpecColumns & {
  id: string;
  inbox_id: string;
  calendar_id: string;
  title: string;
  location: string | null;
  status: EventStatus;
  duration: string;
  duration_seconds: number;
  armed_at: string;
  created_at: string;
  updated_at: string;
  default_timezone: string | null;
  alerts: SeriesAlert[] | null;
  overrides: OverrideFacts[] | null;
};

/** A row of `passedSql`. */
type PassedEvent = SpecColumns & { id: string; is_recurring: boolean; next_occurrence_at: string };

/**
 * Series not indexed through to + offset that may have a reminder due: next_occurrence_at in
 * (from, to + offset] for some offset of their inbox's alerts. next_occurrence_at > from holds for every series (see
 * advancePassedEvents), so each offset is a range with constant bounds on its index.
 */
export function seriesCandidatesSql(w: ScanWindow, leads: number[]) {
  const from = w.from.toISOString();
  const ranges = sql.join(leads.map((lead) => sql`
    SELECT ${lead}::int AS lead_s, e.id, e.inbox_id FROM events e
    WHERE e.next_occurrence_at > ${from}::timestamptz AND e.next_occurrence_at <= ${new Date(w.to.getTime() + lead * 1000).toISOString()}::timestamptz
      AND e.is_recurring AND e.unindexed_from <= ${new Date(w.to.getTime() + lead * 1000).toISOString()}::timestamptz`), sql` UNION ALL `);
  return sql`
    WITH subs AS MATERIALIZED (${reminderSubs}),
    ranged AS MATERIALIZED (${ranges}),
    -- Only series whose inbox has an alert with that offset.
    candidates AS MATERIALIZED (
      SELECT DISTINCT r.id, r.inbox_id FROM ranged r JOIN subs s ON s.inbox_id = r.inbox_id AND s.lead_s = r.lead_s
    ),
    by_inbox AS MATERIALIZED (
      SELECT s.inbox_id, json_agg(json_build_object('alert_id', s.alert_id, 'lead_ms', s.lead_s * 1000,
          'on_created', s.on_created, 'on_updated', s.on_updated, 'filter', s.filter,
          'offset_value', s.offset_value, 'offset_unit', s.offset_unit)) AS alerts
      FROM subs s WHERE s.inbox_id IN (SELECT inbox_id FROM candidates)
      GROUP BY s.inbox_id
    )
    SELECT e.id, e.inbox_id, e.calendar_id, e.title, e.location, e.status, e.time_zone, e.start_local, e.duration,
      e.duration_seconds, e.recurrence_rules, e.armed_at, e.created_at, e.updated_at, i.default_timezone, b.alerts,
      (SELECT json_agg(o) FROM event_overrides o
        WHERE o.event_id = e.id AND o.original_start_at > ${from}::timestamptz) AS overrides
    FROM candidates c
    JOIN events e ON e.id = c.id
    JOIN by_inbox b ON b.inbox_id = c.inbox_id
    JOIN inboxes i ON i.id = c.inbox_id
    WHERE e.status <> 'cancelled'`;
}

const specOf = (r: SpecColumns): SeriesSpec => ({
  startLocal: r.start_local, timeZone: r.time_zone, durationSeconds: 0, rules: r.recurrence_rules,
});

/** An override as the expansion reads it, with the times the reminder rules need. */
type Change = OccurrenceChange<EventStatus> & { armedAt: number; updatedAt: number };

/**
 * The reminders of one series due in the window, for each of its inbox's reminder alerts: its
 * occurrences starting in (from + lead, to + lead], overrides applied, cancelled ones left out.
 * A moved occurrence is left out too: dueReminderFirings finds it by its new start (reminders.ts).
 */
export function seriesFirings(r: SeriesCandidate, w: ScanWindow): FiringInput[] {
  const out: FiringInput[] = [];
  const changes = (r.overrides ?? []).map((o): Change => ({
    originalStartAt: asDate(o.original_start_at), startAt: o.start_at ? asDate(o.start_at) : null,
    duration: o.duration, durationSeconds: o.duration_seconds ?? null, title: o.title, location: o.location, status: o.status,
    armedAt: asDate(o.armed_at).getTime(), updatedAt: asDate(o.updated_at).getTime(),
  }));
  const series = {
    id: r.id, startLocal: r.start_local, timeZone: r.time_zone, durationSeconds: Number(r.duration_seconds), recurrenceRules: r.recurrence_rules,
    isRecurring: true, title: r.title, location: r.location, status: r.status, duration: r.duration,
  };
  const created = asDate(r.created_at).getTime();
  const armedAt = asDate(r.armed_at).getTime();
  const updatedAt = asDate(r.updated_at).getTime();
  const zone = r.default_timezone ?? r.time_zone;
  for (const a of r.alerts ?? []) {
    const calendars = a.filter?.calendar_ids;
    if (calendars && !calendars.includes(r.calendar_id)) continue;
    const lead = Number(a.lead_ms);
    const due = expandOccurrences(series, changes, {
      window: { startingIn: { after: new Date(w.from.getTime() + lead), through: new Date(w.to.getTime() + lead) } },
      cancelled: 'drop', moved: 'exclude',
    });
    for (const o of due) {
      const remindAt = o.startAt.getTime() - lead;
      if (Math.max(armedAt, o.change?.armedAt ?? 0) > remindAt) continue;
      const changed = Math.max(updatedAt, o.change?.updatedAt ?? 0) > created;
      if (!a.on_created && !changed) continue;
      out.push({
        inboxId: r.inbox_id,
        alertId: a.alert_id,
        sourceKey: `event:${r.id}:${toIsoZ(o.originalStart)}`,
        type: changed && a.on_updated ? 'event.updated' : 'event.created',
        scheduledFor: new Date(remindAt),
        payload: eventReminderData({
          eventId: o.id,
          recurringEventId: r.id,
          calendarId: r.calendar_id,
          title: o.title,
          startAt: o.startAt,
          displayZone: zone,
          duration: o.duration,
          location: o.location,
          status: o.status,
        }, offsetOf(a.offset_value, a.offset_unit)),
      });
    }
  }
  return out;
}

/** Reminders of recurring series due in the window (not yet recorded). */
export async function dueSeriesFirings(db: Queryable, w: ScanWindow, leads: number[]): Promise<FiringInput[]> {
  if (leads.length === 0) return [];
  const rows = await rowsOf<SeriesCandidate>(db, seriesCandidatesSql(w, leads));
  const out: FiringInput[] = [];
  for (const r of rows) {
    try {
      out.push(...seriesFirings(r, w));
    } catch (err) {
      // One series with rules the library cannot expand must not stop every other reminder.
      console.error(`alerts: cannot expand series ${r.id}; its reminders are skipped`, err);
    }
  }
  return out;
}

export const ADVANCE_BATCH = 2000;

export function passedSql(to: Date, limit = ADVANCE_BATCH) {
  return sql`
    SELECT id, is_recurring, start_local, time_zone, recurrence_rules, next_occurrence_at
    FROM events WHERE next_occurrence_at <= ${to.toISOString()}::timestamptz
    ORDER BY next_occurrence_at LIMIT ${limit}`;
}

/**
 * Moves `next_occurrence_at` past `to` for every event the scan has passed: the next occurrence
 * of a series, null for a single event or a finished series. A row changed meanwhile (the
 * calendar rescheduled it) is left as the calendar set it. Returns how many moved.
 *
 * The scan calls it twice: up to the window's start before reading series (normally a no-op;
 * after an outage it brings stale series up to date, so "next_occurrence_at > from" holds), and
 * up to the window's end afterwards.
 */
export async function advancePassedEvents(db: Queryable, to: Date, maxBatches = 5): Promise<number> {
  let moved = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await rowsOf<PassedEvent>(db, passedSql(to));
    if (rows.length === 0) break;
    const updates = rows.map((r) => {
      let next: string | null = null;
      if (r.is_recurring) {
        try {
          // A next occurrence past the supported range counts as none (as buildSchedule stores it).
          const found = nextOccurrenceAtOrAfter(specOf(r), new Date(to.getTime() + 1));
          next = found && found.getTime() < RANGE_MAX_MS ? found.toISOString() : null;
        } catch (err) {
          console.error(`alerts: cannot expand series ${r.id}; it gets no more reminders`, err);
        }
      }
      return { id: r.id, next, prev: asDate(r.next_occurrence_at).toISOString() };
    });
    const res = await db.execute(sql`
      UPDATE events e SET next_occurrence_at = r.next
      FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS r(id text, next timestamptz, prev timestamptz)
      WHERE e.id = r.id AND e.next_occurrence_at = r.prev`);
    moved += res.rowCount ?? 0;
    if (rows.length < ADVANCE_BATCH) break;
  }
  return moved;
}
