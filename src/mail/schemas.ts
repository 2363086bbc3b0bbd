import { z } from '@hono/zod-openapi';
import { EmailAddress, InboxQuery, PagedInboxQuery } from '../http/fields';
import { integerParam } from '../http/openapi';
import { parseDuration } from '../time/duration';

const MAX_RECIPIENTS = 50;
/** RFC 5322's line limit is the practical bound of a subject. */
const MAX_SUBJECT = 998;
const MAX_BODY = 500_000;

const RecipientInput = z.object({
  email: EmailAddress.transform((s) => s.toLowerCase()),
  name: z.string().trim().max(200).refine((s) => !/[\r\n]/.test(s), 'must be one line').nullish().transform((s) => s || null),
});
const recipients = z.array(RecipientInput).min(1, 'at least one recipient').max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients`);

export const SendMessage = z.object({
  to: recipients.optional().openapi({ description: 'Required unless replying: a reply goes to the replied message\'s sender (inbound) or recipients (outbound).' }),
  cc: recipients.optional(),
  bcc: recipients.optional(),
  subject: z.string().trim().min(1, 'must not be empty').max(MAX_SUBJECT).refine((s) => !/[\r\n]/.test(s), 'must be one line').optional()
    .openapi({ description: 'Required unless replying: a reply\'s default is `Re: <replied subject>` (never `Re: Re:`).' }),
  text_body: z.string().max(MAX_BODY).optional(),
  html_body: z.string().max(MAX_BODY).optional(),
  reply_to_message_id: z.string().min(1).max(100).optional().openapi({ description: 'Reply to this message of the inbox: In-Reply-To and References are set, and the reply joins its thread.' }),
}).superRefine((v, ctx) => {
  if (v.text_body === undefined && v.html_body === undefined) ctx.addIssue({ code: 'custom', path: ['text_body'], message: 'give text_body, html_body or both' });
}).openapi({ example: { to: [{ email: 'alice@example.com', name: 'Alice Smith' }], subject: 'Lunch on Tuesday?', text_body: 'Can we meet Tuesday at 1pm?' } });
export type SendMessageInput = z.infer<typeof SendMessage>;

export const ImportMessage = z.object({
  raw: z.string().min(1, 'must not be empty').openapi({ description: 'The whole RFC 5322 message (headers, blank line, body).' }),
  direction: z.enum(['inbound', 'outbound']),
}).openapi({ example: { raw: 'From: Alice <alice@example.com>\r\nTo: agent@acme.test\r\nSubject: Hello\r\nDate: Mon, 1 Jun 2026 09:00:00 +0000\r\nMessage-ID: <hello-1@example.com>\r\n\r\nHi!', direction: 'inbound' } });

const Address = z.object({ email: z.string(), name: z.string().nullable() });

export const Message = z.object({
  message_id: z.string().openapi({ example: 'msg_01jd5x7k3m0000000000000000' }),
  thread_id: z.string().openapi({ example: 'thr_01jd5x7k3m0000000000000000' }),
  direction: z.enum(['inbound', 'outbound']),
  status: z.enum(['received', 'sent', 'failed']),
  from: Address,
  to: z.array(Address),
  cc: z.array(Address),
  bcc: z.array(Address).openapi({ description: 'Outbound messages only (inbound Bcc is not shown).' }),
  subject: z.string(),
  text_body: z.string().nullable(),
  html_body: z.string().nullable(),
  snippet: z.string().openapi({ description: 'The first 200 characters of the text, white space collapsed.' }),
  sent_at: z.string().openapi({ description: 'UTC. Inbound: its Date header, else when it arrived.', example: '2026-06-01T09:00:00Z' }),
  attachments: z.array(z.object({ index: z.number().int(), filename: z.string(), content_type: z.string(), size: z.number().int() })),
  rfc_message_id: z.string().nullable().openapi({ description: 'The RFC 5322 Message-ID (null for a send that failed).', example: '<hello-1@example.com>' }),
  in_reply_to: z.string().nullable(),
  references: z.array(z.string()),
  failure_reason: z.string().nullable().openapi({ description: 'Why the mail service refused a `failed` send.' }),
  created_at: z.string(),
}).openapi('Message');

export const Thread = z.object({
  thread_id: z.string(),
  subject: z.string(),
  participants: z.array(z.string()).openapi({ description: 'Every address that wrote or was written to, lower-cased.' }),
  message_count: z.number().int(),
  last_message_at: z.string(),
  last_message_id: z.string(),
  awaiting_reply: z.boolean().openapi({ description: 'The thread\'s latest message is outbound.' }),
}).openapi('ThreadSummary');

export const ThreadWithMessages = Thread.extend({
  messages: z.array(Message).openapi({ description: 'In conversation order (oldest first), at most 500; page the rest with GET /v1/messages/?thread_id=.' }),
}).openapi('Thread');

export const Sent = Message.openapi('SentMessage');

export const ListMessagesQuery = PagedInboxQuery.extend({
  direction: z.enum(['inbound', 'outbound']).optional(),
  thread_id: z.string().min(1).max(100).optional(),
  after: z.string().min(1).max(200).optional().openapi({ description: 'Only messages sent at or after this instant (Time Utils input; naive read in the inbox zone).', example: '2026-06-01T00:00:00Z' }),
  before: z.string().min(1).max(200).optional().openapi({ description: 'Only messages sent before this instant (exclusive).', example: '2026-07-01T00:00:00Z' }),
});

export const MessageParams = z.object({
  message_id: z.string().min(1).max(100).openapi({ param: { name: 'message_id', in: 'path' }, example: 'msg_01jd5x7k3m0000000000000000' }),
});
export const AttachmentParams = MessageParams.extend({
  index: z.string().regex(/^\d{1,4}$/, 'must be a 0-based attachment index').openapi({ param: { name: 'index', in: 'path' }, ...integerParam(0, 9999, { description: 'The attachment\'s 0-based position.', example: 0 }) }),
});
export const ThreadParams = z.object({
  thread_id: z.string().min(1).max(100).openapi({ param: { name: 'thread_id', in: 'path' }, example: 'thr_01jd5x7k3m0000000000000000' }),
});
export { InboxQuery };

export const SuggestedEvent = z.object({
  message_id: z.string(),
  title: z.string(),
  start: z.string().openapi({ description: 'Local wall time in `time_zone`.', example: '2026-06-02T15:00:00' }),
  start_at: z.string().openapi({ example: '2026-06-02T13:00:00Z' }),
  duration: z.string().openapi({ example: 'PT30M' }),
  time_zone: z.string().openapi({ example: 'Europe/Berlin' }),
  location: z.string().openapi({ description: '`""` unless the message names a place.' }),
  status: z.enum(['open', 'confirmed', 'dismissed']),
  event_id: z.string().nullable().openapi({ description: 'The event a confirm created.' }),
}).openapi('SuggestedEvent');

export const ConfirmSuggestion = z.object({
  calendar_id: z.string().min(1).max(100).optional().openapi({ description: 'Default: the inbox\'s default calendar.' }),
  title: z.string().trim().min(1).max(500).optional(),
  start: z.string().trim().min(1).max(200).optional().openapi({ description: 'Any Time Utils input, read in the suggestion\'s zone.' }),
  duration: z.string().trim().min(1).max(100).refine((v) => parseDuration(v) !== null, 'is not a positive duration').optional(),
}).openapi('ConfirmSuggestion');
export type ConfirmSuggestionInput = z.infer<typeof ConfirmSuggestion>;
export const ListThreadsQuery = PagedInboxQuery;
