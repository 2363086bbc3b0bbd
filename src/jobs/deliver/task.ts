/**
 * A task delivery: exactly one task per firing, its summary filled from the alert's template.
 * Nothing here can fail because of the alert itself (the template is checked when the alert is
 * saved, the summary is cut to the API's limit), so an error is the database's: it is thrown,
 * and the consumer retries the message without spending one of the alert's attempts.
 */
import type { Queryable } from '../../db/sql';
import { createTask } from '../../tasks/service';
import { fillTemplate } from '../../alerts/template';
import { toIsoZ } from '../../time/zones';
import type { PendingDelivery } from './load';
import type { AttemptOutcome } from './outcome';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function taskFields(d: PendingDelivery): Record<string, unknown> {
  return { ...d.payload, type: d.type, scheduled_for: toIsoZ(d.scheduledFor), alert_id: d.alert.id, inbox_id: d.inbox.id };
}

export async function makeTask(db: Queryable, d: PendingDelivery, now: Date): Promise<AttemptOutcome> {
  const fields = taskFields(d);
  const summary = fillTemplate(d.alert.target, fields) || d.type;
  const date = typeof d.payload.date === 'string' && DATE_RE.test(d.payload.date) ? d.payload.date : null;
  // createTask inserts ON CONFLICT (firing_id): a redelivered firing finds its task instead.
  await createTask(db, d.inbox, {
    summary,
    description: `From alert ${d.alert.id} (${d.type}, scheduled for ${toIsoZ(d.scheduledFor)}).`,
    due_date: date,
    categories: ['alert'],
  }, now, { firingId: d.firingId });
  return { ok: true, statusCode: null, error: null };
}
