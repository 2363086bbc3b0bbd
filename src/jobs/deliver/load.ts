/** Reads what a batch of queue messages points at, in one round trip. */
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { deliveries } from '../../db/schema';
import { inboxFromRow } from '../../http/auth';
import type { Inbox } from '../../http/context';
import type { Backoff } from '../../alerts/service';

export interface PendingDelivery {
  id: string;
  firingId: string;
  type: string;
  scheduledFor: Date;
  payload: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  alert: {
    id: string;
    deliveryType: 'webhook' | 'task';
    target: string;
    secret: string | null;
    retries: number;
    backoff: Backoff;
    enabled: boolean;
  };
  inbox: Inbox;
}

type Row = Record<string, unknown>;

/** Deliveries by id with their alert and inbox; a delivery whose alert is gone is absent. */
export async function loadDeliveries(db: Db, ids: string[]): Promise<Map<string, PendingDelivery>> {
  const out = new Map<string, PendingDelivery>();
  if (ids.length === 0) return out;
  const rows = await db.select({
    d: deliveries,
    a: sql<Row>`json_build_object('id', a.id, 'delivery_type', a.delivery_type, 'target', a.target, 'secret', a.secret,
      'retries', a.retries, 'backoff', a.backoff, 'enabled', a.enabled)`,
    i: sql<Row>`to_json(i)`,
  })
    .from(deliveries)
    .innerJoin(sql`alerts a`, sql`a.id = ${deliveries.alertId}`)
    .innerJoin(sql`inboxes i`, sql`i.id = ${deliveries.inboxId}`)
    .where(inArray(deliveries.id, ids));
  for (const { d, a, i } of rows) {
    out.set(d.id, {
      id: d.id,
      firingId: d.firingId,
      type: d.type,
      scheduledFor: d.scheduledFor,
      payload: d.payload,
      status: d.status as PendingDelivery['status'],
      attempts: d.attempts,
      alert: {
        id: a.id as string,
        deliveryType: a.delivery_type as 'webhook' | 'task',
        target: a.target as string,
        secret: (a.secret as string | null) ?? null,
        retries: Number(a.retries),
        backoff: a.backoff as Backoff,
        enabled: Boolean(a.enabled),
      },
      inbox: inboxFromRow(i),
    });
  }
  return out;
}
