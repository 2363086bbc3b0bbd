/**
 * A sequence's emails through the outbox (src/mail/outbox.ts has the ledger's rules): the scan
 * records the email each due enrollment is at (`recordDueSteps`), the consumer claims it while
 * the enrollment is still at that step (`stepStillDue`), and settling it moves the enrollment to
 * its next email, or `completed` after the last, in the same statement (`advanceEnrollment`).
 * A refused email moves the enrollment on all the same; one that ended meanwhile (a reply, a
 * cancel) stays as it ended.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { SequenceEmail } from '../db/schema';
import { rowsOf, type Queryable } from '../db/sql';
import type { OutboxOutcome } from '../mail/outbox';
import { emailDueAt } from './schedule';

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
        -- Recorded already and waiting for the consumer: not again (nor ahead of newer ones).
        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = 'obx_' || substr(e.id, 5) || '_' || e.current_email)
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

/** An outbox row (alias `o`) that is no sequence email, or whose enrollment is still at its step. */
export const stepStillDue = (o: SQL): SQL => sql`(${o}.enrollment_id IS NULL OR EXISTS (
  SELECT 1 FROM sequence_enrollments e WHERE e.id = ${o}.enrollment_id AND e.status = 'active' AND e.current_email = ${o}.step))`;

/** What the claim returns of the row's enrollment: what `advanceEnrollment` needs. */
export const enrollmentFacts = (o: SQL): SQL => sql`(
  SELECT json_build_object('anchor_local', e.anchor_local, 'time_zone', e.time_zone, 'emails', e.emails)
  FROM sequence_enrollments e WHERE e.id = ${o}.enrollment_id) AS enrollment`;
export type EnrollmentFacts = { anchor_local: string; time_zone: string; emails: SequenceEmail[] };

/** The follow-up of a settled sequence email (`o`: the settled outbox row): the enrollment moves on. */
export function advanceEnrollment(e: EnrollmentFacts, step: number, outcome: OutboxOutcome, now: Date): SQL {
  const at = now.toISOString();
  const last = step >= e.emails.length;
  const next = last ? null : emailDueAt(e.anchor_local, e.time_zone, e.emails, step + 1).toISOString();
  return sql`
    UPDATE sequence_enrollments e SET
      current_email = ${last ? sql`o.step` : sql`o.step + 1`},
      status = ${last ? sql`'completed'::enrollment_status` : sql`e.status`},
      next_email_at = ${next}::timestamptz,
      ended_at = ${last ? sql`${at}::timestamptz` : sql`NULL`},
      first_message_id = COALESCE(e.first_message_id, ${outcome.message?.id ?? null}),
      thread_id = COALESCE(e.thread_id, ${outcome.message?.thread_id ?? null}),
      updated_at = ${at}::timestamptz
    FROM o WHERE e.id = o.enrollment_id AND e.status = 'active' AND e.current_email = o.step`;
}
