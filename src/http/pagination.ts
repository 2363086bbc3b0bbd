import { z } from '@hono/zod-openapi';
import { ApiError } from './errors';

const nonNegativeInt = z.string().regex(/^\d{1,9}$/, 'must be a non-negative integer');

/** Query parameters of every paged list: `offset` (alias `position`) and `limit` 1–200. */
export const PageQuery = z.object({
  offset: nonNegativeInt.optional().openapi({ description: 'Zero-based offset (default 0).', example: '0' }),
  position: nonNegativeInt.optional().openapi({ description: 'Alias of offset.' }),
  limit: z.string().regex(/^\d{1,9}$/, 'must be an integer from 1 to 200')
    .refine((v) => Number(v) >= 1 && Number(v) <= 200, 'must be an integer from 1 to 200')
    .optional().openapi({ description: 'Page size, 1–200 (default 50).', example: '50' }),
});

export interface Page {
  offset: number;
  limit: number;
}

export function pageOf(q: { offset?: string; position?: string; limit?: string }): Page {
  if (q.offset !== undefined && q.position !== undefined && q.offset !== q.position) {
    throw ApiError.field('position', 'offset and position are aliases; give one, or the same value');
  }
  return { offset: Number(q.offset ?? q.position ?? 0), limit: Number(q.limit ?? 50) };
}

export function pageEnvelope<T>(results: T[], total: number, page: Page) {
  return { results, total, position: page.offset, limit: page.limit };
}

export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({ results: z.array(item), total: z.number().int(), position: z.number().int(), limit: z.number().int() });
}
