import { z } from '@hono/zod-openapi';

export const Approval = z.object({
  approval_id: z.string().openapi({ example: 'apr_01jd5x7k3m0000000000000000' }),
  inbox_id: z.string(),
  action_type: z.string().openapi({ description: 'The scope of the held call.', example: 'contacts:delete' }),
  token_label: z.string(),
  summary: z.string().openapi({ example: 'crm-agent asks to DELETE /v1/contacts/ctc_01jd…/' }),
  status: z.enum(['pending', 'approved', 'rejected', 'expired']),
  queued_at: z.string(),
  expires_at: z.string(),
  decided_at: z.string().nullable(),
  result_status: z.number().int().nullable().openapi({ description: 'HTTP status the held call answered when it was executed.' }),
}).openapi('Approval');


export const ApprovalParams = z.object({ approval_id: z.string().openapi({ param: { name: 'approval_id', in: 'path' } }) });
