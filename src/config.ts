/**
 * The deployment's configuration, validated once per invocation (a request, a cron tick, a queue
 * batch) from the Worker's vars and secrets. Everything below reads typed values from here;
 * nothing re-parses strings from `env`.
 */
import { z } from 'zod';
import type { Env } from './env';

/** A wrangler var holding a boolean: only the strings "true" and "false" (unset is false). */
const flag = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');

const ConfigSchema = z.object({
  DATABASE_URL: z.string().min(1, 'must be set (a postgres:// connection string)'),
  PG_WS_PROXY: z.string().min(1).optional(),
  ADMIN_TOKEN: z.string().min(1).optional(),
  ALLOW_PRIVATE_WEBHOOKS: flag,
  ALLOW_TEST_CLOCK: flag,
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(600),
});

export interface Config {
  databaseUrl: string;
  /** `host:port` of a local WebSocket→TCP proxy; unset in production (Neon's own endpoint). */
  wsProxy: string | null;
  adminToken: string | null;
  allowPrivateWebhooks: boolean;
  /** Only tests set this: lets `X-Test-Now` move the service's clock. Never in production. */
  allowTestClock: boolean;
  rateLimitPerMinute: number;
}

/** Thrown for a misconfigured deployment: names every bad var, never their values. */
export class ConfigError extends Error {}

export function loadConfig(env: Env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const what = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`The Worker's configuration is invalid (${what}).`);
  }
  const v = parsed.data;
  return {
    databaseUrl: v.DATABASE_URL,
    wsProxy: v.PG_WS_PROXY ?? null,
    adminToken: v.ADMIN_TOKEN ?? null,
    allowPrivateWebhooks: v.ALLOW_PRIVATE_WEBHOOKS,
    allowTestClock: v.ALLOW_TEST_CLOCK,
    rateLimitPerMinute: v.RATE_LIMIT_PER_MINUTE,
  };
}
