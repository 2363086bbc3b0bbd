import { sql } from 'drizzle-orm';
import { pgEnum, pgTable, text, timestamp, integer, index, jsonb, uniqueIndex } from 'drizzle-orm/pg-core';
import { inboxes } from './accounts';

export const routeRequestTypeEnum = pgEnum('route_request_type', ['approval', 'acknowledgement', 'text_response']);
export type RouteRequestType = (typeof routeRequestTypeEnum.enumValues)[number];
export const routingModeEnum = pgEnum('routing_mode', ['parallel', 'ordered']);
export type RoutingMode = (typeof routingModeEnum.enumValues)[number];
export const routeStatusEnum = pgEnum('route_status', ['draft', 'active', 'completed', 'rejected', 'cancelled']);
export type RouteStatus = (typeof routeStatusEnum.enumValues)[number];
export const routeRecipientKindEnum = pgEnum('route_recipient_kind', ['contact', 'email', 'inbox']);
export type RouteRecipientKind = (typeof routeRecipientKindEnum.enumValues)[number];
export const routeRecipientStatusEnum = pgEnum('route_recipient_status', [
  'queued', 'waiting', 'approved', 'rejected', 'changes_requested', 'acknowledged', 'responded',
]);
export type RouteRecipientStatus = (typeof routeRecipientStatusEnum.enumValues)[number];

/** Reply phrases per decision, as the route was created with them (a category left out keeps the defaults). */
export type RoutePhrases = { approve?: string[]; reject?: string[]; request_changes?: string[] };

/** A request (approval, acknowledgement, text) routed to recipients, in order or all at once (docs/mail.md). */
export const workRoutes = pgTable('work_routes', {
  id: text('id').primaryKey(),
  /** The creator's inbox: the requests are mailed from it, and replies come back to it. */
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  description: text('description'),
  requestType: routeRequestTypeEnum('request_type').notNull(),
  routingMode: routingModeEnum('routing_mode').notNull(),
  status: routeStatusEnum('status').notNull(),
  dueAt: timestamp('due_at', { withTimezone: true }),
  phrases: jsonb('phrases').$type<RoutePhrases>(),
  sourceMessageId: text('source_message_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  index('work_routes_inbox_idx').on(t.inboxId, t.id),
  // The scan's reminders: active routes past their due time.
  index('work_routes_due_idx').on(t.dueAt).where(sql`${t.status} = 'active'`),
]);
export type WorkRouteRow = typeof workRoutes.$inferSelect;

export const routeRecipients = pgTable('route_recipients', {
  id: text('id').primaryKey(),
  routeId: text('route_id').notNull().references(() => workRoutes.id, { onDelete: 'cascade' }),
  /** The route's (creator's) inbox, so every lookup is scoped like the route. */
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  position: integer('position').notNull(),
  kind: routeRecipientKindEnum('kind').notNull(),
  /** Where the request goes: the address given, the contact's first address, or the inbox's address. */
  email: text('email').notNull(),
  contactId: text('contact_id'),
  /** An inbox of the same tenant (kind `inbox`): it sees the route and answers it through the API. */
  recipientInboxId: text('recipient_inbox_id').references(() => inboxes.id, { onDelete: 'cascade' }),
  status: routeRecipientStatusEnum('status').notNull(),
  respondedAt: timestamp('responded_at', { withTimezone: true }),
  responseText: text('response_text'),
  /** The request mail sent to this recipient (its replies name it, or come in its thread). */
  requestMessageId: text('request_message_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('route_recipients_position_key').on(t.routeId, t.position),
  index('route_recipients_inbox_idx').on(t.recipientInboxId).where(sql`${t.recipientInboxId} IS NOT NULL`),
  index('route_recipients_request_idx').on(t.requestMessageId).where(sql`${t.status} = 'waiting'`),
]);
export type RouteRecipientRow = typeof routeRecipients.$inferSelect;
