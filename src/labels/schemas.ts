import { z } from '@hono/zod-openapi';
import { Color, PagedInboxQuery } from '../http/fields';

export const LABEL_TYPES = ['contact', 'calendar', 'message', 'any'] as const;
export type LabelType = (typeof LABEL_TYPES)[number];
export const ENTITY_TYPES = ['contact', 'event'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

const name = z.string().trim().min(1, 'must be 1–100 characters').max(100, 'must be 1–100 characters').openapi({ example: 'Investors' });
const labelType = z.enum(LABEL_TYPES).openapi({ description: 'Which entities it may hold: `contact`, `calendar` (events), `message`, or `any`.' });

/** Body of POST /v1/context/ (the route adds the documented `inbox_id`). */
export const CreateLabel = z.object({
  name,
  label_type: labelType,
  color: Color.optional(),
}).openapi({ example: { name: 'Investors', label_type: 'contact', color: '#1e90ff' } });
export type CreateLabelInput = z.infer<typeof CreateLabel>;

/** Body of PATCH /v1/context/{label_id}/ (the route applies the PATCH rule). */
export const PatchLabel = z.object({
  name: name.optional(),
  label_type: labelType.optional(),
  color: Color.optional(),
}).openapi({
  description: 'At least one field. A `label_type` change that would leave an associated entity of the wrong kind is a 409.',
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

export const LabelListQuery = PagedInboxQuery.extend({
  label_type: labelType.optional(),
});

export const LabelParams = z.object({
  label_id: z.string().min(1).openapi({ param: { name: 'label_id', in: 'path' }, example: 'lbl_01j2x4…' }),
});
export const EntityParams = LabelParams.extend({
  entity_type: z.enum(ENTITY_TYPES).openapi({ param: { name: 'entity_type', in: 'path' } }),
  entity_id: z.string().min(1).openapi({ param: { name: 'entity_id', in: 'path' } }),
});

/** Body of POST /v1/context/{label_id}/entities/ (the route adds the documented `inbox_id`). */
export const Associate = z.object({
  entity_type: z.enum(ENTITY_TYPES),
  entity_id: z.string().min(1).max(200),
}).openapi({ example: { entity_type: 'contact', entity_id: 'ctc_01j2x4…' } });
