import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { newRouter } from '../http/router';
import { requireScope } from '../http/auth';
import type { AppEnv } from '../http/context';
import { dispositionOf } from '../http/download';
import { ApiError } from '../http/errors';
import type { RawBodyRoute } from '../http/middleware';
import { errorResponses, errorsOf, IdempotencyHeader, problem, queuedResponse, json, body } from '../http/openapi';
import { pageEnvelope, pageOf, pageSchema } from '../http/pagination';
import { InboxQuery, patchBody, withInbox } from '../http/fields';
import { toIsoZ } from '../time/zones';
import { LINK_PATH, linkToken, verifyLink } from './links';
import * as S from './schemas';
import * as svc from './service';

export const filesRouter = newRouter();

const TAGS = ['Files'];

/** No token: the reference, and signed links (the link is the credential). */
export const filesPublicPaths: string[] = ['/v1/files/reference/', `${LINK_PATH}*`];

/** The upload takes its body as bytes (src/http/middleware.ts leaves it unread). */
export const filesRawBodies: RawBodyRoute[] = [{ method: 'PUT', path: /^\/v1\/files\/[^/]+\/content\/?$/, maxBytes: S.MAX_FILE_BYTES }];

const bytesResponse = {
  200: {
    description: 'The bytes, with their `Content-Type`, `Content-Length`, `ETag` and a `Content-Disposition` filename.',
    content: { '*/*': { schema: z.string().openapi({ format: 'binary' }) } },
  },
  304: { description: 'Not modified (`If-None-Match` names this version\'s ETag).' },
} as const;

/** Serves a stored version: 304 when the caller already has these bytes. */
async function serveVersion(c: Context<AppEnv>, v: svc.StoredVersion, cacheControl: string): Promise<Response> {
  const headers = { ETag: v.etag, 'Cache-Control': cacheControl };
  const known = c.req.header('if-none-match');
  if (known?.split(',').some((t) => t.trim() === v.etag || t.trim() === '*')) return c.body(null, 304, headers);
  const object = await svc.objectOf(c.env.FILES, v);
  return c.body(object.body, 200, {
    ...headers, 'Content-Type': v.content_type, 'Content-Length': String(v.size), 'Content-Disposition': dispositionOf(v.name),
  });
}

filesRouter.openapi(createRoute({
  method: 'get', path: '/v1/files/reference/', tags: TAGS, summary: 'File types and limits', security: [],
  description: 'Public (no token): the file types, the upload limit, link lifetimes and the limits of appended rows.',
  responses: { 200: json(S.FilesReference, 'The reference.') },
}), (c) => c.json(S.filesReference, 200));

filesRouter.openapi(createRoute({
  method: 'get', path: `${LINK_PATH}{token}/`, tags: TAGS, summary: 'Download through a signed link', security: [],
  description: 'No token: the link is the credential. It serves the version that was current when it was minted, until it expires. A link that was changed in any way, or has expired, is a 403 that says nothing more; a link to a file since deleted is a 404.',
  request: { params: S.LinkParams },
  responses: { ...bytesResponse, ...errorsOf(400, 403, 404) },
}), async (c) => {
  const secret = c.get('config').fileLinkSecret;
  const target = secret ? await verifyLink(secret, c.req.valid('param').token, c.get('now')) : null;
  if (!target) throw new ApiError(403, 'forbidden', 'This link is not valid.');
  const v = await svc.linkedVersion(c.get('db'), target.fileId, target.version);
  if (!v) throw ApiError.notFound('File');
  return serveVersion(c, v, 'private, max-age=60');
});

filesRouter.openapi(createRoute({
  method: 'post', path: '/v1/files/', tags: TAGS, summary: 'Create a file',
  description: 'Metadata only: `version` 0, `size` 0. Upload content with `PUT …/content/` (or append rows to a spreadsheet).',
  middleware: [requireScope('files:write')],
  request: { headers: IdempotencyHeader, ...body(withInbox(S.CreateFile, 'CreateFile')) },
  responses: { 201: json(S.File, 'Created.'), ...queuedResponse, ...errorResponses },
}), async (c) => {
  const created = await svc.createFile(c.get('db'), c.get('inbox'), c.req.valid('json'), c.get('now'));
  c.header('Location', `/v1/files/${created.file_id}/`);
  return c.json(created, 201);
});

filesRouter.openapi(createRoute({
  method: 'get', path: '/v1/files/', tags: TAGS, summary: 'List files',
  description: 'Oldest first; `file_type` filters.',
  middleware: [requireScope('files:read')],
  request: { query: S.ListFilesQuery },
  responses: { 200: json(pageSchema(S.File), 'A page of files.'), ...errorResponses },
}), async (c) => {
  const q = c.req.valid('query');
  const page = pageOf(q);
  const { results, total } = await svc.listFiles(c.get('db'), c.get('inbox'), { fileType: q.file_type }, page);
  return c.json(pageEnvelope(results, total, page), 200);
});

filesRouter.openapi(createRoute({
  method: 'get', path: '/v1/files/{id}/', tags: TAGS, summary: 'Get a file',
  description: 'The file\'s metadata at its latest version. An unknown or another inbox\'s id is a 404.',
  middleware: [requireScope('files:read')],
  request: { params: S.FileParams, query: InboxQuery },
  responses: { 200: json(S.File, 'The file.'), ...errorResponses },
}), async (c) => c.json(await svc.getFile(c.get('db'), c.get('inbox'), c.req.valid('param').id), 200));

filesRouter.openapi(createRoute({
  method: 'patch', path: '/v1/files/{id}/', tags: TAGS, summary: 'Rename a file or change its instructions',
  description: 'At least one field (an empty body is a 400); the content and its version are unchanged.',
  middleware: [requireScope('files:write')],
  request: { params: S.FileParams, ...body(patchBody(S.PatchFile, 'PatchFile')) },
  responses: { 200: json(S.File, 'The file after the change.'), ...queuedResponse, ...errorResponses },
}), async (c) => c.json(await svc.updateFile(c.get('db'), c.get('inbox'), c.req.valid('param').id, c.req.valid('json'), c.get('now')), 200));

filesRouter.openapi(createRoute({
  method: 'delete', path: '/v1/files/{id}/', tags: TAGS, summary: 'Delete a file',
  description: 'With every version\'s bytes. Links to it answer 404 from then on.',
  middleware: [requireScope('files:write')],
  request: { params: S.FileParams, query: InboxQuery },
  responses: { 204: { description: 'Deleted.' }, ...queuedResponse, ...errorResponses },
}), async (c) => {
  await svc.deleteFile(c.get('db'), c.env.FILES, c.get('inbox'), c.req.valid('param').id);
  return c.body(null, 204);
});

filesRouter.openapi(createRoute({
  method: 'put', path: '/v1/files/{id}/content/', tags: TAGS, summary: 'Upload content: a new version',
  description: `Any content type (the request's \`Content-Type\`, else \`application/octet-stream\`), at most ${S.MAX_FILE_BYTES} bytes, streamed. \`Content-Length\` is required (411 without it, 413 over the limit, both before a byte is read); a body that does not match it is a 400. \`inbox_id\` (sessions) goes in the query.`,
  middleware: [requireScope('files:write')],
  request: {
    params: S.FileParams, query: InboxQuery,
    body: { required: true, content: { '*/*': { schema: z.string().openapi({ format: 'binary' }) } } },
  },
  responses: {
    201: json(S.File, 'The file, at its new version.'), ...queuedResponse, ...errorResponses,
    411: problem('No `Content-Length` (`length_required`).'),
  },
}), async (c) => {
  const contentType = c.req.header('content-type')?.trim() || 'application/octet-stream';
  if (contentType.length > 255 || !/^[\x20-\x7e]+$/.test(contentType)) throw ApiError.field('Content-Type', 'must be a media type of at most 255 printable characters');
  const length = c.get('rawBodyLength') ?? 0;
  const file = await svc.uploadVersion(c.get('db'), c.env.FILES, c.get('inbox'), c.req.valid('param').id, { body: c.req.raw.body, length, contentType }, c.get('now'));
  return c.json(file, 201);
});

filesRouter.openapi(createRoute({
  method: 'get', path: '/v1/files/{id}/content/', tags: TAGS, summary: 'Download a version',
  description: 'The latest version unless `version` names one. A file with no content yet is a 404.',
  middleware: [requireScope('files:read')],
  request: { params: S.FileParams, query: S.ContentQuery },
  responses: { ...bytesResponse, ...errorResponses },
}), async (c) => {
  const { version } = c.req.valid('query');
  const v = await svc.versionOf(c.get('db'), c.get('inbox'), c.req.valid('param').id, version === undefined ? undefined : Number(version));
  return serveVersion(c, v, 'private, no-cache');
});

filesRouter.openapi(createRoute({
  method: 'get', path: '/v1/files/{id}/versions/', tags: TAGS, summary: 'List versions',
  description: 'Oldest first.',
  middleware: [requireScope('files:read')],
  request: { params: S.FileParams, query: S.ListFilesQuery.pick({ offset: true, position: true, limit: true, inbox_id: true }) },
  responses: { 200: json(pageSchema(S.FileVersion), 'A page of versions.'), ...errorResponses },
}), async (c) => {
  const page = pageOf(c.req.valid('query'));
  const { results, total } = await svc.listVersions(c.get('db'), c.get('inbox'), c.req.valid('param').id, page);
  return c.json(pageEnvelope(results, total, page), 200);
});

filesRouter.openapi(createRoute({
  method: 'post', path: '/v1/files/{id}/rows/', tags: TAGS, summary: 'Append rows to a spreadsheet',
  description: 'A new version: the CSV with the rows appended (RFC 4180, CRLF). A file that is not a spreadsheet is a 409; a `source_message_id` that is not a message of this inbox is a 400.',
  middleware: [requireScope('files:write')],
  request: { params: S.FileParams, headers: IdempotencyHeader, ...body(withInbox(S.AppendRows, 'AppendRows')) },
  responses: { 201: json(S.File, 'The file, at its new version.'), ...queuedResponse, ...errorResponses },
}), async (c) => c.json(await svc.appendRows(c.get('db'), c.env.FILES, c.get('inbox'), c.req.valid('param').id, c.req.valid('json'), c.get('now')), 201));

filesRouter.openapi(createRoute({
  method: 'post', path: '/v1/files/{id}/link/', tags: TAGS, summary: 'Mint a signed download link',
  description: 'An absolute URL that downloads the current version without a token until `expires_at` (`expires_in_seconds` 1–604800, default 3600). Needs `files:read`. A file with no content yet is a 409.',
  middleware: [requireScope('files:read')],
  request: { params: S.FileParams, body: { required: false, content: { 'application/json': { schema: withInbox(S.MintLink, 'MintLink') } } } },
  responses: { 201: json(S.Link, 'The link.'), ...errorResponses, 503: problem('Signed links are not configured on this deployment (`service_unavailable`).') },
}), async (c) => {
  const secret = c.get('config').fileLinkSecret;
  if (!secret) throw new ApiError(503, 'service_unavailable', 'Signed links are not configured on this deployment (FILE_LINK_SECRET).');
  const file = await svc.getFile(c.get('db'), c.get('inbox'), c.req.valid('param').id);
  if (file.version === 0) throw new ApiError(409, 'conflict', 'The file has no content yet: upload a version first.');
  // No body is a link with the defaults.
  const input: { expires_in_seconds?: number } | undefined = c.req.valid('json');
  const expires = Math.floor(c.get('now').getTime() / 1000) + (input?.expires_in_seconds ?? S.DEFAULT_LINK_SECONDS);
  const token = await linkToken(secret, { fileId: file.file_id, version: file.version, expires });
  return c.json({ url: new URL(`${LINK_PATH}${token}/`, c.req.url).toString(), expires_at: toIsoZ(new Date(expires * 1000)), version: file.version }, 201);
});
