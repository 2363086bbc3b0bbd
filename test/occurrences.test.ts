// Occurrences (src/time/occurrences.ts): the id codec, the expansion with overrides, and every
// route that takes an event id answering a made-up occurrence id the same way (404 problem+json)
// while touching nothing.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import {
  RANGE_MAX_MS, RANGE_MIN_MS, expandOccurrences, instantToWall, isOccurrence, occurrenceId, parseEventId, toUtcBasic,
  type Occurrence, type OccurrenceChange, type SeriesFacts,
} from '../src/time';
import { calendarTenant, call, expectProblem, type Answer, type Cal } from './helpers';

let c: Cal;
let series: any;
let labelId: string;
/** What a plain unknown event id answers: every made-up occurrence id must answer the same. */
let reference: Record<string, unknown>;
const ids: Record<string, string> = {};

const inbox = () => c.t.inboxId;
const session = () => ({ token: c.t.session });
/** The problem without the per-request id. */
const problemOf = (r: Answer) => {
  expectProblem(r, 404, 'not_found');
  const { request_id: _id, ...rest } = r.body;
  return rest;
};

/** Every route that takes an event id (the context routes with entity_type `event`). */
const routes: Record<string, (id: string) => Promise<Answer>> = {
  'GET event': (id) => call('GET', `/v1/calendar/events/${id}/?inbox_id=${inbox()}`, session()),
  'PATCH event': (id) => call('PATCH', `/v1/calendar/events/${id}/`, { ...session(), body: { inbox_id: inbox(), title: 'Changed' } }),
  'DELETE event': (id) => call('DELETE', `/v1/calendar/events/${id}/?inbox_id=${inbox()}`, session()),
  'POST event label': (id) => call('POST', `/v1/calendar/events/${id}/labels/`, { ...session(), body: { inbox_id: inbox(), label_id: labelId } }),
  'DELETE event label': (id) => call('DELETE', `/v1/calendar/events/${id}/labels/${labelId}/?inbox_id=${inbox()}`, session()),
  'POST context entity': (id) => call('POST', `/v1/context/${labelId}/entities/`, { ...session(), body: { inbox_id: inbox(), entity_type: 'event', entity_id: id } }),
  'DELETE context entity': (id) => call('DELETE', `/v1/context/${labelId}/entities/event/${id}/?inbox_id=${inbox()}`, session()),
};

/** Made-up occurrence ids, by what is wrong with them (filled in once the events exist). */
const cases: Array<[string, () => string]> = [
  ['a time of day the series does not use', () => `${series.event_id}_20240603T140000Z`],
  ['a day the series skips', () => `${series.event_id}_20240604T130000Z`],
  ['a date after the last occurrence', () => `${series.event_id}_20240812T130000Z`],
  ['a time before the supported range', () => `${series.event_id}_18991231T230000Z`],
  ['a time after the supported range', () => `${series.event_id}_22010101T000000Z`],
  ['an impossible date', () => `${series.event_id}_20240230T130000Z`],
  ['hour 24', () => `${series.event_id}_20240603T240000Z`],
  ['a short suffix', () => `${series.event_id}_20240603T1300Z`],
  ['a lower-case suffix', () => `${series.event_id}_20240603t130000z`],
  ['a single event at its own start', () => `${ids.single}_20240603T130000Z`],
  ["another tenant's series", () => `${ids.foreign}_20240603T130000Z`],
];

beforeAll(async () => {
  c = await calendarTenant();
  const other = await calendarTenant();
  const weekly = { title: 'Weekly', start: '2024-06-03T09:00:00', time_zone: 'America/New_York', duration: 'PT1H', recurrence_rules: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10'] };
  series = await c.ev(weekly);
  ids.single = (await c.ev({ title: 'Once', start: '2024-06-03T13:00:00Z', duration: 'PT1H' })).event_id;
  ids.foreign = (await other.ev(weekly)).event_id;
  const label = await call('POST', '/v1/context/', { ...session(), body: { inbox_id: inbox(), name: 'Projects', label_type: 'calendar' } });
  expect(label.status).toBe(201);
  labelId = label.body.label_id;
  expect((await routes['POST event label']!(series.event_id)).status).toBe(204);
  series = (await call('GET', `/v1/calendar/events/${series.event_id}/?inbox_id=${inbox()}`, session())).body;
  expect(series.label_ids).toEqual([labelId]);
  reference = problemOf(await routes['GET event']!('evt_nothing'));
});

describe('a made-up occurrence id is the same 404 on every route', () => {
  it('a real occurrence is found (the control)', async () => {
    const r = await routes['GET event']!(`${series.event_id}_20240603T130000Z`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ recurring_event_id: series.event_id, start: '2024-06-03T09:00:00' });
  });

  describe.each(cases)('%s', (_name, idOf) => {
    it.each(Object.keys(routes))('%s', async (route) => {
      expect(problemOf(await routes[route]!(idOf()))).toEqual(reference);
    });
  });

  it('and nothing changed: the series keeps its rules, its label and no override', async () => {
    const now = await call('GET', `/v1/calendar/events/${series.event_id}/?inbox_id=${inbox()}`, session());
    expect(now.body).toEqual(series);
    const list = await c.window('2024-06-01T00:00:00Z', '2024-09-01T00:00:00Z');
    const mine = list.results.filter((e: any) => e.recurring_event_id === series.event_id);
    expect(mine).toHaveLength(10);
    expect(mine.every((e: any) => e.title === 'Weekly')).toBe(true);
    const label = await call('GET', `/v1/context/${labelId}/?inbox_id=${inbox()}`, session());
    expect(label.body.entities.results.map((e: any) => e.entity_id)).toEqual([series.event_id]);
  });
});

// ---------------------------------------------------------------------------------------------
// The pure module

/** Anything shaped like an occurrence id (a non-empty series id, then the suffix). */
const SUFFIX = /^.+_\d{8}T\d{6}Z$/s;
const utc = (iso: string) => new Date(iso);
/** Whole-second instants from year 1 to 9999 (setUTCFullYear: Date.UTC reads years 0–99 as 19xx). */
const yearStart = (y: number) => new Date(0).setUTCFullYear(y, 0, 1);
const seconds = (lo: number, hi: number) => fc.integer({ min: Math.ceil(lo / 1000), max: Math.floor(hi / 1000) }).map((s) => new Date(s * 1000));
const inRange = seconds(RANGE_MIN_MS, RANGE_MAX_MS - 1000);
const outOfRange = fc.oneof(seconds(yearStart(1), RANGE_MIN_MS - 1000), seconds(RANGE_MAX_MS, yearStart(10000) - 1000));
const seriesIds = fc.oneof(fc.stringMatching(/^evt_[0-9a-z]{26}$/), fc.string({ minLength: 1 }), fc.string({ minLength: 1, unit: 'binary' }));

describe('the occurrence id codec', () => {
  it('format then parse is the identity for any in-range instant and any series id', () => {
    fc.assert(fc.property(seriesIds, inRange, (id, at) => {
      expect(parseEventId(occurrenceId(id, at))).toEqual({ seriesId: id, originalStart: at });
    }), { numRuns: 3000 });
  });

  it('the edges of the supported range', () => {
    expect(parseEventId('evt_a_19000101T000000Z')).toEqual({ seriesId: 'evt_a', originalStart: utc('1900-01-01T00:00:00Z') });
    expect(parseEventId('evt_a_22001231T235959Z')).toEqual({ seriesId: 'evt_a', originalStart: utc('2200-12-31T23:59:59Z') });
    expect(parseEventId('evt_a_18991231T235959Z')).toBeNull();
    expect(parseEventId('evt_a_22010101T000000Z')).toBeNull();
  });

  it('refuses an occurrence suffix outside the range or not a real UTC time', () => {
    fc.assert(fc.property(seriesIds, outOfRange, (id, at) => {
      expect(parseEventId(`${id}_${toUtcBasic(at)}`)).toBeNull();
    }), { numRuns: 2000 });
    for (const bad of ['00500603T130000Z', '20240230T130000Z', '20230229T130000Z', '20241301T130000Z', '20240600T130000Z',
      '20240603T240000Z', '20240603T136000Z', '20240603T130060Z']) {
      expect(parseEventId(`evt_a_${bad}`), bad).toBeNull();
    }
    expect(parseEventId('evt_a_20240229T130000Z')?.originalStart).toEqual(utc('2024-02-29T13:00:00Z'));
  });

  it('parse takes nothing else as an occurrence: any string is a series id, refused, or exactly an occurrence id', () => {
    const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
    const suffixed = fc.tuple(fc.string(), digits(8), digits(6)).map(([id, d, t]) => `${id}_${d}T${t}Z`);
    const nearMiss = fc.tuple(seriesIds, inRange, fc.constantFrom('z', 't', ' ', '0', '_', '\n')).map(([id, at, c]) => {
      const good = occurrenceId(id, at);
      return [`${good}${c}`, good.replace(/T(\d{6}Z)$/, `${c}$1`), good.replace(/Z$/, c), good.slice(0, -2) + good.slice(-1)][(((at.getTime() / 1000) % 4) + 4) % 4]!;
    });
    fc.assert(fc.property(fc.oneof(fc.string(), suffixed, nearMiss), (s) => {
      const ref = parseEventId(s);
      if (ref === null) {
        expect(s).toMatch(SUFFIX);
      } else if (ref.originalStart === null) {
        expect(ref.seriesId).toBe(s);
        expect(s).not.toMatch(SUFFIX);
      } else {
        expect(occurrenceId(ref.seriesId, ref.originalStart)).toBe(s);
        expect(ref.originalStart.getTime()).toBeGreaterThanOrEqual(RANGE_MIN_MS);
        expect(ref.originalStart.getTime()).toBeLessThan(RANGE_MAX_MS);
      }
    }), { numRuns: 3000 });
    expect(parseEventId('evt_a')).toEqual({ seriesId: 'evt_a', originalStart: null });
    expect(parseEventId('evt_a_20240603T1300Z')).toEqual({ seriesId: 'evt_a_20240603T1300Z', originalStart: null });
    expect(parseEventId('_20240603T130000Z')).toEqual({ seriesId: '_20240603T130000Z', originalStart: null });
  });
});

describe('expansion with overrides, across a DST change', () => {
  // Mondays 09:00 New York: EST (14:00Z) until DST begins on Sunday 10 March 2024, then EDT (13:00Z).
  const series: SeriesFacts = {
    id: 'evt_s', startLocal: '2024-02-26T09:00:00', timeZone: 'America/New_York', durationSeconds: 1800, duration: 'PT30M',
    recurrenceRules: ['RRULE:FREQ=WEEKLY;BYDAY=MO'], isRecurring: true, title: 'Standup', location: null, status: 'confirmed',
  };
  type Change = OccurrenceChange & { note: string };
  const change = (original: string, note: string, c: Partial<OccurrenceChange>): Change => ({
    originalStartAt: utc(original), startAt: null, duration: null, durationSeconds: null, title: null, location: null, status: null, note, ...c,
  });
  const changes: Change[] = [
    change('2024-03-04T14:00:00Z', 'moved across the change', { startAt: utc('2024-03-12T14:00:00Z') }),
    change('2024-03-11T13:00:00Z', 'cancelled', { status: 'cancelled' }),
    change('2024-03-18T13:00:00Z', 'retitled', { title: 'Offsite', location: 'Lisbon', duration: 'PT2H', durationSeconds: 7200 }),
    change('2024-03-25T13:00:00Z', 'moved out', { startAt: utc('2024-04-03T15:00:00Z') }),
    change('2024-04-01T13:00:00Z', 'moved in', { startAt: utc('2024-03-20T13:00:00Z') }),
    change('2024-03-13T14:00:00Z', 'not an occurrence', { startAt: utc('2024-03-14T14:00:00Z') }),
  ];
  const march = { overlapping: { from: utc('2024-02-26T00:00:00Z'), to: utc('2024-03-31T00:00:00Z') } };
  const brief = (list: Array<Occurrence<string, Change>>) =>
    list.map((o) => [o.id.slice(6), o.startAt.toISOString().slice(0, 16), instantToWall(o.startAt, 'America/New_York').slice(11, 16), o.title, o.cancelled, o.moved, o.change?.note ?? null]);

  it('applies every change, moved occurrences matched by their new start', () => {
    const all = expandOccurrences(series, changes, { window: march });
    expect(brief(all)).toEqual([
      ['20240226T140000Z', '2024-02-26T14:00', '09:00', 'Standup', false, false, null],
      ['20240304T140000Z', '2024-03-12T14:00', '10:00', 'Standup', false, true, 'moved across the change'],
      ['20240311T130000Z', '2024-03-11T13:00', '09:00', 'Standup', true, false, 'cancelled'],
      ['20240318T130000Z', '2024-03-18T13:00', '09:00', 'Offsite', false, false, 'retitled'],
      ['20240401T130000Z', '2024-03-20T13:00', '09:00', 'Standup', false, true, 'moved in'],
    ]);
    const offsite = all[3]!;
    expect(offsite).toMatchObject({ location: 'Lisbon', duration: 'PT2H', durationSeconds: 7200, status: 'confirmed', span: { start: Date.parse('2024-03-18T13:00:00Z'), end: Date.parse('2024-03-18T15:00:00Z') } });
    expect(all[0]).toMatchObject({ originalStart: utc('2024-02-26T14:00:00Z'), location: null, duration: 'PT30M', durationSeconds: 1800, change: undefined });
  });

  it('drops cancelled or moved occurrences when asked', () => {
    expect(brief(expandOccurrences(series, changes, { window: march, cancelled: 'drop' })).map((r) => r[0])).toEqual(
      ['20240226T140000Z', '20240304T140000Z', '20240318T130000Z', '20240401T130000Z']);
    expect(brief(expandOccurrences(series, changes, { window: march, moved: 'exclude' })).map((r) => r[0])).toEqual(
      ['20240226T140000Z', '20240311T130000Z', '20240318T130000Z']);
  });

  it('an occurrence lengthened into the window from before it is found; a caller span decides the match', () => {
    const late = { overlapping: { from: utc('2024-03-18T14:00:00Z'), to: utc('2024-03-18T16:00:00Z') } };
    expect(brief(expandOccurrences(series, changes, { window: late })).map((r) => r[3])).toEqual(['Offsite']);
    // A span an hour longer than the occurrence, with the slack to find it.
    const span = (o: { startAt: Date; durationSeconds: number }) => ({ start: o.startAt.getTime(), end: o.startAt.getTime() + o.durationSeconds * 1000 + 3_600_000 });
    const after = { overlapping: { from: utc('2024-02-26T14:45:00Z'), to: utc('2024-02-26T15:00:00Z') } };
    expect(expandOccurrences(series, [], { window: after })).toEqual([]);
    expect(expandOccurrences(series, [], { window: { ...after, span, slackMs: 3_600_000 } }).map((o) => o.id)).toEqual(['evt_s_20240226T140000Z']);
  });

  it('reminders: occurrences starting in (after, through], moved ones by their new start', () => {
    const week = (after: string, through: string) => ({ startingIn: { after: utc(after), through: utc(through) } });
    const ids = (list: Array<{ id: string }>) => list.map((o) => o.id.slice(6));
    expect(ids(expandOccurrences(series, changes, { window: week('2024-03-11T12:00:00Z', '2024-03-18T13:00:00Z') })))
      .toEqual(['20240311T130000Z', '20240318T130000Z', '20240304T140000Z']);
    expect(ids(expandOccurrences(series, changes, { window: week('2024-03-11T12:00:00Z', '2024-03-18T13:00:00Z'), cancelled: 'drop', moved: 'exclude' })))
      .toEqual(['20240318T130000Z']);
    expect(ids(expandOccurrences(series, changes, { window: week('2024-03-18T13:00:00Z', '2024-03-19T00:00:00Z') }))).toEqual([]);
  });

  it('a single event has no occurrences; isOccurrence checks the exact start', () => {
    expect(expandOccurrences({ ...series, isRecurring: false, recurrenceRules: [] }, [], { window: march })).toEqual([]);
    expect(isOccurrence(series, utc('2024-03-11T13:00:00Z'))).toBe(true);
    expect(isOccurrence(series, utc('2024-03-11T14:00:00Z'))).toBe(false);
    expect(isOccurrence(series, utc('2024-03-04T14:00:00Z'))).toBe(true);
    expect(isOccurrence({ ...series, recurrenceRules: ['RRULE:FREQ=WEEKLY;BYDAY=MO', 'EXDATE:20240304T140000Z'] }, utc('2024-03-04T14:00:00Z'))).toBe(false);
    expect(isOccurrence({ ...series, isRecurring: false }, utc('2024-02-26T14:00:00Z'))).toBe(false);
  });
});
