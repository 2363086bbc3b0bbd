import type { Context } from 'hono';

export type ErrorCode =
  | 'validation_failed' | 'not_found' | 'unauthorized' | 'forbidden' | 'insufficient_scope'
  | 'inbox_id_required' | 'conflict' | 'precondition_failed' | 'idempotency_key_reused'
  | 'rate_limited' | 'payload_too_large' | 'unsupported_media_type' | 'method_not_allowed'
  | 'send_failed' | 'length_required' | 'service_unavailable' | 'internal';

export interface FieldError {
  path: string;
  message: string;
}

/** Every `code` a problem can carry, with its `title` (the OpenAPI document lists the same). */
export const PROBLEM_TITLES: Record<ErrorCode, string> = {
  validation_failed: 'Validation failed',
  not_found: 'Not found',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  insufficient_scope: 'Insufficient scope',
  inbox_id_required: 'inbox_id is required',
  conflict: 'Conflict',
  precondition_failed: 'Precondition failed',
  idempotency_key_reused: 'Idempotency key reused',
  rate_limited: 'Too many requests',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  method_not_allowed: 'Method not allowed',
  send_failed: 'Send failed',
  length_required: 'Length required',
  service_unavailable: 'Service unavailable',
  internal: 'Internal error',
};

/** The one error primitive: thrown anywhere, rendered as RFC 9457 problem+json by `onError`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(detail);
  }

  static validation(errors: FieldError[], detail?: string): ApiError {
    return new ApiError(400, 'validation_failed', detail ?? errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '), { errors });
  }

  static field(path: string, message: string): ApiError {
    return ApiError.validation([{ path, message }]);
  }

  static notFound(what = 'Resource'): ApiError {
    return new ApiError(404, 'not_found', `${what} not found.`);
  }

  static badRequest(detail: string): ApiError {
    return new ApiError(400, 'validation_failed', detail);
  }

  /** 405 with the `Allow` header RFC 9110 requires: the methods the path does serve. */
  static methodNotAllowed(method: string, allow: string[]): ApiError {
    return new ApiError(405, 'method_not_allowed', `This path does not serve ${method}; it serves ${allow.join(', ')}.`, {
      headers: { Allow: allow.join(', ') },
    });
  }
}

export function problem(c: Context, err: ApiError): Response {
  const { errors, headers, ...rest } = err.extra;
  const body: Record<string, unknown> = {
    type: `https://inbox.example/problems/${err.code.replace(/_/g, '-')}`,
    title: PROBLEM_TITLES[err.code],
    status: err.status,
    detail: err.message,
    code: err.code,
    request_id: c.get('requestId') ?? null,
    ...rest,
  };
  if (errors) body.errors = errors;
  const res = new Response(JSON.stringify(body), {
    status: err.status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
  return res;
}

export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return problem(c, err);
  // Hono's own HTTPException (e.g. from a body parser) carries a status we can keep.
  const status = (err as { status?: number }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return problem(c, new ApiError(status, status === 413 ? 'payload_too_large' : 'validation_failed', err.message || 'Bad request.'));
  }
  console.error(`[${c.get('requestId')}]`, err);
  return problem(c, new ApiError(500, 'internal', 'An internal error occurred. Quote the request_id when reporting it.'));
}
