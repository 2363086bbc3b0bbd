/**
 * The outbox (table `outbox`, src/db/schema/sequences.ts): mail the service sends on its own —
 * a sequence's emails (src/sequences/steps.ts), a work route's reminders
 * (src/work-routes/reminders.ts) — each exactly once:
 * 1. the minute scan records each due mail as a row whose id names what it is (the enrollment
 *    and step, the route recipient), `ON CONFLICT DO NOTHING`: a repeated or overlapping scan
 *    inserts nothing new, and only the rows it did insert (plus rows an earlier scan failed to
 *    queue) go on the queue;
 * 2. the consumer (src/jobs/outbox.ts) claims the row (`claimOutbox`: pending, or sending with a
 *    lapsed claim, and still wanted by its source), so of two copies of a queue message one sends
 *    and the other waits, then finds it settled;
 * 3. the message is sent and stored with the row's id (`messages.outbox_id`, unique), and
 *    `settleOutbox` marks the row — with its source's follow-up in the same statement. A consumer
 *    that died after storing the message finds it on the next attempt and only settles it; the
 *    one window left is between the platform accepting the mail and the store statement (Email
 *    Service takes no idempotency key), where a retry sends again rather than skip the mail.
 */
import { inArray, sql, type SQL } from 'drizzle-orm';
import { outbox, type MailAddress, type OutboxStatus } from '../db/schema';
import { firstRowOf, rowsOf, type Queryable } from '../db/sql';
import type { AlertQueue } from '../http/context';
import { enqueueMarked } from '../alerts/ledger';

/** How long a consumer holds a row it is sending (a send and two statements take far less). */
export const OUTBOX_CLAIM_SECONDS = 120;

/** Rows recorded but never put on the queue, at least a minute old (as `unsentDeliveries`). */
export async function unsentOutbox(db: Queryable, now: Date, limit = 5000): Promise<string[]> {
  const before = new Date(now.getTime() - 60_000).toISOString();
  const rows = await rowsOf<{ id: string }>(db, sql`
    SELECT id FROM outbox WHERE enqueued_at IS NULL AND created_at <= ${before}::timestamptz ORDER BY created_at LIMIT ${limit}`);
  return rows.map((r) => r.id);
}

export function enqueueOutbox(db: Queryable, queue: AlertQueue, ids: string[], now: Date): Promise<number> {
  return enqueueMarked(queue, ids, (id) => ({ outbox_id: id }), async (sent) => {
    await db.update(outbox).set({ enqueuedAt: now }).where(inArray(outbox.id, sent));
  });
}

/** A row this consumer now holds: what to send, and whose it is. */
export interface ClaimedMail {
  id: string;
  inbox_id: string;
  enrollment_id: string | null;
  recipient_id: string | null;
  step: number;
  to: MailAddress[];
  subject: string | null;
  text_body: string;
  reply_to_message_id: string | null;
}

/** The message a row became (stored before its consumer could settle it, or just now). */
export interface OutboxMessage {
  id: string;
  thread_id: string;
  status: 'sent' | 'failed' | 'received';
}

export type OutboxClaim<X> =
  | { kind: 'claimed'; mail: ClaimedMail & X; message: OutboxMessage | null }
  /** Another consumer holds it now. */
  | { kind: 'busy' }
  /** Settled already, gone, or no longer wanted by its source (then settled `cancelled` here). */
  | { kind: 'done' };

export interface ClaimRules {
  /** Is the row (alias `o`) still wanted by its source (the enrollment still at that step, …)? */
  wanted: SQL;
  /** More columns of the claimed row for its source's follow-up (subqueries over `o`). */
  returning?: SQL;
}

export async function claimOutbox<X = unknown>(db: Queryable, id: string, now: Date, rules: ClaimRules): Promise<OutboxClaim<X>> {
  const at = now.toISOString();
  const row = await firstRowOf<{ status: OutboxStatus; claim_live: boolean; claimed: (ClaimedMail & X) | null; message: OutboxMessage | null }>(db, sql`
    WITH c AS (
      UPDATE outbox o SET status = 'sending', claimed_until = ${at}::timestamptz + make_interval(secs => ${OUTBOX_CLAIM_SECONDS}),
                          attempts = o.attempts + 1, updated_at = ${at}::timestamptz
      WHERE o.id = ${id} AND (o.status = 'pending' OR (o.status = 'sending' AND o.claimed_until < ${at}::timestamptz)) AND ${rules.wanted}
      RETURNING o.id, o.inbox_id, o.enrollment_id, o.recipient_id, o.step, o."to", o.subject, o.text_body, o.reply_to_message_id
                ${rules.returning ? sql`, ${rules.returning}` : sql``}
    ),
    -- A pending row its source no longer wants is settled here, so it is never looked at again.
    dropped AS (
      UPDATE outbox o SET status = 'cancelled', updated_at = ${at}::timestamptz
      WHERE o.id = ${id} AND o.status = 'pending' AND NOT EXISTS (SELECT 1 FROM c) AND NOT (${rules.wanted})
    )
    SELECT o.status, coalesce(o.claimed_until > ${at}::timestamptz, false) AS claim_live,
           (SELECT row_to_json(c) FROM c) AS claimed,
           (SELECT json_build_object('id', m.id, 'thread_id', m.thread_id, 'status', m.status) FROM messages m WHERE m.outbox_id = ${id}) AS message
    FROM outbox o WHERE o.id = ${id}`);
  if (row?.claimed) return { kind: 'claimed', mail: row.claimed, message: row.message };
  if (row?.status === 'sending' && row.claim_live) return { kind: 'busy' };
  return { kind: 'done' };
}

export interface OutboxOutcome {
  /** The stored message (sent, or failed when the platform refused it); null if none was stored. */
  message: OutboxMessage | null;
  error: string | null;
}

/**
 * Marks the claimed row sent or failed; `then` is the source's follow-up statement over the
 * settled row (`o`: its `enrollment_id`, `recipient_id`, `step`), run in the same statement.
 * A refused mail is not retried: the platform refused it, and its failed copy is in the thread.
 */
export async function settleOutbox(db: Queryable, id: string, outcome: OutboxOutcome, now: Date, then?: SQL): Promise<void> {
  const at = now.toISOString();
  const status: OutboxStatus = outcome.message?.status === 'sent' ? 'sent' : 'failed';
  const settle = sql`
    UPDATE outbox SET status = ${status}, message_id = ${outcome.message?.id ?? null}, last_error = ${outcome.error},
                      claimed_until = NULL, updated_at = ${at}::timestamptz
    WHERE id = ${id} AND status = 'sending'
    RETURNING enrollment_id, recipient_id, step`;
  await db.execute(then ? sql`WITH o AS (${settle}) ${then}` : settle);
}
