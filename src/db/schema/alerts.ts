import { sql } from 'drizzle-orm';
import { pgEnum, pgTable, text, timestamp, integer, index, jsonb, boolean, uniqueIndex } from 'drizzle-orm/pg-core';

/** The unit of an alert's offset (before the event start or the anniversary). */
export const offsetUnitEnum = pgEnum('offset_unit', ['minutes', 'hours', 'days']);
export type OffsetUnit = (typeof offsetUnitEnum.enumValues)[number];

export const deliveryTypeEnum = pgEnum('delivery_type', ['webhook', 'task']);
export type DeliveryType = (typeof deliveryTypeEnum.enumValues)[number];

/** Delay between a failed attempt and the next: none, 30 s, or doubling from 10 s (jobs/deliver/backoff.ts). */
export const backoffEnum = pgEnum('backoff', ['immediate', 'fixed', 'exponential']);
export type Backoff = (typeof backoffEnum.enumValues)[number];

/** A firing is pending until delivered, or until its retries are spent (failed). */
export const deliveryStatusEnum = pgEnum('delivery_status', ['pending', 'delivered', 'failed']);
export type DeliveryStatus = (typeof deliveryStatusEnum.enumValues)[number];

/** An alert's stored filter (an empty filter is stored null). */
export type AlertFilter = { contact_ids?: string[]; calendar_ids?: string[] };
import { inboxes } from './accounts';

export const alerts = pgTable('alerts', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  events: text('events').array().notNull(),
  offsetValue: integer('offset_value'),
  offsetUnit: offsetUnitEnum('offset_unit'),
  deliveryType: deliveryTypeEnum('delivery_type').notNull(),
  target: text('target').notNull(),
  secret: text('secret'),
  filter: jsonb('filter').$type<AlertFilter | null>(),
  retries: integer('retries').notNull().default(3),
  backoff: backoffEnum('backoff').notNull().default('exponential'),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [index('alerts_inbox_idx').on(t.inboxId, t.id), index('alerts_enabled_idx').on(t.enabled)]);
export type AlertRow = typeof alerts.$inferSelect;

/**
 * The firings ledger: one row per (alert, source occurrence), which is also its delivery log.
 * The unique key makes a repeated scan harmless; `enqueued_at` null means "send it again".
 */
export const deliveries = pgTable('deliveries', {
  id: text('id').primaryKey(),
  firingId: text('firing_id').notNull(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  alertId: text('alert_id').notNull().references(() => alerts.id, { onDelete: 'cascade' }),
  sourceKey: text('source_key').notNull(),
  type: text('type').notNull(),
  scheduledFor: timestamp('scheduled_for', { withTimezone: true }).notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  status: deliveryStatusEnum('status').notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  lastStatusCode: integer('last_status_code'),
  lastError: text('last_error'),
  enqueuedAt: timestamp('enqueued_at', { withTimezone: true }),
  /** A consumer attempting this firing holds it until then: two copies never send at once. */
  claimedUntil: timestamp('claimed_until', { withTimezone: true }),
  deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('deliveries_source_key').on(t.alertId, t.sourceKey),
  uniqueIndex('deliveries_firing_key').on(t.firingId),
  index('deliveries_alert_idx').on(t.alertId, t.createdAt),
  index('deliveries_unsent_idx').on(t.enqueuedAt).where(sql`enqueued_at IS NULL`),
]);
export type DeliveryRow = typeof deliveries.$inferSelect;

/** Where each periodic scan got to, so a missed minute is caught up. */
export const scanState = pgTable('scan_state', {
  name: text('name').primaryKey(),
  watermark: timestamp('watermark', { withTimezone: true }).notNull(),
});
export type ScanStateRow = typeof scanState.$inferSelect;
