import { sql } from 'drizzle-orm';
import type { EventStatus } from '../../db/schema';
import { jsonRowsOf } from '../../db/sql';
import type { AgendaContext, AgendaEventItem, AgendaSource, Ranked } from '../types';
import { jsonRows, ts } from '../window';
import { toIsoZ } from '../../time/zones';
import { wallClock } from '../wall-clock';
import { expandOccurrences, type OccurrenceChange } from '../../time/occurrences';

type OverrideRow = {
  original_start_at: string;
  title: string | null;
  location: string | null;
  status: EventStatus | null;
  start_at: string | null;
  duration: string | null;
  duration_seconds: number | null;
};

type EventRow = {
  id: string;
  title: string;
  location: string | null;
  status: EventStatus;
  time_zone: string;
  start_local: string;
  start_at: string;
  duration: string;
  duration_seconds: number;
  recurrence_rules: string[];
  is_recurring: boolean;
  calendar_id: string;
  calendar: string;
  overrides: OverrideRow[] | null;
};

/** The agenda context plus a wall clock of the inbox zone shared by every occurrence. */
type Ctx = AgendaContext & { wall: (instant: Date) => string };

const SECOND = sql`interval '1 second'`;
/** Single events up to this long are found by a tight start range; longer ones are rare. */
const SHORT_SECONDS = 86_400;

/**
 * Events and series that may overlap the window, never from the Tasks calendar, never
 * cancelled, in two index-friendly branches:
 * - short single events (at most a day): a start range of `events_inbox_start_idx`
 *   [window start − 1 day, window end), so the read grows with the window, not the calendar;
 * - series and long events: those starting before the window ends whose last occurrence
 *   (`series_end_at`, null for an endless series) ends after it starts.
 * Each series carries its overrides that touch the window (read through the override key).
 */
function eventRows({ inbox, window }: AgendaContext) {
  const start = ts(window.startAt);
  const end = ts(window.endAt);
  const shortFrom = ts(new Date(window.startAt.getTime() - SHORT_SECONDS * 1000));
  const columns = sql`e.id, e.title, e.location, e.status, e.time_zone, e.start_local, e.start_at, e.duration, e.duration_seconds,
           e.recurrence_rules, e.is_recurring, e.calendar_id, e.series_end_at`;
  const candidates = sql`
    SELECT ${columns} FROM events e
    WHERE e.inbox_id = ${inbox.id} AND NOT e.is_recurring AND e.duration_seconds <= ${SHORT_SECONDS}
      AND e.start_at >= ${shortFrom} AND e.start_at < ${end}
      AND e.start_at + e.duration_seconds * ${SECOND} > ${start}
    UNION ALL
    SELECT ${columns} FROM events e
    WHERE e.inbox_id = ${inbox.id} AND (e.is_recurring OR e.duration_seconds > ${SHORT_SECONDS})
      AND e.start_at < ${end}
      AND (e.series_end_at > ${start} OR (e.series_end_at IS NULL AND (e.is_recurring
        OR e.start_at + e.duration_seconds * ${SECOND} > ${start})))`;
  return sql`
    SELECT e.id, e.title, e.location, e.status, e.time_zone, e.start_local, e.start_at, e.duration, e.duration_seconds,
           e.recurrence_rules, e.is_recurring, c.id AS calendar_id, c.name AS calendar,
           CASE WHEN e.is_recurring THEN (
             SELECT json_agg(o) FROM (
               SELECT o.original_start_at, o.title, o.location, o.status, o.start_at, o.duration, o.duration_seconds
               FROM event_overrides o
               WHERE o.event_id = e.id AND (
                 (o.original_start_at < ${end} AND o.original_start_at > ${start} - e.duration_seconds * ${SECOND})
                 OR (o.start_at < ${end} AND o.start_at + COALESCE(o.duration_seconds, e.duration_seconds) * ${SECOND} > ${start}))
             ) o) END AS overrides
    FROM (${candidates}) e JOIN calendars c ON c.id = e.calendar_id
    WHERE c.inbox_id = ${inbox.id} AND c.kind <> 'tasks' AND e.status <> 'cancelled'`;
}

function overlaps(startMs: number, durationSeconds: number, { window }: AgendaContext): boolean {
  return startMs < window.endAt.getTime() && startMs + durationSeconds * 1000 > window.startAt.getTime();
}

/** What an item shows of one occurrence (or single event). */
type Shown = { id: string; recurringId: string | null; title: string; location: string | null; startAt: Date; durationSeconds: number };

/** One occurrence as an agenda item, its times shown as wall times of the inbox zone. */
function itemOf(e: EventRow, o: Shown, ctx: Ctx): Ranked<AgendaEventItem> {
  const endAt = new Date(o.startAt.getTime() + o.durationSeconds * 1000);
  const start = ctx.wall(o.startAt);
  return {
    id: o.id,
    sortTime: start,
    item: {
      id: o.id,
      type: 'event',
      title: o.title,
      date: start.slice(0, 10),
      start,
      end: ctx.wall(endAt),
      time_zone: ctx.window.zone,
      start_at: toIsoZ(o.startAt),
      end_at: toIsoZ(endAt),
      calendar: e.calendar,
      calendar_id: e.calendar_id,
      location: o.location,
      event_id: o.id,
      recurring_event_id: o.recurringId,
    },
  };
}

function singleItem(e: EventRow, ctx: Ctx): Ranked<AgendaEventItem>[] {
  const startAt = new Date(e.start_at);
  if (e.status === 'cancelled' || !overlaps(startAt.getTime(), e.duration_seconds, ctx)) return [];
  return [itemOf(e, { id: e.id, recurringId: null, title: e.title, location: e.location ?? null, startAt, durationSeconds: e.duration_seconds }, ctx)];
}

/**
 * A series is expanded in its own zone (so 09:00 stays 09:00 across DST) with its overrides
 * applied, by the time library (src/time/occurrences.ts): an occurrence moved into the window
 * from outside it is shown, one moved out of it or cancelled is not, and an override of a date
 * the series no longer generates (an excluded date) names nothing.
 */
function seriesItems(e: EventRow, ctx: Ctx): Ranked<AgendaEventItem>[] {
  const changes = (e.overrides ?? []).map((o): OccurrenceChange<EventStatus> => ({
    originalStartAt: new Date(o.original_start_at), startAt: o.start_at ? new Date(o.start_at) : null,
    duration: o.duration, durationSeconds: o.duration_seconds, title: o.title, location: o.location, status: o.status,
  }));
  const series = {
    id: e.id, startLocal: e.start_local, timeZone: e.time_zone, durationSeconds: e.duration_seconds, recurrenceRules: e.recurrence_rules,
    isRecurring: true, title: e.title, location: e.location, status: e.status, duration: e.duration,
  };
  return expandOccurrences(series, changes, {
    window: { overlapping: { from: ctx.window.startAt, to: ctx.window.endAt } }, cancelled: 'drop',
  }).map((o) => itemOf(e, { ...o, recurringId: e.id, location: o.location ?? null }, ctx));
}

export const eventSource: AgendaSource = {
  key: 'events',
  query: (ctx) => jsonRows(eventRows(ctx)),
  items: (rows, agenda) => {
    const ctx: Ctx = { ...agenda, wall: wallClock(agenda.window.zone) };
    return jsonRowsOf<EventRow>(rows).flatMap((e) => (e.is_recurring ? seriesItems(e, ctx) : singleItem(e, ctx)));
  },
};
