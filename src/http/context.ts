import type { Env } from '../env';
import type { Db } from '../db/client';

export type Scope =
  | 'contacts:read' | 'contacts:write' | 'contacts:delete'
  | 'calendar:read' | 'calendar:write' | 'calendar:delete'
  | 'task:read' | 'task:write' | 'alerts:read' | 'alerts:write'
  | 'approvals:read' | 'approvals:write' | 'context:read' | 'context:write'
  | 'settings:read' | 'settings:write' | 'read';

export const ALL_SCOPES: readonly Scope[] = [
  'contacts:read', 'contacts:write', 'contacts:delete', 'calendar:read', 'calendar:write', 'calendar:delete',
  'task:read', 'task:write', 'alerts:read', 'alerts:write', 'approvals:read', 'approvals:write',
  'context:read', 'context:write', 'settings:read', 'settings:write', 'read',
];

export type LeapDayPolicy = 'feb28' | 'mar1' | 'skip';

/** The inbox a call acts on; every service verb takes one and filters by its id. */
export interface Inbox {
  id: string;
  tenantId: string;
  address: string;
  displayName: string | null;
  defaultTimezone: string | null;
  missedReplyThresholdDays: number | null;
  anniversaryAlertTime: string;
  leapDayPolicy: LeapDayPolicy;
  createdAt: Date;
}

export type Principal =
  | { kind: 'agent'; tokenId: string; tenantId: string; inboxId: string; label: string; scopes: Scope[]; requiresApproval: Scope[]; inbox: Inbox }
  | { kind: 'session'; sessionId: string; tenantId: string; userId: string }
  | { kind: 'admin' };

export interface AppEnv {
  Bindings: Env;
  Variables: {
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
  };
}
