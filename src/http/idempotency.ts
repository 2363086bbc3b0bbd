import type { MiddlewareHandler } from 'hono';
import { sql } from 'drizzle-orm';
import type { AppEnv, Principal } from './context';
import { ApiError } from './errors';
import { sha256Hex } from './crypto';
import { firstRowOf } from '../db/sql';

const WINDOW_MS = 24 * 60 * 60 * 1000;
const REPLAYED_HEADERS = ['content-type', 'etag', 'location'];

function principalKey(p: Principal): string {
  return p.kind === 'agent' ? p.tokenId : p.kind === 'session' ? `tenant:${p.tenantId}` : 'admin';
}

/**
 * `Idempotency-Key` on POST: the first response (below 500, not 429) is stored and replayed for
 * 24 hours to the same caller with the same request; the same key with another query or body is a 409.
 * A placeholder row is claimed first, so two concurrent first tries cannot both execute.
 */
export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header('idempotency-key');
  // Keys are scoped to the caller: a call without one (a public path) has nothing to key by.
  const caller = c.get('principal') as Principal | undefined;
  if (c.req.method !== 'POST' || !key || c.get('replaying') || !caller) return next();
  if (key.length > 255) throw ApiError.field('Idempotency-Key', 'at most 255 characters');
  const db = c.get('db');
  const now = c.get('now');
  const principal = principalKey(caller);
  // The request is its method, path, query (`?calendar_id=` picks where an import lands) and body;
  // a streamed body (an upload, an import) is not read here, so its length and type stand for it.
  const query = new URL(c.req.url).search;
  const streamed = c.get('rawBodyLength') === null ? '' : `${c.get('rawBodyLength')} ${c.req.header('content-type') ?? ''}`;
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}${query}\n${streamed}\n${JSON.stringify(c.get('body') ?? null)}`);
  const expired = new Date(now.getTime() - WINDOW_MS).toISOString();

  // One statement claims the key (a placeholder row) and, when it was already taken, reads what
  // the earlier request left there (the statement's snapshot still shows it).
  const found = await firstRowOf<{ claimed: number; request_hash: string | null; status_code: number | null; response_body: string | null; response_headers: string | null }>(db, sql`
    WITH gone AS (
      DELETE FROM idempotency_keys WHERE principal_id = ${principal} AND key = ${key} AND created_at < ${expired}
    ),
    claimed AS (
      INSERT INTO idempotency_keys (principal_id, key, request_hash, created_at)
      VALUES (${principal}, ${key}, ${requestHash}, ${now.toISOString()})
      ON CONFLICT (principal_id, key) DO NOTHING
      RETURNING key
    )
    SELECT (SELECT count(*) FROM claimed)::int AS claimed, k.request_hash, k.status_code, k.response_body, k.response_headers
    FROM (SELECT 1) AS one
    LEFT JOIN idempotency_keys k ON k.principal_id = ${principal} AND k.key = ${key} AND k.created_at >= ${expired}`);

  if (!found?.claimed) {
    const prior = found?.request_hash ? found : undefined;
    if (!prior) throw new ApiError(409, 'conflict', 'A request with this Idempotency-Key is being processed; retry shortly.');
    if (prior.request_hash !== requestHash) {
      throw new ApiError(409, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request (query or body).');
    }
    if (prior.status_code === null) {
      throw new ApiError(409, 'conflict', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    }
    const headers = new Headers(JSON.parse(prior.response_headers ?? '{}') as Record<string, string>);
    headers.set('Idempotent-Replayed', 'true');
    return new Response(prior.status_code === 204 ? null : prior.response_body, { status: prior.status_code, headers });
  }

  let stored = false;
  try {
    await next();
    const res = c.res;
    if (res.status < 500 && res.status !== 429) {
      const body = await res.clone().text();
      const headers: Record<string, string> = {};
      for (const h of REPLAYED_HEADERS) {
        const v = res.headers.get(h);
        if (v) headers[h] = v;
      }
      await db.execute(sql`
        UPDATE idempotency_keys SET status_code = ${res.status}, response_body = ${body}, response_headers = ${JSON.stringify(headers)}
        WHERE principal_id = ${principal} AND key = ${key}`);
      stored = true;
    }
  } finally {
    // Nothing worth replaying (an error): free the key so a retry can run.
    if (!stored) await db.execute(sql`DELETE FROM idempotency_keys WHERE principal_id = ${principal} AND key = ${key}`);
  }
};
