/**
 * A message's suggested event (docs/mail.md): read, confirm (the event is created, exactly once),
 * dismiss (never re-created: a message is read for a suggestion only when it arrives).
 */
import { and, eq, sql } from 'drizzle-orm';
import { calendars, messageSuggestions, messages, type MessageSuggestionRow } from '../db/schema';
import type { Queryable } from '../db/sql';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { createEventWith, getEvent, type EventClaim } from '../calendar/events';
import type { EventView } from '../calendar/schemas';
import { toIsoZ } from '../time/zones';
import type { ConfirmSuggestionInput } from './schemas';

export function suggestionView(s: MessageSuggestionRow) {
  return {
    message_id: s.messageId,
    title: s.title,
    start: s.startLocal,
    start_at: toIsoZ(s.startAt),
    duration: s.duration,
    time_zone: s.timeZone,
    location: s.location,
    status: s.status,
    event_id: s.eventId,
  };
}

/** The path that confirms (POST) and dismisses (DELETE) a message's suggestion. */
export const suggestionPath = (messageId: string) => `/v1/messages/${messageId}/suggested-events/`;

const ofInbox = (inbox: Inbox, messageId: string) => and(eq(messageSuggestions.messageId, messageId), eq(messageSuggestions.inboxId, inbox.id));

async function findSuggestion(db: Queryable, inbox: Inbox, messageId: string): Promise<MessageSuggestionRow> {
  const [row] = await db.select().from(messageSuggestions).where(ofInbox(inbox, messageId));
  if (row) return row;
  // Say which is missing: the message, or only a suggestion for it.
  const [message] = await db.select({ id: messages.id }).from(messages).where(and(eq(messages.id, messageId), eq(messages.inboxId, inbox.id)));
  throw ApiError.notFound(message ? 'Suggested event' : 'Message');
}

export async function getSuggestion(db: Queryable, inbox: Inbox, messageId: string) {
  return suggestionView(await findSuggestion(db, inbox, messageId));
}

/** What a confirm starts from, in one statement: the message's sender, its suggestion, the default calendar. */
async function readForConfirm(db: Queryable, inbox: Inbox, messageId: string) {
  const [row] = await db.select({
    suggestion: messageSuggestions,
    senderEmail: messages.fromEmail,
    senderName: messages.fromName,
    defaultCalendarId: sql<string | null>`(SELECT c.id FROM ${calendars} c WHERE c.inbox_id = ${inbox.id} AND c.is_default LIMIT 1)`,
  }).from(messages)
    .leftJoin(messageSuggestions, and(eq(messageSuggestions.messageId, messages.id), eq(messageSuggestions.inboxId, inbox.id)))
    .where(and(eq(messages.id, messageId), eq(messages.inboxId, inbox.id)));
  if (!row) throw ApiError.notFound('Message');
  if (!row.suggestion) throw ApiError.notFound('Suggested event');
  return { ...row, suggestion: row.suggestion };
}

/**
 * Creates the suggested event (the caller's changes applied) and marks the suggestion confirmed:
 * a read, then one statement that claims the open suggestion and inserts the event together
 * (two round trips, no interactive transaction). Two confirms make one event: the one whose
 * claim finds the suggestion no longer open writes nothing and answers what the other made
 * (`created: false`).
 */
export async function confirmSuggestion(db: Queryable, inbox: Inbox, messageId: string, input: ConfirmSuggestionInput, now: Date): Promise<{ event: EventView; created: boolean }> {
  for (;;) {
    const { suggestion: s, senderEmail, senderName, defaultCalendarId } = await readForConfirm(db, inbox, messageId);
    if (s.status === 'confirmed' && s.eventId) return { event: await getEvent(db, inbox, s.eventId), created: false };
    if (s.status === 'dismissed') throw new ApiError(409, 'conflict', 'This suggestion was dismissed.');
    const calendarId = input.calendar_id ?? defaultCalendarId;
    if (!calendarId) throw ApiError.field('calendar_id', 'the inbox has no default calendar; name one');
    const claim: EventClaim = (eventId) => sql`
      UPDATE ${messageSuggestions} SET status = 'confirmed', event_id = ${eventId}
      WHERE inbox_id = ${inbox.id} AND message_id = ${messageId} AND status = 'open' RETURNING message_id`;
    const event = await createEventWith(db, inbox, {
      calendar_id: calendarId,
      title: input.title ?? s.title,
      start: input.start ?? s.startLocal,
      time_zone: s.timeZone,
      duration: input.duration ?? s.duration,
      location: s.location || undefined,
      status: 'confirmed',
      participants: senderEmail ? [{ email: senderEmail, name: senderName }] : [],
      recurrence_rules: [],
    }, now, claim);
    if (event) return { event, created: true };
    // Another call changed the suggestion in between; a suggestion never becomes open again,
    // so the next read answers for good.
  }
}

/** Dismissing twice is fine; a confirmed suggestion is not dismissed (its event stays). */
export async function dismissSuggestion(db: Queryable, inbox: Inbox, messageId: string): Promise<void> {
  const rows = await db.update(messageSuggestions).set({ status: 'dismissed' })
    .where(and(ofInbox(inbox, messageId), sql`${messageSuggestions.status} <> 'confirmed'`))
    .returning({ id: messageSuggestions.messageId });
  if (rows.length > 0) return;
  const s = await findSuggestion(db, inbox, messageId);
  if (s.status === 'confirmed') throw new ApiError(409, 'conflict', 'This suggestion was confirmed; delete its event instead.');
}
