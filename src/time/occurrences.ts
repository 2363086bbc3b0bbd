/**
 * Occurrences of a series (docs/calendar.md): the occurrence id codec, and the expansion of a series in
 * a window with its per-occurrence changes (`event_overrides`) applied.
 *
 * Everything that names an occurrence or lists occurrences goes through here: the calendar (its
 * listing, its single-occurrence routes, its labels), the labels resource, the agenda and the
 * reminder scan. They therefore agree on which occurrences exist, on the id of each, and on what
 * a changed occurrence says. Pure: callers read the rows and shape the results.
 */
import { isInRange } from './range';
import { DEFAULT_MAX_OCCURRENCES, occurrencesInWindow, type SeriesSpec } from './recurrence';
import { isRealDate, toUtcBasic, wallPartsToMs } from './zones';

// ---------------------------------------------------------------------------------------------
// The id codec

/**
 * `<series id>_<start as UTC basic>`, e.g. `evt_…_20240603T130000Z`. The suffix holds no `_`, so
 * the series id is everything before the last one, whatever it contains (`s`: line breaks too).
 */
const OCCURRENCE_ID = /^(.+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/s;

/** What an event id names: a series or single event (`originalStart` null), or one occurrence. */
export interface EventRef {
  seriesId: string;
  /** The occurrence's start as the series generates it (before any change); its id keeps it. */
  originalStart: Date | null;
}

/** The id of the occurrence of `seriesId` that the series generates at `originalStart` (whole seconds). */
export function occurrenceId(seriesId: string, originalStart: Date): string {
  return `${seriesId}_${toUtcBasic(originalStart)}`;
}

/**
 * Reads an event id. An id without an occurrence suffix names a series (or single event) by
 * itself. An id with one names an occurrence when the suffix is a real UTC time inside the
 * supported range (src/time/range.ts), and nothing otherwise (null): no occurrence outside the
 * range is ever listed, so such an id was made up. Whether the series exists and has an
 * occurrence at that time is the caller's to check (`isOccurrence`).
 */
export function parseEventId(id: string): EventRef | null {
  const m = OCCURRENCE_ID.exec(id);
  if (!m) return { seriesId: id, originalStart: null };
  const [year, month, day, hour, minute, second] = m.slice(2).map(Number) as [number, number, number, number, number, number];
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const ms = wallPartsToMs({ year, month, day, hour, minute, second });
  return isInRange(ms) ? { seriesId: m[1]!, originalStart: new Date(ms) } : null;
}

// ---------------------------------------------------------------------------------------------
// Expansion

/** The schedule of a series as stored (the events columns of the same names). */
export interface OccurrenceSchedule {
  startLocal: string;
  timeZone: string;
  durationSeconds: number;
  recurrenceRules: string[];
  /** An RRULE or RDATE makes more than one occurrence; a single event has none to name. */
  isRecurring: boolean;
}

/** A series: its schedule and what each occurrence says unless changed. */
export interface SeriesFacts<S extends string = string> extends OccurrenceSchedule {
  id: string;
  title: string;
  location: string | null;
  status: S;
  /** ISO 8601, as stored. */
  duration: string;
}

/** A change to one occurrence, keyed by its original start; null keeps the series' value. */
export interface OccurrenceChange<S extends string = string> {
  originalStartAt: Date;
  /** Set when the occurrence was given a start (usually another one: it moved). */
  startAt: Date | null;
  duration: string | null;
  durationSeconds: number | null;
  title: string | null;
  location: string | null;
  status: S | null;
}

/** [start, end) in ms. */
export interface Span {
  start: number;
  end: number;
}

/** One occurrence with its change applied. */
export interface Occurrence<S extends string, C> {
  /** `occurrenceId(series, originalStart)`: the id stays when the occurrence moves. */
  id: string;
  originalStart: Date;
  startAt: Date;
  duration: string;
  durationSeconds: number;
  title: string;
  location: string | null;
  status: S;
  /** Its start was changed to another instant. */
  moved: boolean;
  cancelled: boolean;
  /** The change applied (the caller's own row, for whatever else it carries). */
  change: C | undefined;
  /** What the window was matched on: the caller's span, else [start, start + duration). */
  span: Span;
}

/** An occurrence before it is matched against the window. */
export type UnplacedOccurrence<S extends string, C> = Omit<Occurrence<S, C>, 'id' | 'span'>;

export type OccurrenceWindow<S extends string, C> =
  /**
   * Listings: occurrences whose span overlaps [from, to). `span` measures an occurrence as the
   * viewer experiences it (default [start, start + duration)); when it can reach further than
   * that, `slackMs` widens the expansion by as much, and the span then decides exactly.
   */
  | { overlapping: { from: Date; to: Date }; span?: (o: UnplacedOccurrence<S, C>) => Span; slackMs?: number }
  /** Reminders: occurrences starting in (after, through]. */
  | { startingIn: { after: Date; through: Date } };

export interface ExpandOptions<S extends string, C> {
  window: OccurrenceWindow<S, C>;
  /** `flag` (default): cancelled occurrences are listed with `cancelled: true`; `drop`: left out. */
  cancelled?: 'flag' | 'drop';
  /**
   * `include` (default): a moved occurrence is matched by its new start, wherever it came from.
   * `exclude`: moved occurrences are left out, for a caller that reads them by their new start
   * itself (the reminder scan, in SQL, so a series not otherwise due still reminds of one).
   */
  moved?: 'include' | 'exclude';
  /** Most occurrences the series itself generates in the window (default 5,000). */
  max?: number;
}

const specOf = (s: OccurrenceSchedule, durationSeconds = s.durationSeconds): SeriesSpec => ({
  startLocal: s.startLocal, timeZone: s.timeZone, durationSeconds, rules: s.recurrenceRules,
});

/** Whether the series generates an occurrence starting exactly at `originalStart` (exclusions applied). */
export function isOccurrence(s: OccurrenceSchedule, originalStart: Date): boolean {
  if (!s.isRecurring) return false;
  const t = originalStart.getTime();
  // Zero length: only an occurrence starting in [t, t + 1 ms) counts, not one overlapping it.
  return occurrencesInWindow(specOf(s, 0), originalStart, new Date(t + 1), 1).some((d) => d.getTime() === t);
}

function applied<S extends string, C extends OccurrenceChange<S>>(s: SeriesFacts<S>, originalStart: Date, c: C | undefined): UnplacedOccurrence<S, C> {
  const status = c?.status ?? s.status;
  return {
    originalStart,
    startAt: c?.startAt ?? originalStart,
    duration: c?.duration ?? s.duration,
    durationSeconds: c?.durationSeconds ?? s.durationSeconds,
    title: c?.title ?? s.title,
    location: c?.location ?? s.location,
    status,
    moved: !!c?.startAt && c.startAt.getTime() !== originalStart.getTime(),
    cancelled: status === 'cancelled',
    change: c,
  };
}

const plainSpan = (o: { startAt: Date; durationSeconds: number }): Span => {
  const start = o.startAt.getTime();
  return { start, end: start + o.durationSeconds * 1000 };
};

/**
 * The occurrences of a recurring series in a window, each with its change applied, ascending by
 * original start (those moved in from outside the window last); a single event has none.
 *
 * The series is expanded in its own zone; a change then replaces what it names. An occurrence
 * is matched on its changed start and duration, so one moved (or lengthened) into the window
 * from outside it is found, and one moved out of it is not. A change whose original start the
 * series no longer generates (an excluded date) names nothing.
 */
export function expandOccurrences<S extends string, C extends OccurrenceChange<S>>(
  series: SeriesFacts<S>, changes: readonly C[], opts: ExpandOptions<S, C>,
): Array<Occurrence<S, C>> {
  if (!series.isRecurring) return [];
  const w = opts.window;
  const max = opts.max ?? DEFAULT_MAX_OCCURRENCES;
  let starts: Date[];
  let place: (o: UnplacedOccurrence<S, C>) => Span | null;
  if ('overlapping' in w) {
    const from = w.overlapping.from.getTime();
    const to = w.overlapping.to.getTime();
    const slack = w.slackMs ?? 0;
    const measure = w.span ?? plainSpan;
    starts = occurrencesInWindow(specOf(series), new Date(from - slack), new Date(to + slack), max);
    place = (o) => {
      const span = measure(o);
      return span.start < to && span.end > from ? span : null;
    };
  } else {
    const after = w.startingIn.after.getTime();
    const through = w.startingIn.through.getTime();
    // Starts in (after, through]: the expansion's window is [start, end) of zero-length occurrences.
    starts = occurrencesInWindow(specOf(series, 0), new Date(after + 1), new Date(through + 1), max);
    place = (o) => {
      const t = o.startAt.getTime();
      return t > after && t <= through ? plainSpan(o) : null;
    };
  }
  const byOriginal = new Map<number, C>();
  for (const c of changes) byOriginal.set(c.originalStartAt.getTime(), c);
  const dropCancelled = opts.cancelled === 'drop';
  const dropMoved = opts.moved === 'exclude';
  const out: Array<Occurrence<S, C>> = [];
  /** Adds the occurrence if it is wanted and in the window; `exists` is checked last (the dearest). */
  const take = (originalStart: Date, c: C | undefined, exists?: () => boolean) => {
    const o = applied(series, originalStart, c);
    if ((dropCancelled && o.cancelled) || (dropMoved && o.moved)) return;
    const span = place(o);
    if (!span || (exists && !exists())) return;
    out.push({ ...o, id: occurrenceId(series.id, originalStart), span });
  };
  const seen = new Set<number>();
  for (const start of starts) {
    seen.add(start.getTime());
    take(start, byOriginal.get(start.getTime()));
  }
  // Occurrences a change moved or lengthened into the window from outside it.
  for (const c of changes) {
    if (seen.has(c.originalStartAt.getTime()) || (c.startAt === null && c.durationSeconds === null)) continue;
    take(c.originalStartAt, c, () => isOccurrence(series, c.originalStartAt));
  }
  return out;
}
