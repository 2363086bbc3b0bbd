/**
 * Reads of events, each in one round trip: the row, its label ids and its participants (each
 * matched to an inbox contact by email) come back together, plus the occurrence overrides the
 * caller needs.
 */
import { sql, type SQL } from 'drizzle-orm';
import { asDate, asDateOrNull, firstRowOf, rowVersion, rowsOf, type Queryable } from '../db/sql';
import type { Inbox } from '../http/context';
import type { EventStatus } from './schemas';
import type { Schedule } from './schedule';
import { indexGap, indexWrites, type IndexPlan } from './occurrence-index';

export interface ParticipantRecord {
  name: string | null;
  email: string | null;
  role: string | null;
  contact_id: string | null;
}

export interface OverrideRecord {
  originalStartAt: Date;
  title: string | null;
  description: string | null;
  location: string | null;
  status: EventStatus | null;
  startLocal: string | null;
  startAt: Date | null;
  duration: string | null;
  durationSeconds: number | null;
  armedAt: Date;
  updatedAt: Date;
}

/** A stored event: its schedule (as `buildSchedule` computes it) plus what it says and carries. */
export interface EventRecord extends Schedule {
  id: string;
  calendarId: string;
  title: string;
  description: string | null;
  status: EventStatus;
  location: string | null;
  participants: ParticipantRecord[];
  armedAt: Date;
  createdAt: Date;
  updatedAt: Date;
  labelIds: string[];
  overrides: OverrideRecord[];
}

/** An override as `overridesWhere` aggregates it (json_build_object: timestamps as ISO text). */
type OverrideColumns = {
  original_start_at: string;
  title: string | null;
  description: string | null;
  location: string | null;
  status: EventStatus | null;
  start_local: string | null;
  start_at: string | null;
  duration: string | null;
  duration_seconds: number | null;
  armed_at: string;
  updated_at: string;
};

/** What BASE_COLUMNS select (timestamps as the driver's text). */
type EventColumns = {
  id: string;
  calendar_id: string;
  title: string;
  description: string | null;
  status: EventStatus;
  location: string | null;
  time_zone: string;
  start_local: string;
  start_at: string;
  duration: string;
  duration_seconds: number | string;
  recurrence_rules: string[] | null;
  is_recurring: boolean;
  series_end_at: string | null;
  next_occurrence_at: string | null;
  armed_at: string;
  created_at: string;
  updated_at: string;
};

/** What DECORATIONS add. */
type DecorationColumns = { label_ids: string[]; participants_view: ParticipantRecord[] };

/** A row of the reads below: the base columns, the overrides asked for, maybe the decorations. */
type EventRow = EventColumns & { overrides: OverrideColumns[] | null } & Partial<DecorationColumns>;

function overrideFrom(o: OverrideColumns): OverrideRecord {
  return {
    originalStartAt: asDate(o.original_start_at),
    title: o.title,
    description: o.description,
    location: o.location,
    status: o.status,
    startLocal: o.start_local,
    startAt: asDateOrNull(o.start_at),
    duration: o.duration,
    durationSeconds: o.duration_seconds,
    armedAt: asDate(o.armed_at),
    updatedAt: asDate(o.updated_at),
  };
}

function recordFrom(r: EventRow): EventRecord {
  return {
    id: r.id,
    calendarId: r.calendar_id,
    title: r.title,
    description: r.description,
    status: r.status,
    location: r.location,
    participants: r.participants_view ?? [],
    timeZone: r.time_zone,
    startLocal: r.start_local,
    startAt: asDate(r.start_at),
    duration: r.duration,
    durationSeconds: Number(r.duration_seconds),
    recurrenceRules: r.recurrence_rules ?? [],
    isRecurring: r.is_recurring,
    seriesEndAt: asDateOrNull(r.series_end_at),
    nextOccurrenceAt: asDateOrNull(r.next_occurrence_at),
    armedAt: asDate(r.armed_at),
    createdAt: asDate(r.created_at),
    updatedAt: asDate(r.updated_at),
    labelIds: r.label_ids ?? [],
    overrides: (r.overrides ?? []).map(overrideFrom).sort((a, b) => a.originalStartAt.getTime() - b.originalStartAt.getTime()),
  };
}

const BASE_COLUMNS = sql`
  e.id, e.calendar_id, e.title, e.description, e.status, e.location, e.time_zone, e.start_local,
  e.start_at, e.duration, e.duration_seconds, e.recurrence_rules, e.is_recurring, e.series_end_at,
  e.next_occurrence_at, e.armed_at, e.created_at, e.updated_at`;

/**
 * `WITH ev …` (the events selected by `selectEvents`, which must read `events e`) plus what
 * their `label_ids` and `participants_view` need. A participant's contact is the inbox contact
 * holding that address, case-insensitively; the lowest id wins a tie. Each distinct address is
 * an exact lookup in the GIN index over the contacts' address sets (`contacts_email_set_idx`),
 * so the cost does not grow with the inbox's contacts (a trigram lookup per address reads long
 * posting lists: every address shares trigrams such as `com`).
 */
const withDecorations = (inbox: Inbox, selectEvents: SQL, before?: SQL) => sql`
  WITH ${before ? sql`${before},` : sql``} ev AS (${selectEvents}),
  part AS (
    SELECT ev.id AS event_id, p.i, p.v, lower(p.v->>'email') AS email
    FROM ev CROSS JOIN LATERAL jsonb_array_elements(ev.participants) WITH ORDINALITY AS p(v, i)
  ),
  known AS (
    SELECT pe.email, min(c.id) AS contact_id
    FROM (SELECT DISTINCT email FROM part WHERE email IS NOT NULL) pe
    JOIN contacts c ON c.inbox_id = ${inbox.id} AND string_to_array(c.search_emails, ' ') @> ARRAY[pe.email]
    GROUP BY 1
  ),
  people AS (
    SELECT part.event_id, json_agg(json_build_object(
      'name', part.v->>'name', 'email', part.v->>'email', 'role', part.v->>'role', 'contact_id', known.contact_id) ORDER BY part.i) AS participants_view
    FROM part LEFT JOIN known ON known.email = part.email
    GROUP BY part.event_id
  )`;

/**
 * Columns of the decorated event `e`, read `FROM` DECORATED. The participants are aggregated
 * once per event and joined (a subquery per row over `part` would scan every candidate's
 * participants for each candidate); the labels are one index probe per event.
 */
const DECORATIONS = sql`
  COALESCE((
    SELECT json_agg(le.label_id ORDER BY le.created_at, le.label_id) FROM label_entities le
    WHERE le.inbox_id = e.inbox_id AND le.entity_type = 'event' AND le.entity_id = e.id
  ), '[]'::json) AS label_ids,
  COALESCE(people.participants_view, '[]'::json) AS participants_view`;

/** The decorated events: `ev` as `e`, with their participants. */
const DECORATED = sql`ev e LEFT JOIN people ON people.event_id = e.id`;

const overridesWhere = (where: SQL) => sql`
  COALESCE((
    SELECT json_agg(json_build_object(
      'original_start_at', o.original_start_at, 'title', o.title, 'description', o.description,
      'location', o.location, 'status', o.status, 'start_local', o.start_local, 'start_at', o.start_at,
      'duration', o.duration, 'duration_seconds', o.duration_seconds, 'armed_at', o.armed_at,
      'updated_at', o.updated_at))
    FROM event_overrides o WHERE o.event_id = e.id AND ${where}
  ), '[]'::json) AS overrides`;

export type OverrideSelection = 'none' | 'all' | Date;

const overridesOf = (which: OverrideSelection) =>
  overridesWhere(which === 'none' ? sql`false` : which === 'all' ? sql`true` : sql`o.original_start_at = ${which.toISOString()}`);

/** One event of the inbox (null when unknown or foreign), optionally locked for an update. */
export async function loadEvent(db: Queryable, inbox: Inbox, id: string, overrides: OverrideSelection, forUpdate = false): Promise<EventRecord | null> {
  const r = await firstRowOf<EventRow>(db, sql`
    ${withDecorations(inbox, sql`SELECT e.* FROM events e WHERE e.inbox_id = ${inbox.id} AND e.id = ${id} ${forUpdate ? sql`FOR UPDATE` : sql``}`)}
    SELECT ${BASE_COLUMNS}, ${DECORATIONS}, ${overridesOf(overrides)} FROM ${DECORATED}`);
  return r ? recordFrom(r) : null;
}

/**
 * An event as a change starts from: the record and its row version (Postgres' `xmin`, new with
 * every write to the row), which `writeEventIf` checks so that nothing written in between is
 * overwritten — a read and a guarded write instead of an interactive transaction.
 */
export async function loadEventVersion(db: Queryable, inbox: Inbox, id: string, overrides: OverrideSelection) {
  const r = await firstRowOf<EventRow & { row_version: string }>(db, sql`
    ${withDecorations(inbox, sql`SELECT e.*, ${rowVersion(sql`e`)} AS row_version FROM events e WHERE e.inbox_id = ${inbox.id} AND e.id = ${id}`)}
    SELECT ${BASE_COLUMNS}, e.row_version, ${DECORATIONS}, ${overridesOf(overrides)} FROM ${DECORATED}`);
  return r ? { rec: recordFrom(r), version: r.row_version } : null;
}

/**
 * One statement: `write` (an INSERT, or an UPDATE guarded by a row version, of one event,
 * RETURNING every column), the overrides at `dropOverrides` deleted and the occurrence index
 * rows of `index` written (src/calendar/occurrence-index.ts) only if it wrote, then
 * the event as it now is, decorated, without overrides. Null when the write matched no row (for
 * a guarded UPDATE: the row changed since its version was read, or is gone). `before` are CTEs
 * placed ahead of the write, which it may refer to.
 */
export async function writeEvent(
  db: Queryable, inbox: Inbox, write: SQL, dropOverrides: Date[] = [], index?: { eventId: string; plan: IndexPlan }, before?: SQL,
): Promise<EventRecord | null> {
  const drop = dropOverrides.length === 0 ? sql`` : sql`,
    dropped AS (
      DELETE FROM event_overrides WHERE inbox_id = ${inbox.id} AND event_id IN (SELECT id FROM upd)
        AND original_start_at = ANY(${`{${dropOverrides.map((d) => d.toISOString()).join(',')}}`}::timestamptz[])
    )`;
  const r = await firstRowOf<EventRow>(db, sql`
    ${withDecorations(inbox, sql`SELECT * FROM upd`, sql`${before ? sql`${before}, ` : sql``}upd AS (${write})${drop}${index ? indexWrites(index.plan, index.eventId, 'upd') : sql``}`)}
    SELECT ${BASE_COLUMNS}, ${DECORATIONS}, '[]'::json AS overrides FROM ${DECORATED}`);
  return r ? recordFrom(r) : null;
}

/** Every event (series unexpanded) by start, one page, with the total. */
export async function loadEventPage(db: Queryable, inbox: Inbox, q: { calendarId?: string; desc: boolean; offset: number; limit: number }) {
  const byCalendar = q.calendarId ? sql`AND e.calendar_id = ${q.calendarId}` : sql``;
  const order = (t: string) => (q.desc ? sql.raw(`${t}.start_at DESC, ${t}.id DESC`) : sql.raw(`${t}.start_at ASC, ${t}.id ASC`));
  // The count and the page in one statement; the LEFT JOIN keeps the count when the page is
  // empty. Labels and contacts are looked up for the page's rows only.
  const page = sql`SELECT e.* FROM events e WHERE e.inbox_id = ${inbox.id} ${byCalendar} ORDER BY ${order('e')} LIMIT ${q.limit} OFFSET ${q.offset}`;
  // A row per event of the page; the event columns are null when the page is empty.
  const rows = await rowsOf<{ total: number } & (EventRow | { [K in keyof EventRow]: null })>(db, sql`
    ${withDecorations(inbox, page)}
    SELECT t.total, p.* FROM
      (SELECT count(*)::int AS total FROM events e WHERE e.inbox_id = ${inbox.id} ${byCalendar}) t
    LEFT JOIN LATERAL (SELECT ${BASE_COLUMNS}, ${DECORATIONS}, '[]'::json AS overrides FROM ${DECORATED}) p ON true
    ORDER BY ${order('p')}`);
  const total = Number(rows[0]?.total ?? 0);
  return { total, records: rows.filter((r): r is { total: number } & EventRow => r.id !== null).map(recordFrom) };
}

/** Longest duration an event may have (Duration Utils' cap), plus a day of slack. */
const MAX_SPAN = sql`interval '367 days'`;

/**
 * Events that may have an occurrence overlapping [from, to), decorated (labels, participants with
 * their contacts), in one statement: the index-friendly bound on the series span, plus series
 * with an occurrence moved into the window. Overrides come along when they can matter to the
 * window (original or moved start near it). Decorating every candidate rather than only the
 * page's is linear in the candidates and saves the listing a second round trip.
 */
export async function loadWindowCandidates(db: Queryable, inbox: Inbox, q: { calendarId?: string; from: Date; to: Date }) {
  const from = q.from.toISOString();
  const to = q.to.toISOString();
  const byCalendar = q.calendarId ? sql`AND e.calendar_id = ${q.calendarId}` : sql``;
  const near = sql`(
    (o.original_start_at > ${from}::timestamptz - ${MAX_SPAN} AND o.original_start_at < ${to}::timestamptz)
    OR (o.start_at > ${from}::timestamptz - ${MAX_SPAN} AND o.start_at < ${to}::timestamptz))`;
  const spans = sql`e.start_at < ${to} AND (e.series_end_at IS NULL OR e.series_end_at > ${from})`;
  // Two branches so the first stays a plain bitmap scan of the (inbox, series end) index.
  const candidates = sql`
    SELECT e.* FROM events e
    WHERE e.inbox_id = ${inbox.id} ${byCalendar} AND ${spans}
    UNION ALL
    SELECT e.* FROM events e
    WHERE e.inbox_id = ${inbox.id} ${byCalendar} AND NOT (${spans}) AND e.id IN (
      SELECT o.event_id FROM event_overrides o
      WHERE o.inbox_id = ${inbox.id} AND o.start_at < ${to} AND o.start_at > ${from}::timestamptz - ${MAX_SPAN})`;
  const rows = await rowsOf<EventRow>(db, sql`
    ${withDecorations(inbox, candidates)}
    SELECT ${BASE_COLUMNS}, ${DECORATIONS}, ${overridesWhere(near)} FROM ${DECORATED}`);
  return rows.map(recordFrom);
}

/** One occurrence of a window page: its event (with the occurrence's change, if any) and place. */
export interface WindowHit {
  rec: EventRecord;
  /** The occurrence's original start (a series), null for a single event. */
  originalStart: Date | null;
  start: number;
  id: string;
}

export type WindowPage =
  | { covered: true; total: number; position: number; hits: WindowHit[] }
  /** An event the window may reach is not indexed far enough: the caller expands instead. */
  | { covered: false };

/**
 * A page of a window from the occurrence index, in one statement: the hits overlapping
 * [from, to) in listing order (start as the viewer sees it, then id by bytes), after the cursor
 * or from the offset; their total and the page's position; and the page's events, decorated,
 * each with the change of its occurrence.
 *
 * Flat in the window and the inbox: each of the two index ranges (occurrences starting from a
 * day before the window; longer ones starting earlier) is walked in listing order and stops after
 * offset + limit rows, and the counts are index-only scans (event_occurrences_window_idx carries
 * every column a hit needs). Only the page's events are read from the heap.
 */
export async function loadIndexedWindow(db: Queryable, inbox: Inbox, q: {
  calendarId?: string; from: Date; to: Date; slackMs: number; desc: boolean; offset: number; limit: number; after?: [number, string];
}): Promise<WindowPage> {
  const from = q.from.toISOString();
  const to = q.to.toISOString();
  const byCalendar = q.calendarId
    ? sql`AND x.event_id IN (SELECT id FROM events WHERE inbox_id = ${inbox.id} AND calendar_id = ${q.calendarId})` : sql``;
  // Rows starting up to a day before the window, plus longer ones (their own index) reaching in.
  const near = sql`x.inbox_id = ${inbox.id} AND x.start_at < ${to} AND x.start_at > ${from}::timestamptz - interval '1 day'
      AND x.end_at > ${from} ${byCalendar}`;
  const long = sql`x.inbox_id = ${inbox.id} AND x.end_at - x.start_at > interval '1 day'
      AND x.start_at <= ${from}::timestamptz - interval '1 day' AND x.start_at > ${from}::timestamptz - ${MAX_SPAN}
      AND x.end_at > ${from} ${byCalendar}`;
  const key = q.after ? sql`(${new Date(q.after[0]).toISOString()}::timestamptz, ${q.after[1]}::text COLLATE "C")` : null;
  // A row comparison in the index's own order (and collation), so the cursor is where the walk starts.
  const beyond = key ? sql`AND (x.start_at, x.id COLLATE "C") ${q.desc ? sql`<` : sql`>`} ${key}` : sql``;
  const before = key ? sql`AND (x.start_at, x.id COLLATE "C") ${q.desc ? sql`>=` : sql`<=`} ${key}` : sql``;
  const order = (t: string) => sql.raw(q.desc ? `${t}.start_at DESC, ${t}.id COLLATE "C" DESC` : `${t}.start_at, ${t}.id COLLATE "C"`);
  const skip = key ? 0 : q.offset;
  const branch = (where: SQL) => sql`(SELECT x.event_id, x.original_start_at, x.id, x.start_at FROM event_occurrences x
      WHERE ${where} ${beyond} ORDER BY ${order('x')} LIMIT ${skip + q.limit})`;
  const page = sql`SELECT * FROM (${branch(near)} UNION ALL ${branch(long)}) h ORDER BY ${order('h')} LIMIT ${q.limit} OFFSET ${skip}`;
  const count = (where: SQL, extra: SQL = sql``) => sql`(SELECT count(*) FROM event_occurrences x WHERE ${where} ${extra})`;
  const counted = (extra?: SQL) => sql`(${count(near, extra)} + ${count(long, extra)})::int`;
  type Row = { gap: boolean; total: number; skipped: number; hit_start: string | null; hit_id: string | null; hit_original_start: string | null }
    & (EventRow | { [K in keyof EventRow]: null });
  const rows = await rowsOf<Row>(db, sql`
    ${withDecorations(inbox, sql`SELECT e.* FROM events e WHERE e.inbox_id = ${inbox.id} AND e.id IN (SELECT event_id FROM page)`,
      sql`page AS MATERIALIZED (${page})`)}
    SELECT t.gap, t.total, t.skipped, p.* FROM (
      SELECT ${indexGap(inbox, q.from, q.to, q.slackMs)} AS gap, ${counted()} AS total,
             ${key ? counted(before) : sql`${q.offset}::int`} AS skipped
    ) t
    LEFT JOIN LATERAL (
      SELECT page.start_at AS hit_start, page.id AS hit_id, page.original_start_at AS hit_original_start,
             ${BASE_COLUMNS}, ${DECORATIONS}, ${overridesWhere(sql`o.original_start_at = page.original_start_at`)}
      FROM page JOIN ev e ON e.id = page.event_id LEFT JOIN people ON people.event_id = e.id
    ) p ON true
    ORDER BY ${sql.raw(q.desc ? 'p.hit_start DESC, p.hit_id COLLATE "C" DESC' : 'p.hit_start, p.hit_id COLLATE "C"')}`);
  const head = rows[0];
  if (!head || head.gap) return { covered: false };
  const found = rows.filter((r): r is Row & EventRow & { hit_start: string; hit_id: string; hit_original_start: string } => r.hit_id !== null);
  return {
    covered: true,
    total: Number(head.total),
    position: Number(head.skipped),
    hits: found.map((r) => {
      const rec = recordFrom(r);
      return { rec, originalStart: rec.isRecurring ? asDate(r.hit_original_start) : null, start: asDate(r.hit_start).getTime(), id: r.hit_id };
    }),
  };
}
