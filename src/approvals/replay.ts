/**
 * Runs an approved call: the stored request goes through the whole app again (validation, If-Match,
 * idempotency aside) as the agent token that made it, with the hold skipped. The principal travels
 * in the invocation's bindings under REPLAY_AS, which nothing outside the Worker can set.
 */
import type { Context } from 'hono';
import { agentPrincipalById } from '../http/auth';
import { REPLAY_AS, type AppEnv } from '../http/context';
import { ApiError } from '../http/errors';
import type { ApprovalRow } from '../db/schema';

export async function replayApproved(c: Context<AppEnv>, approval: ApprovalRow): Promise<Response> {
  const principal = await agentPrincipalById(c.get('db'), approval.tokenId);
  if (principal?.kind !== 'agent') throw ApiError.notFound('The token that made this call');
  const headers: Record<string, string> = {};
  let body: BodyInit | null = approval.body;
  if (approval.body !== null) headers['content-type'] = 'application/json';
  if (approval.heldObject) {
    // A held upload: its bytes waited in R2 (approvals/hold.ts).
    const object = await c.env.FILES.get(approval.heldObject);
    if (!object) throw new Error(`held upload ${approval.heldObject} is missing`);
    body = object.body;
    headers['content-type'] = approval.heldContentType ?? 'application/octet-stream';
    headers['content-length'] = String(object.size);
  }
  // The If-Match the caller sent still guards the change: a resource edited while the call
  // waited for approval is not overwritten (the replay answers 412).
  if (approval.ifMatch) headers['if-match'] = approval.ifMatch;
  const clock = c.get('config').allowTestClock ? c.req.header('x-test-now') : undefined;
  if (clock) headers['x-test-now'] = clock;
  const request = new Request(new URL(approval.path, c.req.url), { method: approval.method, body, headers });
  return c.get('dispatch')(request, { ...c.env, [REPLAY_AS]: { ...principal, requiresApproval: [] } });
}

/** A decided approval's held upload bytes are of no more use (approved: replayed; rejected: discarded). */
export async function discardHeldBody(c: Context<AppEnv>, approval: ApprovalRow): Promise<void> {
  if (approval.heldObject) await c.env.FILES.delete(approval.heldObject);
}
