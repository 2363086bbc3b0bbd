import { sql } from 'drizzle-orm';
import { LEAP_DAY_POLICIES } from '../../time/anniversaries';
import { pgEnum, pgTable, text, timestamp, integer, index, uniqueIndex, boolean, primaryKey } from 'drizzle-orm/pg-core';

/** How a Feb 29 anniversary is observed in a common year: Feb 28, Mar 1, or not at all. */
export const leapDayPolicyEnum = pgEnum('leap_day_policy', LEAP_DAY_POLICIES);

/** `expired` is never stored: a pending approval past `expires_at` reads `expired`. */
export const approvalStatusEnum = pgEnum('approval_status', ['pending', 'approved', 'rejected']);
export type StoredApprovalStatus = (typeof approvalStatusEnum.enumValues)[number];

/** `personal` (the default), `tasks` (holds tasks), or `user`. */
export const calendarKindEnum = pgEnum('calendar_kind', ['personal', 'tasks', 'user']);
export type CalendarKind = (typeof calendarKindEnum.enumValues)[number];

export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
export type TenantRow = typeof tenants.$inferSelect;

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  email: text('email').notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('users_email_key').on(t.email)]);
export type UserRow = typeof users.$inferSelect;

export const inboxes = pgTable('inboxes', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  /** Stored lower-cased: addresses are matched case-insensitively. */
  address: text('address').notNull(),
  displayName: text('display_name'),
  defaultTimezone: text('default_timezone'),
  missedReplyThresholdDays: integer('missed_reply_threshold_days'),
  anniversaryAlertTime: text('anniversary_alert_time').notNull().default('09:00'),
  leapDayPolicy: leapDayPolicyEnum('leap_day_policy').notNull().default('feb28'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('inboxes_address_key').on(t.address), index('inboxes_tenant_idx').on(t.tenantId, t.id)]);
export type InboxRow = typeof inboxes.$inferSelect;

export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  accessHash: text('access_hash').notNull(),
  refreshHash: text('refresh_hash').notNull(),
  accessExpiresAt: timestamp('access_expires_at', { withTimezone: true }).notNull(),
  refreshExpiresAt: timestamp('refresh_expires_at', { withTimezone: true }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('sessions_access_key').on(t.accessHash), uniqueIndex('sessions_refresh_key').on(t.refreshHash)]);
export type SessionRow = typeof sessions.$inferSelect;

export const agentTokens = pgTable('agent_tokens', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id, { onDelete: 'cascade' }),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  label: text('label').notNull(),
  tokenHash: text('token_hash').notNull(),
  scopes: text('scopes').array().notNull(),
  requiresApproval: text('requires_approval').array().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
}, (t) => [uniqueIndex('agent_tokens_hash_key').on(t.tokenHash), index('agent_tokens_inbox_idx').on(t.inboxId, t.id)]);
export type AgentTokenRow = typeof agentTokens.$inferSelect;

/** A call held for approval: stored exactly as submitted, replayed on approve. */
export const approvals = pgTable('approvals', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  tokenId: text('token_id').notNull(),
  tokenLabel: text('token_label').notNull(),
  actionType: text('action_type').notNull(),
  summary: text('summary').notNull(),
  method: text('method').notNull(),
  path: text('path').notNull(),
  body: text('body'),
  /** Conditional headers of the held call (If-Match), replayed with it. */
  ifMatch: text('if_match'),
  /**
   * A held call whose body is not JSON (a file upload) keeps its bytes in R2 (binding FILES)
   * under this key, with their content type; `body` is then null. Deleted once decided.
   */
  heldObject: text('held_object'),
  heldContentType: text('held_content_type'),
  status: approvalStatusEnum('status').notNull().default('pending'),
  resultStatus: integer('result_status'),
  queuedAt: timestamp('queued_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decidedBy: text('decided_by'),
}, (t) => [index('approvals_inbox_idx').on(t.inboxId, t.status, t.queuedAt)]);
export type ApprovalRow = typeof approvals.$inferSelect;

export const idempotencyKeys = pgTable('idempotency_keys', {
  principalId: text('principal_id').notNull(),
  key: text('key').notNull(),
  requestHash: text('request_hash').notNull(),
  /** Null while the first request is still running. */
  statusCode: integer('status_code'),
  responseBody: text('response_body'),
  responseHeaders: text('response_headers'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('idempotency_keys_pk').on(t.principalId, t.key), index('idempotency_keys_created_idx').on(t.createdAt)]);
export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;

/**
 * Sign-in attempts per key (account or client address, stored as a SHA-256 of the key) per fixed
 * window (src/accounts/throttle.ts). The counting statement deletes a batch of expired rows
 * each time, so the table holds little more than the live windows.
 */
export const loginThrottle = pgTable('login_throttle', {
  keyHash: text('key_hash').notNull(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  count: integer('count').notNull(),
}, (t) => [primaryKey({ name: 'login_throttle_pk', columns: [t.keyHash, t.windowStart] }), index('login_throttle_expires_idx').on(t.expiresAt)]);
export type LoginThrottleRow = typeof loginThrottle.$inferSelect;

export const calendars = pgTable('calendars', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  color: text('color'),
  isDefault: boolean('is_default').notNull().default(false),
  kind: calendarKindEnum('kind').notNull().default('user'),
  /**
   * The secret in the calendar's subscribable iCalendar feed URL (docs/interchange.md): 64 hex digits
   * from two random UUIDs, drawn per row by the default (so existing calendars get one too);
   * rotating it stops the old URL.
   */
  feedToken: text('feed_token').notNull().default(sql`replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('calendars_inbox_idx').on(t.inboxId, t.id), uniqueIndex('calendars_feed_token_idx').on(t.feedToken)]);
export type CalendarRow = typeof calendars.$inferSelect;
