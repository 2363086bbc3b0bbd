/**
 * Answers by mail (docs/mail.md): a live inbound message that names a waiting recipient's request
 * mail (In-Reply-To / References), or comes in that request's thread from the recipient's
 * address, is read for a decision (src/work-routes/decide.ts) and recorded like an API answer.
 * Called by src/mail/ingest.ts after the message is stored; imports never answer anything.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, textArray } from '../db/sql';
import type { RoutePhrases, RouteRequestType } from '../db/schema';
import type { MessageRecord } from '../mail/store';
import { htmlToText } from '../mail/headers';
import type { SendContext } from '../mail/send';
import { readReply } from './decide';
import { recordAnswer } from './service';

export async function answerRoutesByMail(ctx: SendContext, message: MessageRecord): Promise<number> {
  const refs = [message.in_reply_to, ...message.references].filter((r): r is string => !!r);
  const from = message.from_email.toLowerCase();
  const waiting = await rowsOf<{ route_id: string; recipient_id: string; request_type: RouteRequestType; phrases: RoutePhrases | null }>(ctx.db, sql`
    SELECT r.route_id, r.id AS recipient_id, w.request_type, w.phrases
    FROM route_recipients r
    JOIN work_routes w ON w.id = r.route_id AND w.status = 'active'
    JOIN messages q ON q.id = r.request_message_id
    WHERE r.inbox_id = ${ctx.inbox.id} AND r.status = 'waiting'
      AND (q.rfc_message_id = ANY(${textArray(refs)}) OR (q.thread_id = ${message.thread_id} AND r.email = ${from}))`);
  let answered = 0;
  const text = message.text_body ?? htmlToText(message.html_body ?? '');
  for (const w of waiting) {
    const read = readReply(w.request_type, text, w.phrases);
    if (read && (await recordAnswer(ctx, w.route_id, w.recipient_id, read.decision, read.text || null))) answered++;
  }
  return answered;
}
