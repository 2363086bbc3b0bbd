/** Reads what a batch of queue messages points at, in one round trip. */
import type { Queryable } from '../../db/sql';
import { eq, inArray } from 'drizzle-orm';
import { alerts, deliveries, inboxes, type AlertRow, type DeliveryRow } from '../../db/schema';
import type { Inbox } from '../../http/context';

export type PendingDelivery = Pick<DeliveryRow, 'id' | 'firingId' | 'type' | 'scheduledFor' | 'payload' | 'status' | 'attempts'> & {
  alert: Pick<AlertRow, 'id' | 'deliveryType' | 'target' | 'secret' | 'retries' | 'backoff' | 'enabled'>;
  inbox: Inbox;
};

/** Deliveries by id with their alert and inbox; a delivery whose alert is gone is absent. */
export async function loadDeliveries(db: Queryable, ids: string[]): Promise<Map<string, PendingDelivery>> {
  const out = new Map<string, PendingDelivery>();
  if (ids.length === 0) return out;
  const rows = await db.select({
    d: {
      id: deliveries.id, firingId: deliveries.firingId, type: deliveries.type, scheduledFor: deliveries.scheduledFor,
      payload: deliveries.payload, status: deliveries.status, attempts: deliveries.attempts,
    },
    alert: {
      id: alerts.id, deliveryType: alerts.deliveryType, target: alerts.target, secret: alerts.secret,
      retries: alerts.retries, backoff: alerts.backoff, enabled: alerts.enabled,
    },
    inbox: inboxes,
  })
    .from(deliveries)
    .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
    .innerJoin(inboxes, eq(inboxes.id, deliveries.inboxId))
    .where(inArray(deliveries.id, ids));
  for (const { d, alert, inbox } of rows) out.set(d.id, { ...d, alert, inbox });
  return out;
}
