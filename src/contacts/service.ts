/**
 * Contact verbs. Every statement filters by the inbox; a contact of another inbox is simply not
 * found. Anniversaries live in `contact_anniversaries` (month/day split out for the alert scan
 * and the agenda) and are written in the same statement as the contact.
 */
import { sql, type SQL } from 'drizzle-orm';
import { firstRowOf, guardedChange, isoZ, rowVersion, type Queryable } from '../db/sql';
import type { EmailEntry, PhoneEntry } from '../db/schema/contacts';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import type { Page } from '../http/pagination';
import { parseAnniversaryDate } from '../time/anniversaries';
import type { CreateContactInput, PatchContactInput } from './schemas';
import { searchCondition, searchEmailsOf, searchNameOf, searchPhonesOf } from './search';
import { activeSequencesOf, cancelContactEnrollments, type ActiveSequence } from '../sequences/service';

export type Anniversary = { type: string; date: string };

export type ContactView = {
  id: string;
  full_name: string;
  emails: EmailEntry[];
  phones: PhoneEntry[];
  notes: string | null;
  anniversaries: Anniversary[];
  created_at: string;
  updated_at: string;
};
export type ContactDetailView = ContactView & { active_sequences: ActiveSequence[] };

/** Runs before a write with the current representation (If-Match lives in the handler). */
export type Precondition = (current: ContactDetailView) => void | Promise<void>;

/** What `contactColumns` selects; `anniversaries` only where `anniversariesOf` rides along. */
type ContactColumns = Omit<ContactView, 'anniversaries'> & { anniversaries?: Anniversary[] };

// System timestamps are rendered like toIsoZ: UTC, whole seconds, `Z`.

/** A contact's anniversaries as a JSON array, in order (the contact row aliased `c`). */
export const anniversariesOf = sql`(SELECT coalesce(json_agg(json_build_object('type', a.type, 'date', a.date) ORDER BY a.position), '[]'::json)
  FROM contact_anniversaries a WHERE a.contact_id = c.id)`;

/** The columns of a contact row aliased `c`, shaped for `viewOf`. */
const contactColumns = sql`c.id, c.full_name, c.emails, c.phones, c.notes,
  ${isoZ(sql`c.created_at`)} AS created_at, ${isoZ(sql`c.updated_at`)} AS updated_at`;

const contactJson = sql`json_build_object('id', c.id, 'full_name', c.full_name, 'emails', c.emails, 'phones', c.phones,
  'notes', c.notes, 'created_at', ${isoZ(sql`c.created_at`)}, 'updated_at', ${isoZ(sql`c.updated_at`)}, 'anniversaries', ${anniversariesOf})`;

// Key order is fixed here (jsonb reorders keys), so the ETag of a representation is stable.
function viewOf(r: ContactColumns, anniversaries?: Anniversary[]): ContactView {
  return {
    id: r.id,
    full_name: r.full_name,
    emails: r.emails.map((e) => ({ label: e.label ?? null, address: e.address })),
    phones: r.phones.map((p) => ({ label: p.label ?? null, number: p.number })),
    notes: r.notes ?? null,
    anniversaries: (anniversaries ?? r.anniversaries ?? []).map((a) => ({ type: a.type, date: a.date })),
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

const detailOf = (v: ContactView, active: ActiveSequence[] = []): ContactDetailView => ({ ...v, active_sequences: active });

/** The contact's running enrollments, read by the contact's own statement (`c` its row). */
const activeSequences = (inboxId: string) => sql`${activeSequencesOf(sql`${inboxId}`, sql`c.id`)} AS active_sequences`;

export const cleanEmails = (list: { label?: string | null; address: string }[]): EmailEntry[] =>
  list.map((e) => ({ label: e.label ? e.label : null, address: e.address }));
export const cleanPhones = (list: { label?: string | null; number: string }[]): PhoneEntry[] =>
  list.map((p) => ({ label: p.label ? p.label : null, number: p.number }));

/** The anniversary rows to store (month/day split out for the scan and the agenda). */
export function anniversaryRows(list: Anniversary[]) {
  return list.map((a, position) => {
    const d = parseAnniversaryDate(a.date);
    if (!d) throw ApiError.field(`anniversaries.${position}.date`, 'must be YYYY-MM-DD (a real date) or --MM-DD');
    return { position, type: a.type, date: a.date, year: d.year, month: d.month, day: d.day };
  });
}

/** The anniversary rows to store, as one jsonb parameter for `jsonb_to_recordset`. */
const anniversaryRecords = (list: Anniversary[]): string => JSON.stringify(anniversaryRows(list));

const anniversaryRecordset = (records: string) =>
  sql`jsonb_to_recordset(${records}::jsonb) AS x(position int, type text, date text, year int, month int, day int)`;

// ---------------------------------------------------------------------------------------------

/**
 * The list query, always one round trip. Exported so the benchmark EXPLAINs exactly what the
 * endpoint runs.
 *
 * With `q`, the matches come from a BitmapOr of the GIN indexes and the window count rides along
 * with the page (one scan); only when the page is empty (offset past the end) does the fallback
 * count run — COALESCE evaluates it lazily. Without `q`, a window over the whole inbox would
 * buffer every row, so the page walks `contacts_inbox_name_idx` in order and stops after the
 * page, and the total is a separate index-only count.
 */
export function contactListQuery(inboxId: string, q: string | undefined, page: Page): SQL {
  const pageJson = sql`coalesce((SELECT json_agg(${contactJson} ORDER BY p.full_name, p.id)
    FROM page p JOIN contacts c ON c.id = p.id), '[]'::json) AS results`;
  // Keyset paging starts after the cursor's (full_name, id), in the index's own order (and
  // collation); offset paging skips rows.
  const [afterName, afterId] = page.after ?? [];
  const start = page.after ? sql`AND (c.full_name, c.id) > (${String(afterName)}, ${String(afterId)})` : sql``;
  const skip = page.after ? sql`` : sql`OFFSET ${page.offset}`;
  if (q === undefined || q.trim() === '') {
    return sql`
      WITH page AS (
        SELECT c.id, c.full_name FROM contacts c
        WHERE c.inbox_id = ${inboxId} ${start}
        ORDER BY c.full_name, c.id
        LIMIT ${page.limit} ${skip}
      )
      SELECT (SELECT count(*) FROM contacts c WHERE c.inbox_id = ${inboxId})::int AS total, ${pageJson}`;
  }
  const cond = searchCondition(q);
  // The window count of an offset page is the total; a keyset page only sees rows after its key.
  return sql`
    WITH page AS (
      SELECT c.id, c.full_name, ${page.after ? sql`NULL::bigint` : sql`count(*) OVER ()`} AS total
      FROM contacts c
      WHERE c.inbox_id = ${inboxId} AND ${cond} ${start}
      ORDER BY c.full_name, c.id
      LIMIT ${page.limit} ${skip}
    )
    SELECT
      coalesce((SELECT max(total) FROM page),
               (SELECT count(*) FROM contacts c WHERE c.inbox_id = ${inboxId} AND ${cond}))::int AS total,
      ${pageJson}`;
}

/** A contact's place in the listing's order: what a cursor after it names. */
export const contactSortKey = (c: { full_name: string; id: string }): [string, string] => [c.full_name, c.id];

export async function listContacts(db: Queryable, inbox: Inbox, input: { q?: string; page: Page }) {
  const r = await firstRowOf<{ total: number; results: ContactColumns[] }>(db, contactListQuery(inbox.id, input.q, input.page));
  return { results: (r?.results ?? []).map((x) => viewOf(x)), total: Number(r?.total ?? 0) };
}

async function readContact(db: Queryable, inbox: Inbox, id: string): Promise<ContactDetailView | null> {
  return (await readContactVersion(db, inbox, id))?.contact ?? null;
}

/**
 * The contact and its row version (Postgres' `xmin`, new with every write to the row): a change
 * is this read and one write guarded by the version, not an interactive transaction.
 */
async function readContactVersion(db: Queryable, inbox: Inbox, id: string) {
  const r = await firstRowOf<ContactColumns & { row_version: string; active_sequences: ActiveSequence[] }>(db, sql`
    SELECT ${contactColumns}, ${anniversariesOf} AS anniversaries, ${activeSequences(inbox.id)}, ${rowVersion(sql`c`)} AS row_version
    FROM contacts c WHERE c.id = ${id} AND c.inbox_id = ${inbox.id}`);
  return r ? { contact: detailOf(viewOf(r), r.active_sequences), version: r.row_version } : null;
}


export async function getContact(db: Queryable, inbox: Inbox, id: string): Promise<ContactDetailView> {
  const found = await readContact(db, inbox, id);
  if (!found) throw ApiError.notFound('Contact');
  return found;
}

export async function createContact(db: Queryable, inbox: Inbox, input: CreateContactInput, now: Date): Promise<ContactDetailView> {
  const id = newId('ctc', now.getTime());
  const emails = cleanEmails(input.emails);
  const phones = cleanPhones(input.phones);
  const anniversaries = input.anniversaries;
  const row = await firstRowOf<ContactColumns>(db, sql`
    WITH c AS (
      INSERT INTO contacts (id, inbox_id, full_name, emails, phones, notes, search_name, search_emails, search_phones, created_at, updated_at)
      VALUES (${id}, ${inbox.id}, ${input.full_name}, ${JSON.stringify(emails)}::jsonb, ${JSON.stringify(phones)}::jsonb,
              ${input.notes ?? null}, ${searchNameOf(input.full_name)}, ${searchEmailsOf(emails)}, ${searchPhonesOf(phones)},
              ${now.toISOString()}, ${now.toISOString()})
      RETURNING *
    ), a AS (
      INSERT INTO contact_anniversaries (inbox_id, contact_id, position, type, date, year, month, day)
      SELECT ${inbox.id}, ${id}, x.position, x.type, x.date, x.year, x.month, x.day
      FROM ${anniversaryRecordset(anniversaryRecords(anniversaries))}
    )
    SELECT ${contactColumns} FROM c`);
  return detailOf(viewOf(row!, anniversaries));
}

/**
 * Arrays replace, `notes: null` clears, absent fields stay. Two round trips: the contact is read
 * (and the precondition, If-Match, checked against it), then written by one statement guarded by
 * the row version read; should another write land in between, the guarded write matches nothing
 * and the change starts again from a fresh read, precondition included — nothing slips in
 * between the check and the write, and no change is lost.
 */
export async function updateContact(
  db: Queryable, inbox: Inbox, id: string, patch: PatchContactInput, now: Date, precondition?: Precondition,
): Promise<ContactDetailView> {
  return guardedChange(async () => {
    const read = await readContactVersion(db, inbox, id);
    if (!read) throw ApiError.notFound('Contact');
    const { contact: current, version } = read;
    if (precondition) await precondition(current);

    const next = {
      full_name: patch.full_name ?? current.full_name,
      emails: patch.emails ? cleanEmails(patch.emails) : current.emails,
      phones: patch.phones ? cleanPhones(patch.phones) : current.phones,
      notes: patch.notes === undefined ? current.notes : patch.notes,
      anniversaries: patch.anniversaries ?? current.anniversaries,
    };
    const unchanged = JSON.stringify({ ...current, ...next }) === JSON.stringify(current);
    if (unchanged) return current;

    // Positions below the new count are upserted and the rest deleted: the two sub-statements
    // touch disjoint keys, so they can share one statement; both only if the guarded UPDATE matched.
    const replaceAnniversaries = patch.anniversaries
      ? sql`, up AS (
          INSERT INTO contact_anniversaries (inbox_id, contact_id, position, type, date, year, month, day)
          SELECT ${inbox.id}, ${id}, x.position, x.type, x.date, x.year, x.month, x.day
          FROM ${anniversaryRecordset(anniversaryRecords(next.anniversaries))}
          WHERE EXISTS (SELECT 1 FROM c)
          ON CONFLICT (contact_id, position) DO UPDATE
            SET type = excluded.type, date = excluded.date, year = excluded.year, month = excluded.month, day = excluded.day
        ), trimmed AS (
          DELETE FROM contact_anniversaries WHERE contact_id = ${id} AND position >= ${next.anniversaries.length}
            AND EXISTS (SELECT 1 FROM c)
        )`
      : sql``;
    const row = await firstRowOf<ContactColumns & { active_sequences: ActiveSequence[] }>(db, sql`
      WITH c AS (
        UPDATE contacts SET
          full_name = ${next.full_name}, emails = ${JSON.stringify(next.emails)}::jsonb, phones = ${JSON.stringify(next.phones)}::jsonb,
          notes = ${next.notes}, search_name = ${searchNameOf(next.full_name)},
          search_emails = ${searchEmailsOf(next.emails)}, search_phones = ${searchPhonesOf(next.phones)},
          updated_at = ${now.toISOString()}
        WHERE id = ${id} AND inbox_id = ${inbox.id} AND ${rowVersion()} = ${version}
        RETURNING *
      )${replaceAnniversaries}
      SELECT ${contactColumns}, ${activeSequences(inbox.id)} FROM c`);
    return row ? detailOf(viewOf(row, next.anniversaries), row.active_sequences) : null;
  }, () => new ApiError(409, 'conflict', 'The contact kept changing while this change was being made; send it again.'));
}

/**
 * Deletes the contact, its anniversaries (cascade) and its label associations, and cancels its
 * sequence enrollments, in one statement.
 * With a precondition (If-Match) the contact is read first and the delete guarded by the row
 * version read, as in `updateContact`.
 */
export async function deleteContact(db: Queryable, inbox: Inbox, id: string, now: Date, precondition?: Precondition): Promise<void> {
  await guardedChange(async () => {
    let guard = sql``;
    if (precondition) {
      const read = await readContactVersion(db, inbox, id);
      if (!read) throw ApiError.notFound('Contact');
      await precondition(read.contact);
      guard = sql`AND ${rowVersion()} = ${read.version}`;
    }
    const { rows } = await db.execute(sql`
      WITH gone AS (
        DELETE FROM contacts WHERE id = ${id} AND inbox_id = ${inbox.id} ${guard} RETURNING id
      ), unlinked AS (
        DELETE FROM label_entities
        WHERE inbox_id = ${inbox.id} AND entity_type = 'contact' AND entity_id IN (SELECT id FROM gone)
      ), ${cancelContactEnrollments(inbox.id, sql`SELECT id FROM gone`, now)}
      SELECT id FROM gone`);
    if (rows.length > 0) return true;
    // Unguarded, nothing deleted means no such contact; guarded, the contact changed (or went).
    if (!precondition) throw ApiError.notFound('Contact');
    return null;
  }, () => new ApiError(409, 'conflict', 'The contact kept changing while it was being deleted; send it again.'));
}
