/**
 * Storing a message: threading, the thread's summary, the inbox's mail totals and the message's
 * suggestion in one statement, so a message never exists without its thread and counts being up
 * to date (docs/mail.md).
 *
 * Threading: the thread of a message it names (In-Reply-To, then References), else the latest
 * thread of the inbox with the same normalised subject, a participant other than the inbox in
 * common and a message at most 30 days before, else a new thread. A message whose Message-ID
 * the inbox already holds is that message (a redelivery or a second import): nothing is written.
 */
import { sql, type SQL } from 'drizzle-orm';
import { firstRowOf, isoZ, textArray, type Queryable } from '../db/sql';
import type { MailAddress, MessageDirection, MessageStatus, StoredAttachment } from '../db/schema';
import type { Inbox } from '../http/context';
import { newId } from '../http/ids';
import { bracketed, normalizeSubject } from './headers';
import type { Suggestion } from './suggest';


export interface MessageToStore {
  direction: MessageDirection;
  status: MessageStatus;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  textBody: string | null;
  htmlBody: string | null;
  snippet: string;
  sentAt: Date;
  /** Null only for a send that failed (it never got one). */
  rfcMessageId: string | null;
  inReplyTo: string | null;
  references: string[];
  attachments: StoredAttachment[];
  rawKey: string | null;
  failureReason: string | null;
  /**
   * Live mail (received now, or sent now) is the thread's latest message whatever its Date
   * header says: a reply's header, in whole seconds or from a skewed clock, may read earlier
   * than the message it answers. Imported history takes its place by date.
   */
  live: boolean;
  /** The thread the message belongs to whatever its headers say (a reply sent through the API). */
  threadId?: string | null;
  /** The meeting the message proposes (src/mail/suggest.ts), stored with it. */
  suggestion?: Suggestion | null;
  /** The outbox row this message was sent for (src/sequences/steps.ts). */
  outboxId?: string | null;
}

/** A message row as the raw statements select it (timestamps already rendered `Z`). */
export type MessageRecord = {
  id: string;
  thread_id: string;
  direction: MessageDirection;
  status: MessageStatus;
  from_email: string;
  from_name: string | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  text_body: string | null;
  html_body: string | null;
  snippet: string;
  sent_at: string;
  rfc_message_id: string | null;
  in_reply_to: string | null;
  references: string[];
  attachments: StoredAttachment[];
  failure_reason: string | null;
  created_at: string;
};

/** The column list of a MessageRecord, read from `alias` (one list for every statement). */
export function messageColumns(alias: SQL): SQL {
  return sql`${alias}.id, ${alias}.thread_id, ${alias}.direction, ${alias}.status, ${alias}.from_email, ${alias}.from_name,
    ${alias}."to", ${alias}.cc, ${alias}.bcc, ${alias}.subject, ${alias}.text_body, ${alias}.html_body, ${alias}.snippet,
    ${isoZ(sql`${alias}.sent_at`)} AS sent_at, ${alias}.rfc_message_id, ${alias}.in_reply_to, ${alias}."references",
    ${alias}.attachments, ${alias}.failure_reason, ${isoZ(sql`${alias}.created_at`)} AS created_at`;
}

/** A message as the API shows it (docs/mail.md). Message-IDs carry their angle brackets, as in mail. */
export function messageView(r: MessageRecord) {
  return {
    message_id: r.id,
    thread_id: r.thread_id,
    direction: r.direction,
    status: r.status,
    from: { email: r.from_email, name: r.from_name },
    to: r.to,
    cc: r.cc,
    bcc: r.direction === 'outbound' ? r.bcc : [],
    subject: r.subject,
    text_body: r.text_body,
    html_body: r.html_body,
    snippet: r.snippet,
    sent_at: r.sent_at,
    attachments: r.attachments.map(({ index, filename, content_type, size }) => ({ index, filename, content_type, size })),
    rfc_message_id: r.rfc_message_id === null ? null : bracketed(r.rfc_message_id),
    in_reply_to: r.in_reply_to === null ? null : bracketed(r.in_reply_to),
    references: r.references.map(bracketed),
    failure_reason: r.failure_reason,
    created_at: r.created_at,
  };
}

/** Every address of the message, lower-cased, once each. */
function participantsOf(m: MessageToStore): string[] {
  return [...new Set([m.from, ...m.to, ...m.cc].map((a) => a.email.toLowerCase()))];
}

export interface StoredMessage {
  message: MessageRecord;
  /** False when the inbox already held this Message-ID: the earlier message is returned. */
  created: boolean;
  /** Enabled alerts of the inbox subscribed to `fire` (when asked). */
  alertIds: string[];
}

/**
 * Stores the message with its thread and suggestion in one statement; with `fire`, the same
 * statement names the inbox's alerts subscribed to that type (for `recordMessageFiring`).
 */
export async function storeMessage(db: Queryable, inbox: Inbox, m: MessageToStore, now: Date, fire: string | null): Promise<StoredMessage> {
  // A concurrent copy of the same Message-ID can land between this statement's snapshot and its
  // insert: then it returns nothing, and the second try finds that copy.
  for (let attempt = 0; attempt < 2; attempt++) {
    const row = await storeOnce(db, inbox, m, now, fire);
    if (row) {
      const { created, alert_ids, ...message } = row;
      return { message, created, alertIds: fire ? alert_ids ?? [] : [] };
    }
  }
  throw new Error('storeMessage: the statement returned no message twice');
}

function storeOnce(db: Queryable, inbox: Inbox, m: MessageToStore, now: Date, fire: string | null) {
  const id = newId('msg', now.getTime());
  const participants = participantsOf(m);
  const others = participants.filter((p) => p !== inbox.address);
  const normalized = normalizeSubject(m.subject);
  const refs = [...new Set([m.inReplyTo, ...m.references.slice().reverse()].filter((r): r is string => !!r))];
  const s = m.suggestion ?? null;
  const sentAt = m.sentAt.toISOString();
  const isLatest = sql`(${m.live} OR excluded.last_message_at >= t.last_message_at)`;
  return firstRowOf<MessageRecord & { created: boolean; alert_ids: string[] | null }>(db, sql`
    WITH existing AS (
      SELECT * FROM messages WHERE inbox_id = ${inbox.id} AND rfc_message_id = ${m.rfcMessageId}
    ),
    by_ref AS (
      SELECT thread_id FROM messages
      WHERE inbox_id = ${inbox.id} AND rfc_message_id = ANY(${textArray(refs)})
      ORDER BY sent_at DESC LIMIT 1
    ),
    by_subject AS (
      SELECT id AS thread_id FROM threads
      WHERE inbox_id = ${inbox.id} AND normalized_subject = ${normalized} AND ${normalized} <> ''
        AND last_message_at >= ${sentAt}::timestamptz - interval '30 days'
        AND participants && ${textArray(others)}
      ORDER BY last_message_at DESC LIMIT 1
    ),
    target AS (
      SELECT COALESCE(${m.threadId ?? null}::text, (SELECT thread_id FROM by_ref), (SELECT thread_id FROM by_subject), ${newId('thr', now.getTime())}) AS thread_id
      WHERE NOT EXISTS (SELECT 1 FROM existing)
    ),
    msg AS (
      INSERT INTO messages (id, inbox_id, thread_id, direction, status, from_email, from_name, "to", cc, bcc, subject,
                            text_body, html_body, snippet, sent_at, rfc_message_id, in_reply_to, "references",
                            attachments, raw_key, failure_reason, outbox_id, created_at)
      SELECT ${id}, ${inbox.id}, target.thread_id, ${m.direction}, ${m.status}, ${m.from.email}, ${m.from.name},
             ${JSON.stringify(m.to)}::jsonb, ${JSON.stringify(m.cc)}::jsonb, ${JSON.stringify(m.bcc)}::jsonb, ${m.subject},
             ${m.textBody}, ${m.htmlBody}, ${m.snippet}, ${sentAt}::timestamptz, ${m.rfcMessageId}, ${m.inReplyTo},
             ${textArray(m.references)}, ${JSON.stringify(m.attachments)}::jsonb, ${m.rawKey}, ${m.failureReason},
             ${m.outboxId ?? null}, ${now.toISOString()}::timestamptz
      FROM target
      ON CONFLICT (inbox_id, rfc_message_id) DO NOTHING
      RETURNING *
    ),
    thread AS (
      INSERT INTO threads AS t (id, inbox_id, subject, normalized_subject, participants, message_count,
                                last_message_at, last_message_id, last_direction, last_sent_at, last_status, last_to, created_at)
      SELECT msg.thread_id, ${inbox.id}, ${m.subject}, ${normalized}, ${textArray(participants)}, 1,
             msg.sent_at, msg.id, msg.direction, msg.sent_at, msg.status, msg."to", ${now.toISOString()}::timestamptz
      FROM msg
      ON CONFLICT (id) DO UPDATE SET
        message_count = t.message_count + 1,
        participants = ARRAY(SELECT DISTINCT p FROM unnest(t.participants || excluded.participants) p ORDER BY p),
        last_message_at = GREATEST(t.last_message_at, excluded.last_message_at),
        -- The new message is the latest (live mail always is): its facts replace the last one's.
        last_message_id = CASE WHEN ${isLatest} THEN excluded.last_message_id ELSE t.last_message_id END,
        last_direction = CASE WHEN ${isLatest} THEN excluded.last_direction ELSE t.last_direction END,
        last_sent_at = CASE WHEN ${isLatest} THEN excluded.last_sent_at ELSE t.last_sent_at END,
        last_status = CASE WHEN ${isLatest} THEN excluded.last_status ELSE t.last_status END,
        last_to = CASE WHEN ${isLatest} THEN excluded.last_to ELSE t.last_to END
      RETURNING t.id, (t.xmax = 0) AS created
    ),
    totals AS (
      INSERT INTO mail_totals AS k (inbox_id, messages, inbound, threads)
      SELECT ${inbox.id}, 1, (msg.direction = 'inbound')::int, (SELECT count(*)::int FROM thread WHERE thread.created) FROM msg
      ON CONFLICT (inbox_id) DO UPDATE SET
        messages = k.messages + 1, inbound = k.inbound + excluded.inbound, threads = k.threads + excluded.threads
    ),
    suggestion AS (
      INSERT INTO message_suggestions (message_id, inbox_id, title, start_local, start_at, time_zone, duration, location, status, created_at)
      SELECT msg.id, ${inbox.id}, ${s?.title ?? ''}, ${s?.startLocal ?? ''}, ${s?.startAt.toISOString() ?? sentAt}::timestamptz,
             ${s?.timeZone ?? ''}, ${s?.duration ?? ''}, ${s?.location ?? ''}, 'open', ${now.toISOString()}::timestamptz
      FROM msg WHERE ${s !== null}
      RETURNING message_id
    ),
    stored AS (
      SELECT ${messageColumns(sql`msg`)}, true AS created FROM msg
      UNION ALL
      SELECT ${messageColumns(sql`existing`)}, false AS created FROM existing
    )
    -- (thread, totals and suggestion run whether read or not: a data-modifying WITH always runs.)
    SELECT stored.*,
           (SELECT array_agg(a.id ORDER BY a.id) FROM alerts a
            WHERE a.inbox_id = ${inbox.id} AND a.enabled AND ${fire}::text = ANY(a.events)) AS alert_ids
    FROM stored`);
}
