import type { Context, MiddlewareHandler } from 'hono';
import { sql } from 'drizzle-orm';
import { ALL_SCOPES, REPLAY_AS, type AppEnv, type Inbox, type Principal, type Scope } from './context';
import { ApiError } from './errors';
import { constantTimeEqual, sha256Hex } from './crypto';
import { countedAs, enforceRateLimit } from './rate-limit';

type Row = Record<string, unknown>;

export function inboxFromRow(r: Row, prefix = ''): Inbox {
  return {
    id: r[`${prefix}id`] as string,
    tenantId: r[`${prefix}tenant_id`] as string,
    address: r[`${prefix}address`] as string,
    displayName: (r[`${prefix}display_name`] as string | null) ?? null,
    defaultTimezone: (r[`${prefix}default_timezone`] as string | null) ?? null,
    missedReplyThresholdDays: (r[`${prefix}missed_reply_threshold_days`] as number | null) ?? null,
    anniversaryAlertTime: r[`${prefix}anniversary_alert_time`] as string,
    leapDayPolicy: r[`${prefix}leap_day_policy`] as Inbox['leapDayPolicy'],
    createdAt: new Date(r[`${prefix}created_at`] as string),
  };
}

const AGENT_COLUMNS = sql`t.id AS token_id, t.label, t.scopes, t.requires_approval, i.*`;

function agentPrincipal(r: Row): Principal {
  return {
    kind: 'agent',
    tokenId: r.token_id as string,
    tenantId: r.tenant_id as string,
    inboxId: r.id as string,
    label: r.label as string,
    scopes: r.scopes as Scope[],
    requiresApproval: r.requires_approval as Scope[],
    inbox: inboxFromRow(r),
  };
}

/**
 * The agent token `tokenId` as a principal, revoked or not (an approved call runs as the token
 * that made it: a person approved it), or null when the token is gone.
 */
export async function agentPrincipalById(db: AppEnv['Variables']['db'], tokenId: string): Promise<Principal | null> {
  const { rows } = await db.execute(sql`
    SELECT ${AGENT_COLUMNS} FROM agent_tokens t JOIN inboxes i ON i.id = t.inbox_id WHERE t.id = ${tokenId}`);
  const r = rows[0] as Row | undefined;
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
 * Who is calling. One round trip: the token (with its inbox) is read and its rate-limit counter
 * bumped in the same statement.
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
  const db = c.get('db');
  const now = c.get('now');

  if (c.req.path.startsWith('/v1/admin/')) {
    const admin = c.get('config').adminToken;
    if (!admin || !constantTimeEqual(token, admin)) throw invalidToken();
    c.set('principal', { kind: 'admin' });
    return next();
  }

  const hash = await sha256Hex(token);
  if (token.startsWith('gent_')) {
    const { rows } = await db.execute(countedAs(sql`
      SELECT ${AGENT_COLUMNS} FROM agent_tokens t JOIN inboxes i ON i.id = t.inbox_id
      WHERE t.token_hash = ${hash} AND t.revoked_at IS NULL`, 'token_id', now));
    const r = rows[0] as Row | undefined;
    if (!r) throw invalidToken();
    enforceRateLimit(c, Number(r.rl_count));
    c.set('principal', agentPrincipal(r));
    return next();
  }
  if (token.startsWith('gses_')) {
    const { rows } = await db.execute(countedAs(sql`
      SELECT id, tenant_id, user_id FROM sessions
      WHERE access_hash = ${hash} AND revoked_at IS NULL AND access_expires_at > ${now.toISOString()}`, 'id', now));
    const r = rows[0] as Row | undefined;
    if (!r) throw invalidToken();
    enforceRateLimit(c, Number(r.rl_count));
    c.set('principal', { kind: 'session', sessionId: r.id as string, tenantId: r.tenant_id as string, userId: r.user_id as string });
    return next();
  }
  throw invalidToken();
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
  const fromBody = body && typeof body === 'object' && !Array.isArray(body) ? (body as Row).inbox_id : undefined;
  const v = fromBody ?? fromQuery;
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw ApiError.field('inbox_id', 'must be an inbox id or address');
  return v;
}

async function inboxOfTenant(c: Context<AppEnv>, tenantId: string, ref: string): Promise<Inbox> {
  const { rows } = await c.get('db').execute(sql`
    SELECT * FROM inboxes WHERE tenant_id = ${tenantId} AND (id = ${ref} OR address = ${ref.toLowerCase()}) LIMIT 1`);
  const r = rows[0] as Row | undefined;
  if (!r) throw ApiError.notFound('Inbox');
  return inboxFromRow(r);
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
