import type { Context } from 'hono';
import type { Env } from '../env';
import type { Db } from '../db/client';
import type { Config } from '../config';
import type { InboxRow } from '../db/schema';

/** Every scope a token can hold (API.md §2); `read` is the composite of every `*:read`. */
export const ALL_SCOPES = [
  'contacts:read', 'contacts:write', 'contacts:delete', 'calendar:read', 'calendar:write', 'calendar:delete',
  'task:read', 'task:write', 'alerts:read', 'alerts:write', 'approvals:read', 'approvals:write',
  'context:read', 'context:write', 'settings:read', 'settings:write', 'read',
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
