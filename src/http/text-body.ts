import type { Context } from 'hono';
import type { AppEnv } from './context';
import { ApiError } from './errors';
import { readCapped } from './middleware';

/** Charsets a UTF-8 text body may declare (ASCII is a subset). */
const UTF8_NAMES = ['utf-8', 'utf8', 'us-ascii'];

/**
 * The body of a text import route (a raw-body route: its length was checked at the door):
 * one of `mediaTypes`, UTF-8 if it names a charset (else 415), at most `maxBytes`, read whole.
 * The bytes are returned undecoded, for formats that unfold lines before decoding them.
 */
export async function readTextBody(c: Context<AppEnv>, { mediaTypes, maxBytes, what }: { mediaTypes: readonly string[]; maxBytes: number; what: string }): Promise<Uint8Array> {
  const [essence = '', ...params] = (c.req.header('content-type') ?? '').split(';').map((s) => s.trim().toLowerCase());
  if (!mediaTypes.includes(essence)) throw new ApiError(415, 'unsupported_media_type', `Send the body as ${mediaTypes[0]} (${what}).`);
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  if (charset !== undefined && !UTF8_NAMES.includes(charset)) {
    throw new ApiError(415, 'unsupported_media_type', `Send the ${what} as UTF-8 (not ${charset}).`);
  }
  return readCapped(c.req.raw.body, maxBytes);
}
