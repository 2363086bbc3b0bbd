/**
 * Sign-in throttling: failed attempts counted per account (the normalised email, whether or not
 * such a user exists) and per client address, in fixed windows stored in Postgres
 * (`login_throttle`), so the limit holds across isolates.
 *
 * An attempt is counted *before* the password (or refresh token) is checked, in one statement
 * that also reads the counts back: concurrent attempts cannot all slip under the limit. Once a
 * key is over its limit the answer is 429 `rate_limited` with `Retry-After`, even for the right
 * password. A success then gives its attempt back (the address counter) and clears the
 * account's counters, so only failures use up the allowance.
 *
 * The account key never depends on whether the account exists: an unknown email is counted,
 * throttled and answered exactly like a known one, and the 429 path never reads `users`.
 */
import { sql, type SQL } from 'drizzle-orm';
import { firstRowOf, type Queryable } from '../db/sql';
import { ApiError } from '../http/errors';
import { sha256Hex } from '../http/crypto';
import { formatIpv4, mappedIpv4, parseIpv4, parseIpv6 } from '../http/ip';

/** The numbers, in one place. */
export const THROTTLE = {
  /** Fixed windows aligned to the epoch. */
  windowMs: 15 * 60 * 1000,
  /** Failed sign-ins per account (normalised email) per window. */
  loginPerAccount: 5,
  /** Failed sign-ins per client address per window (all accounts together). */
  loginPerAddress: 20,
  /** Failed refreshes per client address per window. */
  refreshPerAddress: 20,
  /** Expired rows each counting statement deletes at most (it inserts at most two). */
  sweepBatch: 50,
} as const;

/** The bucket used when the request carries no CF-Connecting-IP (shared by all such callers). */
export const UNKNOWN_ADDRESS = 'unknown';

/** The account key: trimmed, lower-cased and Unicode-normalised, so spelling variants are one account. */
export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/**
 * The address key of a request. `CF-Connecting-IP` is set by Cloudflare and cannot be forged by
 * the client; an IPv6 client is keyed by its /64 (one subscriber usually holds a whole /64), an
 * IPv4-mapped IPv6 address by its IPv4 address. Without the header (a service binding, local
 * tools) the caller cannot be told apart from others, so all such requests share one bucket:
 * trusting `X-Forwarded-For` instead would let a client choose a fresh bucket per attempt.
 */
export function clientAddress(header: string | null | undefined): string {
  const raw = header?.trim();
  if (!raw) return UNKNOWN_ADDRESS;
  const v4 = parseIpv4(raw);
  if (v4 !== null) return formatIpv4(v4);
  if (raw.includes(':')) {
    const g = parseIpv6(raw.replace(/^\[|\]$/g, ''));
    if (g) {
      const mapped = mappedIpv4(g);
      if (mapped !== null) return formatIpv4(mapped);
      return `${g.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
    }
  }
  return raw.toLowerCase().slice(0, 100);
}

/** The window holding `now`, and the whole seconds until the next one opens (at least 1). */
export function windowOf(now: Date): { start: Date; end: Date; retryAfterS: number } {
  const t = now.getTime();
  const start = t - (((t % THROTTLE.windowMs) + THROTTLE.windowMs) % THROTTLE.windowMs);
  const end = start + THROTTLE.windowMs;
  return { start: new Date(start), end: new Date(end), retryAfterS: Math.max(1, Math.ceil((end - t) / 1000)) };
}

export interface ThrottleKey {
  /** e.g. `login:account`, `login:address`, `refresh:address` */
  kind: string;
  value: string;
  limit: number;
}

export interface Attempt {
  /** Key hashes, as stored. */
  hashes: Record<string, string>;
  windowStart: Date;
}

const keyHash = (k: Pick<ThrottleKey, 'kind' | 'value'>) => sha256Hex(`throttle\u0000${k.kind}\u0000${k.value}`);

/**
 * Counts one attempt against every key (one statement: sweep a batch of expired rows, bump the
 * counters, read them back) and throws 429 when any key is over its limit. `lookup`, when given,
 * runs in the same statement and its first row comes back as `found` (sign-in reads its user
 * here: one round trip, and a throttled answer is the same statement, so it reads alike for
 * known and unknown accounts). The sweep never touches the rows being bumped (they are excluded
 * by key, and their window has not expired): one statement may not both delete and upsert a row.
 */
export async function countAttempt<T extends Record<string, unknown> = Record<string, never>>(
  db: Queryable, keys: ThrottleKey[], now: Date, lookup?: SQL,
): Promise<{ attempt: Attempt; found: T | null }> {
  const w = windowOf(now);
  const hashes = await Promise.all(keys.map(keyHash));
  // A request clock ahead of the real one (tests only) must not sweep windows still live.
  const sweepBefore = new Date(Math.min(now.getTime(), Date.now())).toISOString();
  const values = sql.join(hashes.map((h) => sql`(${h}, ${w.start.toISOString()}::timestamptz, ${w.end.toISOString()}::timestamptz, 1)`), sql`, `);
  const row = await firstRowOf<{ counts: Array<{ key_hash: string; count: number }>; found: T | null }>(db, sql`
    WITH swept AS (
      DELETE FROM login_throttle WHERE ctid IN (
        SELECT ctid FROM login_throttle
        WHERE expires_at <= ${sweepBefore}::timestamptz AND key_hash NOT IN (${sql.join(hashes.map((h) => sql`${h}`), sql`, `)})
        LIMIT ${THROTTLE.sweepBatch} FOR UPDATE SKIP LOCKED)
    ),
    counted AS (
      INSERT INTO login_throttle (key_hash, window_start, expires_at, count) VALUES ${values}
      ON CONFLICT (key_hash, window_start) DO UPDATE SET count = login_throttle.count + 1
      RETURNING key_hash, count
    )
    SELECT (SELECT json_agg(counted) FROM counted) AS counts,
      ${lookup ? sql`(SELECT row_to_json(x) FROM (${lookup}) x LIMIT 1)` : sql`NULL`} AS found`);
  const counts = new Map((row?.counts ?? []).map((r) => [r.key_hash, Number(r.count)]));
  const over = keys.some((k, i) => (counts.get(hashes[i]!) ?? 0) > k.limit);
  if (over) {
    throw new ApiError(429, 'rate_limited', `Too many failed attempts; retry in ${w.retryAfterS} s.`, {
      headers: { 'Retry-After': String(w.retryAfterS) },
    });
  }
  return { attempt: { hashes: Object.fromEntries(keys.map((k, i) => [k.kind, hashes[i]!])), windowStart: w.start }, found: row?.found ?? null };
}

/**
 * What a success does to the counters, as CTEs for the statement that records the success (so
 * it costs no round trip of its own): the attempt is given back to the `refund` keys (it was not
 * a failure), and every window of the `reset` keys is cleared (a signed-in account starts
 * afresh). With `onlyIf`, both happen only when that condition holds in the statement (e.g. a
 * refresh whose UPDATE found its session). Use as `WITH <other CTEs>, ${successCtes(...)} …`.
 */
export function successCtes(attempt: Attempt, opts: { refund: string[]; reset: string[]; onlyIf?: SQL }): SQL {
  const refund = opts.refund.map((k) => attempt.hashes[k]!).filter(Boolean);
  const reset = opts.reset.map((k) => attempt.hashes[k]!).filter(Boolean);
  const list = (xs: string[]) => (xs.length ? sql.join(xs.map((x) => sql`${x}`), sql`, `) : sql`NULL`);
  const when = opts.onlyIf ?? sql`true`;
  return sql`
    throttle_reset AS (DELETE FROM login_throttle WHERE key_hash IN (${list(reset)}) AND ${when}),
    throttle_refund AS (
      UPDATE login_throttle SET count = count - 1
      WHERE key_hash IN (${list(refund)}) AND window_start = ${attempt.windowStart.toISOString()}::timestamptz AND count > 0 AND ${when}
    )`;
}
