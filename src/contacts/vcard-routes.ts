/**
 * vCard export and import (docs/interchange.md). Mounted before the contacts router: the Worker adds the
 * trailing slash, so `/v1/contacts/export.vcf` arrives as `/v1/contacts/export.vcf/`, which
 * `/v1/contacts/{id}/` would otherwise take for a contact id.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { requireScope } from '../http/auth';
import { ApiError } from '../http/errors';
import type { RawBodyRoute } from '../http/middleware';
import { readTextBody } from '../http/text-body';
import { errorResponses, json, Problem, queuedResponse } from '../http/openapi';
import { InboxQuery } from '../http/fields';
import { newRouter } from '../http/router';
import { exportVcards, importVcards, MAX_IMPORT_CARDS } from './interchange';

export const contactsVcardRouter = newRouter();

const TAGS = ['Contacts'];

/** An import body may be larger than a JSON body: a whole address book. */
export const MAX_VCARD_BYTES = 5 * 1024 * 1024;

/** The import takes its body as text (src/http/middleware.ts leaves it unread). */
export const contactsVcardRawBodies: RawBodyRoute[] = [{ method: 'POST', path: /^\/v1\/contacts\/import\/?$/, maxBytes: MAX_VCARD_BYTES }];

/** `text/vcard` (RFC 6350), and the older names 3.0 files still travel under. */
const VCARD_TYPES = ['text/vcard', 'text/x-vcard', 'text/directory'];

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: Problem } } });

export const ImportResult = z.object({
  created: z.number().int().openapi({ description: 'Cards with a UID new to the inbox: a contact each.' }),
  updated: z.number().int().openapi({ description: 'Cards whose contact existed with other fields: the stored fields are now the card\'s.' }),
  skipped: z.number().int().openapi({ description: 'Cards identical to their contact (or repeated in the body), and group cards.' }),
}).openapi('ContactImportResult', { example: { created: 2, updated: 1, skipped: 5 } });

contactsVcardRouter.openapi(createRoute({
  method: 'get', path: '/v1/contacts/export.vcf/', tags: TAGS, summary: 'Export contacts as vCards',
  description: [
    'Every contact of the inbox as a vCard 4.0 (RFC 6350), ordered by `full_name`, then `id`; also served without the trailing slash.',
    '`UID` is the UID a contact was imported with, else its `id` (so exporting and importing again changes nothing). `FN` is `full_name`, `N` is derived from it (last word the family name). `EMAIL` and `TEL` carry the label as `TYPE` (quoted when it is not a plain lower-case word). The first `birthday` is `BDAY`, the first `anniversary` or `wedding` is `ANNIVERSARY` (a wedding with `TYPE=wedding`), every other anniversary `X-ANNIVERSARY;TYPE=<type>`; dates as `YYYYMMDD`, year-less ones as `--MMDD`. `NOTE` is `notes` (a carriage return becomes a newline).',
    'Lines are CRLF, folded at 75 octets; text is escaped (`\\\\`, `\\,`, `\\;`, `\\n`).',
  ].join('\n\n'),
  middleware: [requireScope('contacts:read')],
  request: { query: InboxQuery },
  responses: {
    200: { description: 'The vCards.', content: { 'text/vcard': { schema: z.string().openapi({ example: 'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:ctc_01j2x4…\r\nFN:Alice Smith\r\nN:Smith;Alice;;;\r\nEMAIL;TYPE=work:alice@example.com\r\nBDAY:19900714\r\nX-ANNIVERSARY;TYPE=nameday:--1206\r\nEND:VCARD\r\n' }) } } },
    ...errorResponses,
  },
}), async (c) => {
  const text = await exportVcards(c.get('db'), c.get('inbox'));
  return c.body(text, 200, { 'Content-Type': 'text/vcard; charset=utf-8', 'Content-Disposition': 'attachment; filename="contacts.vcf"' });
});

contactsVcardRouter.openapi(createRoute({
  method: 'post', path: '/v1/contacts/import/', tags: TAGS, summary: 'Import vCards',
  description: [
    `A \`text/vcard\` body (also \`text/x-vcard\`, \`text/directory\`; UTF-8), vCard 3.0 or 4.0, any number of cards up to ${MAX_IMPORT_CARDS} and ${MAX_VCARD_BYTES} bytes; \`Content-Length\` is required (411), a larger body is a 413, another media type a 415. Sessions name the inbox with \`inbox_id\` in the query.`,
    'Cards are matched by `UID` within the inbox: the UID a contact was imported with, or a contact\'s own `id` (what the export writes). A new UID creates a contact (remembering the UID); a changed card replaces the contact\'s `full_name`, `emails`, `phones`, `notes` and `anniversaries` with the card\'s; an identical card is skipped. A card without `UID` gets one derived from its content (a name-based UUID of its fields), so importing the same file again creates nothing new — but a changed card without UID is a new contact. The same UID twice in one body is skipped when identical and a 400 when not. Group cards (`KIND:group`) are skipped. A UID is only ever matched in this inbox: another inbox\'s contact id is just a new UID here.',
    'Read: `FN` (else `N`, else `ORG`); `EMAIL` and `TEL` with `TYPE` as the label (bare values lower-cased; `internet`, `pref`, `voice`, `x400` dropped; several joined by commas) or Apple\'s grouped `X-ABLabel`; `BDAY` (birthday), `ANNIVERSARY` (`anniversary`, or its `TYPE`), `X-ANNIVERSARY;TYPE=<type>`, `X-ABDATE` (its label as the type) and `X-EVOLUTION-ANNIVERSARY` in `YYYYMMDD`, `YYYY-MM-DD`, `--MMDD`, `--MM-DD` or a date-time (year `0000` and Apple\'s `X-APPLE-OMIT-YEAR` mean year-less; a `VALUE=text` date is ignored); `NOTE` (several joined by newlines). Folded lines, CRLF or LF, and quoted-printable values (with their soft line breaks and `CHARSET`) are understood; other properties are ignored.',
    'Every card is validated like `POST /v1/contacts/` (an email address, digits in a phone, at most 20 of each, a real date…). Any problem is a 400 that lists every one as `cards.<index>.<field>` (zero-based index; the UID and the property\'s line in the message), and nothing is written.',
  ].join('\n\n'),
  middleware: [requireScope('contacts:write')],
  request: {
    query: InboxQuery,
    body: { required: true, content: { 'text/vcard': { schema: z.string().openapi({ example: 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:3f2a…\r\nFN:Alice Smith\r\nN:Smith;Alice;;;\r\nEMAIL;TYPE=INTERNET,WORK:alice@example.com\r\nBDAY:1990-07-14\r\nEND:VCARD\r\n' }) } } },
  },
  responses: {
    200: json(ImportResult, 'What the import did, card by card.'),
    ...queuedResponse, ...errorResponses,
    411: problem('No `Content-Length` (`length_required`).'),
    413: problem(`Over ${MAX_VCARD_BYTES} bytes (\`payload_too_large\`).`),
    415: problem('Not a vCard media type, or not UTF-8 (`unsupported_media_type`).'),
  },
}), async (c) => {
  const bytes = await readTextBody(c, { mediaTypes: VCARD_TYPES, maxBytes: MAX_VCARD_BYTES, what: 'vCard 3.0 or 4.0' });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw ApiError.badRequest('The body is not valid UTF-8.');
  }
  return c.json(await importVcards(c.get('db'), c.get('inbox'), text, c.get('now')), 200);
});
