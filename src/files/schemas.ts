import { z } from '@hono/zod-openapi';
import { FILE_TYPES } from '../db/schema';
import { PagedInboxQuery } from '../http/fields';
import { integerParam } from '../http/openapi';

/** Bytes of one version (docs/files.md). */
export const MAX_FILE_BYTES = 25 * 1024 * 1024;
/** How long a link may live: 1 s to 7 days, an hour unless asked. */
export const MAX_LINK_SECONDS = 604_800;
export const DEFAULT_LINK_SECONDS = 3600;
const MAX_ROWS = 10_000;
const MAX_CELLS = 1_000;

const name = z.string().trim().min(1, 'must not be empty').max(255).refine((s) => !/[\r\n]/.test(s), 'must be one line');
const instructions = z.string().max(10_000).openapi({ description: 'What an agent should do with the file (free text).' });

export const CreateFile = z.object({
  name: name.openapi({ example: 'Leads.csv' }),
  file_type: z.enum(FILE_TYPES).openapi({ example: 'spreadsheet' }),
  instructions: instructions.nullable().optional(),
}).openapi({ example: { name: 'Leads.csv', file_type: 'spreadsheet', instructions: 'Append every new lead from the mailbox.' } });
export type CreateFileInput = z.infer<typeof CreateFile>;

export const PatchFile = z.object({
  name: name.optional(),
  instructions: instructions.nullable().optional().openapi({ description: '`null` clears it.' }),
});
export type PatchFileInput = z.infer<typeof PatchFile>;

export const File = z.object({
  file_id: z.string().openapi({ example: 'fil_01jd5x7k3m0000000000000000' }),
  name: z.string(),
  file_type: z.enum(FILE_TYPES),
  instructions: z.string().nullable(),
  version: z.number().int().openapi({ description: 'The latest version; 0 until content is uploaded.' }),
  size: z.number().int().openapi({ description: 'Bytes of the latest version.' }),
  content_type: z.string().openapi({ description: 'Of the latest version (before any: `text/csv` for a spreadsheet, else `application/octet-stream`).', example: 'text/csv' }),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('File');

export const FileVersion = z.object({
  version: z.number().int(),
  size: z.number().int(),
  content_type: z.string(),
  created_at: z.string(),
  source_message_id: z.string().nullable().openapi({ description: 'The message rows were appended from (POST …/rows/), else null.' }),
}).openapi('FileVersion');

export const FileParams = z.object({ id: z.string().min(1).max(100) });

export const ListFilesQuery = PagedInboxQuery.extend({
  file_type: z.enum(FILE_TYPES).optional(),
});

export const ContentQuery = z.object({
  inbox_id: z.string().optional(),
  version: z.string().regex(/^[1-9][0-9]{0,8}$/, 'must be a version number (1 or more)').optional()
    .openapi(integerParam(1, 999_999_999, { description: 'Which version (default: the latest).', example: 1 })),
});

const Cell = z.union([z.string().max(100_000), z.number().finite(), z.boolean(), z.null()]);

export const AppendRows = z.object({
  rows: z.union([
    z.array(z.array(Cell).min(1, 'a row needs at least one cell').max(MAX_CELLS)).min(1, 'must not be empty').max(MAX_ROWS),
    z.array(z.record(z.string().min(1).max(1000), Cell).refine((o) => Object.keys(o).length > 0, 'a row needs at least one column')).min(1, 'must not be empty').max(MAX_ROWS),
  ], { error: 'must be a non-empty array of rows: all arrays of cells, or all objects of column → cell' })
    .openapi({ description: 'Arrays are written as they are; objects are mapped to columns by the header row (written from the first object\'s keys when the file is empty). Cells are strings, numbers, booleans or null (an empty cell).', example: [{ name: 'Ada', email: 'ada@example.com' }] }),
  source_message_id: z.string().min(1).max(100).optional().openapi({ description: 'A message of this inbox the rows came from; recorded on the new version.' }),
}).openapi({ example: { rows: [['Ada', 'ada@example.com'], ['Grace', 'grace@example.com']] } });
export type AppendRowsInput = z.infer<typeof AppendRows>;

export const MintLink = z.object({
  expires_in_seconds: z.number().int('must be a whole number of seconds').min(1).max(MAX_LINK_SECONDS).default(DEFAULT_LINK_SECONDS),
});

export const Link = z.object({
  url: z.string().openapi({ description: 'Absolute; downloads the version current now, without a token.', example: 'https://inbox.example.com/v1/file-links/fil_01jd5x7k3m0000000000000000.2.1780000000.Zm9v/' }),
  expires_at: z.string(),
  version: z.number().int().openapi({ description: 'The version the link serves.' }),
}).openapi('FileLink');

export const LinkParams = z.object({ token: z.string().max(300) });

export const FilesReference = z.object({
  file_types: z.array(z.enum(FILE_TYPES)),
  max_size_bytes: z.number().int(),
  link_expires_in_seconds: z.object({ min: z.number().int(), max: z.number().int(), default: z.number().int() }),
  rows: z.object({ max_rows: z.number().int(), max_cells: z.number().int(), content_type: z.string() }),
}).openapi('FilesReference');

export const filesReference = {
  file_types: [...FILE_TYPES],
  max_size_bytes: MAX_FILE_BYTES,
  link_expires_in_seconds: { min: 1, max: MAX_LINK_SECONDS, default: DEFAULT_LINK_SECONDS },
  rows: { max_rows: MAX_ROWS, max_cells: MAX_CELLS, content_type: 'text/csv' },
};
