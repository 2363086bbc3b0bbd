import { sql } from 'drizzle-orm';
import { pgEnum, pgTable, text, timestamp, integer, index, jsonb, uniqueIndex } from 'drizzle-orm/pg-core';
import { inboxes } from './accounts';

export const messageDirectionEnum = pgEnum('message_direction', ['inbound', 'outbound']);
export type MessageDirection = (typeof messageDirectionEnum.enumValues)[number];

/** Inbound mail is `received`; outbound mail `sent`, or `failed` when the platform refused it. */
export const messageStatusEnum = pgEnum('message_status', ['received', 'sent', 'failed']);
export type MessageStatus = (typeof messageStatusEnum.enumValues)[number];

export const suggestionStatusEnum = pgEnum('suggestion_status', ['open', 'confirmed', 'dismissed']);
export type SuggestionStatus = (typeof suggestionStatusEnum.enumValues)[number];

/** An address as messages show it (docs/mail.md): `{ email, name }`. */
export type MailAddress = { email: string; name: string | null };

/** An attachment's metadata; its bytes are the R2 object `key` of the BLOBS bucket. */
export type StoredAttachment = { index: number; filename: string; content_type: string; size: number; key: string };

/**
 * A conversation. Its summary columns (count, last message, its direction) are written with each
 * message, so listing threads and finding missed replies read this table alone.
 */
export const threads = pgTable('threads', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  subject: text('subject').notNull(),
  /** The subject without Re:/Fwd:/Fw:/Aw: prefixes, lower-cased, spaces collapsed (the fallback match). */
  normalizedSubject: text('normalized_subject').notNull(),
  /** Every address that wrote or was written to in the thread, lower-cased. */
  participants: text('participants').array().notNull(),
  messageCount: integer('message_count').notNull(),
  lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull(),
  lastMessageId: text('last_message_id').notNull(),
  lastDirection: messageDirectionEnum('last_direction').notNull(),
  // The rest of what the agenda's missed replies show of the last message, kept here so they
  // read one index range of this table instead of a row of messages each.
  lastSentAt: timestamp('last_sent_at', { withTimezone: true }).notNull(),
  lastStatus: messageStatusEnum('last_status').notNull(),
  lastTo: jsonb('last_to').$type<MailAddress[]>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [
  // Ascending: read backwards it is exactly the listing's `DESC` order (a `DESC` index would be
  // NULLS LAST, which that order is not, and the planner would sort instead).
  index('threads_inbox_recent_idx').on(t.inboxId, t.lastMessageAt, t.id),
  index('threads_inbox_subject_idx').on(t.inboxId, t.normalizedSubject, t.lastMessageAt),
  // Missed replies: threads waiting on the other side, by when the inbox last wrote.
  index('threads_awaiting_idx').on(t.inboxId, t.lastMessageAt).where(sql`${t.lastDirection} = 'outbound'`),
]);
export type ThreadRow = typeof threads.$inferSelect;

export const messages = pgTable('messages', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  threadId: text('thread_id').notNull().references(() => threads.id, { onDelete: 'cascade' }),
  direction: messageDirectionEnum('direction').notNull(),
  status: messageStatusEnum('status').notNull(),
  fromEmail: text('from_email').notNull(),
  fromName: text('from_name'),
  to: jsonb('to').$type<MailAddress[]>().notNull(),
  cc: jsonb('cc').$type<MailAddress[]>().notNull(),
  bcc: jsonb('bcc').$type<MailAddress[]>().notNull(),
  subject: text('subject').notNull(),
  textBody: text('text_body'),
  htmlBody: text('html_body'),
  snippet: text('snippet').notNull(),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  /** The RFC 5322 Message-ID without angle brackets: what replies name in In-Reply-To / References. */
  rfcMessageId: text('rfc_message_id'),
  inReplyTo: text('in_reply_to'),
  references: text('references').array().notNull(),
  attachments: jsonb('attachments').$type<StoredAttachment[]>().notNull(),
  /** R2 key of the raw message, kept when it could not be parsed (nothing is lost). */
  rawKey: text('raw_key'),
  failureReason: text('failure_reason'),
  /** The outbox row (src/db/schema/sequences.ts) this message was sent for, if any. */
  outboxId: text('outbox_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('messages_outbox_key').on(t.outboxId).where(sql`${t.outboxId} IS NOT NULL`),
  // Ascending, read backwards for newest first (see threads_inbox_recent_idx).
  index('messages_inbox_sent_idx').on(t.inboxId, t.sentAt, t.id),
  index('messages_thread_idx').on(t.threadId, t.sentAt, t.id),
  // One message per Message-ID and inbox: a redelivered or re-imported mail is the same message.
  uniqueIndex('messages_rfc_id_key').on(t.inboxId, t.rfcMessageId),
]);
export type MessageRow = typeof messages.$inferSelect;

/**
 * An inbox's mail counts, kept by the statement that stores a message (src/mail/store.ts, the only
 * writer of messages and threads, which are never deleted but with their inbox): the exact
 * totals of the unfiltered listings without counting 100,000 rows per page.
 */
export const mailTotals = pgTable('mail_totals', {
  inboxId: text('inbox_id').primaryKey().references(() => inboxes.id, { onDelete: 'cascade' }),
  messages: integer('messages').notNull(),
  inbound: integer('inbound').notNull(),
  threads: integer('threads').notNull(),
});

/** The meeting an inbound message proposes (at most one per message), until confirmed or dismissed. */
export const messageSuggestions = pgTable('message_suggestions', {
  messageId: text('message_id').primaryKey().references(() => messages.id, { onDelete: 'cascade' }),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  /** Wall time in `time_zone` (the inbox zone when the mail arrived), like an event's start. */
  startLocal: text('start_local').notNull(),
  startAt: timestamp('start_at', { withTimezone: true }).notNull(),
  timeZone: text('time_zone').notNull(),
  duration: text('duration').notNull(),
  location: text('location').notNull(),
  status: suggestionStatusEnum('status').notNull(),
  eventId: text('event_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [
  index('message_suggestions_open_idx').on(t.inboxId, t.startAt).where(sql`${t.status} = 'open'`),
]);
export type MessageSuggestionRow = typeof messageSuggestions.$inferSelect;
