// A typed client for the Agent Inbox Records API: openapi-fetch over the types openapi-typescript
// generates from the service's own OpenAPI document (./schema.d.ts, `npm run client:generate`).
// Paths, parameters, bodies and answers are checked against that document at compile time.
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, operations, paths, webhooks } from './schema';

/** Every named shape of the document: `Schemas['Contact']`, `Schemas['Event']`, … */
export type Schemas = components['schemas'];
/** An error answer (RFC 9457 problem+json). */
export type Problem = Schemas['Problem'];
/** A 202 answer: the call was held for approval and nothing was done yet. */
export type Queued = Schemas['Queued'];

export type InboxClient = Client<paths>;

export interface InboxClientOptions {
  /** Where the API is, e.g. `https://records.example.com` (no path). */
  baseUrl: string;
  /**
   * An agent token (`gent_…`, bound to one inbox), a session token (`gses_…`, which names the
   * inbox with `inbox_id` on every call), or the admin token for /v1/admin/.
   */
  token: string;
  /** Another fetch (tests, proxies); the global one by default. */
  fetch?: ClientOptions['fetch'];
  /** Headers sent on every call besides `Authorization`. */
  headers?: Record<string, string>;
}

/** A client whose every call sends `Authorization: Bearer <token>` to `baseUrl`. */
export function createInboxClient({ baseUrl, token, fetch, headers }: InboxClientOptions): InboxClient {
  return createClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    ...(fetch ? { fetch } : {}),
    headers: { ...headers, authorization: `Bearer ${token}` },
  });
}

/** An answer that was an error: its status and, when the body was problem+json, the problem. */
export class InboxError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;

  constructor(status: number, problem: Problem | undefined) {
    super(problem ? `${status} ${problem.code}: ${problem.detail}` : `HTTP ${status}`);
    this.name = 'InboxError';
    this.status = status;
    this.problem = problem;
  }
}

/** A call the token may only make with a person's approval (202): approve it, then it runs. */
export class HeldForApproval extends Error {
  readonly approvalId: string;

  constructor(approvalId: string) {
    super(`Held for approval ${approvalId}: approve it at /v1/approvals/${approvalId}/approve/.`);
    this.name = 'HeldForApproval';
    this.approvalId = approvalId;
  }
}

const isProblem = (body: unknown): body is Problem =>
  typeof body === 'object' && body !== null && 'code' in body && 'detail' in body && 'status' in body;

const isQueued = (data: unknown): data is Queued =>
  typeof data === 'object' && data !== null && 'queued' in data && data.queued === true && 'approval_id' in data;

/** An answer of the client: `{ data, response }` or `{ error, response }` (openapi-fetch's). */
interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

type DataOf<A> = A extends { data: infer D } ? D : never;
/**
 * The data of an answer that was done: the success member's data (undefined for a 204) without
 * the 202 hold every route may also answer.
 */
export type Done<A> = Exclude<DataOf<Extract<A, { error?: never }>>, { queued: true }>;

/** Whether a successful answer's data is the route's own rather than a 202 hold. */
const isDone = <A>(data: unknown): data is Done<A> => !isQueued(data);

/**
 * The data of an answer, typed as the route's success body: throws InboxError for an error
 * answer and HeldForApproval for a 202 (the call waits for a person's approval).
 *
 *     const contact = unwrap(await inbox.POST('/v1/contacts/', { body: { full_name: 'Ada' } }));
 */
export function unwrap<A extends Answer>(answer: A): Done<A> {
  const { data, error, response } = answer;
  if (error !== undefined || !response.ok) throw new InboxError(response.status, isProblem(error) ? error : undefined);
  if (isDone<A>(data)) return data;
  throw new HeldForApproval(isQueued(data) ? data.approval_id : '');
}
