/**
 * Changing one occurrence of a series. A PATCH stores an `event_overrides` row keyed by the
 * occurrence's original start, so the occurrence keeps its id wherever it moves; a DELETE adds
 * an EXDATE for that start to the series.
 */
import type { Queryable } from '../db/sql';
import { and, eq, sql } from 'drizzle-orm';
import { events, eventOverrides } from '../db/schema';
import type { Inbox, ServiceContext } from '../http/context';
import { ApiError } from '../http/errors';
import { instantToWall, toUtcBasic } from '../time/zones';
import { isOccurrence } from '../time/occurrences';
import { inTx, mustLoad, type Precondition } from './access';
import type { EventRecord } from './event-store';
import { occurrenceView, shownZone } from './event-view';
import { assertSpanInRange, buildSchedule, parseEventDuration, parseStart } from './schedule';
import { announceCancelled, cancelledOccurrence } from './cancellation';
import { indexOccurrence, unindexOccurrence } from './occurrence-index';
import type { EventView, PatchEventInput } from './schemas';

/** Fields only a whole series has. */
const SERIES_ONLY = ['calendar_id', 'time_zone', 'participants', 'recurrence_rules'] as const;

async function loadOccurrence(tx: Queryable, inbox: Inbox, seriesId: string, originalStart: Date): Promise<EventRecord> {
  const rec = await mustLoad(tx, inbox, seriesId, originalStart, true);
  if (!isOccurrence(rec, originalStart)) throw ApiError.notFound('Event');
  return rec;
}

export async function updateOccurrence(
  ctx: ServiceContext, seriesId: string, originalStart: Date, input: PatchEventInput, precondition: Precondition,
): Promise<EventView> {
  const { db, inbox, now } = ctx;
  for (const field of SERIES_ONLY) {
    if (input[field] !== undefined) throw ApiError.field(field, 'can only be changed on the whole series (use the series id)');
  }
  const { before, after, cancelled } = await inTx(db, async (tx) => {
    const rec = await loadOccurrence(tx, inbox, seriesId, originalStart);
    const existing = rec.overrides[0];
    const before = occurrenceView(inbox, rec, originalStart, existing);
    await precondition(before);

    const duration = input.duration !== undefined ? parseEventDuration(input.duration) : null;
    const seconds = duration?.seconds ?? existing?.durationSeconds ?? rec.durationSeconds;
    let startAt = existing?.startAt ?? null;
    let startLocal = existing?.startLocal ?? null;
    let armedAt = existing?.armedAt ?? rec.armedAt;
    if (input.start !== undefined) {
      // Read like the start the user sees: in the shown zone; a bare date keeps an all-day
      // occurrence on midnight of the event's own zone.
      startAt = parseStart(input.start, 'start', null, shownZone(inbox, rec), now, seconds % 86_400 === 0 ? rec.timeZone : undefined);
      startLocal = instantToWall(startAt, rec.timeZone);
      armedAt = now;
    }
    // The occurrence's start and end stay in the supported range, as an event's do.
    if (input.start !== undefined || duration) {
      const at = startAt ?? originalStart;
      const startFields = input.start !== undefined ? ['start'] : ['duration'];
      assertSpanInRange(at, seconds, startFields, [...(input.start !== undefined ? ['start'] : []), ...(duration ? ['duration'] : [])]);
    }
    // `null` for description or location gives the occurrence the series' value back.
    const row = {
      eventId: rec.id, inboxId: inbox.id, originalStartAt: originalStart,
      title: input.title ?? existing?.title ?? null,
      description: input.description !== undefined ? input.description : existing?.description ?? null,
      location: input.location !== undefined ? input.location : existing?.location ?? null,
      status: input.status ?? existing?.status ?? null,
      startLocal, startAt,
      duration: duration?.iso ?? existing?.duration ?? null,
      durationSeconds: duration?.seconds ?? existing?.durationSeconds ?? null,
      armedAt, updatedAt: now,
    };
    const { eventId: _e, inboxId: _i, originalStartAt: _o, ...changes } = row;
    await tx.insert(eventOverrides).values(row).onConflictDoUpdate({
      target: [eventOverrides.eventId, eventOverrides.originalStartAt], set: changes,
    });
    await indexOccurrence(tx, inbox, rec, originalStart, row);
    const fresh = await mustLoad(tx, inbox, rec.id, originalStart);
    return {
      before, after: occurrenceView(inbox, fresh, originalStart, fresh.overrides[0]),
      cancelled: cancelledOccurrence(fresh, originalStart, fresh.overrides[0]),
    };
  });
  if (after.status === 'cancelled' && before.status !== 'cancelled') await announceCancelled(ctx, cancelled);
  return after;
}

/** Excludes one occurrence: an EXDATE for its start, and its override (if any) goes. */
export async function deleteOccurrence(ctx: ServiceContext, seriesId: string, originalStart: Date, precondition: Precondition): Promise<void> {
  const { db, inbox, now } = ctx;
  const gone = await inTx(db, async (tx) => {
    const rec = await loadOccurrence(tx, inbox, seriesId, originalStart);
    await precondition(occurrenceView(inbox, rec, originalStart, rec.overrides[0]));
    const s = buildSchedule({
      timeZone: rec.timeZone, startAt: rec.startAt, startLocal: rec.startLocal, duration: { iso: rec.duration, seconds: rec.durationSeconds },
      rules: [...rec.recurrenceRules, `EXDATE:${toUtcBasic(originalStart)}`],
    }, now);
    await tx.update(events).set({
      recurrenceRules: s.recurrenceRules, seriesEndAt: s.seriesEndAt, nextOccurrenceAt: s.nextOccurrenceAt, updatedAt: now,
    }).where(and(eq(events.id, rec.id), eq(events.inboxId, inbox.id)));
    await tx.execute(sql`
      DELETE FROM event_overrides WHERE inbox_id = ${inbox.id} AND event_id = ${rec.id} AND original_start_at = ${originalStart.toISOString()}`);
    await unindexOccurrence(tx, inbox, rec.id, originalStart);
    return cancelledOccurrence(rec, originalStart, rec.overrides[0]);
  });
  await announceCancelled(ctx, gone);
}
