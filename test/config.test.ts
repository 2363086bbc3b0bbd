import { describe, it, expect } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';
import type { Env } from '../src/env';

const base = { DATABASE_URL: 'postgres://u:secret-password@db.example/x' } as unknown as Env;
const withVars = (vars: Record<string, string | undefined>) => ({ ...base, ...vars }) as unknown as Env;

describe('configuration', () => {
  it('defaults: flags off, 600 requests a minute, no proxy, no admin token', () => {
    expect(loadConfig(base)).toEqual({
      databaseUrl: 'postgres://u:secret-password@db.example/x', wsProxy: null, adminToken: null,
      allowPrivateWebhooks: false, allowTestClock: false, rateLimitPerMinute: 600,
    });
  });

  it.each([
    [{ ALLOW_PRIVATE_WEBHOOKS: 'true' }, { allowPrivateWebhooks: true }],
    [{ ALLOW_PRIVATE_WEBHOOKS: 'false' }, { allowPrivateWebhooks: false }],
    [{ ALLOW_TEST_CLOCK: 'true' }, { allowTestClock: true }],
    [{ RATE_LIMIT_PER_MINUTE: '42' }, { rateLimitPerMinute: 42 }],
    // The benches lift the limit out of the way.
    [{ RATE_LIMIT_PER_MINUTE: '100000000' }, { rateLimitPerMinute: 100_000_000 }],
    [{ PG_WS_PROXY: '127.0.0.1:5433', ADMIN_TOKEN: 'tok' }, { wsProxy: '127.0.0.1:5433', adminToken: 'tok' }],
  ])('reads %j', (vars, expected) => {
    expect(loadConfig(withVars(vars))).toMatchObject(expected);
  });

  it.each([
    [{ DATABASE_URL: '' }, 'DATABASE_URL'],
    [{ ALLOW_PRIVATE_WEBHOOKS: 'yes' }, 'ALLOW_PRIVATE_WEBHOOKS'],
    [{ ALLOW_TEST_CLOCK: 'TRUE' }, 'ALLOW_TEST_CLOCK'],
    [{ RATE_LIMIT_PER_MINUTE: 'lots' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ RATE_LIMIT_PER_MINUTE: '0' }, 'RATE_LIMIT_PER_MINUTE'],
  ])('refuses %j, naming the var and never echoing a value', (vars, name) => {
    let thrown: unknown;
    try {
      loadConfig(withVars(vars));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toContain(name);
    expect((thrown as Error).message).not.toContain('secret-password');
  });
});
