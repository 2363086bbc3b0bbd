/** The deliveries log of an alert, redelivery, and test firings. */
import { and, eq, sql } from 'drizzle-orm';
import { deliveries, type DeliveryRow, type DeliveryStatus } from '../db/schema';
import { asDate, asDateOrNull, firstRowOf, type Queryable } from '../db/sql';
import type { Inbox, ServiceContext } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import type { Page } from '../http/pagination';
import { toIsoZ } from '../time/zones';
import { EVENT_TYPES } from './catalogue';
import { recordFirings, sendOrLeaveForScan } from './ledger';
import { dataSchemaOf, offsetOf } from './payload';
import { findAlert } from './service';

/** What the deliveries log shows of a ledger row. */
type DeliveryFacts = Pick<DeliveryRow,
  'id' | 'firingId' | 'alertId' | 'type' | 'status' | 'attempts' | 'lastStatusCode' | 'lastError' | 'scheduledFor' | 'deliveredAt' | 'createdAt'>;

export function deliveryView(r: DeliveryFacts) {
  return {
    id: r.id,
    firing_id: r.firingId,
    alert_id: r.alertId,
    type: r.type,
    status: r.status,
    attempts: r.attempts,
    last_status_code: r.lastStatusCode,
    last_error: r.lastError,
    scheduled_for: toIsoZ(r.scheduledFor),
    delivered_at: r.deliveredAt ? toIsoZ(r.deliveredAt) : null,
    created_at: toIsoZ(r.createdAt),
  };
}
export type DeliveryView = ReturnType<typeof deliveryView>;

const facts = {
  id: deliveries.id, firingId: deliveries.firingId, alertId: deliveries.alertId, type: deliveries.type,
  status: deliveries.status, attempts: deliveries.attempts, lastStatusCode: deliveries.lastStatusCode,
  lastError: deliveries.lastError, scheduledFor: deliveries.scheduledFor, deliveredAt: deliveries.deliveredAt,
  createdAt: deliveries.createdAt,
};

/** A page row of `listDeliveries` (json_agg: snake_case keys, timestamps in ISO text). */
type DeliveryJson = {
  id: string; firing_id: string; alert_id: string; type: string; status: DeliveryStatus; attempts: number;
  last_status_code: number | null; last_error: string | null; scheduled_for: string; delivered_at: string | null; created_at: string;
};

const factsOfJson = (j: DeliveryJson): DeliveryFacts => ({
  id: j.id, firingId: j.firing_id, alertId: j.alert_id, type: j.type, status: j.status, attempts: j.attempts,
  lastStatusCode: j.last_status_code, lastError: j.last_error, scheduledFor: asDate(j.scheduled_for),
  deliveredAt: asDateOrNull(j.delivered_at), createdAt: asDate(j.created_at),
});

const COLUMNS = sql`d.id, d.firing_id, d.alert_id, d.type, d.status, d.attempts, d.last_status_code, d.last_error, d.scheduled_for, d.delivered_at, d.created_at`;

/** Newest first; one round trip (the alert's ownership, the count and the page together). */
export async function listDeliveries(db: Queryable, inbox: Inbox, alertId: string, page: Page): Promise<{ rows: DeliveryView[]; total: number }> {
  const r = await firstRowOf<{ found: number; total: number; rows: DeliveryJson[] }>(db, sql`
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
  if (!r?.found) throw ApiError.notFound('Alert');
  return { rows: r.rows.map((j) => deliveryView(factsOfJson(j))), total: r.total };
}

/**
 * Back to pending with a fresh retry budget, then on the queue again. The firing id stays: the
 * receiver sees the same `webhook-id`, and a task delivery still makes at most one task.
 */
export async function redeliver({ db, inbox, now, alerts }: ServiceContext, alertId: string, deliveryId: string): Promise<DeliveryView> {
  const [row] = await db.update(deliveries)
    .set({ status: 'pending', attempts: 0, lastStatusCode: null, lastError: null, deliveredAt: null, enqueuedAt: null, updatedAt: now })
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.alertId, alertId), eq(deliveries.inboxId, inbox.id)))
    .returning(facts);
  if (!row) throw ApiError.notFound('Delivery');
  await sendOrLeaveForScan(db, alerts, [row.id], now);
  return deliveryView(row);
}

/** A sample firing of the alert's first event type, sent through the same queue and consumer. */
export async function sendTest({ db, inbox, now, alerts }: ServiceContext, alertId: string): Promise<DeliveryView> {
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
  await sendOrLeaveForScan(db, alerts, [id], now);
  const [row] = await db.select(facts).from(deliveries).where(eq(deliveries.id, id));
  if (!row) throw ApiError.notFound('Alert'); // deleted meanwhile, with its ledger
  return deliveryView(row);
}
