/**
 * The alert webhooks as OpenAPI 3.1 `webhooks`: one entry per event type a webhook can carry,
 * its body the firing envelope (payload.ts `webhookBody`) around that type's `data` schema
 * (payload.ts, the same schemas every firing is checked by), its headers the Standard Webhooks
 * signature (signing.ts), its example the catalogue's (catalogue.ts). Documentation only.
 */
import { z, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { ZodObject } from 'zod';
import { ANNIVERSARY_TYPE_RE, EVENT_TYPES, type EventTypeInfo } from './catalogue';
import { dataSchemaOf } from './payload';

const WEBHOOK_TIMEOUT_S = 10;

/** The component name of each family's `data` schema (types of one family share one). */
const DATA_NAMES: Record<string, string> = {
  'contact.{type}': 'AnniversaryFiringData',
  'contact.share_received': 'ShareFiringData',
  'event.created': 'EventReminderFiringData',
  'event.updated': 'EventReminderFiringData',
  'event.cancelled': 'EventCancelledFiringData',
  'message.received': 'MessageFiringData',
  'message.sent': 'MessageFiringData',
  'work_route.completed': 'WorkRouteFiringData',
};

const SignatureHeaders = z.object({
  'webhook-id': z.string().openapi({ description: 'The firing id, the same on every retry of this firing: deduplicate by it.', example: 'msg_01jd5x7k3m0000000000000000' }),
  'webhook-timestamp': z.string().regex(/^\d{1,12}$/).openapi({ description: 'When this attempt was signed, in Unix seconds.', example: '1741944600' }),
  'webhook-signature': z.string().regex(/^v1,[A-Za-z0-9+/]+={0,2}$/).openapi({
    description: '`v1,` + base64 of HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the base64-decoded alert `secret` after `whsec_` (Standard Webhooks). Reject a timestamp far from now.',
    example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  }),
});

/** `contact.<anniversary type>` fires typed by the anniversary: `contact.birthday`, `contact.wedding`, … */
const firingType = (info: EventTypeInfo) => (info.type === 'contact.{type}'
  ? z.string().regex(new RegExp(`^contact\\.${ANNIVERSARY_TYPE_RE.source.slice(1, -1)}$`)).openapi({ description: '`contact.` + the anniversary type.', example: 'contact.birthday' })
  : z.literal(info.type));

/** The key under `webhooks`: the type, or `contact.<type>` for the anniversary family. */
const webhookName = (info: EventTypeInfo) => (info.type === 'contact.{type}' ? 'contact.<type>' : info.type);

const sampleType = (info: EventTypeInfo) => (info.type === 'contact.{type}' ? 'contact.birthday' : info.type);

function webhookOf(info: EventTypeInfo, named: Map<string, z.ZodTypeAny>): RouteConfig {
  const dataName = DATA_NAMES[info.type] ?? `${info.type}FiringData`;
  let data = named.get(dataName);
  if (!data) {
    const schema = dataSchemaOf(sampleType(info)) as ZodObject | null;
    if (!schema) throw new Error(`no payload schema for ${info.type}`);
    data = schema.extend({
      test: z.literal(true).optional().openapi({ description: 'Only on a sample firing (POST /v1/alerts/{alert_id}/test/).' }),
    }).openapi(dataName);
    named.set(dataName, data);
  }
  const type = sampleType(info);
  return {
    method: 'post',
    path: webhookName(info),
    operationId: `${type.replace(/[._]([a-z])/g, (_, ch: string) => ch.toUpperCase())}Webhook`,
    tags: ['Alerts'],
    summary: `${info.type} firing`,
    description: [
      info.description,
      `POSTed to a webhook alert's \`target\`, signed per Standard Webhooks. Any 2xx within ${WEBHOOK_TIMEOUT_S} s is delivered; 410 Gone fails the delivery and disables the alert; any other answer, or none in time, is retried per the alert's \`retries\` and \`backoff\` (the same \`id\` every time: delivery is at least once). Redirects are not followed.`,
    ].join('\n\n'),
    request: {
      headers: SignatureHeaders,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({
              id: z.string().openapi({ description: 'The firing id (= `webhook-id`), stable across retries.', example: 'msg_01jd5x7k3m0000000000000000' }),
              type: firingType(info),
              inbox_id: z.string().openapi({ example: 'inb_01jd5x7k3m0000000000000000' }),
              alert_id: z.string().openapi({ example: 'alr_01jd5x7k3m0000000000000000' }),
              scheduled_for: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/).openapi({ description: 'When the firing was due (UTC).', example: '2025-03-12T09:00:00Z' }),
              data,
            }),
            example: {
              id: 'msg_01jd5x7k3m0000000000000000', type, inbox_id: 'inb_01jd5x7k3m0000000000000000', alert_id: 'alr_01jd5x7k3m0000000000000000',
              scheduled_for: '2025-03-12T09:00:00Z', data: info.example,
            },
          },
        },
      },
    },
    responses: {
      '2XX': { description: 'Delivered: the firing is not sent again (unless redelivered).' },
      410: { description: 'Gone: the delivery fails and the alert is disabled.' },
      default: { description: `Any other status, or no answer within ${WEBHOOK_TIMEOUT_S} s: retried per \`retries\` / \`backoff\`, then failed.` },
    },
  };
}

/** Registers one webhook per event type a firing can carry (`contact.any` fires as `contact.<type>`). */
export function registerAlertWebhooks(app: Pick<OpenAPIHono, 'openAPIRegistry'>): void {
  const named = new Map<string, z.ZodTypeAny>();
  for (const info of EVENT_TYPES) {
    if (info.type !== 'contact.any') app.openAPIRegistry.registerWebhook(webhookOf(info, named));
  }
}
