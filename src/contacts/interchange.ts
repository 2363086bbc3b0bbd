/**
 * Contact interchange (docs/interchange.md): an inbox's contacts as vCards, and vCards into an inbox.
 *
 * Export is one statement (every contact with its anniversaries), written by src/contacts/vcard.ts.
 * Import reads the body completely first — every card parsed, then validated by the very schema
 * POST /v1/contacts/ uses — and writes nothing unless every card is valid. Cards are matched by
 * UID within the inbox: `contacts.uid` (the UID a contact was imported with), or a contact's own
 * id (what the export writes for contacts made through the API). Then one read (the matched
 * contacts) and one write (new contacts, changed contacts, their anniversary rows: the columns
 * and rows the contact service writes, so search and the anniversary scan see imported contacts
 * exactly like API-made ones).
 */
import { sql } from 'drizzle-orm';
import { firstRowOf, guardedChange, rowsOf, sqlState, textArray, type Queryable } from '../db/sql';
import type { EmailEntry, PhoneEntry } from '../db/schema/contacts';
import type { Inbox } from '../http/context';
import { sha256Hex } from '../http/crypto';
import { ApiError, type FieldError } from '../http/errors';
import { newId } from '../http/ids';
import { fieldErrors } from '../http/router';
import { CreateContact } from './schemas';
import { searchEmailsOf, searchNameOf, searchPhonesOf } from './search';
import { anniversariesOf, anniversaryRows, cleanEmails, cleanPhones, type Anniversary } from './service';
import { parseVCards, writeCards, type CardFields, type ParsedCard } from './vcard';

/** At most this many cards in one import (each is a row written by one statement). */
export const MAX_IMPORT_CARDS = 10_000;
/** At most this many problems are listed in a 400 (the count says how many there were). */
const MAX_LISTED_ERRORS = 100;

export type ImportCounts = { created: number; updated: number; skipped: number };

type StoredCard = {
  id: string;
  uid: string | null;
  full_name: string;
  emails: EmailEntry[];
  phones: PhoneEntry[];
  notes: string | null;
  anniversaries: Anniversary[];
};

const cardColumns = sql`c.id, c.uid, c.full_name, c.emails, c.phones, c.notes, ${anniversariesOf} AS anniversaries`;

/** The fields in one key order, absent labels null: what a card is compared by. */
type LooseFields = {
  full_name: string;
  emails: { label?: string | null; address: string }[];
  phones: { label?: string | null; number: string }[];
  notes?: string | null;
  anniversaries: Anniversary[];
};
function canonical(f: LooseFields): CardFields {
  return {
    full_name: f.full_name,
    emails: cleanEmails(f.emails),
    phones: cleanPhones(f.phones),
    notes: f.notes ?? null,
    anniversaries: f.anniversaries.map((a) => ({ type: a.type, date: a.date })),
  };
}

const sameFields = (a: CardFields, b: CardFields) => JSON.stringify(a) === JSON.stringify(b);

/** Every contact of the inbox as a vCard 4.0, by name; UID the imported one, else the id. */
export async function exportVcards(db: Queryable, inbox: Inbox): Promise<string> {
  const rows = await rowsOf<StoredCard>(db, sql`
    SELECT ${cardColumns} FROM contacts c WHERE c.inbox_id = ${inbox.id} ORDER BY c.full_name, c.id`);
  return writeCards(rows.map((r) => ({ uid: r.uid ?? r.id, ...canonical(r) })));
}

/**
 * A stable UID for a card that has none: a name-based UUID (version 8) from the SHA-256 of its
 * fields, so importing the same file again finds the contact instead of duplicating it.
 */
async function derivedUid(fields: CardFields): Promise<string> {
  const h = await sha256Hex(JSON.stringify(fields));
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface Incoming {
  index: number;
  uid: string;
  fields: CardFields;
}

const PROPERTY_OF: Record<string, string> = { full_name: 'FN', emails: 'EMAIL', phones: 'TEL', notes: 'NOTE', anniversaries: 'BDAY / ANNIVERSARY / X-ANNIVERSARY' };

/** Which property a field path came from: the longest recorded source that is a prefix of it. */
function sourceOf(card: ParsedCard, path: string): string {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const found = card.sources[parts.slice(0, n).join('.')];
    if (found) return found;
  }
  return PROPERTY_OF[parts[0]!] ?? 'the card';
}

const cardPath = (card: number | null, path: string) => (card === null ? path : [`cards.${card}`, path].filter(Boolean).join('.'));
const withUid = (uid: string | null, message: string) => (uid ? `UID ${uid}: ${message}` : message);

function refuse(errors: FieldError[]): never {
  const listed = errors.slice(0, MAX_LISTED_ERRORS);
  const more = errors.length > listed.length ? ` (and ${errors.length - listed.length} more)` : '';
  throw ApiError.validation(listed,
    `The vCard body was not imported (nothing was written): ${listed.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; ')}${more}.`);
}

/**
 * Every card parsed and validated as POST /v1/contacts/ validates a contact, or a 400 listing
 * every problem of every card (`cards.<index>.<field>`, the UID and the property's line in
 * the message). Group cards are counted, not returned.
 */
async function readCards(text: string): Promise<{ incoming: Incoming[]; skipped: number }> {
  const { cards, faults } = parseVCards(text);
  const errors: FieldError[] = faults.map((f) => ({ path: cardPath(f.card, f.path), message: withUid(f.uid, f.message) }));
  if (cards.length > MAX_IMPORT_CARDS) refuse([{ path: '', message: `at most ${MAX_IMPORT_CARDS} cards in one import (this body has ${cards.length})` }]);
  const faulty = new Set(faults.map((f) => f.card));
  const named = new Set(errors.map((e) => e.path));
  const incoming: Incoming[] = [];
  let skipped = 0;
  for (const card of cards) {
    if (card.kind === 'group') {
      skipped++;
      continue;
    }
    const parsed = CreateContact.safeParse(card.fields);
    if (!parsed.success) {
      for (const issue of fieldErrors(parsed.error)) {
        const path = cardPath(card.index, issue.path);
        // The reader's own word on a field (a date it could not read) comes first.
        if (!named.has(path)) errors.push({ path, message: withUid(card.uid, `${sourceOf(card, issue.path)}: ${issue.message}`) });
      }
      continue;
    }
    if (faulty.has(card.index)) continue;
    const fields = canonical(parsed.data);
    incoming.push({ index: card.index, uid: card.uid ?? (await derivedUid(fields)), fields });
  }
  if (errors.length) refuse(errors);

  // One card per UID: an identical repeat is skipped, a different one is a mistake to point at.
  const byUid = new Map<string, Incoming>();
  const unique: Incoming[] = [];
  for (const card of incoming) {
    const first = byUid.get(card.uid);
    if (!first) {
      byUid.set(card.uid, card);
      unique.push(card);
    } else if (sameFields(first.fields, card.fields)) {
      skipped++;
    } else {
      errors.push({ path: cardPath(card.index, 'uid'), message: `UID ${card.uid}: the same UID as card ${first.index}, with different content` });
    }
  }
  if (errors.length) refuse(errors);
  return { incoming: unique, skipped };
}

/** The columns the contact service writes for these fields (search columns included). */
function columnsOf(f: CardFields) {
  return {
    full_name: f.full_name, emails: f.emails, phones: f.phones, notes: f.notes,
    search_name: searchNameOf(f.full_name), search_emails: searchEmailsOf(f.emails), search_phones: searchPhonesOf(f.phones),
  };
}

const columnList = sql`full_name text, emails jsonb, phones jsonb, notes text, search_name text, search_emails text, search_phones text`;

/**
 * Imports a vCard body (3.0 or 4.0, any number of cards) into the inbox, by UID: a new UID
 * creates a contact (remembering the UID), a changed card replaces the stored fields, an
 * identical one is skipped. Nothing is written unless every card is valid.
 */
export async function importVcards(db: Queryable, inbox: Inbox, text: string, now: Date): Promise<ImportCounts> {
  const { incoming, skipped: repeats } = await readCards(text);
  if (incoming.length === 0) return { created: 0, updated: 0, skipped: repeats };
  const uids = incoming.map((c) => c.uid);
  const at = now.toISOString();

  return guardedChange(async () => {
    const existing = await rowsOf<StoredCard>(db, sql`
      SELECT ${cardColumns} FROM contacts c
      WHERE c.inbox_id = ${inbox.id} AND (c.uid = ANY(${textArray(uids)}) OR c.id = ANY(${textArray(uids)}))`);
    const byUid = new Map(existing.filter((r) => r.uid !== null).map((r) => [r.uid!, r]));
    const byId = new Map(existing.map((r) => [r.id, r]));

    const creates: { id: string; uid: string; fields: CardFields }[] = [];
    const changes: { id: string; fields: CardFields }[] = [];
    const claimed = new Map<string, Incoming>();
    const errors: FieldError[] = [];
    let skipped = repeats;
    for (const card of incoming) {
      // The imported UID first; a UID that is one of this inbox's ids is that contact.
      const target = byUid.get(card.uid) ?? byId.get(card.uid);
      if (!target) {
        creates.push({ id: newId('ctc', now.getTime()), uid: card.uid, fields: card.fields });
        continue;
      }
      const other = claimed.get(target.id);
      if (other) {
        // Two UIDs naming one contact (its imported UID and its id).
        if (sameFields(other.fields, card.fields)) skipped++;
        else errors.push({ path: cardPath(card.index, 'uid'), message: `UID ${card.uid}: names the same contact as card ${other.index}, with different content` });
        continue;
      }
      claimed.set(target.id, card);
      if (sameFields(canonical(target), card.fields)) skipped++;
      else changes.push({ id: target.id, fields: card.fields });
    }
    if (errors.length) refuse(errors);
    if (creates.length === 0 && changes.length === 0) return { created: 0, updated: 0, skipped };

    const newRows = creates.map((c) => ({ id: c.id, uid: c.uid, ...columnsOf(c.fields) }));
    const changedRows = changes.map((c) => ({ id: c.id, n: c.fields.anniversaries.length, ...columnsOf(c.fields) }));
    const annRows = [...creates, ...changes].flatMap((c) => anniversaryRows(c.fields.anniversaries).map((a) => ({ contact_id: c.id, ...a })));
    try {
      // New and changed contacts and their anniversaries in one statement. A changed contact's
      // anniversaries are upserted below the new count and trimmed above it (disjoint keys, as
      // in updateContact), and only for contacts the UPDATE found.
      const r = await firstRowOf<{ created: number; updated: number }>(db, sql`
        WITH ins AS (
          INSERT INTO contacts (id, inbox_id, uid, full_name, emails, phones, notes, search_name, search_emails, search_phones, created_at, updated_at)
          SELECT x.id, ${inbox.id}, x.uid, x.full_name, x.emails, x.phones, x.notes, x.search_name, x.search_emails, x.search_phones, ${at}, ${at}
          FROM jsonb_to_recordset(${JSON.stringify(newRows)}::jsonb) AS x(id text, uid text, ${columnList})
          RETURNING id
        ), upd AS (
          UPDATE contacts c SET full_name = x.full_name, emails = x.emails, phones = x.phones, notes = x.notes,
            search_name = x.search_name, search_emails = x.search_emails, search_phones = x.search_phones, updated_at = ${at}
          FROM jsonb_to_recordset(${JSON.stringify(changedRows)}::jsonb) AS x(id text, n int, ${columnList})
          WHERE c.id = x.id AND c.inbox_id = ${inbox.id}
          RETURNING c.id
        ), ann AS (
          INSERT INTO contact_anniversaries (inbox_id, contact_id, position, type, date, year, month, day)
          SELECT ${inbox.id}, a.contact_id, a.position, a.type, a.date, a.year, a.month, a.day
          FROM jsonb_to_recordset(${JSON.stringify(annRows)}::jsonb) AS a(contact_id text, position int, type text, date text, year int, month int, day int)
          WHERE a.contact_id IN (SELECT id FROM ins UNION ALL SELECT id FROM upd)
          ON CONFLICT (contact_id, position) DO UPDATE
            SET type = excluded.type, date = excluded.date, year = excluded.year, month = excluded.month, day = excluded.day
        ), trimmed AS (
          DELETE FROM contact_anniversaries ca
          USING jsonb_to_recordset(${JSON.stringify(changedRows.map((c) => ({ id: c.id, n: c.n })))}::jsonb) AS k(id text, n int)
          WHERE ca.contact_id = k.id AND ca.inbox_id = ${inbox.id} AND ca.position >= k.n AND k.id IN (SELECT id FROM upd)
        )
        SELECT (SELECT count(*) FROM ins)::int AS created, (SELECT count(*) FROM upd)::int AS updated`);
      // A contact deleted between the read and the write is not updated (nor counted).
      return { created: r?.created ?? 0, updated: r?.updated ?? 0, skipped };
    } catch (e) {
      // Another import created one of these UIDs in between: read again and match it.
      if (sqlState(e) === '23505') return null;
      throw e;
    }
  }, () => new ApiError(409, 'conflict', 'Contacts with these UIDs kept changing while the import ran; send it again.'));
}
