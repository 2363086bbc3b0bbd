/**
 * Signed download links (docs/files.md): `/v1/file-links/{file_id}.{version}.{expires}.{signature}/`,
 * the signature an HMAC-SHA256 (the deployment's FILE_LINK_SECRET) over the other three parts.
 * A link names one version, so it keeps serving the bytes it was minted for. Anything that does
 * not verify — a changed character, a cut, an expiry in the past — is the same 403, so a link
 * reveals nothing about files it was not made for.
 */
import { base64url, constantTimeEqual } from '../http/crypto';

export const LINK_PATH = '/v1/file-links/';

export interface LinkTarget {
  fileId: string;
  version: number;
  /** Unix seconds. */
  expires: number;
}

const encoder = new TextEncoder();

async function signature(secret: string, t: LinkTarget): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${t.fileId}.${t.version}.${t.expires}`));
  return base64url(new Uint8Array(mac));
}

export async function linkToken(secret: string, t: LinkTarget): Promise<string> {
  return `${t.fileId}.${t.version}.${t.expires}.${await signature(secret, t)}`;
}

/**
 * What a link token names, when its signature holds and it has not expired at `now`; null
 * otherwise (the caller answers 403 either way).
 */
export async function verifyLink(secret: string, token: string, now: Date): Promise<LinkTarget | null> {
  const m = /^(fil_[0-9a-z]{1,64})\.([1-9][0-9]{0,8})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const t: LinkTarget = { fileId: m[1]!, version: Number(m[2]), expires: Number(m[3]) };
  if (!constantTimeEqual(await signature(secret, t), m[4]!)) return null;
  return t.expires * 1000 > now.getTime() ? t : null;
}
