/**
 * `event.cancelled` fires at once when an event (or one occurrence) is deleted or its status
 * becomes `cancelled`. The alerts resource owns the mechanism (ledger rows for subscribed
 * alerts, then the ALERTS queue); this is the calendar's one call into it.
 */
import type { ServiceContext } from '../http/context';
import { recordEventCancelled, type CancelledEvent } from '../alerts/emit';
import type { EventRecord, OverrideRecord } from './event-store';
import { occurrenceId } from '../time/occurrences';
import { occurrenceTiming } from './event-view';

export type { CancelledEvent };

export function cancelledSeries(rec: EventRecord): CancelledEvent {
  return {
    id: rec.id, calendarId: rec.calendarId, title: rec.title, startAt: rec.startAt, timeZone: rec.timeZone,
    duration: rec.duration, location: rec.location,
  };
}

export function cancelledOccurrence(rec: EventRecord, originalStart: Date, o: OverrideRecord | undefined): CancelledEvent {
  const t = occurrenceTiming(rec, originalStart, o);
  return {
    id: occurrenceId(rec.id, originalStart), recurringEventId: rec.id, calendarId: rec.calendarId,
    title: o?.title ?? rec.title, startAt: t.startAt, timeZone: rec.timeZone, duration: t.duration,
    location: o?.location ?? rec.location,
  };
}

export async function announceCancelled(ctx: ServiceContext, event: CancelledEvent): Promise<void> {
  await recordEventCancelled(ctx, event);
}
