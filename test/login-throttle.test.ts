import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { call, expectProblem, newTenant, withDb, type Answer, type Tenant } from './helpers';
import { THROTTLE, clientAddress, normaliseEmail, windowOf } from '../src/accounts/throttle';
import { sql } from 'drizzle-orm';

// Every test works in its own window of the service clock (far from the real clock the rest of
// the suite runs on) and from its own client addresses, so counters never meet.
let day = 0;
const freshWindow = () => new Date(Date.UTC(2099, 0, 1 + day++, 10, 1, 0));
let ipSeq = 0;
const freshIp = () => { const n = ipSeq++; return `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}`; };
let mailSeq = 0;
const freshEmail = () => `nobody-${Date.now().toString(36)}-${mailSeq++}@unknown.test`;

const WINDOW_S = THROTTLE.windowMs / 1000;
const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);

function login(email: string, password: string, opts: { ip?: string; now: Date }): Promise<Answer> {
  return call('POST', '/auth/login/', { body: { email, password }, now: opts.now, headers: opts.ip ? { 'cf-connecting-ip': opts.ip } : {} });
}

function refresh(token: string, opts: { ip?: string; now: Date }): Promise<Answer> {
  return call('POST', '/auth/refresh/', { body: { refresh_token: token }, now: opts.now, headers: opts.ip ? { 'cf-connecting-ip': opts.ip } : {} });
}

/** What a client can observe, minus what differs per request by design (the request id). */
function observable(r: Answer) {
  const headers = [...r.headers.entries()].filter(([k]) => k !== 'x-request-id').sort();
  const { request_id: _id, ...body } = r.body as Record<string, unknown>;
  return { status: r.status, headers, body };
}

function expectLimited(r: Answer, retryAfter?: number) {
  expectProblem(r, 429, 'rate_limited');
  const after = Number(r.headers.get('retry-after'));
  expect(Number.isInteger(after) && after >= 1 && after <= WINDOW_S).toBe(true);
  if (retryAfter !== undefined) expect(after).toBe(retryAfter);
}

let t: Tenant;
beforeAll(async () => {
  t = await newTenant('Throttle');
});

describe('login throttling per account', () => {
  it.each([
    { who: 'a known email', email: () => t.email },
    { who: 'an unknown email', email: freshEmail },
  ])('answers 401 for the first failures of $who, then 429 with Retry-After', async ({ email }) => {
    const now = freshWindow(); // one minute into a window
    const ip = freshIp();
    const address = email();
    for (let i = 0; i < THROTTLE.loginPerAccount; i++) {
      expectProblem(await login(address, 'wrong password', { ip, now: at(now, i) }), 401, 'unauthorized');
    }
    const limited = await login(address, 'wrong password', { ip, now: at(now, 10) });
    expectLimited(limited, WINDOW_S - 60 - 10);
  });

  it('throttles a known and an unknown email identically: same statuses, headers and bodies', async () => {
    const now = freshWindow();
    const unknown = freshEmail();
    const known = (await newTenant('Twin')).email;
    const run = async (email: string) => {
      const ip = freshIp();
      const answers: Answer[] = [];
      for (let i = 0; i <= THROTTLE.loginPerAccount + 1; i++) answers.push(await login(email, 'wrong password', { ip, now }));
      return answers.map(observable);
    };
    const [a, b] = [await run(known), await run(unknown)];
    expect(a).toEqual(b);
    expect(a.map((x) => x.status)).toEqual([...Array(THROTTLE.loginPerAccount).fill(401), 429, 429]);
  });

  it('refuses even the right password during a lockout (429, password not checked)', async () => {
    const u = await newTenant('Locked');
    const now = freshWindow();
    const ip = freshIp();
    for (let i = 0; i < THROTTLE.loginPerAccount; i++) await login(u.email, 'wrong password', { ip, now });
    expectLimited(await login(u.email, u.password, { ip, now }));
    // From another address too: the account itself is locked.
    expectLimited(await login(u.email, u.password, { ip: freshIp(), now }));
  });

  it('ends the lockout when the clock moves past the window', async () => {
    const u = await newTenant('Later');
    const now = freshWindow();
    const ip = freshIp();
    for (let i = 0; i < THROTTLE.loginPerAccount; i++) await login(u.email, 'wrong password', { ip, now });
    const limited = await login(u.email, u.password, { ip, now });
    expectLimited(limited);
    const retryAfter = Number(limited.headers.get('retry-after'));
    // One second before the end: still locked, and Retry-After counts down.
    expectLimited(await login(u.email, u.password, { ip, now: at(now, retryAfter - 1) }), 1);
    // Retry-After seconds later the window has turned: the password is checked again.
    expectProblem(await login(u.email, 'wrong password', { ip, now: at(now, retryAfter) }), 401, 'unauthorized');
    expect((await login(u.email, u.password, { ip, now: at(now, retryAfter + 1) })).status).toBe(200);
  });

  it('resets the account\'s counter on a successful sign-in', async () => {
    const u = await newTenant('Reset');
    const now = freshWindow();
    const ip = freshIp();
    for (let i = 0; i < THROTTLE.loginPerAccount - 1; i++) expect((await login(u.email, 'wrong password', { ip, now })).status).toBe(401);
    expect((await login(u.email, u.password, { ip, now })).status).toBe(200);
    // A full allowance again within the same window.
    for (let i = 0; i < THROTTLE.loginPerAccount; i++) expect((await login(u.email, 'wrong password', { ip, now })).status).toBe(401);
    expectLimited(await login(u.email, 'wrong password', { ip, now }));
  });

  it('counts case and whitespace variants of the email as one account', async () => {
    // Variants: any letter upper-cased, surrounded by spaces, tabs or newlines.
    const variant = (base: string) => fc.tuple(
      fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }),
      fc.constantFrom('', ' ', '  ', '\t', '\n '),
      fc.constantFrom('', ' ', '\t', ' \n'),
    ).map(([up, pre, post]) => pre + [...base].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join('') + post);
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(t.email, 'someone.Else@Example.test').chain((base) => fc.array(variant(base), { minLength: THROTTLE.loginPerAccount + 1, maxLength: THROTTLE.loginPerAccount + 1 }).map((vs) => ({ base, vs }))),
      async ({ base, vs }) => {
        const now = freshWindow(); // a fresh window per run: the runs never share a counter
        const ip = freshIp();
        for (const v of vs) expect(normaliseEmail(v)).toBe(normaliseEmail(base));
        for (const v of vs.slice(0, -1)) expect((await login(v, 'wrong password', { ip, now })).status).toBe(401);
        expectLimited(await login(vs.at(-1)!, 'wrong password', { ip, now }));
      },
    ), { numRuns: 4 });
  });

  it('lets exactly the allowance through when 40 wrong passwords arrive at once', async () => {
    const now = freshWindow();
    const email = freshEmail();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(email, 'wrong password', { ip: `198.19.7.${i + 1}`, now })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(THROTTLE.loginPerAccount);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - THROTTLE.loginPerAccount);
  });
});

describe('login throttling per client address', () => {
  it('throttles a different account from the same address once the address limit is reached', async () => {
    const u = await newTenant('Neighbour');
    const now = freshWindow();
    const ip = freshIp();
    // Spread the failures over accounts, none of them reaching the per-account limit.
    const perAccount = THROTTLE.loginPerAccount - 1;
    for (let n = 0; n < THROTTLE.loginPerAddress; n++) {
      const email = `spray-${Math.floor(n / perAccount)}-${now.getTime()}@unknown.test`;
      expect((await login(email, 'wrong password', { ip, now })).status).toBe(401);
    }
    expectLimited(await login(u.email, u.password, { ip, now }));
    expectLimited(await login(freshEmail(), 'wrong password', { ip, now }));
    // The account is fine from anywhere else.
    expect((await login(u.email, u.password, { ip: freshIp(), now })).status).toBe(200);
    // And the address again once the window has turned.
    expect((await login(u.email, u.password, { ip, now: windowOf(now).end })).status).toBe(200);
  });

  it('does not count successful sign-ins against the address', async () => {
    const now = freshWindow();
    const ip = freshIp();
    for (let n = 0; n < THROTTLE.loginPerAddress - 1; n++) expect((await login(freshEmail(), 'wrong password', { ip, now })).status).toBe(401);
    for (let n = 0; n < 3; n++) expect((await login(t.email, t.password, { ip, now })).status).toBe(200);
    expect((await login(freshEmail(), 'wrong password', { ip, now })).status).toBe(401);
    expectLimited(await login(freshEmail(), 'wrong password', { ip, now }));
  });

  it('keys an IPv6 client by its /64', async () => {
    const now = freshWindow();
    const net = `2001:db8:${(Date.now() % 0xffff).toString(16)}:${(ipSeq++).toString(16)}`;
    for (let n = 0; n < THROTTLE.loginPerAddress; n++) {
      expect((await login(`v6-${n}-${now.getTime()}@unknown.test`, 'wrong password', { ip: `${net}::${(n + 1).toString(16)}`, now })).status).toBe(401);
    }
    expectLimited(await login(freshEmail(), 'wrong password', { ip: `${net}:ffff:1:2:3`, now }));
    expect((await login(freshEmail(), 'wrong password', { ip: `2001:db8:ffff:ffff::1`, now })).status).toBe(401);
  });

  it('puts requests without CF-Connecting-IP in one shared bucket', async () => {
    const now = freshWindow();
    for (let n = 0; n < THROTTLE.loginPerAddress; n++) {
      expect((await login(`anon-${n}-${now.getTime()}@unknown.test`, 'wrong password', { now })).status).toBe(401);
    }
    expectLimited(await login(t.email, t.password, { now }));
    expect((await login(t.email, t.password, { ip: freshIp(), now })).status).toBe(200);
  });
});

describe('refresh throttling per client address', () => {
  it('answers 429 after the address limit of wrong refresh tokens, then recovers after the window', async () => {
    const u = await newTenant('Refresher');
    // Near the real clock (the refresh token lives 30 days): a window two days ahead, one minute in.
    const now = at(windowOf(new Date(Date.now() + 2 * 86_400_000)).start, 60);
    const ip = freshIp();
    for (let n = 0; n < THROTTLE.refreshPerAddress; n++) {
      expectProblem(await refresh(`gref_wrong${n}`, { ip, now }), 401, 'unauthorized');
    }
    const limited = await refresh(u.refresh, { ip, now });
    expectLimited(limited, WINDOW_S - 60);
    // Another address is not affected; successes there do not count.
    expect((await refresh(u.refresh, { ip: freshIp(), now })).status).toBe(200);
    // Past the window, the same address refreshes again (the session is still valid then).
    expect((await refresh(u.refresh, { ip, now: at(now, Number(limited.headers.get('retry-after'))) })).status).toBe(200);
  });
});

describe('the throttle table', () => {
  it('deletes expired windows as new attempts are counted', async () => {
    const past = new Date(Date.UTC(2001, 0, 1, 12, 0, 30));
    const ip = freshIp();
    const email = freshEmail();
    for (let i = 0; i < THROTTLE.loginPerAccount; i++) await login(email, 'wrong password', { ip, now: past });
    expectLimited(await login(email, 'wrong password', { ip, now: past })); // the rows existed
    // Any attempt on the real clock sweeps windows that have expired.
    await login(freshEmail(), 'wrong password', { ip: freshIp(), now: new Date() });
    const left = await withDb(async (db) => {
      const { rows } = await db.execute(sql`SELECT count(*)::int AS n FROM login_throttle WHERE expires_at <= now()`);
      return Number((rows[0] as { n: number }).n);
    });
    // Each statement sweeps a bounded batch; nothing but this test (and the suite's handful of
    // real-clock rows, which have not expired) writes rows that are already expired.
    expect(left).toBeLessThan(THROTTLE.sweepBatch);
    const ours = await withDb(async (db) => {
      const { rows } = await db.execute(sql`SELECT count(*)::int AS n FROM login_throttle WHERE window_start = ${windowOf(past).start.toISOString()}::timestamptz`);
      return Number((rows[0] as { n: number }).n);
    });
    expect(ours).toBe(0);
  });
});

describe('throttle keys (pure)', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['203.000.113.007', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['[2001:db8::1]', '2001:db8:0:0::/64'],
    ['::ffff:198.51.100.4', '198.51.100.4'],
    ['::1', '0:0:0:0::/64'],
    ['', 'unknown'],
    [null, 'unknown'],
    [undefined, 'unknown'],
  ])('clientAddress(%j) = %s', (header, key) => {
    expect(clientAddress(header)).toBe(key);
  });

  it('gives every address of one IPv6 /64 the same key, and different /64s different keys', () => {
    const group = (min = 0) => fc.integer({ min, max: 0xffff }).map((n) => n.toString(16));
    // A non-zero first group keeps clear of the IPv4-mapped space (::ffff:a.b.c.d).
    const address = fc.tuple(group(1), fc.array(group(), { minLength: 7, maxLength: 7 })).map(([h, r]) => [h, ...r]);
    fc.assert(fc.property(address, fc.array(group(), { minLength: 4, maxLength: 4 }), fc.boolean(), (g, host, upper) => {
      const a = g.join(':');
      const b = [...g.slice(0, 4), ...host].join(':');
      expect(clientAddress(upper ? a.toUpperCase() : a)).toBe(clientAddress(b));
      const other = [...g.slice(0, 3), ((parseInt(g[3]!, 16) + 1) % 0x10000).toString(16), ...host].join(':');
      expect(clientAddress(other)).not.toBe(clientAddress(a));
    }));
  });

  it('normalises emails by trimming, lower-casing and Unicode normal form', () => {
    fc.assert(fc.property(fc.emailAddress(), fc.constantFrom('', ' ', '\t', '\u00a0'), fc.boolean(), (e, pad, up) => {
      expect(normaliseEmail(pad + (up ? e.toUpperCase() : e) + pad)).toBe(normaliseEmail(e));
    }));
  });

  it('answers Retry-After as the whole seconds left in the window, at least 1', () => {
    fc.assert(fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (now) => {
      const w = windowOf(now);
      expect(w.start.getTime() <= now.getTime() && now.getTime() < w.end.getTime()).toBe(true);
      expect(w.end.getTime() - w.start.getTime()).toBe(THROTTLE.windowMs);
      expect(w.retryAfterS).toBe(Math.max(1, Math.ceil((w.end.getTime() - now.getTime()) / 1000)));
      // Retry-After seconds later the next window has begun.
      expect(windowOf(new Date(now.getTime() + w.retryAfterS * 1000)).start.getTime()).toBeGreaterThanOrEqual(w.end.getTime());
    }));
  });
});
