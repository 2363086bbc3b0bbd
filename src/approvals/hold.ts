import type { Context } from 'hono';
import type { AppEnv } from '../http/context';
import { putExactly } from '../files/service';
import { queueApproval } from './service';

/**
 * The approval hold, shared by every route: an agent token whose `requires_approval` lists the
 * route's scope gets 202 and the call is stored, to be replayed exactly on approve.
 */
export async function holdForApproval(c: Context<AppEnv>): Promise<Response | null> {
  const p = c.get('principal');
  const scope = c.get('scope');
  if (p?.kind !== 'agent' || !scope || c.get('replaying')) return null;
  if (!p.requiresApproval.includes(scope)) return null;
  const url = new URL(c.req.url);
  const body = c.get('body');
  // An upload's bytes wait in R2, not in the approval row (src/files/routes.ts).
  const rawLength = c.get('rawBodyLength');
  let held: { key: string; contentType: string } | null = null;
  if (rawLength !== null) {
    held = { key: `held/${p.inbox.id}/${crypto.randomUUID()}`, contentType: c.req.header('content-type')?.trim() || 'application/octet-stream' };
    await putExactly(c.env.FILES, held.key, c.req.raw.body, rawLength, held.contentType);
  }
  const approval = await queueApproval(c.get('db'), p.inbox, {
    tokenId: p.tokenId,
    tokenLabel: p.label,
    actionType: scope,
    method: c.req.method,
    path: url.pathname + url.search,
    body: body === undefined ? null : JSON.stringify(body),
    heldObject: held?.key ?? null,
    heldContentType: held?.contentType ?? null,
    ifMatch: c.req.header('if-match') ?? null,
    now: c.get('now'),
  });
  return c.json({ queued: true, approval_id: approval.approval_id }, 202);
}
