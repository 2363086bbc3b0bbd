/**
 * Reminders (docs/mail.md): once a route's due time has passed, each recipient still waiting gets
 * one reminder mail, a reply in its request's thread, through the outbox (src/mail/outbox.ts:
 * the row id is made from the recipient, so it is recorded once however often the scan runs).
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../db/sql';

const DUE_PER_SCAN = 5000;

export async function recordDueReminders(db: Queryable, now: Date): Promise<string[]> {
  const at = now.toISOString();
  const rows = await rowsOf<{ id: string }>(db, sql`
    INSERT INTO outbox (id, inbox_id, recipient_id, step, "to", subject, text_body, reply_to_message_id, status, attempts, created_at, updated_at)
    SELECT 'obx_rem_' || substr(r.id, 5), w.inbox_id, r.id, 1, jsonb_build_array(jsonb_build_object('email', r.email, 'name', NULL)), NULL,
           'A reminder: "' || w.title || '" was due ' || to_char(w.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
             || ' and is still waiting for your answer. Please reply to the request.',
           r.request_message_id, 'pending', 0, ${at}::timestamptz, ${at}::timestamptz
    FROM work_routes w JOIN route_recipients r ON r.route_id = w.id
    WHERE w.status = 'active' AND w.due_at <= ${at}::timestamptz AND r.status = 'waiting' AND r.request_message_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = 'obx_rem_' || substr(r.id, 5))
    ORDER BY w.due_at
    LIMIT ${DUE_PER_SCAN}
    ON CONFLICT (id) DO NOTHING
    RETURNING id`);
  return rows.map((r) => r.id);
}

/** An outbox row (alias `o`) that is no reminder, or whose recipient still waits on an active route. */
export const reminderStillDue = (o: SQL): SQL => sql`(${o}.recipient_id IS NULL OR EXISTS (
  SELECT 1 FROM route_recipients r JOIN work_routes w ON w.id = r.route_id
  WHERE r.id = ${o}.recipient_id AND r.status = 'waiting' AND w.status = 'active'))`;
