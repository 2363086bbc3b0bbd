import type { Context } from 'hono';
import { sql } from 'drizzle-orm';
import type { AppEnv } from './context';
import { ApiError } from './errors';

const DEFAULT_PER_MINUTE = 600;

/**
 * Fixed one-minute windows counted in Postgres, so the limit holds across isolates and works the
 * same under `wrangler dev`. Old windows are swept by the minute scan.
 */
export async function checkRateLimit(c: Context<AppEnv>, bucket: string): Promise<void> {
  const limit = Number(c.env.RATE_LIMIT_PER_MINUTE) || DEFAULT_PER_MINUTE;
  const now = c.get('now').getTime();
  const windowStart = new Date(now - (now % 60_000));
  const { rows } = await c.get('db').execute(sql`
    INSERT INTO rate_limits (bucket, window_start, count) VALUES (${bucket}, ${windowStart.toISOString()}, 1)
    ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_limits.count + 1
    RETURNING count`);
  const count = Number((rows[0] as { count: number }).count);
  const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now) / 1000));
  if (count > limit) {
    throw new ApiError(429, 'rate_limited', `At most ${limit} requests a minute per token; retry in ${retryAfter} s.`, {
      headers: { 'Retry-After': String(retryAfter), 'RateLimit-Limit': String(limit), 'RateLimit-Remaining': '0' },
    });
  }
  c.header('RateLimit-Limit', String(limit));
  c.header('RateLimit-Remaining', String(limit - count));
}
