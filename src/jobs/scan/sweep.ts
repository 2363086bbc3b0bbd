/**
 * Housekeeping riding on the minute scan: rate-limit windows (one-minute counters, useless after
 * a few minutes) and idempotency keys past their 24 hours. Both are plain range DELETEs.
 */
import { sql } from 'drizzle-orm';
import { firstRowOf, type Queryable } from '../../db/sql';

const RATE_WINDOW_KEEP_MS = 10 * 60 * 1000;
const IDEMPOTENCY_KEEP_MS = 24 * 60 * 60 * 1000;

export async function sweepExpired(db: Queryable, now: Date): Promise<{ rateLimits: number; idempotencyKeys: number }> {
  // Both tables are stamped by requests with the request's clock. The cut-off never runs ahead
  // of the real clock, so a scan run for a future instant (tests, a replayed tick) cannot wipe
  // counters and keys that are still live.
  const base = Math.min(now.getTime(), Date.now());
  const r = await firstRowOf<{ rate_limits: number; idempotency_keys: number }>(db, sql`
    WITH rl AS (
      DELETE FROM rate_limits WHERE window_start < ${new Date(base - RATE_WINDOW_KEEP_MS).toISOString()}::timestamptz RETURNING 1
    ),
    ik AS (
      DELETE FROM idempotency_keys WHERE created_at < ${new Date(base - IDEMPOTENCY_KEEP_MS).toISOString()}::timestamptz RETURNING 1
    )
    SELECT (SELECT count(*) FROM rl)::int AS rate_limits, (SELECT count(*) FROM ik)::int AS idempotency_keys`);
  return { rateLimits: Number(r?.rate_limits ?? 0), idempotencyKeys: Number(r?.idempotency_keys ?? 0) };
}
