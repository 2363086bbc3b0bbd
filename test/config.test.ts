import { describe, it, expect } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';
import type { Env } from '../src/env';

const base = { DATABASE_URL: 'postgres://u:secret-password@db.example/x' } as unknown as Env;
const withVars = (vars: Record<string, string | undefined>) => ({ ...base, ...vars }) as unknown as Env;

describe('configuration', () => {
  it('defaults: flags off, no local endpoint, no admin token, no link secret', () => {
    expect(loadConfig(base)).toEqual({
      databaseUrl: 'postgres://u:secret-password@db.example/x', localEndpoint: null, adminToken: null, fileLinkSecret: null,
      allowPrivateWebhooks: false, allowTestClock: false, corsOrigins: [],
    });
  });

  it.each([
    [{ ALLOW_PRIVATE_WEBHOOKS: 'true' }, { allowPrivateWebhooks: true }],
    [{ ALLOW_PRIVATE_WEBHOOKS: 'false' }, { allowPrivateWebhooks: false }],
    [{ ALLOW_TEST_CLOCK: 'true' }, { allowTestClock: true }],
    [{ DB_LOCAL_ENDPOINT: '127.0.0.1:5433', ADMIN_TOKEN: 'tok' }, { localEndpoint: '127.0.0.1:5433', adminToken: 'tok' }],
    [{ FILE_LINK_SECRET: 'a-long-link-signing-secret' }, { fileLinkSecret: 'a-long-link-signing-secret' }],
    [{ CORS_ORIGINS: '*' }, { corsOrigins: '*' }],
    [{ CORS_ORIGINS: ' https://App.example.com/, http://localhost:5173 ,' }, { corsOrigins: ['https://app.example.com', 'http://localhost:5173'] }],
  ])('reads %j', (vars, expected) => {
    expect(loadConfig(withVars(vars))).toMatchObject(expected);
  });

  it.each([
    [{ DATABASE_URL: '' }, 'DATABASE_URL'],
    [{ ALLOW_PRIVATE_WEBHOOKS: 'yes' }, 'ALLOW_PRIVATE_WEBHOOKS'],
    [{ ALLOW_TEST_CLOCK: 'TRUE' }, 'ALLOW_TEST_CLOCK'],
    [{ DB_LOCAL_ENDPOINT: '' }, 'DB_LOCAL_ENDPOINT'],
    [{ FILE_LINK_SECRET: 'short' }, 'FILE_LINK_SECRET'],
    [{ CORS_ORIGINS: 'app.example.com' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, 'CORS_ORIGINS'],
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
