/**
 * What a firing carries: the `data` of its webhook body and the fields a task template may name.
 * This is the one place payloads are made. The scan's SQL and the emitters only gather facts;
 * the builders below turn facts into `data`, and each family's zod schema is both the check on
 * what is built and the catalogue's list of `data_fields`.
 */
import { z } from 'zod';
import { instantToWall, toIsoZ } from '../time/zones';
import { anniversaryTitle } from '../time/anniversaries';

const Offset = z.object({ value: z.number().int(), unit: z.enum(['minutes', 'hours', 'days']) }).nullable();
export type OffsetView = z.infer<typeof Offset>;

const IsoZ = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
const Wall = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
const DateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** `contact.<type>`: an anniversary observed on `date`. */
export const AnniversaryData = z.strictObject({
  contact_id: z.string(),
  contact_name: z.string(),
  anniversary_type: z.string(),
  date: DateOnly,
  /** As stored on the contact: `YYYY-MM-DD` or `--MM-DD`. */
  original_date: z.string(),
  /** Years since the stored year; null for a year-less date. */
  years: z.number().int().nullable(),
  title: z.string(),
  offset: Offset,
});

/** `event.created` / `event.updated`: a reminder of one occurrence. */
export const EventReminderData = z.strictObject({
  event_id: z.string(),
  recurring_event_id: z.string().nullable(),
  calendar_id: z.string(),
  title: z.string(),
  /** Wall time in `time_zone` (the inbox default, else the event's own, as the calendar shows it). */
  start: Wall,
  start_at: IsoZ,
  time_zone: z.string(),
  duration: z.string().nullable(),
  location: z.string().nullable(),
  status: z.string(),
  date: DateOnly,
  offset: Offset,
});

/** `event.cancelled`: fired at once, no offset. */
export const EventCancelledData = EventReminderData.omit({ offset: true }).extend({ cancelled_at: IsoZ });

const Address = z.strictObject({ email: z.string(), name: z.string().nullable() });

/** `message.received` / `message.sent` (docs/mail.md). */
export const MessageData = z.strictObject({
  message_id: z.string(),
  thread_id: z.string(),
  from: Address,
  to: z.array(Address),
  subject: z.string(),
  snippet: z.string(),
  sent_at: IsoZ,
});

/** `work_route.completed` (docs/mail.md). */
export const WorkRouteData = z.strictObject({
  route_id: z.string(),
  title: z.string(),
  status: z.string(),
  request_type: z.string(),
  completed_recipients: z.number().int(),
  total_recipients: z.number().int(),
});

/** `contact.share_received` (docs/contacts.md). */
export const ShareData = z.strictObject({
  share_id: z.string(),
  type: z.enum(['offer', 'request']),
  from_inbox_id: z.string(),
  contact_address: z.string().nullable(),
});

export type FiringData = Record<string, unknown>;

/**
 * The schema of a firing's `data`, by event type. `contact.share_received` is the one
 * `contact.` type that is not an anniversary (contacts cannot carry that anniversary type).
 */
export function dataSchemaOf(type: string): z.ZodObject | null {
  if (type === 'contact.share_received') return ShareData;
  if (type.startsWith('contact.')) return AnniversaryData;
  if (type === 'event.created' || type === 'event.updated') return EventReminderData;
  if (type === 'event.cancelled') return EventCancelledData;
  if (type === 'message.received' || type === 'message.sent') return MessageData;
  if (type === 'work_route.completed') return WorkRouteData;
  return null;
}

/** Field names of a firing's `data` for the catalogue and for template checks. */
export function dataFieldsOf(type: string): string[] {
  const schema = dataSchemaOf(type);
  return schema ? Object.keys(schema.shape) : [];
}

/** What the scan knows about an anniversary observed on a date. */
export interface AnniversaryFacts {
  contactId: string;
  contactName: string;
  type: string;
  /** Observed date, `YYYY-MM-DD`. */
  observed: string;
  originalDate: string;
  /** The stored year, or null for `--MM-DD`. */
  year: number | null;
}

export function anniversaryData(f: AnniversaryFacts, offset: OffsetView): FiringData {
  return AnniversaryData.parse({
    contact_id: f.contactId,
    contact_name: f.contactName,
    anniversary_type: f.type,
    date: f.observed,
    original_date: f.originalDate,
    years: f.year === null ? null : Number(f.observed.slice(0, 4)) - f.year,
    title: anniversaryTitle(f.contactName, f.type),
    offset,
  });
}

/** What is known about an event occurrence that reminds or is cancelled. */
export interface EventFacts {
  eventId: string;
  recurringEventId: string | null;
  calendarId: string;
  title: string;
  startAt: Date;
  /** Zone `start` is shown in: the inbox default, else the event's own (as the calendar API does). */
  displayZone: string;
  duration: string | null;
  location: string | null;
  status: string;
}

function eventFields(e: EventFacts) {
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
  };
}

export function eventReminderData(e: EventFacts, offset: OffsetView): FiringData {
  return EventReminderData.parse({ ...eventFields(e), offset });
}

export function eventCancelledData(e: EventFacts, cancelledAt: Date): FiringData {
  return EventCancelledData.parse({ ...eventFields(e), cancelled_at: toIsoZ(cancelledAt) });
}

/** `{ value, unit }` of an alert's offset columns, or null. */
export function offsetOf(value: number | null, unit: string | null): OffsetView {
  return value === null || unit === null ? null : Offset.parse({ value, unit });
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

/** What a message firing says about the message (docs/mail.md). */
export interface MessageFacts {
  message_id: string;
  thread_id: string;
  from: { email: string; name: string | null };
  to: { email: string; name: string | null }[];
  subject: string;
  snippet: string;
  sent_at: string;
}

export function messageData(m: MessageFacts): FiringData {
  return MessageData.parse({
    message_id: m.message_id, thread_id: m.thread_id, from: m.from, to: m.to, subject: m.subject, snippet: m.snippet, sent_at: m.sent_at,
  });
}

export type WorkRouteFacts = z.infer<typeof WorkRouteData>;

export function workRouteData(r: WorkRouteFacts): FiringData {
  return WorkRouteData.parse(r);
}

export function shareData(d: z.infer<typeof ShareData>): FiringData {
  return ShareData.parse(d);
}
