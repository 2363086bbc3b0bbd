import { describe, it, expect, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, expectProblem, newTenant, rowsOf, withDb, type Tenant } from './helpers';
import { createTask } from '../src/tasks/service';
import { inboxFromRow, type InboxColumns } from '../src/http/auth';

const T0 = '2026-05-28T10:00:00Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

async function countTasks(inboxId: string): Promise<number> {
  return (await rowsOf(sql`SELECT count(*)::int AS n FROM tasks WHERE inbox_id = ${inboxId}`))[0]!.n;
}

describe('tasks', () => {
  let t: Tenant;
  let agent: string;
  const api = (method: string, path: string, opts: { body?: unknown; now?: string; headers?: Record<string, string> } = {}) =>
    call(method, path, { token: agent, ...opts });
  const create = async (body: Record<string, unknown>, now = T0) => {
    const r = await api('POST', '/v1/tasks/', { body, now });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };

  beforeAll(async () => {
    t = await newTenant();
    agent = await t.agent(['task:read', 'task:write']);
  });

  it('creates a task in the Tasks calendar with VTODO fields and an ETag', async () => {
    const r = await api('POST', '/v1/tasks/', {
      body: { summary: '  Send the contract  ', description: 'PDF', due_date: '2026-06-03', categories: ['work', 'legal', 'work'] }, now: T0,
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('etag')).toMatch(/^".+"$/);
    expect(r.body).toMatchObject({
      summary: 'Send the contract', status: 'NEEDS-ACTION', due_date: '2026-06-03', description: 'PDF',
      categories: ['work', 'legal'], created: '20260528T100000Z', completed: null,
    });
    expect(r.body.uid).toMatch(/^tsk_/);
    const kind = await withDb(async (db) => {
      const { rows } = await db.execute(sql`SELECT c.kind, t.inbox_id FROM tasks t JOIN calendars c ON c.id = t.calendar_id WHERE t.uid = ${r.body.uid}`);
      return rows[0] as { kind: string; inbox_id: string };
    });
    expect(kind).toEqual({ kind: 'tasks', inbox_id: t.inboxId });

    const one = await api('GET', `/v1/tasks/${r.body.uid}/`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(r.body);
    expect(one.headers.get('etag')).toBe(r.headers.get('etag'));
  });

  it('defaults: no description, no due date, no categories', async () => {
    const b = await create({ summary: 'Bare' });
    expect(b).toMatchObject({ description: null, due_date: null, categories: [], status: 'NEEDS-ACTION', completed: null });
  });

  it('refuses every bad field with a 400 naming it, and stores nothing', async () => {
    const before = await countTasks(t.inboxId);
    const cases: Array<[unknown, string]> = [
      [{}, 'summary'],
      [{ summary: '' }, 'summary'],
      [{ summary: '   ' }, 'summary'],
      [{ summary: 'x'.repeat(501) }, 'summary'],
      [{ summary: 42 }, 'summary'],
      [{ summary: 'ok', due_date: '2027-02-29' }, 'due_date'],
      [{ summary: 'ok', due_date: '2026-13-01' }, 'due_date'],
      [{ summary: 'ok', due_date: 'tomorrow' }, 'due_date'],
      [{ summary: 'ok', due_date: '2026-06-03T10:00:00' }, 'due_date'],
      [{ summary: 'ok', categories: 'work' }, 'categories'],
      [{ summary: 'ok', categories: ['ok', ''] }, 'categories.1'],
      [{ summary: 'ok', categories: ['x'.repeat(101)] }, 'categories.0'],
      [{ summary: 'ok', categories: Array.from({ length: 51 }, (_, i) => `c${i}`) }, 'categories'],
      [{ summary: 'ok', categories: [7] }, 'categories.0'],
      [{ summary: 'ok', description: 'x'.repeat(10_001) }, 'description'],
    ];
    for (const [body, path] of cases) {
      const r = await api('POST', '/v1/tasks/', { body });
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.code).toBe('validation_failed');
      expect(r.body.errors.map((e: { path: string }) => e.path), JSON.stringify(body).slice(0, 80)).toContain(path);
    }
    const malformed = await call('POST', '/v1/tasks/', { token: agent, rawBody: '{"summary":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(await countTasks(t.inboxId)).toBe(before);
    // The limits themselves are accepted.
    expect((await create({ summary: 'y'.repeat(500), categories: Array.from({ length: 50 }, (_, i) => `c${i}`) })).summary).toHaveLength(500);
  });

  it('a session token names the inbox in the body; the inbox_id key is not a task field', async () => {
    const r = await call('POST', '/v1/tasks/', { token: t.session, body: { inbox_id: t.inboxId, summary: 'From the owner' } });
    expect(r.status).toBe(201);
    const missing = await call('POST', '/v1/tasks/', { token: t.session, body: { summary: 'No inbox' } });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('inbox_id_required');
    const listed = await call('GET', `/v1/tasks/?inbox_id=${encodeURIComponent(t.address)}`, { token: t.session });
    expect(listed.body.results.map((x: { uid: string }) => x.uid)).toContain(r.body.uid);
  });

  describe('listing', () => {
    let u: Tenant;
    let token: string;
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      u = await newTenant();
      token = await u.agent(['task:read', 'task:write']);
      const mk = async (name: string, due: string | null, minute: number) => {
        const r = await call('POST', '/v1/tasks/', { token, now: at(minute), body: { summary: name, ...(due ? { due_date: due } : {}) } });
        expect(r.status).toBe(201);
        ids[name] = r.body.uid;
      };
      await mk('undated-early', null, 0);
      await mk('june-10-late', '2026-06-10', 5);
      await mk('june-03', '2026-06-03', 2);
      await mk('june-10-early', '2026-06-10', 1);
      await mk('undated-late', null, 9);
      await mk('done', '2026-06-01', 3);
      const done = await call('PATCH', `/v1/tasks/${ids.done}/`, { token, now: at(30), body: { completed: true } });
      expect(done.status).toBe(200);
    });
    const names = (r: { body: { results: Array<{ summary: string }> } }) => r.body.results.map((x) => x.summary);

    it('orders by due date (undated last), then creation, and hides completed tasks by default', async () => {
      const r = await call('GET', '/v1/tasks/', { token });
      expect(r.status).toBe(200);
      expect(names(r)).toEqual(['june-03', 'june-10-early', 'june-10-late', 'undated-early', 'undated-late']);
      expect(r.body.count).toBe(5);
      expect(names(await call('GET', '/v1/tasks/?include_completed=false', { token }))).toEqual(names(r));
    });

    it('include_completed=true adds completed ones in their place', async () => {
      const r = await call('GET', '/v1/tasks/?include_completed=true', { token });
      expect(names(r)).toEqual(['done', 'june-03', 'june-10-early', 'june-10-late', 'undated-early', 'undated-late']);
      expect(r.body.count).toBe(6);
    });

    it('due_before keeps tasks due strictly before the date (never undated ones)', async () => {
      expect(names(await call('GET', '/v1/tasks/?due_before=2026-06-10', { token }))).toEqual(['june-03']);
      expect(names(await call('GET', '/v1/tasks/?due_before=2026-06-11', { token }))).toEqual(['june-03', 'june-10-early', 'june-10-late']);
      expect(names(await call('GET', '/v1/tasks/?due_before=2026-06-03', { token }))).toEqual([]);
      expect(names(await call('GET', '/v1/tasks/?due_before=2026-06-10&include_completed=true', { token }))).toEqual(['done', 'june-03']);
    });

    it('refuses bad filters with 400', async () => {
      for (const q of ['include_completed=yes', 'include_completed=1', 'include_completed=', 'due_before=2026-02-30', 'due_before=soon', 'due_before=2026-6-1']) {
        const r = await call('GET', `/v1/tasks/?${q}`, { token });
        expect(r.status, q).toBe(400);
        expect(r.body.errors[0].path, q).toBe(q.split('=')[0]);
      }
    });
  });

  describe('changing', () => {
    it('PATCH needs at least one field', async () => {
      const task = await create({ summary: 'Patch me' });
      for (const body of [{}, { inbox_id: t.inboxId }, { colour: 'red' }]) {
        const r = await api('PATCH', `/v1/tasks/${task.uid}/`, { body });
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(r.body.code).toBe('validation_failed');
      }
      const empty = await call('PATCH', `/v1/tasks/${task.uid}/`, { token: agent });
      expect(empty.status).toBe(400);
    });

    it('completes with a timestamp and reopens', async () => {
      const task = await create({ summary: 'Finish me', due_date: '2026-06-01' });
      const done = await api('PATCH', `/v1/tasks/${task.uid}/`, { body: { completed: true }, now: '2026-06-01T12:00:00Z' });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'COMPLETED', completed: '20260601T120000Z', summary: 'Finish me', due_date: '2026-06-01' });
      // Completing again keeps the first completion time.
      const again = await api('PATCH', `/v1/tasks/${task.uid}/`, { body: { completed: true }, now: '2026-06-02T08:00:00Z' });
      expect(again.body.completed).toBe('20260601T120000Z');
      const reopened = await api('PATCH', `/v1/tasks/${task.uid}/`, { body: { completed: false }, now: '2026-06-03T08:00:00Z' });
      expect(reopened.status).toBe(200);
      expect(reopened.body).toMatchObject({ status: 'NEEDS-ACTION', completed: null });
      const stored = await withDb(async (db) => (await db.execute(sql`SELECT status, completed_at FROM tasks WHERE uid = ${task.uid}`)).rows[0]);
      expect(stored).toEqual({ status: 'NEEDS-ACTION', completed_at: null });
      const redone = await api('PATCH', `/v1/tasks/${task.uid}/`, { body: { completed: true }, now: '2026-06-04T09:30:00Z' });
      expect(redone.body.completed).toBe('20260604T093000Z');
    });

    it('changes summary, description, categories; null clears due_date and description', async () => {
      const task = await create({ summary: 'Old', description: 'old text', due_date: '2026-06-05', categories: ['a'] });
      const r = await api('PATCH', `/v1/tasks/${task.uid}/`, { body: { summary: 'New', categories: ['b', 'c'] } });
      expect(r.body).toMatchObject({ summary: 'New', description: 'old text', due_date: '2026-06-05', categories: ['b', 'c'], created: task.created });
      const cleared = await api('PATCH', `/v1/tasks/${task.uid}/`, { body: { due_date: null, description: null } });
      expect(cleared.body).toMatchObject({ summary: 'New', due_date: null, description: null, categories: ['b', 'c'] });
      const moved = await api('PATCH', `/v1/tasks/${task.uid}/`, { body: { due_date: '2026-07-01', categories: [] } });
      expect(moved.body).toMatchObject({ due_date: '2026-07-01', categories: [] });
      expect((await api('GET', `/v1/tasks/${task.uid}/`)).body).toEqual(moved.body);
    });

    it('refuses bad values and leaves the task as it was', async () => {
      const task = await create({ summary: 'Stable', due_date: '2026-06-05' });
      for (const [body, path] of [
        [{ summary: '' }, 'summary'], [{ summary: null }, 'summary'], [{ summary: 'z'.repeat(501) }, 'summary'],
        [{ due_date: '2026-02-29' }, 'due_date'], [{ completed: 'yes' }, 'completed'], [{ categories: null }, 'categories'],
        [{ summary: 'ok', due_date: 'never' }, 'due_date'],
      ] as Array<[unknown, string]>) {
        const r = await api('PATCH', `/v1/tasks/${task.uid}/`, { body });
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      expect((await api('GET', `/v1/tasks/${task.uid}/`)).body).toEqual(task);
    });

    it('DELETE answers 204, then the task is gone', async () => {
      const task = await create({ summary: 'Delete me' });
      const del = await api('DELETE', `/v1/tasks/${task.uid}/`);
      expect(del.status).toBe(204);
      expect(del.body).toBeNull();
      expect(await rowsOf(sql`SELECT 1 FROM tasks WHERE uid = ${task.uid}`)).toEqual([]);
      expectProblem(await api('GET', `/v1/tasks/${task.uid}/`), 404, 'not_found');
      const list = await api('GET', '/v1/tasks/?limit=200');
      expect(list.body.results.map((x: { uid: string }) => x.uid)).not.toContain(task.uid);
      expectProblem(await api('DELETE', `/v1/tasks/${task.uid}/`), 404, 'not_found');
      expectProblem(await api('PATCH', `/v1/tasks/${task.uid}/`, { body: { summary: 'x' } }), 404, 'not_found');
      expect(await rowsOf(sql`SELECT 1 FROM tasks WHERE uid = ${task.uid}`)).toEqual([]); // the PATCH made nothing
    });
  });

  it('ETag / If-Match: a stale tag is 412 and changes nothing', async () => {
    const made = await api('POST', '/v1/tasks/', { body: { summary: 'Versioned' } });
    const v1 = made.headers.get('etag')!;
    const patched = await api('PATCH', `/v1/tasks/${made.body.uid}/`, { body: { summary: 'Versioned 2' }, headers: { 'if-match': v1 } });
    expect(patched.status).toBe(200);
    const v2 = patched.headers.get('etag')!;
    expect(v2).not.toBe(v1);
    expect((await api('GET', `/v1/tasks/${made.body.uid}/`)).headers.get('etag')).toBe(v2);

    const stale = await api('PATCH', `/v1/tasks/${made.body.uid}/`, { body: { summary: 'Lost update' }, headers: { 'if-match': v1 } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');
    expect((await api('GET', `/v1/tasks/${made.body.uid}/`)).body.summary).toBe('Versioned 2');

    expect((await api('DELETE', `/v1/tasks/${made.body.uid}/`, { headers: { 'if-match': v1 } })).status).toBe(412);
    expect((await api('GET', `/v1/tasks/${made.body.uid}/`)).status).toBe(200);
    expect((await api('DELETE', `/v1/tasks/${made.body.uid}/`, { headers: { 'if-match': `"nope", ${v2}` } })).status).toBe(204);
    expect((await api('GET', `/v1/tasks/${made.body.uid}/`)).status).toBe(404);
  });

  it('another tenant\'s task is 404 on every route and never listed', async () => {
    const task = await create({ summary: 'Private', due_date: '2026-06-01' });
    const other = await newTenant();
    const otherAgent = await other.agent(['task:read', 'task:write']);
    const o = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(method, path, { token: otherAgent, body, headers });
    expect((await o('GET', `/v1/tasks/${task.uid}/`)).status).toBe(404);
    expect((await o('PATCH', `/v1/tasks/${task.uid}/`, { completed: true })).status).toBe(404);
    expect((await o('PATCH', `/v1/tasks/${task.uid}/`, { completed: true }, { 'if-match': '*' })).status).toBe(404);
    expect((await o('DELETE', `/v1/tasks/${task.uid}/`)).status).toBe(404);
    expect((await o('DELETE', `/v1/tasks/${task.uid}/`, undefined, { 'if-match': '*' })).status).toBe(404);
    expect((await o('GET', '/v1/tasks/?include_completed=true')).body).toEqual({ count: 0, results: [] });
    // The other tenant's session naming this tenant's inbox: 404 too.
    expect((await call('GET', `/v1/tasks/?inbox_id=${t.inboxId}`, { token: other.session })).status).toBe(404);
    expect((await call('GET', `/v1/tasks/${task.uid}/?inbox_id=${other.inboxId}`, { token: other.session })).status).toBe(404);
    expect((await call('DELETE', `/v1/tasks/${task.uid}/?inbox_id=${t.inboxId}`, { token: other.session })).status).toBe(404);
    expect((await call('PATCH', `/v1/tasks/${task.uid}/`, { token: other.session, body: { inbox_id: t.inboxId, summary: 'x' } })).status).toBe(404);
    expect((await call('POST', '/v1/tasks/', { token: other.session, body: { inbox_id: t.inboxId, summary: 'x' } })).status).toBe(404);
    expect((await api('GET', `/v1/tasks/${task.uid}/`)).body).toEqual(task);
  });

  it('scopes: task:read cannot write; a held task:write is queued, not executed', async () => {
    const reader = await t.agent(['task:read']);
    const r = await call('POST', '/v1/tasks/', { token: reader, body: { summary: 'nope' } });
    expect(r.status).toBe(403);
    expect(r.body.required_scope).toBe('task:write');
    const noScope = await t.agent(['contacts:read']);
    expect((await call('GET', '/v1/tasks/', { token: noScope })).status).toBe(403);
    const composite = await t.agent(['read']);
    expect((await call('GET', '/v1/tasks/', { token: composite })).status).toBe(200);

    const before = await countTasks(t.inboxId);
    const held = await t.agent(['task:read', 'task:write'], ['task:write']);
    const q = await call('POST', '/v1/tasks/', { token: held, body: { summary: 'Needs approval' } });
    expect(q.status).toBe(202);
    expect(q.body.approval_id).toMatch(/^apr_/);
    expect(await countTasks(t.inboxId)).toBe(before);
  });

  it('/openapi.json documents every task route', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths['/v1/tasks/']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/v1/tasks/{uid}/']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(doc.paths['/v1/tasks/'].post.requestBody.required).toBe(true);
    expect(doc.paths['/v1/agenda/'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['days', 'inbox_id']));
  });

  it('createTask with a firing id makes exactly one task per firing', async () => {
    const firingId = `fir_${Date.now()}_${Math.random().toString(36).slice(2)}`;
    const [first, second] = await withDb(async (db) => {
      const { rows } = await db.execute(sql`SELECT * FROM inboxes WHERE id = ${t.inboxId}`);
      const inbox = inboxFromRow(rows[0] as InboxColumns);
      const now = new Date(T0);
      const a = await createTask(db, inbox, { summary: 'Call Alice — Birthday', due_date: '2026-06-01' }, now, { firingId });
      const b = await createTask(db, inbox, { summary: 'Call Alice — Birthday (again)' }, new Date(Date.parse(T0) + 60_000), { firingId });
      return [a, b];
    });
    expect(second).toEqual(first);
    expect(first).toMatchObject({ summary: 'Call Alice — Birthday', due_date: '2026-06-01', status: 'NEEDS-ACTION' });
    const n = await withDb(async (db) => (await db.execute(sql`SELECT count(*)::int AS n FROM tasks WHERE firing_id = ${firingId}`)).rows[0]);
    expect(n).toEqual({ n: 1 });
    expect((await api('GET', `/v1/tasks/${first.uid}/`)).body.summary).toBe('Call Alice — Birthday');
  });
});
