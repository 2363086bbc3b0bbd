import { sql } from 'drizzle-orm';
import { pgEnum, pgTable, text, timestamp, integer, index, jsonb, primaryKey, boolean } from 'drizzle-orm/pg-core';
import { inboxes, calendars } from './accounts';

/** An event's (or an occurrence override's) status; a cancelled one never reminds. */
export const eventStatusEnum = pgEnum('event_status', ['confirmed', 'tentative', 'cancelled']);
export type EventStatus = (typeof eventStatusEnum.enumValues)[number];

export type Participant = { name: string | null; email: string | null; role: string | null };

export const events = pgTable('events', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  calendarId: text('calendar_id').notNull().references(() => calendars.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  description: text('description'),
  status: eventStatusEnum('status').notNull().default('confirmed'),
  location: text('location'),
  participants: jsonb('participants').$type<Participant[]>().notNull().default([]),
  /** The event's own zone: series expand in it. */
  timeZone: text('time_zone').notNull(),
  /** Wall time in `time_zone`, `YYYY-MM-DDTHH:mm:ss`. */
  startLocal: text('start_local').notNull(),
  startAt: timestamp('start_at', { withTimezone: true }).notNull(),
  duration: text('duration').notNull(),
  durationSeconds: integer('duration_seconds').notNull(),
  recurrenceRules: text('recurrence_rules').array().notNull().default([]),
  isRecurring: boolean('is_recurring').notNull().default(false),
  /** End of the last occurrence; null for an endless series. Bounds window queries. */
  seriesEndAt: timestamp('series_end_at', { withTimezone: true }),
  /** Start of the next occurrence the reminder scan has not passed yet (recurring series). */
  nextOccurrenceAt: timestamp('next_occurrence_at', { withTimezone: true }),
  /** When the start was last set (create or reschedule): reminders due before it never fire. */
  armedAt: timestamp('armed_at', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  index('events_inbox_start_idx').on(t.inboxId, t.startAt, t.id),
  index('events_inbox_series_end_idx').on(t.inboxId, t.seriesEndAt),
  index('events_start_idx').on(t.startAt),
  index('events_next_occurrence_idx').on(t.nextOccurrenceAt),
  // The scan's series lookup (next occurrence in a range, recurring only) reads just this.
  index('events_series_next_idx').on(t.nextOccurrenceAt).where(sql`is_recurring`),
  // Series and multi-day events: the only rows a window can reach that start before it.
  index('events_inbox_long_idx').on(t.inboxId, t.startAt).where(sql`is_recurring OR duration_seconds > 86400`),
]);
export type EventRow = typeof events.$inferSelect;

/** A changed single occurrence of a series, keyed by the occurrence's original start. */
export const eventOverrides = pgTable('event_overrides', {
  eventId: text('event_id').notNull().references(() => events.id, { onDelete: 'cascade' }),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  originalStartAt: timestamp('original_start_at', { withTimezone: true }).notNull(),
  title: text('title'),
  description: text('description'),
  location: text('location'),
  status: eventStatusEnum('status'),
  startLocal: text('start_local'),
  startAt: timestamp('start_at', { withTimezone: true }),
  duration: text('duration'),
  durationSeconds: integer('duration_seconds'),
  armedAt: timestamp('armed_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.eventId, t.originalStartAt] }),
  index('event_overrides_inbox_start_idx').on(t.inboxId, t.startAt),
]);
export type EventOverrideRow = typeof eventOverrides.$inferSelect;
