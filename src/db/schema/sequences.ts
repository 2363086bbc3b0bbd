import { sql } from 'drizzle-orm';
import { pgEnum, pgTable, text, timestamp, integer, index, jsonb, boolean, uniqueIndex } from 'drizzle-orm/pg-core';
import { inboxes } from './accounts';
import type { MailAddress } from './mail';

/** One email of a sequence (docs/mail.md): sent `delay_days` after the previous one. */
export type SequenceEmail = { delay_days: number; subject: string; body: string };

export const sequences = pgTable('sequences', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  exitOnReply: boolean('exit_on_reply').notNull(),
  emails: jsonb('emails').$type<SequenceEmail[]>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  index('sequences_inbox_idx').on(t.inboxId, t.id),
]);
export type SequenceRow = typeof sequences.$inferSelect;

export const enrollmentStatusEnum = pgEnum('enrollment_status', ['active', 'completed', 'exited_on_reply', 'cancelled']);
export type EnrollmentStatus = (typeof enrollmentStatusEnum.enumValues)[number];

/**
 * A contact going through a sequence. The enrollment keeps its own copy of the emails and of
 * `exit_on_reply` as they were when it began, so a later PATCH of the sequence, or its deletion,
 * never changes what an enrollment already promised (and the send ledger stays consistent).
 * `sequence_id` and `contact_id` outlive their rows: deleting either cancels the enrollment.
 */
export const sequenceEnrollments = pgTable('sequence_enrollments', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  sequenceId: text('sequence_id').notNull(),
  sequenceName: text('sequence_name').notNull(),
  contactId: text('contact_id').notNull(),
  /** The contact's first address when enrolled: where every email of the enrollment goes. */
  toEmail: text('to_email').notNull(),
  toName: text('to_name'),
  exitOnReply: boolean('exit_on_reply').notNull(),
  emails: jsonb('emails').$type<SequenceEmail[]>().notNull(),
  status: enrollmentStatusEnum('status').notNull(),
  /** 1-based number of the next email to send (the last one sent once the enrollment ended). */
  currentEmail: integer('current_email').notNull(),
  nextEmailAt: timestamp('next_email_at', { withTimezone: true }),
  /** The wall time of enrollment in `time_zone` (the inbox zone then): delays count calendar days from it. */
  anchorLocal: text('anchor_local').notNull(),
  timeZone: text('time_zone').notNull(),
  /** The first email sent (later ones reply to it) and its thread (where a reply ends the enrollment). */
  firstMessageId: text('first_message_id'),
  threadId: text('thread_id'),
  endedAt: timestamp('ended_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  index('sequence_enrollments_inbox_idx').on(t.inboxId, t.id),
  index('sequence_enrollments_contact_idx').on(t.inboxId, t.contactId),
  // The scan's due steps: only active enrollments have a next email.
  index('sequence_enrollments_due_idx').on(t.nextEmailAt).where(sql`${t.status} = 'active'`),
  index('sequence_enrollments_thread_idx').on(t.threadId).where(sql`${t.status} = 'active'`),
  // A contact is active in a sequence at most once (a second enrollment is a 409).
  uniqueIndex('sequence_enrollments_active_key').on(t.sequenceId, t.contactId).where(sql`${t.status} = 'active'`),
]);
export type EnrollmentRow = typeof sequenceEnrollments.$inferSelect;

export const outboxStatusEnum = pgEnum('outbox_status', ['pending', 'sending', 'sent', 'failed', 'cancelled']);
export type OutboxStatus = (typeof outboxStatusEnum.enumValues)[number];

/**
 * Mail the service sends on its own (a sequence's emails, a work route's reminders), written here
 * before it is put on the queue, under a key that names what it is: `id` is made from the
 * enrollment and the step, or the route recipient, so a repeated or overlapping scan records each
 * mail once, and the consumer's claim (`sending` with `claimed_until`) lets one copy of a
 * redelivered message send it. The message it became carries the row's id (`messages.outbox_id`):
 * a consumer that died after storing it never sends again (src/mail/outbox.ts).
 */
export const outbox = pgTable('outbox', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  /** A sequence's email: the enrollment and the 1-based step. */
  enrollmentId: text('enrollment_id'),
  step: integer('step').notNull(),
  /** A work route's reminder: the recipient it reminds. */
  recipientId: text('recipient_id'),
  to: jsonb('to').$type<MailAddress[]>().notNull(),
  /** Null for a reply: the send derives `Re: <subject>` from the replied message. */
  subject: text('subject'),
  textBody: text('text_body').notNull(),
  replyToMessageId: text('reply_to_message_id'),
  status: outboxStatusEnum('status').notNull(),
  claimedUntil: timestamp('claimed_until', { withTimezone: true }),
  attempts: integer('attempts').notNull(),
  messageId: text('message_id'),
  lastError: text('last_error'),
  enqueuedAt: timestamp('enqueued_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  index('outbox_enrollment_idx').on(t.enrollmentId),
  index('outbox_unsent_idx').on(t.createdAt).where(sql`${t.enqueuedAt} IS NULL`),
]);
export type OutboxRow = typeof outbox.$inferSelect;
