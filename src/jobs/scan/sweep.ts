/**
 * Housekeeping riding on the minute scan: idempotency keys past their 24 hours, one range DELETE;
 * contact shares pending for 30 days become expired (src/contacts/shares.ts).
 * (The rate limit is the Workers Rate Limiting binding's and keeps nothing here.)
 */
import { sql } from 'drizzle-orm';
import { firstRowOf, type Queryable } from '../../db/sql';
import { expireShares } from '../../contacts/shares';

const IDEMPOTENCY_KEEP_MS = 24 * 60 * 60 * 1000;

export async function sweepExpired(db: Queryable, now: Date): Promise<{ idempotencyKeys: number; shares: number }> {
  // Keys are stamped by requests with the request's clock. The cut-off never runs ahead of the
  // real clock, so a scan run for a future instant (tests, a replayed tick) cannot wipe keys
  // that are still live.
  const base = Math.min(now.getTime(), Date.now());
  const [r, shares] = await Promise.all([firstRowOf<{ idempotency_keys: number }>(db, sql`
    WITH ik AS (
      DELETE FROM idempotency_keys WHERE created_at < ${new Date(base - IDEMPOTENCY_KEEP_MS).toISOString()}::timestamptz RETURNING 1
    )
    SELECT (SELECT count(*) FROM ik)::int AS idempotency_keys`), expireShares(db, now)]);
  return { idempotencyKeys: Number(r?.idempotency_keys ?? 0), shares };
}
