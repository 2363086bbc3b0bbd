/** What one attempt came to, and how it is written to the deliveries log. */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
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

export type FinalStatus = 'pending' | 'delivered' | 'failed';

/**
 * Counts the attempt and settles the status in one statement: delivered on success; failed on
 * 410, a permanent error, or when this was the last attempt the alert allows (retries + 1);
 * else still pending (the caller retries the message). A 410 also disables the alert.
 */
export async function recordAttempt(db: Db, d: PendingDelivery, o: AttemptOutcome, now: Date): Promise<{ status: FinalStatus; attempts: number }> {
  const maxAttempts = d.alert.retries + 1;
  const giveUp = Boolean(o.gone || o.permanent);
  const at = now.toISOString();
  const { rows } = await db.execute(sql`
    WITH disabled AS (
      UPDATE alerts SET enabled = false, updated_at = ${at}::timestamptz
      WHERE id = ${d.alert.id} AND ${Boolean(o.gone)}
      RETURNING id
    )
    UPDATE deliveries SET
      attempts = attempts + 1,
      last_status_code = ${o.statusCode},
      last_error = ${o.error},
      status = CASE WHEN ${o.ok} THEN 'delivered'
                    WHEN ${giveUp} OR attempts + 1 >= ${maxAttempts} THEN 'failed'
                    ELSE 'pending' END,
      delivered_at = CASE WHEN ${o.ok} THEN ${at}::timestamptz ELSE NULL END,
      claimed_until = NULL,
      updated_at = ${at}::timestamptz
    WHERE id = ${d.id}
    RETURNING status, attempts, (SELECT count(*) FROM disabled) AS disabled`);
  const r = rows[0] as { status: FinalStatus; attempts: number } | undefined;
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

export async function claimAttempt(db: Db, deliveryId: string, now: Date): Promise<boolean> {
  const { rows } = await db.execute(sql`
    UPDATE deliveries SET claimed_until = ${new Date(now.getTime() + CLAIM_SECONDS * 1000).toISOString()}::timestamptz
    WHERE id = ${deliveryId} AND status = 'pending'
      AND (claimed_until IS NULL OR claimed_until <= ${now.toISOString()}::timestamptz)
    RETURNING id`);
  return rows.length > 0;
}

/**
 * Gives a claim back after an attempt that could not be made (the database or the runtime
 * failed, not the receiver): the retried message may attempt at once instead of waiting out
 * the claim. If the database is down this fails too, and the claim lapses by itself.
 */
export async function releaseClaim(db: Db, deliveryId: string): Promise<void> {
  await db.execute(sql`UPDATE deliveries SET claimed_until = NULL WHERE id = ${deliveryId} AND status = 'pending'`);
}

/** A firing that will not be attempted (its alert is disabled). */
export async function markFailed(db: Db, deliveryId: string, error: string, now: Date): Promise<void> {
  await db.execute(sql`
    UPDATE deliveries SET status = 'failed', last_error = ${error}, updated_at = ${now.toISOString()}::timestamptz
    WHERE id = ${deliveryId} AND status = 'pending'`);
}
