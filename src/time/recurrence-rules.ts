/**
 * Validation and normalisation of an event's `recurrence_rules` (RFC 5545 §3.3.10, §3.8.5):
 * at most one RRULE line plus any EXDATE / RDATE lines.
 */
import { isRealDate, isValidTimeZone } from './zones';

export type RecurrenceParse =
  | { ok: true; rrule: string | null; exdates: string[]; rdates: string[] }
  | { ok: false; message: string; line: number };

export type Freq = 'YEARLY' | 'MONTHLY' | 'WEEKLY' | 'DAILY' | 'HOURLY' | 'MINUTELY' | 'SECONDLY';
const FREQS: readonly Freq[] = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY', 'SECONDLY'];
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/**
 * COUNT is capped so that counting a series from its start stays cheap; INTERVAL so that a
 * typo cannot push occurrences past year 9999. Both far exceed any real calendar's needs.
 */
export const MAX_COUNT = 10_000;
export const MAX_INTERVAL = 1_000;
/** A COUNT-limited series is counted from its start; a thousand years bounds that walk. */
export const MAX_SPAN_YEARS = 1_000;
/** EXDATE + RDATE values per event. */
export const MAX_DATE_VALUES = 1_000;

/** A date or date-time value of UNTIL, EXDATE or RDATE. */
export type DateValue =
  | { kind: 'date'; date: string } // 'YYYY-MM-DD'
  | { kind: 'utc'; ms: number }
  | { kind: 'local'; wall: string; tzid: string | null }; // floating (tzid null) = event's zone

export interface RruleSpec {
  freq: Freq;
  interval: number;
  count: number | null;
  until: DateValue | null;
  /** BY* parts and WKST, normalised, in canonical order. */
  parts: Array<[string, string]>;
  /** The rule minus COUNT and UNTIL, for the expansion engine. */
  body: string;
  line: string;
}

export interface ParsedRecurrence {
  rrule: RruleSpec | null;
  exdates: DateValue[];
  rdates: DateValue[];
  exdateLines: string[];
  rdateLines: string[];
}

const PART_ORDER = [
  'BYMONTH', 'BYWEEKNO', 'BYYEARDAY', 'BYMONTHDAY', 'BYDAY', 'BYHOUR', 'BYMINUTE', 'BYSECOND', 'BYSETPOS', 'WKST',
];

class RuleError extends Error {}

function fail(message: string): never {
  throw new RuleError(message);
}

function intList(name: string, value: string, min: number, max: number, allowNegative: boolean): number[] {
  const out: number[] = [];
  for (const item of value.split(',')) {
    if (!/^[+-]?\d{1,3}$/.test(item)) fail(`${name} value '${item}' is not an integer`);
    const n = Number(item);
    const abs = Math.abs(n);
    if ((n < 0 && !allowNegative) || abs < min || abs > max || (allowNegative && n === 0)) {
      fail(`${name} value '${item}' is out of range (${allowNegative ? `±${Math.max(min, 1)}` : min}..${max})`);
    }
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

function parseByDay(value: string, freq: Freq, hasWeekNo: boolean): string[] {
  const out: string[] = [];
  for (const item of value.split(',')) {
    const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
    if (!m) fail(`BYDAY value '${item}' is not a weekday (MO..SU, optionally with an ordinal such as 1MO or -1FR)`);
    if (m[1] !== undefined) {
      const n = Number(m[1]);
      if (freq !== 'MONTHLY' && freq !== 'YEARLY') fail(`BYDAY ordinal '${item}' is only allowed with FREQ=MONTHLY or YEARLY`);
      if (freq === 'YEARLY' && hasWeekNo) fail(`BYDAY ordinal '${item}' is not allowed together with BYWEEKNO`);
      const max = freq === 'MONTHLY' ? 5 : 53;
      if (n === 0 || Math.abs(n) > max) fail(`BYDAY ordinal in '${item}' is out of range (±1..${max})`);
      const normal = `${n}${m[2]}`;
      if (!out.includes(normal)) out.push(normal);
    } else if (!out.includes(m[2]!)) {
      out.push(m[2]!);
    }
  }
  return out;
}

function parseDateValue(text: string, what: string, allowZ: boolean): DateValue {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(text);
  if (!m) fail(`${what} '${text}' is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(y, mo, d)) fail(`${what} '${text}' is not a real date`);
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  if (m[4] === undefined) return { kind: 'date', date };
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) fail(`${what} '${text}' is not a valid time`);
  const wall = `${date}T${m[4]}:${m[5]}:${m[6]}`;
  if (m[7]) {
    if (!allowZ) fail(`${what} '${text}' must not end in Z when TZID is given`);
    return { kind: 'utc', ms: Date.parse(`${wall}Z`) };
  }
  return { kind: 'local', wall, tzid: null };
}

function parseRrule(value: string): RruleSpec {
  const raw = value.replace(/;$/, '').split(';');
  const given = new Map<string, string>();
  for (const part of raw) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) fail(`RRULE part '${part}' is not NAME=VALUE`);
    const name = part.slice(0, eq).trim().toUpperCase();
    if (given.has(name)) fail(`RRULE part ${name} is given twice`);
    given.set(name, part.slice(eq + 1).trim().toUpperCase());
  }
  const known = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', ...PART_ORDER]);
  for (const name of given.keys()) if (!known.has(name)) fail(`unknown RRULE part '${name}'`);

  const freqText = given.get('FREQ');
  if (!freqText) fail('RRULE needs FREQ');
  if (!(FREQS as readonly string[]).includes(freqText)) fail(`FREQ '${freqText}' is not one of ${FREQS.join(', ')}`);
  const freq = freqText as Freq;

  const positive = (name: string, max: number): number | null => {
    const v = given.get(name);
    if (v === undefined) return null;
    if (!/^\d{1,6}$/.test(v) || Number(v) < 1 || Number(v) > max) fail(`${name} must be an integer from 1 to ${max}, got '${v}'`);
    return Number(v);
  };
  const interval = positive('INTERVAL', MAX_INTERVAL) ?? 1;
  const count = positive('COUNT', MAX_COUNT);
  const untilText = given.get('UNTIL');
  if (count !== null && untilText !== undefined) fail('COUNT and UNTIL must not both be given');
  const until = untilText === undefined ? null : parseDateValue(untilText, 'UNTIL', true);
  const periodYears = {
    YEARLY: 1, MONTHLY: 1 / 12, WEEKLY: 7 / 365.25, DAILY: 1 / 365.25, HOURLY: 1 / 8766, MINUTELY: 1 / 525_960, SECONDLY: 1 / 31_557_600,
  }[freq];
  if (count !== null && count * interval * periodYears > MAX_SPAN_YEARS) {
    fail(`COUNT=${count} with FREQ=${freq}${interval > 1 ? `;INTERVAL=${interval}` : ''} spans more than ${MAX_SPAN_YEARS} years`);
  }

  const has = (n: string) => given.has(n);
  const parts: Array<[string, string]> = [];
  for (const name of PART_ORDER) {
    const v = given.get(name);
    if (v === undefined) continue;
    let norm: Array<number | string>;
    switch (name) {
      case 'BYMONTH': norm = intList(name, v, 1, 12, false); break;
      case 'BYWEEKNO':
        if (freq !== 'YEARLY') fail('BYWEEKNO is only allowed with FREQ=YEARLY');
        norm = intList(name, v, 1, 53, true); break;
      case 'BYYEARDAY':
        if (freq === 'DAILY' || freq === 'WEEKLY' || freq === 'MONTHLY') fail(`BYYEARDAY is not allowed with FREQ=${freq}`);
        norm = intList(name, v, 1, 366, true); break;
      case 'BYMONTHDAY':
        if (freq === 'WEEKLY') fail('BYMONTHDAY is not allowed with FREQ=WEEKLY');
        norm = intList(name, v, 1, 31, true); break;
      case 'BYDAY': norm = parseByDay(v, freq, has('BYWEEKNO')); break;
      case 'BYHOUR': norm = intList(name, v, 0, 23, false); break;
      case 'BYMINUTE': norm = intList(name, v, 0, 59, false); break;
      case 'BYSECOND': norm = intList(name, v, 0, 59, false); break;
      case 'BYSETPOS':
        if (!PART_ORDER.some((p) => p.startsWith('BY') && p !== 'BYSETPOS' && has(p))) fail('BYSETPOS needs another BYxxx part');
        norm = intList(name, v, 1, 366, true); break;
      default: // WKST
        if (!WEEKDAYS.includes(v)) fail(`WKST '${v}' is not a weekday (MO..SU)`);
        norm = [v];
    }
    parts.push([name, norm.join(',')]);
  }
  assertMonthDaysPossible(given);

  const head = [`FREQ=${freq}`, ...(given.has('INTERVAL') ? [`INTERVAL=${interval}`] : [])];
  const bodyParts = [...head, ...parts.map(([k, v]) => `${k}=${v}`)];
  const limit = count !== null ? [`COUNT=${count}`] : untilText !== undefined ? [`UNTIL=${untilText}`] : [];
  const line = `RRULE:${[...head, ...limit, ...parts.map(([k, v]) => `${k}=${v}`)].join(';')}`;
  return { freq, interval, count, until, parts, body: bodyParts.join(';'), line };
}

/** A rule such as BYMONTH=2;BYMONTHDAY=30 can never occur; refuse it rather than search forever. */
function assertMonthDaysPossible(given: Map<string, string>): void {
  const md = given.get('BYMONTHDAY');
  if (!md) return;
  const months = given.get('BYMONTH')?.split(',').map(Number) ?? [1];
  const days = md.split(',').map(Number);
  const possible = months.some((m) => days.some((d) => isRealDate(2000, m, Math.abs(d))));
  if (!possible) fail(`BYMONTHDAY=${md} never falls in BYMONTH=${given.get('BYMONTH')}`);
}

function parseDateLine(kind: 'EXDATE' | 'RDATE', params: string, values: string): { values: DateValue[]; lines: string[] } {
  let tzid: string | null = null;
  let valueType: 'DATE' | 'DATE-TIME' | null = null;
  for (const param of params.split(';').filter(Boolean)) {
    const eq = param.indexOf('=');
    const name = param.slice(0, eq).toUpperCase();
    const v = param.slice(eq + 1).replace(/^"(.*)"$/, '$1');
    if (eq <= 0) fail(`${kind} parameter '${param}' is not NAME=VALUE`);
    if (name === 'TZID') {
      if (!isValidTimeZone(v)) fail(`${kind} TZID '${v}' is not an IANA time zone`);
      tzid = v;
    } else if (name === 'VALUE') {
      const t = v.toUpperCase();
      if (t === 'PERIOD') fail(`${kind};VALUE=PERIOD is not supported`);
      if (t !== 'DATE' && t !== 'DATE-TIME') fail(`${kind} VALUE '${v}' must be DATE or DATE-TIME`);
      valueType = t;
    } else {
      fail(`unsupported ${kind} parameter '${name}'`);
    }
  }
  if (tzid && valueType === 'DATE') fail(`${kind} must not combine TZID with VALUE=DATE`);
  const out: DateValue[] = [];
  const lines: string[] = [];
  for (const item of values.split(',').map((s) => s.trim())) {
    if (!item) fail(`${kind} has an empty value`);
    const v = parseDateValue(item.toUpperCase(), `${kind} value`, tzid === null);
    if (valueType === 'DATE' && v.kind !== 'date') fail(`${kind} value '${item}' is not a date but VALUE=DATE`);
    if (valueType === 'DATE-TIME' && v.kind === 'date') fail(`${kind} value '${item}' is a date but VALUE=DATE-TIME`);
    const value: DateValue = v.kind === 'local' ? { ...v, tzid } : v;
    out.push(value);
    const compact = item.toUpperCase();
    lines.push(
      value.kind === 'date' ? `${kind};VALUE=DATE:${compact}` : value.kind === 'local' && value.tzid ? `${kind};TZID=${value.tzid}:${compact}` : `${kind}:${compact}`,
    );
  }
  return { values: out, lines };
}

/** Throws nothing; the detailed result is for the service layer. */
export function parseRecurrence(lines: string[]): { ok: true; value: ParsedRecurrence } | { ok: false; message: string; line: number } {
  const result: ParsedRecurrence = { rrule: null, exdates: [], rdates: [], exdateLines: [], rdateLines: [] };
  if (!Array.isArray(lines)) return { ok: false, message: 'recurrence rules must be a list of lines', line: 0 };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    try {
      if (typeof raw !== 'string') fail('line is not a string');
      const text = raw.trim();
      const m = /^(RRULE|EXDATE|RDATE)((?:;[^:]*)?):(.*)$/i.exec(text);
      if (!m) fail(`'${text.slice(0, 60)}' is not an RRULE:, EXDATE: or RDATE: line`);
      const name = m[1]!.toUpperCase();
      if (!m[3]!.trim()) fail(`${name} has no value`);
      if (name === 'RRULE') {
        if (m[2]) fail('RRULE takes no parameters');
        if (result.rrule) fail('only one RRULE line is allowed');
        result.rrule = parseRrule(m[3]!.trim());
      } else {
        const kind = name as 'EXDATE' | 'RDATE';
        const parsed = parseDateLine(kind, m[2]!, m[3]!);
        const target = kind === 'EXDATE' ? result.exdates : result.rdates;
        const targetLines = kind === 'EXDATE' ? result.exdateLines : result.rdateLines;
        parsed.values.forEach((v, j) => {
          if (!targetLines.includes(parsed.lines[j]!)) {
            target.push(v);
            targetLines.push(parsed.lines[j]!);
          }
        });
        if (result.exdates.length + result.rdates.length > MAX_DATE_VALUES) fail(`more than ${MAX_DATE_VALUES} EXDATE/RDATE values`);
      }
    } catch (e) {
      if (e instanceof RuleError) return { ok: false, message: `line ${i + 1}: ${e.message}`, line: i };
      throw e;
    }
  }
  return { ok: true, value: result };
}

/**
 * Validates and normalises recurrence lines. The RRULE comes back as one canonical line
 * ('RRULE:FREQ=WEEKLY;COUNT=5;BYDAY=MO'); every EXDATE/RDATE value comes back as its own
 * self-describing line ('EXDATE:20240603T130000Z', 'EXDATE;TZID=Europe/Berlin:20240603T090000',
 * 'RDATE;VALUE=DATE:20240603'), so `[rrule, ...exdates, ...rdates]` is the normalised list.
 */
export function parseRecurrenceRules(lines: string[]): RecurrenceParse {
  const r = parseRecurrence(lines);
  if (!r.ok) return r;
  return { ok: true, rrule: r.value.rrule?.line ?? null, exdates: r.value.exdateLines, rdates: r.value.rdateLines };
}
