/**
 * Reading mail (docs/mail.md): messages, one message and its attachments, threads and one thread.
 * Every read is one statement: a page and its exact total come back together.
 */
import { sql, type SQL } from 'drizzle-orm';
import { allOf, firstRowOf, isoZ, jsonRowsOf, pageOfRows, type Queryable } from '../db/sql';
import type { MessageDirection } from '../db/schema';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import type { Page } from '../http/pagination';
import { messageColumns, messageView, type MessageRecord } from './store';

export interface MessageFilter {
  direction?: MessageDirection;
  threadId?: string;
  after?: Date;
  before?: Date;
}

function messageWhere(inbox: Inbox, f: MessageFilter): SQL {
  return allOf([
    sql`m.inbox_id = ${inbox.id}`,
    f.direction ? sql`m.direction = ${f.direction}` : undefined,
    f.threadId ? sql`m.thread_id = ${f.threadId}` : undefined,
    f.after ? sql`m.sent_at >= ${f.after.toISOString()}::timestamptz` : undefined,
    f.before ? sql`m.sent_at < ${f.before.toISOString()}::timestamptz` : undefined,
  ]);
}

/**
 * The exact total of a message listing: kept counts when the filter is one they answer (none, a
 * direction, a thread), else a count of the matching rows.
 */
function messageTotal(inbox: Inbox, f: MessageFilter, where: SQL): SQL {
  const counted = sql`(SELECT count(*)::int FROM messages m WHERE ${where})`;
  if (f.after !== undefined || f.before !== undefined) return counted;
  if (f.threadId) {
    return f.direction ? counted : sql`COALESCE((SELECT t.message_count FROM threads t WHERE t.id = ${f.threadId} AND t.inbox_id = ${inbox.id}), 0)`;
  }
  const kept = f.direction === 'inbound' ? sql`k.inbound` : f.direction === 'outbound' ? sql`k.messages - k.inbound` : sql`k.messages`;
  return sql`COALESCE((SELECT ${kept} FROM mail_totals k WHERE k.inbox_id = ${inbox.id}), 0)`;
}

/** Newest first (`sent_at`, then id), `after`/`before` as `[after, before)`; a `thread_id` must be this inbox's (else 404). */
export async function listMessages(db: Queryable, inbox: Inbox, filter: MessageFilter, page: Page) {
  const where = messageWhere(inbox, filter);
  const row = await firstRowOf<{ thread_found: boolean; total: number; results: MessageRecord[] | null }>(db, sql`
    SELECT ${filter.threadId ? sql`EXISTS (SELECT 1 FROM threads WHERE id = ${filter.threadId} AND inbox_id = ${inbox.id})` : sql`true`} AS thread_found,
           ${messageTotal(inbox, filter, where)} AS total,
           (SELECT json_agg(p) FROM (
              SELECT ${messageColumns(sql`m`)} FROM messages m WHERE ${where}
              ORDER BY m.sent_at DESC, m.id DESC LIMIT ${page.limit} OFFSET ${page.offset}) p) AS results`);
  // Another inbox's thread is 404, as everywhere, rather than an empty list (same statement).
  if (!row?.thread_found) throw ApiError.notFound('Thread');
  return { total: row.total, results: jsonRowsOf<MessageRecord>(row.results ?? []).map(messageView) };
}

/** The stored message a reply or a suggestion works from (404 when it is not this inbox's). */
export async function messageRecord(db: Queryable, inbox: Inbox, id: string): Promise<MessageRecord> {
  const row = await firstRowOf<MessageRecord>(db, sql`
    SELECT ${messageColumns(sql`m`)} FROM messages m WHERE m.id = ${id} AND m.inbox_id = ${inbox.id}`);
  if (!row) throw ApiError.notFound('Message');
  return row;
}

export async function getMessage(db: Queryable, inbox: Inbox, id: string) {
  return messageView(await messageRecord(db, inbox, id));
}

/** An attachment's bytes from R2, with what the response headers need. */
export async function getAttachment(db: Queryable, blobs: R2Bucket, inbox: Inbox, id: string, index: number) {
  const row = await firstRowOf<{ attachment: { filename: string; content_type: string; size: number; key: string } | null }>(db, sql`
    SELECT m.attachments -> ${index}::int AS attachment FROM messages m WHERE m.id = ${id} AND m.inbox_id = ${inbox.id}`);
  if (!row) throw ApiError.notFound('Message');
  if (!row.attachment) throw ApiError.notFound('Attachment');
  const object = await blobs.get(row.attachment.key);
  // The row names an object that is gone: the bytes are lost, which is ours, not the caller's.
  if (!object) throw new Error(`attachment object ${row.attachment.key} is missing`);
  return { ...row.attachment, body: object.body };
}

type ThreadRecord = {
  id: string;
  subject: string;
  participants: string[];
  message_count: number;
  last_message_at: string;
  last_message_id: string;
  last_direction: MessageDirection;
};

const threadColumns = sql`t.id, t.subject, t.participants, t.message_count, ${isoZ(sql`t.last_message_at`)} AS last_message_at,
  t.last_message_id, t.last_direction`;

function threadView(t: ThreadRecord) {
  return {
    thread_id: t.id,
    subject: t.subject,
    participants: t.participants,
    message_count: t.message_count,
    last_message_at: t.last_message_at,
    last_message_id: t.last_message_id,
    awaiting_reply: t.last_direction === 'outbound',
  };
}

/** Newest activity first (the thread's last message), then id. */
export async function listThreads(db: Queryable, inbox: Inbox, page: Page) {
  const row = await pageOfRows<ThreadRecord>(db, {
    total: sql`SELECT COALESCE((SELECT k.threads FROM mail_totals k WHERE k.inbox_id = ${inbox.id}), 0)`,
    rows: sql`SELECT ${threadColumns} FROM threads t WHERE t.inbox_id = ${inbox.id} ORDER BY t.last_message_at DESC, t.id DESC`,
    page,
  });
  return { total: row.total, results: jsonRowsOf<ThreadRecord>(row.results).map(threadView) };
}

/** At most this many messages come with a thread; the rest page through GET /v1/messages/?thread_id=. */
export const THREAD_MESSAGES = 500;

/** The thread with its messages in conversation order (oldest first). */
export async function getThread(db: Queryable, inbox: Inbox, id: string) {
  const row = await firstRowOf<ThreadRecord & { messages: MessageRecord[] | null }>(db, sql`
    SELECT ${threadColumns},
           (SELECT json_agg(p ORDER BY p.sent_at, p.id) FROM (
              SELECT ${messageColumns(sql`m`)} FROM messages m WHERE m.thread_id = t.id AND m.inbox_id = ${inbox.id}
              ORDER BY m.sent_at, m.id LIMIT ${THREAD_MESSAGES}) p) AS messages
    FROM threads t WHERE t.id = ${id} AND t.inbox_id = ${inbox.id}`);
  if (!row) throw ApiError.notFound('Thread');
  const { messages, ...thread } = row;
  return { ...threadView(thread), messages: jsonRowsOf<MessageRecord>(messages ?? []).map(messageView) };
}
