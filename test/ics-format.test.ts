// The iCalendar writer and reader (src/calendar/ics.ts, ics-lines.ts) and the VTIMEZONEs it generates
// (src/time/zone-transitions.ts): lines fold at 75 octets on character boundaries and unfold to
// what was folded; TEXT and parameter values survive escaping; whatever event is written reads
// back as itself; every generated zone gives ical.js the offsets Intl knows; bad input is an
// IcsError naming its line.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import ICAL from 'ical.js';
import { IcsError, icsDuration, parseIcsDuration, readCalendar, writeCalendar, type IcsEventOut } from '../src/calendar/ics';
import { escapeText, unfoldLines } from '../src/calendar/ics-lines';
import { foldLine, unescapeText } from '../src/formats/content-lines';
import { intlOffsetMs } from '../src/time/zone-offsets';
import { zoneTransitions } from '../src/time/zone-transitions';

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s);
const octets = (s: string) => bytes(s).length;

// Characters that stress escaping, quoting and folding: the escaped ones, parameter syntax,
// RFC 6868's caret, multi-byte UTF-8 (2, 3 and 4 octets), tabs, line breaks.
const trickyUnit = fc.constantFrom('a', 'Z', ' ', ',', ';', '\\', '\n', '\r', ':', '"', '^', '=', 'é', '中', '😀', '\t', 'n', 'N');
const anyText = fc.oneof(
  fc.string({ unit: trickyUnit, maxLength: 200, size: 'medium' }),
  fc.string({ unit: 'binary', maxLength: 200, size: 'medium' }),
);
/** What TEXT can carry: line breaks become LF, other control characters (and NUL) go. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what TEXT drops
const asText = (s: string) => s.replace(/\r\n|\r/g, '\n').replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');

describe('folding', () => {
  it('folds at 75 octets, never inside a character, and unfolds to the same line', () => {
    fc.assert(fc.property(anyText, (s) => {
      const line = `X-TEST:${s.replace(/[\r\n]/g, '')}`;
      const folded = foldLine(line);
      const physical = folded.split('\r\n');
      for (const [i, p] of physical.entries()) {
        expect(octets(p)).toBeLessThanOrEqual(75);
        if (i > 0) expect(p.startsWith(' ')).toBe(true);
        // No lone surrogate: no character was cut in two.
        expect(p).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
      }
      expect(unfoldLines(bytes(`${folded}\r\n`)).map((l) => l.text)).toEqual([line]);
    }), { numRuns: 500 });
  });

  it('unfolds on the bytes, so a fold inside a UTF-8 sequence still reads right; LF-only files too', () => {
    const raw = new Uint8Array([...bytes('SUMMARY:caf'), 0xc3, ...bytes('\r\n '), 0xa9, ...bytes('\nX:1\n')]);
    const lines = unfoldLines(raw);
    expect(lines.map((l) => l.text)).toEqual(['SUMMARY:café', 'X:1']);
    expect(lines.map((l) => l.line)).toEqual([1, 3]);
  });
});

describe('TEXT escaping', () => {
  it('unescape(escape(s)) is s (line breaks as LF), and the escaped text holds no raw break', () => {
    fc.assert(fc.property(anyText, (s) => {
      const e = escapeText(s);
      expect(e).not.toMatch(/[\r\n]/);
      expect(unescapeText(e)).toBe(asText(s));
      // Every `,` and `;` left is escaped.
      expect(e.replace(/\\\\/g, '').replace(/\\[,;n]/g, '')).not.toMatch(/[,;]/);
    }), { numRuns: 500 });
  });

  it('reads the escapes other writers use', () => {
    expect(unescapeText('a\\, b\\; c\\\\d\\Ne\\nf\\:g')).toBe('a, b; c\\d\ne\nf:g');
  });
});

describe('writing and reading back', () => {
  const event = (over: Partial<IcsEventOut>): IcsEventOut => ({
    uid: 'u1', modified: new Date('2024-05-01T00:00:00Z'), created: new Date('2024-05-01T00:00:00Z'),
    start: { kind: 'zoned', wall: '2024-06-03T09:00:00', tzid: 'Europe/Berlin' }, duration: 'PT1H',
    summary: 'x', description: null, location: null, status: 'confirmed', rrule: null, exdates: [], rdates: [],
    recurrenceId: null, participants: [], endsAt: null, ...over,
  });

  it('any summary, description, location, participant name and role, and UID read back as written', () => {
    const text = anyText.map(asText);
    const uid = anyText.map((s) => asText(s).trim()).filter((s) => s.length > 0 && s.length <= 255);
    fc.assert(fc.property(uid, text, fc.option(text, { nil: null }), fc.option(text, { nil: null }), text, text, (u, summary, description, location, name, role) => {
      const cleanName = name.trim() || null;
      const cleanRole = role.trim().toLowerCase() || null;
      const out = writeCalendar({ name: 'Cal', events: [event({ uid: u, summary, description, location, participants: [{ name: cleanName, email: 'a@example.com', role: cleanRole === 'organizer' ? null : cleanRole }] })] }, new Date('2024-06-01T00:00:00Z'));
      for (const l of out.split('\r\n')) expect(octets(l)).toBeLessThanOrEqual(75);
      const [g] = readCalendar(bytes(out));
      expect(g!.uid).toBe(u);
      expect(g!.master!.summary).toBe(summary);
      expect(g!.master!.description).toBe(description);
      expect(g!.master!.location).toBe(location);
      const roles = new Map([['req-participant', 'required'], ['opt-participant', 'optional']]);
      expect(g!.master!.participants).toEqual([{ name: cleanName, email: 'a@example.com', role: cleanRole && (roles.get(cleanRole) ?? cleanRole) }]);
    }), {
      numRuns: 300,
      // Roles are user text: names of Object.prototype's members once found a lookup's inherited ones.
      examples: [['u', 'a', null, null, '', 'constructor'], ['u', 'a', null, null, 'n', '__proto__'], ['u', 'a', null, null, 'n', 'toString']],
    });
  });

  it('times, rules and occurrence changes read back as written, and ical.js reads the same file', () => {
    const out = writeCalendar({
      name: null,
      events: [
        event({ rrule: 'FREQ=WEEKLY;BYDAY=MO', exdates: [{ kind: 'utc', ms: Date.parse('2024-06-10T07:00:00Z') }, { kind: 'zoned', wall: '2024-06-17T09:00:00', tzid: 'Europe/Berlin' }], rdates: [{ kind: 'zoned', wall: '2024-06-05T09:00:00', tzid: 'America/New_York' }] }),
        event({ recurrenceId: { kind: 'zoned', wall: '2024-06-24T09:00:00', tzid: 'Europe/Berlin' }, start: { kind: 'zoned', wall: '2024-06-24T11:00:00', tzid: 'Europe/Berlin' }, summary: 'moved' }),
        event({ uid: 'day', start: { kind: 'date', date: '2024-07-01' }, duration: 'P2D' }),
      ],
    }, new Date('2024-06-01T00:00:00Z'));
    const groups = readCalendar(bytes(out));
    expect(groups.map((g) => g.uid)).toEqual(['u1', 'day']);
    const [series, day] = groups;
    expect(series!.master!.rrule!.value).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(series!.master!.exdates.map((x) => x.time)).toEqual([{ kind: 'utc', ms: Date.parse('2024-06-10T07:00:00Z') }, { kind: 'zoned', wall: '2024-06-17T09:00:00', tzid: 'Europe/Berlin' }]);
    expect(series!.master!.rdates.map((x) => x.time)).toEqual([{ kind: 'zoned', wall: '2024-06-05T09:00:00', tzid: 'America/New_York' }]);
    expect(series!.instances[0]!.recurrenceId).toEqual({ kind: 'zoned', wall: '2024-06-24T09:00:00', tzid: 'Europe/Berlin' });
    expect(day!.master!.start).toEqual({ kind: 'date', date: '2024-07-01' });
    expect(day!.master!.durationSeconds).toBe(2 * 86_400);
    const cal = new ICAL.Component(ICAL.parse(out));
    expect(cal.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid')).sort()).toEqual(['America/New_York', 'Europe/Berlin']);
    const master = new ICAL.Event(cal.getAllSubcomponents('vevent')[0]!);
    expect(master.startDate.toJSDate().toISOString()).toBe('2024-06-03T07:00:00.000Z');
  });

  it('durations: exact seconds for timed events, days for all-day ones, and back', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 366 * 86_400 }), fc.boolean(), (n, days) => {
      const d = icsDuration(n, days);
      expect(parseIcsDuration(d)).toBe(n);
      expect(ICAL.Duration.fromString(d).toSeconds()).toBe(n);
      if (!days) expect(d).not.toMatch(/[DW]/);
    }));
    expect(parseIcsDuration('-PT15M')).toBe(-900);
    expect(parseIcsDuration('P1W')).toBe(604_800);
    for (const bad of ['P', 'PT', 'P1H', '1D', 'P1DT', 'PT1.5H']) expect(parseIcsDuration(bad)).toBeNull();
  });
});

describe('generated VTIMEZONEs', () => {
  const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'America/Sao_Paulo', 'Asia/Tehran', 'Africa/Casablanca', 'Pacific/Chatham', 'Asia/Kolkata', 'Europe/Dublin'];
  const nowish = new Date('2024-06-01T00:00:00Z');
  const from = Date.UTC(2000, 0, 1);
  const to = Date.UTC(2030, 0, 1);

  /** ical.js's reading of the VTIMEZONE written for a zone used 2000–2028. */
  function icalZone(tz: string) {
    const out = writeCalendar({ name: null, events: [{
      uid: 'z', modified: nowish, created: nowish, start: { kind: 'zoned', wall: '2001-01-01T12:00:00', tzid: tz }, duration: 'PT1H',
      summary: 'z', description: null, location: null, status: 'confirmed', rrule: null, exdates: [], rdates: [{ kind: 'zoned', wall: '2028-01-01T12:00:00', tzid: tz }],
      recurrenceId: null, participants: [], endsAt: null,
    }] }, nowish);
    const cal = new ICAL.Component(ICAL.parse(out));
    return new ICAL.Timezone(cal.getFirstSubcomponent('vtimezone')!);
  }

  for (const tz of zones) {
    it(`${tz}: ical.js reads the offsets Intl knows, outside the hours of a change`, () => {
      const zone = icalZone(tz);
      const changes = zoneTransitions(tz, 2000, 2030).map((t) => t.at);
      const awayFromChanges = fc.integer({ min: from / 1000, max: to / 1000 }).map((s) => s * 1000)
        .filter((ms) => changes.every((c) => Math.abs(c - ms) > 4 * 3_600_000));
      fc.assert(fc.property(awayFromChanges, (ms) => {
        const offset = intlOffsetMs(ms, tz);
        const wall = new Date(ms + offset);
        const t = ICAL.Time.fromData({
          year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(),
          hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds(),
        }, zone);
        expect(zone.utcOffset(t) * 1000).toBe(offset);
      }), { numRuns: 300 });
    });
  }

  it('a zone with DST gets yearly rules, not one component per change', () => {
    const out = writeCalendar({ name: null, events: [{
      uid: 'z', modified: nowish, created: nowish, start: { kind: 'zoned', wall: '2010-01-01T12:00:00', tzid: 'America/New_York' }, duration: 'PT1H',
      summary: 'z', description: null, location: null, status: 'confirmed', rrule: 'FREQ=YEARLY', exdates: [], rdates: [], recurrenceId: null, participants: [], endsAt: null,
    }] }, nowish);
    expect(out).toContain('RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n');
    expect(out).toContain('RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n');
    expect(out.match(/BEGIN:(STANDARD|DAYLIGHT)/g)).toHaveLength(3);
  });
});

describe('reading refuses what it cannot read, naming the line', () => {
  const wrap = (body: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${body}END:VCALENDAR\r\n`;
  const ev = (lines: string) => wrap(`BEGIN:VEVENT\r\nUID:x\r\n${lines}END:VEVENT\r\n`);
  const cases: Array<[string, string, number | null, RegExp]> = [
    ['no VCALENDAR', 'BEGIN:VEVENT\r\nEND:VEVENT\r\n', 1, /outside a VCALENDAR/],
    ['unclosed', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n', 2, /never closed/],
    ['mismatched END', wrap('BEGIN:VEVENT\r\nEND:VTODO\r\n'), 4, /does not close/],
    ['no colon', ev('SUMMARY\r\n'), 5, /no ':'/],
    ['no DTSTART', ev('SUMMARY:a\r\n'), 3, /no DTSTART/],
    ['bad date', ev('DTSTART:20240230T090000\r\n'), 5, /not a real date/],
    ['unknown TZID', ev('DTSTART;TZID=Mars/Olympus:20240603T090000\r\nDURATION:PT1H\r\n'), 5, /TZID 'Mars\/Olympus'/],
    ['EXRULE', ev('DTSTART:20240603T090000Z\r\nEXRULE:FREQ=DAILY\r\n'), 6, /EXRULE/],
    ['two RRULEs', ev('DTSTART:20240603T090000Z\r\nRRULE:FREQ=DAILY\r\nRRULE:FREQ=WEEKLY\r\n'), 7, /one RRULE/],
    ['PERIOD', ev('DTSTART:20240603T090000Z\r\nRDATE;VALUE=PERIOD:20240603T090000Z/PT1H\r\n'), 6, /PERIOD/],
    ['DTEND and DURATION', ev('DTSTART:20240603T090000Z\r\nDTEND:20240603T100000Z\r\nDURATION:PT1H\r\n'), 7, /both DTEND and DURATION/],
    ['no UID', wrap('BEGIN:VEVENT\r\nDTSTART:20240603T090000Z\r\nEND:VEVENT\r\n'), 3, /no UID/],
    ['bad UTF-8', 'BEGIN:VCALENDAR\r\nSUMMARY:\xff\r\n', 2, /UTF-8/],
  ];
  for (const [what, text, line, message] of cases) {
    it(what, () => {
      const input = what === 'bad UTF-8' ? new Uint8Array([...text].map((c) => c.charCodeAt(0))) : bytes(text);
      let error: unknown;
      try {
        readCalendar(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(IcsError);
      expect((error as IcsError).message).toMatch(message);
      expect((error as IcsError).line).toBe(line);
    });
  }

  it('names TZIDs the way other writers spell them', () => {
    const read = (tzid: string, extra = '') => readCalendar(bytes(wrap(`${extra}BEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID="${tzid}":20240603T090000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n`)))[0]!.master!.start;
    expect(read('America/New_York')).toEqual({ kind: 'zoned', wall: '2024-06-03T09:00:00', tzid: 'America/New_York' });
    expect(read('europe/berlin')).toMatchObject({ tzid: 'Europe/Berlin' });
    expect(read('/mozilla.org/20050126_1/America/New_York')).toMatchObject({ tzid: 'America/New_York' });
    expect(read('W. Europe Standard Time')).toMatchObject({ tzid: 'Europe/Berlin' });
    expect(read('Office zone', 'BEGIN:VTIMEZONE\r\nTZID:Office zone\r\nX-LIC-LOCATION:Asia/Tokyo\r\nEND:VTIMEZONE\r\n')).toMatchObject({ tzid: 'Asia/Tokyo' });
    expect(read('Etc/UTC')).toEqual({ kind: 'utc', ms: Date.parse('2024-06-03T09:00:00Z') });
  });
});
