/**
 * The Worker's `email()` entry (Cloudflare Email Routing): mail for an inbox's address is
 * ingested; mail for an address no inbox has, or over 25 MiB, is refused with `setReject`
 * (the sending server gets the SMTP error) and nothing is stored.
 */
import { eq } from 'drizzle-orm';
import { loadConfig } from '../config';
import { openDb } from '../db/client';
import { inboxes } from '../db/schema';
import type { Env } from '../env';
import { ingestMail, MAX_MESSAGE_BYTES } from './ingest';

export async function receiveEmail(message: ForwardableEmailMessage, env: Env, now: Date): Promise<void> {
  if (message.rawSize > MAX_MESSAGE_BYTES) {
    message.setReject(`Message too large: the limit is ${MAX_MESSAGE_BYTES} bytes.`);
    return;
  }
  const handle = openDb(loadConfig(env));
  try {
    const [inbox] = await handle.db.select().from(inboxes).where(eq(inboxes.address, message.to.trim().toLowerCase()));
    if (!inbox) {
      message.setReject('No such mailbox.');
      return;
    }
    const raw = new Uint8Array(await new Response(message.raw).arrayBuffer());
    if (raw.byteLength > MAX_MESSAGE_BYTES) {
      message.setReject(`Message too large: the limit is ${MAX_MESSAGE_BYTES} bytes.`);
      return;
    }
    await ingestMail({ db: handle.db, blobs: env.BLOBS, alerts: env.ALERTS, mailer: env.EMAIL }, inbox, raw, { direction: 'inbound', live: true, envelopeFrom: message.from }, now);
  } finally {
    await handle.close().catch(() => {});
  }
}
