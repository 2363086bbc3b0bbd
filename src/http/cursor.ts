/**
 * Opaque cursors for keyset paging (contacts, event windows). A cursor names the last item of the
 * page it came with by its sort key, so the next page starts right after it whatever was added
 * or removed before it (an offset would skip or repeat rows then), and carries the position of
 * that next page for the envelope. It is bound to the query that made it: sent with another
 * query (another `q`, window, sort or calendar), it is a 400 naming `cursor`. It is not a
 * secret: it only ever narrows a query already scoped to the caller's inbox.
 */
import { z } from '@hono/zod-openapi';
import { ApiError } from './errors';

const Payload = z.object({
  /** The list it belongs to and that list's query, as `queryKey` renders it. */
  q: z.string(),
  /** The sort key of the last item shown: text parts (a name, an id) or numbers (an instant). */
  k: z.array(z.union([z.string(), z.number()])).min(1).max(4),
  /** How many items precede the next page. */
  p: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export type CursorKey = Array<string | number>;

/** The `cursor` query parameter of a list that pages by keyset. */
export const CursorParam = z.string().min(1).max(2000).optional().openapi({
  description: 'The `next_cursor` of the previous page: the page right after it (keyset paging; stable while rows are added or removed before it). Not combinable with a non-zero `offset`.',
});

/** The fields of a query that a cursor is bound to, in a fixed order. */
export function queryKey(list: string, fields: Record<string, string | undefined>): string {
  return JSON.stringify([list, ...Object.keys(fields).sort().map((k) => [k, fields[k] ?? null])]);
}

function toBase64Url(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return null;
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)));
  } catch {
    return null;
  }
}

export function encodeCursor(query: string, key: CursorKey, position: number): string {
  return toBase64Url(JSON.stringify({ q: query, k: key, p: position }));
}

const badCursor = (why: string) => ApiError.field('cursor', why);

/** The key and position a cursor carries, or a 400 naming `cursor` (malformed, or made for another query). */
export function decodeCursor(raw: string, query: string): { key: CursorKey; position: number } {
  const text = fromBase64Url(raw);
  let parsed: unknown;
  try {
    parsed = text === null ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  const r = Payload.safeParse(parsed);
  if (!r.success) throw badCursor('is not a cursor this API issued');
  if (r.data.q !== query) throw badCursor('was issued for another query; send the same parameters as the page it came with');
  return { key: r.data.k, position: r.data.p };
}
