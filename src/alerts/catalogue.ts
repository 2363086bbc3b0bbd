/**
 * The event types an alert can subscribe to (API.md §8), served publicly by
 * /v1/events/types/ and /v1/events/reference/, and the rules validation applies to them.
 */

export const OFFSET_UNITS = ['minutes', 'hours', 'days'] as const;
export type OffsetUnit = (typeof OFFSET_UNITS)[number];

export const UNIT_SECONDS: Record<OffsetUnit, number> = { minutes: 60, hours: 3600, days: 86_400 };

/** Longest offset: a year ahead (a reminder further out is almost surely a unit mistake). */
export const MAX_OFFSET_SECONDS = 366 * 86_400;

/** Anniversary types are free-form on contacts: 1–40 of a-z 0-9 _ - (API.md §4). */
export const ANNIVERSARY_TYPE_RE = /^[a-z0-9_-]{1,40}$/;

export const EVENT_REMINDER_TYPES = ['event.created', 'event.updated'] as const;

/** Fields every firing's `data` may carry, by family; task templates may name these. */
export const CONTACT_FIELDS = ['contact_id', 'contact_name', 'anniversary_type', 'date', 'original_date', 'years', 'title'] as const;
export const EVENT_FIELDS = [
  'event_id', 'recurring_event_id', 'calendar_id', 'title', 'start', 'start_at', 'time_zone', 'duration', 'location', 'status', 'date',
] as const;
/** Fields every firing has, whatever its type. */
export const COMMON_FIELDS = ['type', 'scheduled_for', 'alert_id', 'inbox_id', 'offset'] as const;
export const TEMPLATE_FIELDS: readonly string[] = [...new Set([...COMMON_FIELDS, ...CONTACT_FIELDS, ...EVENT_FIELDS, 'cancelled_at'])];

export interface EventTypeInfo {
  type: string;
  category: 'contact' | 'calendar';
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
const eventExample = {
  event_id: 'evt_01jd5x7k3m0000000000000000', recurring_event_id: null, calendar_id: 'cal_01jd5x7k3m0000000000000000',
  title: 'Standup', start: '2025-03-14T09:30:00', start_at: '2025-03-14T13:30:00Z', time_zone: 'America/New_York',
  duration: 'PT30M', location: null, status: 'confirmed', date: '2025-03-14', offset: { value: 30, unit: 'minutes' },
};

export const EVENT_TYPES: readonly EventTypeInfo[] = [
  {
    type: 'contact.any', category: 'contact',
    description: 'Any contact anniversary (birthday, nameday, wedding, …). Fires once a year per contact and anniversary type at the inbox\'s anniversary_alert_time in its zone, on the observed date minus offset days (Feb 29 follows leap_day_policy). Only the days of an offset count; hours and minutes count as zero. The firing\'s type is contact.<anniversary type>.',
    config: ['offset', 'filter.contact_ids'], offset_units: [...OFFSET_UNITS], data_fields: [...CONTACT_FIELDS, 'offset'], example: contactExample,
  },
  {
    type: 'contact.{type}', category: 'contact',
    description: 'One anniversary type, e.g. contact.birthday, contact.nameday, contact.wedding (any type a contact can carry: 1–40 of a-z 0-9 _ -). Same timing as contact.any.',
    config: ['offset', 'filter.contact_ids'], offset_units: [...OFFSET_UNITS], data_fields: [...CONTACT_FIELDS, 'offset'], example: contactExample,
  },
  {
    type: 'event.created', category: 'calendar',
    description: 'Reminder for every calendar event: fires at each occurrence\'s start minus offset (recurring series included). A reminder whose time had already passed when the event was created or rescheduled does not fire; a rescheduled event is reminded for its new start only; cancelled and deleted events are not reminded.',
    config: ['offset', 'filter.calendar_ids'], offset_units: [...OFFSET_UNITS], data_fields: [...EVENT_FIELDS, 'offset'], example: eventExample,
  },
  {
    type: 'event.updated', category: 'calendar',
    description: 'Like event.created, but only for events changed after they were created. An alert subscribed to both fires once per occurrence, typed event.updated when the event was changed.',
    config: ['offset', 'filter.calendar_ids'], offset_units: [...OFFSET_UNITS], data_fields: [...EVENT_FIELDS, 'offset'], example: eventExample,
  },
  {
    type: 'event.cancelled', category: 'calendar',
    description: 'At once (no offset) when an event is deleted or its status set to cancelled; once per cancellation.',
    config: ['filter.calendar_ids'], offset_units: [], data_fields: [...EVENT_FIELDS, 'cancelled_at'],
    example: { ...eventExample, status: 'cancelled', offset: undefined, cancelled_at: '2025-03-13T17:02:11Z' },
  },
];

/** Whether an alert may subscribe to `type`. */
export function isKnownEventType(type: string): boolean {
  if (type === 'contact.any' || type === 'event.created' || type === 'event.updated' || type === 'event.cancelled') return true;
  return type.startsWith('contact.') && ANNIVERSARY_TYPE_RE.test(type.slice('contact.'.length));
}

export const isContactType = (type: string) => type.startsWith('contact.');
export const isEventType = (type: string) => type.startsWith('event.');
