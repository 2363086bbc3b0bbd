/**
 * Event verbs. An id names a series (or single event) or one occurrence of a series
 * (`<series id>_<UTC basic start>`); occurrence changes live in occurrences.ts.
 */
import { guardedChange, rowVersion, sqlState, type Queryable } from '../db/sql';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { events, eventOverrides, labelEntities } from '../db/schema';
import type { Inbox, ServiceContext } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import { wallToInstant } from '../time/zones';
import { findCalendar } from './collections';
import { loadEventVersion, writeEvent, type EventRecord } from './event-store';
import { inTx, mustLoad, type Precondition } from './access';
import { isOccurrence, parseEventId } from '../time/occurrences';
import { occurrenceView, seriesView } from './event-view';
import { assertRulesInRange, assertSpanInRange, buildSchedule, parseEventDuration, parseStartWall, zoneName } from './schedule';
import { deleteOccurrence, updateOccurrence } from './occurrences';
import { planIndex } from './occurrence-index';
import { announceCancelled, cancelledSeries, type CancelledEvent } from './cancellation';
import type { CreateEventInput, EventView, PatchEventInput } from './schemas';

export type { Precondition };

/** A calendar events may be written to: the inbox's own (404 otherwise), never the Tasks one. */
async function eventCalendar(db: Queryable, inbox: Inbox, id: string): Promise<string> {
  const cal = await findCalendar(db, inbox, id);
  if (cal.kind === 'tasks') throw ApiError.field('calendar_id', 'the Tasks calendar holds tasks; events cannot be created in it');
  return cal.id;
}

function participantsOf(list: Array<{ name?: string | null; email?: string | null; role?: string | null }>) {
  return list.map((p) => ({ name: p.name ?? null, email: p.email ?? null, role: p.role ?? null }));
}

/**
 * One round trip: the row is inserted and read back decorated in one statement, its calendar
 * checked inside it (a calendar of another inbox, or the Tasks one, is NULL there and the NOT NULL
 * column refuses it; only then is the calendar looked up, for the precise 404 or 400).
 */
export async function createEvent(db: Queryable, inbox: Inbox, input: CreateEventInput, now: Date): Promise<EventView> {
  return (await createEventWith(db, inbox, input, now))!;
}

/**
 * A write that must land together with a new event, in the event's own statement: given the
 * event's id, a data-modifying statement that returns a row when it may go ahead. When it returns
 * none, nothing is written (see createEventWith).
 */
export type EventClaim = (eventId: string) => SQL;

/**
 * createEvent, with a claim written in the same statement (one round trip, atomic): null when
 * the claim matched no row, and then neither the claim nor the event is written. The claim gates
 * the calendar subquery, so a failed claim is the NOT NULL refusal a bad calendar also causes;
 * the calendar is looked up to tell the two apart.
 */
export async function createEventWith(db: Queryable, inbox: Inbox, input: CreateEventInput, now: Date, claim?: EventClaim): Promise<EventView | null> {
  const claimed = claim ? sql`AND EXISTS (SELECT 1 FROM claim)` : sql``;
  const calendarId = sql`(SELECT c.id FROM calendars c WHERE c.id = ${input.calendar_id} AND c.inbox_id = ${inbox.id} AND c.kind <> 'tasks' ${claimed})`;
  const zone = zoneName(input.time_zone ?? inbox.defaultTimezone ?? 'UTC');
  const { instant: startAt, wall: startLocal } = parseStartWall(input.start, 'start', input.time_zone ?? null, inbox.defaultTimezone, now);
  const duration = parseEventDuration(input.duration);
  assertRulesInRange(input.recurrence_rules);
  // The end must lie in the supported range too; a series' later occurrences are clamped.
  assertSpanInRange(startAt, duration.seconds, ['start'], ['start', 'duration']);
  const s = buildSchedule({ timeZone: zone, startAt, startLocal, duration, rules: input.recurrence_rules }, now);
  assertSpanInRange(s.startAt, s.durationSeconds, ['start'], ['start', 'duration']);
  const id = newId('evt', now.getTime());
  const index = planIndex(inbox, { id, ...s }, [], now);
  const insert = db.insert(events).values({
    id, inboxId: inbox.id, calendarId, title: input.title, description: input.description ?? null,
    status: input.status, location: input.location ?? null, participants: participantsOf(input.participants),
    ...s, unindexedFrom: index.unindexedFrom, armedAt: now, createdAt: now, updatedAt: now,
  }).returning();
  try {
    const rec = await writeEvent(db, inbox, insert.getSQL(), [], { eventId: id, plan: index }, claim && sql`claim AS (${claim(id)})`);
    return seriesView(inbox, rec!);
  } catch (e) {
    if (sqlState(e) !== '23502') throw e;
    await eventCalendar(db, inbox, input.calendar_id);
    if (claim) return null;
    throw e;
  }
}

/** A series or one occurrence; an occurrence id whose time is not an occurrence is 404. */
export async function getEvent(db: Queryable, inbox: Inbox, id: string): Promise<EventView> {
  const ref = parseEventId(id);
  if (!ref) throw ApiError.notFound('Event');
  if (!ref.originalStart) return seriesView(inbox, await mustLoad(db, inbox, ref.seriesId, 'none'));
  const rec = await mustLoad(db, inbox, ref.seriesId, ref.originalStart);
  if (!isOccurrence(rec, ref.originalStart)) throw ApiError.notFound('Event');
  return occurrenceView(inbox, rec, ref.originalStart, rec.overrides[0]);
}

/** Changes a series (every occurrence) or, given an occurrence id, that occurrence only. */
export async function updateEvent(ctx: ServiceContext, id: string, input: PatchEventInput, precondition: Precondition): Promise<EventView> {
  const { db, inbox, now } = ctx;
  const ref = parseEventId(id);
  if (!ref) throw ApiError.notFound('Event');
  // (An empty PATCH never gets here: patchBody refuses it at validation.)
  if (ref.originalStart) return updateOccurrence(ctx, ref.seriesId, ref.originalStart, input, precondition);

  // A read and one guarded write (two round trips), not an interactive transaction: should the
  // row change in between, the write matches nothing and the change starts again from a fresh
  // read, its precondition included.
  return guardedChange(async () => {
    const loaded = await loadEventVersion(db, inbox, ref.seriesId, 'all');
    if (!loaded) throw ApiError.notFound('Event');
    const { rec, version } = loaded;
    const before = seriesView(inbox, rec);
    await precondition(before);
    const { set, stale, index } = await seriesChange(db, inbox, rec, input, now);
    const update = db.update(events).set(set)
      .where(and(eq(events.id, rec.id), eq(events.inboxId, inbox.id), sql`${rowVersion(sql`${events}`)} = ${version}`))
      .returning();
    const fresh = await writeEvent(db, inbox, update.getSQL(), stale, index && { eventId: rec.id, plan: index });
    if (!fresh) return null;
    const after = seriesView(inbox, fresh);
    if (after.status === 'cancelled' && before.status !== 'cancelled') await announceCancelled(ctx, cancelledSeries(fresh));
    return after;
  }, () => new ApiError(409, 'conflict', 'The event kept changing while this change was being made; send it again.'));
}


/**
 * The columns a PATCH of a series sets, the overrides it leaves without an occurrence, and —
 * when the schedule changes — the occurrence index's new rows.
 */
async function seriesChange(db: Queryable, inbox: Inbox, rec: EventRecord, input: PatchEventInput, now: Date) {
  const set: Partial<typeof events.$inferInsert> = { updatedAt: now };
  if (input.calendar_id !== undefined) set.calendarId = await eventCalendar(db, inbox, input.calendar_id);
  if (input.title !== undefined) set.title = input.title;
  if (input.description !== undefined) set.description = input.description;
  if (input.status !== undefined) set.status = input.status;
  if (input.location !== undefined) set.location = input.location;
  if (input.participants !== undefined) set.participants = participantsOf(input.participants);

  const timed = input.start !== undefined || input.time_zone !== undefined || input.duration !== undefined || input.recurrence_rules !== undefined;
  if (!timed) return { set, stale: [], index: undefined };
  const zone = zoneName(input.time_zone ?? rec.timeZone);
  // A naive new start is read as the user saw the old one (in the shown zone) unless a
  // `time_zone` comes with it. A new zone alone keeps the wall time: "09:00, but in Berlin".
  const duration = input.duration !== undefined ? parseEventDuration(input.duration) : { iso: rec.duration, seconds: rec.durationSeconds };
  const dateZone = duration.seconds % 86_400 === 0 ? zone : undefined;
  const { instant: startAt, wall: startLocal } = input.start !== undefined
    ? parseStartWall(input.start, 'start', input.time_zone ?? null, inbox.defaultTimezone ?? rec.timeZone, now, dateZone)
    : { instant: input.time_zone !== undefined ? wallToInstant(rec.startLocal, zone).instant : rec.startAt, wall: rec.startLocal };
  // A start out of range is blamed on what moved it (a new `start`, else a new zone alone,
  // else the stored start); an end past the range on the new start and/or duration.
  if (input.recurrence_rules !== undefined) assertRulesInRange(input.recurrence_rules);
  const startFields = input.start !== undefined ? ['start'] : input.time_zone !== undefined ? ['time_zone'] : ['start'];
  const endFields = [...(input.start !== undefined || input.time_zone !== undefined ? startFields : []), ...(input.duration !== undefined ? ['duration'] : [])];
  assertSpanInRange(startAt, duration.seconds, startFields, endFields);
  const s = buildSchedule({ timeZone: zone, startAt, startLocal, duration, rules: input.recurrence_rules ?? rec.recurrenceRules }, now);
  assertSpanInRange(s.startAt, s.durationSeconds, startFields, endFields);
  Object.assign(set, s);
  const moved = s.startAt.getTime() !== rec.startAt.getTime() || s.timeZone !== rec.timeZone || s.recurrenceRules.join('\n') !== rec.recurrenceRules.join('\n');
  // Reminders are re-armed when occurrences may start at other times than before.
  if (moved) set.armedAt = now;
  // Overrides keyed by a start that is no longer an occurrence of the new schedule are dropped.
  const kept = rec.overrides.filter((o) => isOccurrence(s, o.originalStartAt));
  const stale = rec.overrides.filter((o) => !kept.includes(o)).map((o) => o.originalStartAt);
  const index = planIndex(inbox, { id: rec.id, ...s }, kept, now);
  set.unindexedFrom = index.unindexedFrom;
  return { set, stale, index };
}

/** Deletes a series (with its overrides and label links), or excludes one occurrence. */
export async function deleteEvent(ctx: ServiceContext, id: string, precondition: Precondition): Promise<void> {
  const { db, inbox } = ctx;
  const ref = parseEventId(id);
  if (!ref) throw ApiError.notFound('Event');
  if (ref.originalStart) return deleteOccurrence(ctx, ref.seriesId, ref.originalStart, precondition);
  const gone: CancelledEvent = await inTx(db, async (tx) => {
    const rec = await mustLoad(tx, inbox, ref.seriesId, 'none', true);
    await precondition(seriesView(inbox, rec));
    await tx.delete(labelEntities).where(and(eq(labelEntities.inboxId, inbox.id), eq(labelEntities.entityType, 'event'), eq(labelEntities.entityId, rec.id)));
    await tx.delete(eventOverrides).where(and(eq(eventOverrides.inboxId, inbox.id), eq(eventOverrides.eventId, rec.id)));
    await tx.delete(events).where(and(eq(events.id, rec.id), eq(events.inboxId, inbox.id)));
    return cancelledSeries(rec);
  });
  await announceCancelled(ctx, gone);
}
