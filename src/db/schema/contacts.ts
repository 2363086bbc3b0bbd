import { sql } from 'drizzle-orm';
import { pgEnum, pgTable, text, timestamp, integer, index, uniqueIndex, jsonb, primaryKey } from 'drizzle-orm/pg-core';
import { inboxes } from './accounts';
import { tsvector } from './types';

export type EmailEntry = { label: string | null; address: string };
export type PhoneEntry = { label: string | null; number: string };

export const contacts = pgTable('contacts', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  fullName: text('full_name').notNull(),
  emails: jsonb('emails').$type<EmailEntry[]>().notNull().default([]),
  phones: jsonb('phones').$type<PhoneEntry[]>().notNull().default([]),
  notes: text('notes'),
  /** Lower-cased, accent-stripped name (written by the service), the source of `name_tsv`. */
  searchName: text('search_name').notNull(),
  nameTsv: tsvector('name_tsv').generatedAlwaysAs(sql`to_tsvector('simple', search_name)`),
  /** Every email address, lower-cased, space-separated: trigram-indexed for substring search. */
  searchEmails: text('search_emails').notNull().default(''),
  /** Every phone's digits, space-separated: trigram-indexed for digit substring search. */
  searchPhones: text('search_phones').notNull().default(''),
  /** The vCard UID an imported contact came with (import matches on it); null for native contacts. */
  uid: text('uid'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('contacts_inbox_uid_idx').on(t.inboxId, t.uid).where(sql`uid IS NOT NULL`),
  index('contacts_inbox_name_idx').on(t.inboxId, t.fullName, t.id),
  index('contacts_name_tsv_idx').using('gin', t.nameTsv),
  index('contacts_emails_trgm_idx').using('gin', sql`${t.searchEmails} gin_trgm_ops`),
  index('contacts_phones_trgm_idx').using('gin', sql`${t.searchPhones} gin_trgm_ops`),
  // Exact address lookups (calendar participants → contact_id): `string_to_array(...) @> ARRAY[a]`.
  index('contacts_email_set_idx').using('gin', sql`string_to_array(${t.searchEmails}, ' ')`),
]);
export type ContactRow = typeof contacts.$inferSelect;

/**
 * One row per anniversary, with month/day split out so the daily scan and the agenda read an
 * index range instead of every contact.
 */
export const contactAnniversaries = pgTable('contact_anniversaries', {
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  contactId: text('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
  position: integer('position').notNull(),
  type: text('type').notNull(),
  /** As sent: `YYYY-MM-DD` or `--MM-DD`. */
  date: text('date').notNull(),
  year: integer('year'),
  month: integer('month').notNull(),
  day: integer('day').notNull(),
}, (t) => [
  primaryKey({ columns: [t.contactId, t.position] }),
  index('contact_anniversaries_month_day_idx').on(t.month, t.day),
  index('contact_anniversaries_inbox_idx').on(t.inboxId, t.month, t.day),
]);
export type ContactAnniversaryRow = typeof contactAnniversaries.$inferSelect;

export const shareTypeEnum = pgEnum('share_type', ['offer', 'request']);
export type ShareType = (typeof shareTypeEnum.enumValues)[number];
export const shareStatusEnum = pgEnum('share_status', ['pending', 'accepted', 'declined', 'expired']);
export type ShareStatus = (typeof shareStatusEnum.enumValues)[number];

/** A contact card as a share carries it (an offer's copy, taken when it was offered). */
export type SharedCard = {
  full_name: string;
  emails: EmailEntry[];
  phones: PhoneEntry[];
  notes: string | null;
  anniversaries: { type: string; date: string }[];
};

/**
 * A contact offered to, or asked of, another inbox of the tenant (docs/contacts.md). Only `to_inbox_id`
 * decides; a pending share expires 30 days after it was made (the minute scan).
 */
export const contactShares = pgTable('contact_shares', {
  id: text('id').primaryKey(),
  fromInboxId: text('from_inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  toInboxId: text('to_inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  type: shareTypeEnum('type').notNull(),
  status: shareStatusEnum('status').notNull(),
  contactAddress: text('contact_address').notNull(),
  note: text('note'),
  /** An offer's card as it was when offered; null for a request (the holder's card is copied on accept). */
  card: jsonb('card').$type<SharedCard>(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
}, (t) => [
  index('contact_shares_to_idx').on(t.toInboxId, t.createdAt),
  index('contact_shares_from_idx').on(t.fromInboxId, t.createdAt),
  index('contact_shares_expiry_idx').on(t.expiresAt).where(sql`${t.status} = 'pending'`),
]);
export type ContactShareRow = typeof contactShares.$inferSelect;
