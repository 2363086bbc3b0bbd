/** One signed webhook POST (Standard Webhooks), answered within 10 seconds or counted failed. */
import { signWebhook } from '../../alerts/signing';
import { webhookTargetProblem } from '../../alerts/targets';
import { webhookBody } from '../../alerts/payload';
import type { PendingDelivery } from './load';
import type { AttemptOutcome } from './outcome';

export const WEBHOOK_TIMEOUT_MS = 10_000;

/** A property of whatever fetch threw (a DOMException, a TypeError, …). */
const propertyOf = (err: unknown, key: 'name' | 'message'): unknown =>
  typeof err === 'object' && err !== null && key in err ? Reflect.get(err, key) : undefined;

export async function postWebhook(d: PendingDelivery, allowPrivate: boolean, nowMs = Date.now()): Promise<AttemptOutcome> {
  // Checked again at send time: the deployment's policy may have tightened since the alert was saved.
  const problem = webhookTargetProblem(d.alert.target, allowPrivate);
  if (problem) return { ok: false, statusCode: null, error: `target refused: ${problem}`, permanent: true };
  if (!d.alert.secret) return { ok: false, statusCode: null, error: 'the alert has no signing secret', permanent: true };
  const body = webhookBody({
    firingId: d.firingId, type: d.type, inboxId: d.inbox.id, alertId: d.alert.id, scheduledFor: d.scheduledFor, payload: d.payload,
  });
  const signed = await signWebhook(d.alert.secret, d.firingId, Math.floor(nowMs / 1000), body);
  let res: Response;
  try {
    res = await fetch(d.alert.target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'agent-inbox-records-webhooks/1', ...signed },
      body,
      // A redirect could lead anywhere, private hosts included: a 3xx is an answer, not followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
  } catch (err) {
    const name = propertyOf(err, 'name');
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    return { ok: false, statusCode: null, error: timedOut ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s` : `network error: ${String(propertyOf(err, 'message'))}` };
  }
  // The answer's body is not used; release the connection.
  await res.body?.cancel().catch(() => {});
  const ok = res.status >= 200 && res.status < 300;
  return {
    ok,
    statusCode: res.status,
    error: ok ? null : `receiver answered ${res.status}`,
    gone: res.status === 410,
  };
}
