import { pgTable, text, timestamp, index, primaryKey } from 'drizzle-orm/pg-core';
import { inboxes } from './accounts';

export const labels = pgTable('labels', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  labelType: text('label_type').notNull(),
  color: text('color'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [index('labels_inbox_idx').on(t.inboxId, t.id)]);

export const labelEntities = pgTable('label_entities', {
  labelId: text('label_id').notNull().references(() => labels.id, { onDelete: 'cascade' }),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  /** `contact` or `event`. */
  entityType: text('entity_type').notNull(),
  entityId: text('entity_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.labelId, t.entityType, t.entityId] }),
  index('label_entities_entity_idx').on(t.inboxId, t.entityType, t.entityId),
]);
