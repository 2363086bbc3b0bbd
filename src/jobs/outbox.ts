/**
 * The ALERTS queue's other kind of message: an outbox row, a mail the service sends on its own
 * (a sequence's email, a work route's reminder; the ledger's rules are in src/mail/outbox.ts).
 * Claimed while its source still wants it, sent through the §9 send path (stored, threaded,
 * `message.sent`), settled with its source's follow-up; a redelivered message finds the row
 * settled and is acked without sending.
 */
import { eq, sql } from 'drizzle-orm';
import { inboxes } from '../db/schema';
import type { Queryable } from '../db/sql';
import type { AlertMessage } from '../env';
import type { AlertQueue } from '../http/context';
import { ApiError } from '../http/errors';
import { sendMessage, type Mailer } from '../mail/send';
import { claimOutbox, OUTBOX_CLAIM_SECONDS, settleOutbox, type ClaimedMail, type OutboxOutcome } from '../mail/outbox';
import { advanceEnrollment, enrollmentFacts, stepStillDue, type EnrollmentFacts } from '../sequences/steps';
import { reminderStillDue } from '../work-routes/reminders';

export interface OutboxDeps {
  db: Queryable;
  mailer: Mailer;
  alerts: AlertQueue;
}

const o = sql`o`;

export async function sendOutboxMail(deps: OutboxDeps, m: Message<AlertMessage>, id: string, now: Date): Promise<void> {
  const claim = await claimOutbox<{ enrollment: EnrollmentFacts | null }>(deps.db, id, now, {
    wanted: sql`${stepStillDue(o)} AND ${reminderStillDue(o)}`,
    returning: enrollmentFacts(o),
  });
  if (claim.kind === 'busy') return m.retry({ delaySeconds: OUTBOX_CLAIM_SECONDS });
  if (claim.kind === 'done') return m.ack();
  const { mail } = claim;
  // Stored by an earlier attempt that died before settling it: settle it, send nothing.
  const outcome = claim.message
    ? { message: claim.message, error: claim.message.status === 'sent' ? null : 'the platform refused the message' }
    : await send(deps, mail, now);
  const then = mail.enrollment ? advanceEnrollment(mail.enrollment, mail.step, outcome, now) : undefined;
  await settleOutbox(deps.db, mail.id, outcome, now, then);
  m.ack();
}

async function send(deps: OutboxDeps, mail: ClaimedMail, now: Date): Promise<OutboxOutcome> {
  const [inbox] = await deps.db.select().from(inboxes).where(eq(inboxes.id, mail.inbox_id));
  if (!inbox) return { message: null, error: 'the inbox is gone' };
  try {
    const sent = await sendMessage({ db: deps.db, inbox, now, alerts: deps.alerts, mailer: deps.mailer }, {
      to: mail.to,
      ...(mail.subject !== null ? { subject: mail.subject } : {}),
      text_body: mail.text_body,
      ...(mail.reply_to_message_id ? { reply_to_message_id: mail.reply_to_message_id } : {}),
    }, { outboxId: mail.id });
    return { message: { id: sent.message_id, thread_id: sent.thread_id, status: 'sent' }, error: null };
  } catch (err) {
    // Refused by the platform: the failed copy is stored (and named by the error).
    if (err instanceof ApiError && err.code === 'send_failed') {
      const { message_id, thread_id } = err.extra as { message_id: string; thread_id: string };
      return { message: { id: message_id, thread_id, status: 'failed' }, error: err.message.slice(0, 1000) };
    }
    throw err;
  }
}
