/**
 * The event types an alert can subscribe to (docs/alerts.md), served publicly by
 * /v1/events/types/ and /v1/events/reference/, and the rules validation applies to them.
 * Each type's `data_fields` are the keys of its payload schema (payload.ts), so the catalogue
 * cannot drift from what firings carry.
 */
import { dataFieldsOf } from './payload';

export const OFFSET_UNITS = ['minutes', 'hours', 'days'] as const;
export type OffsetUnit = (typeof OFFSET_UNITS)[number];

export const UNIT_SECONDS: Record<OffsetUnit, number> = { minutes: 60, hours: 3600, days: 86_400 };

/** Longest offset: a year ahead (a reminder further out is almost surely a unit mistake). */
export const MAX_OFFSET_SECONDS = 366 * 86_400;

/** Anniversary types are free-form on contacts: 1–40 of a-z 0-9 _ - (docs/contacts.md). */
export const ANNIVERSARY_TYPE_RE = /^[a-z0-9_-]{1,40}$/;


/** The catalogue's categories, in the order the envelopes list them. */
export const EVENT_CATEGORIES = ['contact', 'calendar', 'message', 'work_route'] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

/** The anniversary-type wildcard entry of the catalogue (`contact.birthday`, `contact.wedding`, …). */
export const CONTACT_TYPE_PATTERN = 'contact.{type}';

export interface EventTypeInfo {
  type: string;
  category: EventCategory;
  description: string;
  config: string[];
  offset_units: OffsetUnit[];
  /** Fields of the firing's `data`. */
  data_fields: string[];
  example: Record<string, unknown>;
}

const contactExample = {
  contact_id: 'ctc_01jd5x7k3m0000000000000000', contact_name: 'Alice Smith', anniversary_type: 'birthday',
  date: '2025-03-14', original_date: '1990-03-14', years: 35, title: 'Alice Smith — Birthday', offset: { value: 2, unit: 'days' },
};
const messageExample = {
  message_id: 'msg_01jd5x7k3m0000000000000000', thread_id: 'thr_01jd5x7k3m0000000000000000',
  from: { email: 'alice@example.com', name: 'Alice Smith' }, to: [{ email: 'agent@inbox.example', name: null }],
  subject: 'Lunch on Tuesday?', snippet: 'Can we meet Tuesday at 3pm?', sent_at: '2025-03-14T09:12:44Z',
};
const eventExample = {
  event_id: 'evt_01jd5x7k3m0000000000000000', recurring_event_id: null, calendar_id: 'cal_01jd5x7k3m0000000000000000',
  title: 'Standup', start: '2025-03-14T09:30:00', start_at: '2025-03-14T13:30:00Z', time_zone: 'America/New_York',
  duration: 'PT30M', location: null, status: 'confirmed', date: '2025-03-14', offset: { value: 30, unit: 'minutes' },
};

function withoutOffset<T extends { offset: unknown }>(example: T): Omit<T, 'offset'> {
  const { offset: _offset, ...rest } = example;
  return rest;
}

export const EVENT_TYPES: readonly EventTypeInfo[] = [
  {
    type: 'contact.any', category: 'contact',
    description: 'Any contact anniversary (birthday, nameday, wedding, …). Fires once a year per contact and anniversary type at the inbox\'s anniversary_alert_time in its zone, on the observed date minus offset days (Feb 29 follows leap_day_policy). Only the days of an offset count; hours and minutes count as zero. The firing\'s type is contact.<anniversary type>.',
    config: ['offset', 'filter.contact_ids'], offset_units: [...OFFSET_UNITS], data_fields: dataFieldsOf('contact.any'), example: contactExample,
  },
  {
    type: CONTACT_TYPE_PATTERN, category: 'contact',
    description: 'One anniversary type, e.g. contact.birthday, contact.nameday, contact.wedding (any type a contact can carry: 1–40 of a-z 0-9 _ -). Same timing as contact.any. (contact.share_received is its own event type, not an anniversary.)',
    config: ['offset', 'filter.contact_ids'], offset_units: [...OFFSET_UNITS], data_fields: dataFieldsOf('contact.any'), example: contactExample,
  },
  {
    type: 'event.created', category: 'calendar',
    description: 'Reminder for every calendar event: fires at each occurrence\'s start minus offset (recurring series included). A reminder whose time had already passed when the event was created or rescheduled does not fire; a rescheduled event is reminded for its new start only; cancelled and deleted events are not reminded.',
    config: ['offset', 'filter.calendar_ids'], offset_units: [...OFFSET_UNITS], data_fields: dataFieldsOf('event.created'), example: eventExample,
  },
  {
    type: 'event.updated', category: 'calendar',
    description: 'Like event.created, but only for events changed after they were created. An alert subscribed to both fires once per occurrence, typed event.updated when the event was changed.',
    config: ['offset', 'filter.calendar_ids'], offset_units: [...OFFSET_UNITS], data_fields: dataFieldsOf('event.created'), example: eventExample,
  },
  {
    type: 'event.cancelled', category: 'calendar',
    description: 'At once (no offset) when an event is deleted or its status set to cancelled; once per cancellation.',
    config: ['filter.calendar_ids'], offset_units: [], data_fields: dataFieldsOf('event.cancelled'),
    example: { ...withoutOffset(eventExample), status: 'cancelled', cancelled_at: '2025-03-13T17:02:11Z' },
  },
  {
    type: 'contact.share_received', category: 'contact',
    description: 'At once (no offset) when another inbox of the tenant shares a contact with this inbox, or asks this inbox for one: a pending share this inbox must accept or decline (it is also a pending task in the agenda).',
    config: [], offset_units: [], data_fields: dataFieldsOf('contact.share_received'),
    example: { share_id: 'shr_01jd5x7k3m0000000000000000', type: 'offer', from_inbox_id: 'inb_01jd5x7k3m0000000000000000', contact_address: 'alice@example.com' },
  },
  {
    type: 'message.received', category: 'message',
    description: 'At once (no offset) when mail for the inbox\'s address arrives and is stored. Imported history fires nothing.',
    config: [], offset_units: [], data_fields: dataFieldsOf('message.received'), example: messageExample,
  },
  {
    type: 'message.sent', category: 'message',
    description: 'At once (no offset) when the inbox sends a message (POST /v1/messages/, a sequence email, a work-route request). Imported history fires nothing.',
    config: [], offset_units: [], data_fields: dataFieldsOf('message.received'),
    example: { ...messageExample, from: { email: 'agent@inbox.example', name: 'Agent' }, to: [{ email: 'alice@example.com', name: 'Alice Smith' }], subject: 'Re: Lunch on Tuesday?' },
  },
  {
    type: 'work_route.completed', category: 'work_route',
    description: 'At once (no offset) when a work route this inbox created completes: every recipient has answered (a rejection ends a route as rejected, which does not fire this).',
    config: [], offset_units: [], data_fields: dataFieldsOf('work_route.completed'),
    example: {
      route_id: 'rte_01jd5x7k3m0000000000000000', title: 'Approve the Q3 budget', status: 'completed', request_type: 'approval',
      completed_recipients: 2, total_recipients: 2,
    },
  },
];

/** Fields every firing has, whatever its type; a task template may name these too. */
const COMMON_FIELDS = ['type', 'scheduled_for', 'alert_id', 'inbox_id'] as const;

/** What a task template may name: the common fields and every type's `data` fields. */
export const TEMPLATE_FIELDS: readonly string[] = [...new Set([...COMMON_FIELDS, ...EVENT_TYPES.flatMap((t) => t.data_fields)])];

/** Every type an alert may name literally (the anniversary wildcard aside). */
const FIXED_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES.map((t) => t.type).filter((t) => t !== CONTACT_TYPE_PATTERN));

/** `{ <category>: [<type>, …] }` in catalogue order. */
export function eventCategories(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of EVENT_CATEGORIES) {
    const types = EVENT_TYPES.filter((t) => t.category === c).map((t) => t.type);
    if (types.length) out[c] = types;
  }
  return out;
}

/** Version of the catalogue's shape, echoed by /v1/events/reference/. */
export const CATALOGUE_VERSION = '1.0.0';

/** The alert endpoints, as the reference's `payload` names them. */
export const ALERT_ENDPOINTS = {
  subscribe_alert: { method: 'POST', path: '/v1/alerts/', scope: 'alerts:write', description: 'Create an alert: events, offset, delivery, filter, retries, backoff, enabled.' },
  list_alerts: { method: 'GET', path: '/v1/alerts/', scope: 'alerts:read', description: 'The inbox\'s alerts (a bare array).' },
  get_alert: { method: 'GET', path: '/v1/alerts/{alert_id}/', scope: 'alerts:read', description: 'One alert (with an ETag).' },
  update_alert: { method: 'PATCH', path: '/v1/alerts/{alert_id}/', scope: 'alerts:write', description: 'Change an alert (If-Match honoured).' },
  delete_alert: { method: 'DELETE', path: '/v1/alerts/{alert_id}/', scope: 'alerts:write', description: 'Delete an alert and its deliveries log.' },
  list_deliveries: { method: 'GET', path: '/v1/alerts/{alert_id}/deliveries/', scope: 'alerts:read', description: 'The alert\'s deliveries log (paged).' },
  redeliver: { method: 'POST', path: '/v1/alerts/{alert_id}/deliveries/{delivery_id}/redeliver/', scope: 'alerts:write', description: 'Deliver a firing again (202).' },
  test_alert: { method: 'POST', path: '/v1/alerts/{alert_id}/test/', scope: 'alerts:write', description: 'Send a sample firing of the alert\'s first event type (202).' },
  event_types: { method: 'GET', path: '/v1/events/types/', scope: null, description: 'This catalogue without the webhook documentation (no token).' },
} as const;

const copyTypes = () => EVENT_TYPES.map((t) => ({ ...t, config: [...t.config], offset_units: [...t.offset_units], data_fields: [...t.data_fields] }));

/** GET /v1/events/types/. */
export function eventTypesEnvelope() {
  const categories = eventCategories();
  return {
    resource: 'event_types' as const,
    events: copyTypes(),
    categories,
    counts: { events: EVENT_TYPES.length, categories: Object.keys(categories).length },
  };
}

/** GET /v1/events/reference/: the catalogue plus how to subscribe and what a delivery looks like. */
export function eventReference() {
  return {
    version: CATALOGUE_VERSION,
    resource: 'events' as const,
    payload: ALERT_ENDPOINTS,
    events: copyTypes(),
    categories: eventCategories(),
    webhook: {
      method: 'POST' as const,
      body: ['id', 'type', 'inbox_id', 'alert_id', 'scheduled_for', 'data'],
      headers: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
      signature: 'v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>"> keyed with the base64-decoded secret after whsec_ (Standard Webhooks)',
    },
  };
}

/**
 * Whether an alert may subscribe to `type`: every type the catalogue lists (also those whose
 * producers come later: an alert on them simply waits), or contact.<anniversary type>.
 */
export function isKnownEventType(type: string): boolean {
  if (FIXED_TYPES.has(type)) return true;
  return type.startsWith('contact.') && ANNIVERSARY_TYPE_RE.test(type.slice('contact.'.length));
}

