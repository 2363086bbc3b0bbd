import { pgEnum, pgTable, text, timestamp, integer, index, primaryKey } from 'drizzle-orm/pg-core';
import { inboxes } from './accounts';

export const FILE_TYPES = ['spreadsheet', 'document', 'image', 'video', 'template', 'skill', 'other'] as const;
export const fileTypeEnum = pgEnum('file_type', FILE_TYPES);
export type FileType = (typeof FILE_TYPES)[number];

/**
 * A file of an inbox (docs/files.md). Its bytes live in R2 (binding FILES), one object per version;
 * the row carries the latest version's number, size and type so a read of the file is one row.
 * `version` 0 is a file with no content yet.
 */
export const files = pgTable('files', {
  id: text('id').primaryKey(),
  inboxId: text('inbox_id').notNull().references(() => inboxes.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  fileType: fileTypeEnum('file_type').notNull(),
  instructions: text('instructions'),
  version: integer('version').notNull().default(0),
  size: integer('size').notNull().default(0),
  contentType: text('content_type').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  // Listing (oldest first, by id) and the agenda's "created since yesterday" both read this.
  index('files_inbox_idx').on(t.inboxId, t.id),
  index('files_inbox_created_idx').on(t.inboxId, t.createdAt),
]);
export type FileRow = typeof files.$inferSelect;

/** One stored version: where its bytes are in R2, and what they are. */
export const fileVersions = pgTable('file_versions', {
  fileId: text('file_id').notNull().references(() => files.id, { onDelete: 'cascade' }),
  version: integer('version').notNull(),
  inboxId: text('inbox_id').notNull(),
  objectKey: text('object_key').notNull(),
  size: integer('size').notNull(),
  contentType: text('content_type').notNull(),
  /** R2's HTTP ETag of the object, served with the bytes. */
  etag: text('etag').notNull(),
  /** Rows appended from a message (POST …/rows/ with `source_message_id`). */
  sourceMessageId: text('source_message_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [primaryKey({ columns: [t.fileId, t.version] })]);
export type FileVersionRow = typeof fileVersions.$inferSelect;
