import type { Context } from 'hono';
import { sql, type SQL } from 'drizzle-orm';
import type { AppEnv } from './context';
import { ApiError } from './errors';

/**
 * Fixed one-minute windows counted in Postgres, so the limit holds across isolates and works the
 * same under `wrangler dev`. The counter is bumped inside the authentication statement (one round
 * trip): `countedAs` wraps a principal lookup so that it also returns `rl_count`. Old windows are
 * swept by the minute scan.
 */
export function countedAs(lookup: SQL, bucketColumn: string, now: Date): SQL {
  const t = now.getTime();
  const windowStart = new Date(t - (t % 60_000)).toISOString();
  return sql`
    WITH principal AS (${lookup}),
    counted AS (
      INSERT INTO rate_limits (bucket, window_start, count)
      SELECT ${sql.raw(bucketColumn)}, ${windowStart}, 1 FROM principal
      ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_limits.count + 1
      RETURNING count
    )
    SELECT principal.*, (SELECT count FROM counted) AS rl_count FROM principal`;
}

/** 429 with Retry-After once the caller's window is over the limit; else RateLimit-* headers. */
export function enforceRateLimit(c: Context<AppEnv>, count: number): void {
  const limit = c.get('config').rateLimitPerMinute;
  const now = c.get('now').getTime();
  const retryAfter = Math.max(1, Math.ceil((60_000 - (now % 60_000)) / 1000));
  if (count > limit) {
    throw new ApiError(429, 'rate_limited', `At most ${limit} requests a minute per token; retry in ${retryAfter} s.`, {
      headers: { 'Retry-After': String(retryAfter), 'RateLimit-Limit': String(limit), 'RateLimit-Remaining': '0' },
    });
  }
  c.header('RateLimit-Limit', String(limit));
  c.header('RateLimit-Remaining', String(limit - count));
}
