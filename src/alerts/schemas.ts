import { z } from '@hono/zod-openapi';
import { EVENT_CATEGORIES, isKnownEventType, MAX_OFFSET_SECONDS, OFFSET_UNITS, UNIT_SECONDS } from './catalogue';
import { templateProblem } from './template';

export const BACKOFFS = ['immediate', 'fixed', 'exponential'] as const;
export const DELIVERY_TYPES = ['webhook', 'task'] as const;

export const Offset = z.object({
  value: z.number().int('must be a whole number').min(0, 'must be 0 or more'),
  unit: z.enum(OFFSET_UNITS),
}).superRefine((o, ctx) => {
  if (o.value * UNIT_SECONDS[o.unit] > MAX_OFFSET_SECONDS) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `must be at most ${MAX_OFFSET_SECONDS / UNIT_SECONDS[o.unit]} ${o.unit} (366 days)` });
  }
}).openapi('AlertOffset', {
  description: 'How long before the occurrence the alert fires. For anniversaries only whole days count (hours and minutes count as zero).',
  example: { value: 2, unit: 'days' },
});

export const DeliveryTarget = z.object({
  type: z.enum(DELIVERY_TYPES),
  target: z.string().min(1).max(2000).openapi({
    description: 'webhook: a public https URL. task: a summary template with {field} placeholders (see /v1/events/reference/).',
    example: 'https://hooks.example.com/inbox',
  }),
}).superRefine((d, ctx) => {
  if (d.type !== 'task') return; // webhook URLs are checked by the service (the policy is per deployment)
  const problem = templateProblem(d.target);
  if (problem) ctx.addIssue({ code: 'custom', path: ['target'], message: problem });
}).openapi('AlertDeliveryTarget');

const idList = z.array(z.string().min(1).max(100)).max(100);

export const Filter = z.object({
  contact_ids: idList.optional().openapi({ description: 'contact.* firings only for these contacts.' }),
  calendar_ids: idList.optional().openapi({ description: 'event.* firings only for events of these calendars.' }),
}).strict().openapi('AlertFilter', { description: 'Narrows which sources fire; null fires for all.' });

const Events = z.array(
  z.string().refine(isKnownEventType, 'unknown event type: see /v1/events/types/ (contact.any, contact.<anniversary type>, the event.*, message.*, work_route.* and contact.share_received types)'),
).min(1, 'subscribe to at least one event type').max(20).openapi({ example: ['contact.birthday'] });

const Retries = z.number().int('must be a whole number').min(0).max(10);

/** Body of POST /v1/alerts/ (the route adds the documented `inbox_id`). */
export const CreateAlert = z.object({
  events: Events,
  offset: Offset.nullable().optional(),
  delivery: DeliveryTarget,
  filter: Filter.nullable().optional(),
  retries: Retries.optional().openapi({ description: 'Retries after a failed attempt (0–10, default 3).', example: 3 }),
  backoff: z.enum(BACKOFFS).optional().openapi({ description: 'Delay between attempts (default exponential).' }),
  enabled: z.boolean().optional(),
}).openapi({
  example: { events: ['contact.birthday'], offset: { value: 2, unit: 'days' }, delivery: { type: 'webhook', target: 'https://hooks.example.com/inbox' } },
});

/** Body of PATCH /v1/alerts/{alert_id}/ (the route applies the PATCH rule: at least one field). */
export const PatchAlert = z.object({
  events: Events.optional(),
  offset: Offset.nullable().optional(),
  delivery: DeliveryTarget.optional(),
  filter: Filter.nullable().optional(),
  retries: Retries.optional(),
  backoff: z.enum(BACKOFFS).optional(),
  enabled: z.boolean().optional(),
}).openapi({ example: { enabled: false } });

export type CreateAlertInput = z.infer<typeof CreateAlert>;
export type PatchAlertInput = z.infer<typeof PatchAlert>;
export type FilterInput = z.infer<typeof Filter>;

export const Alert = z.object({
  id: z.string().openapi({ example: 'alr_01jd5x7k3m0000000000000000' }),
  inbox_id: z.string(),
  events: z.array(z.string()),
  offset: z.object({ value: z.number().int(), unit: z.enum(OFFSET_UNITS) }).nullable(),
  delivery: z.object({ type: z.enum(DELIVERY_TYPES), target: z.string() }),
  filter: z.object({ contact_ids: z.array(z.string()).optional(), calendar_ids: z.array(z.string()).optional() }).nullable(),
  retries: z.number().int(),
  backoff: z.enum(BACKOFFS),
  enabled: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('Alert');

export const AlertWithSecret = Alert.extend({
  secret: z.string().optional().openapi({
    description: 'Webhook signing secret (Standard Webhooks, `whsec_…`). Returned only when it is created (on create, or a PATCH that turns a task alert into a webhook).',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).openapi('AlertCreated');

export const Delivery = z.object({
  id: z.string().openapi({ example: 'dlv_01jd5x7k3m0000000000000000' }),
  firing_id: z.string().openapi({ description: 'Stable id of the firing: the webhook `id` and `webhook-id` header, the same on every retry.' }),
  alert_id: z.string(),
  type: z.string().openapi({ example: 'contact.birthday' }),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  scheduled_for: z.string(),
  delivered_at: z.string().nullable(),
  created_at: z.string(),
}).openapi('AlertDelivery');

export const EventType = z.object({
  type: z.string().openapi({ description: 'The type an alert names in `events` (`contact.{type}` stands for any anniversary type).', example: 'event.created' }),
  category: z.enum(EVENT_CATEGORIES).openapi({ description: 'A key of `categories`.' }),
  description: z.string(),
  config: z.array(z.string()).openapi({ description: 'The alert settings that apply (`offset`, `filter.contact_ids`, `filter.calendar_ids`).', example: ['offset', 'filter.calendar_ids'] }),
  offset_units: z.array(z.string()).openapi({ description: 'Units an offset may use; empty when the type fires at once.', example: ['minutes', 'hours', 'days'] }),
  data_fields: z.array(z.string()).openapi({ description: 'Fields of the firing\'s `data` (usable as {field} in task templates).' }),
  example: z.record(z.string(), z.unknown()).openapi({ description: 'An example `data`.' }),
}).openapi('EventType');

const Categories = z.record(z.string(), z.array(z.string())).openapi({
  description: 'Event types by category (each event\'s `category`).',
  example: { contact: ['contact.any', 'contact.{type}', 'contact.share_received'], calendar: ['event.created', 'event.updated', 'event.cancelled'] },
});

export const EventTypes = z.object({
  resource: z.literal('event_types'),
  events: z.array(EventType),
  categories: Categories,
  counts: z.object({ events: z.number().int(), categories: z.number().int() }),
}).openapi('EventTypes');

const Endpoint = z.object({
  method: z.enum(['GET', 'POST', 'PATCH', 'DELETE']),
  path: z.string(),
  scope: z.string().nullable().openapi({ description: 'The token scope the call needs (null: no token).' }),
  description: z.string(),
}).openapi('EventsEndpoint');

export const EventReference = z.object({
  version: z.string().openapi({ example: '1.0.0' }),
  resource: z.literal('events'),
  payload: z.record(z.string(), Endpoint).openapi({
    description: 'The calls around alerts, by name: `subscribe_alert`, `list_alerts`, `get_alert`, `update_alert`, `delete_alert`, `list_deliveries`, `redeliver`, `test_alert`, `event_types`.',
    example: { subscribe_alert: { method: 'POST', path: '/v1/alerts/', scope: 'alerts:write', description: 'Create an alert.' } },
  }),
  events: z.array(EventType),
  categories: Categories,
  webhook: z.object({
    method: z.literal('POST'),
    body: z.array(z.string()),
    headers: z.array(z.string()),
    signature: z.string(),
  }).openapi({ description: 'What a webhook delivery looks like.' }),
}).openapi('EventReference');

export const AlertParams = z.object({
  alert_id: z.string().openapi({ param: { name: 'alert_id', in: 'path' }, example: 'alr_01jd5x7k3m0000000000000000' }),
});
export const DeliveryParams = AlertParams.extend({
  delivery_id: z.string().openapi({ param: { name: 'delivery_id', in: 'path' }, example: 'dlv_01jd5x7k3m0000000000000000' }),
});
