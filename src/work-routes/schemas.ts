import { z } from '@hono/zod-openapi';
import { EmailAddress, PagedInboxQuery } from '../http/fields';

export const REQUEST_TYPES = ['approval', 'acknowledgement', 'text_response'] as const;
export const ROUTING_MODES = ['parallel', 'ordered'] as const;
export const ROUTE_STATUSES = ['draft', 'active', 'completed', 'rejected', 'cancelled'] as const;
export const RECIPIENT_STATUSES = ['queued', 'waiting', 'approved', 'rejected', 'changes_requested', 'acknowledged', 'responded'] as const;
export const DECISIONS = ['approve', 'reject', 'request_changes', 'acknowledge', 'respond'] as const;
export type Decision = (typeof DECISIONS)[number];

/** The decisions each request type takes. */
export const DECISIONS_BY_TYPE: Record<(typeof REQUEST_TYPES)[number], readonly Decision[]> = {
  approval: ['approve', 'reject', 'request_changes'],
  acknowledgement: ['acknowledge'],
  text_response: ['respond'],
};

const MAX_RECIPIENTS = 20;
const oneLine = (s: string) => !/[\r\n]/.test(s);
const id = z.string().min(1).max(100);
const phrase = z.string().trim().min(1).max(100);
const phrases = z.array(phrase).max(20).optional();

const Recipient = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('contact'), contact_id: id }),
  z.object({ kind: z.literal('email'), email: EmailAddress.transform((s) => s.toLowerCase()) }),
  z.object({ kind: z.literal('inbox'), inbox_id: id.openapi({ description: 'An inbox of the same tenant: it sees the route and answers through the API.' }) }),
]);

export const CreateRoute = z.object({
  title: z.string().trim().min(1, 'must not be empty').max(300).refine(oneLine, 'must be one line'),
  description: z.string().max(20_000).nullish(),
  request_type: z.enum(REQUEST_TYPES),
  routing_mode: z.enum(ROUTING_MODES),
  due_at: z.string().min(1).max(200).nullish()
    .openapi({ description: 'When answers are due, as event starts are written (ISO 8601, or natural language such as `friday 5pm` in the inbox zone): recipients still waiting then get one reminder mail.', example: '2026-06-05T17:00:00Z' }),
  start: z.boolean().default(true).openapi({ description: 'Start at once (default): the request mails go out. `false` keeps a draft until `POST …/start/`.' }),
  recipients: z.array(Recipient).min(1, 'at least one recipient').max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients`),
  response_detection: z.object({
    phrases: z.object({ approve: phrases, reject: phrases, request_changes: phrases }).optional(),
  }).optional().openapi({ description: 'Phrases a reply\'s first line starts with, per decision (case-insensitive); a category given replaces its defaults.' }),
  source: z.object({ type: z.literal('email'), message_id: id }).optional()
    .openapi({ description: 'The message the request is about (a message of this inbox).' }),
}).openapi({
  example: {
    title: 'Approve the Q3 budget', description: 'The sheet is attached to the thread.', request_type: 'approval', routing_mode: 'ordered',
    due_at: '2026-06-05T17:00:00Z', start: true,
    recipients: [{ kind: 'email', email: 'cfo@example.com' }, { kind: 'contact', contact_id: 'ctc_01jd5x7k3m0000000000000000' }],
  },
});
export type CreateRouteInput = z.infer<typeof CreateRoute>;

export const RespondToRoute = z.object({
  recipient_id: id,
  decision: z.enum(DECISIONS).openapi({ description: '`approve`, `reject`, `request_changes` (approval), `acknowledge` (acknowledgement), `respond` (text_response).' }),
  text: z.string().max(20_000).optional(),
}).openapi({ example: { recipient_id: 'rcp_01jd5x7k3m0000000000000000', decision: 'approve', text: 'Looks good.' } });
export type RespondInput = z.infer<typeof RespondToRoute>;

export const RouteRecipient = z.object({
  recipient_id: z.string(),
  kind: z.enum(['contact', 'email', 'inbox']),
  email: z.string(),
  contact_id: z.string().nullable(),
  inbox_id: z.string().nullable(),
  status: z.enum(RECIPIENT_STATUSES),
  responded_at: z.string().nullable(),
  response_text: z.string().nullable(),
});

export const Route = z.object({
  route_id: z.string().openapi({ example: 'rte_01jd5x7k3m0000000000000000' }),
  title: z.string(),
  description: z.string().nullable(),
  request_type: z.enum(REQUEST_TYPES),
  routing_mode: z.enum(ROUTING_MODES),
  status: z.enum(ROUTE_STATUSES),
  due_at: z.string().nullable(),
  recipients: z.array(RouteRecipient),
  waiting_on: z.number().int().openapi({ description: 'Recipients whose answer is awaited now (an ordered route: at most 1).' }),
  completed_recipients: z.number().int(),
  total_recipients: z.number().int(),
  source: z.object({ type: z.literal('email'), message_id: z.string() }).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('WorkRoute');

export const RouteParams = z.object({ id });

export const ListRoutesQuery = PagedInboxQuery.extend({
  status: z.enum(ROUTE_STATUSES).optional(),
  role: z.enum(['creator', 'recipient']).optional().openapi({ description: 'Routes this inbox created, or is a recipient of (default: both).' }),
});

export const RouteReference = z.object({
  version: z.string(),
  resource: z.literal('work_routes'),
  request_types: z.array(z.string()),
  routing_modes: z.array(z.string()),
  statuses: z.array(z.string()),
  recipient_statuses: z.array(z.string()),
  decisions: z.record(z.string(), z.array(z.string())),
  default_phrases: z.record(z.string(), z.array(z.string())),
});
