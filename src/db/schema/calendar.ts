import { sql } from 'drizzle-orm';
import { pgEnum, pgTable, text, timestamp, integer, index, uniqueIndex, jsonb, primaryKey, boolean } from 'drizzle-orm/pg-core';
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
  /**
   * How far the occurrence index (`event_occurrences`) covers the event: NULL, wholly; an
   * instant, every occurrence whose original start lies before it; `-infinity` (the default, so
   * a row written by other means than the event verbs is never taken as indexed), not at all.
   * See src/calendar/occurrence-index.ts.
   */
  unindexedFrom: timestamp('unindexed_from', { withTimezone: true }).default(sql`'-infinity'`),
  /** When the start was last set (create or reschedule): reminders due before it never fire. */
  armedAt: timestamp('armed_at', { withTimezone: true }).notNull(),
  /** The iCalendar UID an imported event came with (import matches on it); null for native events. */
  uid: text('uid'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('events_inbox_uid_idx').on(t.inboxId, t.uid).where(sql`uid IS NOT NULL`),
  index('events_inbox_start_idx').on(t.inboxId, t.startAt, t.id),
  index('events_inbox_series_end_idx').on(t.inboxId, t.seriesEndAt),
  index('events_start_idx').on(t.startAt),
  index('events_next_occurrence_idx').on(t.nextOccurrenceAt),
  // The scan's series lookup (next occurrence in a range, recurring only) reads just this.
  index('events_series_next_idx').on(t.nextOccurrenceAt).where(sql`is_recurring`),
  // Series and multi-day events: the only rows a window can reach that start before it.
  index('events_inbox_long_idx').on(t.inboxId, t.startAt).where(sql`is_recurring OR duration_seconds > 86400`),
  // Events the index does not wholly cover: the scan's work list, and a listing's check.
  index('events_unindexed_idx').on(t.unindexedFrom).where(sql`unindexed_from IS NOT NULL`),
  index('events_inbox_unindexed_idx').on(t.inboxId, t.unindexedFrom).where(sql`unindexed_from IS NOT NULL`),
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

/**
 * The occurrence index: one row per single event and per occurrence of a series (changes
 * applied), with its span as the inbox sees it — all-day ones on the viewer's midnights. Read by
 * window listings; written by the event verbs and the scan (src/calendar/occurrence-index.ts).
 */
export const eventOccurrences = pgTable('event_occurrences', {
  eventId: text('event_id').notNull().references(() => events.id, { onDelete: 'cascade' }),
  /** The event's inbox (no foreign key of its own: the rows go with their event, and it with the inbox). */
  inboxId: text('inbox_id').notNull(),
  /** The occurrence as the series generates it (a single event: its start); the key. */
  originalStartAt: timestamp('original_start_at', { withTimezone: true }).notNull(),
  /** What the listing shows and orders by after the start: the event or occurrence id. */
  id: text('id').notNull(),
  startAt: timestamp('start_at', { withTimezone: true }).notNull(),
  endAt: timestamp('end_at', { withTimezone: true }).notNull(),
  /** When it starts (an all-day one: midnight in its own zone), changes applied: reminders. */
  occursAt: timestamp('occurs_at', { withTimezone: true }).notNull(),
  allDay: boolean('all_day').notNull(),
}, (t) => [
  primaryKey({ columns: [t.eventId, t.originalStartAt] }),
  // A page in listing order (ids compared by bytes, as the listing does). The trailing columns
  // (never reached in the order: the id is unique) make a window's walk and counts index-only.
  index('event_occurrences_window_idx').on(t.inboxId, t.startAt, sql`id COLLATE "C"`, t.endAt, t.eventId, t.originalStartAt),
  // Occurrences longer than a day: the only ones a window reaches that start a day or more before it.
  // Covering too, so the planner never prefers walking a year of the window index for them.
  index('event_occurrences_long_idx').on(t.inboxId, t.startAt, sql`id COLLATE "C"`, t.endAt, t.eventId, t.originalStartAt)
    .where(sql`end_at - start_at > interval '1 day'`),
  // The reminder scan: series occurrences starting in a minute (single events have their own).
  index('event_occurrences_series_due_idx').on(t.occursAt).where(sql`id <> event_id`),
]);
