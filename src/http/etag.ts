import type { Context } from 'hono';
import { ApiError } from './errors';
import { sha256Hex } from './crypto';

/** A strong ETag over the resource's JSON representation: any visible change changes it. */
export async function etagOf(representation: unknown): Promise<string> {
  return `"${(await sha256Hex(JSON.stringify(representation))).slice(0, 32)}"`;
}

/** 412 when the client's If-Match names none of the current representation's tags. */
export async function checkIfMatch(c: Context, current: unknown): Promise<void> {
  const header = c.req.header('if-match');
  if (!header) return;
  if (header.trim() === '*') return;
  const tag = await etagOf(current);
  const given = header.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!given.includes(tag)) {
    throw new ApiError(412, 'precondition_failed', 'The resource has changed since you read it (If-Match does not match its ETag).');
  }
}

/** Sets the ETag header for a single-resource response and returns the body unchanged. */
export async function withEtag<T>(c: Context, representation: T): Promise<T> {
  c.header('ETag', await etagOf(representation));
  return representation;
}
