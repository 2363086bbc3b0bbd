/**
 * Time Utils input parsing (docs/time.md). Every path ends in a wall time in the resolved zone that
 * goes through `wallToInstant`, so the DST policy and the `adjusted` flag are the zone module's;
 * only exact offsets (`Z`, `+02:00`, `EST`) and elapsed hours/minutes bypass it.
 */
import { casual } from 'chrono-node/en';
import {
  DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, type DstAdjustment, type WallParts, addDays, daysInMonth, formatWallMs,
  instantMsToWallMs, isRealDate, isValidTimeZone, localDate, offsetMsAt, offsetOf, wallMsToInstantMs,
  wallPartsToMs,
} from './zones';

export type TimeKind = 'iso' | 'natural' | 'relative' | 'named_day';

export interface ParsedTime {
  input: string;
  instant: Date;
  local: string;
  time_zone: string;
  offset: string;
  kind: TimeKind;
  date_only: boolean;
  adjusted: DstAdjustment;
}

export interface ParseTimeOptions {
  timeZone?: string | null;
  defaultTimeZone?: string | null;
  reference: Date;
}

interface Ctx {
  input: string;
  zone: string;
  refMs: number;
}

const MIN_INSTANT_MS = Date.parse('0001-01-02T00:00:00Z');
const MAX_INSTANT_MS = Date.UTC(9999, 11, 31);

function result(ctx: Ctx, instantMs: number, kind: TimeKind, dateOnly: boolean, adjusted: DstAdjustment): ParsedTime {
  // Instants render as four-digit-year ISO strings; anything beyond is not a usable time.
  if (!(instantMs >= MIN_INSTANT_MS && instantMs < MAX_INSTANT_MS)) throw new RangeError('instant out of range');
  const instant = new Date(instantMs);
  return {
    input: ctx.input,
    instant,
    local: formatWallMs(instantMsToWallMs(instantMs, ctx.zone)),
    time_zone: ctx.zone,
    offset: offsetOf(instant, ctx.zone),
    kind,
    date_only: dateOnly,
    adjusted,
  };
}

function fromWall(ctx: Ctx, wall: WallParts, kind: TimeKind, dateOnly: boolean): ParsedTime | null {
  if (!isRealDate(wall.year, wall.month, wall.day) || wall.hour > 23 || wall.minute > 59 || wall.second > 59) return null;
  const r = wallMsToInstantMs(wallPartsToMs(wall), ctx.zone);
  return result(ctx, r.ms, kind, dateOnly, r.adjusted);
}

function dateParts(date: string): Pick<WallParts, 'year' | 'month' | 'day'> {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

// ---------------------------------------------------------------------------------------------
// ISO 8601

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(?:\s*(Z|[+-]\d{2}(?::?\d{2})?))?)?$/i;

const INVALID = 'invalid' as const;

function parseIso(ctx: Ctx, text: string): ParsedTime | null | typeof INVALID {
  const m = ISO_RE.exec(text);
  // ISO-shaped input is ISO or nothing: chrono would read '2024-13-01' as 13 January.
  if (!m) return /^\d{4}-\d{1,2}-\d{1,2}/.test(text) ? INVALID : null;
  const wall: WallParts = {
    year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: m[4] ? +m[4] : 0, minute: m[5] ? +m[5] : 0, second: m[6] ? +m[6] : 0,
  };
  if (!m[7]) return fromWall(ctx, wall, 'iso', m[4] === undefined) ?? INVALID;
  if (!isRealDate(wall.year, wall.month, wall.day) || wall.hour > 23 || wall.minute > 59 || wall.second > 59) return INVALID;
  let offsetMs = 0;
  if (m[7].toUpperCase() !== 'Z') {
    const o = /^([+-])(\d{2}):?(\d{2})?$/.exec(m[7])!;
    const hh = +o[2]!;
    const mm = o[3] ? +o[3] : 0;
    if (hh > 23 || mm > 59) return INVALID;
    offsetMs = (o[1] === '-' ? -1 : 1) * (hh * HOUR_MS + mm * MINUTE_MS);
  }
  return result(ctx, wallPartsToMs(wall) - offsetMs, 'iso', false, null);
}

// ---------------------------------------------------------------------------------------------
// Relative: 'in 2 hours', '3 days ago', 'in 1 week and 2 days', '2 hours from now', 'now'

const REL_UNITS: Record<string, 'y' | 'mo' | 'w' | 'd' | 'h' | 'min' | 's'> = {
  year: 'y', years: 'y', yr: 'y', yrs: 'y',
  month: 'mo', months: 'mo',
  week: 'w', weeks: 'w', wk: 'w', wks: 'w',
  day: 'd', days: 'd',
  hour: 'h', hours: 'h', hr: 'h', hrs: 'h', h: 'h',
  minute: 'min', minutes: 'min', min: 'min', mins: 'min', m: 'min',
  second: 's', seconds: 's', sec: 's', secs: 's', s: 's',
};
const REL_NUMBERS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12,
};

function parseRelative(ctx: Ctx, text: string): ParsedTime | null {
  const lower = text.toLowerCase();
  if (lower === 'now' || lower === 'right now') return result(ctx, ctx.refMs, 'relative', false, null);
  const m = /^in\s+(.+)$/.exec(lower) ?? /^(.+?)\s+(ago|from now|later|hence)$/.exec(lower);
  if (!m) return null;
  const sign = m[2] === 'ago' ? -1 : 1;
  const words = m[1]!.replace(/(\d)([a-z])/g, '$1 $2').replace(/,/g, ' ').split(/\s+/).filter((w) => w && w !== 'and');
  if (words.length === 0 || words.length % 2 !== 0) return null;
  const amounts = { y: 0, mo: 0, w: 0, d: 0, h: 0, min: 0, s: 0 };
  for (let i = 0; i < words.length; i += 2) {
    const n = /^\d{1,6}$/.test(words[i]!) ? Number(words[i]) : REL_NUMBERS[words[i]!];
    const unit = REL_UNITS[words[i + 1]!];
    if (n === undefined || !unit) return null;
    amounts[unit] += n;
  }
  // Calendar units keep the wall clock (a day is "same time tomorrow", even across DST);
  // hours, minutes and seconds are exact elapsed time.
  let ms = ctx.refMs;
  let adjusted: DstAdjustment = null;
  if (amounts.y || amounts.mo || amounts.w || amounts.d) {
    const wall = new Date(instantMsToWallMs(ctx.refMs, ctx.zone));
    const totalMonths = wall.getUTCFullYear() * 12 + wall.getUTCMonth() + sign * (amounts.y * 12 + amounts.mo);
    const year = Math.floor(totalMonths / 12);
    const month = (totalMonths % 12) + 1;
    const day = Math.min(wall.getUTCDate(), daysInMonth(year, month));
    const date = addDays(
      `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      sign * (amounts.w * 7 + amounts.d),
    );
    const wallMs = Date.parse(`${date}T00:00:00Z`) + (((wall.getTime() % DAY_MS) + DAY_MS) % DAY_MS);
    const r = wallMsToInstantMs(wallMs, ctx.zone);
    ms = r.ms;
    adjusted = r.adjusted;
  }
  ms += sign * (amounts.h * HOUR_MS + amounts.min * MINUTE_MS + amounts.s * SECOND_MS);
  return result(ctx, ms, 'relative', false, adjusted);
}

// ---------------------------------------------------------------------------------------------
// Named days: 'today', 'tomorrow 9:30', 'Friday 3pm', 'next Monday 10am', '3pm on Friday'

const WEEKDAY_NAMES: Record<string, number> = {
  sunday: 0, sun: 0, monday: 1, mon: 1, tuesday: 2, tue: 2, tues: 2, wednesday: 3, wed: 3,
  thursday: 4, thu: 4, thur: 4, thurs: 4, friday: 5, fri: 5, saturday: 6, sat: 6,
};
const DAY_WORD = `(?:(next|this|coming|last)\\s+)?(today|tomorrow|tmrw|yesterday|${Object.keys(WEEKDAY_NAMES).join('|')})`;
const CLOCK = '(noon|midday|midnight|\\d{1,2}(?::\\d{2}(?::\\d{2})?)?\\s*(?:am|pm|a\\.m\\.|p\\.m\\.)?)';
const NAMED_FIRST = new RegExp(`^(?:on\\s+)?${DAY_WORD}(?:,?\\s+(?:at\\s+|@\\s*)?${CLOCK})?$`);
const NAMED_LAST = new RegExp(`^(?:at\\s+|@\\s*)?${CLOCK},?\\s+(?:on\\s+)?${DAY_WORD}$`);

/** '3pm', '9:30', '15:00:05', 'noon'. A bare hour needs am/pm: 'Friday 3' is too ambiguous. */
function parseClock(text: string): { hour: number; minute: number; second: number } | null {
  if (text === 'noon' || text === 'midday') return { hour: 12, minute: 0, second: 0 };
  if (text === 'midnight') return { hour: 0, minute: 0, second: 0 };
  const m = /^(\d{1,2})(?::(\d{2})(?::(\d{2}))?)?\s*(am|pm|a\.m\.|p\.m\.)?$/.exec(text);
  if (!m || (m[2] === undefined && m[4] === undefined)) return null;
  let hour = Number(m[1]);
  const minute = m[2] ? Number(m[2]) : 0;
  const second = m[3] ? Number(m[3]) : 0;
  if (m[4]) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (m[4].startsWith('p') ? 12 : 0);
  }
  return hour <= 23 && minute <= 59 && second <= 59 ? { hour, minute, second } : null;
}

/** The date a day word names, seen from `today`. A weekday is the first such day strictly after today. */
export function namedDate(today: string, qualifier: string | undefined, word: string): string | null {
  const fixed: Record<string, number> = { today: 0, tomorrow: 1, tmrw: 1, yesterday: -1 };
  if (word in fixed) return qualifier ? null : addDays(today, fixed[word]!);
  const target = WEEKDAY_NAMES[word]!;
  const todayDow = new Date(`${today}T00:00:00Z`).getUTCDay();
  if (qualifier === 'last') return addDays(today, -(((todayDow - target + 6) % 7) + 1));
  return addDays(today, ((target - todayDow + 6) % 7) + 1);
}

function parseNamedDay(ctx: Ctx, text: string): ParsedTime | null {
  const lower = text.toLowerCase();
  let qualifier: string | undefined;
  let word: string;
  let clockText: string | undefined;
  const first = NAMED_FIRST.exec(lower);
  const last = first ? null : NAMED_LAST.exec(lower);
  if (first) [, qualifier, word, clockText] = first as unknown as [string, string | undefined, string, string | undefined];
  else if (last) [, clockText, qualifier, word] = last as unknown as [string, string, string | undefined, string];
  else return null;
  const date = namedDate(localDate(new Date(ctx.refMs), ctx.zone), qualifier, word);
  if (!date) return null;
  const clock = clockText === undefined ? { hour: 0, minute: 0, second: 0 } : parseClock(clockText.trim());
  if (!clock) return null;
  return fromWall(ctx, { ...dateParts(date), ...clock }, 'named_day', clockText === undefined);
}

// ---------------------------------------------------------------------------------------------
// Natural language through chrono (English)

const NAMED_WORD_RE = new RegExp(`\\b(${Object.keys(WEEKDAY_NAMES).join('|')})\\b`, 'i');
const CASUAL_DAY_RE = /\b(today|tonight|tomorrow|tmrw|yesterday)\b/i;
// chrono implies a time for these without marking the hour certain.
const IMPLIED_TIME_TAG = /^casualReference\/(now|morning|afternoon|evening|noon|midnight|night|tonight)/;

function parseNatural(ctx: Ctx, text: string): ParsedTime | null {
  const offsetMinutes = Math.round(offsetMsAt(ctx.refMs, ctx.zone) / MINUTE_MS);
  const results = casual.parse(text, { instant: new Date(ctx.refMs), timezone: offsetMinutes }, { forwardDate: true });
  if (results.length !== 1) return null;
  const r = results[0]!;
  // The whole input must be understood: 'foo June 1' is refused, not read as 'June 1'.
  const rest = text.slice(0, r.index) + text.slice(r.index + r.text.length);
  if (!/^[\s,.;:!?]*$/.test(rest)) return null;

  const c = r.start;
  const tags = [...r.tags()];
  const relative = tags.includes('result/relativeDate');
  const timeKnown = c.isCertain('hour') || relative || tags.some((t) => IMPLIED_TIME_TAG.test(t));
  const get = (k: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second') => c.get(k) ?? 0;
  const clock = timeKnown ? { hour: get('hour'), minute: get('minute'), second: get('second') } : { hour: 0, minute: 0, second: 0 };
  let date = `${String(get('year')).padStart(4, '0')}-${String(get('month')).padStart(2, '0')}-${String(get('day')).padStart(2, '0')}`;
  if (!isRealDate(get('year'), get('month'), get('day'))) return null;

  let kind: TimeKind = relative ? 'relative' : 'natural';
  const weekday = NAMED_WORD_RE.exec(text);
  if (weekday && !c.isCertain('day')) {
    // chrono's own weekday choice may be today or earlier; the contract's is strictly after today.
    const word = weekday[1]!.toLowerCase();
    const qualifier = /\blast\s+\w+day\b/i.test(text) ? 'last' : undefined;
    date = namedDate(localDate(new Date(ctx.refMs), ctx.zone), qualifier, word)!;
    kind = 'named_day';
  } else if (CASUAL_DAY_RE.test(text)) {
    kind = 'named_day';
  }
  const wall = { ...dateParts(date), ...clock };
  if (c.isCertain('timezoneOffset')) {
    // An explicit zone in the text ('10am EST') or chrono's exact elapsed time ('in half an hour').
    if (!isRealDate(wall.year, wall.month, wall.day)) return null;
    const ms = wallPartsToMs(wall) - (c.get('timezoneOffset') ?? 0) * MINUTE_MS;
    return result(ctx, ms, kind, false, null);
  }
  return fromWall(ctx, wall, kind, !timeKnown);
}

// ---------------------------------------------------------------------------------------------

function resolveZone(opts: ParseTimeOptions): string {
  const zone = opts.timeZone || opts.defaultTimeZone || 'UTC';
  if (!isValidTimeZone(zone)) throw new RangeError(`invalid time zone '${zone}'`);
  return zone;
}

/**
 * Why an input gave no time: not understood at all, or understood but naming an instant beyond
 * what a four-digit-year calendar holds (`9999-12-31T23:00:00Z`, `in 999999 years`).
 */
export type TimeFailure = 'unparseable' | 'out_of_range';

/**
 * Parses a Time Utils input, saying why when it gives no time; throws RangeError for an invalid
 * zone or reference (the caller's own validation failed). Results have second precision. The
 * supported range of events and windows (range.ts) is narrower and is the caller's check.
 */
export function readTime(input: string, opts: ParseTimeOptions): ParsedTime | TimeFailure {
  const zone = resolveZone(opts);
  const refMs = opts.reference.getTime();
  if (!Number.isFinite(refMs)) throw new RangeError('invalid reference instant');
  if (typeof input !== 'string') return 'unparseable';
  const text = input.trim().replace(/\s+/g, ' ');
  if (!text || text.length > 200) return 'unparseable';
  const ctx: Ctx = { input, zone, refMs: refMs - (((refMs % SECOND_MS) + SECOND_MS) % SECOND_MS) };
  try {
    const isoResult = parseIso(ctx, text);
    if (isoResult === INVALID) return 'unparseable';
    return isoResult ?? parseRelative(ctx, text) ?? parseNamedDay(ctx, text) ?? parseNatural(ctx, text) ?? 'unparseable';
  } catch (e) {
    // Arithmetic past year 9999 (or before year 1) is a time out of range, not a server error.
    if (e instanceof RangeError) return 'out_of_range';
    throw e;
  }
}

/** As `readTime`, null when the input gives no time (for whatever reason). */
export function parseTime(input: string, opts: ParseTimeOptions): ParsedTime | null {
  const r = readTime(input, opts);
  return typeof r === 'string' ? null : r;
}

