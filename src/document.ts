/**
 * The OpenAPI document served at /openapi.json: the registry's routes and webhooks, generated
 * once per isolate and finished by src/http/openapi.ts with what every route shares; each
 * answer adds only `servers` (the origin it was asked on).
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './http/context';
import { finishDocument, type Document, type DocumentFacts } from './http/openapi';
import { rawBodyRoutes } from './routers';

/** Where `deriveOperationId` reads badly, or a domain verb says it better. */
const OPERATION_IDS: Record<string, string> = {
  'POST /v1/admin/tenants/': 'createTenant',
  'POST /auth/login/': 'login',
  'POST /auth/refresh/': 'refreshSession',
  'POST /auth/logout/': 'logout',
  'GET /v1/inboxes/{inbox_id}/settings/': 'getInboxSettings',
  'PATCH /v1/inboxes/{inbox_id}/settings/': 'updateInboxSettings',
  'DELETE /v1/tokens/{token_id}/': 'revokeToken',
  'GET /v1/utils/time/': 'parseTime',
  'GET /v1/utils/duration/': 'parseDuration',
  'GET /v1/calendar/collections/': 'listCalendars',
  'POST /v1/calendar/collections/': 'createCalendar',
  'GET /v1/calendar/collections/{id}/': 'getCalendar',
  'PATCH /v1/calendar/collections/{id}/': 'updateCalendar',
  'DELETE /v1/calendar/collections/{id}/': 'deleteCalendar',
  'POST /v1/calendar/collections/{id}/feed/rotate/': 'rotateCalendarFeed',
  'GET /v1/calendar/collections/{id}/feed.ics/': 'getCalendarFeed',
  'POST /v1/calendar/events/import/': 'importCalendarEvents',
  'POST /v1/calendar/events/{event_id}/labels/': 'addCalendarEventLabel',
  'DELETE /v1/calendar/events/{event_id}/labels/{label_id}/': 'removeCalendarEventLabel',
  'GET /v1/contacts/export.vcf/': 'exportContacts',
  'POST /v1/contacts/import/': 'importContacts',
  'GET /v1/context/': 'listContextLabels',
  'POST /v1/context/': 'createContextLabel',
  'GET /v1/context/{label_id}/': 'getContextLabel',
  'PATCH /v1/context/{label_id}/': 'updateContextLabel',
  'DELETE /v1/context/{label_id}/': 'deleteContextLabel',
  'POST /v1/context/{label_id}/entities/': 'addContextLabelEntity',
  'DELETE /v1/context/{label_id}/entities/{entity_type}/{entity_id}/': 'removeContextLabelEntity',
  'GET /v1/agenda/': 'getAgenda',
  'GET /v1/events/reference/': 'getEventReference',
  'POST /v1/messages/': 'sendMessage',
  'POST /v1/messages/import/': 'importMessage',
  'GET /v1/messages/threads/': 'listThreads',
  'GET /v1/messages/threads/{thread_id}/': 'getThread',
  'GET /v1/messages/{message_id}/suggested-events/': 'getSuggestedEvent',
  'POST /v1/messages/{message_id}/suggested-events/': 'confirmSuggestedEvent',
  'DELETE /v1/messages/{message_id}/suggested-events/': 'dismissSuggestedEvent',
  'POST /v1/sequences/enrollments/': 'enrollContact',
  'GET /v1/sequences/enrollments/': 'listEnrollments',
  'GET /v1/sequences/enrollments/{id}/': 'getEnrollment',
  'PATCH /v1/sequences/enrollments/{id}/': 'updateEnrollment',
  'GET /v1/work-routes/reference/': 'getWorkRouteReference',
  'POST /v1/work-routes/{id}/responses/': 'respondToWorkRoute',
  'GET /v1/files/reference/': 'getFileReference',
  'GET /v1/file-links/{token}/': 'downloadLinkedFile',
  'PUT /v1/files/{id}/content/': 'uploadFileContent',
  'GET /v1/files/{id}/content/': 'downloadFileContent',
  'POST /v1/files/{id}/rows/': 'appendFileRows',
  'POST /v1/files/{id}/link/': 'createFileLink',
};

const FACTS: DocumentFacts = {
  operationIds: OPERATION_IDS,
  // The hold needs a scope: these routes take only a session or the admin token, or run with
  // `requireScope(null)`, so no call to them is ever held (test/openapi-conformance.test.ts
  // holds every other one).
  neverHeld: [/^\/auth\//, /^\/v1\/admin\//, /^\/v1\/inboxes\/$/, /^\/v1\/tokens\//, /^\/v1\/utils\//],
  rawBodies: rawBodyRoutes,
};

const TAGS = [
  { name: 'Accounts', description: 'Tenants, sign-in, inboxes and their settings, agent tokens.' },
  { name: 'Approvals', description: 'Calls held for approval: a token whose `requires_approval` lists a route\'s scope gets 202 `{ queued, approval_id }`; approving replays the call exactly.' },
  { name: 'Utils', description: 'Time and duration parsing, as every time field reads its input.' },
  { name: 'Contacts', description: 'Contacts with emails, phones and anniversaries; shares between inboxes.' },
  { name: 'Context labels', description: 'Labels that group contacts and events.' },
  { name: 'Calendar', description: 'Calendars, events, recurring series and their occurrences.' },
  { name: 'Tasks', description: 'Tasks in the inbox\'s Tasks calendar.' },
  { name: 'Agenda', description: 'Everything actionable in one window.' },
  { name: 'Alerts', description: 'Event notifications by signed webhook or as tasks; the webhooks are described under `webhooks`.' },
  { name: 'Messages', description: 'Mail: sending, importing history, threads, missed replies and suggested events.' },
  { name: 'Sequences', description: 'Timed email sequences a contact is enrolled in.' },
  { name: 'Work routes', description: 'Requests routed through recipients for approval, acknowledgement or an answer.' },
  { name: 'Files', description: 'Versioned files, spreadsheets and signed download links.' },
];

const INFO = {
  title: 'Agent Inbox Records API',
  version: '1.0.0',
  description: [
    'Contacts, calendars, tasks, agenda and alerts of an AI agent\'s inbox. Every path also answers without its trailing slash. Errors are RFC 9457 problem+json; every answer carries `X-Request-Id`.',
    'At the door, before authentication: a method a path does not serve is a 405 `method_not_allowed` with `Allow` (HEAD is served wherever GET is); a body over 1 MiB is a 413 (by `Content-Length` when sent, else once 1 MiB has been read); a malformed `Content-Length` is a 400; a non-empty body that is not JSON is a 415; JSON nested deeper than 64 levels is a 400.',
    'Text must be valid: a string (or key) holding NUL or an unpaired UTF-16 surrogate, in the body or the query, is a 400 naming the field; a query parameter whose percent-encoded bytes are not UTF-8 is a 400 naming it; a path segment that is not valid text names nothing (404).',
    'Any call made with an agent token whose `requires_approval` lists the route\'s scope — reads included — is held: 202 `{ queued: true, approval_id }`, executed exactly as sent once approved (see Approvals). Any POST under /v1/ honours `Idempotency-Key`. Per-token rate limit: 429 with `Retry-After`.',
  ].join('\n\n'),
};

/** The document generator of `app`, memoised: the registry is complete once the app is built. */
export function openApiDocument(app: OpenAPIHono<AppEnv>): (origin: string) => Document {
  let finished: Document | undefined;
  return (origin) => {
    finished ??= finishDocument(app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: INFO,
      tags: TAGS,
      security: [{ bearer: [] }],
    }) as unknown as Document, FACTS);
    const { openapi, info, ...rest } = finished;
    return { openapi, info, servers: [{ url: origin, description: 'This deployment (the origin this document was served from).' }], ...rest };
  };
}
