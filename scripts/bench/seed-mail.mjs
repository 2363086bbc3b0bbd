// The mail seed shared by bench:mail and bench:agenda: bulk SQL, no API calls.
import { log } from './lib.mjs';

/**
 * Bulk mail for one inbox: `messages` messages in messages / 5 threads over the last year, five
 * an hour apart per thread, a fifth of the threads ending outbound (waiting on a reply); the
 * missed-reply threshold set to 3 days; `suggestions` open suggested events two days ahead.
 */
export async function seedMail(db, inboxId, address, { messages, suggestions }) {
  const THREADS = Math.max(1, Math.round(messages / 5));
  const t0 = Date.now();
  await db.query(`
    INSERT INTO threads (id, inbox_id, subject, normalized_subject, participants, message_count, last_message_at, last_message_id, last_direction,
                         last_sent_at, last_status, last_to, created_at)
    SELECT 'thr_bench_' || lpad(t::text, 6, '0'), $1, 'Topic ' || t, 'topic ' || t, ARRAY['peer' || (t % 2000) || '@example.com', $2],
           5, at, 'msg_bench_' || lpad(t::text, 6, '0') || '_4', dir::message_direction,
           -- the last message's facts, as the messages below will have them
           at, (CASE WHEN dir = 'outbound' THEN 'sent' ELSE 'received' END)::message_status,
           jsonb_build_array(jsonb_build_object('email', CASE WHEN dir = 'outbound' THEN 'peer' || (t % 2000) || '@example.com' ELSE $2 END, 'name', NULL)),
           now()
    FROM generate_series(1, $3::int) t,
         LATERAL (SELECT now() - (t % 365) * interval '1 day' - (t % 24) * interval '1 hour' AS at,
                         CASE WHEN t % 5 = 0 THEN 'outbound' ELSE 'inbound' END AS dir) x`, [inboxId, address, THREADS]);
  // Five messages a thread, an hour apart, ending at the thread's last message.
  await db.query(`
    INSERT INTO messages (id, inbox_id, thread_id, direction, status, from_email, from_name, "to", cc, bcc, subject, text_body, html_body,
                          snippet, sent_at, rfc_message_id, in_reply_to, "references", attachments, created_at)
    SELECT 'msg_bench_' || lpad(t.n::text, 6, '0') || '_' || k, $1, t.id, d.dir, (CASE WHEN d.dir = 'outbound' THEN 'sent' ELSE 'received' END)::message_status,
           CASE WHEN d.dir = 'outbound' THEN $2 ELSE t.participants[1] END, NULL,
           jsonb_build_array(jsonb_build_object('email', CASE WHEN d.dir = 'outbound' THEN t.participants[1] ELSE $2 END, 'name', NULL)),
           '[]'::jsonb, '[]'::jsonb, CASE WHEN k = 0 THEN t.subject ELSE 'Re: ' || t.subject END,
           repeat('Some words about topic ' || t.n || '. ', 20), NULL, 'Some words about topic ' || t.n,
           t.last_message_at - (4 - k) * interval '1 hour', 'bench-' || t.n || '-' || k || '@example.com', NULL, '{}', '[]'::jsonb, now()
    FROM (SELECT id, subject, participants, last_message_at, last_direction, substr(id, 11)::int AS n FROM threads WHERE inbox_id = $1 AND id LIKE 'thr_bench_%') t,
         generate_series(0, 4) k,
         LATERAL (SELECT (CASE WHEN k = 4 THEN t.last_direction::text WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END)::message_direction AS dir) d`,
  [inboxId, address]);
  await db.query(`
    INSERT INTO message_suggestions (message_id, inbox_id, title, start_local, start_at, time_zone, duration, location, status, created_at)
    SELECT id, $1, 'Topic', to_char(now() + interval '2 days', 'YYYY-MM-DD"T"HH24:00:00'), date_trunc('hour', now() + interval '2 days'), 'UTC', 'PT30M', '', 'open', now()
    FROM messages WHERE inbox_id = $1 AND direction = 'inbound' AND id LIKE 'msg_bench_%' ORDER BY id LIMIT $2`, [inboxId, suggestions]);
  await db.query('UPDATE inboxes SET missed_reply_threshold_days = 3 WHERE id = $1', [inboxId]);
  // Bulk rows bypass the store, so the kept totals are recounted here as migration 0007 does.
  await db.query(`
    INSERT INTO mail_totals (inbox_id, messages, inbound, threads)
    SELECT $1, (SELECT count(*) FROM messages WHERE inbox_id = $1), (SELECT count(*) FROM messages WHERE inbox_id = $1 AND direction = 'inbound'),
           (SELECT count(*) FROM threads WHERE inbox_id = $1)
    ON CONFLICT (inbox_id) DO UPDATE SET messages = excluded.messages, inbound = excluded.inbound, threads = excluded.threads`, [inboxId]);
  await db.query('VACUUM ANALYZE threads');
  await db.query('VACUUM ANALYZE messages');
  await db.query('VACUUM ANALYZE message_suggestions');
  const { rows } = await db.query('SELECT count(*)::int AS n FROM messages WHERE inbox_id = $1', [inboxId]);
  log(`seeded ${rows[0].n} messages in ${THREADS} threads in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
