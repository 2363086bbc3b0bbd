import { z } from '@hono/zod-openapi';

/** A JSON response of `schema` (route declarations). */
export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** A required JSON body of `schema`: `required` makes the validator run even without a content type. */
export const body = <T extends z.ZodTypeAny>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string().openapi({ example: 'validation_failed' }),
  request_id: z.string().nullable(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  required_scope: z.string().optional(),
}).openapi('Problem');

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: Problem } } });

/** The error answers every authenticated route can give (RFC 9457 problem+json). */
export const errorResponses = {
  400: problem('Invalid input (`validation_failed`, `inbox_id_required`).'),
  401: problem('Missing, invalid, expired or revoked token.'),
  403: problem('Missing scope (`insufficient_scope`) or another inbox.'),
  404: problem('Unknown id, or another inbox\'s.'),
  409: problem('Conflict or `idempotency_key_reused`.'),
  412: problem('If-Match does not match.'),
  429: problem('Rate limited; see Retry-After.'),
} as const;

/** Every route an agent token can be held on may also answer 202. */
export const queuedResponse = {
  202: {
    description: 'Held for approval (the token\'s `requires_approval` lists this scope).',
    content: { 'application/json': { schema: z.object({ queued: z.literal(true), approval_id: z.string() }) } },
  },
} as const;

export const IdempotencyHeader = z.object({
  'idempotency-key': z.string().max(255).optional().openapi({ description: 'Replays the first response for 24 h.' }),
});
