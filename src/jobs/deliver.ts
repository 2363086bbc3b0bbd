/**
 * The ALERTS queue consumer. Each message names one ledger row: an outbox row (a mail the service
 * sends on its own, handled by ./outbox.ts) or an alert's delivery. Every message is acked or
 * retried explicitly; for a delivery:
 * - a row that is gone (its alert deleted) or no longer pending (already delivered, or failed)
 *   → ack, nothing sent: a redelivered message never sends twice;
 * - a disabled alert → the row is marked failed, ack;
 * - a row another consumer is attempting at this moment (its claim holds) → retry later;
 * - otherwise one attempt (signed webhook POST, or the task), logged on the row; success → ack;
 *   failure → retry after the alert's backoff until its retries are spent, then failed and ack;
 *   410 → the alert is disabled, failed, ack.
 * An error that is not the receiver's answer (the database unreachable, a statement failing)
 * retries the message without counting an attempt, so an outage never spends an alert's
 * retries; it is logged, not hidden.
 */
import type { Queryable } from '../db/sql';
import type { Env, AlertMessage } from '../env';
import { openDb } from '../db/client';
import { loadConfig, type Config } from '../config';
import { loadDeliveries, type PendingDelivery } from './deliver/load';
import { postWebhook } from './deliver/webhook';
import { makeTask } from './deliver/task';
import { CLAIM_SECONDS, claimAttempt, markFailed, recordAttempt, releaseClaim, type AttemptOutcome } from './deliver/outcome';
import { retryDelaySeconds } from './deliver/backoff';
import { sendOutboxMail } from './outbox';

/** Wait before retrying a message whose handling itself failed (not the receiver). */
const INFRA_RETRY_SECONDS = 15;

export async function deliverBatch(batch: MessageBatch<AlertMessage>, env: Env, now: Date): Promise<void> {
  const config = loadConfig(env);
  const handle = openDb(config);
  try {
    const outbox = batch.messages.filter((m) => outboxIdOf(m) !== undefined);
    const alerts = batch.messages.filter((m) => outboxIdOf(m) === undefined);
    const deps = { db: handle.db, mailer: env.EMAIL, alerts: env.ALERTS };
    await Promise.all([
      deliverAlerts(handle.db, config, alerts, now),
      ...outbox.map(async (m) => {
        try {
          await sendOutboxMail(deps, m, outboxIdOf(m)!, now);
        } catch (err) {
          console.error(`outbox: ${outboxIdOf(m)} failed unexpectedly; retrying`, err);
          m.retry({ delaySeconds: INFRA_RETRY_SECONDS });
        }
      }),
    ]);
  } finally {
    await handle.close().catch(() => {});
  }
}

const deliveryIdOf = (m: Message<AlertMessage>) => (m.body && 'delivery_id' in m.body ? m.body.delivery_id : undefined);
const outboxIdOf = (m: Message<AlertMessage>) => (m.body && 'outbox_id' in m.body ? m.body.outbox_id : undefined);

async function deliverAlerts(db: Queryable, config: Config, messages: readonly Message<AlertMessage>[], now: Date): Promise<void> {
  const ids = messages.map(deliveryIdOf).filter((id): id is string => typeof id === 'string');
  if (messages.length === 0) return;
  let found: Map<string, PendingDelivery>;
  try {
    found = await loadDeliveries(db, ids);
  } catch (err) {
    console.error('alerts: loading deliveries failed; retrying the batch', err);
    for (const m of messages) m.retry({ delaySeconds: INFRA_RETRY_SECONDS });
    return;
  }
  const seen = new Set<string>();
  await Promise.all(messages.map(async (m) => {
    const id = deliveryIdOf(m);
    // A malformed message, or a second message for the same row in this batch: nothing to do.
    if (typeof id !== 'string' || seen.has(id)) return m.ack();
    seen.add(id);
    try {
      await deliverOne(db, config, m, found.get(id), now);
    } catch (err) {
      console.error(`alerts: delivery ${id} failed unexpectedly; retrying`, err);
      m.retry({ delaySeconds: INFRA_RETRY_SECONDS });
    }
  }));
}

async function deliverOne(db: Queryable, config: Config, m: Message<AlertMessage>, d: PendingDelivery | undefined, now: Date): Promise<void> {
  if (d?.status !== 'pending') return m.ack();
  if (!d.alert.enabled) {
    await markFailed(db, d.id, 'the alert is disabled', now);
    return m.ack();
  }
  // Another copy of this message is being attempted right now: look again once its claim lapses
  // (by then it is delivered → ack, or pending again → this copy attempts).
  if (!(await claimAttempt(db, d.id, now))) return m.retry({ delaySeconds: CLAIM_SECONDS });
  let outcome: AttemptOutcome;
  try {
    outcome = d.alert.deliveryType === 'webhook'
      ? await postWebhook(d, config.allowPrivateWebhooks, now.getTime())
      : await makeTask(db, d, now);
  } catch (err) {
    await releaseClaim(db, d.id).catch(() => {});
    throw err;
  }
  const settled = await recordAttempt(db, d, outcome, now);
  if (settled.status === 'pending') return m.retry({ delaySeconds: retryDelaySeconds(d.alert.backoff, settled.attempts) });
  return m.ack();
}
