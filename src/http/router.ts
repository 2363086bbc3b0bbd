import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, Handler } from 'hono';
import type { z } from '@hono/zod-openapi';
import type { AppEnv } from './context';
import { ApiError, type FieldError } from './errors';
import { holdForApproval } from '../approvals/hold';

export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter((p) => p !== undefined && p !== '').join('.'),
    message: i.message,
  }));
}

type Target = 'json' | 'query' | 'param' | 'header' | 'form' | 'cookie';
// Path and query problems are named like body fields, but carry where they came from in the
// detail so a client can tell `limit` (query) from `limit` (body).
const validationHook = (result: { success: boolean; error?: z.ZodError; target: Target }) => {
  if (!result.success && result.error) {
    if (result.target === 'param') throw ApiError.notFound();
    throw ApiError.validation(fieldErrors(result.error));
  }
};

/**
 * Every resource router is one of these: zod-validated routes whose failures become
 * problem+json, and whose handlers first pass the approval hold (after validation, so only a
 * valid call is ever held).
 */
export class Router extends OpenAPIHono<AppEnv> {
  constructor() {
    super({ defaultHook: validationHook as never });
    const register = this.openapi;
    this.openapi = ((route: never, handler: Handler<AppEnv>, hook?: never) =>
      register(route, (async (c: Context<AppEnv>, next: () => Promise<void>) => {
        const held = await holdForApproval(c);
        return held ?? handler(c, next);
      }) as never, hook)) as typeof register;
  }
}

export function newRouter(): Router {
  return new Router();
}
