import { sql } from 'drizzle-orm';
import { pgTable, text, timestamp, integer, index, jsonb, boolean, uniqueIndex } from 'drizzle-orm/pg-core';
import { inboxes } from './accounts';

export const alerts = pgTable('alerts', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  events: text('events').array().notNull(),
  offsetValue: integer('offset_value'),
  offsetUnit: text('offset_unit'),
  deliveryType: text('delivery_type').notNull(),
  target: text('target').notNull(),
  secret: text('secret'),
  filter: jsonb('filter').$type<Record<string, unknown> | null>(),
  retries: integer('retries').notNull().default(3),
  backoff: text('backoff').notNull().default('exponential'),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [index('alerts_inbox_idx').on(t.inboxId, t.id), index('alerts_enabled_idx').on(t.enabled)]);

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
  status: text('status').notNull().default('pending'),
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

/** Where each periodic scan got to, so a missed minute is caught up. */
export const scanState = pgTable('scan_state', {
  name: text('name').primaryKey(),
  watermark: timestamp('watermark', { withTimezone: true }).notNull(),
});
