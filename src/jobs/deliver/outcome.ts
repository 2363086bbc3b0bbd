/** What one attempt came to, and how it is written to the deliveries log. */
import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { deliveries, type DeliveryStatus } from '../../db/schema';
import { firstRowOf, type Queryable } from '../../db/sql';
import type { PendingDelivery } from './load';

export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** 410 Gone: the receiver wants no more; the alert is disabled. */
  gone?: boolean;
  /** Retrying cannot help (e.g. a refused target). */
  permanent?: boolean;
}

export type FinalStatus = DeliveryStatus;

/**
 * Counts the attempt and settles the status in one statement: delivered on success; failed on
 * 410, a permanent error, or when this was the last attempt the alert allows (retries + 1);
 * else still pending (the caller retries the message). A 410 also disables the alert.
 */
export async function recordAttempt(db: Queryable, d: PendingDelivery, o: AttemptOutcome, now: Date): Promise<{ status: FinalStatus; attempts: number }> {
  const maxAttempts = d.alert.retries + 1;
  const giveUp = Boolean(o.gone || o.permanent);
  const at = now.toISOString();
  const r = await firstRowOf<{ status: FinalStatus; attempts: number }>(db, sql`
    WITH disabled AS (
      UPDATE alerts SET enabled = false, updated_at = ${at}::timestamptz
      WHERE id = ${d.alert.id} AND ${Boolean(o.gone)}
      RETURNING id
    )
    UPDATE deliveries SET
      attempts = attempts + 1,
      last_status_code = ${o.statusCode},
      last_error = ${o.error},
      status = (CASE WHEN ${o.ok} THEN 'delivered'
                     WHEN ${giveUp} OR attempts + 1 >= ${maxAttempts} THEN 'failed'
                     ELSE 'pending' END)::delivery_status,
      delivered_at = CASE WHEN ${o.ok} THEN ${at}::timestamptz ELSE NULL END,
      claimed_until = NULL,
      updated_at = ${at}::timestamptz
    WHERE id = ${d.id}
    RETURNING status, attempts, (SELECT count(*) FROM disabled) AS disabled`);
  // The delivery vanished mid-attempt (its alert was deleted): nothing left to retry.
  return r ? { status: r.status, attempts: Number(r.attempts) } : { status: 'failed', attempts: d.attempts + 1 };
}

/**
 * Claims a pending firing for one attempt. Queues deliver at least once, and the scan may resend
 * a row whose "enqueued" mark was lost, so two copies of a message can be handled at the same
 * moment; only the copy that wins this conditional UPDATE sends. The claim outlives one attempt
 * (the 10 s webhook timeout plus bookkeeping) and lapses by itself if its holder dies.
 */
export const CLAIM_SECONDS = 60;

export async function claimAttempt(db: Queryable, deliveryId: string, now: Date): Promise<boolean> {
  const claimed = await db.update(deliveries)
    .set({ claimedUntil: new Date(now.getTime() + CLAIM_SECONDS * 1000) })
    .where(and(
      eq(deliveries.id, deliveryId), eq(deliveries.status, 'pending'),
      or(isNull(deliveries.claimedUntil), lte(deliveries.claimedUntil, now)),
    ))
    .returning({ id: deliveries.id });
  return claimed.length > 0;
}

/**
 * Gives a claim back after an attempt that could not be made (the database or the runtime
 * failed, not the receiver): the retried message may attempt at once instead of waiting out
 * the claim. If the database is down this fails too, and the claim lapses by itself.
 */
export async function releaseClaim(db: Queryable, deliveryId: string): Promise<void> {
  await db.update(deliveries).set({ claimedUntil: null }).where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, 'pending')));
}

/** A firing that will not be attempted (its alert is disabled). */
export async function markFailed(db: Queryable, deliveryId: string, error: string, now: Date): Promise<void> {
  await db.update(deliveries).set({ status: 'failed', lastError: error, updatedAt: now })
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.status, 'pending')));
}
