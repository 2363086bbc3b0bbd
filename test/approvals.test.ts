import { describe, it, expect, beforeAll } from 'vitest';
import { call, expectProblem, newTenant, rowsOf, type Tenant } from './helpers';
import { sql } from 'drizzle-orm';

describe('approval hold', () => {
  let t: Tenant;
  let held: string; // an agent whose settings:write calls are held
  beforeAll(async () => {
    t = await newTenant();
    held = await t.agent(['settings:read', 'settings:write', 'approvals:read', 'approvals:write'], ['settings:write'], 'planner');
  });

  const settings = async () => (await call('GET', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session })).body;
  const hold = async (body: Record<string, unknown>) => {
    const r = await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: held, body });
    expect(r.status).toBe(202);
    expect(r.body.queued).toBe(true);
    expect(r.body.approval_id).toMatch(/^apr_/);
    return r.body.approval_id as string;
  };

  it('holds the call, then approve executes it exactly once', async () => {
    const id = await hold({ default_timezone: 'Asia/Tokyo' });
    expect((await settings()).default_timezone).toBeNull(); // nothing executed yet
    const one = await call('GET', `/v1/approvals/${id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(one.body).toMatchObject({ approval_id: id, inbox_id: t.inboxId, action_type: 'settings:write', token_label: 'planner', status: 'pending' });
    expect(Date.parse(one.body.expires_at) - Date.parse(one.body.queued_at)).toBe(24 * 3600_000);
    const list = await call('GET', '/v1/approvals/', { token: held });
    expect(list.body.map((a: { approval_id: string }) => a.approval_id)).toContain(id);

    // The token that made the call may not approve it.
    const self = await call('POST', `/v1/approvals/${id}/approve/`, { token: held });
    expect(self.status).toBe(403);

    const approve = await call('POST', `/v1/approvals/${id}/approve/`, { token: t.session, body: { inbox_id: t.inboxId } });
    expect(approve.status).toBe(204);
    expect((await settings()).default_timezone).toBe('Asia/Tokyo');
    const after = await call('GET', `/v1/approvals/${id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(after.body).toMatchObject({ status: 'approved', result_status: 200 });

    // Executed once: change the value meanwhile, approve again → 400, value untouched.
    await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body: { default_timezone: 'Europe/Paris' } });
    const again = await call('POST', `/v1/approvals/${id}/approve/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(again.status).toBe(400);
    expect((await settings()).default_timezone).toBe('Europe/Paris');
  });

  it('another agent token with approvals:write may approve', async () => {
    const approver = await t.agent(['approvals:write'], [], 'human-proxy');
    const id = await hold({ leap_day_policy: 'skip' });
    expect((await call('POST', `/v1/approvals/${id}/approve/`, { token: approver })).status).toBe(204);
    expect((await settings()).leap_day_policy).toBe('skip');
  });

  it('reject discards the call', async () => {
    const id = await hold({ anniversary_alert_time: '06:15' });
    expect((await call('POST', `/v1/approvals/${id}/reject/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(204);
    expect((await settings()).anniversary_alert_time).toBe('09:00');
    expect((await call('POST', `/v1/approvals/${id}/approve/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(400);
    expect((await call('GET', `/v1/approvals/${id}/?inbox_id=${t.inboxId}`, { token: t.session })).body.status).toBe('rejected');
  });

  it('expires after 24 hours', async () => {
    const id = await hold({ missed_reply_threshold_days: 30 });
    const future = new Date(Date.now() + 24 * 3600_000 + 60_000);
    const approver = await t.agent(['approvals:write', 'approvals:read']);
    const late = await call('POST', `/v1/approvals/${id}/approve/`, { token: approver, now: future });
    expect(late.status).toBe(400);
    expect((await call('GET', `/v1/approvals/${id}/`, { token: approver, now: future })).body.status).toBe('expired');
    expect((await settings()).missed_reply_threshold_days).toBeNull();
  });

  it('validates before holding: an invalid call is a 400, not an approval', async () => {
    const before = await settings();
    const pending = async () => (await rowsOf(sql`SELECT id FROM approvals WHERE inbox_id = ${t.inboxId} AND status = 'pending'`)).map((a) => a.id);
    const heldBefore = await pending();
    const r = await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: held, body: { default_timezone: 'Nowhere/Land' } });
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['default_timezone']);
    expect(r.body.approval_id).toBeUndefined();
    expect(await pending()).toEqual(heldBefore); // no approval was stored
    expect(await settings()).toEqual(before);
  });

  it('another inbox\'s approval is 404', async () => {
    const id = await hold({ anniversary_alert_time: '07:00' });
    const other = await newTenant();
    expectProblem(await call('GET', `/v1/approvals/${id}/?inbox_id=${other.inboxId}`, { token: other.session }), 404, 'not_found');
    expectProblem(await call('POST', `/v1/approvals/${id}/approve/?inbox_id=${other.inboxId}`, { token: other.session }), 404, 'not_found');
    expectProblem(await call('POST', `/v1/approvals/${id}/reject/?inbox_id=${other.inboxId}`, { token: other.session }), 404, 'not_found');
    expectProblem(await call('GET', `/v1/approvals/apr_unknown/?inbox_id=${t.inboxId}`, { token: t.session }), 404, 'not_found');
    expect((await settings()).anniversary_alert_time).toBe('09:00');
    // Still pending for its own inbox, neither approved nor rejected by the other tenant.
    expect((await call('GET', `/v1/approvals/${id}/?inbox_id=${t.inboxId}`, { token: t.session })).body).toMatchObject({ approval_id: id, status: 'pending', result_status: null });
  });
});

describe('a held conditional call', () => {
  it('keeps its If-Match: a resource changed while the call waited is not overwritten', async () => {
    const t = await newTenant();
    const created = await call('POST', '/v1/contacts/', { token: t.session, body: { inbox_id: t.inboxId, full_name: 'Ada Lovelace' } });
    expect(created.status).toBe(201);
    const etag = created.headers.get('etag')!;
    const agent = await t.agent(['contacts:write'], ['contacts:write']);
    const held = await call('PATCH', `/v1/contacts/${created.body.id}/`, { token: agent, body: { full_name: 'Ada King' }, headers: { 'if-match': etag } });
    expect(held.status).toBe(202);
    // Someone edits the contact meanwhile.
    const edit = await call('PATCH', `/v1/contacts/${created.body.id}/`, { token: t.session, body: { inbox_id: t.inboxId, notes: 'edited' } });
    expect(edit.status).toBe(200);
    expect((await call('POST', `/v1/approvals/${held.body.approval_id}/approve/?inbox_id=${t.inboxId}`, { token: t.session })).status).toBe(204);
    const approval = await call('GET', `/v1/approvals/${held.body.approval_id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(approval.body).toMatchObject({ status: 'approved', result_status: 412 });
    const after = await call('GET', `/v1/contacts/${created.body.id}/?inbox_id=${t.inboxId}`, { token: t.session });
    expect(after.body).toMatchObject({ full_name: 'Ada Lovelace', notes: 'edited' });
  });
});
