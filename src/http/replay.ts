import type { Context } from 'hono';
import type { AppEnv, Principal } from './context';
import { replayPrincipals } from './auth';

type Dispatch = (req: Request, env: AppEnv['Bindings'], ctx: ExecutionContext) => Response | Promise<Response>;
let dispatch: Dispatch | null = null;

/** app.ts registers the app here; approvals replay held calls through it. */
export function setReplayTarget(fn: Dispatch): void {
  dispatch = fn;
}

/** Runs a stored call through the whole app again, as `principal`, without the approval hold. */
export async function replayCall(
  c: Context<AppEnv>, principal: Principal, call: { method: string; path: string; body: string | null; ifMatch: string | null },
): Promise<Response> {
  if (!dispatch) throw new Error('replay target not registered');
  const url = new URL(call.path, c.req.url);
  const headers: Record<string, string> = {};
  if (call.body !== null) headers['content-type'] = 'application/json';
  // The If-Match the caller sent still guards the change: a resource edited while the call
  // waited for approval is not overwritten (the replay answers 412).
  if (call.ifMatch) headers['if-match'] = call.ifMatch;
  const clockHeader = c.env.ALLOW_TEST_CLOCK === 'true' ? c.req.header('x-test-now') : undefined;
  if (clockHeader) headers['x-test-now'] = clockHeader;
  const req = new Request(url, { method: call.method, body: call.body, headers });
  replayPrincipals.set(req, principal);
  return dispatch(req, c.env, c.executionCtx as unknown as ExecutionContext);
}
