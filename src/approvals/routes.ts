import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../http/router';
import { requireScope } from '../http/auth';
import { discardHeldBody, replayApproved } from './replay';
import { errorResponses } from '../http/openapi';
import { InboxQuery } from '../http/fields';
import { Approval, ApprovalParams } from './schemas';
import { approvalView, decideApproval, getApproval, listApprovals, recordApprovalResult } from './service';

export const approvalsRouter = newRouter();

approvalsRouter.openapi(createRoute({
  method: 'get', path: '/v1/approvals/', tags: ['Approvals'], summary: 'List held actions',
  description: 'The inbox\'s held calls, newest first, each with its method, path, body and `status` (`pending`, `approved`, `rejected`, or `expired` once past `expires_at`).',
  middleware: [requireScope('approvals:read')],
  request: { query: InboxQuery },
  responses: { 200: { description: 'Held actions, newest first (a bare array).', content: { 'application/json': { schema: z.array(Approval) } } }, ...errorResponses },
}), async (c) => c.json(await listApprovals(c.get('db'), c.get('inbox'), c.get('now')), 200));

approvalsRouter.openapi(createRoute({
  method: 'get', path: '/v1/approvals/{approval_id}/', tags: ['Approvals'], summary: 'Get a held action',
  description: 'One held call with its status. An unknown or another inbox\'s approval is a 404.',
  middleware: [requireScope('approvals:read')],
  request: { params: ApprovalParams, query: InboxQuery },
  responses: { 200: { description: 'The held action.', content: { 'application/json': { schema: Approval } } }, ...errorResponses },
}), async (c) => c.json(approvalView(await getApproval(c.get('db'), c.get('inbox'), c.req.valid('param').approval_id), c.get('now')), 200));

approvalsRouter.openapi(createRoute({
  method: 'post', path: '/v1/approvals/{approval_id}/approve/', tags: ['Approvals'], summary: 'Approve: execute the held call exactly as submitted',
  description: 'Replays the held call (method, path, body, If-Match) as the token that made it and records its answer\'s status. Only a pending approval can be decided (else 400); the token that made the call cannot decide it (403).',
  middleware: [requireScope('approvals:write')],
  request: { params: ApprovalParams, query: InboxQuery },
  responses: { 204: { description: 'Executed.' }, ...errorResponses },
}), async (c) => {
  const db = c.get('db');
  const p = c.get('principal');
  const decidedBy = p.kind === 'agent' ? p.tokenId : p.kind === 'session' ? p.userId : 'admin';
  const approval = await decideApproval(db, c.get('inbox'), c.req.valid('param').approval_id, 'approved', decidedBy, p.kind === 'agent' ? p.tokenId : null, c.get('now'));
  // The call runs as the token that made it (even if since revoked: a person approved it).
  const res = await replayApproved(c, approval);
  await recordApprovalResult(db, approval.id, res.status);
  await discardHeldBody(c, approval);
  return c.body(null, 204);
});

approvalsRouter.openapi(createRoute({
  method: 'post', path: '/v1/approvals/{approval_id}/reject/', tags: ['Approvals'], summary: 'Reject: discard the held call',
  description: 'The held call is never executed. Only a pending approval can be decided (else 400); the token that made the call cannot decide it (403).',
  middleware: [requireScope('approvals:write')],
  request: { params: ApprovalParams, query: InboxQuery },
  responses: { 204: { description: 'Discarded.' }, ...errorResponses },
}), async (c) => {
  const p = c.get('principal');
  const decidedBy = p.kind === 'agent' ? p.tokenId : p.kind === 'session' ? p.userId : 'admin';
  const approval = await decideApproval(c.get('db'), c.get('inbox'), c.req.valid('param').approval_id, 'rejected', decidedBy, p.kind === 'agent' ? p.tokenId : null, c.get('now'));
  await discardHeldBody(c, approval);
  return c.body(null, 204);
});
