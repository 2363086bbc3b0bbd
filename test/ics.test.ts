// iCalendar interchange (docs/interchange.md) through the real routes: the public feed (`feed_url`),
// rotating it, one event as a VCALENDAR, and importing text/calendar — every output read back by
// ical.js, DST series checked on both sides of the change, and imports that are idempotent,
// atomic and tenant-bound.
import { describe, it, expect, beforeAll } from 'vitest';
import { SELF } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import ICAL from 'ical.js';
import { calendarTenant, call, expectProblem, q, rowsOf, type Cal } from './helpers';
import { wallToInstant } from '../src/time/zones';

const NOW = '2024-02-01T12:00:00Z';

/** A GET without Authorization, as a calendar app subscribing to the feed makes it. */
const fetchFeed = (url: string, headers: Record<string, string> = {}) => call('GET', url.replace(/^http:\/\/inbox\.test/, ''), { headers });

async function collections(c: Cal) {
  const r = await call('GET', `/v1/calendar/collections/?${q(c.t)}`, { token: c.t.session });
  expect(r.status).toBe(200);
  return r.body as any[];
}

async function newCalendar(c: Cal, name: string) {
  const r = await call('POST', '/v1/calendar/collections/', { token: c.t.session, body: { inbox_id: c.t.inboxId, name } });
  expect(r.status).toBe(201);
  return r.body;
}

const importIcs = (c: Cal, text: string, query = '', contentType = 'text/calendar; charset=utf-8') =>
  call('POST', `/v1/calendar/events/import/?${q(c.t)}${query}`, { token: c.t.session, rawBody: text, headers: { 'content-type': contentType }, now: NOW });

const patch = (c: Cal, id: string, body: Record<string, unknown>) =>
  call('PATCH', `/v1/calendar/events/${id}/`, { token: c.t.session, body: { inbox_id: c.t.inboxId, ...body }, now: NOW });

/** A parsed VCALENDAR: its VTIMEZONE ids and its VEVENTs, exceptions related to their series. */
function readWithIcal(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  const vevents = cal.getAllSubcomponents('vevent');
  const masters = vevents.filter((v) => !v.hasProperty('recurrence-id')).map((v) => new ICAL.Event(v));
  for (const v of vevents.filter((x) => x.hasProperty('recurrence-id'))) {
    const uid = v.getFirstPropertyValue('uid');
    const master = masters.find((m) => m.uid === uid);
    if (master) master.relateException(v);
  }
  return { cal, masters, zones: cal.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid')) };
}

/** The UTC starts (and titles) of a series as ical.js expands it, changes applied. */
function icalOccurrences(ev: ICAL.Event, max = 50): Array<{ start: string; title: string }> {
  const out: Array<{ start: string; title: string }> = [];
  const it = ev.iterator();
  for (let next = it.next(); next && out.length < max; next = it.next()) {
    const d = ev.getOccurrenceDetails(next);
    out.push({ start: d.startDate.toJSDate().toISOString(), title: d.item.summary });
  }
  return out;
}

/**
 * A window listing reduced to what must survive an export and import: when, how long, what. A
 * timed occurrence by its instant and zone; an all-day one by its date (iCalendar dates carry
 * no zone: an import reads them in the inbox's).
 */
async function occurrencesOf(c: Cal, after: string, before: string, calendarId: string) {
  const list = await c.window(after, before, `&calendar_id=${calendarId}`);
  return list.results.map((e: any) => ({
    title: e.title, duration: e.duration, all_day: e.all_day,
    ...(e.all_day ? { date: e.start.slice(0, 10) } : { start: wallToInstant(e.start, e.time_zone).instant.toISOString(), time_zone: e.event_time_zone }),
    status: e.status, location: e.location, description: e.description,
    participants: e.participants.map((p: any) => [p.name, p.email, p.role]),
  }));
}

describe('iCalendar feed', () => {
  let c: Cal;
  let work: any;
  let nySeries: any;
  let berlinSeries: any;
  let cancelled: any;
  beforeAll(async () => {
    c = await calendarTenant();
    work = await newCalendar(c, 'Work');
    // New York leaves EST for EDT on 2024-03-10: 09:00 stays 09:00, UTC moves from 14:00 to 13:00.
    nySeries = await c.ev({
      calendar_id: work.id, title: 'Standup, daily; or so', start: '2024-03-04T09:00:00', duration: 'PT30M', time_zone: 'America/New_York',
      description: 'Line one\nLine two, with a comma; and a semicolon \\ and a backslash', location: 'Room 1',
      participants: [{ name: 'Alice Smith', email: 'alice@example.com', role: 'organizer' }, { name: 'Bob', email: 'bob@example.com', role: 'required' }, { name: 'Carol' }],
      recurrence_rules: ['RRULE:FREQ=WEEKLY;COUNT=5'],
    }, NOW);
    // Berlin leaves CEST on 2024-10-27: 10:00 is 08:00Z before, 09:00Z after.
    berlinSeries = await c.ev({ calendar_id: work.id, title: 'Jour fixe', start: '2024-10-14T10:00:00', duration: 'PT1H', time_zone: 'Europe/Berlin', recurrence_rules: ['RRULE:FREQ=WEEKLY;UNTIL=20241104'] }, NOW);
    cancelled = await c.ev({ calendar_id: work.id, title: 'Called off', start: '2024-03-05T12:00:00Z', duration: 'PT1H', status: 'cancelled' }, NOW);
    await c.ev({ calendar_id: work.id, title: 'Offsite', start: '2024-04-01', duration: 'P2D', time_zone: 'America/New_York' }, NOW);
    // Occurrence 2 moves an hour later, occurrence 3 is cancelled, occurrence 4 deleted (EXDATE).
    expect((await patch(c, `${nySeries.event_id}_20240311T130000Z`, { start: '2024-03-11T10:00:00', title: 'Standup (late)' })).status).toBe(200);
    expect((await patch(c, `${nySeries.event_id}_20240318T130000Z`, { status: 'cancelled' })).status).toBe(200);
    expect((await call('DELETE', `/v1/calendar/events/${nySeries.event_id}_20240325T130000Z/?${q(c.t)}`, { token: c.t.session, now: NOW })).status).toBe(204);
  });

  it('every calendar but Tasks has an absolute feed_url with a secret token', async () => {
    const all = await collections(c);
    for (const cal of all) {
      if (cal.kind === 'tasks') expect(cal.feed_url).toBeNull();
      else expect(cal.feed_url).toMatch(new RegExp(`^http://inbox\\.test/v1/calendar/collections/${cal.id}/feed\\.ics\\?token=[0-9a-f]{64}$`));
    }
    expect(new Set(all.map((x) => x.feed_url).filter(Boolean)).size).toBe(all.length - 1);
    expect(work.feed_url).toBe(all.find((x) => x.id === work.id).feed_url);
    const one = await call('GET', `/v1/calendar/collections/${work.id}/?${q(c.t)}`, { token: c.t.session });
    expect(one.body.feed_url).toBe(work.feed_url);
  });

  it('serves the whole calendar without Authorization: text/calendar that ical.js reads, with our VTIMEZONEs', async () => {
    const r = await fetchFeed(work.feed_url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const text: string = r.body;
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.split('\r\n').every((l) => new TextEncoder().encode(l).length <= 75)).toBe(true);
    expect(text).not.toMatch(/[^\r]\n/);
    const { cal, masters, zones } = readWithIcal(text);
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Work');
    expect(zones.sort()).toEqual(['America/New_York', 'Europe/Berlin']);
    // Cancelled events are left out; the rest are there once each, series unexpanded.
    expect(masters.map((m) => m.summary).sort()).toEqual(['Jour fixe', 'Offsite', 'Standup, daily; or so']);
    expect(text).not.toContain(cancelled.event_id);
    const ny = masters.find((m) => m.uid === nySeries.event_id)!;
    // ical.js resolved DTSTART's TZID through the VTIMEZONE in the file (its own registry holds only UTC).
    expect(ny.startDate.zone.tzid).toBe('America/New_York');
    expect(ICAL.TimezoneService.has('America/New_York')).toBe(false);
    expect(ny.description).toBe(nySeries.description);
    expect(ny.location).toBe('Room 1');
    expect(ny.organizer).toBe('mailto:alice@example.com');
    expect(ny.attendees.map((a) => [a.getParameter('cn'), a.getFirstValue(), a.getParameter('role') ?? null])).toEqual([
      ['Bob', 'mailto:bob@example.com', 'REQ-PARTICIPANT'], ['Carol', 'invalid:nomail', null],
    ]);
  });

  it('a DST-crossing weekly series: ical.js expands it to the UTC instants this API lists, changes applied', async () => {
    const { masters } = readWithIcal((await fetchFeed(work.feed_url)).body);
    const ny = masters.find((m) => m.uid === nySeries.event_id)!;
    // EST, then EDT; the moved one as changed, the cancelled one and the deleted one gone.
    expect(icalOccurrences(ny)).toEqual([
      { start: '2024-03-04T14:00:00.000Z', title: 'Standup, daily; or so' },
      { start: '2024-03-11T14:00:00.000Z', title: 'Standup (late)' },
      { start: '2024-04-01T13:00:00.000Z', title: 'Standup, daily; or so' },
    ]);
    const berlin = masters.find((m) => m.uid === berlinSeries.event_id)!;
    expect(icalOccurrences(berlin).map((o) => o.start)).toEqual([
      '2024-10-14T08:00:00.000Z', '2024-10-21T08:00:00.000Z', '2024-10-28T09:00:00.000Z', '2024-11-04T09:00:00.000Z',
    ]);
    // The same instants as the listing's (cancelled occurrences aside: the feed leaves them out).
    const listed = (await occurrencesOf(c, '2024-03-01', '2024-04-15', work.id)).filter((o: any) => o.title.startsWith('Standup') && o.status !== 'cancelled');
    expect(listed.map((o: any) => o.start)).toEqual(['2024-03-04T14:00:00.000Z', '2024-03-11T14:00:00.000Z', '2024-04-01T13:00:00.000Z']);
    const offsite = masters.find((m) => m.summary === 'Offsite')!;
    expect(offsite.startDate.isDate).toBe(true);
    expect(offsite.startDate.toString()).toBe('2024-04-01');
    expect(offsite.endDate.toString()).toBe('2024-04-03');
  });

  it('a wrong, missing or foreign token, an unknown calendar and the Tasks calendar are 404', async () => {
    const url = new URL(work.feed_url);
    const token = url.searchParams.get('token')!;
    const wrong = token.replace(/.$/, (ch) => (ch === '0' ? '1' : '0'));
    expectProblem(await fetchFeed(`${url.pathname}?token=${wrong}`), 404, 'not_found');
    expectProblem(await fetchFeed(url.pathname), 404, 'not_found');
    expectProblem(await fetchFeed(`${url.pathname}?token=not-hex`), 404, 'not_found');
    expectProblem(await fetchFeed(`/v1/calendar/collections/cal_nope/feed.ics?token=${token}`), 404, 'not_found');
    const personal = (await collections(c)).find((x) => x.isDefault);
    expectProblem(await fetchFeed(`${url.pathname}?token=${new URL(personal.feed_url).searchParams.get('token')}`), 404, 'not_found');
    const [tasks] = await rowsOf(sql`SELECT feed_token FROM calendars WHERE id = ${c.tasks}`);
    expectProblem(await fetchFeed(`/v1/calendar/collections/${c.tasks}/feed.ics?token=${tasks!.feed_token}`), 404, 'not_found');
    // The trailing-slash spelling is the same route.
    expect((await fetchFeed(`${url.pathname}/?token=${token}`)).status).toBe(200);
  });

  it('only the feed is public among the collection routes, and a feed polled in a loop is rate limited per calendar', async () => {
    expectProblem(await call('GET', `/v1/calendar/collections/${work.id}/`), 401, 'unauthorized');
    expectProblem(await call('POST', `/v1/calendar/collections/${work.id}/feed/rotate/`), 401, 'unauthorized');
    // Its own calendar, so the count starts from nothing; 600 a minute (wrangler.toml), and a
    // burst straddling a minute boundary needs at most two windows.
    const polled = await newCalendar(c, 'Polled');
    let limited: Awaited<ReturnType<typeof fetchFeed>> | undefined;
    for (let round = 0; round < 25 && !limited; round++) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => fetchFeed(polled.feed_url)));
      expect(batch.every((r) => r.status === 200 || r.status === 429)).toBe(true);
      limited = batch.find((r) => r.status === 429);
    }
    expect(limited).toBeDefined();
    expectProblem(limited!, 429, 'rate_limited');
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another calendar's feed is not affected.
    expect((await fetchFeed(work.feed_url)).status).toBe(200);
  });

  it('answers 304 to If-None-Match with its ETag', async () => {
    const first = await fetchFeed(work.feed_url);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await fetchFeed(work.feed_url, { 'if-none-match': etag })).status).toBe(304);
  });

  it('rotate issues a new token: the old URL is 404, the new one serves; calendar:write is needed', async () => {
    const own = await newCalendar(c, 'Rotating');
    expect((await fetchFeed(own.feed_url)).status).toBe(200);
    const reader = await c.t.agent(['calendar:read']);
    const denied = await call('POST', `/v1/calendar/collections/${own.id}/feed/rotate/`, { token: reader });
    expectProblem(denied, 403, 'insufficient_scope');
    const writer = await c.t.agent(['calendar:write']);
    const r = await call('POST', `/v1/calendar/collections/${own.id}/feed/rotate/`, { token: writer });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: own.id, name: 'Rotating', feed_url: expect.stringMatching(/token=[0-9a-f]{64}$/) });
    expect(r.body.feed_url).not.toBe(own.feed_url);
    expectProblem(await fetchFeed(own.feed_url), 404, 'not_found');
    expect((await fetchFeed(r.body.feed_url)).status).toBe(200);
    expect((await call('GET', `/v1/calendar/collections/${own.id}/?${q(c.t)}`, { token: c.t.session })).body.feed_url).toBe(r.body.feed_url);
    expectProblem(await call('POST', `/v1/calendar/collections/${c.tasks}/feed/rotate/`, { token: writer }), 400, 'validation_failed');
  });

  it('format=ics: one VCALENDAR for a series (changes as RECURRENCE-ID) and for one occurrence; another format is 400', async () => {
    const r = await call('GET', `/v1/calendar/events/${nySeries.event_id}/?${q(c.t)}&format=ics`, { token: c.t.session });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const { masters, cal } = readWithIcal(r.body);
    expect(masters).toHaveLength(1);
    const instances = cal.getAllSubcomponents('vevent').filter((v) => v.hasProperty('recurrence-id'));
    // The moved occurrence and the cancelled one (saying so); the deleted one is an EXDATE (as stored: UTC).
    expect(instances.map((v) => [v.getFirstPropertyValue('recurrence-id')!.toString(), v.getFirstPropertyValue('status')])).toEqual([
      ['2024-03-11T09:00:00', 'CONFIRMED'], ['2024-03-18T09:00:00', 'CANCELLED'],
    ]);
    expect(r.body).toContain('EXDATE:20240325T130000Z\r\n');

    const one = await call('GET', `/v1/calendar/events/${nySeries.event_id}_20240311T130000Z/?${q(c.t)}&format=ics`, { token: c.t.session });
    expect(one.status).toBe(200);
    const single = new ICAL.Component(ICAL.parse(one.body)).getAllSubcomponents('vevent');
    expect(single).toHaveLength(1);
    const ev = new ICAL.Event(single[0]!);
    expect(ev.uid).toBe(nySeries.event_id);
    expect(ev.isRecurring()).toBe(false);
    expect(ev.recurrenceId.toJSDate().toISOString()).toBe('2024-03-11T13:00:00.000Z');
    expect(ev.startDate.toJSDate().toISOString()).toBe('2024-03-11T14:00:00.000Z');
    expect(ev.summary).toBe('Standup (late)');

    expectProblem(await call('GET', `/v1/calendar/events/${nySeries.event_id}_20240312T130000Z/?${q(c.t)}&format=ics`, { token: c.t.session }), 404, 'not_found');
    const bad = await call('GET', `/v1/calendar/events/${nySeries.event_id}/?${q(c.t)}&format=xml`, { token: c.t.session });
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.errors[0].path).toBe('format');
    const json = await call('GET', `/v1/calendar/events/${nySeries.event_id}/?${q(c.t)}&format=json`, { token: c.t.session });
    expect(json.body.event_id).toBe(nySeries.event_id);
  });

  it('another tenant gets 404 on the feed (with the right token), rotate, format=ics and import into the calendar', async () => {
    const other = await calendarTenant();
    const token = new URL(work.feed_url).searchParams.get('token');
    const theirs = (await collections(other)).find((x) => x.isDefault);
    // Their calendar id with our token, and our calendar through their session.
    expectProblem(await fetchFeed(`/v1/calendar/collections/${theirs.id}/feed.ics?token=${token}`), 404, 'not_found');
    expectProblem(await call('POST', `/v1/calendar/collections/${work.id}/feed/rotate/?${q(other.t)}`, { token: other.t.session }), 404, 'not_found');
    expectProblem(await call('GET', `/v1/calendar/events/${nySeries.event_id}/?${q(other.t)}&format=ics`, { token: other.t.session }), 404, 'not_found');
    const r = await importIcs(other, (await fetchFeed(work.feed_url)).body, `&calendar_id=${work.id}`);
    expectProblem(r, 404, 'not_found');
    expect((await other.window('2024-01-01', '2025-01-01')).total).toBe(0);
    // Our feed still answers with its token.
    expect((await fetchFeed(work.feed_url)).status).toBe(200);
  });
});

describe('iCalendar import', () => {
  let a: Cal;
  let b: Cal;
  let source: any;
  let feed: string;
  beforeAll(async () => {
    [a, b] = await Promise.all([calendarTenant(), calendarTenant()]);
    source = await newCalendar(a, 'Source');
    const ny = await a.ev({ calendar_id: source.id, title: 'Weekly 1:1', start: '2024-03-01T09:00:00', duration: 'PT45M', time_zone: 'America/New_York', recurrence_rules: ['RRULE:FREQ=WEEKLY;UNTIL=20240405', 'EXDATE;VALUE=DATE:20240322'], participants: [{ name: 'Dana', email: 'dana@example.com', role: 'optional' }] }, NOW);
    await a.ev({ calendar_id: source.id, title: 'Berlin review', start: '2024-10-20T23:30:00', duration: 'PT2H', time_zone: 'Europe/Berlin', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=10', 'RDATE:20241105T120000'], description: 'Über alles, ja; nein' }, NOW);
    await a.ev({ calendar_id: source.id, title: 'Launch', start: '2024-03-15T16:00:00Z', duration: 'PT1H30M', location: 'HQ', status: 'tentative' }, NOW);
    await a.ev({ calendar_id: source.id, title: 'Holiday', start: '2024-07-04', duration: 'P1D', time_zone: 'America/New_York', recurrence_rules: ['RRULE:FREQ=YEARLY;COUNT=3'] }, NOW);
    expect((await patch(a, `${ny.event_id}_20240315T130000Z`, { start: '2024-03-15T11:00:00', duration: 'PT1H', location: 'Cafe' })).status).toBe(200);
    feed = (await fetchFeed(source.feed_url)).body;
  });

  it('a DST series round trip: export from one inbox, import into another, the window lists identical occurrences', async () => {
    const into = await newCalendar(b, 'Imported');
    const r = await importIcs(b, feed, `&calendar_id=${into.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ created: 4, updated: 0, skipped: 0 });
    const before = await occurrencesOf(a, '2024-02-01', '2027-01-01', source.id);
    const after = await occurrencesOf(b, '2024-02-01', '2027-01-01', into.id);
    expect(before.length).toBeGreaterThan(15);
    expect(after).toEqual(before);
    // Both sides of both changes are there, at the right instants.
    const starts = after.map((o: any) => `${o.title}@${o.start}`);
    expect(starts).toEqual(expect.arrayContaining([
      'Weekly 1:1@2024-03-08T14:00:00.000Z', 'Weekly 1:1@2024-03-15T15:00:00.000Z', 'Weekly 1:1@2024-03-29T13:00:00.000Z',
      'Berlin review@2024-10-26T21:30:00.000Z', 'Berlin review@2024-10-27T22:30:00.000Z',
    ]));
    expect(starts).not.toContain('Weekly 1:1@2024-03-22T13:00:00.000Z');
    // The imported events remember their UIDs; a second feed from B is the same calendar again.
    const uids = await rowsOf(sql`SELECT uid FROM events WHERE calendar_id = ${into.id} ORDER BY uid`);
    expect(uids.every((u) => /^evt_/.test(u.uid))).toBe(true);
    const again = (await collections(b)).find((x) => x.id === into.id);
    const reexport = readWithIcal((await fetchFeed(again.feed_url)).body);
    expect(reexport.masters.map((m) => m.uid).sort()).toEqual(uids.map((u) => u.uid));
  });

  it('is idempotent by UID: created, then skipped, then updated after a change; a UID lives once per inbox', async () => {
    const c = await calendarTenant();
    const into = await newCalendar(c, 'Idempotent');
    expect((await importIcs(c, feed, `&calendar_id=${into.id}`)).body).toEqual({ created: 4, updated: 0, skipped: 0 });
    expect((await importIcs(c, feed, `&calendar_id=${into.id}`)).body).toEqual({ created: 0, updated: 0, skipped: 4 });
    const changed = feed.replace('SUMMARY:Launch\r\n', 'SUMMARY:Launch (moved)\r\n').replace('DTSTART:20240315T160000Z', 'DTSTART:20240316T160000Z');
    expect(changed).not.toBe(feed);
    expect((await importIcs(c, changed, `&calendar_id=${into.id}`)).body).toEqual({ created: 0, updated: 1, skipped: 3 });
    const launch = (await c.window('2024-03-01', '2024-04-01', `&calendar_id=${into.id}`)).results.find((e: any) => e.title.startsWith('Launch'));
    expect(launch).toMatchObject({ title: 'Launch (moved)', start: '2024-03-16T16:00:00', status: 'tentative', location: 'HQ' });
    expect((await importIcs(c, changed, `&calendar_id=${into.id}`)).body).toEqual({ created: 0, updated: 0, skipped: 4 });
    expect(await rowsOf(sql`SELECT id FROM events WHERE inbox_id = ${c.t.inboxId}`)).toHaveLength(4);
    // The same UIDs into another calendar of the inbox move the events there.
    expect((await importIcs(c, changed)).body).toEqual({ created: 0, updated: 4, skipped: 0 });
    expect((await c.window('2024-01-01', '2027-01-01', `&calendar_id=${into.id}`)).total).toBe(0);
    expect((await c.window('2024-01-01', '2027-01-01', `&calendar_id=${c.personal}`)).total).toBeGreaterThan(15);
  });

  it('floating times and dates live in the calendar\'s X-WR-TIMEZONE when it names a zone, else in the inbox zone (UTC here)', async () => {
    const c = await calendarTenant();
    const cal = (zone: string, uid: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nX-WR-TIMEZONE:${zone}\r\n`
      + `BEGIN:VEVENT\r\nUID:${uid}-timed\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240612T090000\r\nDURATION:PT1H\r\nSUMMARY:Floating ${uid}\r\nEND:VEVENT\r\n`
      + `BEGIN:VEVENT\r\nUID:${uid}-day\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;VALUE=DATE:20240613\r\nSUMMARY:Day ${uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
    expect((await importIcs(c, cal('America/New_York', 'ny'))).body).toEqual({ created: 2, updated: 0, skipped: 0 });
    expect((await importIcs(c, cal('Nowhere/Atlantis', 'none'))).body).toEqual({ created: 2, updated: 0, skipped: 0 });
    const rows = await rowsOf(sql`SELECT title, time_zone, start_local, to_char(start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS start_utc FROM events WHERE inbox_id = ${c.t.inboxId} ORDER BY title`);
    expect(rows).toEqual([
      { title: 'Day none', time_zone: 'UTC', start_local: '2024-06-13T00:00:00', start_utc: '2024-06-13T00:00' },
      { title: 'Day ny', time_zone: 'America/New_York', start_local: '2024-06-13T00:00:00', start_utc: '2024-06-13T04:00' },
      { title: 'Floating none', time_zone: 'UTC', start_local: '2024-06-12T09:00:00', start_utc: '2024-06-12T09:00' },
      { title: 'Floating ny', time_zone: 'America/New_York', start_local: '2024-06-12T09:00:00', start_utc: '2024-06-12T13:00' },
    ]);
  });

  it('imports into the default calendar when calendar_id is absent, and an export re-imported into its own inbox changes nothing', async () => {
    const c = await calendarTenant();
    const text = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\nBEGIN:VEVENT\r\nUID:abc@other.example\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=/mozilla.org/20050126_1/Europe/Paris:20240610T140000\r\nDTEND;TZID=Europe/Paris:20240610T153000\r\nSUMMARY:Call\r\nORGANIZER;CN=Eve:mailto:EVE@example.com\r\nATTENDEE;CN=Eve;ROLE=CHAIR:mailto:eve@example.com\r\nATTENDEE;CN="Frank, Jr.";ROLE=OPT-PARTICIPANT:mailto:frank@example.com\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\nBEGIN:VTODO\r\nUID:todo-1\r\nSUMMARY:not an event\r\nEND:VTODO\r\nEND:VCALENDAR\r\n';
    expect((await importIcs(c, text)).body).toEqual({ created: 1, updated: 0, skipped: 0 });
    const [ev] = (await c.window('2024-06-01', '2024-07-01')).results;
    expect(ev).toMatchObject({
      calendar_id: c.personal, title: 'Call', start: '2024-06-10T14:00:00', duration: 'PT1H30M', event_time_zone: 'Europe/Paris',
      participants: [{ name: 'Eve', email: 'eve@example.com', role: 'organizer' }, { name: 'Frank, Jr.', email: 'frank@example.com', role: 'optional' }],
    });
    const personal = (await collections(c)).find((x) => x.isDefault);
    const own = (await fetchFeed(personal.feed_url)).body;
    expect((await importIcs(c, own)).body).toEqual({ created: 0, updated: 0, skipped: 1 });
    // A native event's export carries its id as UID: importing it back matches the event itself.
    const native = await c.ev({ title: 'Native', start: '2024-06-11T09:00:00Z', duration: 'PT1H' }, NOW);
    const exported = (await call('GET', `/v1/calendar/events/${native.event_id}/?${q(c.t)}&format=ics`, { token: c.t.session })).body;
    expect((await importIcs(c, exported)).body).toEqual({ created: 0, updated: 0, skipped: 1 });
    expect((await importIcs(c, exported.replace('SUMMARY:Native', 'SUMMARY:Native 2'))).body).toEqual({ created: 0, updated: 1, skipped: 0 });
    expect((await call('GET', `/v1/calendar/events/${native.event_id}/?${q(c.t)}`, { token: c.t.session })).body.title).toBe('Native 2');
    expect((await c.window('2024-06-01', '2024-07-01')).total).toBe(2);
  });

  it('changed occurrences alone update the stored series; cancelling through an import keeps the occurrence index right', async () => {
    const c = await calendarTenant();
    const head = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\n';
    const series = `${head}BEGIN:VEVENT\r\nUID:s1\r\nDTSTART:20240603T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:Daily\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
    expect((await importIcs(c, series)).body).toEqual({ created: 1, updated: 0, skipped: 0 });
    const change = `${head}BEGIN:VEVENT\r\nUID:s1\r\nRECURRENCE-ID:20240604T090000Z\r\nDTSTART:20240604T150000Z\r\nDURATION:PT1H\r\nSUMMARY:Daily (afternoon)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
    expect((await importIcs(c, change)).body).toEqual({ created: 0, updated: 1, skipped: 0 });
    expect((await importIcs(c, change)).body).toEqual({ created: 0, updated: 0, skipped: 1 });
    const listed = (await c.window('2024-06-01', '2024-06-10')).results.map((e: any) => [e.title, e.start]);
    expect(listed).toEqual([['Daily', '2024-06-03T09:00:00'], ['Daily (afternoon)', '2024-06-04T15:00:00'], ['Daily', '2024-06-05T09:00:00']]);
    const orphan = `${head}BEGIN:VEVENT\r\nUID:nobody\r\nRECURRENCE-ID:20240604T090000Z\r\nDTSTART:20240604T150000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
    const r = await importIcs(c, orphan);
    expectProblem(r, 400, 'validation_failed');
    expect(r.body).toMatchObject({ line: 4, uid: 'nobody' });
    const cancelled = series.replace('SUMMARY:Daily\r\n', 'SUMMARY:Daily\r\nSTATUS:CANCELLED\r\n');
    expect((await importIcs(c, cancelled)).body).toEqual({ created: 0, updated: 1, skipped: 0 });
    const after = (await c.window('2024-06-01', '2024-06-10')).results;
    expect(after.map((e: any) => [e.title, e.status])).toEqual([['Daily', 'cancelled'], ['Daily', 'cancelled'], ['Daily', 'cancelled']]);
    // The index holds the series' three occurrences (the file's full copy dropped the change).
    const rows = await rowsOf(sql`SELECT o.id FROM event_occurrences o JOIN events e ON e.id = o.event_id WHERE e.inbox_id = ${c.t.inboxId} ORDER BY o.start_at`);
    expect(rows).toHaveLength(3);
  });

  it('bad input is a 400 naming the line and UID, and nothing is written', async () => {
    const c = await calendarTenant();
    const good = 'BEGIN:VEVENT\r\nUID:good\r\nDTSTART:20240603T090000Z\r\nDURATION:PT1H\r\nSUMMARY:Fine\r\nEND:VEVENT\r\n';
    const wrap = (bad: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${good}${bad}END:VCALENDAR\r\n`;
    const cases: Array<[string, string, number, string | null, RegExp]> = [
      ['malformed line', 'BEGIN:VEVENT\r\nUID:b1\r\nSUMMARY\r\nEND:VEVENT\r\n', 11, null, /no ':'/],
      ['unknown TZID', 'BEGIN:VEVENT\r\nUID:b2\r\nDTSTART;TZID=Nowhere/Land:20240603T090000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n', 11, 'b2', /TZID 'Nowhere\/Land'/],
      ['unsupported RRULE', 'BEGIN:VEVENT\r\nUID:b3\r\nDTSTART:20240603T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\n', 13, 'b3', /MINUTELY/],
      ['invalid RRULE', 'BEGIN:VEVENT\r\nUID:b4\r\nDTSTART:20240603T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;BYDAY=XX\r\nEND:VEVENT\r\n', 13, 'b4', /BYDAY/],
      ['no length', 'BEGIN:VEVENT\r\nUID:b5\r\nDTSTART:20240603T090000Z\r\nEND:VEVENT\r\n', 11, 'b5', /neither DTEND nor DURATION/],
      ['ends before it starts', 'BEGIN:VEVENT\r\nUID:b6\r\nDTSTART:20240603T090000Z\r\nDTEND:20240603T080000Z\r\nEND:VEVENT\r\n', 12, 'b6', /ends before/],
      ['not an occurrence', 'BEGIN:VEVENT\r\nUID:good\r\nRECURRENCE-ID:20240604T090000Z\r\nDTSTART:20240604T100000Z\r\nEND:VEVENT\r\n', 9, 'good', /names no occurrence|does not recur/],
      ['bad attendee', 'BEGIN:VEVENT\r\nUID:b7\r\nDTSTART:20240603T090000Z\r\nDURATION:PT1H\r\nATTENDEE:mailto:not an address\r\nEND:VEVENT\r\n', 9, 'b7', /participants\.0\.email/],
      ['out of range', 'BEGIN:VEVENT\r\nUID:b8\r\nDTSTART:18000101T000000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n', 11, 'b8', /DTSTART/],
      ['duplicate UID', good, 9, 'good', /second VEVENT/],
    ];
    for (const [what, bad, line, uid, message] of cases) {
      const r = await importIcs(c, wrap(bad));
      expectProblem(r, 400, 'validation_failed');
      expect(r.body.detail, what).toMatch(message);
      expect(r.body.detail, what).toMatch(/nothing was written/);
      expect(r.body.line, what).toBe(line);
      expect(r.body.uid, what).toBe(uid);
      expect(r.body.errors[0].path).toBe('body');
    }
    expectProblem(await importIcs(c, 'not a calendar'), 400, 'validation_failed');
    expectProblem(await importIcs(c, ''), 400, 'validation_failed');
    expect((await c.window('2024-01-01', '2025-01-01')).total).toBe(0);
    expect(await rowsOf(sql`SELECT id FROM events WHERE inbox_id = ${c.t.inboxId}`)).toHaveLength(0);
    // The same body, well formed, lands.
    expect((await importIcs(c, wrap(''))).body).toEqual({ created: 1, updated: 0, skipped: 0 });
  });

  it('refuses other media types (415), the Tasks calendar (400), unknown and foreign calendars (404); needs calendar:write', async () => {
    const c = await calendarTenant();
    const text = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20240603T090000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    expectProblem(await importIcs(c, text, '', 'application/json'), 415, 'unsupported_media_type');
    expectProblem(await importIcs(c, text, '', 'text/plain'), 415, 'unsupported_media_type');
    expectProblem(await importIcs(c, text, '', 'text/calendar; charset=iso-8859-1'), 415, 'unsupported_media_type');
    const tasks = await importIcs(c, text, `&calendar_id=${c.tasks}`);
    expectProblem(tasks, 400, 'validation_failed');
    expect(tasks.body.errors[0].path).toBe('calendar_id');
    expectProblem(await importIcs(c, text, '&calendar_id=cal_unknown'), 404, 'not_found');
    expectProblem(await importIcs(c, text, `&calendar_id=${b.personal}`), 404, 'not_found');
    const reader = await c.t.agent(['calendar:read']);
    const r = await call('POST', '/v1/calendar/events/import/', { token: reader, rawBody: text, headers: { 'content-type': 'text/calendar' } });
    expectProblem(r, 403, 'insufficient_scope');
    expect((await c.window('2024-01-01', '2025-01-01')).total).toBe(0);
    const writer = await c.t.agent(['calendar:write', 'calendar:read']);
    const ok = await call('POST', '/v1/calendar/events/import', { token: writer, rawBody: text, headers: { 'content-type': 'text/calendar' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ created: 1, updated: 0, skipped: 0 });
  });

  it('a body needs its Content-Length (411) and at most 5 MiB (413)', async () => {
    const c = await calendarTenant();
    const url = `http://inbox.test/v1/calendar/events/import/?${q(c.t)}`;
    const headers = { authorization: `Bearer ${c.t.session}`, 'content-type': 'text/calendar' };
    const stream = new ReadableStream({ start(ctl) { ctl.enqueue(new TextEncoder().encode('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n')); ctl.close(); } });
    const chunked = await SELF.fetch(url, { method: 'POST', headers, body: stream });
    expect(chunked.status).toBe(411);
    const big = await SELF.fetch(url, { method: 'POST', headers, body: 'x'.repeat(5 * 1024 * 1024 + 1) });
    expect(big.status).toBe(413);
    expect(await rowsOf(sql`SELECT id FROM events WHERE inbox_id = ${c.t.inboxId}`)).toHaveLength(0);
  });

  it('concurrent imports of the same new UIDs make each event once', async () => {
    const c = await calendarTenant();
    const text = ['BEGIN:VCALENDAR', 'VERSION:2.0',
      ...[1, 2, 3].flatMap((i) => ['BEGIN:VEVENT', `UID:race-${i}`, `DTSTART:2024060${i}T090000Z`, 'DURATION:PT1H', `SUMMARY:Race ${i}`, 'END:VEVENT']),
      'END:VCALENDAR', ''].join('\r\n');
    const answers = await Promise.all([importIcs(c, text), importIcs(c, text), importIcs(c, text)]);
    for (const r of answers) expect(r.status).toBe(200);
    expect(answers.reduce((n, r) => n + r.body.created, 0)).toBe(3);
    expect(answers.reduce((n, r) => n + r.body.created + r.body.skipped + r.body.updated, 0)).toBe(9);
    expect(await rowsOf(sql`SELECT uid FROM events WHERE inbox_id = ${c.t.inboxId} ORDER BY uid`)).toEqual([{ uid: 'race-1' }, { uid: 'race-2' }, { uid: 'race-3' }]);
  });

  it('events past the import\'s index budget are left to the scan, and listed right meanwhile', async () => {
    const c = await calendarTenant();
    // Three endless hourly series, each indexed 430 days past the clock (about 7,400 rows): the third is past the 20,000 budget.
    const text = ['BEGIN:VCALENDAR', 'VERSION:2.0',
      ...[1, 2, 3].flatMap((i) => ['BEGIN:VEVENT', `UID:hourly-${i}`, `DTSTART:20240601T0${i}0000Z`, 'DURATION:PT10M', 'RRULE:FREQ=HOURLY;INTERVAL=1', `SUMMARY:Hourly ${i}`, 'END:VEVENT']),
      'END:VCALENDAR', ''].join('\r\n');
    expect((await importIcs(c, text)).body).toEqual({ created: 3, updated: 0, skipped: 0 });
    const rows = await rowsOf(sql`
      SELECT e.uid, e.unindexed_from = '-infinity' AS unindexed, (SELECT count(*)::int FROM event_occurrences o WHERE o.event_id = e.id) AS n
      FROM events e WHERE e.inbox_id = ${c.t.inboxId} ORDER BY e.uid`);
    expect(rows.map((r) => [r.uid, r.unindexed, r.n > 7000 ? 'indexed' : r.n])).toEqual([['hourly-1', false, 'indexed'], ['hourly-2', false, 'indexed'], ['hourly-3', true, 0]]);
    const day = await c.window('2024-06-02T00:00:00Z', '2024-06-03T00:00:00Z');
    expect(day.total).toBe(72);
    expect(day.results.filter((e: any) => e.title === 'Hourly 3')).toHaveLength(24);
  });

  it('an import held for approval runs once approved, with its body', async () => {
    const c = await calendarTenant();
    const held = await c.t.agent(['calendar:write', 'calendar:read'], ['calendar:write']);
    const text = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:held-1\r\nDTSTART:20240603T090000Z\r\nDURATION:PT1H\r\nSUMMARY:Held\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const r = await call('POST', '/v1/calendar/events/import/', { token: held, rawBody: text, headers: { 'content-type': 'text/calendar' } });
    expect(r.status).toBe(202);
    expect(await rowsOf(sql`SELECT id FROM events WHERE inbox_id = ${c.t.inboxId}`)).toHaveLength(0);
    const approver = await c.t.agent(['approvals:read', 'approvals:write']);
    expect((await call('POST', `/v1/approvals/${r.body.approval_id}/approve/`, { token: approver })).status).toBe(204);
    expect(await rowsOf(sql`SELECT uid, title FROM events WHERE inbox_id = ${c.t.inboxId}`)).toEqual([{ uid: 'held-1', title: 'Held' }]);
  });

  it('is in the OpenAPI document, before the event id route, with its statuses; the feed is public', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    const imp = doc.paths['/v1/calendar/events/import/'].post;
    expect(Object.keys(imp.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '411', '413', '415']));
    expect(Object.keys(imp.requestBody.content)).toEqual(['text/calendar']);
    const feedOp = doc.paths['/v1/calendar/collections/{id}/feed.ics/'].get;
    expect(feedOp.security).toEqual([]);
    expect(Object.keys(feedOp.responses['200'].content)).toEqual(['text/calendar']);
    expect(doc.paths['/v1/calendar/collections/{id}/feed/rotate/'].post).toBeDefined();
    expect(Object.keys(doc.paths['/v1/calendar/events/{event_id}/'].get.responses['200'].content).sort()).toEqual(['application/json', 'text/calendar']);
    const paths = Object.keys(doc.paths);
    expect(paths.indexOf('/v1/calendar/events/import/')).toBeLessThan(paths.indexOf('/v1/calendar/events/{event_id}/'));
  });
});
