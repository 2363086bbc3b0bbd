import { z } from '@hono/zod-openapi';
import { ApiError } from './errors';
import { decodeCursor, encodeCursor, type CursorKey } from './cursor';
import { integerParam } from './openapi';

const nonNegativeInt = z.string().regex(/^\d{1,9}$/, 'must be a non-negative integer');

const MAX_OFFSET = 999_999_999;

/**
 * Query parameters of every paged list: `offset` (alias `position`) and `limit` 1–200. Read as
 * text (digits only), documented as the integers they are.
 */
export const PageQuery = z.object({
  offset: nonNegativeInt.optional().openapi(integerParam(0, MAX_OFFSET, { description: 'Zero-based offset (default 0).', example: 0 })),
  position: nonNegativeInt.optional().openapi(integerParam(0, MAX_OFFSET, { description: 'Alias of offset.' })),
  limit: z.string().regex(/^\d{1,9}$/, 'must be an integer from 1 to 200')
    .refine((v) => Number(v) >= 1 && Number(v) <= 200, 'must be an integer from 1 to 200')
    .optional().openapi(integerParam(1, 200, { description: 'Page size, 1–200 (default 50).', example: 50 })),
});

export interface Page {
  offset: number;
  limit: number;
  /** Keyset paging: the page starts right after the item with this sort key (a cursor's). */
  after?: CursorKey;
}

export function pageOf(q: { offset?: string; position?: string; limit?: string }): Page {
  if (q.offset !== undefined && q.position !== undefined && q.offset !== q.position) {
    throw ApiError.field('position', 'offset and position are aliases; give one, or the same value');
  }
  return { offset: Number(q.offset ?? q.position ?? 0), limit: Number(q.limit ?? 50) };
}

/**
 * The page of a list that also pages by keyset (`cursor`): `query` is the list's `queryKey`. A
 * cursor gives the page's start and position; it cannot be combined with a non-zero offset.
 */
export function keysetPageOf(q: { offset?: string; position?: string; limit?: string; cursor?: string }, query: string): Page {
  const page = pageOf(q);
  if (q.cursor === undefined) return page;
  if (page.offset !== 0) throw ApiError.field('cursor', 'cannot be combined with a non-zero offset or position');
  const { key, position } = decodeCursor(q.cursor, query);
  return { offset: position, limit: page.limit, after: key };
}

/** The cursor of the page after `results` (null on the last page): the key of its last item. */
export function nextCursor<T>(results: T[], total: number, page: Page, query: string, keyOf: (last: T) => CursorKey): string | null {
  const last = results.at(-1);
  const next = page.offset + results.length;
  return last !== undefined && next < total ? encodeCursor(query, keyOf(last), next) : null;
}

export function pageEnvelope<T>(results: T[], total: number, page: Page) {
  return { results, total, position: page.offset, limit: page.limit };
}

/** The envelope of a keyset-paged list: the plain one plus `next_cursor`. */
export function keysetEnvelope<T>(results: T[], total: number, page: Page, next: string | null) {
  return { ...pageEnvelope(results, total, page), next_cursor: next };
}

export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({ results: z.array(item), total: z.number().int(), position: z.number().int(), limit: z.number().int() });
}

export function keysetPageSchema<T extends z.ZodTypeAny>(item: T) {
  return pageSchema(item).extend({
    next_cursor: z.string().nullable().openapi({ description: 'Send as `cursor` for the page after this one; null on the last page.' }),
  });
}
