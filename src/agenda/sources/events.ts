import { sql } from 'drizzle-orm';
import type { EventStatus } from '../../db/schema';
import { jsonRowsOf } from '../../db/sql';
import type { AgendaContext, AgendaEventItem, AgendaSource, Ranked } from '../types';
import { jsonRows, ts } from '../window';
import { toIsoZ, toUtcBasic } from '../../time/zones';
import { wallClock } from '../wall-clock';
import { occurrencesInWindow } from '../../time/recurrence';

type OverrideRow = {
  original_start_at: string;
  title: string | null;
  location: string | null;
  status: EventStatus | null;
  start_at: string | null;
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
  const columns = sql`e.id, e.title, e.location, e.status, e.time_zone, e.start_local, e.start_at, e.duration_seconds,
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
    SELECT e.id, e.title, e.location, e.status, e.time_zone, e.start_local, e.start_at, e.duration_seconds,
           e.recurrence_rules, e.is_recurring, c.id AS calendar_id, c.name AS calendar,
           CASE WHEN e.is_recurring THEN (
             SELECT json_agg(o) FROM (
               SELECT o.original_start_at, o.title, o.location, o.status, o.start_at, o.duration_seconds
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

/** One occurrence as an agenda item, its times shown as wall times of the inbox zone. */
function occurrence(e: EventRow, originalStart: Date, o: OverrideRow | undefined, recurring: boolean, ctx: Ctx): Ranked<AgendaEventItem> | null {
  if ((o?.status ?? e.status) === 'cancelled') return null;
  const startMs = o?.start_at ? Date.parse(o.start_at) : originalStart.getTime();
  const durationSeconds = o?.duration_seconds ?? e.duration_seconds;
  if (!overlaps(startMs, durationSeconds, ctx)) return null;
  const startAt = new Date(startMs);
  const endAt = new Date(startMs + durationSeconds * 1000);
  const start = ctx.wall(startAt);
  const eventId = recurring ? `${e.id}_${toUtcBasic(originalStart)}` : e.id;
  return {
    id: eventId,
    sortTime: start,
    item: {
      id: eventId,
      type: 'event',
      title: o?.title ?? e.title,
      date: start.slice(0, 10),
      start,
      end: ctx.wall(endAt),
      time_zone: ctx.window.zone,
      start_at: toIsoZ(startAt),
      end_at: toIsoZ(endAt),
      calendar: e.calendar,
      calendar_id: e.calendar_id,
      location: o?.location ?? e.location ?? null,
      event_id: eventId,
      recurring_event_id: recurring ? e.id : null,
    },
  };
}

/**
 * A series is expanded in its own zone (so 09:00 stays 09:00 across DST); its overrides then
 * replace the occurrences they name. An override whose original start lies outside the window
 * but which was moved into it is shown too; one whose original start lies inside the window but
 * that the expansion no longer produces (an excluded date) is not.
 */
function seriesItems(e: EventRow, ctx: Ctx): Ranked<AgendaEventItem>[] {
  const { startAt, endAt } = ctx.window;
  const overrides = new Map((e.overrides ?? []).map((o) => [Date.parse(o.original_start_at), o]));
  const starts = occurrencesInWindow(
    { startLocal: e.start_local, timeZone: e.time_zone, durationSeconds: e.duration_seconds, rules: e.recurrence_rules },
    startAt, endAt,
  );
  const out: Ranked<AgendaEventItem>[] = [];
  for (const s of starts) {
    const o = overrides.get(s.getTime());
    overrides.delete(s.getTime());
    const r = occurrence(e, s, o, true, ctx);
    if (r) out.push(r);
  }
  for (const [original, o] of overrides) {
    if (!o.start_at || overlaps(original, e.duration_seconds, ctx)) continue;
    const r = occurrence(e, new Date(original), o, true, ctx);
    if (r) out.push(r);
  }
  return out;
}

export const eventSource: AgendaSource = {
  key: 'events',
  query: (ctx) => jsonRows(eventRows(ctx)),
  items: (rows, agenda) => {
    const ctx: Ctx = { ...agenda, wall: wallClock(agenda.window.zone) };
    return jsonRowsOf<EventRow>(rows).flatMap((e) =>
      e.is_recurring
        ? seriesItems(e, ctx)
        : [occurrence(e, new Date(e.start_at), undefined, false, ctx)].filter((r) => r !== null));
  },
};
