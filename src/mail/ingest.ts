/**
 * Raw mail into the inbox: live mail from Email Routing (src/mail/inbound.ts) and imported
 * history (POST /v1/messages/import/) go the same way — parsed, attachments put in R2, stored
 * and threaded (src/mail/store.ts). Only live inbound mail makes a suggestion and fires
 * `message.received`; history is history.
 *
 * R2 keys are named by the SHA-256 of the raw bytes, so a redelivered mail writes the same
 * objects again instead of leaving copies behind.
 */
import type { MessageDirection, StoredAttachment } from '../db/schema';
import type { Queryable } from '../db/sql';
import type { AlertQueue, Inbox } from '../http/context';
import { sha256Hex } from '../http/crypto';
import { recordMessageFiring } from '../alerts/emit';
import { snippetOf } from './headers';
import { parseMail, readableText, type ParsedMail } from './parse';
import { messageView, storeMessage, type MessageToStore, type StoredMessage } from './store';
import { suggestMeeting } from './suggest';
import { exitOnReply } from '../sequences/service';
import { answerRoutesByMail } from '../work-routes/replies';
import type { Mailer } from './send';

/** Email Routing's own limit, and ours: a larger message is refused. */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/** A Date header further ahead than this is not believed for live mail (it would sort first forever). */
const FUTURE_DATE_SLACK_MS = 24 * 3600_000;

export interface MailDeps {
  db: Queryable;
  blobs: R2Bucket;
  alerts: AlertQueue;
  /** Live mail only: what an answer to a work route sends on (the next recipient's request). */
  mailer?: Mailer;
}

export interface IngestOptions {
  direction: MessageDirection;
  /** Live mail (Email Routing) rather than imported history. */
  live: boolean;
  /** The SMTP envelope sender, when known: the sender of a message that cannot be parsed. */
  envelopeFrom?: string;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1) || 'inbox.invalid';
}

async function putAttachments(blobs: R2Bucket, base: string, mail: ParsedMail): Promise<StoredAttachment[]> {
  return Promise.all(mail.attachments.map(async (a, index) => {
    const key = `${base}/${index}`;
    await blobs.put(key, a.content, { httpMetadata: { contentType: a.contentType, contentDisposition: 'attachment' } });
    return { index, filename: a.filename, content_type: a.contentType, size: a.content.byteLength, key };
  }));
}

export async function ingestMail(deps: MailDeps, inbox: Inbox, raw: Uint8Array, opts: IngestOptions, now: Date): Promise<StoredMessage> {
  const hash = await sha256Hex(raw);
  const base = `mail/${inbox.id}/${hash}`;
  const mail = await parseMail(raw);
  const status = opts.direction === 'inbound' ? 'received' : 'sent';
  let message: MessageToStore;
  if (!mail) {
    // Kept as it came, with no body, rather than lost (docs/mail.md).
    await deps.blobs.put(`${base}/raw.eml`, raw, { httpMetadata: { contentType: 'message/rfc822' } });
    message = {
      direction: opts.direction, status,
      from: { email: (opts.envelopeFrom ?? '').toLowerCase(), name: null }, to: [{ email: inbox.address, name: null }], cc: [], bcc: [],
      subject: '', textBody: null, htmlBody: null, snippet: '', sentAt: now,
      rfcMessageId: `${hash}@unparsed.invalid`, inReplyTo: null, references: [], attachments: [],
      rawKey: `${base}/raw.eml`, failureReason: null, live: opts.live,
    };
  } else {
    const attachments = await putAttachments(deps.blobs, base, mail);
    let sentAt = mail.date ?? now;
    if (opts.live && sentAt.getTime() > now.getTime() + FUTURE_DATE_SLACK_MS) sentAt = now;
    const text = readableText(mail);
    const from = mail.from ?? { email: (opts.envelopeFrom ?? '').toLowerCase(), name: null };
    message = {
      direction: opts.direction, status, from, to: mail.to, cc: mail.cc, bcc: mail.bcc,
      subject: mail.subject, textBody: mail.textBody, htmlBody: mail.htmlBody, snippet: snippetOf(text), sentAt,
      rfcMessageId: mail.messageId ?? `${hash}@${domainOf(inbox.address)}`, inReplyTo: mail.inReplyTo, references: mail.references,
      attachments, rawKey: null, failureReason: null, live: opts.live,
      suggestion: opts.live && opts.direction === 'inbound'
        ? suggestMeeting({ subject: mail.subject, text, sentAt, arrivedAt: now, zone: inbox.defaultTimezone ?? 'UTC' })
        : null,
    };
  }
  const fire = opts.live && opts.direction === 'inbound' ? 'message.received' : null;
  const stored = await storeMessage(deps.db, inbox, message, now, fire);
  // A reply ends the sequences waiting on it and answers the route requests it names; a
  // redelivery finds them ended or answered already.
  if (fire) await exitOnReply(deps.db, inbox, stored.message, now);
  if (fire && deps.mailer) await answerRoutesByMail({ db: deps.db, inbox, now, alerts: deps.alerts, mailer: deps.mailer }, stored.message);
  if (fire) await recordMessageFiring(deps.db, deps.alerts, inbox, fire, stored.alertIds, messageView(stored.message), now);
  return stored;
}
