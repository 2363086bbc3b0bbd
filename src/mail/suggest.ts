/**
 * Suggested events (docs/mail.md): the meeting an inbound message proposes, read from its own text
 * (quoted replies left out) with chrono-node, English, anchored at the message's `sent_at` in
 * the inbox zone. Pure: the store writes what this returns.
 *
 * - The proposal is the first date with a time of day that lies after the mail arrived; a date
 *   without a time, or a time already past, proposes nothing.
 * - A weekday name is the first such day strictly after the mail's local date (§3).
 * - The duration is the stated one ("for 45 minutes", "3–4pm"), else PT30M; the location is
 *   what follows "at"/"in" when it is a name ("at Café Luna", "in Room B"), else "".
 */
import { casual } from 'chrono-node/en';
import { namedDate } from '../time/parse';
import { parseDuration } from '../time/duration';
import {
  MINUTE_MS, formatWallMs, isRealDate, localDate, offsetMsAt, wallMsToInstantMs, wallPartsToMs,
} from '../time/zones';
import { stripPrefixes } from './headers';

export interface Suggestion {
  title: string;
  /** Local wall time `YYYY-MM-DDTHH:mm:ss` in `timeZone`. */
  startLocal: string;
  startAt: Date;
  timeZone: string;
  duration: string;
  location: string;
}

export const DEFAULT_DURATION = 'PT30M';

/**
 * The author's own words: quoted lines (`>`) go, and so does everything from an attribution line
 * ("On Tue, 2 Jun 2026, Alice <a@b> wrote:", which clients may wrap over two lines) on, and a
 * signature after "-- ".
 */
export function ownText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (/^on\b.{0,300}\bwrote:\s*$/i.test(trimmed)) break;
    if (/^on\b/i.test(trimmed) && /^\S*.{0,200}\bwrote:\s*$/i.test((lines[i + 1] ?? '').trim()) && !/wrote:\s*$/i.test(trimmed)
      && /\d|@/.test(trimmed)) break;
    if (/^-----\s*original message\s*-----$/i.test(trimmed)) break;
    if (line === '-- ' || line === '--') break;
    if (trimmed.startsWith('>')) continue;
    kept.push(line);
  }
  return kept.join('\n');
}

const WEEKDAY_RE = /\b(sun|mon|tue|tues|wed|thu|thur|thurs|fri|sat)(?:day|nesday|rsday|urday|sday)?\b/i;
const WEEKDAYS: Record<string, string> = {
  sun: 'sunday', mon: 'monday', tue: 'tuesday', tues: 'tuesday', wed: 'wednesday', thu: 'thursday',
  thur: 'thursday', thurs: 'thursday', fri: 'friday', sat: 'saturday',
};

/** "for 45 minutes", "for an hour", "for 1.5 hours", "for half an hour", "for an hour and a half". */
const DURATION_RE = /\bfor\s+(half an hour|(?:an?|one|two|three|four|\d+(?:[.,]\d+)?)\s*(?:hours?|hrs?|minutes?|mins?)\b(?:\s+and\s+(?:a\s+half|\d+\s*(?:minutes?|mins?)))?)/i;

function statedDuration(text: string): string | null {
  const m = DURATION_RE.exec(text);
  if (!m) return null;
  const phrase = m[1]!.toLowerCase();
  if (phrase === 'half an hour') return 'PT30M';
  return parseDuration(phrase)?.iso ?? null;
}

/** Words after at/in that are times, dates or ordinary words rather than a place's name. */
const NOT_A_PLACE = /^(?:the\s+)?(?:\d|noon|midnight|midday|morning|afternoon|evening|night|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|today|tomorrow|tonight|next|this|my|your|our|their|his|her|its|a|an|i|we|you|it|person|total|least|all|advance|case|time|touch|order|general|fact|particular|mind|person|half|about|around)\b/i;

const PLACE_RE = /\b(?:at|in)\s+((?:the\s+)?[\p{Lu}\d][\p{L}\d'’&.-]*(?:\s+(?:[\p{Lu}\d][\p{L}\d'’&.-]*|of|de|la|le|du|am|an|der|on|the))*)/gu;

function statedLocation(text: string, skip: Array<[number, number]>): string {
  for (const m of text.matchAll(PLACE_RE)) {
    const start = m.index!;
    if (skip.some(([a, b]) => start >= a && start < b)) continue;
    const place = m[1]!.replace(/^the\s+/i, '').replace(/\s+(?:of|de|la|le|du|am|an|der|on|the)$/i, '').replace(/[.'’-]+$/, '').trim();
    if (!place || NOT_A_PLACE.test(place)) continue;
    return place;
  }
  return '';
}

/**
 * The meeting the text proposes, seen from a mail sent at `sentAt` and arrived at `arrivedAt`,
 * in `zone`; null when it proposes none.
 */
export function suggestMeeting(input: { subject: string; text: string; sentAt: Date; arrivedAt: Date; zone: string }): Suggestion | null {
  const text = ownText(input.text).slice(0, 20_000);
  if (!text.trim()) return null;
  const refMs = input.sentAt.getTime();
  const today = localDate(input.sentAt, input.zone);
  const offsetMinutes = Math.round(offsetMsAt(refMs, input.zone) / MINUTE_MS);
  // No forwardDate: "May 20 at 10am" in a June mail is the past May 20, not next year's.
  const results = casual.parse(text, { instant: input.sentAt, timezone: offsetMinutes });
  for (const r of results) {
    const c = r.start;
    if (!c.isCertain('hour')) continue;
    // An explicit zone ("3pm EST") or elapsed time ("in 2 hours") names an instant, not a wall time.
    let startMs: number;
    let date: string;
    if (c.isCertain('timezoneOffset')) {
      startMs = c.date().getTime();
    } else {
      const weekday = WEEKDAY_RE.exec(r.text);
      date = weekday && !c.isCertain('day')
        ? namedDate(today, /\blast\b/i.test(r.text) ? 'last' : undefined, WEEKDAYS[weekday[1]!.toLowerCase()]!)!
        : `${String(c.get('year')).padStart(4, '0')}-${String(c.get('month')).padStart(2, '0')}-${String(c.get('day')).padStart(2, '0')}`;
      const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
      if (!isRealDate(y, mo, d)) continue;
      startMs = wallMsToInstantMs(wallPartsToMs({ year: y, month: mo, day: d, hour: c.get('hour') ?? 0, minute: c.get('minute') ?? 0, second: 0 }), input.zone).ms;
    }
    if (!(startMs > input.arrivedAt.getTime())) continue;
    let duration = statedDuration(text);
    if (!duration && r.end?.isCertain('hour')) {
      const endMs = r.end.date().getTime() - c.date().getTime();
      const parsed = endMs > 0 ? parseDuration(`${Math.round(endMs / 60_000)} minutes`) : null;
      duration = parsed?.iso ?? null;
    }
    const startAt = new Date(startMs);
    return {
      title: stripPrefixes(input.subject) || 'Meeting',
      startLocal: formatWallMs(startMs + offsetMsAt(startMs, input.zone)),
      startAt,
      timeZone: input.zone,
      duration: duration ?? DEFAULT_DURATION,
      location: statedLocation(text, results.map((x) => [x.index, x.index + x.text.length])),
    };
  }
  return null;
}
