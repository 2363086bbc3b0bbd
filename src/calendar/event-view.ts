/**
 * How events and occurrences look to the API user.
 *
 * `start` is a wall time without offset in the shown zone: the inbox `default_timezone` when
 * set, else the event's own zone. An all-day event (local midnight, whole days) is a date, not
 * an instant: it is shown on its own date in every zone, and occupies that date's midnights in
 * the viewer's zone when windows are matched — so it never slides onto the day before for a
 * viewer west of the event's zone.
 */
import type { Inbox } from '../http/context';
import { addDays, instantToWall, toIsoZ, wallToInstant } from '../time/zones';
import { occurrenceId } from '../time/occurrences';
import type { EventRecord, OverrideRecord } from './event-store';
import type { EventView } from './schemas';

const DAY_S = 86_400;

/** Who looks: only the inbox's zone matters to where things are shown. */
export type Viewer = Pick<Inbox, 'defaultTimezone'>;

export function shownZone(inbox: Viewer, rec: { timeZone: string }): string {
  return inbox.defaultTimezone ?? rec.timeZone;
}

export function isAllDay(startLocal: string, durationSeconds: number): boolean {
  return startLocal.endsWith('T00:00:00') && durationSeconds % DAY_S === 0;
}

/** When one occurrence (or a single event) happens. `startLocal` is in the event's own zone. */
export interface Timing {
  startAt: Date;
  startLocal: string;
  duration: string;
  durationSeconds: number;
}

/** [start, end) in ms as the viewer experiences it (all-day: the viewer's midnights). */
export function spanOf(inbox: Viewer, rec: { timeZone: string }, t: Timing): { start: number; end: number } {
  if (isAllDay(t.startLocal, t.durationSeconds)) {
    const zone = shownZone(inbox, rec);
    const date = t.startLocal.slice(0, 10);
    const start = wallToInstant(`${date}T00:00:00`, zone).instant.getTime();
    const end = wallToInstant(`${addDays(date, t.durationSeconds / DAY_S)}T00:00:00`, zone).instant.getTime();
    return { start, end };
  }
  const start = t.startAt.getTime();
  return { start, end: start + t.durationSeconds * 1000 };
}

function shownStart(inbox: Inbox, rec: EventRecord, t: Timing): string {
  return isAllDay(t.startLocal, t.durationSeconds) ? t.startLocal : instantToWall(t.startAt, shownZone(inbox, rec));
}

export function seriesTiming(rec: Timing): Timing {
  return { startAt: rec.startAt, startLocal: rec.startLocal, duration: rec.duration, durationSeconds: rec.durationSeconds };
}

/** The occurrence as generated, before any override. */
/** What an occurrence's timing is built from: the series' zone and duration. */
type SeriesTimingFacts = Pick<EventRecord, 'timeZone' | 'duration' | 'durationSeconds'>;

/** What of a change moves an occurrence. */
export type TimingChange = Pick<OverrideRecord, 'startAt' | 'startLocal' | 'duration' | 'durationSeconds'>;

export function originalTiming(rec: SeriesTimingFacts, originalStart: Date): Timing {
  return {
    startAt: originalStart, startLocal: instantToWall(originalStart, rec.timeZone),
    duration: rec.duration, durationSeconds: rec.durationSeconds,
  };
}

export function occurrenceTiming(rec: SeriesTimingFacts, originalStart: Date, o: TimingChange | undefined): Timing {
  const t = originalTiming(rec, originalStart);
  if (!o) return t;
  return {
    startAt: o.startAt ?? t.startAt,
    startLocal: o.startLocal ?? t.startLocal,
    duration: o.duration ?? t.duration,
    durationSeconds: o.durationSeconds ?? t.durationSeconds,
  };
}

export function seriesView(inbox: Inbox, rec: EventRecord): EventView {
  const t = seriesTiming(rec);
  return {
    event_id: rec.id,
    calendar_id: rec.calendarId,
    title: rec.title,
    start: shownStart(inbox, rec, t),
    duration: rec.duration,
    time_zone: shownZone(inbox, rec),
    event_time_zone: rec.timeZone,
    all_day: isAllDay(t.startLocal, t.durationSeconds),
    description: rec.description,
    status: rec.status,
    location: rec.location,
    participants: rec.participants,
    recurrence_rules: rec.recurrenceRules,
    label_ids: rec.labelIds,
    created_at: toIsoZ(rec.createdAt),
    updated_at: toIsoZ(rec.updatedAt),
  };
}

export function occurrenceView(inbox: Inbox, rec: EventRecord, originalStart: Date, o: OverrideRecord | undefined): EventView {
  const t = occurrenceTiming(rec, originalStart, o);
  const base = seriesView(inbox, rec);
  return {
    ...base,
    event_id: occurrenceId(rec.id, originalStart),
    recurring_event_id: rec.id,
    original_start: shownStart(inbox, rec, originalTiming(rec, originalStart)),
    title: o?.title ?? rec.title,
    start: shownStart(inbox, rec, t),
    duration: t.duration,
    all_day: isAllDay(t.startLocal, t.durationSeconds),
    description: o?.description ?? rec.description,
    status: o?.status ?? rec.status,
    location: o?.location ?? rec.location,
    updated_at: toIsoZ(o && o.updatedAt > rec.updatedAt ? o.updatedAt : rec.updatedAt),
  };
}
