/**
 * RFC 5322 / MIME in, the message as the inbox stores it out (postal-mime does the MIME).
 * A message postal-mime cannot read comes back as `null`: the caller keeps the raw bytes.
 */
import PostalMime, { type Address, type Email } from 'postal-mime';
import type { MailAddress } from '../db/schema';
import { htmlToText, messageIdsOf } from './headers';

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface ParsedMail {
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  textBody: string | null;
  htmlBody: string | null;
  /** Message-ID without brackets, if the mail has one. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** The Date header, when it names a real instant. */
  date: Date | null;
  attachments: ParsedAttachment[];
}

/** Groups flattened; addresses lower-cased (they are matched case-insensitively), names kept. */
function addresses(list: Address[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  for (const a of list ?? []) {
    for (const box of a.group ?? [a]) {
      if (box.address) out.push({ email: box.address.trim().toLowerCase(), name: box.name?.trim() || null });
    }
  }
  return out;
}

function bytesOf(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === 'string') return new TextEncoder().encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

function dateOf(header: string | undefined): Date | null {
  if (!header) return null;
  const ms = Date.parse(header);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

export function mailOf(email: Email): ParsedMail {
  const from = addresses(email.from ? [email.from] : undefined)[0] ?? null;
  const html = email.html ?? null;
  return {
    from,
    to: addresses(email.to),
    cc: addresses(email.cc),
    bcc: addresses(email.bcc),
    subject: (email.subject ?? '').replace(/[\r\n]+/g, ' ').trim(),
    textBody: email.text ?? null,
    htmlBody: html,
    messageId: messageIdsOf(email.messageId)[0] ?? null,
    inReplyTo: messageIdsOf(email.inReplyTo)[0] ?? null,
    references: messageIdsOf(email.references),
    date: dateOf(email.date),
    attachments: email.attachments.map((a, i) => ({
      filename: a.filename || `attachment-${i + 1}`,
      contentType: a.mimeType || 'application/octet-stream',
      content: bytesOf(a.content),
    })),
  };
}

/** The parsed message, or null when it cannot be read as mail. */
export async function parseMail(raw: Uint8Array): Promise<ParsedMail | null> {
  try {
    return mailOf(await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' }));
  } catch {
    return null;
  }
}

/** The text a reader sees: the text part, else the HTML part rendered as text. */
export function readableText(mail: Pick<ParsedMail, 'textBody' | 'htmlBody'>): string {
  return mail.textBody ?? (mail.htmlBody ? htmlToText(mail.htmlBody) : '');
}
