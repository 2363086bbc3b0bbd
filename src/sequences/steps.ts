/**
 * A sequence's emails through the outbox (src/db/schema/sequences.ts), exactly once each:
 * 1. the minute scan records every due email as an outbox row whose id is made from the
 *    enrollment and the step (`recordDueSteps`): a repeated or overlapping scan inserts nothing
 *    new, and only the rows it did insert (plus rows an earlier scan failed to send) go on the
 *    queue;
 * 2. the consumer claims the row (`claimStep`: pending, or sending with a lapsed claim, and the
 *    enrollment still active at that step), so of two copies of a queue message one sends and
 *    the other waits, then finds it sent;
 * 3. the message is sent and stored with the row's id (`messages.outbox_id`), and
 *    `recordStepOutcome` marks the row and moves the enrollment to its next email in one
 *    statement. A consumer that died after storing the message finds it on the next attempt and
 *    only records it; the one window left is between the platform accepting the mail and the
 *    store statement (the platform takes no idempotency key), where a retry sends again rather
 *    than skip the email.
 */
import { sql } from 'drizzle-orm';
import { outbox, type MailAddress, type OutboxStatus, type SequenceEmail } from '../db/schema';
import { firstRowOf, rowsOf, type Queryable } from '../db/sql';
import { inArray } from 'drizzle-orm';
import type { AlertQueue } from '../http/context';
import { enqueueMarked } from '../alerts/ledger';
import { emailDueAt } from './schedule';

/** How long a consumer holds a row it is sending (a send and two statements take far less). */
export const STEP_CLAIM_SECONDS = 120;

/** At most this many due emails are recorded per scan; the rest are the next minute's. */
const DUE_PER_SCAN = 5000;

/**
 * Records the email each due active enrollment is at, in one statement; returns the new rows.
 * Email 1 carries its own subject; later ones reply to the first (the send makes `Re: <subject>`).
 */
export async function recordDueSteps(db: Queryable, now: Date): Promise<string[]> {
  const at = now.toISOString();
  const rows = await rowsOf<{ id: string }>(db, sql`
    WITH due AS (
      SELECT e.id, e.inbox_id, e.current_email AS step, e.to_email, e.to_name, e.first_message_id,
             e.emails -> (e.current_email - 1) AS email, e.emails -> 0 ->> 'subject' AS first_subject
      FROM sequence_enrollments e
      WHERE e.status = 'active' AND e.next_email_at <= ${at}::timestamptz
      ORDER BY e.next_email_at
      LIMIT ${DUE_PER_SCAN}
    )
    INSERT INTO outbox (id, inbox_id, enrollment_id, step, "to", subject, text_body, reply_to_message_id, status, attempts, created_at, updated_at)
    SELECT 'obx_' || substr(due.id, 5) || '_' || due.step, due.inbox_id, due.id, due.step,
           jsonb_build_array(jsonb_build_object('email', due.to_email, 'name', due.to_name)),
           CASE WHEN due.step = 1 THEN due.email ->> 'subject'
                WHEN due.first_message_id IS NULL THEN 'Re: ' || due.first_subject END,
           due.email ->> 'body', CASE WHEN due.step > 1 THEN due.first_message_id END,
           'pending', 0, ${at}::timestamptz, ${at}::timestamptz
    FROM due
    ON CONFLICT (id) DO NOTHING
    RETURNING id`);
  return rows.map((r) => r.id);
}

/** Rows recorded but never put on the queue, at least a minute old (as `unsentDeliveries`). */
export async function unsentSteps(db: Queryable, now: Date, limit = 5000): Promise<string[]> {
  const before = new Date(now.getTime() - 60_000).toISOString();
  const rows = await rowsOf<{ id: string }>(db, sql`
    SELECT id FROM outbox WHERE enqueued_at IS NULL AND created_at <= ${before}::timestamptz ORDER BY created_at LIMIT ${limit}`);
  return rows.map((r) => r.id);
}

export function enqueueSteps(db: Queryable, queue: AlertQueue, ids: string[], now: Date): Promise<number> {
  return enqueueMarked(queue, ids, (id) => ({ outbox_id: id }), async (sent) => {
    await db.update(outbox).set({ enqueuedAt: now }).where(inArray(outbox.id, sent));
  });
}

/** A row this consumer now holds: what to send, and what the enrollment needs to move on. */
export interface ClaimedStep {
  id: string;
  inbox_id: string;
  step: number;
  to: MailAddress[];
  subject: string | null;
  text_body: string;
  reply_to_message_id: string | null;
  anchor_local: string;
  time_zone: string;
  emails: SequenceEmail[];
}

/** The message a row already became (stored before its consumer could record it). */
export interface StepMessage {
  id: string;
  thread_id: string;
  status: 'sent' | 'failed' | 'received';
}

export type StepClaim =
  | { kind: 'claimed'; step: ClaimedStep; message: StepMessage | null }
  /** Another consumer holds it now. */
  | { kind: 'busy' }
  /** Sent, failed or cancelled already, gone, or its enrollment ended: nothing to do. */
  | { kind: 'done' };

export async function claimStep(db: Queryable, id: string, now: Date): Promise<StepClaim> {
  const at = now.toISOString();
  const row = await firstRowOf<{ status: OutboxStatus; claim_live: boolean; claimed: ClaimedStep | null; message: StepMessage | null }>(db, sql`
    WITH c AS (
      UPDATE outbox o SET status = 'sending', claimed_until = ${at}::timestamptz + make_interval(secs => ${STEP_CLAIM_SECONDS}),
                          attempts = o.attempts + 1, updated_at = ${at}::timestamptz
      FROM sequence_enrollments e
      WHERE o.id = ${id} AND e.id = o.enrollment_id AND e.status = 'active' AND e.current_email = o.step
        AND (o.status = 'pending' OR (o.status = 'sending' AND o.claimed_until < ${at}::timestamptz))
      RETURNING o.id, o.inbox_id, o.step, o."to", o.subject, o.text_body, o.reply_to_message_id, e.anchor_local, e.time_zone, e.emails
    ),
    -- A pending row whose enrollment ended (or moved on) is settled here, so it is never looked at again.
    dropped AS (
      UPDATE outbox o SET status = 'cancelled', updated_at = ${at}::timestamptz
      WHERE o.id = ${id} AND o.status = 'pending' AND NOT EXISTS (SELECT 1 FROM c)
        AND NOT EXISTS (SELECT 1 FROM sequence_enrollments e WHERE e.id = o.enrollment_id AND e.status = 'active' AND e.current_email = o.step)
    )
    SELECT o.status, coalesce(o.claimed_until > ${at}::timestamptz, false) AS claim_live,
           (SELECT row_to_json(c) FROM c) AS claimed,
           (SELECT json_build_object('id', m.id, 'thread_id', m.thread_id, 'status', m.status) FROM messages m WHERE m.outbox_id = ${id}) AS message
    FROM outbox o WHERE o.id = ${id}`);
  if (row?.claimed) return { kind: 'claimed', step: row.claimed, message: row.message };
  if (row?.status === 'sending' && row.claim_live) return { kind: 'busy' };
  return { kind: 'done' };
}

export interface StepOutcome {
  /** The stored message (sent, or failed when the platform refused it); null if none was stored. */
  message: StepMessage | null;
  error: string | null;
}

/**
 * Marks the row sent or failed and moves its enrollment on, in one statement: to the next email
 * (due per `schedule.ts`), or `completed` after the last. A refused email is not retried (the
 * platform refused it; the failed copy is in the thread) and the enrollment moves on all the same.
 * An enrollment that ended meanwhile (a reply, a cancel) stays as it ended.
 */
export async function recordStepOutcome(db: Queryable, s: ClaimedStep, outcome: StepOutcome, now: Date): Promise<void> {
  const at = now.toISOString();
  const last = s.step >= s.emails.length;
  const next = last ? null : emailDueAt(s.anchor_local, s.time_zone, s.emails, s.step + 1).toISOString();
  const status: OutboxStatus = outcome.message?.status === 'sent' ? 'sent' : 'failed';
  await db.execute(sql`
    WITH o AS (
      UPDATE outbox SET status = ${status}, message_id = ${outcome.message?.id ?? null}, last_error = ${outcome.error},
                        claimed_until = NULL, updated_at = ${at}::timestamptz
      WHERE id = ${s.id} AND status = 'sending'
      RETURNING enrollment_id, step
    )
    UPDATE sequence_enrollments e SET
      current_email = ${last ? sql`o.step` : sql`o.step + 1`},
      status = ${last ? sql`'completed'::enrollment_status` : sql`e.status`},
      next_email_at = ${next}::timestamptz,
      ended_at = ${last ? sql`${at}::timestamptz` : sql`NULL`},
      first_message_id = COALESCE(e.first_message_id, ${outcome.message?.id ?? null}),
      thread_id = COALESCE(e.thread_id, ${outcome.message?.thread_id ?? null}),
      updated_at = ${at}::timestamptz
    FROM o WHERE e.id = o.enrollment_id AND e.status = 'active' AND e.current_email = o.step`);
}
