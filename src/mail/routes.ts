import { createRoute, z } from '@hono/zod-openapi';
import { newRouter, fieldErrors } from '../http/router';
import { requireScope } from '../http/auth';
import { serviceContext } from '../http/context';
import { ApiError } from '../http/errors';
import { errorResponses, Problem, queuedResponse, json, body } from '../http/openapi';
import { pageEnvelope, pageOf, pageSchema } from '../http/pagination';
import { withInbox } from '../http/fields';
import { dispositionOf } from '../http/download';
import { parseStart } from '../calendar/schedule';
import { Event } from '../calendar/schemas';
import * as S from './schemas';
import * as svc from './service';
import { sendMessage } from './send';
import { ingestMail } from './ingest';
import { messageView } from './store';
import { confirmSuggestion, dismissSuggestion, getSuggestion } from './suggestions';

export const mailRouter = newRouter();

const badGateway = {
  502: {
    description: 'The mail service refused the message (`send_failed`); the inbox keeps it as `failed`, named by `message_id`.',
    content: { 'application/problem+json': { schema: Problem.extend({ code: z.literal('send_failed'), message_id: z.string(), thread_id: z.string() }) } },
  },
} as const;

mailRouter.openapi(createRoute({
  method: 'post', path: '/v1/messages/', tags: ['Messages'], summary: 'Send a message',
  description: 'Sends through Cloudflare Email Service from the inbox address. A reply (`reply_to_message_id`) carries In-Reply-To and References, joins the replied thread and defaults `to` and `subject`. The sent copy is stored (`status: "sent"`, `rfc_message_id` the Message-ID the platform set) and `message.sent` fires. With `Idempotency-Key`, a retry sends nothing more and answers the first response.',
  middleware: [requireScope('email:send')],
  request: body(withInbox(S.SendMessage, 'SendMessage')),
  responses: { 201: json(S.Sent, 'Sent; the stored outbound copy.'), ...queuedResponse, ...errorResponses, ...badGateway },
}), async (c) => {
  const sent = await sendMessage({ ...serviceContext(c), mailer: c.env.EMAIL }, c.req.valid('json'));
  return c.json(sent, 201);
});

mailRouter.openapi(createRoute({
  method: 'post', path: '/v1/messages/import/', tags: ['Messages'], summary: 'Import a message (history)',
  description: 'Stores an RFC 5322 message as inbound or outbound history, threaded like live mail, dated by its `Date` header (else now). Fires no alert and makes no suggestion. Idempotent by Message-ID: importing it again answers 200 with the stored message. A message without a Message-ID gets one (from its bytes, so the same bytes import once).',
  middleware: [requireScope('email:write')],
  request: body(withInbox(S.ImportMessage, 'ImportMessage')),
  responses: { 201: json(S.Message, 'Imported.'), 200: json(S.Message, 'Already imported: the stored message.'), ...queuedResponse, ...errorResponses },
}), async (c) => {
  const input = c.req.valid('json');
  const raw = new TextEncoder().encode(input.raw);
  const stored = await ingestMail({ db: c.get('db'), blobs: c.env.BLOBS, alerts: c.env.ALERTS }, c.get('inbox'), raw, { direction: input.direction, live: false }, c.get('now'));
  return c.json(messageView(stored.message), stored.created ? 201 : 200);
});

mailRouter.openapi(createRoute({
  method: 'get', path: '/v1/messages/', tags: ['Messages'], summary: 'List messages',
  description: 'Newest first (`sent_at`, then id). `after` / `before` filter `sent_at` as `[after, before)`.',
  middleware: [requireScope('email:read')],
  request: { query: S.ListMessagesQuery },
  responses: { 200: json(pageSchema(S.Message), 'A page of messages.'), ...errorResponses },
}), async (c) => {
  const q = c.req.valid('query');
  const inbox = c.get('inbox');
  const page = pageOf(q);
  const read = (v: string | undefined, field: string) => (v === undefined ? undefined : parseStart(v, field, null, inbox.defaultTimezone, c.get('now')));
  const after = read(q.after, 'after');
  const before = read(q.before, 'before');
  const { results, total } = await svc.listMessages(c.get('db'), inbox, { direction: q.direction, threadId: q.thread_id, after, before }, page);
  return c.json(pageEnvelope(results, total, page), 200);
});

mailRouter.openapi(createRoute({
  method: 'get', path: '/v1/messages/threads/', tags: ['Messages'], summary: 'List threads',
  description: 'Newest activity first. Summaries; GET one thread for its messages.',
  middleware: [requireScope('email:read')],
  request: { query: S.ListThreadsQuery },
  responses: { 200: json(pageSchema(S.Thread), 'A page of threads.'), ...errorResponses },
}), async (c) => {
  const page = pageOf(c.req.valid('query'));
  const { results, total } = await svc.listThreads(c.get('db'), c.get('inbox'), page);
  return c.json(pageEnvelope(results, total, page), 200);
});

mailRouter.openapi(createRoute({
  method: 'get', path: '/v1/messages/threads/{thread_id}/', tags: ['Messages'], summary: 'Get a thread with its messages',
  description: 'The thread summary and its messages, oldest first. An unknown or another inbox\'s id is a 404.',
  middleware: [requireScope('email:read')],
  request: { params: S.ThreadParams, query: S.InboxQuery },
  responses: { 200: json(S.ThreadWithMessages, 'The thread.'), ...errorResponses },
}), async (c) => c.json(await svc.getThread(c.get('db'), c.get('inbox'), c.req.valid('param').thread_id), 200));

mailRouter.openapi(createRoute({
  method: 'get', path: '/v1/messages/{message_id}/', tags: ['Messages'], summary: 'Get a message',
  description: 'One stored message, inbound or outbound, with its attachments listed (their bytes are at …/attachments/{index}/).',
  middleware: [requireScope('email:read')],
  request: { params: S.MessageParams, query: S.InboxQuery },
  responses: { 200: json(S.Message, 'The message.'), ...errorResponses },
}), async (c) => c.json(await svc.getMessage(c.get('db'), c.get('inbox'), c.req.valid('param').message_id), 200));

mailRouter.openapi(createRoute({
  method: 'get', path: '/v1/messages/{message_id}/attachments/{index}/', tags: ['Messages'], summary: 'Get an attachment\'s bytes',
  description: 'The bytes as received, with their `Content-Type` and a `Content-Disposition` filename. `index` is 0-based.',
  middleware: [requireScope('email:read')],
  request: { params: S.AttachmentParams, query: S.InboxQuery },
  responses: { 200: { description: 'The bytes.', content: { '*/*': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses },
}), async (c) => {
  const { message_id, index } = c.req.valid('param');
  const a = await svc.getAttachment(c.get('db'), c.env.BLOBS, c.get('inbox'), message_id, Number(index));
  return c.body(a.body, 200, { 'Content-Type': a.content_type, 'Content-Disposition': dispositionOf(a.filename), 'Content-Length': String(a.size) });
});

const suggestionPathDoc = '/v1/messages/{message_id}/suggested-events/';

mailRouter.openapi(createRoute({
  method: 'get', path: suggestionPathDoc, tags: ['Messages'], summary: 'The event a message suggests',
  description: 'Read from the message\'s own text when it arrived (quoted text left out). 404 when it suggests none.',
  middleware: [requireScope('email:read')],
  request: { params: S.MessageParams, query: S.InboxQuery },
  responses: { 200: json(S.SuggestedEvent, 'The suggestion.'), ...errorResponses },
}), async (c) => c.json(await getSuggestion(c.get('db'), c.get('inbox'), c.req.valid('param').message_id), 200));

mailRouter.openapi(createRoute({
  method: 'post', path: suggestionPathDoc, tags: ['Messages'], summary: 'Confirm a suggested event',
  description: 'Creates the event (in the default calendar unless `calendar_id`; `title`, `start`, `duration` override the suggestion) → 201 the event. Confirming again answers 200 with the same event; a dismissed suggestion is a 409.',
  middleware: [requireScope('calendar:write')],
  request: {
    params: S.MessageParams,
    body: { required: false, content: { 'application/json': { schema: withInbox(S.ConfirmSuggestion, 'ConfirmSuggestionBody') } } },
  },
  responses: { 201: json(Event, 'The event created.'), 200: json(Event, 'Already confirmed: its event.'), ...queuedResponse, ...errorResponses },
}), async (c) => {
  // The body is optional: with none, the suggestion is confirmed as it stands.
  const parsed = S.ConfirmSuggestion.safeParse(c.get('body') ?? {});
  if (!parsed.success) throw ApiError.validation(fieldErrors(parsed.error));
  const { event, created } = await confirmSuggestion(c.get('db'), c.get('inbox'), c.req.valid('param').message_id, parsed.data, c.get('now'));
  return c.json(event, created ? 201 : 200);
});

mailRouter.openapi(createRoute({
  method: 'delete', path: suggestionPathDoc, tags: ['Messages'], summary: 'Dismiss a suggested event',
  description: 'It leaves the agenda and is never suggested again. Dismissing twice is fine; a confirmed suggestion is a 409.',
  middleware: [requireScope('calendar:write')],
  request: { params: S.MessageParams, query: S.InboxQuery },
  responses: { 204: { description: 'Dismissed.' }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  await dismissSuggestion(c.get('db'), c.get('inbox'), c.req.valid('param').message_id);
  return c.body(null, 204);
});
