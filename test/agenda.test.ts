import { describe, it, expect, beforeAll } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { call, newTenant, withDb, type Tenant } from './helpers';
import { calendars, contactAnniversaries, contacts, eventOverrides, events, type EventStatus } from '../src/db/schema';
import { newId } from '../src/http/ids';
import { wallToInstant } from '../src/time/zones';
import { seriesEnd } from '../src/time/recurrence';
import { formatDuration } from '../src/time/duration';
import { parseAnniversaryDate } from '../src/time/anniversaries';
import { instantToWall } from '../src/time/zones';
import { monthSpans } from '../src/agenda/sources/anniversaries';
import { wallClock } from '../src/agenda/wall-clock';
import { AgendaAnniversaryItem, AgendaEventItem, AgendaFileItem, AgendaSuggestionItem, AgendaTaskItem, AgendaThreadItem, AgendaWorkRouteItem } from '../src/agenda/schemas';
import { compareAgenda } from '../src/agenda/order';
import type { Ranked } from '../src/agenda/types';
import type { z } from '@hono/zod-openapi';

// ---------------------------------------------------------------------------------------------
// Fixtures written straight to the database (the calendar and contacts APIs are other modules).

interface Inboxed extends Tenant {
  reader: string;
  personal: string;
  tasksCalendar: string;
}

async function tenant(zone?: string): Promise<Inboxed> {
  const t = await newTenant('Agenda');
  if (zone) await setSettings(t, { default_timezone: zone });
  const cals = await withDb((db) => db.select().from(calendars).where(eq(calendars.inboxId, t.inboxId)));
  return Object.assign(t, {
    reader: await t.agent(['read']),
    personal: cals.find((c) => c.kind === 'personal')!.id,
    tasksCalendar: cals.find((c) => c.kind === 'tasks')!.id,
  });
}

async function setSettings(t: Tenant, body: Record<string, unknown>) {
  const r = await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function addCalendar(t: Tenant, name: string): Promise<string> {
  const id = newId('cal');
  await withDb((db) => db.insert(calendars).values({ id, inboxId: t.inboxId, name, kind: 'user', createdAt: new Date() }));
  return id;
}

interface EventInput {
  calendar: string;
  title: string;
  start: string; // wall time in `zone`
  zone: string;
  seconds: number;
  rules?: string[];
  status?: EventStatus;
  location?: string;
}

async function addEvent(t: Tenant, e: EventInput): Promise<string> {
  const id = newId('evt');
  const rules = e.rules ?? [];
  const recurring = rules.some((l) => l.startsWith('RRULE:') || l.startsWith('RDATE'));
  const startAt = wallToInstant(e.start, e.zone).instant;
  const spec = { startLocal: e.start, timeZone: e.zone, durationSeconds: e.seconds, rules };
  const now = new Date();
  await withDb((db) => db.insert(events).values({
    id, inboxId: t.inboxId, calendarId: e.calendar, title: e.title, status: e.status ?? 'confirmed', location: e.location ?? null,
    timeZone: e.zone, startLocal: e.start, startAt, duration: formatDuration(e.seconds).iso, durationSeconds: e.seconds,
    recurrenceRules: rules, isRecurring: recurring,
    seriesEndAt: recurring ? seriesEnd(spec) : new Date(startAt.getTime() + e.seconds * 1000),
    armedAt: now, createdAt: now, updatedAt: now,
  }));
  return id;
}

async function addOverride(t: Tenant, eventId: string, originalStart: Date, o: { title?: string; status?: EventStatus; startAt?: Date; zone?: string }) {
  const now = new Date();
  await withDb((db) => db.insert(eventOverrides).values({
    eventId, inboxId: t.inboxId, originalStartAt: originalStart, title: o.title ?? null, status: o.status ?? null,
    startAt: o.startAt ?? null, startLocal: null, armedAt: now, updatedAt: now,
  }));
}

async function addContact(t: Tenant, fullName: string, anniversaries: Array<{ type: string; date: string }>): Promise<string> {
  const id = newId('ctc');
  const now = new Date();
  await withDb(async (db) => {
    await db.insert(contacts).values({ id, inboxId: t.inboxId, fullName, searchName: fullName.toLowerCase(), createdAt: now, updatedAt: now });
    if (anniversaries.length) {
      await db.insert(contactAnniversaries).values(anniversaries.map((a, position) => {
        const p = parseAnniversaryDate(a.date)!;
        return { inboxId: t.inboxId, contactId: id, position, type: a.type, date: a.date, year: p.year, month: p.month, day: p.day };
      }));
    }
  });
  return id;
}

async function addTask(t: Tenant, body: Record<string, unknown>, now?: string): Promise<string> {
  const r = await call('POST', '/v1/tasks/', { token: t.session, body: { inbox_id: t.inboxId, ...body }, now });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.uid;
}

const agenda = (t: Inboxed, now: string, days?: number | string) =>
  call('GET', `/v1/agenda/${days === undefined ? '' : `?days=${days}`}`, { token: t.reader, now });

type Item = { id: string; type: string; title: string; date: string; start?: string; [k: string]: unknown };
const summary = (items: Item[]) => items.map((i) => `${i.type}|${i.date || '-'}|${i.start?.slice(11, 16) ?? ''}|${i.title}`);

// ---------------------------------------------------------------------------------------------

describe('agenda: every type, in order', () => {
  const NOW = '2026-06-10T08:00:00Z'; // 10:00 in Berlin
  let t: Inboxed;
  let standup: string;
  let review: string;
  let alice: string;
  let approvalId: string;

  beforeAll(async () => {
    t = await tenant('Europe/Berlin');
    const Z = 'Europe/Berlin';
    const work = await addCalendar(t, 'Work');

    // Approvals: one pending, one expired, one rejected.
    const held = await t.agent(['task:write'], ['task:write'], 'held-agent');
    const queued = await call('POST', '/v1/tasks/', { token: held, body: { summary: 'Held task' }, now: '2026-06-10T07:00:00Z' });
    expect(queued.status).toBe(202);
    approvalId = queued.body.approval_id;
    expect((await call('POST', '/v1/tasks/', { token: held, body: { summary: 'Expired' }, now: '2026-06-08T07:00:00Z' })).status).toBe(202);
    const rejected = await call('POST', '/v1/tasks/', { token: held, body: { summary: 'Rejected' }, now: '2026-06-10T07:10:00Z' });
    const reject = await call('POST', `/v1/approvals/${rejected.body.approval_id}/reject/`, { token: t.session, body: { inbox_id: t.inboxId }, now: '2026-06-10T07:20:00Z' });
    expect(reject.status).toBe(204);

    // Tasks.
    await addTask(t, { summary: 'Overdue B', due_date: '2026-06-08' });
    await addTask(t, { summary: 'Overdue A', due_date: '2026-06-01' });
    await addTask(t, { summary: 'Due today', due_date: '2026-06-10' });
    await addTask(t, { summary: 'Pay rent', due_date: '2026-06-12' });
    await addTask(t, { summary: 'After the window', due_date: '2026-06-17' });
    await addTask(t, { summary: 'Undated' });
    const done = await addTask(t, { summary: 'Done already', due_date: '2026-06-11' });
    expect((await call('PATCH', `/v1/tasks/${done}/`, { token: t.session, body: { inbox_id: t.inboxId, completed: true } })).status).toBe(200);

    // Events.
    await addEvent(t, { calendar: t.personal, title: 'Dentist', start: '2026-06-10T09:00:00', zone: Z, seconds: 3600 });
    review = await addEvent(t, { calendar: work, title: 'Review', start: '2026-06-12T14:00:00', zone: Z, seconds: 5400, location: 'Room 4' });
    await addEvent(t, { calendar: t.personal, title: 'Breakfast', start: '2026-06-16T08:30:00', zone: Z, seconds: 1800 });
    await addEvent(t, { calendar: t.personal, title: 'Called off', start: '2026-06-12T10:00:00', zone: Z, seconds: 3600, status: 'cancelled' });
    await addEvent(t, { calendar: t.tasksCalendar, title: 'In the Tasks calendar', start: '2026-06-11T10:00:00', zone: Z, seconds: 3600 });
    await addEvent(t, { calendar: t.personal, title: 'Next week', start: '2026-06-17T00:00:00', zone: Z, seconds: 3600 });
    standup = await addEvent(t, {
      calendar: t.personal, title: 'Standup', start: '2026-06-01T08:30:00', zone: Z, seconds: 900,
      rules: ['RRULE:FREQ=DAILY', 'EXDATE;TZID=Europe/Berlin:20260614T083000'],
    });
    await addOverride(t, standup, wallToInstant('2026-06-11T08:30:00', Z).instant, {
      title: 'Standup (moved)', startAt: wallToInstant('2026-06-11T11:00:00', Z).instant,
    });
    await addOverride(t, standup, wallToInstant('2026-06-13T08:30:00', Z).instant, { status: 'cancelled' });

    // Anniversaries.
    alice = await addContact(t, 'Alice Smith', [{ type: 'birthday', date: '1990-06-12' }, { type: 'wedding', date: '--06-20' }]);
    await addContact(t, 'Bob Jones', [{ type: 'name_day', date: '--06-15' }]);
    await addContact(t, 'No dates', []);
  });

  it('pending first, then overdue, then by date and time; all-day before timed; ties by title', async () => {
    const r = await agenda(t, NOW);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.window).toEqual({
      start: '2026-06-10', end: '2026-06-17', days: 7, time_zone: 'Europe/Berlin',
      start_at: '2026-06-09T22:00:00Z', end_at: '2026-06-16T22:00:00Z',
    });
    expect(summary(r.body.items)).toEqual([
      'task|-||held-agent asks to POST /v1/tasks/',
      'task|2026-06-01||Overdue A',
      'task|2026-06-08||Overdue B',
      'task|2026-06-10||Due today',
      'event|2026-06-10|08:30|Standup',
      'event|2026-06-10|09:00|Dentist',
      'event|2026-06-11|11:00|Standup (moved)',
      'anniversary|2026-06-12||Alice Smith — Birthday',
      'task|2026-06-12||Pay rent',
      'event|2026-06-12|08:30|Standup',
      'event|2026-06-12|14:00|Review',
      'anniversary|2026-06-15||Bob Jones — Name day',
      'event|2026-06-15|08:30|Standup',
      'event|2026-06-16|08:30|Breakfast',
      'event|2026-06-16|08:30|Standup',
    ]);
    expect(r.body.count).toBe(15);
  });

  it('items carry their type\'s fields', async () => {
    const items: Item[] = (await agenda(t, NOW)).body.items;
    expect(items[0]).toMatchObject({ id: approvalId, type: 'task', pending: true, date: '', due: null, approval_id: approvalId });
    expect(items[1]).toMatchObject({ type: 'task', overdue: true, pending: false, due_date: '2026-06-01' });
    expect(items[1]!.uid).toMatch(/^tsk_/);
    expect(items[3]).toMatchObject({ overdue: false, pending: false });
    expect(items.find((i) => i.title === 'Review')).toMatchObject({
      type: 'event', calendar: 'Work', location: 'Room 4', event_id: review, recurring_event_id: null,
      start: '2026-06-12T14:00:00', end: '2026-06-12T15:30:00', start_at: '2026-06-12T12:00:00Z',
    });
    const moved = items.find((i) => i.title === 'Standup (moved)')!;
    expect(moved).toMatchObject({ calendar: 'Personal', recurring_event_id: standup, event_id: `${standup}_20260611T063000Z`, start: '2026-06-11T11:00:00', end: '2026-06-11T11:15:00' });
    expect(items.find((i) => i.title === 'Alice Smith — Birthday')).toEqual({
      id: alice, type: 'anniversary', title: 'Alice Smith — Birthday', date: '2026-06-12', contact_id: alice, contact_name: 'Alice Smith',
      anniversary_type: 'birthday', anniversary_date: '1990-06-12', years: 36,
    });
    expect(items.find((i) => i.type === 'anniversary' && i.contact_name === 'Bob Jones')).toMatchObject({ anniversary_type: 'name_day', years: null });
  });

  // docs/calendar.md: every item has id, type, title, date and every field of its type — always, null
  // where it has no value. One exact key set per type, for every item of the seeded agenda.
  const KEYS: Record<string, string[]> = {
    task: ['id', 'type', 'title', 'date', 'due', 'overdue', 'pending', 'uid', 'due_date', 'categories',
      'approval_id', 'action_type', 'token_label', 'queued_at', 'expires_at', 'route_id', 'recipient_id', 'share_id'],
    event: ['id', 'type', 'title', 'date', 'start', 'end', 'calendar', 'location', 'time_zone', 'start_at', 'end_at',
      'calendar_id', 'event_id', 'recurring_event_id'],
    anniversary: ['id', 'type', 'title', 'date', 'contact_id', 'contact_name', 'anniversary_type', 'anniversary_date', 'years'],
    thread: ['id', 'type', 'title', 'date', 'sent_at', 'to', 'thread_id', 'message_id'],
    suggestion: ['id', 'type', 'title', 'date', 'start', 'start_at', 'duration', 'location', 'time_zone', 'message_id', 'confirm_url', 'dismiss_url'],
    file: ['id', 'type', 'title', 'date', 'file_id', 'file_type', 'version', 'updated_at'],
    work_route: ['id', 'type', 'title', 'date', 'due', 'status', 'role', 'request_type', 'waiting_on', 'completed_recipients', 'total_recipients', 'route_id', 'recipient_id'],
  };
  const SCHEMAS: Record<string, z.ZodObject> = {
    task: AgendaTaskItem, event: AgendaEventItem, anniversary: AgendaAnniversaryItem, thread: AgendaThreadItem, suggestion: AgendaSuggestionItem,
    file: AgendaFileItem, work_route: AgendaWorkRouteItem,
  };
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  const WALL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
  const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

  /** Per kind of item: what its id is, and its contract fields' values. */
  const RULES: Array<{ kind: string; applies: (i: Item) => boolean; check: (i: Item) => void }> = [
    { kind: 'pending task', applies: (i) => i.type === 'task' && i.pending === true, check: (i) => {
      expect(i).toMatchObject({ id: i.approval_id, date: '', due: null, due_date: null, uid: null, overdue: false });
      expect(i.approval_id).toMatch(/^apr_/);
      expect(i.queued_at).toMatch(INSTANT);
    } },
    { kind: 'task', applies: (i) => i.type === 'task' && i.pending === false, check: (i) => {
      expect(i.id).toMatch(/^tsk_/);
      expect(i).toMatchObject({ uid: i.id, due: i.date, due_date: i.date, approval_id: null, queued_at: null });
      expect(i.date).toMatch(DATE);
      expect(typeof i.overdue).toBe('boolean');
    } },
    { kind: 'single event', applies: (i) => i.type === 'event' && i.recurring_event_id === null, check: (i) => {
      expect(i.id).toMatch(/^evt_[0-9a-z]+$/);
      expect(i.event_id).toBe(i.id);
      expect(i.start).toMatch(WALL);
      expect(i.end).toMatch(WALL);
      expect(i.date).toBe(i.start!.slice(0, 10));
    } },
    { kind: 'occurrence of a series', applies: (i) => i.type === 'event' && i.recurring_event_id !== null, check: (i) => {
      expect(i.id).toMatch(new RegExp(`^${i.recurring_event_id}_\\d{8}T\\d{6}Z$`));
      expect(i.event_id).toBe(i.id);
      expect(i.date).toBe(i.start!.slice(0, 10));
    } },
    { kind: 'anniversary', applies: (i) => i.type === 'anniversary', check: (i) => {
      expect(i.id).toBe(i.contact_id);
      expect(i.id).toMatch(/^ctc_/);
      expect(i.title).toBe(`${i.contact_name} — ${String(i.anniversary_type).replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())}`);
      expect(i.date).toMatch(DATE);
    } },
  ];

  it('every item carries exactly its type\'s key set, and its id is the one the contract names', async () => {
    const items: Item[] = (await agenda(t, NOW)).body.items;
    const seen = new Set<string>();
    for (const i of items) {
      const label = `${i.type} ${i.title} ${i.date}`;
      expect(KEYS[i.type], label).toBeDefined();
      expect(Object.keys(i).sort(), label).toEqual([...KEYS[i.type]!].sort());
      for (const k of ['id', 'type', 'title', 'date']) expect(typeof i[k], `${label} ${k}`).toBe('string');
      const rule = RULES.filter((r) => r.applies(i));
      expect(rule.map((r) => r.kind), label).toHaveLength(1);
      rule[0]!.check(i);
      seen.add(rule[0]!.kind);
      // The declared response schema says the same.
      expect(SCHEMAS[i.type]!.strict().safeParse(i).error?.issues ?? [], label).toEqual([]);
    }
    expect([...seen].sort()).toEqual(RULES.map((r) => r.kind).sort());
  });

  it('the OpenAPI document declares one item schema per type with exactly those keys', async () => {
    for (const [type, schema] of Object.entries(SCHEMAS)) expect(Object.keys(schema.shape).sort(), type).toEqual([...KEYS[type]!].sort());
    const doc = (await call('GET', '/openapi.json')).body;
    const names = {
      task: 'AgendaTaskItem', event: 'AgendaEventItem', anniversary: 'AgendaAnniversaryItem', thread: 'AgendaThreadItem', suggestion: 'AgendaSuggestionItem',
      file: 'AgendaFileItem', work_route: 'AgendaWorkRouteItem',
    } as const;
    for (const [type, name] of Object.entries(names)) {
      const declared = doc.components.schemas[name];
      expect(declared, name).toBeDefined();
      expect(Object.keys(declared.properties).sort(), name).toEqual([...KEYS[type]!].sort());
      expect([...declared.required].sort(), name).toEqual([...KEYS[type]!].sort());
    }
    const item = doc.components.schemas.AgendaItem;
    expect(item.oneOf.map((s: { $ref: string }) => s.$ref).sort()).toEqual(Object.values(names).map((n) => `#/components/schemas/${n}`).sort());
  });

  it('a completed task and an approved-away approval leave the agenda', async () => {
    const before = (await agenda(t, NOW)).body.count;
    const task = (await agenda(t, NOW)).body.items.find((i: Item) => i.title === 'Pay rent');
    await call('PATCH', `/v1/tasks/${task.uid}/`, { token: t.session, body: { inbox_id: t.inboxId, completed: true } });
    const after = await agenda(t, NOW);
    expect(after.body.count).toBe(before - 1);
    expect(summary(after.body.items)).not.toContain('task|2026-06-12||Pay rent');
    await call('PATCH', `/v1/tasks/${task.uid}/`, { token: t.session, body: { inbox_id: t.inboxId, completed: false } });
    // The pending approval is gone once it expires (24 h after it was queued).
    const later = await agenda(t, '2026-06-11T07:00:01Z');
    expect(later.body.items.some((i: Item) => i.pending)).toBe(false);
  });

  it('needs the composite read scope; another tenant\'s session naming this inbox is 404', async () => {
    const taskReader = await t.agent(['task:read', 'calendar:read', 'contacts:read']);
    const denied = await call('GET', '/v1/agenda/', { token: taskReader, now: NOW });
    expect(denied.status).toBe(403);
    expect(denied.body.required_scope).toBe('read');

    const own = await call('GET', `/v1/agenda/?inbox_id=${t.inboxId}`, { token: t.session, now: NOW });
    expect(own.status).toBe(200);
    expect(own.body.count).toBe(15);
    expect((await call('GET', '/v1/agenda/', { token: t.session, now: NOW })).status).toBe(400);

    const other = await newTenant('Other');
    await addTask(other, { summary: 'Theirs', due_date: '2026-06-10' });
    expect((await call('GET', `/v1/agenda/?inbox_id=${t.inboxId}`, { token: other.session, now: NOW })).status).toBe(404);
    expect((await call('GET', `/v1/agenda/?inbox_id=${encodeURIComponent(t.address)}`, { token: other.session, now: NOW })).status).toBe(404);
    const theirs = await call('GET', `/v1/agenda/?inbox_id=${other.inboxId}`, { token: other.session, now: NOW });
    expect(summary(theirs.body.items)).toEqual(['task|2026-06-10||Theirs']);
  });
});

describe('agenda: window edges and length', () => {
  let t: Inboxed;
  beforeAll(async () => {
    t = await tenant(); // UTC
    const cal = t.personal;
    const Z = 'UTC';
    await addEvent(t, { calendar: cal, title: 'Ends at window start', start: '2026-03-09T23:00:00', zone: Z, seconds: 3600 });
    await addEvent(t, { calendar: cal, title: 'Ends a second into the window', start: '2026-03-09T23:00:00', zone: Z, seconds: 3601 });
    await addEvent(t, { calendar: cal, title: 'Last minute', start: '2026-03-10T23:59:00', zone: Z, seconds: 1800 });
    await addEvent(t, { calendar: cal, title: 'Starts at window end', start: '2026-03-11T00:00:00', zone: Z, seconds: 600 });
    await addEvent(t, { calendar: cal, title: 'Nightly', start: '2026-03-01T23:00:00', zone: Z, seconds: 3600, rules: ['RRULE:FREQ=DAILY;COUNT=40'] });
    await addEvent(t, { calendar: cal, title: 'Day 30', start: '2026-04-08T12:00:00', zone: Z, seconds: 600 });
    await addEvent(t, { calendar: cal, title: 'Day 31', start: '2026-04-09T00:00:00', zone: Z, seconds: 600 });
  });
  const NOW = '2026-03-10T12:00:00Z';

  it('an event ending exactly at the window start is out; one starting at its last minute is in (days=1)', async () => {
    const r = await agenda(t, NOW, 1);
    expect(r.status).toBe(200);
    expect(r.body.window).toMatchObject({ start: '2026-03-10', end: '2026-03-11', days: 1, start_at: '2026-03-10T00:00:00Z', end_at: '2026-03-11T00:00:00Z' });
    expect(summary(r.body.items)).toEqual([
      'event|2026-03-09|23:00|Ends a second into the window',
      'event|2026-03-10|23:00|Nightly',
      'event|2026-03-10|23:59|Last minute',
    ]);
  });

  it('days=30 reaches the 30th day and not the 31st; default is 7', async () => {
    const r = await agenda(t, NOW, 30);
    expect(r.body.window).toMatchObject({ start: '2026-03-10', end: '2026-04-09', days: 30 });
    const titles = r.body.items.map((i: Item) => i.title);
    expect(titles).toContain('Day 30');
    expect(titles).not.toContain('Day 31');
    // Nightly: COUNT=40 from Mar 1 → last on Apr 9; in the window Mar 10 … Apr 8 → 30 occurrences.
    expect(titles.filter((x: string) => x === 'Nightly')).toHaveLength(30);
    const d = await agenda(t, NOW);
    expect(d.body.window).toMatchObject({ days: 7, end: '2026-03-17' });
    expect(d.body.items.filter((i: Item) => i.title === 'Nightly')).toHaveLength(7);
  });

  it('days outside 1–30 or not a whole number is a 400', async () => {
    for (const days of ['0', '31', '1.5', 'abc', '-1', '', '7e0', '1000']) {
      const r = await agenda(t, NOW, days);
      expect(r.status, `days=${days}`).toBe(400);
      expect(r.body.errors[0].path).toBe('days');
    }
  });
});

describe('agenda: inbox zones far from UTC shift "today"', () => {
  // 10:30 UTC is 00:30 tomorrow in Kiritimati (UTC+14) and 23:30 yesterday in Pago Pago (UTC−11).
  const NOW = '2026-06-10T10:30:00Z';
  let t: Inboxed;
  beforeAll(async () => {
    t = await tenant();
    await addTask(t, { summary: 'Due June 10', due_date: '2026-06-10' });
    await addEvent(t, { calendar: t.personal, title: 'Call', start: '2026-06-10T10:15:00', zone: 'UTC', seconds: 1800 });
  });

  it('UTC: today is June 10', async () => {
    await setSettings(t, { default_timezone: null });
    const r = await agenda(t, NOW, 1);
    expect(r.body.window).toMatchObject({ start: '2026-06-10', end: '2026-06-11', time_zone: 'UTC' });
    expect(r.body.items).toEqual([
      expect.objectContaining({ title: 'Due June 10', overdue: false }),
      expect.objectContaining({ title: 'Call', date: '2026-06-10', start: '2026-06-10T10:15:00' }),
    ]);
  });

  it('Pacific/Kiritimati: today is already June 11, the task is overdue', async () => {
    await setSettings(t, { default_timezone: 'Pacific/Kiritimati' });
    const r = await agenda(t, NOW, 1);
    expect(r.body.window).toEqual({
      start: '2026-06-11', end: '2026-06-12', days: 1, time_zone: 'Pacific/Kiritimati',
      start_at: '2026-06-10T10:00:00Z', end_at: '2026-06-11T10:00:00Z',
    });
    expect(r.body.items).toEqual([
      expect.objectContaining({ title: 'Due June 10', overdue: true, date: '2026-06-10' }),
      expect.objectContaining({ title: 'Call', date: '2026-06-11', start: '2026-06-11T00:15:00', end: '2026-06-11T00:45:00' }),
    ]);
  });

  it('Pacific/Pago_Pago: today is still June 9, the task is due tomorrow and the call is tonight', async () => {
    await setSettings(t, { default_timezone: 'Pacific/Pago_Pago' });
    const one = await agenda(t, NOW, 1);
    expect(one.body.window).toEqual({
      start: '2026-06-09', end: '2026-06-10', days: 1, time_zone: 'Pacific/Pago_Pago',
      start_at: '2026-06-09T11:00:00Z', end_at: '2026-06-10T11:00:00Z',
    });
    expect(summary(one.body.items)).toEqual(['event|2026-06-09|23:15|Call']);
    const two = await agenda(t, NOW, 2);
    expect(summary(two.body.items)).toEqual(['event|2026-06-09|23:15|Call', 'task|2026-06-10||Due June 10']);
    expect(two.body.items[1].overdue).toBe(false);
  });
});

describe('agenda: anniversaries', () => {
  let t: Inboxed;
  beforeAll(async () => {
    t = await tenant();
    await addContact(t, 'Leap Year', [{ type: 'birthday', date: '2000-02-29' }]);
    await addContact(t, 'Leap Noyear', [{ type: 'name_day', date: '--02-29' }]);
    await addContact(t, 'March First', [{ type: 'birthday', date: '--03-01' }]);
  });
  const titles = (r: { body: { items: Item[] } }) => r.body.items.map((i) => `${i.date} ${i.title}`);

  it('Feb 29 in 2027 under feb28 (the default)', async () => {
    await setSettings(t, { leap_day_policy: 'feb28' });
    const r = await agenda(t, '2027-02-25T12:00:00Z', 7);
    expect(titles(r)).toEqual(['2027-02-28 Leap Noyear — Name day', '2027-02-28 Leap Year — Birthday', '2027-03-01 March First — Birthday']);
    expect(r.body.items[1].years).toBe(27);
    // A one-day window on Feb 28 alone still reads the Feb 29 rows.
    expect(titles(await agenda(t, '2027-02-28T12:00:00Z', 1))).toEqual(['2027-02-28 Leap Noyear — Name day', '2027-02-28 Leap Year — Birthday']);
    expect(titles(await agenda(t, '2027-03-01T12:00:00Z', 1))).toEqual(['2027-03-01 March First — Birthday']);
  });

  it('Feb 29 in 2027 under mar1', async () => {
    await setSettings(t, { leap_day_policy: 'mar1' });
    const r = await agenda(t, '2027-02-25T12:00:00Z', 7);
    expect(titles(r)).toEqual(['2027-03-01 Leap Noyear — Name day', '2027-03-01 Leap Year — Birthday', '2027-03-01 March First — Birthday']);
    expect(titles(await agenda(t, '2027-03-01T12:00:00Z', 1))).toEqual(['2027-03-01 Leap Noyear — Name day', '2027-03-01 Leap Year — Birthday', '2027-03-01 March First — Birthday']);
    expect(titles(await agenda(t, '2027-02-28T12:00:00Z', 1))).toEqual([]);
  });

  it('Feb 29 in 2027 under skip; in leap 2028 it is Feb 29 whatever the policy', async () => {
    await setSettings(t, { leap_day_policy: 'skip' });
    expect(titles(await agenda(t, '2027-02-25T12:00:00Z', 7))).toEqual(['2027-03-01 March First — Birthday']);
    expect(titles(await agenda(t, '2028-02-27T12:00:00Z', 4))).toEqual(['2028-02-29 Leap Noyear — Name day', '2028-02-29 Leap Year — Birthday', '2028-03-01 March First — Birthday']);
    await setSettings(t, { leap_day_policy: 'mar1' });
    expect(titles(await agenda(t, '2028-02-27T12:00:00Z', 4))).toEqual(['2028-02-29 Leap Noyear — Name day', '2028-02-29 Leap Year — Birthday', '2028-03-01 March First — Birthday']);
  });

  it('a window across New Year', async () => {
    const u = await tenant();
    await addContact(u, 'Eve Winter', [{ type: 'birthday', date: '--12-30' }, { type: 'wedding', date: '2019-12-20' }]);
    await addContact(u, 'Jan Snow', [{ type: 'name_day', date: '--01-02' }, { type: 'birthday', date: '1985-01-10' }]);
    await addContact(u, 'Nora Newyear', [{ type: 'birthday', date: '2001-01-01' }, { type: 'custom-day', date: '--12-31' }]);
    await addContact(u, 'Future Person', [{ type: 'birthday', date: '2027-01-03' }]);
    await addTask(u, { summary: 'File taxes', due_date: '2027-01-03' });
    await addEvent(u, { calendar: u.personal, title: 'Party', start: '2026-12-31T22:00:00', zone: 'UTC', seconds: 4 * 3600 });
    const r = await agenda(u, '2026-12-29T12:00:00Z', 7);
    expect(r.body.window).toMatchObject({ start: '2026-12-29', end: '2027-01-05' });
    expect(summary(r.body.items)).toEqual([
      'anniversary|2026-12-30||Eve Winter — Birthday',
      'anniversary|2026-12-31||Nora Newyear — Custom-day',
      'event|2026-12-31|22:00|Party',
      'anniversary|2027-01-01||Nora Newyear — Birthday',
      'anniversary|2027-01-02||Jan Snow — Name day',
      'task|2027-01-03||File taxes',
      'anniversary|2027-01-03||Future Person — Birthday',
    ]);
    expect(r.body.items[3].years).toBe(26);
    expect(r.body.items[6].years).toBe(0);
    // The (month, day) rows really exist outside the window and are not shown.
    const rows = await withDb((db) => db.select().from(contactAnniversaries).where(and(eq(contactAnniversaries.inboxId, u.inboxId), eq(contactAnniversaries.month, 1), eq(contactAnniversaries.day, 10))));
    expect(rows).toHaveLength(1);
  });
});

describe('agenda internals', () => {
  it('month spans: one index range per month touched, Feb 29 pulled in next to Feb 28 / Mar 1', () => {
    expect(monthSpans('2027-01-31', '2027-03-01')).toEqual([
      { month: 1, from: 31, to: 31 }, { month: 2, from: 1, to: 29 }, { month: 3, from: 1, to: 1 },
    ]);
    expect(monthSpans('2026-12-29', '2027-01-04')).toEqual([{ month: 12, from: 29, to: 31 }, { month: 1, from: 1, to: 4 }]);
    expect(monthSpans('2027-03-01', '2027-03-01')).toEqual([{ month: 3, from: 1, to: 1 }, { month: 2, from: 29, to: 29 }]);
    expect(monthSpans('2027-02-20', '2027-02-28')).toEqual([{ month: 2, from: 20, to: 29 }]);
    expect(monthSpans('2026-06-10', '2026-06-16')).toEqual([{ month: 6, from: 10, to: 16 }]);
  });

  it('order: pending (by queue time), overdue, then by date and time, undated last', () => {
    // [id, type, date, pending, overdue, sortTime]: listed in the order the agenda must show them.
    const table: Array<[string, string, string, boolean, boolean, string?]> = [
      ['p1', 'task', '', true, false, '2026-06-01T08:00:00Z'],
      ['p2', 'task', '', true, false, '2026-06-02T08:00:00Z'],
      ['o1', 'task', '2026-05-01', false, true],
      ['o2', 'task', '2026-06-09', false, true],
      ['a1', 'anniversary', '2026-06-10', false, false],
      ['t1', 'task', '2026-06-10', false, false],
      ['e1', 'event', '2026-06-10', false, false, '2026-06-10T08:00:00'],
      ['e2', 'event', '2026-06-10', false, false, '2026-06-10T09:00:00'],
      ['e3', 'event', '2026-06-11', false, false, '2026-06-11T00:00:00'],
      ['u1', 'task', '', false, false],
    ];
    const ranked = table.map(([id, type, date, pending, overdue, sortTime]) =>
      ({ id, sortTime, item: { id, type, title: 'Same', date, pending, overdue } }) as unknown as Ranked);
    const ids = table.map((r) => r[0]);
    // Every starting order sorts the same way: reversed, and a few rotations.
    for (let shift = 0; shift < ranked.length; shift += 3) {
      const input = [...ranked.slice(shift), ...ranked.slice(0, shift)].reverse();
      expect(input.sort(compareAgenda).map((r) => r.id), `shift ${shift}`).toEqual(ids);
    }
  });

  it('the cached wall clock agrees with instantToWall across DST changes', () => {
    for (const zone of ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Pacific/Kiritimati']) {
      const wall = wallClock(zone);
      for (const [from, to] of [['2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z'], ['2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z'], ['2026-10-24T00:00:00Z', '2026-11-03T00:00:00Z'], ['2026-04-03T00:00:00Z', '2026-04-07T00:00:00Z']]) {
        for (let ms = Date.parse(from!); ms < Date.parse(to!); ms += 7 * 60_000 + 500) {
          const d = new Date(ms);
          if (wall(d) !== instantToWall(d, zone)) expect(`${zone} ${d.toISOString()} ${wall(d)}`).toBe(instantToWall(d, zone));
        }
      }
    }
  });
});
