/**
 * Sending mail (POST /v1/messages/, docs/mail.md) through the `send_email` binding (Cloudflare
 * Email Service). The platform sets the Message-ID; the one it returns is stored, so a reply to
 * this message (In-Reply-To) threads with it. A send the platform refuses is stored `failed`
 * with its reason and answers 502; either way the inbox keeps its copy.
 */
import type { MailAddress } from '../db/schema';
import type { ServiceContext } from '../http/context';
import { ApiError } from '../http/errors';
import { recordMessageFiring } from '../alerts/emit';
import { bracketed, htmlToText, messageIdsOf, replySubject, snippetOf } from './headers';
import { messageRecord } from './service';
import { messageView, storeMessage, type MessageRecord, type MessageToStore } from './store';
import type { SendMessageInput } from './schemas';

/** What of the `send_email` binding the verb uses. */
export type Mailer = Pick<SendEmail, 'send'>;

export interface SendContext extends ServiceContext {
  mailer: Mailer;
}

/** Whom a reply goes to by default: the sender of an inbound message, the recipients of an outbound one. */
function replyRecipients(replied: MessageRecord): MailAddress[] {
  return replied.direction === 'inbound' ? [{ email: replied.from_email, name: replied.from_name }] : replied.to;
}

const builderAddress = (a: MailAddress) => (a.name ? { email: a.email, name: a.name } : a.email);

export interface SendOptions {
  /** The outbox row the service sends this for (a sequence's email): stored on the message. */
  outboxId?: string;
}

export async function sendMessage(ctx: SendContext, input: SendMessageInput, opts: SendOptions = {}) {
  const { db, inbox, now } = ctx;
  const replied = input.reply_to_message_id ? await messageRecord(db, inbox, input.reply_to_message_id) : null;
  const to = input.to ?? (replied ? replyRecipients(replied) : []);
  if (to.length === 0) throw ApiError.field('to', 'at least one recipient is required (a reply defaults to the replied message\'s sender)');
  const subject = input.subject ?? (replied ? replySubject(replied.subject) : null);
  if (subject === null) throw ApiError.field('subject', 'required (a reply defaults to "Re: " and the replied subject)');
  const references = replied?.rfc_message_id ? [...replied.references, replied.rfc_message_id] : [];
  const inReplyTo = replied?.rfc_message_id ?? null;
  const headers: Record<string, string> = {};
  if (inReplyTo) headers['In-Reply-To'] = bracketed(inReplyTo);
  if (references.length > 0) headers.References = references.map(bracketed).join(' ');

  const from: MailAddress = { email: inbox.address, name: inbox.displayName ?? null };
  const cc = input.cc ?? [];
  const bcc = input.bcc ?? [];
  const copy: Omit<MessageToStore, 'status' | 'rfcMessageId' | 'failureReason'> = {
    direction: 'outbound', from, to, cc, bcc, subject,
    textBody: input.text_body ?? null, htmlBody: input.html_body ?? null,
    snippet: snippetOf(input.text_body ?? htmlToText(input.html_body ?? '')),
    sentAt: now, inReplyTo, references, attachments: [], rawKey: null, live: true, threadId: replied?.thread_id ?? null,
    outboxId: opts.outboxId ?? null,
  };

  let sentId: string;
  try {
    const sent = await ctx.mailer.send({
      from: builderAddress(from), to: to.map(builderAddress), subject,
      ...(cc.length ? { cc: cc.map(builderAddress) } : {}),
      ...(bcc.length ? { bcc: bcc.map(builderAddress) } : {}),
      ...(input.text_body !== undefined ? { text: input.text_body } : {}),
      ...(input.html_body !== undefined ? { html: input.html_body } : {}),
      ...(Object.keys(headers).length ? { headers } : {}),
    });
    sentId = messageIdsOf(sent.messageId)[0] ?? sent.messageId;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const stored = await storeMessage(db, inbox, { ...copy, status: 'failed', rfcMessageId: null, failureReason: reason.slice(0, 1000) }, now, null);
    throw new ApiError(502, 'send_failed', `The mail service refused the message: ${reason}`, {
      message_id: stored.message.id, thread_id: stored.message.thread_id,
    });
  }
  const stored = await storeMessage(db, inbox, { ...copy, status: 'sent', rfcMessageId: sentId, failureReason: null }, now, 'message.sent');
  const view = messageView(stored.message);
  await recordMessageFiring(db, ctx.alerts, inbox, 'message.sent', stored.alertIds, view, now);
  return view;
}
