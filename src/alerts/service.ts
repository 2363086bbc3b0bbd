/** Alert subscriptions: the CRUD verbs. Every query is scoped by the inbox. */
import type { Queryable } from '../db/sql';
import { and, asc, eq } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { alerts, type AlertFilter, type AlertRow } from '../db/schema';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import { toIsoZ } from '../time/zones';
import type { CreateAlertInput, FilterInput, PatchAlertInput } from './schemas';
import { newWebhookSecret } from './signing';
import { webhookTargetProblem } from './targets';

export interface WebhookPolicy {
  /** ALLOW_PRIVATE_WEBHOOKS=true (local development): http and private hosts are accepted. */
  allowPrivateWebhooks: boolean;
}

export function alertView(r: AlertRow) {
  return {
    id: r.id,
    inbox_id: r.inboxId,
    events: r.events,
    offset: r.offsetValue !== null && r.offsetUnit ? { value: r.offsetValue, unit: r.offsetUnit } : null,
    delivery: { type: r.deliveryType, target: r.target },
    filter: r.filter ?? null,
    retries: r.retries,
    backoff: r.backoff,
    enabled: r.enabled,
    created_at: toIsoZ(r.createdAt),
    updated_at: toIsoZ(r.updatedAt),
  };
}
export type AlertView = ReturnType<typeof alertView>;

/** Called with the current representation before a change (If-Match); throws to refuse it. */
export type Precondition = (current: AlertView) => Promise<void>;

const unique = (list: string[]) => [...new Set(list)];

/** An empty filter narrows nothing: stored as null so the scan has one case less. */
function normaliseFilter(f: FilterInput | null | undefined): AlertFilter | null {
  if (!f) return null;
  const out: AlertFilter = {};
  if (f.contact_ids) out.contact_ids = unique(f.contact_ids);
  if (f.calendar_ids) out.calendar_ids = unique(f.calendar_ids);
  return Object.keys(out).length ? out : null;
}

function checkTarget(delivery: { type: string; target: string }, policy: WebhookPolicy): void {
  if (delivery.type !== 'webhook') return;
  const problem = webhookTargetProblem(delivery.target, policy.allowPrivateWebhooks);
  if (problem) throw ApiError.field('delivery.target', problem);
}

export async function listAlerts(db: Queryable, inbox: Inbox): Promise<AlertView[]> {
  const rows = await db.select().from(alerts).where(eq(alerts.inboxId, inbox.id)).orderBy(asc(alerts.createdAt), asc(alerts.id));
  return rows.map(alertView);
}

export async function findAlert(db: Queryable, inbox: Inbox, id: string): Promise<AlertRow> {
  const [row] = await db.select().from(alerts).where(and(eq(alerts.id, id), eq(alerts.inboxId, inbox.id)));
  if (!row) throw ApiError.notFound('Alert');
  return row;
}

export async function getAlert(db: Queryable, inbox: Inbox, id: string): Promise<AlertView> {
  return alertView(await findAlert(db, inbox, id));
}

/** The secret is returned here and never again. */
export async function createAlert(
  db: Queryable, inbox: Inbox, input: CreateAlertInput, now: Date, policy: WebhookPolicy,
): Promise<{ alert: AlertView; secret: string | null }> {
  checkTarget(input.delivery, policy);
  const secret = input.delivery.type === 'webhook' ? newWebhookSecret() : null;
  const [row] = await db.insert(alerts).values({
    id: newId('alr', now.getTime()),
    inboxId: inbox.id,
    events: unique(input.events),
    offsetValue: input.offset?.value ?? null,
    offsetUnit: input.offset?.unit ?? null,
    deliveryType: input.delivery.type,
    target: input.delivery.target,
    secret,
    filter: normaliseFilter(input.filter),
    retries: input.retries ?? 3,
    backoff: input.backoff ?? 'exponential',
    enabled: input.enabled ?? true,
    createdAt: now,
    updatedAt: now,
  }).returning();
  return { alert: alertView(row!), secret };
}

/**
 * Applies a partial change. Turning a task alert into a webhook makes a new secret (returned
 * once, like on create); a webhook keeps its secret when only its URL changes.
 */
export async function updateAlert(
  db: Queryable, inbox: Inbox, id: string, patch: PatchAlertInput, now: Date, policy: WebhookPolicy, precondition?: Precondition,
): Promise<{ alert: AlertView; secret: string | null }> {
  const current = await findAlert(db, inbox, id);
  if (precondition) await precondition(alertView(current));
  const set: PgUpdateSetSource<typeof alerts> = { updatedAt: now };
  let secret: string | null = null;
  if (patch.events !== undefined) set.events = unique(patch.events);
  if (patch.offset !== undefined) {
    set.offsetValue = patch.offset?.value ?? null;
    set.offsetUnit = patch.offset?.unit ?? null;
  }
  if (patch.delivery !== undefined) {
    checkTarget(patch.delivery, policy);
    set.deliveryType = patch.delivery.type;
    set.target = patch.delivery.target;
    if (patch.delivery.type === 'webhook' && (current.deliveryType !== 'webhook' || !current.secret)) {
      secret = newWebhookSecret();
      set.secret = secret;
    } else if (patch.delivery.type === 'task') {
      set.secret = null;
    }
  }
  if (patch.filter !== undefined) set.filter = normaliseFilter(patch.filter);
  if (patch.retries !== undefined) set.retries = patch.retries;
  if (patch.backoff !== undefined) set.backoff = patch.backoff;
  if (patch.enabled !== undefined) set.enabled = patch.enabled;
  // With If-Match, the change applies only to the version that was checked.
  const [row] = await db.update(alerts).set(set)
    .where(and(eq(alerts.id, id), eq(alerts.inboxId, inbox.id), precondition ? eq(alerts.updatedAt, current.updatedAt) : undefined))
    .returning();
  if (!row) {
    if (precondition) throw new ApiError(412, 'precondition_failed', 'The alert changed while this request was being applied.');
    throw ApiError.notFound('Alert');
  }
  return { alert: alertView(row), secret };
}

/** Its deliveries log goes with it (ON DELETE CASCADE); queued messages for it are dropped. */
export async function deleteAlert(db: Queryable, inbox: Inbox, id: string, precondition?: Precondition): Promise<void> {
  const current = await findAlert(db, inbox, id);
  if (precondition) await precondition(alertView(current));
  const deleted = await db.delete(alerts)
    .where(and(eq(alerts.id, id), eq(alerts.inboxId, inbox.id), precondition ? eq(alerts.updatedAt, current.updatedAt) : undefined))
    .returning({ id: alerts.id });
  if (deleted.length === 0) {
    if (precondition) throw new ApiError(412, 'precondition_failed', 'The alert changed while this request was being applied.');
    throw ApiError.notFound('Alert');
  }
}
