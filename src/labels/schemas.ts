import { z } from '@hono/zod-openapi';
import { PageQuery } from '../http/pagination';

export const LABEL_TYPES = ['contact', 'calendar', 'message', 'any'] as const;
export type LabelType = (typeof LABEL_TYPES)[number];
export const ENTITY_TYPES = ['contact', 'event'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

// Postgres text cannot hold U+0000: refuse it up front (a 400, or a 404 in a path) instead of a 500.
const NO_NUL = /^[^\u0000]*$/;
const noNul = 'must not contain NUL characters';

const inboxId = z.string().optional().openapi({ description: 'Session tokens: the inbox (id or address).' });
const name = z.string().trim().min(1, 'must be 1–100 characters').max(100, 'must be 1–100 characters').regex(NO_NUL, noNul).openapi({ example: 'Investors' });
const labelType = z.enum(LABEL_TYPES).openapi({ description: 'Which entities it may hold: `contact`, `calendar` (events), `message`, or `any`.' });
// A hex colour (`#1e90ff`, `#fff`) or a CSS colour name (`teal`).
const color = z.string().trim().regex(/^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{1,32})$/, 'must be #rgb, #rrggbb or a colour name')
  .nullable().openapi({ example: '#1e90ff' });

export const CreateLabel = z.object({
  inbox_id: inboxId,
  name,
  label_type: labelType,
  color: color.optional(),
}).openapi('CreateLabel', { example: { name: 'Investors', label_type: 'contact', color: '#1e90ff' } });
export type CreateLabelInput = z.infer<typeof CreateLabel>;

export const PatchLabel = z.object({
  inbox_id: inboxId,
  name: name.optional(),
  label_type: labelType.optional(),
  color: color.optional().openapi({ description: '`null` clears.' }),
}).openapi('PatchLabel', {
  description: 'A `label_type` change that would leave an associated entity of the wrong kind is a 409.',
  example: { color: '#ff8800' },
});
export type PatchLabelInput = z.infer<typeof PatchLabel>;

export const Label = z.object({
  label_id: z.string().openapi({ example: 'lbl_01j2x4…' }),
  name: z.string(),
  label_type: labelType,
  color: z.string().nullable(),
  created_at: z.string().openapi({ example: '2024-06-01T14:00:00Z' }),
}).openapi('Label');

export const LabelEntity = z.object({
  entity_type: z.enum(ENTITY_TYPES),
  entity_id: z.string(),
  title: z.string().openapi({ description: 'The contact\'s full name or the event\'s title.' }),
}).openapi('LabelEntity');

export const LabelDetail = Label.extend({
  entities: z.object({ results: z.array(LabelEntity), total: z.number().int(), position: z.number().int(), limit: z.number().int() }),
}).openapi('LabelDetail');

export const LabelListQuery = PageQuery.extend({
  label_type: labelType.optional(),
  inbox_id: inboxId,
});
export const LabelQuery = PageQuery.extend({ inbox_id: inboxId });
export const InboxQuery = z.object({ inbox_id: inboxId });

export const LabelParams = z.object({
  label_id: z.string().min(1).regex(NO_NUL, noNul).openapi({ param: { name: 'label_id', in: 'path' }, example: 'lbl_01j2x4…' }),
});
export const EntityParams = LabelParams.extend({
  entity_type: z.enum(ENTITY_TYPES).openapi({ param: { name: 'entity_type', in: 'path' } }),
  entity_id: z.string().min(1).regex(NO_NUL, noNul).openapi({ param: { name: 'entity_id', in: 'path' } }),
});

export const Associate = z.object({
  inbox_id: inboxId,
  entity_type: z.enum(ENTITY_TYPES),
  entity_id: z.string().min(1).max(200).regex(NO_NUL, noNul),
}).openapi('AssociateEntity', { example: { entity_type: 'contact', entity_id: 'ctc_01j2x4…' } });
