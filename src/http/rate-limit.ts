import type { Context } from 'hono';
import type { AppEnv, Principal } from './context';
import { ApiError } from './errors';

/** The rate limiter's window (wrangler.toml `[[ratelimits]]` `period`): one minute. */
const PERIOD_S = 60;

/**
 * The per-token limit, counted by the Workers Rate Limiting binding (wrangler.toml holds the
 * limit): no database write on any call. Keyed by the token's id (an agent token or a session),
 * never by the secret. Over the limit: 429 with `Retry-After`, the seconds left in the window.
 */
export async function enforceRateLimit(c: Context<AppEnv>, principal: Principal): Promise<void> {
  const key = principal.kind === 'agent' ? principal.tokenId : principal.kind === 'session' ? principal.sessionId : null;
  if (key !== null) await enforceKeyedLimit(c, key, 'this token');
}

/**
 * The same limit for a call whose credential is not a token (a calendar feed's secret URL):
 * `key` names what is counted and must not be the secret itself.
 */
export async function enforceKeyedLimit(c: Context<AppEnv>, key: string, what: string): Promise<void> {
  const { success } = await c.env.RATE_LIMITER.limit({ key });
  if (success) return;
  const retryAfter = Math.max(1, PERIOD_S - (Math.floor(Date.now() / 1000) % PERIOD_S));
  throw new ApiError(429, 'rate_limited', `Too many requests for ${what}; retry in ${retryAfter} s.`, {
    headers: { 'Retry-After': String(retryAfter) },
  });
}
