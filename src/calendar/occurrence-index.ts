/**
 * The occurrence index (`event_occurrences`): every occurrence of every event as the window
 * listing sees it — one row per single event, one per occurrence of a series, with its changes
 * applied — so that a window page is an indexed range read whose cost does not grow with the
 * inbox or with the page number.
 *
 * What the table holds for an event is said by its `unindexed_from` column:
 * - NULL: every occurrence (a single event, a series that ends);
 * - an instant: every occurrence whose original start lies before it (an endless series, indexed
 *   INDEX_AHEAD_MS ahead of now; the minute scan extends it before a listing can need it);
 * - `-infinity`: nothing yet (rows written before the index, or by bulk SQL; an inbox whose zone
 *   changed under its all-day events). The scan indexes such events a batch per minute.
 * A changed occurrence has its row whatever `unindexed_from` says.
 *
 * Rows are maintained by the statement that writes the event (create, series PATCH), by the
 * occurrence PATCH and DELETE, by the scan (`extendOccurrenceIndex`), and go with the event (FK
 * cascade). A listing that meets an event not indexed far enough for its window falls back to
 * expanding the candidates in the Worker (src/calendar/listing.ts), which is exact but costs in
 * proportion to the window.
 */
import { sql, type SQL } from 'drizzle-orm';
import { asDate, asDateOrNull, rowsOf, type Queryable } from '../db/sql';
import type { Inbox } from '../http/context';
import { occurrencesInWindow } from '../time/recurrence';
import { occurrenceId } from '../time/occurrences';
import { DAY_MS } from '../time/zones';
import { isAllDay, occurrenceTiming, seriesTiming, spanOf, type Timing, type TimingChange, type Viewer } from './event-view';

/** How far ahead of now an endless series is indexed. */
const INDEX_AHEAD_MS = 430 * DAY_MS;
/** An endless series indexed less far ahead than this is extended by the scan. */
const EXTEND_BELOW_MS = 400 * DAY_MS;
/** Most occurrences one write indexes; a series with more is indexed on by the scan. */
const MAX_ROWS_PER_WRITE = 10_000;
/** Events the scan indexes per minute. */
const SCAN_BATCH = 200;

/** What the index needs of an event: its schedule and id. */
export interface IndexedEvent {
  id: string;
  timeZone: string;
  startLocal: string;
  startAt: Date;
  duration: string;
  durationSeconds: number;
  recurrenceRules: string[];
  isRecurring: boolean;
  seriesEndAt: Date | null;
}

/** A change to one occurrence, as far as where it lies goes. */
export type IndexedChange = TimingChange & { originalStartAt: Date };

/**
 * One row: the occurrence's original start, its span as the inbox's viewer sees it (listings),
 * and the instant it starts (reminders; for an all-day occurrence, midnight in its own zone).
 */
interface IndexRow {
  originalStart: number;
  start: number;
  end: number;
  occursAt: number;
  allDay: boolean;
}

/** The rows of an event over [from, …), and what `unindexed_from` becomes. */
export interface IndexPlan {
  /** Original starts at or after this are replaced by the plan (null: the event's every row). */
  from: Date | null;
  rows: IndexRow[];
  unindexedFrom: Date | null;
}

const rowOf = (inbox: Viewer, ev: IndexedEvent, originalStart: number, t: Timing): IndexRow => {
  const span = spanOf(inbox, ev, t);
  return { originalStart, start: span.start, end: span.end, occursAt: t.startAt.getTime(), allDay: isAllDay(t.startLocal, t.durationSeconds) };
};

/**
 * The event's rows: all of them (`from` null), or a series' from `from` on (the scan extending
 * it). Overrides are applied to the occurrences they name; an override outside the range planned
 * (moved in from further ahead) is planned too on a full plan, so changed occurrences always
 * have their row.
 */
export function planIndex(inbox: Viewer, ev: IndexedEvent, overrides: readonly IndexedChange[], now: Date, from: Date | null = null): IndexPlan {
  if (!ev.isRecurring) {
    return { from: null, rows: [rowOf(inbox, ev, ev.startAt.getTime(), seriesTiming(ev))], unindexedFrom: null };
  }
  const until = ev.seriesEndAt ?? new Date(now.getTime() + INDEX_AHEAD_MS);
  const start = from ?? ev.startAt;
  const spec = { startLocal: ev.startLocal, timeZone: ev.timeZone, durationSeconds: 0, rules: ev.recurrenceRules };
  // Zero-length occurrences: the starts in [start, until], by original start.
  const starts = until.getTime() >= start.getTime()
    ? occurrencesInWindow(spec, start, new Date(until.getTime() + 1), MAX_ROWS_PER_WRITE)
    : [];
  const full = starts.length < MAX_ROWS_PER_WRITE;
  const last = starts.at(-1);
  // Coverage ends after the last start listed when the batch was cut short; a bounded series
  // listed whole is complete.
  const unindexedFrom = !full && last ? new Date(last.getTime() + 1) : ev.seriesEndAt ? null : new Date(until.getTime() + 1);
  const byOriginal = new Map(overrides.map((o) => [o.originalStartAt.getTime(), o]));
  const rows = starts.map((d) => rowOf(inbox, ev, d.getTime(), occurrenceTiming(ev, d, byOriginal.get(d.getTime()))));
  const listed = new Set(starts.map((d) => d.getTime()));
  for (const o of overrides) {
    const t = o.originalStartAt.getTime();
    if (listed.has(t) || t < start.getTime()) continue;
    rows.push(rowOf(inbox, ev, t, occurrenceTiming(ev, o.originalStartAt, o)));
  }
  return { from, rows, unindexedFrom };
}

const bigints = (xs: number[]) => `{${xs.join(',')}}`;
const bools = (xs: boolean[]) => `{${xs.map((b) => (b ? 't' : 'f')).join(',')}}`;
const msToTs = (col: SQL) => sql`(timestamptz 'epoch' + ${col} * interval '1 millisecond')`;

/**
 * The listing id of a row: the event id of a single event, the occurrence id
 * (`src/time/occurrences.ts`, `<series id>_<UTC basic start>`) of a series' occurrence.
 */
const listingId = (event: SQL, isRecurring: SQL, originalStart: SQL) =>
  sql`CASE WHEN ${isRecurring} THEN ${event}.id || '_' || to_char(${originalStart} AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"') ELSE ${event}.id END`;

/**
 * CTEs (each starting with a comma) that apply `plan` to event `eventId`, written by the CTE
 * `source` (an INSERT or guarded UPDATE of the event, returning its `id`, `inbox_id` and
 * `is_recurring`): rows the plan replaces but no longer has go, planned rows are written.
 * Nothing happens when `source` is empty (a guarded write that matched nothing). `name`
 * prefixes the CTEs, so several events can be written in one statement. (The event's id is
 * given as a constant, not joined from `source`, so the DELETE is a primary-key range the
 * planner cannot mistake for a scan of the whole table.)
 */
export function indexWrites(plan: IndexPlan, eventId: string, source: string, name = 'idx'): SQL {
  const src = sql.raw(source);
  const rows = sql.raw(`${name}_rows`);
  const from = plan.from ? sql`AND x.original_start_at >= ${plan.from.toISOString()}` : sql``;
  return sql`,
    ${rows} AS (
      SELECT ${msToTs(sql`u.o`)} AS original_start_at, ${msToTs(sql`u.s`)} AS start_at, ${msToTs(sql`u.e`)} AS end_at,
             ${msToTs(sql`u.t`)} AS occurs_at, u.a AS all_day
      FROM unnest(${bigints(plan.rows.map((r) => r.originalStart))}::bigint[], ${bigints(plan.rows.map((r) => r.start))}::bigint[],
                  ${bigints(plan.rows.map((r) => r.end))}::bigint[], ${bigints(plan.rows.map((r) => r.occursAt))}::bigint[],
                  ${bools(plan.rows.map((r) => r.allDay))}::boolean[]) AS u(o, s, e, t, a)
    ),
    ${sql.raw(name)}_gone AS (
      DELETE FROM event_occurrences x
      WHERE x.event_id = ${eventId} AND EXISTS (SELECT 1 FROM ${src}) ${from}
        AND x.original_start_at NOT IN (SELECT original_start_at FROM ${rows})
    ),
    ${sql.raw(name)}_put AS (
      INSERT INTO event_occurrences (event_id, inbox_id, original_start_at, id, start_at, end_at, occurs_at, all_day)
      SELECT s.id, s.inbox_id, r.original_start_at, ${listingId(sql`s`, sql`s.is_recurring`, sql`r.original_start_at`)},
             r.start_at, r.end_at, r.occurs_at, r.all_day
      FROM ${src} s, ${rows} r
      ON CONFLICT (event_id, original_start_at) DO UPDATE
        SET start_at = excluded.start_at, end_at = excluded.end_at, occurs_at = excluded.occurs_at, all_day = excluded.all_day
    )`;
}

/**
 * One occurrence's row after its change (occurrence PATCH): written whatever the event's
 * coverage, so a changed occurrence is always listed where it now is. The series row gets a new
 * row version too (an UPDATE that changes nothing), so that a series PATCH that read the
 * overrides before this change — a guarded write — starts again instead of indexing old ones.
 */
export async function indexOccurrence(db: Queryable, inbox: Inbox, ev: IndexedEvent, originalStart: Date, change: TimingChange | undefined): Promise<void> {
  const r = rowOf(inbox, ev, originalStart.getTime(), occurrenceTiming(ev, originalStart, change));
  await db.execute(sql`
    WITH version AS (UPDATE events SET unindexed_from = unindexed_from WHERE id = ${ev.id} AND inbox_id = ${inbox.id})
    INSERT INTO event_occurrences (event_id, inbox_id, original_start_at, id, start_at, end_at, occurs_at, all_day)
    VALUES (${ev.id}, ${inbox.id}, ${originalStart.toISOString()}, ${occurrenceId(ev.id, originalStart)},
            ${new Date(r.start).toISOString()}, ${new Date(r.end).toISOString()}, ${new Date(r.occursAt).toISOString()}, ${r.allDay})
    ON CONFLICT (event_id, original_start_at) DO UPDATE
      SET start_at = excluded.start_at, end_at = excluded.end_at, occurs_at = excluded.occurs_at, all_day = excluded.all_day`);
}

/** An excluded occurrence (occurrence DELETE) leaves the index. */
export async function unindexOccurrence(db: Queryable, inbox: Inbox, eventId: string, originalStart: Date): Promise<void> {
  await db.execute(sql`
    DELETE FROM event_occurrences WHERE inbox_id = ${inbox.id} AND event_id = ${eventId} AND original_start_at = ${originalStart.toISOString()}`);
}

/**
 * The inbox's zone changed: all-day occurrences occupy the viewer's midnights, so their rows are
 * wrong. Their events become unindexed (listings expand them until the scan has indexed them again).
 */
export async function unindexAllDay(db: Queryable, inboxId: string): Promise<void> {
  await db.execute(sql`
    WITH stale AS (
      SELECT DISTINCT event_id FROM event_occurrences WHERE inbox_id = ${inboxId} AND all_day
    ), gone AS (
      DELETE FROM event_occurrences x USING stale WHERE x.event_id = stale.event_id
    )
    UPDATE events SET unindexed_from = '-infinity' WHERE inbox_id = ${inboxId} AND id IN (SELECT event_id FROM stale)`);
}

/**
 * Whether an event a window [from, to) may reach (`slackMs` either side, for all-day events) is
 * not indexed that far: a series or event whose span may meet the window, or whose changed
 * occurrence was moved near it, while not indexed at all.
 */
export function indexGap(inbox: Inbox, from: Date, to: Date, slackMs: number): SQL {
  const lo = new Date(from.getTime() - slackMs).toISOString();
  const hi = new Date(to.getTime() + slackMs).toISOString();
  return sql`(
    EXISTS (SELECT 1 FROM events g WHERE g.inbox_id = ${inbox.id} AND g.unindexed_from < ${hi}
              AND g.start_at < ${hi} AND (g.series_end_at IS NULL OR g.series_end_at > ${lo}))
    OR EXISTS (SELECT 1 FROM event_overrides o JOIN events g ON g.id = o.event_id
               WHERE o.inbox_id = ${inbox.id} AND g.unindexed_from = '-infinity'
                 AND o.start_at < ${hi} AND o.start_at > ${lo}::timestamptz - interval '367 days'))`;
}

type PendingRow = {
  id: string; inbox_id: string; default_timezone: string | null; time_zone: string; start_local: string; start_at: string;
  duration: string; duration_seconds: number | string; recurrence_rules: string[] | null; is_recurring: boolean;
  series_end_at: string | null; unindexed_from: string | null; row_version: string;
  overrides: Array<{ original_start_at: string; start_at: string | null; start_local: string | null; duration: string | null; duration_seconds: number | null }>;
};

/**
 * The scan's step: indexes up to SCAN_BATCH events that are not indexed far enough ahead —
 * unindexed ones first, then endless series coming within EXTEND_BELOW_MS of their coverage's
 * end — in one read and one write. Each event's write is guarded by the row version read, so an
 * event changed in between (whose own write re-indexed it) is left alone.
 */
export async function extendOccurrenceIndex(db: Queryable, now: Date): Promise<number> {
  const pending = await rowsOf<PendingRow>(db, sql`
    SELECT e.id, e.inbox_id, i.default_timezone, e.time_zone, e.start_local, e.start_at, e.duration, e.duration_seconds,
           e.recurrence_rules, e.is_recurring, e.series_end_at,
           CASE WHEN e.unindexed_from = '-infinity' THEN NULL ELSE e.unindexed_from END AS unindexed_from,
           e.xmin::text AS row_version,
           COALESCE((SELECT json_agg(json_build_object('original_start_at', o.original_start_at, 'start_at', o.start_at,
                       'start_local', o.start_local, 'duration', o.duration, 'duration_seconds', o.duration_seconds))
                     FROM event_overrides o WHERE o.event_id = e.id), '[]'::json) AS overrides
    FROM (SELECT id FROM events WHERE unindexed_from < ${new Date(now.getTime() + EXTEND_BELOW_MS).toISOString()}
          ORDER BY unindexed_from LIMIT ${SCAN_BATCH}) p
    JOIN events e ON e.id = p.id JOIN inboxes i ON i.id = e.inbox_id`);
  const writes: SQL[] = [];
  let planned = 0;
  for (const r of pending) {
    const ev: IndexedEvent = {
      id: r.id, timeZone: r.time_zone, startLocal: r.start_local, startAt: asDate(r.start_at), duration: r.duration,
      durationSeconds: Number(r.duration_seconds), recurrenceRules: r.recurrence_rules ?? [], isRecurring: r.is_recurring,
      seriesEndAt: asDateOrNull(r.series_end_at),
    };
    const overrides = r.overrides.map((o): IndexedChange => ({
      originalStartAt: asDate(o.original_start_at), startAt: asDateOrNull(o.start_at), startLocal: o.start_local,
      duration: o.duration, durationSeconds: o.duration_seconds,
    }));
    const plan = planIndex({ defaultTimezone: r.default_timezone }, ev, overrides, now, asDateOrNull(r.unindexed_from));
    const name = `e${writes.length}`;
    writes.push(sql`
      ${sql.raw(name)} AS (
        UPDATE events SET unindexed_from = ${plan.unindexedFrom?.toISOString() ?? null}
        WHERE id = ${r.id} AND xmin::text = ${r.row_version}
        RETURNING id, inbox_id, is_recurring
      )${indexWrites(plan, r.id, name, name)}`);
    // One statement stays a few megabytes at most: the rest waits for the next minute.
    planned += plan.rows.length;
    if (planned >= MAX_ROWS_PER_WRITE) break;
  }
  if (writes.length === 0) return 0;
  await db.execute(sql`WITH ${sql.join(writes, sql`,`)} SELECT 1`);
  return writes.length;
}
