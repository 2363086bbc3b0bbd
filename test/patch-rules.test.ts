// The one rule for PATCH bodies (src/http/fields.ts patchBody), on every PATCH route, for
// session tokens and agent tokens: a body with no field of the resource — `{}`, only
// `inbox_id`, or only keys the resource does not have — is a 400 `validation_failed` that
// changes nothing (and is never held for approval); one field is a 200.
import { describe, it, expect, beforeAll } from 'vitest';
import { call, documentedOperations, newTenant, type Answer, type Tenant } from './helpers';

let t: Tenant;
let personal: string;

type Kind = 'session' | 'agent';

interface Target {
  /** The PATCH path of a fresh resource. */
  path: string;
  /** Reads the resource (as the session). */
  read: () => Promise<Answer>;
  /** One field to change. */
  one: Record<string, unknown>;
  /** What the answer then shows, when it is not `one` itself (an action). */
  shows?: Record<string, unknown>;
}

interface PatchRoute {
  name: string;
  /** The scopes an agent token needs to create, read and change it. */
  scopes: string[];
  /** The scope a held token's PATCH waits on. */
  write: string;
  /** The inbox is the path's (settings): no `inbox_id` in the query or body. */
  inboxInPath?: boolean;
  setup: () => Promise<Target>;
}

const q = () => `inbox_id=${t.inboxId}`;

async function created(path: string, body: Record<string, unknown>): Promise<any> {
  const r = await call('POST', path, { token: t.session, body: { inbox_id: t.inboxId, ...body } });
  if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
const reader = (path: string) => () => call('GET', `${path}?${q()}`, { token: t.session });

const ROUTES: PatchRoute[] = [
  {
    name: 'contacts', scopes: ['contacts:read', 'contacts:write'], write: 'contacts:write',
    async setup() {
      const path = `/v1/contacts/${(await created('/v1/contacts/', { full_name: 'Pat Patch' })).id}/`;
      return { path, read: reader(path), one: { notes: 'changed' } };
    },
  },
  {
    name: 'labels', scopes: ['context:read', 'context:write'], write: 'context:write',
    async setup() {
      const path = `/v1/context/${(await created('/v1/context/', { name: `L ${Math.random()}`, label_type: 'contact' })).label_id}/`;
      return { path, read: reader(path), one: { name: `Renamed ${Math.random()}` } };
    },
  },
  {
    name: 'calendar collections', scopes: ['calendar:read', 'calendar:write'], write: 'calendar:write',
    async setup() {
      const path = `/v1/calendar/collections/${(await created('/v1/calendar/collections/', { name: 'Work' })).id}/`;
      return { path, read: reader(path), one: { name: 'Team' } };
    },
  },
  {
    name: 'events', scopes: ['calendar:read', 'calendar:write'], write: 'calendar:write',
    async setup() {
      const e = await created('/v1/calendar/events/', { calendar_id: personal, title: 'Single', start: '2024-06-03T09:00:00Z', duration: 'PT1H' });
      const path = `/v1/calendar/events/${e.event_id}/`;
      return { path, read: reader(path), one: { title: 'Renamed' } };
    },
  },
  {
    name: 'occurrences', scopes: ['calendar:read', 'calendar:write'], write: 'calendar:write',
    async setup() {
      const s = await created('/v1/calendar/events/', {
        calendar_id: personal, title: 'Daily', start: '2024-06-03T09:00:00Z', duration: 'PT30M', recurrence_rules: ['RRULE:FREQ=DAILY;COUNT=5'],
      });
      const path = `/v1/calendar/events/${s.event_id}_20240604T090000Z/`;
      return { path, read: reader(path), one: { title: 'Just this one' } };
    },
  },
  {
    name: 'tasks', scopes: ['task:read', 'task:write'], write: 'task:write',
    async setup() {
      const path = `/v1/tasks/${(await created('/v1/tasks/', { summary: 'Patch me' })).uid}/`;
      return { path, read: reader(path), one: { summary: 'Patched' } };
    },
  },
  {
    name: 'alerts', scopes: ['alerts:read', 'alerts:write'], write: 'alerts:write',
    async setup() {
      const a = await created('/v1/alerts/', { events: ['contact.birthday'], delivery: { type: 'task', target: 'Call {contact_name}' } });
      const path = `/v1/alerts/${a.id}/`;
      return { path, read: reader(path), one: { enabled: false } };
    },
  },
  {
    name: 'sequences', scopes: ['sequences:read', 'sequences:write'], write: 'sequences:write',
    async setup() {
      const path = `/v1/sequences/${(await created('/v1/sequences/', { name: 'Nudge', emails: [{ delay_days: 1, subject: 'Hi', body: 'Hello' }] })).sequence_id}/`;
      return { path, read: reader(path), one: { name: 'Renamed' } };
    },
  },
  {
    name: 'sequence enrollments', scopes: ['sequences:read', 'sequences:write'], write: 'sequences:write',
    async setup() {
      const seq = await created('/v1/sequences/', { name: 'Nudge', emails: [{ delay_days: 1, subject: 'Hi', body: 'Hello' }] });
      const contact = await created('/v1/contacts/', { full_name: 'Enrolled', emails: [{ address: 'enrolled@example.com' }] });
      const path = `/v1/sequences/enrollments/${(await created('/v1/sequences/enrollments/', { sequence_id: seq.sequence_id, contact_id: contact.id })).enrollment_id}/`;
      return { path, read: reader(path), one: { action: 'cancel' }, shows: { status: 'cancelled' } };
    },
  },
  {
    name: 'files', scopes: ['files:read', 'files:write'], write: 'files:write',
    async setup() {
      const path = `/v1/files/${(await created('/v1/files/', { name: 'Patched.txt', file_type: 'document' })).file_id}/`;
      return { path, read: reader(path), one: { name: 'Renamed.txt' } };
    },
  },
  {
    name: 'inbox settings', scopes: ['settings:read', 'settings:write'], write: 'settings:write', inboxInPath: true,
    async setup() {
      const path = `/v1/inboxes/${t.inboxId}/settings/`;
      const read = () => call('GET', path, { token: t.session });
      const current = (await read()).body.leap_day_policy;
      return { path, read, one: { leap_day_policy: current === 'mar1' ? 'skip' : 'mar1' } };
    },
  },
];

beforeAll(async () => {
  t = await newTenant('Patch rules');
  personal = (await call('GET', `/v1/calendar/collections/?${q()}`, { token: t.session })).body.find((c: any) => c.isDefault).id;
});

function expectEmptyPatch(r: Answer, what: string): void {
  expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(400);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  expect(r.body.code, what).toBe('validation_failed');
  expect(r.body.detail, what).toContain('send at least one field');
  expect(r.body.errors, what).toEqual([expect.objectContaining({ path: '', message: expect.stringContaining('send at least one field') })]);
}

describe.each(ROUTES)('PATCH $name', (route) => {
  const tokens: Record<Kind, () => Promise<string>> = {
    session: async () => t.session,
    agent: () => t.agent(route.scopes),
  };

  for (const kind of ['session', 'agent'] as const) {
    it(`${kind} token: {}, only inbox_id, or only unknown keys → 400 changing nothing; one field → 200`, async () => {
      const token = await tokens[kind]();
      const target = await route.setup();
      const before = await target.read();
      expect(before.status).toBe(200);

      // A session names its inbox in the query when the body does not (settings: in the path).
      const withQuery = route.inboxInPath ? target.path : `${target.path}?${q()}`;
      const named = route.inboxInPath ? {} : { inbox_id: t.inboxId };
      for (const [what, path, body] of [
        ['{}', withQuery, {}],
        ['only inbox_id', target.path, named],
        ['only unknown keys', withQuery, { ...named, no_such_field: 'x' }],
      ] as const) {
        expectEmptyPatch(await call('PATCH', path, { token, body }), what);
      }
      expect(await target.read()).toMatchObject({ status: 200, body: before.body });

      const changed = await call('PATCH', target.path, { token, body: { ...named, ...target.one } });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(changed.body).toMatchObject(target.shows ?? target.one);
      expect((await target.read()).body).toMatchObject(target.shows ?? target.one);
    });
  }

  it('an agent token whose write scope needs approval: an empty PATCH is a 400, never held', async () => {
    const held = await t.agent(route.scopes, [route.write], 'held');
    const target = await route.setup();
    const before = await target.read();
    expectEmptyPatch(await call('PATCH', target.path, { token: held, body: {} }), '{} (held token)');
    const approvals = await call('GET', `/v1/approvals/?${q()}`, { token: t.session });
    expect(approvals.body.filter((a: any) => a.status === 'pending' && a.token_label === 'held' && a.summary.includes(target.path))).toEqual([]);
    expect((await target.read()).body).toEqual(before.body);
    expect((await call('PATCH', target.path, { token: held, body: target.one })).status).toBe(202);
  });
});

describe('PATCH rule and inbox_id in /openapi.json', () => {
  let doc: any;
  let patches: { path: string; spec: any }[];
  beforeAll(async () => {
    const d = await documentedOperations();
    doc = d.doc;
    patches = d.ops.filter((o) => o.method === 'PATCH');
  });
  const bodyOf = (spec: any) => {
    let s = spec.requestBody?.content?.['application/json']?.schema;
    while (s?.$ref) s = doc.components.schemas[String(s.$ref).split('/').pop() ?? ''];
    return s;
  };

  it('every PATCH route is one of the table above', () => {
    const paths = patches.map((p) => p.path).sort();
    expect(paths).toEqual([
      '/v1/alerts/{alert_id}/', '/v1/calendar/collections/{id}/', '/v1/calendar/events/{event_id}/',
      '/v1/contacts/{id}/', '/v1/context/{label_id}/', '/v1/files/{id}/', '/v1/inboxes/{inbox_id}/settings/',
      '/v1/sequences/enrollments/{id}/', '/v1/sequences/{id}/', '/v1/tasks/{uid}/',
    ]);
  });

  it('each PATCH body is one flat component documenting inbox_id (settings: the path names the inbox)', () => {
    for (const { path, spec } of patches) {
      const s = bodyOf(spec);
      expect(s?.type, path).toBe('object');
      if (path.startsWith('/v1/inboxes/')) expect(s.properties, path).not.toHaveProperty('inbox_id');
      else expect(s.properties.inbox_id.description, path).toContain('session tokens must name it');
    }
  });

  it('every documented pattern is a valid flag-free regular expression; email fields carry none', () => {
    const patterns: string[] = [];
    const emails: any[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (Array.isArray(v)) {
        for (const x of v) walk(x);
        return;
      }
      if (!v || typeof v !== 'object') return;
      const o = v as Record<string, unknown>;
      if (typeof o.pattern === 'string') patterns.push(o.pattern);
      if (/email|address/.test(key) && o.type === 'string' && o.format) emails.push(o);
      for (const [k, x] of Object.entries(o)) walk(x, k);
    };
    walk(doc);
    expect(patterns.length).toBeGreaterThan(0);
    for (const p of patterns) {
      expect(p, p).not.toMatch(/\/[dgimsuvy]+$/);
      expect(() => new RegExp(p, 'u'), p).not.toThrow();
    }
    expect(emails.length).toBeGreaterThan(0);
    for (const e of emails) {
      expect(e.format).toBe('idn-email');
      expect(e).not.toHaveProperty('pattern');
    }
  });
});
