/**
 * A zone's offset changes over a span of years, read from Intl, and grouped into the yearly
 * rules a VTIMEZONE speaks (RFC 5545 §3.6.5): "every year on the 2nd Sunday of March at 02:00,
 * −05:00 → −04:00". A calendar file then carries the zone's real history for the years it
 * uses, instead of a hand-written table that drifts from the tz database the rest of the API
 * expands in.
 *
 * Changes are found by sampling the offset every two days and bisecting to the second between
 * two samples that differ; this relies on what zones.ts already relies on, that no zone changes
 * offset twice within two days. Years are memoised per zone (facts about zones only, so safe to
 * share across requests in an isolate).
 */
import { intlOffsetMs } from './zone-offsets';
import { DAY_MS, SECOND_MS, daysInMonth, formatWallMs, wallPartsToMs } from './zones';

/** One offset change: from `at` (UTC ms, whole seconds) the offset is `to` instead of `from` (ms). */
export interface ZoneTransition {
  at: number;
  from: number;
  to: number;
}

const STEP_MS = 2 * DAY_MS;
const MAX_MEMO = 4000;
const memo = new Map<string, ZoneTransition[]>();

const yearStart = (y: number) => wallPartsToMs({ year: y, month: 1, day: 1, hour: 0, minute: 0, second: 0 });

/** The changes with `at` in (start of `year`, start of `year + 1`] (UTC), ascending. */
function transitionsInYear(tz: string, year: number): ZoneTransition[] {
  const key = `${tz}\n${year}`;
  const known = memo.get(key);
  if (known) return known;
  const out: ZoneTransition[] = [];
  const end = yearStart(year + 1);
  let t = yearStart(year);
  let off = intlOffsetMs(t, tz);
  while (t < end) {
    const next = Math.min(t + STEP_MS, end);
    const nextOff = intlOffsetMs(next, tz);
    if (nextOff !== off) {
      // Bisect to the first second of the new offset.
      let lo = t;
      let hi = next;
      while (hi - lo > SECOND_MS) {
        const mid = lo + Math.floor((hi - lo) / (2 * SECOND_MS)) * SECOND_MS;
        if (intlOffsetMs(mid, tz) === off) lo = mid;
        else hi = mid;
      }
      out.push({ at: hi, from: off, to: intlOffsetMs(hi, tz) });
    }
    t = next;
    off = nextOff;
  }
  if (memo.size >= MAX_MEMO) memo.delete(memo.keys().next().value!);
  memo.set(key, out);
  return out;
}

/** Every offset change of `tz` in the years fromYear–toYear (UTC), ascending. */
export function zoneTransitions(tz: string, fromYear: number, toYear: number): ZoneTransition[] {
  const out: ZoneTransition[] = [];
  for (let y = fromYear; y <= toYear; y++) out.push(...transitionsInYear(tz, y));
  return out;
}

/**
 * One STANDARD or DAYLIGHT component: its first onset (`start`, local wall time in the offset
 * before it, as RFC 5545 wants), the offsets either side, and — when the onset recurs yearly
 * by a weekday rule — that rule, ending with the onset at `untilMs` or running on for ever.
 */
export interface Observance {
  kind: 'standard' | 'daylight';
  start: string;
  offsetFrom: number;
  offsetTo: number;
  rule: { month: number; byDay: string; untilMs: number | null } | null;
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

interface Onset {
  t: ZoneTransition;
  year: number;
  /** What must agree for two onsets to share a rule (kind, offsets, month, time of day). */
  group: string;
  month: number;
  /** The weekday rules this onset satisfies ('2SU', '-1SU'). */
  keys: string[];
}

function onsetOf(t: ZoneTransition): Onset {
  const wall = t.at + t.from;
  const d = new Date(wall);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  const wd = WEEKDAYS[d.getUTCDay()]!;
  const nth = Math.ceil(day / 7);
  const keys = [...(day + 7 > daysInMonth(year, month) ? [`-1${wd}`] : []), ...(nth <= 4 ? [`${nth}${wd}`] : [])];
  const timeOfDay = ((wall % DAY_MS) + DAY_MS) % DAY_MS;
  return { t, year, month, keys, group: `${t.to > t.from ? 'daylight' : 'standard'}|${t.from}|${t.to}|${month}|${timeOfDay}` };
}

/**
 * The observances that give `tz` its real offsets from the start of `fromYear` through
 * `toYear`: the offset in force at the start, then each change. Changes in consecutive years
 * that follow one weekday rule become one observance with a yearly RRULE; the rules still in
 * force in `toYear` are left open-ended, so a reader extrapolates them as the tz database does.
 * Any other change is an observance of its own. A change to a higher offset is DAYLIGHT, to a
 * lower STANDARD (a label only: readers use the offsets).
 */
export function zoneObservances(tz: string, fromYear: number, toYear: number): Observance[] {
  const startMs = yearStart(fromYear);
  const first = intlOffsetMs(startMs, tz);
  const changes = zoneTransitions(tz, fromYear, toYear);
  const out: Observance[] = [{
    kind: changes[0] && changes[0].to < changes[0].from ? 'daylight' : 'standard',
    start: formatWallMs(startMs + first), offsetFrom: first, offsetTo: first, rule: null,
  }];
  type Run = { onsets: Onset[]; keys: string[] };
  const open = new Map<string, Run>();
  const runs: Run[] = [];
  for (const t of changes) {
    const o = onsetOf(t);
    const run = open.get(o.group);
    const shared = run ? run.keys.filter((k) => o.keys.includes(k)) : [];
    if (run && run.onsets.at(-1)!.year === o.year - 1 && shared.length > 0) {
      run.onsets.push(o);
      run.keys = shared;
    } else {
      const fresh = { onsets: [o], keys: o.keys };
      open.set(o.group, fresh);
      runs.push(fresh);
    }
  }
  for (const run of runs) {
    const head = run.onsets[0]!;
    const tail = run.onsets.at(-1)!;
    const kind = head.t.to > head.t.from ? 'daylight' : 'standard';
    const base = { kind, start: formatWallMs(head.t.at + head.t.from), offsetFrom: head.t.from, offsetTo: head.t.to } as const;
    if (run.onsets.length < 2 || run.keys.length === 0) {
      for (const o of run.onsets) out.push({ ...base, start: formatWallMs(o.t.at + o.t.from), rule: null });
      continue;
    }
    // A rule that was still followed in the last year probed runs on; the last-weekday form
    // is the one the tz database uses when both fit.
    const byDay = run.keys.find((k) => k.startsWith('-1')) ?? run.keys[0]!;
    const running = tail.year >= toYear;
    out.push({ ...base, rule: { month: head.month, byDay, untilMs: running ? null : tail.t.at } });
  }
  return out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}
