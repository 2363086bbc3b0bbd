import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { newRouter } from '../http/router';
import { requireScope } from '../http/auth';
import { errorResponses, queuedResponse, json, body } from '../http/openapi';
import { checkIfMatch, withEtag } from '../http/etag';
import type { AppEnv } from '../http/context';
import { InboxQuery, patchBody, withInbox } from '../http/fields';
import * as S from './schemas';
import * as svc from './service';

export const tasksRouter = newRouter();

const etagHeader = { ETag: { schema: { type: 'string' as const }, description: 'Send it back in If-Match to change only this version.' } };
const ifMatch = z.object({ 'if-match': z.string().optional().openapi({ description: 'Change only if the task still has this ETag (else 412).' }) });

/** If-Match is checked against the locked current row inside the service verb. */
function preconditionOf(c: Context<AppEnv>): svc.Precondition | undefined {
  return c.req.header('if-match') ? (current) => checkIfMatch(c, current) : undefined;
}

tasksRouter.openapi(createRoute({
  method: 'get', path: '/v1/tasks/', tags: ['Tasks'], summary: 'List tasks',
  description: 'Open tasks (with `include_completed=true` also completed ones), ordered by due date (undated last), then creation. Not paged: `{ count, results }`.',
  middleware: [requireScope('task:read')],
  request: { query: S.ListTasksQuery },
  responses: { 200: json(S.TaskList, 'Tasks.'), ...errorResponses },
}), async (c) => {
  const q = c.req.valid('query');
  return c.json(await svc.listTasks(c.get('db'), c.get('inbox'), { includeCompleted: q.include_completed === 'true', dueBefore: q.due_before }), 200);
});

tasksRouter.openapi(createRoute({
  method: 'post', path: '/v1/tasks/', tags: ['Tasks'], summary: 'Create a task',
  description: 'The task lives in the inbox\'s Tasks calendar. `categories`: at most 50, each 1–100 characters; duplicates are dropped.',
  middleware: [requireScope('task:write')],
  request: body(withInbox(S.CreateTask, 'CreateTask')),
  responses: { 201: { ...json(S.Task, 'Created.'), headers: etagHeader }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  const task = await svc.createTask(c.get('db'), c.get('inbox'), c.req.valid('json'), c.get('now'));
  return c.json(await withEtag(c, task), 201);
});

tasksRouter.openapi(createRoute({
  method: 'get', path: '/v1/tasks/{uid}/', tags: ['Tasks'], summary: 'Get a task',
  description: 'The task with its ETag. An unknown or another inbox\'s uid is a 404.',
  middleware: [requireScope('task:read')],
  request: { params: S.TaskParams, query: InboxQuery },
  responses: { 200: { ...json(S.Task, 'The task.'), headers: etagHeader }, ...errorResponses },
}), async (c) => {
  const task = await svc.getTask(c.get('db'), c.get('inbox'), c.req.valid('param').uid);
  return c.json(await withEtag(c, task), 200);
});

tasksRouter.openapi(createRoute({
  method: 'patch', path: '/v1/tasks/{uid}/', tags: ['Tasks'], summary: 'Change, complete or reopen a task',
  description: 'At least one field. `due_date: null` and `description: null` clear; `completed: true` sets status COMPLETED and stamps `completed` (completing again keeps the first stamp); `false` reopens (NEEDS-ACTION, `completed` null).',
  middleware: [requireScope('task:write')],
  request: { params: S.TaskParams, headers: ifMatch, ...body(patchBody(S.PatchTask, 'PatchTask')) },
  responses: { 200: { ...json(S.Task, 'The task after the change.'), headers: etagHeader }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  const task = await svc.updateTask(c.get('db'), c.get('inbox'), c.req.valid('param').uid, c.req.valid('json'), c.get('now'), preconditionOf(c));
  return c.json(await withEtag(c, task), 200);
});

tasksRouter.openapi(createRoute({
  method: 'delete', path: '/v1/tasks/{uid}/', tags: ['Tasks'], summary: 'Delete a task',
  description: 'Honours If-Match (412). An unknown or another inbox\'s uid is a 404.',
  middleware: [requireScope('task:write')],
  request: { params: S.TaskParams, query: InboxQuery, headers: ifMatch },
  responses: { 204: { description: 'Deleted.' }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  await svc.deleteTask(c.get('db'), c.get('inbox'), c.req.valid('param').uid, preconditionOf(c));
  return c.body(null, 204);
});
