import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { call, newTenant, withDb, type Tenant } from './helpers';
import { calendars, contactAnniversaries, contacts, events, tasks } from '../src/db/schema';
import { newId } from '../src/http/ids';
import { wallToInstant } from '../src/time/zones';
import { formatDuration } from '../src/time/duration';

// docs/calendar.md: the window starts today in the inbox zone and ends `days` later, exclusive. Every
// source (tasks due, events overlapping, anniversaries falling) uses that same [start, end).
// Each case below gets its own tenant with one fixture of every kind on every date around "now";
// the expected agenda is computed from the fixtures independently of the service.

const DAY = 86_400_000;

/** `YYYY-MM-DD` plus n days, by UTC calendar arithmetic (independent of src/time). */
function plusDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/** The local date of an instant in a zone, straight from Intl. */
function localDay(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

interface Case {
  zone: string;
  now: string;
  /** Today in the zone at `now` (written out, so a wrong zone lookup shows too). */
  today: string;
  why: string;
}

const CASES: Case[] = [
  { zone: 'UTC', now: '2026-06-10T10:30:00Z', today: '2026-06-10', why: 'no offset' },
  { zone: 'Pacific/Kiritimati', now: '2026-06-10T10:30:00Z', today: '2026-06-11', why: 'UTC+14: already tomorrow' },
  { zone: 'Pacific/Pago_Pago', now: '2026-06-10T10:30:00Z', today: '2026-06-09', why: 'UTC−11: still yesterday' },
  { zone: 'America/New_York', now: '2026-02-20T04:30:00Z', today: '2026-02-19', why: 'windows cross the Mar 8 spring-forward' },
  { zone: 'Europe/Berlin', now: '2026-10-09T22:30:00Z', today: '2026-10-10', why: 'windows cross the Oct 25 fall-back' },
  { zone: 'America/Santiago', now: '2026-08-20T15:00:00Z', today: '2026-08-20', why: 'Sep 6 00:00 does not exist (clocks jump to 01:00)' },
];

/** Fixtures on every date from `today − SPAN_BEFORE` to `today + SPAN_AFTER`. */
const SPAN_BEFORE = 5;
const SPAN_AFTER = 36;
const EVENT_SECONDS = 1800;

interface Fixture {
  t: Tenant;
  reader: string;
  /** Every fixture event: title and its UTC span. */
  events: Array<{ title: string; startMs: number; endMs: number }>;
  dates: string[];
}

async function seed(c: Case): Promise<Fixture> {
  const t = await newTenant('Agenda window');
  const r = await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body: { default_timezone: c.zone === 'UTC' ? null : c.zone } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const cals = await withDb((db) => db.select().from(calendars).where(eq(calendars.inboxId, t.inboxId)));
  const personal = cals.find((x) => x.kind === 'personal')!.id;
  const tasksCalendar = cals.find((x) => x.kind === 'tasks')!.id;
  const dates: string[] = [];
  for (let i = -SPAN_BEFORE; i <= SPAN_AFTER; i++) dates.push(plusDays(c.today, i));
  const created = new Date('2026-01-01T00:00:00Z');
  const fixtureEvents: Fixture['events'] = [];
  const eventRows = dates.flatMap((date) => ([['Midnight', '00:00:00'], ['Late', '23:30:00']] as const).map(([name, time]) => {
    const startLocal = `${date}T${time}`;
    const startAt = wallToInstant(startLocal, c.zone).instant;
    const title = `${name} ${date}`;
    fixtureEvents.push({ title, startMs: startAt.getTime(), endMs: startAt.getTime() + EVENT_SECONDS * 1000 });
    return {
      id: newId('evt'), inboxId: t.inboxId, calendarId: personal, title, status: 'confirmed' as const, location: null,
      timeZone: c.zone, startLocal, startAt, duration: formatDuration(EVENT_SECONDS).iso, durationSeconds: EVENT_SECONDS,
      recurrenceRules: [], isRecurring: false, seriesEndAt: new Date(startAt.getTime() + EVENT_SECONDS * 1000),
      armedAt: created, createdAt: created, updatedAt: created,
    };
  }));
  const contactRows = dates.map((date) => ({
    id: newId('ctc'), inboxId: t.inboxId, fullName: `Born ${date}`, searchName: `born ${date}`, createdAt: created, updatedAt: created,
  }));
  await withDb(async (db) => {
    await db.insert(tasks).values(dates.map((date) => ({
      uid: newId('tsk'), inboxId: t.inboxId, calendarId: tasksCalendar, summary: `Due ${date}`, dueDate: date,
      createdAt: created, updatedAt: created,
    })));
    await db.insert(events).values(eventRows);
    await db.insert(contacts).values(contactRows);
    await db.insert(contactAnniversaries).values(contactRows.map((ct, i) => ({
      inboxId: t.inboxId, contactId: ct.id, position: 0, type: 'birthday',
      date: `--${dates[i]!.slice(5)}`, year: null, month: Number(dates[i]!.slice(5, 7)), day: Number(dates[i]!.slice(8, 10)),
    })));
  });
  return { t, reader: await t.agent(['read']), events: fixtureEvents, dates };
}

type Item = { type: string; title: string; date: string | null; overdue?: boolean; [k: string]: unknown };

/** Asks for the agenda at `now` and checks it against what the fixtures say it must hold. */
async function checkAgenda(c: Case, f: Fixture, now: Date, days: number) {
  const label = `${c.zone} now=${now.toISOString()} days=${days}`;
  const r = await call('GET', `/v1/agenda/?days=${days}`, { token: f.reader, now });
  expect(r.status, label).toBe(200);
  const start = localDay(now, c.zone);
  const end = plusDays(start, days);
  const startAt = wallToInstant(`${start}T00:00:00`, c.zone).instant;
  const endAt = wallToInstant(`${end}T00:00:00`, c.zone).instant;
  expect(r.body.window, label).toMatchObject({
    start, end, days, start_at: startAt.toISOString().replace('.000Z', 'Z'), end_at: endAt.toISOString().replace('.000Z', 'Z'),
  });
  const items: Item[] = r.body.items;
  const titles = (type: string) => items.filter((i) => i.type === type).map((i) => i.title).sort();

  // Tasks: every open task due before `end` (those before `start` overdue); none due on `end`.
  const dueBefore = f.dates.filter((d) => d < end);
  expect(titles('task'), label).toEqual(dueBefore.map((d) => `Due ${d}`).sort());
  for (const i of items.filter((x) => x.type === 'task')) expect(i.overdue, `${label} ${i.title}`).toBe((i.date as string) < start);

  // Anniversaries: those falling on [start, end).
  expect(titles('anniversary'), label).toEqual(f.dates.filter((d) => d >= start && d < end).map((d) => `Born ${d} — Birthday`).sort());

  // Events: those overlapping [start_at, end_at) — one ending exactly at the start, or starting
  // exactly at the end (local midnight of `end`), is out.
  const overlapping = f.events.filter((e) => e.startMs < endAt.getTime() && e.endMs > startAt.getTime()).map((e) => e.title).sort();
  expect(titles('event'), label).toEqual(overlapping);
  expect(titles('event'), label).toContain(`Late ${plusDays(end, -1)}`);
  expect(titles('event'), label).not.toContain(`Late ${plusDays(start, -1)}`);

  // Nothing dated on or after the end date, from any source.
  for (const i of items) expect(i.date && i.date >= end ? `${i.type} ${i.title} on ${i.date}` : null, label).toBeNull();
  expect(titles('task'), label).not.toContain(`Due ${end}`);
  expect(titles('anniversary'), label).not.toContain(`Born ${end} — Birthday`);
  expect(titles('event'), label).not.toContain(`Midnight ${end}`);
  expect(r.body.count, label).toBe(items.length);
}

describe('agenda window: [start, start + days) for every days 1..30', () => {
  const fixtures = new Map<string, Fixture>();
  beforeAll(async () => {
    for (const c of CASES) fixtures.set(c.zone, await seed(c));
  }, 60_000);

  it.each(CASES)('$zone ($why)', async (c) => {
    expect(localDay(new Date(c.now), c.zone)).toBe(c.today);
    const f = fixtures.get(c.zone)!;
    for (let days = 1; days <= 30; days++) await checkAgenda(c, f, new Date(c.now), days);
  }, 60_000);

  it('the seed example: start 2026-05-28, days 7 → end 2026-06-04', async () => {
    const f = fixtures.get('UTC')!;
    const r = await call('GET', '/v1/agenda/', { token: f.reader, now: '2026-05-28T09:00:00Z' });
    expect(r.body.window).toMatchObject({ start: '2026-05-28', end: '2026-06-04', days: 7 });
  });

  it('a window ending on a skipped midnight ends at the first instant of that date (Santiago, Sep 6)', async () => {
    const f = fixtures.get('America/Santiago')!;
    const r = await call('GET', '/v1/agenda/?days=17', { token: f.reader, now: '2026-08-20T15:00:00Z' });
    expect(r.body.window).toMatchObject({ start: '2026-08-20', end: '2026-09-06', end_at: '2026-09-06T04:00:00Z' });
    const titles = r.body.items.map((i: Item) => i.title);
    // 23:30 −04 on Sep 5 runs to 01:00 −03 on Sep 6: it ends exactly at the window end.
    expect(titles).toContain('Late 2026-09-05');
    expect(titles).not.toContain('Midnight 2026-09-06');
    expect(titles).not.toContain('Due 2026-09-06');
  });

  it('property: any instant within two days of the cases, any zone, any days', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...CASES),
      fc.integer({ min: -2 * DAY, max: 2 * DAY }),
      fc.integer({ min: 1, max: 30 }),
      async (c, shift, days) => {
        await checkAgenda(c, fixtures.get(c.zone)!, new Date(Date.parse(c.now) + shift), days);
      },
    ), { numRuns: 40 });
  }, 60_000);
});
