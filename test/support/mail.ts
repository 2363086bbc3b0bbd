// Mail from outside: RFC 5322 messages built for a test, handed to the Worker's real `email()`
// handler as Email Routing would (a ForwardableEmailMessage whose setReject is recorded).
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../src/index';
import { testEnv } from './env';

export interface MailSpec {
  from: string;
  fromName?: string;
  to: string;
  subject?: string;
  text?: string;
  html?: string;
  date?: Date | string | null;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string[];
  attachments?: { filename: string; contentType: string; content: Uint8Array }[];
}

function base64Lines(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 57 * 1024; // a multiple of 57 bytes: whole 76-character lines per chunk
  for (let i = 0; i < bytes.length; i += CHUNK) {
    let bin = '';
    const part = bytes.subarray(i, i + CHUNK);
    for (let j = 0; j < part.length; j++) bin += String.fromCharCode(part[j]!);
    out += btoa(bin).replace(/.{76}/g, '$&\r\n');
    if (!out.endsWith('\r\n')) out += '\r\n';
  }
  return out;
}

/** An RFC 5322 message (multipart when it has an HTML part or attachments). */
export function rfc5322(m: MailSpec): string {
  const h: string[] = [];
  h.push(`From: ${m.fromName ? `"${m.fromName}" ` : ''}<${m.from}>`);
  h.push(`To: <${m.to}>`);
  if (m.subject !== undefined) h.push(`Subject: ${m.subject}`);
  if (m.date !== null) h.push(`Date: ${new Date(m.date ?? Date.now()).toUTCString()}`);
  if (m.messageId !== null) h.push(`Message-ID: <${m.messageId ?? `${crypto.randomUUID()}@sender.test`}>`);
  if (m.inReplyTo) h.push(`In-Reply-To: ${m.inReplyTo}`);
  if (m.references?.length) h.push(`References: ${m.references.join(' ')}`);
  h.push('MIME-Version: 1.0');
  const text = m.text ?? '';
  if (!m.html && !m.attachments?.length) {
    h.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
    return `${h.join('\r\n')}\r\n\r\n${text}`;
  }
  const boundary = `b-${crypto.randomUUID()}`;
  h.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const parts = [`Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}\r\n`];
  if (m.html) parts.push(`Content-Type: text/html; charset=utf-8\r\n\r\n${m.html}\r\n`);
  for (const a of m.attachments ?? []) {
    parts.push(`Content-Type: ${a.contentType}; name="${a.filename}"\r\nContent-Disposition: attachment; filename="${a.filename}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(a.content)}`);
  }
  return `${h.join('\r\n')}\r\n\r\n${parts.map((p) => `--${boundary}\r\n${p}`).join('')}--${boundary}--\r\n`;
}

export interface Delivery {
  /** The reason given to setReject, or null when the mail was accepted. */
  rejected: string | null;
}

/** Hands raw mail to the Worker's email() handler, as Email Routing delivers it. */
export async function deliverRaw(envelope: { from: string; to: string }, raw: string | Uint8Array): Promise<Delivery> {
  const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
  let rejected: string | null = null;
  const message = {
    from: envelope.from,
    to: envelope.to,
    headers: new Headers(),
    raw: new Blob([bytes]).stream(),
    rawSize: bytes.byteLength,
    canBeForwarded: true,
    setReject(reason: string) { rejected = reason; },
    async forward() { throw new Error('not used'); },
    async reply() { throw new Error('not used'); },
  } as unknown as ForwardableEmailMessage;
  const ctx = createExecutionContext();
  await worker.email!(message, testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return { rejected };
}

export function deliverMail(m: MailSpec): Promise<Delivery> {
  return deliverRaw({ from: m.from, to: m.to }, rfc5322(m));
}
