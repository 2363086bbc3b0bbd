/**
 * A message's suggested event (API.md §9): read, confirm (the event is created, exactly once),
 * dismiss (never re-created: a message is read for a suggestion only when it arrives).
 */
import { and, eq, sql } from 'drizzle-orm';
import { calendars, messageSuggestions, messages, type MessageSuggestionRow } from '../db/schema';
import type { Queryable } from '../db/sql';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { createEvent, getEvent } from '../calendar/events';
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

async function findSuggestion(db: Queryable, inbox: Inbox, messageId: string, lock = false): Promise<MessageSuggestionRow> {
  const q = db.select().from(messageSuggestions).where(ofInbox(inbox, messageId));
  const [row] = lock ? await q.for('update') : await q;
  if (row) return row;
  // Say which is missing: the message, or only a suggestion for it.
  const [message] = await db.select({ id: messages.id }).from(messages).where(and(eq(messages.id, messageId), eq(messages.inboxId, inbox.id)));
  throw ApiError.notFound(message ? 'Suggested event' : 'Message');
}

export async function getSuggestion(db: Queryable, inbox: Inbox, messageId: string) {
  return suggestionView(await findSuggestion(db, inbox, messageId));
}

/**
 * Creates the suggested event (the caller's changes applied) and marks the suggestion confirmed,
 * in one transaction holding the suggestion's row: two confirms make one event. A second
 * confirm answers the event the first made (`created: false`).
 */
export async function confirmSuggestion(db: Queryable, inbox: Inbox, messageId: string, input: ConfirmSuggestionInput, now: Date): Promise<{ event: EventView; created: boolean }> {
  return db.transaction(async (tx) => {
    const s = await findSuggestion(tx, inbox, messageId, true);
    if (s.status === 'confirmed' && s.eventId) return { event: await getEvent(tx, inbox, s.eventId), created: false };
    if (s.status === 'dismissed') throw new ApiError(409, 'conflict', 'This suggestion was dismissed.');
    const calendarId = input.calendar_id ?? (await tx.select({ id: calendars.id }).from(calendars)
      .where(and(eq(calendars.inboxId, inbox.id), eq(calendars.isDefault, true))).limit(1))[0]?.id;
    if (!calendarId) throw ApiError.field('calendar_id', 'the inbox has no default calendar; name one');
    const [sender] = await tx.select({ email: messages.fromEmail, name: messages.fromName }).from(messages).where(eq(messages.id, messageId));
    const event = await createEvent(tx, inbox, {
      calendar_id: calendarId,
      title: input.title ?? s.title,
      start: input.start ?? s.startLocal,
      time_zone: s.timeZone,
      duration: input.duration ?? s.duration,
      location: s.location || undefined,
      status: 'confirmed',
      participants: sender?.email ? [{ email: sender.email, name: sender.name }] : [],
      recurrence_rules: [],
    }, now);
    await tx.update(messageSuggestions).set({ status: 'confirmed', eventId: event.event_id }).where(ofInbox(inbox, messageId));
    return { event, created: true };
  });
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
