/**
 * Delay before the next attempt, after `attempts` attempts have failed. Exponential doubles from
 * 10 s and stops growing at an hour, so ten retries span about three hours, not days.
 */
import type { Backoff } from '../../db/schema';

export const FIXED_DELAY_SECONDS = 30;
export const EXPONENTIAL_BASE_SECONDS = 10;
export const MAX_DELAY_SECONDS = 3600;

export function retryDelaySeconds(backoff: Backoff, attempts: number): number {
  if (backoff === 'immediate') return 0;
  if (backoff === 'fixed') return FIXED_DELAY_SECONDS;
  const n = Math.max(1, attempts);
  return Math.min(MAX_DELAY_SECONDS, EXPONENTIAL_BASE_SECONDS * 2 ** (n - 1));
}
