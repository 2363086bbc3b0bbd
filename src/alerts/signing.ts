/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is `whsec_` + base64
 * of random bytes; each request carries `webhook-id` (the firing id, the same on every retry),
 * `webhook-timestamp` (Unix seconds) and `webhook-signature` = `v1,` + base64 of
 * HMAC-SHA256(secret bytes, "<id>.<timestamp>.<body>"). WebCrypto only, so it runs in workerd.
 */

const SECRET_PREFIX = 'whsec_';
/** Standard Webhooks asks for 24 to 64 bytes of secret. */
const SECRET_BYTES = 32;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export function newWebhookSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export async function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): Promise<SignedHeaders> {
  const keyBytes = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const timestamp = String(timestampSeconds);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${toBase64(new Uint8Array(mac))}`,
  };
}
