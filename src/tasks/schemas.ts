import { z } from '@hono/zod-openapi';
import { parseDate } from '../time/zones';
import { InboxQuery } from '../http/fields';
import { booleanParam } from '../http/openapi';

/** `YYYY-MM-DD` naming a real calendar date (2027-02-29 is refused). */
export const DateOnly = z.string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => parseDate(s) !== null, 'must be a real calendar date');

export const MAX_SUMMARY = 500;
export const MAX_DESCRIPTION = 10_000;
export const MAX_CATEGORIES = 50;
export const MAX_CATEGORY = 100;

const summary = z.string().trim().min(1, 'must not be empty').max(MAX_SUMMARY, `at most ${MAX_SUMMARY} characters`);
const description = z.string().max(MAX_DESCRIPTION, `at most ${MAX_DESCRIPTION} characters`);
const categories = z.array(
  z.string().trim().min(1, 'must not be empty').max(MAX_CATEGORY, `at most ${MAX_CATEGORY} characters`),
).max(MAX_CATEGORIES, `at most ${MAX_CATEGORIES} categories`);

export const Task = z.object({
  uid: z.string().openapi({ description: 'The task id (`tsk_…`), also its iCalendar UID.', example: 'tsk_01jd5x7k3m0000000000000000' }),
  summary: z.string().openapi({ example: 'Send the signed contract' }),
  status: z.enum(['NEEDS-ACTION', 'COMPLETED']),
  due_date: z.string().nullable().openapi({ example: '2026-06-03' }),
  description: z.string().nullable(),
  categories: z.array(z.string()).openapi({ example: ['work'] }),
  created: z.string().openapi({ description: 'iCalendar basic UTC format.', example: '20260528T100000Z' }),
  completed: z.string().nullable().openapi({ description: 'iCalendar basic UTC format; null while open.', example: null }),
  calendar_id: z.string().openapi({ description: 'The inbox\'s Tasks calendar.' }),
}).openapi('Task');

export const TaskList = z.object({ count: z.number().int(), results: z.array(Task) }).openapi('TaskList');

/** Body of POST /v1/tasks/ (the route adds the documented `inbox_id`). */
export const CreateTask = z.object({
  summary,
  description: description.nullish(),
  due_date: DateOnly.nullish(),
  categories: categories.optional(),
}).openapi({
  example: { summary: 'Send the signed contract', due_date: '2026-06-03', description: 'PDF from legal', categories: ['work'] },
});

/** Body of PATCH /v1/tasks/{uid}/ (the route applies the PATCH rule: at least one field). */
export const PatchTask = z.object({
  summary: summary.optional(),
  description: description.nullable().optional().openapi({ description: '`null` clears it.' }),
  due_date: DateOnly.nullable().optional().openapi({ description: '`null` clears it.' }),
  categories: categories.optional().openapi({ description: 'Replaces the list.' }),
  completed: z.boolean().optional().openapi({ description: '`true` completes (status COMPLETED, `completed` stamped); `false` reopens.' }),
}).openapi({ example: { completed: true } });

const bool = z.enum(['true', 'false'], { message: 'must be true or false' });

export const ListTasksQuery = InboxQuery.extend({
  include_completed: bool.optional().openapi(booleanParam({ description: 'Also list completed tasks (default false).', example: false })),
  due_before: DateOnly.optional().openapi({ description: 'Only tasks due strictly before this date (undated tasks are left out).', example: '2026-06-10' }),
});

export const TaskParams = z.object({ uid: z.string().min(1).openapi({ param: { name: 'uid', in: 'path' }, example: 'tsk_01jd5x7k3m0000000000000000' }) });

export type CreateTaskInput = z.infer<typeof CreateTask>;
export type PatchTaskInput = z.infer<typeof PatchTask>;
