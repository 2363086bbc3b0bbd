/**
 * Calendar interchange (docs/interchange.md): a calendar as a subscribable iCalendar feed, one event as a
 * VCALENDAR, and iCalendar files into a calendar.
 *
 * Reads are one statement each. An import parses and checks the whole body first (ics.ts, then
 * ics-mapping.ts builds every UID as it would be stored, checked as the event routes check an
 * event), then reads the target calendar and the inbox's events with those UIDs (one
 * statement), then writes every new and changed event — rows, changed occurrences, occurrence
 * index — in one statement, so an import lands whole or not at all. Changed events are guarded
 * by the row version read: should one change in between, the statement fails as a whole and
 * the import starts again from a fresh read (src/db/sql.ts guardedChange).
 */
import { and, eq, ne, sql, type SQL } from 'drizzle-orm';
import { calendars } from '../db/schema';
import { asDate, asDateOrNull, firstRowOf, guardedChange, rowsOf, sqlState, type Queryable } from '../db/sql';
import type { Inbox, ServiceContext } from '../http/context';
import { toHex } from '../http/crypto';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import { isOccurrence, occurrenceId, parseEventId } from '../time/occurrences';
import { IcsError, readCalendar, writeCalendar } from './ics';
import { eventToIcs, importedEvent, occurrenceToIcs, type ImportedEvent, type ImportedOverride, type StoredEvent } from './ics-mapping';
import { indexWrites, planIndex, type IndexPlan } from './occurrence-index';
import { announceCancelled, type CancelledEvent } from './cancellation';
import { calendarView, findCalendar } from './collections';
import { occurrenceTiming } from './event-view';
import type { EventStatus } from './schemas';

/** UIDs per import: each is a row (and its index rows) in the one write. */
export const MAX_IMPORT_EVENTS = 1000;
/** Occurrence index rows one import writes; events past it are indexed by the minute scan. */
const MAX_INDEX_ROWS = 20_000;

export type ImportCounts = { created: number; updated: number; skipped: number };

// ---------------------------------------------------------------------------------------------
// Reading stored events

type OverrideColumns = {
  original_start_at: string; title: string | null; description: string | null; location: string | null;
  status: EventStatus | null; start_local: string | null; start_at: string | null; duration: string | null;
  duration_seconds: number | null; armed_at: string; updated_at: string;
};

/** What EVENT_COLUMNS select. */
type EventColumns = {
  id: string; uid: string | null; calendar_id: string; title: string; description: string | null; status: EventStatus;
  location: string | null; participants: Array<{ name?: string | null; email?: string | null; role?: string | null }>;
  time_zone: string; start_local: string; start_at: string; duration: string; duration_seconds: number | string;
  recurrence_rules: string[] | null; is_recurring: boolean; series_end_at: string | null; next_occurrence_at: string | null;
  created_at: string; updated_at: string; row_version: string; overrides: OverrideColumns[];
};

const EVENT_COLUMNS = sql`
  e.id, e.uid, e.calendar_id, e.title, e.description, e.status, e.location, e.participants, e.time_zone,
  e.start_local, e.start_at, e.duration, e.duration_seconds, e.recurrence_rules, e.is_recurring, e.series_end_at,
  e.next_occurrence_at, e.created_at, e.updated_at, e.xmin::text AS row_version,
  COALESCE((
    SELECT json_agg(json_build_object(
      'original_start_at', o.original_start_at, 'title', o.title, 'description', o.description, 'location', o.location,
      'status', o.status, 'start_local', o.start_local, 'start_at', o.start_at, 'duration', o.duration,
      'duration_seconds', o.duration_seconds, 'armed_at', o.armed_at, 'updated_at', o.updated_at) ORDER BY o.original_start_at)
    FROM event_overrides o WHERE o.event_id = e.id
  ), '[]'::json) AS overrides`;

function storedFrom(r: EventColumns): StoredEvent {
  return {
    id: r.id, uid: r.uid, calendarId: r.calendar_id, title: r.title, description: r.description, status: r.status,
    location: r.location,
    participants: (r.participants ?? []).map((p) => ({ name: p.name ?? null, email: p.email ?? null, role: p.role ?? null })),
    timeZone: r.time_zone, startLocal: r.start_local, startAt: asDate(r.start_at), duration: r.duration,
    durationSeconds: Number(r.duration_seconds), recurrenceRules: r.recurrence_rules ?? [], isRecurring: r.is_recurring,
    seriesEndAt: asDateOrNull(r.series_end_at), nextOccurrenceAt: asDateOrNull(r.next_occurrence_at),
    createdAt: asDate(r.created_at), updatedAt: asDate(r.updated_at),
    overrides: r.overrides.map((o) => ({
      originalStartAt: asDate(o.original_start_at), title: o.title, description: o.description, location: o.location,
      status: o.status, startLocal: o.start_local, startAt: asDateOrNull(o.start_at), duration: o.duration,
      durationSeconds: o.duration_seconds, armedAt: asDate(o.armed_at), updatedAt: asDate(o.updated_at),
    })),
  };
}

/** A feed's token: what the calendars table draws (64 hex digits); anything else names nothing. */
const TOKEN_RE = /^[0-9a-f]{64}$/;

/**
 * The calendar's feed: every event of it but the cancelled ones, series unexpanded, their
 * changed occurrences as RECURRENCE-ID VEVENTs (a cancelled occurrence an EXDATE). Null when
 * the calendar, its token or its kind (Tasks) does not match: the route's 404, which says no more.
 */
export async function calendarFeed(db: Queryable, calendarId: string, token: string, now: Date): Promise<{ name: string; body: string } | null> {
  if (!TOKEN_RE.test(token)) return null;
  const rows = await rowsOf<{ calendar_name: string } & (EventColumns | { [K in keyof EventColumns]: null })>(db, sql`
    SELECT c.name AS calendar_name, ev.*
    FROM calendars c
    LEFT JOIN LATERAL (
      SELECT ${EVENT_COLUMNS} FROM events e
      WHERE e.inbox_id = c.inbox_id AND e.calendar_id = c.id AND e.status <> 'cancelled'
      ORDER BY e.start_at, e.id
    ) ev ON true
    WHERE c.id = ${calendarId} AND c.feed_token = ${token} AND c.kind <> 'tasks'`);
  const head = rows[0];
  if (!head) return null;
  const events = rows.filter((r): r is { calendar_name: string } & EventColumns => r.id !== null)
    .flatMap((r) => eventToIcs(storedFrom(r), { dropCancelled: true }));
  return { name: head.calendar_name, body: writeCalendar({ name: head.calendar_name, events }, now) };
}

/**
 * One event as a VCALENDAR: a series with every changed occurrence (cancelled ones say
 * STATUS:CANCELLED), or — for an occurrence id — that one occurrence under the series' UID.
 */
export async function eventCalendar(db: Queryable, inbox: Inbox, id: string, now: Date): Promise<string> {
  const ref = parseEventId(id);
  if (!ref) throw ApiError.notFound('Event');
  const r = await firstRowOf<EventColumns>(db, sql`
    SELECT ${EVENT_COLUMNS} FROM events e WHERE e.inbox_id = ${inbox.id} AND e.id = ${ref.seriesId}`);
  if (!r) throw ApiError.notFound('Event');
  const ev = storedFrom(r);
  if (ref.originalStart && !isOccurrence(ev, ref.originalStart)) throw ApiError.notFound('Event');
  const events = ref.originalStart ? [occurrenceToIcs(ev, ref.originalStart)] : eventToIcs(ev, { dropCancelled: false });
  return writeCalendar({ name: null, events }, now);
}

/** A new feed token for the calendar (the old URL stops at once); the Tasks calendar has no feed. */
export async function rotateFeed(db: Queryable, inbox: Inbox, id: string, origin: string) {
  // 64 hex digits, the form the column default draws and the feed route accepts.
  const token = toHex(crypto.getRandomValues(new Uint8Array(32)).buffer);
  const [row] = await db.update(calendars).set({ feedToken: token })
    .where(and(eq(calendars.id, id), eq(calendars.inboxId, inbox.id), ne(calendars.kind, 'tasks'))).returning();
  if (row) return calendarView(row, origin);
  await findCalendar(db, inbox, id); // 404 for an unknown or foreign calendar
  throw ApiError.field('id', 'the Tasks calendar has no feed');
}

// ---------------------------------------------------------------------------------------------
// Import

/** An IcsError as the 400 an import answers: the line and the UID named, in the detail and as fields. */
function icsProblem(e: IcsError): ApiError {
  const where = [e.line !== null ? `line ${e.line}` : null, e.uid !== null ? `UID ${JSON.stringify(e.uid)}` : null].filter(Boolean).join(', ');
  const message = where ? `${where}: ${e.message}` : e.message;
  return new ApiError(400, 'validation_failed', `The calendar was not imported (nothing was written). ${message}`, {
    errors: [{ path: 'body', message }], line: e.line, uid: e.uid,
  });
}

function asApiError(e: unknown): unknown {
  return e instanceof IcsError ? icsProblem(e) : e;
}

/** What an import compares: everything it would write, in one order. */
function comparable(calendarId: string, ev: Pick<ImportedEvent, 'fields' | 'schedule' | 'overrides'>): string {
  const { fields: f, schedule: s } = ev;
  return JSON.stringify([
    calendarId, f.title, f.description, f.location, f.status, f.participants.map((p) => [p.name, p.email, p.role]),
    s.timeZone, s.startLocal, s.startAt.getTime(), s.durationSeconds, s.recurrenceRules,
    ev.overrides.map((o) => [o.originalStartAt.getTime(), o.title, o.description, o.location, o.status, o.startAt?.getTime() ?? null, o.durationSeconds]),
  ]);
}

/** A stored event in the importer's terms. */
function asImported(ev: StoredEvent): Omit<ImportedEvent, 'uid'> {
  const { title, description, location, status, participants } = ev;
  return {
    fields: { title, description, location, status, participants },
    schedule: ev,
    overrides: ev.overrides.map((o): ImportedOverride => ({
      originalStartAt: o.originalStartAt, title: o.title, description: o.description, location: o.location, status: o.status,
      startLocal: o.startLocal, startAt: o.startAt, duration: o.duration, durationSeconds: o.durationSeconds,
    })),
  };
}

interface Write {
  id: string;
  ev: ImportedEvent;
  plan: IndexPlan | null;
  /** A changed event: what is stored and its row version. */
  stored?: StoredEvent & { version: string };
}

type TargetRow = { target_id: string | null; target_kind: string | null } & (EventColumns | { [K in keyof EventColumns]: null });

/** The target calendar (named, else the default) and the inbox's events matching the UIDs: one statement. */
async function loadImportState(db: Queryable, inbox: Inbox, calendarId: string | undefined, uids: string[]) {
  const list = JSON.stringify(uids);
  const target = calendarId !== undefined ? sql`c.id = ${calendarId}` : sql`c.is_default`;
  const rows = await rowsOf<TargetRow>(db, sql`
    SELECT t.id AS target_id, t.kind AS target_kind, ev.*
    FROM (SELECT 1) one
    LEFT JOIN (SELECT c.id, c.kind FROM calendars c WHERE c.inbox_id = ${inbox.id} AND ${target} LIMIT 1) t ON true
    LEFT JOIN LATERAL (
      SELECT ${EVENT_COLUMNS} FROM events e
      WHERE e.inbox_id = ${inbox.id}
        AND (e.uid IN (SELECT jsonb_array_elements_text(${list}::jsonb))
             OR (e.uid IS NULL AND e.id IN (SELECT jsonb_array_elements_text(${list}::jsonb))))
    ) ev ON true`);
  const head = rows[0]!;
  if (head.target_id === null) throw ApiError.notFound('Calendar');
  if (head.target_kind === 'tasks') throw ApiError.field('calendar_id', 'the Tasks calendar holds tasks; events cannot be imported into it');
  // The UID an event was imported with wins over a native event's own id.
  const byUid = new Map<string, StoredEvent & { version: string }>();
  const found = rows.filter((r): r is TargetRow & EventColumns => r.id !== null);
  for (const r of found.sort((a, b) => Number(a.uid === null) - Number(b.uid === null))) {
    const key = r.uid ?? r.id;
    if (!byUid.has(key)) byUid.set(key, { ...storedFrom(r), version: r.row_version });
  }
  return { calendarId: head.target_id, byUid };
}

/** The rows of `events` an import writes, as one JSON parameter. */
function eventRows(writes: Write[]) {
  return JSON.stringify(writes.map(({ id, ev, plan, stored }) => {
    const s = ev.schedule;
    const moved = !stored || stored.startAt.getTime() !== s.startAt.getTime() || stored.timeZone !== s.timeZone
      || stored.recurrenceRules.join('\n') !== s.recurrenceRules.join('\n');
    return {
      id, uid: ev.uid, version: stored?.version ?? null, moved,
      title: ev.fields.title, description: ev.fields.description, status: ev.fields.status, location: ev.fields.location,
      participants: ev.fields.participants, time_zone: s.timeZone, start_local: s.startLocal, start_at: s.startAt.toISOString(),
      duration: s.duration, duration_seconds: s.durationSeconds, recurrence_rules: s.recurrenceRules, is_recurring: s.isRecurring,
      series_end_at: s.seriesEndAt?.toISOString() ?? null, next_occurrence_at: s.nextOccurrenceAt?.toISOString() ?? null,
      // An event past the import's index budget is left to the minute scan, like bulk-written rows.
      unindexed_from: plan ? (plan.unindexedFrom?.toISOString() ?? null) : '-infinity',
    };
  }));
}

const EVENT_RECORD = sql.raw(`id text, uid text, version text, moved boolean, title text, description text, status text,
  location text, participants jsonb, time_zone text, start_local text, start_at timestamptz, duration text,
  duration_seconds integer, recurrence_rules jsonb, is_recurring boolean, series_end_at timestamptz,
  next_occurrence_at timestamptz, unindexed_from timestamptz`);

/**
 * The one write: new events inserted, changed ones updated (each guarded by its row version),
 * their changed occurrences replaced, their occurrence index rows written. Should any guarded
 * update match nothing, the closing division by zero fails the whole statement (SQLSTATE
 * 22012), and nothing of it is kept.
 */
async function writeImport(db: Queryable, inbox: Inbox, calendarId: string, creates: Write[], updates: Write[], now: Date): Promise<void> {
  const at = now.toISOString();
  const overrides = JSON.stringify([...creates, ...updates].flatMap(({ id, ev, stored }) => ev.overrides.map((o) => {
    const before = stored?.overrides.find((x) => x.originalStartAt.getTime() === o.originalStartAt.getTime());
    const sameStart = before && (before.startAt?.getTime() ?? null) === (o.startAt?.getTime() ?? null);
    return {
      event_id: id, original_start_at: o.originalStartAt.toISOString(), title: o.title, description: o.description,
      location: o.location, status: o.status, start_local: o.startLocal, start_at: o.startAt?.toISOString() ?? null,
      duration: o.duration, duration_seconds: o.durationSeconds, armed_at: (sameStart ? before.armedAt : now).toISOString(),
    };
  })));
  const index: SQL[] = [...creates, ...updates].map(({ id, plan }, i) => {
    const name = `x${i}`;
    // An update past the budget loses its old rows: the scan indexes it afresh.
    const p = plan ?? { from: null, rows: [], unindexedFrom: null };
    return sql`, ${sql.raw(name)} AS (SELECT id, inbox_id, is_recurring FROM written WHERE id = ${id})${indexWrites(p, id, name, name)}`;
  });
  await db.execute(sql`
    WITH cal AS (SELECT c.id FROM calendars c WHERE c.id = ${calendarId} AND c.inbox_id = ${inbox.id} AND c.kind <> 'tasks'),
    ins AS (
      INSERT INTO events (id, inbox_id, calendar_id, uid, title, description, status, location, participants, time_zone,
                          start_local, start_at, duration, duration_seconds, recurrence_rules, is_recurring, series_end_at,
                          next_occurrence_at, unindexed_from, armed_at, created_at, updated_at)
      SELECT r.id, ${inbox.id}, (SELECT id FROM cal), r.uid, r.title, r.description, r.status::event_status, r.location,
             r.participants, r.time_zone, r.start_local, r.start_at, r.duration, r.duration_seconds,
             ARRAY(SELECT jsonb_array_elements_text(r.recurrence_rules)), r.is_recurring, r.series_end_at,
             r.next_occurrence_at, r.unindexed_from, ${at}, ${at}, ${at}
      FROM jsonb_to_recordset(${eventRows(creates)}::jsonb) AS r(${EVENT_RECORD})
      RETURNING id, inbox_id, is_recurring
    ),
    upd AS (
      UPDATE events e SET
        calendar_id = (SELECT id FROM cal), title = r.title, description = r.description, status = r.status::event_status,
        location = r.location, participants = r.participants, time_zone = r.time_zone, start_local = r.start_local,
        start_at = r.start_at, duration = r.duration, duration_seconds = r.duration_seconds,
        recurrence_rules = ARRAY(SELECT jsonb_array_elements_text(r.recurrence_rules)), is_recurring = r.is_recurring,
        series_end_at = r.series_end_at, next_occurrence_at = r.next_occurrence_at, unindexed_from = r.unindexed_from,
        armed_at = CASE WHEN r.moved THEN ${at}::timestamptz ELSE e.armed_at END, updated_at = ${at}
      FROM jsonb_to_recordset(${eventRows(updates)}::jsonb) AS r(${EVENT_RECORD})
      WHERE e.id = r.id AND e.inbox_id = ${inbox.id} AND e.xmin::text = r.version
      RETURNING e.id, e.inbox_id, e.is_recurring
    ),
    written AS (SELECT id, inbox_id, is_recurring FROM ins UNION ALL SELECT id, inbox_id, is_recurring FROM upd),
    ov AS (
      SELECT * FROM jsonb_to_recordset(${overrides}::jsonb) AS r(event_id text, original_start_at timestamptz, title text,
        description text, location text, status text, start_local text, start_at timestamptz, duration text,
        duration_seconds integer, armed_at timestamptz)
    ),
    ov_gone AS (
      DELETE FROM event_overrides o WHERE o.inbox_id = ${inbox.id} AND o.event_id IN (SELECT id FROM upd)
        AND NOT EXISTS (SELECT 1 FROM ov WHERE ov.event_id = o.event_id AND ov.original_start_at = o.original_start_at)
    ),
    ov_put AS (
      INSERT INTO event_overrides (event_id, inbox_id, original_start_at, title, description, location, status, start_local,
                                   start_at, duration, duration_seconds, armed_at, updated_at)
      SELECT ov.event_id, ${inbox.id}, ov.original_start_at, ov.title, ov.description, ov.location, ov.status::event_status,
             ov.start_local, ov.start_at, ov.duration, ov.duration_seconds, ov.armed_at, ${at}
      FROM ov JOIN written w ON w.id = ov.event_id
      ON CONFLICT (event_id, original_start_at) DO UPDATE SET
        title = excluded.title, description = excluded.description, location = excluded.location, status = excluded.status,
        start_local = excluded.start_local, start_at = excluded.start_at, duration = excluded.duration,
        duration_seconds = excluded.duration_seconds, armed_at = excluded.armed_at, updated_at = excluded.updated_at
    )
    ${sql.join(index, sql``)}
    SELECT 1 / (CASE WHEN (SELECT count(*) FROM upd) = ${updates.length} THEN 1 ELSE 0 END) AS ok`);
}

/** `event.cancelled` for each event, or changed occurrence, the import cancelled. */
function cancellations(calendarId: string, w: Write): CancelledEvent[] {
  const { ev, stored } = w;
  if (!stored) return [];
  const s = ev.schedule;
  const out: CancelledEvent[] = [];
  if (ev.fields.status === 'cancelled' && stored.status !== 'cancelled') {
    out.push({ id: stored.id, calendarId, title: ev.fields.title, startAt: s.startAt, timeZone: s.timeZone, duration: s.duration, location: ev.fields.location });
  }
  if (ev.fields.status === 'cancelled') return out;
  for (const o of ev.overrides) {
    const before = stored.overrides.find((x) => x.originalStartAt.getTime() === o.originalStartAt.getTime());
    if (o.status !== 'cancelled' || (before?.status ?? stored.status) === 'cancelled') continue;
    const t = occurrenceTiming(s, o.originalStartAt, o);
    out.push({
      id: occurrenceId(stored.id, o.originalStartAt), recurringEventId: stored.id, calendarId, title: o.title ?? ev.fields.title,
      startAt: t.startAt, timeZone: s.timeZone, duration: t.duration, location: o.location ?? ev.fields.location,
    });
  }
  return out;
}

/**
 * Imports an iCalendar body into a calendar (the named one, else the inbox's default), by UID:
 * a UID new to the inbox creates an event, one whose stored event differs updates it to match,
 * one that matches is skipped. Any problem in the body is a 400 naming its line and UID, and
 * then nothing is written.
 */
export async function importCalendar(ctx: ServiceContext, calendarId: string | undefined, bytes: Uint8Array): Promise<ImportCounts> {
  const { db, inbox, now } = ctx;
  let groups: ReturnType<typeof readCalendar>;
  try {
    groups = readCalendar(bytes);
  } catch (e) {
    throw asApiError(e);
  }
  if (groups.length > MAX_IMPORT_EVENTS) throw ApiError.field('body', `at most ${MAX_IMPORT_EVENTS} events (UIDs) per import; this body has ${groups.length}`);
  const fallbackZone = inbox.defaultTimezone ?? 'UTC';
  const result = await guardedChange(async () => {
    const state = await loadImportState(db, inbox, calendarId, groups.map((g) => g.uid));
    const counts: ImportCounts = { created: 0, updated: 0, skipped: 0 };
    const creates: Write[] = [];
    const updates: Write[] = [];
    let budget = MAX_INDEX_ROWS;
    for (const g of groups) {
      const stored = state.byUid.get(g.uid);
      let ev: ImportedEvent;
      try {
        ev = importedEvent(g, g.zone ?? fallbackZone, now, stored ? asImported(stored) : null);
      } catch (e) {
        throw asApiError(e);
      }
      if (stored && comparable(stored.calendarId, asImported(stored)) === comparable(state.calendarId, ev)) {
        counts.skipped++;
        continue;
      }
      const id = stored?.id ?? newId('evt', now.getTime());
      let plan: IndexPlan | null = planIndex(inbox, { id, ...ev.schedule }, ev.overrides, now);
      if (plan.rows.length > budget) plan = null;
      else budget -= plan.rows.length;
      (stored ? updates : creates).push({ id, ev, plan, stored });
      counts[stored ? 'updated' : 'created']++;
    }
    if (creates.length === 0 && updates.length === 0) return { counts, cancelled: [] };
    try {
      await writeImport(db, inbox, state.calendarId, creates, updates, now);
    } catch (e) {
      // 22012: a guarded update found its event changed; 23505: another import created a UID.
      if (sqlState(e) === '22012' || sqlState(e) === '23505') return null;
      // 23502: the calendar went away in between.
      if (sqlState(e) === '23502') throw ApiError.notFound('Calendar');
      throw e;
    }
    return { counts, cancelled: updates.flatMap((w) => cancellations(state.calendarId, w)) };
  }, () => new ApiError(409, 'conflict', 'The calendar kept changing while it was being imported; send it again.'));
  for (const c of result.cancelled) await announceCancelled(ctx, c);
  return result.counts;
}
