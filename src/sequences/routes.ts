import { createRoute } from '@hono/zod-openapi';
import { newRouter } from '../http/router';
import { requireScope } from '../http/auth';
import { errorResponses, IdempotencyHeader, queuedResponse, json, body } from '../http/openapi';
import { pageEnvelope, pageOf, pageSchema } from '../http/pagination';
import { InboxQuery, PagedInboxQuery, patchBody, withInbox } from '../http/fields';
import * as S from './schemas';
import * as svc from './service';

export const sequencesRouter = newRouter();

const TAGS = ['Sequences'];

// Enrollment paths first: `/v1/sequences/enrollments/` must not be read as a sequence id.

sequencesRouter.openapi(createRoute({
  method: 'post', path: '/v1/sequences/enrollments/', tags: TAGS, summary: 'Enroll a contact in a sequence',
  description: 'The emails go to the contact\'s first address, by the minute scan: email 1 `delay_days` after enrollment, each later one `delay_days` after the previous (calendar days in the inbox zone, at the local time of enrollment), replying in the first one\'s thread. A contact without an email address is a 400; a contact already active in the sequence is a 409. The enrollment keeps the emails as they are now: a later PATCH of the sequence does not change it.',
  middleware: [requireScope('sequences:write')],
  request: { headers: IdempotencyHeader, ...body(withInbox(S.Enroll, 'Enroll')) },
  responses: { 201: json(S.Enrollment, 'Enrolled.'), ...queuedResponse, ...errorResponses },
}), async (c) => c.json(await svc.enroll(c.get('db'), c.get('inbox'), c.req.valid('json'), c.get('now')), 201));

sequencesRouter.openapi(createRoute({
  method: 'get', path: '/v1/sequences/enrollments/', tags: TAGS, summary: 'List enrollments',
  description: 'Oldest first; filtered by `sequence_id`, `contact_id` and `status`.',
  middleware: [requireScope('sequences:read')],
  request: { query: S.ListEnrollmentsQuery },
  responses: { 200: json(pageSchema(S.Enrollment), 'A page of enrollments.'), ...errorResponses },
}), async (c) => {
  const q = c.req.valid('query');
  const page = pageOf(q);
  const { results, total } = await svc.listEnrollments(c.get('db'), c.get('inbox'), { sequenceId: q.sequence_id, contactId: q.contact_id, status: q.status }, page);
  return c.json(pageEnvelope(results, total, page), 200);
});

sequencesRouter.openapi(createRoute({
  method: 'get', path: '/v1/sequences/enrollments/{id}/', tags: TAGS, summary: 'Get an enrollment',
  description: 'One enrollment with its status and `next_email_at`. An unknown or another inbox\'s id is a 404.',
  middleware: [requireScope('sequences:read')],
  request: { params: S.EnrollmentParams, query: InboxQuery },
  responses: { 200: json(S.Enrollment, 'The enrollment.'), ...errorResponses },
}), async (c) => c.json(await svc.getEnrollment(c.get('db'), c.get('inbox'), c.req.valid('param').id), 200));

sequencesRouter.openapi(createRoute({
  method: 'patch', path: '/v1/sequences/enrollments/{id}/', tags: TAGS, summary: 'Cancel an enrollment',
  description: '`{ "action": "cancel" }`: no more emails; `status` becomes `cancelled` and `next_email_at` null. An enrollment that already ended is answered as it is.',
  middleware: [requireScope('sequences:write')],
  request: { params: S.EnrollmentParams, ...body(patchBody(S.PatchEnrollment, 'PatchEnrollment')) },
  responses: { 200: json(S.Enrollment, 'The enrollment after the change.'), ...queuedResponse, ...errorResponses },
}), async (c) => c.json(await svc.cancelEnrollment(c.get('db'), c.get('inbox'), c.req.valid('param').id, c.get('now')), 200));

sequencesRouter.openapi(createRoute({
  method: 'post', path: '/v1/sequences/', tags: TAGS, summary: 'Create a sequence',
  description: '1–10 emails, each `delay_days` (0–365) after the previous. Later emails reply in the first one\'s thread with the subject `Re: <first subject>`. `exit_on_reply` (default true): a reply from the contact in that thread ends the enrollment.',
  middleware: [requireScope('sequences:write')],
  request: { headers: IdempotencyHeader, ...body(withInbox(S.CreateSequence, 'CreateSequence')) },
  responses: { 201: json(S.Sequence, 'Created.'), ...queuedResponse, ...errorResponses },
}), async (c) => {
  const created = await svc.createSequence(c.get('db'), c.get('inbox'), c.req.valid('json'), c.get('now'));
  c.header('Location', `/v1/sequences/${created.sequence_id}/`);
  return c.json(created, 201);
});

sequencesRouter.openapi(createRoute({
  method: 'get', path: '/v1/sequences/', tags: TAGS, summary: 'List sequences',
  description: 'Oldest first.',
  middleware: [requireScope('sequences:read')],
  request: { query: PagedInboxQuery },
  responses: { 200: json(pageSchema(S.Sequence), 'A page of sequences.'), ...errorResponses },
}), async (c) => {
  const page = pageOf(c.req.valid('query'));
  const { results, total } = await svc.listSequences(c.get('db'), c.get('inbox'), page);
  return c.json(pageEnvelope(results, total, page), 200);
});

sequencesRouter.openapi(createRoute({
  method: 'get', path: '/v1/sequences/{id}/', tags: TAGS, summary: 'Get a sequence',
  description: 'The sequence with its emails. An unknown or another inbox\'s id is a 404.',
  middleware: [requireScope('sequences:read')],
  request: { params: S.SequenceParams, query: InboxQuery },
  responses: { 200: json(S.Sequence, 'The sequence.'), ...errorResponses },
}), async (c) => c.json(await svc.getSequence(c.get('db'), c.get('inbox'), c.req.valid('param').id), 200));

sequencesRouter.openapi(createRoute({
  method: 'patch', path: '/v1/sequences/{id}/', tags: TAGS, summary: 'Change a sequence',
  description: 'At least one field; `emails` replaces the list. Enrollments already running keep the emails they began with.',
  middleware: [requireScope('sequences:write')],
  request: { params: S.SequenceParams, ...body(patchBody(S.PatchSequence, 'PatchSequence')) },
  responses: { 200: json(S.Sequence, 'The sequence after the change.'), ...queuedResponse, ...errorResponses },
}), async (c) => c.json(await svc.updateSequence(c.get('db'), c.get('inbox'), c.req.valid('param').id, c.req.valid('json'), c.get('now')), 200));

sequencesRouter.openapi(createRoute({
  method: 'delete', path: '/v1/sequences/{id}/', tags: TAGS, summary: 'Delete a sequence',
  description: 'Cancels its active enrollments (they stay listed, `cancelled`).',
  middleware: [requireScope('sequences:write')],
  request: { params: S.SequenceParams, query: InboxQuery },
  responses: { 204: { description: 'Deleted.' }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  await svc.deleteSequence(c.get('db'), c.get('inbox'), c.req.valid('param').id, c.get('now'));
  return c.body(null, 204);
});
