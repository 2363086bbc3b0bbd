import type { Queryable } from '../db/sql';
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { approvals, type ApprovalRow, type StoredApprovalStatus } from '../db/schema';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import { toIsoZ } from '../time/zones';

export const APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;

/** What the API shows: the stored status, or `expired` for a pending one past `expires_at`. */
export type ApprovalStatus = StoredApprovalStatus | 'expired';

export interface HeldCall {
  tokenId: string;
  tokenLabel: string;
  actionType: string;
  method: string;
  path: string;
  body: string | null;
  ifMatch: string | null;
  /** A non-JSON body's bytes, already in R2 (FILES) under this key, and their content type. */
  heldObject: string | null;
  heldContentType: string | null;
  now: Date;
}

export function approvalView(row: ApprovalRow, now: Date) {
  const status: ApprovalStatus = row.status === 'pending' && row.expiresAt <= now ? 'expired' : row.status;
  return {
    approval_id: row.id,
    inbox_id: row.inboxId,
    action_type: row.actionType,
    token_label: row.tokenLabel,
    summary: row.summary,
    status,
    queued_at: toIsoZ(row.queuedAt),
    expires_at: toIsoZ(row.expiresAt),
    decided_at: row.decidedAt ? toIsoZ(row.decidedAt) : null,
    result_status: row.resultStatus,
  };
}
export type ApprovalView = ReturnType<typeof approvalView>;

export async function queueApproval(db: Queryable, inbox: Inbox, call: HeldCall): Promise<ApprovalView> {
  const pathOnly = call.path.split('?')[0];
  const [row] = await db.insert(approvals).values({
    id: newId('apr', call.now.getTime()),
    inboxId: inbox.id,
    tokenId: call.tokenId,
    tokenLabel: call.tokenLabel,
    actionType: call.actionType,
    summary: `${call.tokenLabel} asks to ${call.method} ${pathOnly}`,
    method: call.method,
    path: call.path,
    body: call.body,
    ifMatch: call.ifMatch,
    heldObject: call.heldObject,
    heldContentType: call.heldContentType,
    status: 'pending',
    queuedAt: call.now,
    expiresAt: new Date(call.now.getTime() + APPROVAL_TTL_MS),
  }).returning();
  return approvalView(row!, call.now);
}

export async function listApprovals(db: Queryable, inbox: Inbox, now: Date): Promise<ApprovalView[]> {
  const rows = await db.select().from(approvals).where(eq(approvals.inboxId, inbox.id)).orderBy(desc(approvals.queuedAt), desc(approvals.id));
  return rows.map((r) => approvalView(r, now));
}

export async function getApproval(db: Queryable, inbox: Inbox, id: string): Promise<ApprovalRow> {
  const [row] = await db.select().from(approvals).where(and(eq(approvals.id, id), eq(approvals.inboxId, inbox.id)));
  if (!row) throw ApiError.notFound('Approval');
  return row;
}

/**
 * Moves a pending, unexpired approval to its decision in one conditional UPDATE, so two
 * concurrent approvals cannot both win (and the held call runs at most once).
 */
export async function decideApproval(
  db: Queryable, inbox: Inbox, id: string, decision: 'approved' | 'rejected', decidedBy: string, approverTokenId: string | null, now: Date,
): Promise<ApprovalRow> {
  // The decision is one statement on the path that succeeds; only a refusal reads the row again
  // to say why (unknown, the token's own, or no longer pending).
  const [row] = await db.update(approvals)
    .set({ status: decision, decidedAt: now, decidedBy })
    .where(and(
      eq(approvals.id, id), eq(approvals.inboxId, inbox.id), eq(approvals.status, 'pending'), sql`${approvals.expiresAt} > ${now.toISOString()}`,
      approverTokenId ? ne(approvals.tokenId, approverTokenId) : undefined,
    ))
    .returning();
  if (row) return row;
  const current = await getApproval(db, inbox, id);
  if (approverTokenId && current.tokenId === approverTokenId) {
    throw new ApiError(403, 'forbidden', 'A token cannot decide on its own held action.');
  }
  const view = approvalView(current, now);
  throw ApiError.badRequest(`This approval is ${view.status === 'pending' ? 'no longer pending' : view.status}; only a pending approval can be decided.`);
}

export async function recordApprovalResult(db: Queryable, id: string, status: number): Promise<void> {
  await db.update(approvals).set({ resultStatus: status }).where(eq(approvals.id, id));
}

