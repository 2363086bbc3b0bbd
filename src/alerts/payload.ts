/**
 * What a firing carries: the `data` of its webhook body and the fields a task template may name.
 * The scan builds most payloads in SQL (same field names); these helpers are the JS side.
 */
import { instantToWall, toIsoZ } from '../time/zones';

export interface OffsetView {
  value: number;
  unit: 'minutes' | 'hours' | 'days';
}

/** Fields of an event firing's `data` (reminders and cancellations). */
export interface EventFacts {
  eventId: string;
  recurringEventId: string | null;
  calendarId: string;
  title: string;
  startAt: Date;
  /** The event's own zone. */
  timeZone: string;
  /** Zone `start` is shown in: the inbox default, else the event's own (as the calendar API does). */
  displayZone: string;
  duration: string | null;
  location: string | null;
  status: string;
}

export function eventData(e: EventFacts, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const start = instantToWall(e.startAt, e.displayZone);
  return {
    event_id: e.eventId,
    recurring_event_id: e.recurringEventId,
    calendar_id: e.calendarId,
    title: e.title,
    start,
    start_at: toIsoZ(e.startAt),
    time_zone: e.displayZone,
    duration: e.duration,
    location: e.location,
    status: e.status,
    date: start.slice(0, 10),
    ...extra,
  };
}

/** 'wedding_anniversary' → 'Wedding anniversary', as the agenda titles anniversaries. */
export function anniversaryLabel(type: string): string {
  const spaced = type.replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** The webhook body (Standard Webhooks: `id` is the firing id, stable across retries). */
export function webhookBody(d: {
  firingId: string; type: string; inboxId: string; alertId: string; scheduledFor: Date; payload: Record<string, unknown>;
}): string {
  return JSON.stringify({
    id: d.firingId,
    type: d.type,
    inbox_id: d.inboxId,
    alert_id: d.alertId,
    scheduled_for: toIsoZ(d.scheduledFor),
    data: d.payload,
  });
}
