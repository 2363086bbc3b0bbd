/**
 * The deployment's configuration, validated once per invocation (a request, a cron tick, a queue
 * batch) from the Worker's vars and secrets. Everything below reads typed values from here;
 * nothing re-parses strings from `env`.
 */
import { z } from 'zod';
import type { Env } from './env';

/** A wrangler var holding a boolean: only the strings "true" and "false" (unset is false). */
const flag = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');

/** An origin as a browser sends it: scheme, host, optional port; nothing after. */
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/;

/** `CORS_ORIGINS`: `*`, or origins separated by commas (none when unset). */
const corsOrigins = z.string().default('').transform((v, ctx) => {
  if (v.trim() === '*') return '*' as const;
  const list = v.split(',').map((o) => o.trim().toLowerCase().replace(/\/$/, '')).filter((o) => o !== '');
  for (const o of list) {
    if (!ORIGIN.test(o)) ctx.addIssue({ code: 'custom', message: 'must be * or comma-separated origins such as https://app.example.com' });
  }
  return list;
});

const ConfigSchema = z.object({
  DATABASE_URL: z.string().min(1, 'must be set (a postgres:// connection string)'),
  DB_LOCAL_ENDPOINT: z.string().min(1).optional(),
  ADMIN_TOKEN: z.string().min(1).optional(),
  FILE_LINK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  ALLOW_PRIVATE_WEBHOOKS: flag,
  ALLOW_TEST_CLOCK: flag,
  CORS_ORIGINS: corsOrigins,
});

export interface Config {
  databaseUrl: string;
  /** `host:port` of the local stand-in for Neon's endpoint (HTTP and WebSocket); unset in production. */
  localEndpoint: string | null;
  adminToken: string | null;
  /** The key signed file links are made with (HMAC-SHA256); without it no link can be minted. */
  fileLinkSecret: string | null;
  allowPrivateWebhooks: boolean;
  /** Only tests set this: lets `X-Test-Now` move the service's clock. Never in production. */
  allowTestClock: boolean;
  /** Origins a browser may call from (lower-case), or every origin. */
  corsOrigins: '*' | string[];
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
    localEndpoint: v.DB_LOCAL_ENDPOINT ?? null,
    adminToken: v.ADMIN_TOKEN ?? null,
    fileLinkSecret: v.FILE_LINK_SECRET ?? null,
    allowPrivateWebhooks: v.ALLOW_PRIVATE_WEBHOOKS,
    allowTestClock: v.ALLOW_TEST_CLOCK,
    corsOrigins: v.CORS_ORIGINS,
  };
}
