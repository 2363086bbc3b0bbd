/**
 * Calendars ("collections"). Every inbox is created with its default `Personal` calendar and
 * its `Tasks` calendar (src/accounts/service.ts); neither can be deleted, and the Tasks calendar
 * holds tasks only.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { calendars } from '../db/schema';
import type { Inbox, ServiceContext } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import { toIsoZ } from '../time/zones';
import { announceCancelled } from './cancellation';
import { asDate, rowsOf, type Queryable } from '../db/sql';

type CalendarRow = typeof calendars.$inferSelect;

/** Where a calendar's feed is served (src/calendar/ics-routes.ts); the token is its only credential. */
export const feedPath = (id: string, token: string) => `/v1/calendar/collections/${encodeURIComponent(id)}/feed.ics?token=${token}`;

/** A calendar as the API shows it; `origin` (the request's) makes `feed_url` absolute. */
export function calendarView(r: CalendarRow, origin: string) {
  return {
    id: r.id, name: r.name, color: r.color, isDefault: r.isDefault,
    kind: r.kind, created_at: toIsoZ(r.createdAt),
    feed_url: r.kind === 'tasks' ? null : `${origin}${feedPath(r.id, r.feedToken)}`,
  };
}

export async function listCalendars(db: Queryable, inbox: Inbox, origin: string) {
  const rows = await db.select().from(calendars).where(eq(calendars.inboxId, inbox.id)).orderBy(asc(calendars.id));
  // The default calendar first, then the Tasks calendar, then the inbox's own in creation order.
  const rank = (r: CalendarRow) => (r.isDefault ? 0 : r.kind === 'tasks' ? 1 : 2);
  return rows.sort((a, b) => rank(a) - rank(b)).map((r) => calendarView(r, origin));
}

/** The inbox's calendar, or 404 (unknown and foreign ids alike). */
export async function findCalendar(db: Queryable, inbox: Inbox, id: string): Promise<CalendarRow> {
  const [row] = await db.select().from(calendars).where(and(eq(calendars.id, id), eq(calendars.inboxId, inbox.id)));
  if (!row) throw ApiError.notFound('Calendar');
  return row;
}

export async function getCalendar(db: Queryable, inbox: Inbox, id: string, origin: string) {
  return calendarView(await findCalendar(db, inbox, id), origin);
}

export async function createCalendar(db: Queryable, inbox: Inbox, input: { name: string; color?: string | null }, now: Date, origin: string) {
  const [row] = await db.insert(calendars).values({
    id: newId('cal', now.getTime()), inboxId: inbox.id, name: input.name, color: input.color ?? null,
    isDefault: false, kind: 'user', createdAt: now,
  }).returning();
  return calendarView(row!, origin);
}

export async function updateCalendar(db: Queryable, inbox: Inbox, id: string, patch: { name?: string; color?: string | null }, origin: string) {
  const set: Partial<typeof calendars.$inferInsert> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.color !== undefined) set.color = patch.color;
  if (Object.keys(set).length === 0) return getCalendar(db, inbox, id, origin);
  const [row] = await db.update(calendars).set(set).where(and(eq(calendars.id, id), eq(calendars.inboxId, inbox.id))).returning();
  if (!row) throw ApiError.notFound('Calendar');
  return calendarView(row, origin);
}

/**
 * Deletes a calendar with its events, their overrides and label links. Each deleted event that
 * was not already cancelled announces `event.cancelled`, as deleting it one by one would.
 */
export async function deleteCalendar(ctx: ServiceContext, id: string): Promise<void> {
  const { db, inbox } = ctx;
  const row = await findCalendar(db, inbox, id);
  if (row.isDefault) throw ApiError.field('id', 'the default calendar cannot be deleted');
  if (row.kind === 'tasks') throw ApiError.field('id', 'the Tasks calendar cannot be deleted');
  // One statement; label links have no foreign key to events, so they are deleted explicitly.
  const rows = await rowsOf<{ id: string; calendar_id: string; title: string; start_at: string; time_zone: string; duration: string; location: string | null }>(db, sql`
    WITH gone_events AS (
      DELETE FROM events WHERE inbox_id = ${inbox.id} AND calendar_id = ${id}
      RETURNING id, calendar_id, title, start_at, time_zone, duration, location, status
    ), gone_links AS (
      DELETE FROM label_entities
      WHERE inbox_id = ${inbox.id} AND entity_type = 'event' AND entity_id IN (SELECT id FROM gone_events)
    ), gone_calendar AS (
      DELETE FROM calendars WHERE id = ${id} AND inbox_id = ${inbox.id}
    )
    SELECT * FROM gone_events WHERE status <> 'cancelled' ORDER BY start_at, id`);
  for (const r of rows) {
    await announceCancelled(ctx, {
      id: r.id, calendarId: r.calendar_id, title: r.title, startAt: asDate(r.start_at),
      timeZone: r.time_zone, duration: r.duration, location: r.location,
    });
  }
}
