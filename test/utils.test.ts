import { describe, it, expect, beforeAll } from 'vitest';
import { call, newTenant, type Tenant } from './helpers';

// The library is covered case by case in time.test.ts; these prove the endpoints: the zone
// fallback chain through the inbox, `reference`, errors, and the shapes of the answers.
describe('GET /v1/utils/time/', () => {
  let t: Tenant;
  let agent: string;
  beforeAll(async () => {
    t = await newTenant();
    agent = await t.agent(['contacts:read']);
  });

  const time = (q: string, token = agent) => call('GET', `/v1/utils/time/?${q}`, { token });

  it('answers the README example for an agent token', async () => {
    const r = await time(`input=${encodeURIComponent('next Monday 10am')}&reference=2024-06-01T12:00:00Z`);
    expect(r.status).toBe(200);
    // 2024-06-01 is a Saturday: the first Monday strictly after it is June 3.
    expect(r.body).toEqual({
      input: 'next Monday 10am', instant: '2024-06-03T10:00:00Z', local: '2024-06-03T10:00:00', time_zone: 'UTC',
      offset: '+00:00', kind: 'named_day', date_only: false, adjusted: null,
    });
  });

  it('reads a naive input in time_zone, then the inbox default, then UTC', async () => {
    const naive = encodeURIComponent('2024-06-01T10:00:00');
    expect((await time(`input=${naive}`)).body.instant).toBe('2024-06-01T10:00:00Z');
    await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body: { default_timezone: 'America/New_York' } });
    const viaInbox = await time(`input=${naive}`);
    expect(viaInbox.body).toMatchObject({ instant: '2024-06-01T14:00:00Z', local: '2024-06-01T10:00:00', time_zone: 'America/New_York', offset: '-04:00', kind: 'iso' });
    const explicit = await time(`input=${naive}&time_zone=Europe/Berlin`);
    expect(explicit.body).toMatchObject({ instant: '2024-06-01T08:00:00Z', time_zone: 'Europe/Berlin', offset: '+02:00' });
    // A session may omit the inbox (UTC), or name it (its default zone applies).
    expect((await time(`input=${naive}`, t.session)).body.instant).toBe('2024-06-01T10:00:00Z');
    expect((await time(`input=${naive}&inbox_id=${t.inboxId}`, t.session)).body.instant).toBe('2024-06-01T14:00:00Z');
    await call('PATCH', `/v1/inboxes/${t.inboxId}/settings/`, { token: t.session, body: { default_timezone: null } });
  });

  it('reports DST adjustments', async () => {
    const gap = await time(`input=${encodeURIComponent('2024-03-10T02:30:00')}&time_zone=America/New_York`);
    expect(gap.body).toMatchObject({ instant: '2024-03-10T07:30:00Z', local: '2024-03-10T03:30:00', adjusted: 'dst_gap' });
    const overlap = await time(`input=${encodeURIComponent('2024-11-03T01:30:00')}&time_zone=America/New_York`);
    expect(overlap.body).toMatchObject({ instant: '2024-11-03T05:30:00Z', offset: '-04:00', adjusted: 'dst_overlap' });
  });

  it('anchors relative inputs on reference', async () => {
    const r = await time(`input=${encodeURIComponent('in 2 hours')}&reference=2024-03-10T06:30:00Z&time_zone=America/New_York`);
    expect(r.body).toMatchObject({ instant: '2024-03-10T08:30:00Z', local: '2024-03-10T04:30:00', kind: 'relative' });
  });

  it('refuses what it cannot read with a 400 naming the parameter', async () => {
    const bad = await time('input=not%20a%20date%20at%20all');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('input');
    expect((await time('input=today&time_zone=Mars/Olympus')).body.errors[0].path).toBe('time_zone');
    expect((await time('input=today&reference=whenever')).body.errors[0].path).toBe('reference');
    expect((await time('')).status).toBe(400);
    expect((await call('GET', '/v1/utils/time/?input=today')).status).toBe(401);
  });
});

describe('GET /v1/utils/duration/', () => {
  it('normalises ISO and natural durations and refuses zero and garbage', async () => {
    const t = await newTenant();
    const d = (input: string) => call('GET', `/v1/utils/duration/?input=${encodeURIComponent(input)}`, { token: t.session });
    expect((await d('1 hour 30 minutes')).body).toEqual({ input: '1 hour 30 minutes', iso: 'PT1H30M', seconds: 5400, human: '1 hour 30 minutes' });
    expect((await d('90 min')).body).toMatchObject({ iso: 'PT1H30M', seconds: 5400 });
    expect((await d('PT90M')).body).toMatchObject({ iso: 'PT1H30M', seconds: 5400 });
    expect((await d('P1W')).body).toMatchObject({ iso: 'P1W', seconds: 604800, human: '1 week' });
    expect((await d('2 days')).body).toMatchObject({ iso: 'P2D', seconds: 172800 });
    for (const bad of ['PT0M', '0 minutes', '-5 minutes', 'soon', 'P']) {
      const r = await d(bad);
      expect(r.status, bad).toBe(400);
      expect(r.body.errors[0].path).toBe('input');
    }
  });
});
