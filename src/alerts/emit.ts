/**
 * Firings that happen at once, from the request (or the mail) that causes them: no scan
 * involved. `event.cancelled` fires at once, from the calendar's own request: no scan involved. The
 * firings are recorded in the ledger first and then sent; if the send fails the rows stay
 * unsent and the next minute's scan sends them, so the cancellation is never lost and the
 * calendar call does not fail because of the queue.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../db/sql';
import type { AlertQueue, Inbox, ServiceContext } from '../http/context';
import type { Queryable } from '../db/sql';
import { recordFirings, sendOrLeaveForScan, type FiringInput } from './ledger';
import { eventCancelledData, messageData, workRouteData, type MessageFacts, type WorkRouteFacts } from './payload';

/** What the calendar knows about the event (or occurrence) being deleted or cancelled. */
export interface CancelledEvent {
  /** Series id, or occurrence id (`occurrenceId` of src/time/occurrences.ts). */
  id: string;
  calendarId: string;
  title: string;
  startAt: Date;
  timeZone: string;
  duration?: string | null;
  location?: string | null;
  /** Set when a single occurrence of a series is cancelled. */
  recurringEventId?: string | null;
}

/**
 * Records and sends one `event.cancelled` firing per enabled alert of the inbox subscribed to
 * it (and whose calendar filter admits the event). The source key holds the event id and the
 * cancellation instant: a repeated call for the same cancellation records nothing new, a later
 * cancellation (after a reinstatement) fires again. Returns the number of new firings.
 */
export async function recordEventCancelled(
  { db, inbox, now, alerts }: ServiceContext, event: CancelledEvent,
): Promise<number> {
  const rows = await rowsOf<{ id: string }>(db, sql`
    SELECT id, offset_value, offset_unit FROM alerts
    WHERE inbox_id = ${inbox.id} AND enabled AND 'event.cancelled' = ANY(events)
      AND (filter->'calendar_ids' IS NULL OR jsonb_typeof(filter->'calendar_ids') <> 'array' OR filter->'calendar_ids' ? ${event.calendarId})`);
  if (rows.length === 0) return 0;
  const data = eventCancelledData({
    eventId: event.id,
    recurringEventId: event.recurringEventId ?? null,
    calendarId: event.calendarId,
    title: event.title,
    startAt: event.startAt,
    displayZone: inbox.defaultTimezone ?? event.timeZone,
    duration: event.duration ?? null,
    location: event.location ?? null,
    status: 'cancelled',
  }, now);
  const firings: FiringInput[] = rows.map((r) => ({
    inboxId: inbox.id,
    alertId: r.id,
    sourceKey: `cancelled:${event.id}:${now.toISOString()}`,
    type: 'event.cancelled',
    scheduledFor: now,
    payload: data,
  }));
  const ids = (await recordFirings(db, firings, now)).map((f) => f.id);
  await sendOrLeaveForScan(db, alerts, ids, now);
  return ids.length;
}

/**
 * Records and sends `message.received` / `message.sent` for a stored message to the alerts the
 * store found subscribed (src/mail/store.ts names them in its statement). The source key is the
 * message: a redelivered mail or a retried send fires nothing new, and a mail whose firing was
 * lost between store and record (a crash) fires when it is redelivered.
 */
export async function recordMessageFiring(
  db: Queryable, queue: AlertQueue, inbox: Inbox, type: 'message.received' | 'message.sent', alertIds: readonly string[], message: MessageFacts, now: Date,
): Promise<number> {
  if (alertIds.length === 0) return 0;
  const data = messageData(message);
  const firings: FiringInput[] = alertIds.map((alertId) => ({
    inboxId: inbox.id, alertId, sourceKey: `message:${message.message_id}`, type, scheduledFor: now, payload: data,
  }));
  const ids = (await recordFirings(db, firings, now)).map((f) => f.id);
  await sendOrLeaveForScan(db, queue, ids, now);
  return ids.length;
}

/**
 * Records and sends `work_route.completed` to the creator inbox's alerts subscribed to it. The
 * source key is the route: it completes once, so a repeated call records nothing new.
 */
export async function recordWorkRouteCompleted({ db, inbox, now, alerts }: ServiceContext, route: WorkRouteFacts): Promise<number> {
  const subscribed = await rowsOf<{ id: string }>(db, sql`
    SELECT id FROM alerts WHERE inbox_id = ${inbox.id} AND enabled AND 'work_route.completed' = ANY(events)`);
  if (subscribed.length === 0) return 0;
  const data = workRouteData(route);
  const firings: FiringInput[] = subscribed.map((a) => ({
    inboxId: inbox.id, alertId: a.id, sourceKey: `work_route:${route.route_id}`, type: 'work_route.completed', scheduledFor: now, payload: data,
  }));
  const ids = (await recordFirings(db, firings, now)).map((f) => f.id);
  await sendOrLeaveForScan(db, alerts, ids, now);
  return ids.length;
}
