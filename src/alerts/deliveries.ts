/** The deliveries log of an alert, redelivery, and test firings. */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import type { Page } from '../http/pagination';
import { toIsoZ } from '../time/zones';
import { EVENT_TYPES } from './catalogue';
import { recordFirings, sendOrLeaveForScan, type AlertQueue } from './ledger';
import { dataSchemaOf, offsetOf } from './payload';
import { findAlert } from './service';

type Row = Record<string, unknown>;

const iso = (v: unknown): string => toIsoZ(v instanceof Date ? v : new Date(v as string));
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));

export function deliveryView(r: Row) {
  return {
    id: r.id as string,
    firing_id: r.firing_id as string,
    alert_id: r.alert_id as string,
    type: r.type as string,
    status: r.status as 'pending' | 'delivered' | 'failed',
    attempts: Number(r.attempts),
    last_status_code: r.last_status_code === null ? null : Number(r.last_status_code),
    last_error: (r.last_error as string | null) ?? null,
    scheduled_for: iso(r.scheduled_for),
    delivered_at: isoOrNull(r.delivered_at),
    created_at: iso(r.created_at),
  };
}
export type DeliveryView = ReturnType<typeof deliveryView>;

const COLUMNS = sql`d.id, d.firing_id, d.alert_id, d.type, d.status, d.attempts, d.last_status_code, d.last_error, d.scheduled_for, d.delivered_at, d.created_at`;

/** Newest first; one round trip (the alert's ownership, the count and the page together). */
export async function listDeliveries(db: Db, inbox: Inbox, alertId: string, page: Page): Promise<{ rows: DeliveryView[]; total: number }> {
  const { rows } = await db.execute(sql`
    WITH a AS (SELECT id FROM alerts WHERE id = ${alertId} AND inbox_id = ${inbox.id}),
    p AS (
      SELECT ${COLUMNS} FROM deliveries d
      WHERE d.alert_id = (SELECT id FROM a) AND d.inbox_id = ${inbox.id}
      ORDER BY d.created_at DESC, d.id DESC
      LIMIT ${page.limit} OFFSET ${page.offset}
    )
    SELECT (SELECT count(*) FROM a)::int AS found,
      (SELECT count(*) FROM deliveries d WHERE d.alert_id = (SELECT id FROM a) AND d.inbox_id = ${inbox.id})::int AS total,
      COALESCE((SELECT json_agg(p ORDER BY p.created_at DESC, p.id DESC) FROM p), '[]'::json) AS rows`);
  const r = rows[0] as { found: number; total: number; rows: Row[] };
  if (!r.found) throw ApiError.notFound('Alert');
  return { rows: r.rows.map(deliveryView), total: r.total };
}

/**
 * Back to pending with a fresh retry budget, then on the queue again. The firing id stays: the
 * receiver sees the same `webhook-id`, and a task delivery still makes at most one task.
 */
export async function redeliver(db: Db, queue: AlertQueue, inbox: Inbox, alertId: string, deliveryId: string, now: Date): Promise<DeliveryView> {
  const { rows } = await db.execute(sql`
    UPDATE deliveries d SET status = 'pending', attempts = 0, last_status_code = NULL, last_error = NULL,
      delivered_at = NULL, enqueued_at = NULL, updated_at = ${now.toISOString()}::timestamptz
    WHERE d.id = ${deliveryId} AND d.alert_id = ${alertId} AND d.inbox_id = ${inbox.id}
    RETURNING ${COLUMNS}`);
  const row = rows[0] as Row | undefined;
  if (!row) throw ApiError.notFound('Delivery');
  await sendOrLeaveForScan(db, queue, [row.id as string], now);
  return deliveryView(row);
}

/** A sample firing of the alert's first event type, sent through the same queue and consumer. */
export async function sendTest(db: Db, queue: AlertQueue, inbox: Inbox, alertId: string, now: Date): Promise<DeliveryView> {
  const alert = await findAlert(db, inbox, alertId);
  const first = alert.events[0] ?? 'contact.any';
  const info = EVENT_TYPES.find((t) => t.type === first) ?? EVENT_TYPES.find((t) => t.type === (first.startsWith('contact.') ? 'contact.{type}' : first))!;
  const type = first === 'contact.any' ? 'contact.birthday' : first;
  // The catalogue's sample, made this alert's (its offset, its anniversary type) and checked by
  // the type's payload schema like every real firing; `test: true` marks it.
  const sample: Record<string, unknown> = { ...info.example };
  if ('offset' in sample) sample.offset = offsetOf(alert.offsetValue, alert.offsetUnit);
  if (info.category === 'contact' && 'anniversary_type' in sample) sample.anniversary_type = type.slice('contact.'.length);
  const data = { ...(dataSchemaOf(type)?.parse(sample) ?? sample), test: true };
  const [recorded] = await recordFirings(db, [{
    inboxId: inbox.id,
    alertId: alert.id,
    sourceKey: `test:${newId('msg', now.getTime())}`,
    type,
    scheduledFor: now,
    payload: data,
  }], now);
  if (!recorded) throw ApiError.notFound('Alert'); // deleted meanwhile
  const id = recorded.id;
  await sendOrLeaveForScan(db, queue, [id], now);
  const { rows } = await db.execute(sql`SELECT ${COLUMNS} FROM deliveries d WHERE d.id = ${id}`);
  return deliveryView(rows[0] as Row);
}
