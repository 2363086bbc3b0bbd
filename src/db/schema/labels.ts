import { pgEnum, pgTable, text, timestamp, index, primaryKey } from 'drizzle-orm/pg-core';

/** What a label may hold: see `ACCEPTS` in src/labels/service.ts. */
export const labelTypeEnum = pgEnum('label_type', ['contact', 'calendar', 'message', 'any']);
export type LabelType = (typeof labelTypeEnum.enumValues)[number];

export const entityTypeEnum = pgEnum('entity_type', ['contact', 'event']);
export type EntityType = (typeof entityTypeEnum.enumValues)[number];
import { inboxes } from './accounts';

export const labels = pgTable('labels', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  labelType: labelTypeEnum('label_type').notNull(),
  color: text('color'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [index('labels_inbox_idx').on(t.inboxId, t.id)]);
export type LabelRow = typeof labels.$inferSelect;

export const labelEntities = pgTable('label_entities', {
  labelId: text('label_id').notNull().references(() => labels.id, { onDelete: 'cascade' }),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  entityType: entityTypeEnum('entity_type').notNull(),
  entityId: text('entity_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.labelId, t.entityType, t.entityId] }),
  index('label_entities_entity_idx').on(t.inboxId, t.entityType, t.entityId),
]);
export type LabelEntityRow = typeof labelEntities.$inferSelect;
