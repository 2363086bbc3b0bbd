/**
 * Files of an inbox (docs/files.md): metadata in Postgres, the bytes of every version in R2
 * (binding FILES). A new version's bytes are written to R2 first, under a key of their own, and
 * then one statement bumps the file's version and records the new one — so a version row
 * always names bytes that exist, and two concurrent uploads get two versions. An upload that
 * loses its file on the way (deleted meanwhile) removes its object again.
 */
import { sql, type SQL } from 'drizzle-orm';
import { allOf, firstRowOf, isoZ, pageOfRows, type Queryable } from '../db/sql';
import type { FileType } from '../db/schema';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import type { Page } from '../http/pagination';
import { csvRecord, headerOf, type Cell } from './csv';
import { MAX_FILE_BYTES, type AppendRowsInput, type CreateFileInput, type PatchFileInput } from './schemas';

type FileRecord = {
  file_id: string; name: string; file_type: FileType; instructions: string | null; version: number; size: number;
  content_type: string; created_at: string; updated_at: string;
};

const fileColumns = (f: SQL) => sql`${f}.id AS file_id, ${f}.name, ${f}.file_type, ${f}.instructions, ${f}.version, ${f}.size,
  ${f}.content_type, ${isoZ(sql`${f}.created_at`)} AS created_at, ${isoZ(sql`${f}.updated_at`)} AS updated_at`;

/** What a file with no content yet says it holds. */
const initialContentType = (type: FileType) => (type === 'spreadsheet' ? 'text/csv' : 'application/octet-stream');

const tooLarge = () => new ApiError(413, 'payload_too_large', `A file version is limited to ${MAX_FILE_BYTES} bytes.`);

export async function createFile(db: Queryable, inbox: Inbox, input: CreateFileInput, now: Date): Promise<FileRecord> {
  const row = await firstRowOf<FileRecord>(db, sql`
    WITH f AS (
      INSERT INTO files (id, inbox_id, name, file_type, instructions, version, size, content_type, created_at, updated_at)
      VALUES (${newId('fil', now.getTime())}, ${inbox.id}, ${input.name}, ${input.file_type}, ${input.instructions ?? null}, 0, 0,
              ${initialContentType(input.file_type)}, ${now.toISOString()}, ${now.toISOString()})
      RETURNING *
    )
    SELECT ${fileColumns(sql`f`)} FROM f`);
  return row!;
}

export async function listFiles(db: Queryable, inbox: Inbox, filter: { fileType?: FileType }, page: Page) {
  const where = allOf([sql`f.inbox_id = ${inbox.id}`, filter.fileType ? sql`f.file_type = ${filter.fileType}` : undefined]);
  return pageOfRows<FileRecord>(db, {
    total: sql`SELECT count(*)::int FROM files f WHERE ${where}`,
    rows: sql`SELECT ${fileColumns(sql`f`)} FROM files f WHERE ${where} ORDER BY f.id`,
    page,
  });
}

export async function getFile(db: Queryable, inbox: Inbox, id: string): Promise<FileRecord> {
  const row = await firstRowOf<FileRecord>(db, sql`SELECT ${fileColumns(sql`f`)} FROM files f WHERE f.id = ${id} AND f.inbox_id = ${inbox.id}`);
  if (!row) throw ApiError.notFound('File');
  return row;
}

export async function updateFile(db: Queryable, inbox: Inbox, id: string, patch: PatchFileInput, now: Date): Promise<FileRecord> {
  const row = await firstRowOf<FileRecord>(db, sql`
    WITH f AS (
      UPDATE files SET
        name = COALESCE(${patch.name ?? null}, name),
        instructions = CASE WHEN ${patch.instructions !== undefined} THEN ${patch.instructions ?? null} ELSE instructions END,
        updated_at = ${now.toISOString()}
      WHERE id = ${id} AND inbox_id = ${inbox.id}
      RETURNING *
    )
    SELECT ${fileColumns(sql`f`)} FROM f`);
  if (!row) throw ApiError.notFound('File');
  return row;
}

/** Deletes the file and its versions in one statement, then their objects. */
export async function deleteFile(db: Queryable, bucket: R2Bucket, inbox: Inbox, id: string): Promise<void> {
  const row = await firstRowOf<{ deleted: number; keys: string[] | null }>(db, sql`
    WITH f AS (DELETE FROM files WHERE id = ${id} AND inbox_id = ${inbox.id} RETURNING id),
    v AS (DELETE FROM file_versions WHERE file_id IN (SELECT id FROM f) RETURNING object_key)
    SELECT (SELECT count(*) FROM f)::int AS deleted, (SELECT json_agg(object_key) FROM v) AS keys`);
  if (!row?.deleted) throw ApiError.notFound('File');
  const keys = row.keys ?? [];
  // R2 deletes at most 1,000 keys a call.
  for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
}

// ── Versions ────────────────────────────────────────────────────────────────────────────────

type VersionRecord = { version: number; size: number; content_type: string; created_at: string; source_message_id: string | null };

export async function listVersions(db: Queryable, inbox: Inbox, id: string, page: Page) {
  // Versions run 1…files.version without gaps, so the file's version is the exact total (and
  // -1, for no file, the 404).
  const r = await pageOfRows<VersionRecord>(db, {
    total: sql`SELECT COALESCE((SELECT f.version FROM files f WHERE f.id = ${id} AND f.inbox_id = ${inbox.id}), -1)`,
    rows: sql`SELECT v.version, v.size, v.content_type, ${isoZ(sql`v.created_at`)} AS created_at, v.source_message_id
              FROM file_versions v WHERE v.file_id = ${id} AND v.inbox_id = ${inbox.id} ORDER BY v.version`,
    page,
  });
  if (r.total < 0) throw ApiError.notFound('File');
  return r;
}

/** One stored version, as the download needs it. */
export type StoredVersion = { file_id: string; name: string; version: number; object_key: string; size: number; content_type: string; etag: string };

const storedColumns = sql`f.id AS file_id, f.name, v.version, v.object_key, v.size, v.content_type, v.etag`;

/** The version `version` of the inbox's file (default: its latest), or 404. */
export async function versionOf(db: Queryable, inbox: Inbox, id: string, version: number | undefined): Promise<StoredVersion> {
  const row = await firstRowOf<Omit<StoredVersion, 'version'> & { version: number | null }>(db, sql`
    SELECT ${storedColumns}
    FROM files f LEFT JOIN file_versions v ON v.file_id = f.id AND v.version = COALESCE(${version ?? null}::int, f.version)
    WHERE f.id = ${id} AND f.inbox_id = ${inbox.id}`);
  if (!row) throw ApiError.notFound('File');
  if (row.version === null) {
    throw version === undefined ? new ApiError(404, 'not_found', 'The file has no content yet: upload a version with PUT …/content/.') : ApiError.notFound('Version');
  }
  return { ...row, version: row.version };
}

/** What a signed link names, wherever the file lives (the link is the credential); null when gone. */
export async function linkedVersion(db: Queryable, fileId: string, version: number): Promise<StoredVersion | null> {
  return (await firstRowOf<StoredVersion>(db, sql`
    SELECT ${storedColumns} FROM files f JOIN file_versions v ON v.file_id = f.id AND v.version = ${version}
    WHERE f.id = ${fileId}`)) ?? null;
}

/** The bytes of a stored version. */
export async function objectOf(bucket: R2Bucket, v: StoredVersion): Promise<R2ObjectBody> {
  const object = await bucket.get(v.object_key);
  // The row names an object that is gone: the bytes are lost, which is ours, not the caller's.
  if (!object) throw new Error(`file object ${v.object_key} is missing`);
  return object;
}

/** A version's object: its own key, named before the version number is known (two uploads may race). */
const objectKey = (inbox: Inbox, fileId: string) => `files/${inbox.id}/${fileId}/${crypto.randomUUID()}`;

/**
 * Records bytes already in R2 as the file's next version, in one statement. `expectVersion`
 * makes it conditional (rows are appended to the version they were read from). Null when the
 * file is gone or moved on; the caller then removes the object.
 */
async function recordVersion(
  db: Queryable, inbox: Inbox, id: string, object: R2Object, contentType: string, now: Date,
  opts: { expectVersion?: number; sourceMessageId?: string | null } = {},
): Promise<FileRecord | null> {
  return (await firstRowOf<FileRecord>(db, sql`
    WITH f AS (
      UPDATE files SET version = version + 1, size = ${object.size}, content_type = ${contentType}, updated_at = ${now.toISOString()}
      WHERE id = ${id} AND inbox_id = ${inbox.id}
        AND (${opts.expectVersion ?? null}::int IS NULL OR version = ${opts.expectVersion ?? null}::int)
      RETURNING *
    ),
    v AS (
      INSERT INTO file_versions (file_id, version, inbox_id, object_key, size, content_type, etag, source_message_id, created_at)
      SELECT f.id, f.version, f.inbox_id, ${object.key}, ${object.size}, ${contentType}, ${object.httpEtag}, ${opts.sourceMessageId ?? null}, ${now.toISOString()}
      FROM f
    )
    SELECT ${fileColumns(sql`f`)} FROM f`)) ?? null;
}

/**
 * A new version from a request body of `length` bytes (Content-Length, checked at the door),
 * streamed into R2 without being held in memory. 404 before a byte is stored when the file is
 * not the inbox's.
 */
export async function uploadVersion(
  db: Queryable, bucket: R2Bucket, inbox: Inbox, id: string,
  content: { body: ReadableStream<Uint8Array> | null; length: number; contentType: string }, now: Date,
): Promise<FileRecord> {
  await getFile(db, inbox, id);
  const key = objectKey(inbox, id);
  const object = await putExactly(bucket, key, content.body, content.length, content.contentType);
  const file = await recordVersion(db, inbox, id, object, content.contentType, now);
  if (!file) {
    await bucket.delete(key);
    throw ApiError.notFound('File');
  }
  return file;
}

/**
 * Streams exactly `length` bytes into R2 (FixedLengthStream: R2 needs the length up front, and
 * a body that ends early or runs long is refused, not stored cut or padded).
 */
export async function putExactly(
  bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array> | null, length: number, contentType: string,
): Promise<R2Object> {
  const httpMetadata = { contentType };
  if (length === 0 || !body) {
    if (length !== 0) throw ApiError.badRequest('The body ended before its Content-Length.');
    return bucket.put(key, new Uint8Array(0), { httpMetadata });
  }
  const fixed = new FixedLengthStream(length);
  const piping = body.pipeTo(fixed.writable).catch((e: unknown) => e);
  let object: R2Object;
  try {
    object = await bucket.put(key, fixed.readable, { httpMetadata });
  } catch {
    await piping;
    throw ApiError.badRequest('The body did not match its Content-Length.');
  }
  const failed = await piping;
  if (failed !== undefined) {
    await bucket.delete(key);
    throw ApiError.badRequest('The body did not match its Content-Length.');
  }
  return object;
}

// ── Rows ────────────────────────────────────────────────────────────────────────────────────

type RowsTarget = { file_type: FileType; version: number; object_key: string | null; message_ok: boolean };

/** How often an append is retried when another one landed between its read and its write. */
const APPEND_ATTEMPTS = 3;

/**
 * Appends rows to a spreadsheet's CSV as a new version. Objects are written in the order of the
 * header row (the first record), which the first object's keys write when the file is empty; a
 * key the header lacks is a 400 naming it. The append applies to the version it read: one that
 * raced another is redone on the newer bytes, so no row is ever lost.
 */
export async function appendRows(db: Queryable, bucket: R2Bucket, inbox: Inbox, id: string, input: AppendRowsInput, now: Date): Promise<FileRecord> {
  for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
    const target = await firstRowOf<RowsTarget>(db, sql`
      SELECT f.file_type, f.version, v.object_key,
             (${input.source_message_id ?? null}::text IS NULL OR EXISTS (
               SELECT 1 FROM messages m WHERE m.id = ${input.source_message_id ?? null} AND m.inbox_id = ${inbox.id})) AS message_ok
      FROM files f LEFT JOIN file_versions v ON v.file_id = f.id AND v.version = f.version
      WHERE f.id = ${id} AND f.inbox_id = ${inbox.id}`);
    if (!target) throw ApiError.notFound('File');
    if (target.file_type !== 'spreadsheet') {
      throw new ApiError(409, 'conflict', `Rows can only be appended to a spreadsheet; this file is a ${target.file_type}.`);
    }
    if (!target.message_ok) throw ApiError.field('source_message_id', 'must be a message of this inbox');
    const existing = target.object_key ? await (await bucket.get(target.object_key))?.text() : '';
    if (existing === undefined) throw new Error(`file object ${target.object_key} is missing`);
    const text = existing + csvText(existing, input.rows);
    const bytes = new TextEncoder().encode(text);
    if (bytes.byteLength > MAX_FILE_BYTES) throw tooLarge();
    const key = objectKey(inbox, id);
    const object = await bucket.put(key, bytes, { httpMetadata: { contentType: 'text/csv' } });
    const file = await recordVersion(db, inbox, id, object, 'text/csv', now, { expectVersion: target.version, sourceMessageId: input.source_message_id ?? null });
    if (file) return file;
    await bucket.delete(key);
  }
  throw new ApiError(409, 'conflict', 'The spreadsheet kept changing while the rows were appended; try again.');
}

/** The CSV text that appends `rows` to `existing` (a header first when objects start a file). */
function csvText(existing: string, rows: AppendRowsInput['rows']): string {
  // A file whose last record has no line end gets one, so the first new row starts a record.
  let out = existing !== '' && !/[\r\n]$/.test(existing) ? '\r\n' : '';
  const first = rows[0]!;
  if (Array.isArray(first)) {
    for (const row of rows as Cell[][]) out += csvRecord(row);
    return out;
  }
  let header = headerOf(existing);
  if (header === null) {
    header = Object.keys(first);
    out += csvRecord(header);
  }
  const column = new Map(header.map((name, i) => [name, i] as const));
  const objects = rows as Record<string, Cell>[];
  const unknown = objects.flatMap((o, i) => Object.keys(o).filter((k) => !column.has(k)).map((k) => ({ path: `rows.${i}.${k}`, message: `is not a column of the header row (${header.join(', ')})` })));
  if (unknown.length) throw ApiError.validation(unknown.slice(0, 50));
  for (const o of objects) {
    const cells: Cell[] = header.map(() => null);
    for (const [k, v] of Object.entries(o)) cells[column.get(k)!] = v;
    out += csvRecord(cells);
  }
  return out;
}
