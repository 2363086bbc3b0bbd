import { pgEnum, pgTable, text, timestamp, index, date, uniqueIndex } from 'drizzle-orm/pg-core';

/** VTODO STATUS values the API uses. */
export const taskStatusEnum = pgEnum('task_status', ['NEEDS-ACTION', 'COMPLETED']);
export type TaskStatus = (typeof taskStatusEnum.enumValues)[number];
import { inboxes, calendars } from './accounts';

export const tasks = pgTable('tasks', {
  uid: text('uid').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  calendarId: text('calendar_id').notNull().references(() => calendars.id, { onDelete: 'cascade' }),
  summary: text('summary').notNull(),
  description: text('description'),
  status: taskStatusEnum('status').notNull().default('NEEDS-ACTION'),
  dueDate: date('due_date', { mode: 'string' }),
  categories: text('categories').array().notNull().default([]),
  /** Set when an alert delivered this task: one task per firing, however often delivered. */
  firingId: text('firing_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
}, (t) => [
  index('tasks_inbox_open_idx').on(t.inboxId, t.status, t.dueDate),
  uniqueIndex('tasks_firing_key').on(t.firingId),
]);
export type TaskRow = typeof tasks.$inferSelect;
