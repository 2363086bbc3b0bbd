/**
 * Which stretch of time a scan covers: (watermark, now], the watermark being where the last
 * successful scan got to. Missed minutes are caught up, but never more than 24 hours back; the
 * first scan covers the last minute. A watermark ahead of `now` (the clock went back) is treated
 * like a first scan: re-covering a minute is harmless, the ledger's unique key sees to that.
 *
 * A lease row keeps two scans from running at once (a slow scan overlapping the next minute's):
 * the second one does nothing and the next minute catches up.
 */
import { sql } from 'drizzle-orm';
import { firstRowOf, type Queryable } from '../../db/sql';

export const WATERMARK = 'alerts';
const LEASE = 'alerts.lease';
export const MAX_CATCH_UP_MS = 24 * 60 * 60 * 1000;
export const FIRST_SCAN_MS = 60 * 1000;
/** How long a lease is honoured if its scan died without releasing it. */
const LEASE_MS = 5 * 60 * 1000;

export interface ScanWindow {
  /** Exclusive. */
  from: Date;
  /** Inclusive. */
  to: Date;
}

export function windowFor(watermark: Date | null, now: Date): ScanWindow {
  const t = now.getTime();
  if (!watermark || watermark.getTime() > t) return { from: new Date(t - FIRST_SCAN_MS), to: now };
  return { from: new Date(Math.max(watermark.getTime(), t - MAX_CATCH_UP_MS)), to: now };
}

/** Takes the lease and reads the watermark in one round trip; null when another scan runs. */
export async function claimWindow(db: Queryable, now: Date): Promise<ScanWindow | null> {
  const at = now.toISOString();
  const until = new Date(now.getTime() + LEASE_MS).toISOString();
  const r = await firstRowOf<{ acquired: number; watermark_ms: number | string | null }>(db, sql`
    WITH lease AS (
      INSERT INTO scan_state (name, watermark) VALUES (${LEASE}, ${until}::timestamptz)
      ON CONFLICT (name) DO UPDATE SET watermark = EXCLUDED.watermark
      -- Free, expired, or set further ahead than any lease granted now could be (clock went back).
      WHERE scan_state.watermark <= ${at}::timestamptz OR scan_state.watermark > ${until}::timestamptz
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM lease)::int AS acquired,
      (SELECT (extract(epoch FROM watermark) * 1000)::float8 FROM scan_state WHERE name = ${WATERMARK}) AS watermark_ms`);
  if (!r || !Number(r.acquired)) return null;
  return windowFor(r.watermark_ms === null ? null : new Date(Number(r.watermark_ms)), now);
}

/** Moves the watermark to the end of the covered window and frees the lease. */
export async function commitWindow(db: Queryable, window: ScanWindow): Promise<void> {
  const to = window.to.toISOString();
  await db.execute(sql`
    WITH mark AS (
      INSERT INTO scan_state (name, watermark) VALUES (${WATERMARK}, ${to}::timestamptz)
      ON CONFLICT (name) DO UPDATE SET watermark = EXCLUDED.watermark
    )
    UPDATE scan_state SET watermark = ${to}::timestamptz WHERE name = ${LEASE}`);
}

/** Frees the lease after a failed scan; the watermark stays, so the next scan redoes the window. */
export async function releaseLease(db: Queryable, now: Date): Promise<void> {
  await db.execute(sql`UPDATE scan_state SET watermark = ${now.toISOString()}::timestamptz WHERE name = ${LEASE}`);
}
