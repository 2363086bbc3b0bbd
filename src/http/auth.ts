import type { Context, MiddlewareHandler } from 'hono';
import { and, eq, or, sql } from 'drizzle-orm';
import { inboxes } from '../db/schema';
import { asDate, firstRowOf, type Queryable } from '../db/sql';
import type { LeapDayPolicy } from '../time/anniversaries';
import { ALL_SCOPES, REPLAY_AS, type AppEnv, type Inbox, type Principal, type Scope } from './context';
import { ApiError } from './errors';
import { constantTimeEqual, sha256Hex } from './crypto';
import { enforceRateLimit } from './rate-limit';
import { idsOf, principals, tenantInboxes } from './principal-cache';

/** An `inboxes` row as raw SQL returns it (`SELECT i.*`): the column names, timestamps as text. */
export type InboxColumns = {
  id: string;
  tenant_id: string;
  address: string;
  display_name: string | null;
  default_timezone: string | null;
  missed_reply_threshold_days: number | null;
  anniversary_alert_time: string;
  leap_day_policy: LeapDayPolicy;
  created_at: string | Date;
};

export function inboxFromRow(r: InboxColumns): Inbox {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    address: r.address,
    displayName: r.display_name,
    defaultTimezone: r.default_timezone,
    missedReplyThresholdDays: r.missed_reply_threshold_days,
    anniversaryAlertTime: r.anniversary_alert_time,
    leapDayPolicy: r.leap_day_policy,
    createdAt: asDate(r.created_at),
  };
}

/** An agent token with its inbox: what AGENT_COLUMNS selects. */
type AgentColumns = InboxColumns & { token_id: string; label: string; scopes: Scope[]; requires_approval: Scope[] };
const AGENT_COLUMNS = sql`t.id AS token_id, t.label, t.scopes, t.requires_approval, i.*`;

function agentPrincipal(r: AgentColumns): Principal {
  return {
    kind: 'agent',
    tokenId: r.token_id,
    tenantId: r.tenant_id,
    inboxId: r.id,
    label: r.label,
    scopes: r.scopes,
    requiresApproval: r.requires_approval,
    inbox: inboxFromRow(r),
  };
}

/**
 * The agent token `tokenId` as a principal, revoked or not (an approved call runs as the token
 * that made it: a person approved it), or null when the token is gone.
 */
export async function agentPrincipalById(db: Queryable, tokenId: string): Promise<Principal | null> {
  const r = await firstRowOf<AgentColumns>(db, sql`
    SELECT ${AGENT_COLUMNS} FROM agent_tokens t JOIN inboxes i ON i.id = t.inbox_id WHERE t.id = ${tokenId}`);
  return r ? agentPrincipal(r) : null;
}

function bearer(c: Context<AppEnv>): string {
  const header = c.req.header('authorization');
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!m) {
    throw new ApiError(401, 'unauthorized', 'Send Authorization: Bearer <token>.', { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
  return m[1]!;
}

const invalidToken = () =>
  new ApiError(401, 'unauthorized', 'The token is invalid, expired or revoked.', { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });

/**
 * The principal a token names, from the isolate's short-lived cache (principal-cache.ts) or, on
 * a miss, one statement; null when no live token or session has this hash.
 */
async function principalOf(db: Queryable, token: string, now: Date): Promise<Principal | null> {
  const hash = await sha256Hex(token);
  const known = principals.get(hash, now);
  if (known) return known;
  if (token.startsWith('gent_')) {
    const r = await firstRowOf<AgentColumns>(db, sql`
      SELECT ${AGENT_COLUMNS} FROM agent_tokens t JOIN inboxes i ON i.id = t.inbox_id
      WHERE t.token_hash = ${hash} AND t.revoked_at IS NULL`);
    if (!r) return null;
    const p = agentPrincipal(r);
    principals.set(hash, p, idsOf(p));
    return p;
  }
  if (token.startsWith('gses_')) {
    const r = await firstRowOf<{ id: string; tenant_id: string; user_id: string; access_expires_at: string }>(db, sql`
      SELECT id, tenant_id, user_id, access_expires_at FROM sessions
      WHERE access_hash = ${hash} AND revoked_at IS NULL AND access_expires_at > ${now.toISOString()}`);
    if (!r) return null;
    const p: Principal = { kind: 'session', sessionId: r.id, tenantId: r.tenant_id, userId: r.user_id };
    principals.set(hash, p, idsOf(p), asDate(r.access_expires_at).getTime());
    return p;
  }
  return null;
}

/**
 * Who is calling. A token seen in this isolate within the last few seconds costs no round trip;
 * otherwise one statement reads it (with its inbox). The rate limit is the binding's: no write.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  // An approved call replayed through the app (approvals/replay.ts) runs as the token that made it.
  const replayed = c.env[REPLAY_AS];
  if (replayed) {
    c.set('principal', replayed);
    c.set('replaying', true);
    return next();
  }
  c.set('replaying', false);
  const token = bearer(c);

  if (c.req.path.startsWith('/v1/admin/')) {
    const admin = c.get('config').adminToken;
    if (!admin || !constantTimeEqual(token, admin)) throw invalidToken();
    c.set('principal', { kind: 'admin' });
    return next();
  }

  const principal = await principalOf(c.get('db'), token, c.get('now'));
  if (!principal) throw invalidToken();
  await enforceRateLimit(c, principal);
  c.set('principal', principal);
  return next();
};

const READ_SCOPES = ALL_SCOPES.filter((s) => s.endsWith(':read'));

function hasScope(granted: Scope[], required: Scope): boolean {
  if (granted.includes(required)) return true;
  // The composite `read` grants every `*:read`; and holding every `*:read` is as good as `read`.
  if (required.endsWith(':read') && granted.includes('read')) return true;
  if (required === 'read' && READ_SCOPES.every((s) => granted.includes(s))) return true;
  return false;
}

/** The `inbox_id` a caller named: query for reads, body (or query) for writes. */
function namedInbox(c: Context<AppEnv>): string | undefined {
  const fromQuery = c.req.query('inbox_id');
  const body = c.get('body');
  const fromBody = typeof body === 'object' && body !== null && !Array.isArray(body) && 'inbox_id' in body ? body.inbox_id : undefined;
  const v = fromBody ?? fromQuery;
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw ApiError.field('inbox_id', 'must be an inbox id or address');
  return v;
}

/** One of the tenant's inboxes by id or address (remembered briefly, like principals), or 404. */
async function inboxOfTenant(c: Context<AppEnv>, tenantId: string, ref: string): Promise<Inbox> {
  const known = tenantInboxes.get(`${tenantId}:${ref}`, c.get('now'));
  if (known) return known;
  const [r] = await c.get('db').select().from(inboxes)
    .where(and(eq(inboxes.tenantId, tenantId), or(eq(inboxes.id, ref), eq(inboxes.address, ref.toLowerCase()))))
    .limit(1);
  if (!r) throw ApiError.notFound('Inbox');
  tenantInboxes.set(`${tenantId}:${ref}`, r, [r.id]);
  return r;
}

function matchesInbox(inbox: Inbox, ref: string): boolean {
  return inbox.id === ref || inbox.address === ref.toLowerCase();
}

export interface ScopeOptions {
  /** Take the inbox from this path parameter instead of `inbox_id`. */
  inboxParam?: string;
  /** A session may omit the inbox (utils: the inbox only supplies a default time zone). */
  inboxOptional?: boolean;
}

/**
 * Declares the scope a route needs and resolves the inbox it acts on. Agent tokens act on their
 * own inbox; session tokens must name one of their tenant's inboxes.
 */
export function requireScope(scope: Scope | null, opts: ScopeOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = c.get('principal');
    c.set('scope', scope);
    const ref = opts.inboxParam ? c.req.param(opts.inboxParam) : namedInbox(c);
    if (p.kind === 'admin') throw new ApiError(403, 'forbidden', 'The admin token only creates tenants.');
    if (p.kind === 'agent') {
      if (scope && !hasScope(p.scopes, scope)) {
        throw new ApiError(403, 'insufficient_scope', `This call needs the ${scope} scope.`, { required_scope: scope });
      }
      if (ref !== undefined && !matchesInbox(p.inbox, ref)) {
        if (opts.inboxParam) throw ApiError.notFound('Inbox');
        throw new ApiError(403, 'forbidden', 'This token is bound to another inbox.');
      }
      c.set('inbox', p.inbox);
      return next();
    }
    if (ref === undefined && opts.inboxOptional) return next();
    if (ref === undefined) throw new ApiError(400, 'inbox_id_required', 'Name the inbox with inbox_id (its id or address).');
    c.set('inbox', await inboxOfTenant(c, p.tenantId, ref));
    return next();
  };
}

/** Routes only a signed-in user may call (inboxes, tokens). */
export const requireSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const p = c.get('principal');
  if (p.kind !== 'session') throw new ApiError(403, 'forbidden', 'This call needs a session token (sign in with /auth/login/).');
  c.set('scope', null);
  await next();
};

export function sessionOf(c: Context<AppEnv>) {
  const p = c.get('principal');
  if (p.kind !== 'session') throw new ApiError(403, 'forbidden', 'This call needs a session token.');
  return p;
}

export { inboxOfTenant };
