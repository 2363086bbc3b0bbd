import type { Context } from 'hono';
import type { AlertMessage, Env } from '../env';
import type { Queryable } from '../db/sql';
import type { Db } from '../db/client';
import type { Config } from '../config';
import type { InboxRow } from '../db/schema';

/** Every scope a token can hold (docs/auth.md); `read` is the composite of every `*:read`. */
export const ALL_SCOPES = [
  'contacts:read', 'contacts:write', 'contacts:delete', 'calendar:read', 'calendar:write', 'calendar:delete',
  'task:read', 'task:write', 'alerts:read', 'alerts:write', 'approvals:read', 'approvals:write',
  'context:read', 'context:write', 'settings:read', 'settings:write', 'email:read', 'email:send', 'email:write', 'sequences:read', 'sequences:write', 'work_routes:read', 'work_routes:write', 'files:read', 'files:write', 'read',
] as const;
export type Scope = (typeof ALL_SCOPES)[number];


/** The inbox a call acts on; every service verb takes one and filters by its id. */
export type Inbox = InboxRow;

export type Principal =
  | { kind: 'agent'; tokenId: string; tenantId: string; inboxId: string; label: string; scopes: Scope[]; requiresApproval: Scope[]; inbox: Inbox }
  | { kind: 'session'; sessionId: string; tenantId: string; userId: string }
  | { kind: 'admin' };

/**
 * Where the principal of an approved call travels when it is replayed through the app: a key of
 * the invocation's bindings that is a symbol, so no request, var or secret can ever set it.
 */
export const REPLAY_AS: unique symbol = Symbol('replay-as');

export type Bindings = Env & { [REPLAY_AS]?: Principal };

/** The one thing of the ALERTS queue binding services use (tests pass a recorder). */
export interface AlertQueue {
  sendBatch(messages: Iterable<MessageSendRequest<AlertMessage>>): Promise<unknown>;
}

/**
 * What a service verb that changes things works with: the database (or a transaction on it), the
 * inbox it acts on, the call's clock, and the queue its alert firings go to. Built once per
 * request by `serviceContext(c)`.
 */
export interface ServiceContext {
  db: Queryable;
  inbox: Inbox;
  now: Date;
  alerts: AlertQueue;
}

/** The origin the request was made to: what absolute URLs in answers (feeds, links, `servers`) start with. */
export const requestOrigin = (c: Context<AppEnv>): string => new URL(c.req.url).origin;

export function serviceContext(c: Context<AppEnv>): ServiceContext {
  return { db: c.get('db'), inbox: c.get('inbox'), now: c.get('now'), alerts: c.env.ALERTS };
}

/** The approval hold (approvals/hold.ts): a Response when the call is held, else null. */
export type ApprovalHold = (c: Context<AppEnv>) => Promise<Response | null>;

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    /** The deployment's configuration, parsed once for this request (src/config.ts). */
    config: Config;
    requestId: string;
    now: Date;
    db: Db;
    /** Parsed JSON body (undefined when the request had none). */
    body: unknown;
    /** The body's declared length when a route takes it raw (a file upload), else null. */
    rawBodyLength: number | null;
    principal: Principal;
    inbox: Inbox;
    /** The scope the matched route requires (set by requireScope). */
    scope: Scope | null;
    /** Set on an approved call being replayed: it must not be held again. */
    replaying: boolean;
    /** Runs before every resource handler, after validation (set by app.ts). */
    approvalHold: ApprovalHold;
    /** Sends a request through the whole app again, in this invocation (approvals replay). */
    dispatch: (request: Request, env: Bindings) => Promise<Response>;
  };
}
