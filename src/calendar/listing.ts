/**
 * `GET /v1/calendar/events/`. Without a window: every event (series unexpanded) by start, paged
 * in SQL, one query. With a window: one statement reads the page from the occurrence index
 * (src/calendar/occurrence-index.ts) with its total and decorated events, so a page costs the
 * same wherever it lies and however large the inbox is. Should an event the window may reach
 * not be indexed that far yet, the candidate rows are read instead and expanded here in their
 * own zone, overrides applied, sorted and paged: the same answer, in proportion to the window.
 */
import type { Queryable } from '../db/sql';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { nextCursor, type Page } from '../http/pagination';
import { DAY_MS } from '../time/zones';
import { clampToRange, isInRange, type RangeKind } from '../time/range';
import { expandOccurrences } from '../time/occurrences';
import { loadEventPage, loadIndexedWindow, loadWindowCandidates, type EventRecord } from './event-store';
import { isAllDay, occurrenceTiming, occurrenceView, seriesTiming, seriesView, spanOf } from './event-view';
import { parseStart } from './schedule';
import { findCalendar } from './collections';
import type { EventView } from './schemas';

export interface ListQuery {
  after?: string;
  before?: string;
  sort?: 'asc' | 'desc';
  calendar_id?: string;
}

const WINDOW_DEFAULT_MS = 366 * DAY_MS;
/**
 * An all-day event is matched on the viewer's midnights, which lie up to 26 hours from its own
 * zone's: candidates and expansion look this much further either side, then filter exactly.
 */
const FLOAT_SLACK_MS = 2 * DAY_MS;

interface Hit {
  start: number;
  id: string;
  rec: EventRecord;
  render: () => EventView;
}

function windowOf(inbox: Inbox, q: ListQuery, now: Date): { from: Date; to: Date } | null {
  if (q.after === undefined && q.before === undefined) return null;
  // Each bound given must lie in the supported range (`before` is exclusive, so it may be its
  // end); a missing one is 366 days from the other, clamped into the range rather than refused.
  const read = (v: string, field: string, kind: RangeKind) => parseStart(v, field, null, inbox.defaultTimezone, now, undefined, kind);
  const from = q.after !== undefined ? read(q.after, 'after', 'instant') : null;
  const to = q.before !== undefined ? read(q.before, 'before', 'end') : null;
  const start = from ?? new Date(clampToRange(to!.getTime() - WINDOW_DEFAULT_MS));
  const end = to ?? new Date(clampToRange(from!.getTime() + WINDOW_DEFAULT_MS));
  if (end.getTime() <= start.getTime()) throw ApiError.field('before', 'must be later than after');
  return { from: start, to: end };
}

/**
 * `queryKey` names the listing's query for the cursors it issues (a window's pages carry one;
 * the unwindowed list pages by offset only).
 */
export async function listEvents(db: Queryable, inbox: Inbox, q: ListQuery, page: Page, now: Date, queryKey: string) {
  const desc = q.sort === 'desc';
  const window = windowOf(inbox, q, now);
  if (!window && page.after) throw ApiError.field('cursor', 'pages a window listing; give after and/or before');
  // Another inbox's calendar is 404, as everywhere, rather than an empty list.
  if (q.calendar_id !== undefined) await findCalendar(db, inbox, q.calendar_id);
  if (!window) {
    const { records, total } = await loadEventPage(db, inbox, { calendarId: q.calendar_id, desc, offset: page.offset, limit: page.limit });
    return { results: records.map((r) => seriesView(inbox, r)), total, next: null, position: page.offset };
  }
  const after = page.after ? windowKey(page.after) : undefined;
  const indexed = await loadIndexedWindow(db, inbox, {
    calendarId: q.calendar_id, from: window.from, to: window.to, slackMs: FLOAT_SLACK_MS, desc, offset: page.offset, limit: page.limit, after,
  });
  if (indexed.covered) {
    const { hits, total, position } = indexed;
    return {
      results: hits.map((h) => (h.originalStart ? occurrenceView(inbox, h.rec, h.originalStart, h.rec.overrides[0]) : seriesView(inbox, h.rec))),
      total,
      next: nextCursor(hits, total, { ...page, offset: position }, queryKey, (h) => [h.start, h.id]),
      position,
    };
  }
  return expandWindow(db, inbox, q, window, page, after, queryKey);
}

/**
 * A window over events the occurrence index does not cover far enough (src/calendar/
 * occurrence-index.ts): the candidates are read, expanded and paged here, exactly, at a cost in
 * proportion to the window.
 */
async function expandWindow(
  db: Queryable, inbox: Inbox, q: ListQuery, window: { from: Date; to: Date }, page: Page, after: [number, string] | undefined, queryKey: string,
) {
  const desc = q.sort === 'desc';
  const ws = window.from.getTime();
  const we = window.to.getTime();
  const records = await loadWindowCandidates(db, inbox, {
    calendarId: q.calendar_id, from: new Date(ws - FLOAT_SLACK_MS), to: new Date(we + FLOAT_SLACK_MS),
  });
  const hits: Hit[] = [];
  for (const rec of records) collectHits(inbox, rec, ws, we, hits);
  hits.sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (desc) hits.reverse();
  // A cursor's page starts right after the hit it names (by start, then id, in the listing's
  // direction), wherever that hit now is; its position is where it starts.
  const from = after ? hits.findIndex((h) => isAfter(h, after, desc)) : page.offset;
  const start = from < 0 ? hits.length : from;
  const shownPage = { ...page, offset: start };
  // Only the page is rendered (zone maths for its rows only).
  const shown = hits.slice(start, start + page.limit);
  return {
    results: shown.map((h) => h.render()),
    total: hits.length,
    next: nextCursor(shown, hits.length, shownPage, queryKey, (h) => [h.start, h.id]),
    position: start,
  };
}

/** A window cursor's key: the start (ms, in the supported range) and id of the hit it names. */
function windowKey(key: Array<string | number>): [number, string] {
  const [start, id] = key;
  if (key.length !== 2 || typeof start !== 'number' || !Number.isInteger(start) || !isInRange(start) || typeof id !== 'string') {
    throw ApiError.field('cursor', 'is not a cursor this API issued');
  }
  return [start, id];
}

/** Whether hit `h` comes after the cursor key `[start ms, id]` in the listing's order. */
function isAfter(h: Hit, [start, id]: [number, string], desc: boolean): boolean {
  const cmp = h.start - start || (h.id < id ? -1 : h.id > id ? 1 : 0);
  return desc ? cmp < 0 : cmp > 0;
}

/** The record's occurrences (or itself) overlapping [ws, we), as the viewer sees them. */
function collectHits(inbox: Inbox, rec: EventRecord, ws: number, we: number, out: Hit[]): void {
  const overlaps = (span: { start: number; end: number }) => span.start < we && span.end > ws;
  if (!rec.isRecurring) {
    const span = spanOf(inbox, rec, seriesTiming(rec));
    if (overlaps(span)) out.push({ start: span.start, id: rec.id, rec, render: () => seriesView(inbox, rec) });
    return;
  }
  // Series expand in their own zone (src/time/occurrences.ts), each occurrence matched on its
  // span as the viewer sees it; an all-day series may sit up to a day either side in that zone.
  const occurrences = expandOccurrences(rec, rec.overrides, {
    window: {
      overlapping: { from: new Date(ws), to: new Date(we) },
      span: (o) => spanOf(inbox, rec, occurrenceTiming(rec, o.originalStart, o.change)),
      slackMs: isAllDay(rec.startLocal, rec.durationSeconds) ? FLOAT_SLACK_MS : 0,
    },
  });
  for (const o of occurrences) {
    out.push({ start: o.span.start, id: o.id, rec, render: () => occurrenceView(inbox, rec, o.originalStart, o.change) });
  }
}
