/**
 * The ALERTS queue's other kind of message: an outbox row, a mail the service sends on its own
 * (a sequence's email; the ledger's rules are in src/sequences/steps.ts). Claimed, sent through
 * the §9 send path (stored, threaded, `message.sent`), recorded; a redelivered message finds the
 * row settled and is acked without sending.
 */
import { eq } from 'drizzle-orm';
import { inboxes } from '../db/schema';
import type { Queryable } from '../db/sql';
import type { AlertMessage } from '../env';
import type { AlertQueue } from '../http/context';
import { ApiError } from '../http/errors';
import { sendMessage, type Mailer } from '../mail/send';
import { claimStep, recordStepOutcome, STEP_CLAIM_SECONDS, type ClaimedStep, type StepOutcome } from '../sequences/steps';

export interface OutboxDeps {
  db: Queryable;
  mailer: Mailer;
  alerts: AlertQueue;
}

export async function sendOutboxMail(deps: OutboxDeps, m: Message<AlertMessage>, id: string, now: Date): Promise<void> {
  const claim = await claimStep(deps.db, id, now);
  if (claim.kind === 'busy') return m.retry({ delaySeconds: STEP_CLAIM_SECONDS });
  if (claim.kind === 'done') return m.ack();
  // Stored by an earlier attempt that died before recording it: record it, send nothing.
  const outcome = claim.message
    ? { message: claim.message, error: claim.message.status === 'sent' ? null : 'the platform refused the message' }
    : await send(deps, claim.step, now);
  await recordStepOutcome(deps.db, claim.step, outcome, now);
  m.ack();
}

async function send(deps: OutboxDeps, s: ClaimedStep, now: Date): Promise<StepOutcome> {
  const [inbox] = await deps.db.select().from(inboxes).where(eq(inboxes.id, s.inbox_id));
  if (!inbox) return { message: null, error: 'the inbox is gone' };
  try {
    const sent = await sendMessage({ db: deps.db, inbox, now, alerts: deps.alerts, mailer: deps.mailer }, {
      to: s.to,
      ...(s.subject !== null ? { subject: s.subject } : {}),
      text_body: s.text_body,
      ...(s.reply_to_message_id ? { reply_to_message_id: s.reply_to_message_id } : {}),
    }, { outboxId: s.id });
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
