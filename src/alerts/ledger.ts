/**
 * The firings ledger (`deliveries`): every due firing is written here first, under a unique
 * (alert_id, source_key), and only then put on the ALERTS queue. A repeated scan or emit inserts
 * nothing new; a row whose send failed keeps `enqueued_at` null and is sent again by the next
 * scan. The queue carries only the row id.
 */
import { inArray, sql } from 'drizzle-orm';
import { deliveries } from '../db/schema';
import { rowsOf, type Queryable } from '../db/sql';
import type { AlertQueue } from '../http/context';
import type { AlertMessage } from '../env';
import { newId } from '../http/ids';

/** One firing to record; ids are made here. */
export interface FiringInput {
  inboxId: string;
  alertId: string;
  /** Identifies the source occurrence (contact anniversary of a year, event occurrence start, cancellation). */
  sourceKey: string;
  type: string;
  scheduledFor: Date;
  payload: Record<string, unknown>;
}


/** Cloudflare Queues accepts at most 100 messages per sendBatch. */
export const SEND_BATCH_SIZE = 100;

/** A ledger row a call recorded (new, not one an earlier call had recorded). */
export type RecordedFiring = {
  id: string;
  type: string;
};

/**
 * Inserts firings (ON CONFLICT DO NOTHING) in one statement, whatever their number: the rows
 * travel as one JSON parameter. Returns the rows that are new.
 */
export async function recordFirings(db: Queryable, firings: FiringInput[], now: Date): Promise<RecordedFiring[]> {
  if (firings.length === 0) return [];
  const t = now.getTime();
  const rows = firings.map((f) => ({
    id: newId('dlv', t),
    firing_id: newId('msg', t),
    inbox_id: f.inboxId,
    alert_id: f.alertId,
    source_key: f.sourceKey,
    type: f.type,
    scheduled_for: f.scheduledFor.toISOString(),
    payload: f.payload,
  }));
  return rowsOf<RecordedFiring>(db, sql`
    INSERT INTO deliveries (id, firing_id, inbox_id, alert_id, source_key, type, scheduled_for, payload, status, attempts, created_at, updated_at)
    SELECT r.id, r.firing_id, r.inbox_id, r.alert_id, r.source_key, r.type, r.scheduled_for, r.payload, 'pending', 0, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS r(id text, firing_id text, inbox_id text, alert_id text, source_key text, type text, scheduled_for timestamptz, payload jsonb)
    -- An alert deleted meanwhile simply has nothing to record.
    WHERE EXISTS (SELECT 1 FROM alerts a WHERE a.id = r.alert_id AND a.inbox_id = r.inbox_id)
    ON CONFLICT (alert_id, source_key) DO NOTHING
    RETURNING id, type`);
}

/**
 * Sends deliveries to the queue in batches of at most 100, then marks every row whose batch was
 * accepted `enqueued_at` in one UPDATE (also when a later batch fails: those rows, and only
 * those, stay unsent for the next scan). A failing send throws after that mark.
 */
const MARK_CHUNK = 10_000;

export async function enqueueDeliveries(db: Queryable, queue: AlertQueue, ids: string[], now: Date): Promise<number> {
  return enqueueMarked(queue, ids, (id) => ({ delivery_id: id }), async (sent) => {
    await db.update(deliveries).set({ enqueuedAt: now }).where(inArray(deliveries.id, sent));
  });
}

/**
 * The one way ledger rows reach the queue (deliveries here, the outbox's mail in
 * src/sequences/steps.ts): bodies in batches of at most 100, then `mark` for every row whose
 * batch was accepted (also when a later batch fails: those rows, and only those, stay unsent for
 * the next scan). A failing send throws after that mark. Returns the number of distinct ids.
 */
export async function enqueueMarked(
  queue: AlertQueue, ids: string[], body: (id: string) => AlertMessage, mark: (sent: string[]) => Promise<void>,
): Promise<number> {
  const unique = [...new Set(ids)];
  const sent: string[] = [];
  try {
    for (let i = 0; i < unique.length; i += SEND_BATCH_SIZE) {
      const chunk = unique.slice(i, i + SEND_BATCH_SIZE);
      await queue.sendBatch(chunk.map((id) => ({ body: body(id) })));
      sent.push(...chunk);
    }
  } finally {
    // Chunked only to stay far below Postgres's 65,535 bind parameters on a huge tick.
    for (let i = 0; i < sent.length; i += MARK_CHUNK) await mark(sent.slice(i, i + MARK_CHUNK));
  }
  return unique.length;
}

/**
 * Sends rows recorded on behalf of an API call (a cancellation, a redelivery, a test). The rows
 * are already durable: if the queue refuses them they stay unsent and the next minute's scan
 * sends them, so the caller's request does not fail for it. The failure is logged, not hidden.
 */
export async function sendOrLeaveForScan(db: Queryable, queue: AlertQueue, ids: string[], now: Date): Promise<void> {
  try {
    await enqueueDeliveries(db, queue, ids, now);
  } catch (err) {
    console.error('alerts: queue send failed; the next scan resends these deliveries', ids, err);
  }
}

/**
 * Rows recorded but never sent (a send failed, or the process died in between). Only rows at
 * least a minute old: a younger one may still be on its way from whoever recorded it.
 */
export function unsentSql(now: Date, limit = 5000) {
  const before = new Date(now.getTime() - 60_000).toISOString();
  return sql`
    SELECT id FROM deliveries
    WHERE enqueued_at IS NULL AND created_at <= ${before}::timestamptz
    ORDER BY created_at
    LIMIT ${limit}`;
}

export async function unsentDeliveries(db: Queryable, now: Date, limit = 5000): Promise<string[]> {
  const rows = await rowsOf<{ id: string }>(db, unsentSql(now, limit));
  return rows.map((r) => r.id);
}
