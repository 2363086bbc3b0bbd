/**
 * Sequences and their enrollments (docs/mail.md): the CRUD verbs and what mail does to them. The
 * scan's side — recording due emails and what a send leaves behind — is `steps.ts`.
 */
import { sql, type SQL } from 'drizzle-orm';
import { allOf, firstRowOf, isoZ, pageOfRows, rowsOf, sqlState, type Queryable } from '../db/sql';
import type { EnrollmentStatus, SequenceEmail } from '../db/schema';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import type { Page } from '../http/pagination';
import { anchorOf, emailDueAt } from './schedule';
import type { CreateSequenceInput, EnrollInput, PatchSequenceInput } from './schemas';

type SequenceRecord = {
  sequence_id: string; name: string; exit_on_reply: boolean; emails: SequenceEmail[];
  active_enrollments: number; created_at: string; updated_at: string;
};

const sequenceColumns = sql`s.id AS sequence_id, s.name, s.exit_on_reply, s.emails,
  (SELECT count(*)::int FROM sequence_enrollments e WHERE e.sequence_id = s.id AND e.status = 'active') AS active_enrollments,
  ${isoZ(sql`s.created_at`)} AS created_at, ${isoZ(sql`s.updated_at`)} AS updated_at`;

/** The emails as stored: exactly the three fields, in order. */
const emailsOf = (list: CreateSequenceInput['emails']): SequenceEmail[] =>
  list.map((e) => ({ delay_days: e.delay_days, subject: e.subject, body: e.body }));

export async function createSequence(db: Queryable, inbox: Inbox, input: CreateSequenceInput, now: Date): Promise<SequenceRecord> {
  const row = await firstRowOf<SequenceRecord>(db, sql`
    WITH s AS (
      INSERT INTO sequences (id, inbox_id, name, exit_on_reply, emails, created_at, updated_at)
      VALUES (${newId('seq', now.getTime())}, ${inbox.id}, ${input.name}, ${input.exit_on_reply}, ${JSON.stringify(emailsOf(input.emails))}::jsonb,
              ${now.toISOString()}, ${now.toISOString()})
      RETURNING *
    )
    SELECT s.id AS sequence_id, s.name, s.exit_on_reply, s.emails, 0 AS active_enrollments,
           ${isoZ(sql`s.created_at`)} AS created_at, ${isoZ(sql`s.updated_at`)} AS updated_at FROM s`);
  return row!;
}

export async function listSequences(db: Queryable, inbox: Inbox, page: Page) {
  return pageOfRows<SequenceRecord>(db, {
    total: sql`SELECT count(*)::int FROM sequences WHERE inbox_id = ${inbox.id}`,
    rows: sql`SELECT ${sequenceColumns} FROM sequences s WHERE s.inbox_id = ${inbox.id} ORDER BY s.id`,
    page,
  });
}

export async function getSequence(db: Queryable, inbox: Inbox, id: string): Promise<SequenceRecord> {
  const row = await firstRowOf<SequenceRecord>(db, sql`SELECT ${sequenceColumns} FROM sequences s WHERE s.id = ${id} AND s.inbox_id = ${inbox.id}`);
  if (!row) throw ApiError.notFound('Sequence');
  return row;
}

/** Absent fields stay; `emails` replaces the list (running enrollments keep their own copy). */
export async function updateSequence(db: Queryable, inbox: Inbox, id: string, patch: PatchSequenceInput, now: Date): Promise<SequenceRecord> {
  const row = await firstRowOf<SequenceRecord>(db, sql`
    WITH s AS (
      UPDATE sequences SET
        name = COALESCE(${patch.name ?? null}, name),
        exit_on_reply = COALESCE(${patch.exit_on_reply ?? null}::boolean, exit_on_reply),
        emails = COALESCE(${patch.emails ? JSON.stringify(emailsOf(patch.emails)) : null}::jsonb, emails),
        updated_at = ${now.toISOString()}
      WHERE id = ${id} AND inbox_id = ${inbox.id}
      RETURNING *
    )
    SELECT ${sequenceColumns} FROM s`);
  if (!row) throw ApiError.notFound('Sequence');
  return row;
}

/**
 * The active enrollments `ended` names end as `status`, their unsent emails with them;
 * `current_email` falls back to the last one sent (or stays 1 if none was).
 */
function endEnrollments(ended: SQL, status: EnrollmentStatus, now: Date): SQL {
  return sql`
    ended AS (
      UPDATE sequence_enrollments e SET status = ${status}, current_email = GREATEST(e.current_email - 1, 1), next_email_at = NULL,
        ended_at = ${now.toISOString()}, updated_at = ${now.toISOString()}
      WHERE e.status = 'active' AND ${ended}
      RETURNING e.*
    ),
    unsent AS (
      UPDATE outbox o SET status = 'cancelled', updated_at = ${now.toISOString()}
      WHERE o.status = 'pending' AND o.enrollment_id IN (SELECT id FROM ended)
    )`;
}

/** Deletes the sequence and cancels its active enrollments, in one statement. */
export async function deleteSequence(db: Queryable, inbox: Inbox, id: string, now: Date): Promise<void> {
  const rows = await rowsOf<{ id: string }>(db, sql`
    WITH gone AS (DELETE FROM sequences WHERE id = ${id} AND inbox_id = ${inbox.id} RETURNING id),
    ${endEnrollments(sql`e.inbox_id = ${inbox.id} AND e.sequence_id IN (SELECT id FROM gone)`, 'cancelled', now)}
    SELECT id FROM gone`);
  if (rows.length === 0) throw ApiError.notFound('Sequence');
}

/** A contact's enrollments end with it (`deleteContact` runs this inside its own statement). */
export const cancelContactEnrollments = (inboxId: string, contactIds: SQL, now: Date): SQL =>
  endEnrollments(sql`e.inbox_id = ${inboxId} AND e.contact_id IN (${contactIds})`, 'cancelled', now);

// ── Enrollments ──────────────────────────────────────────────────────────────────────────────

type EnrollmentRecord = {
  id: string; sequence_id: string; sequence_name: string; contact_id: string; to_email: string;
  current_email: number; total_emails: number; next_email_at: string | null; status: EnrollmentStatus;
  thread_id: string | null; created_at: string; updated_at: string;
};

const enrollmentColumns = (e: SQL) => sql`${e}.id, ${e}.sequence_id, ${e}.sequence_name, ${e}.contact_id, ${e}.to_email,
  ${e}.current_email, jsonb_array_length(${e}.emails) AS total_emails,
  CASE WHEN ${e}.next_email_at IS NULL THEN NULL ELSE ${isoZ(sql`${e}.next_email_at`)} END AS next_email_at,
  ${e}.status, ${e}.thread_id, ${isoZ(sql`${e}.created_at`)} AS created_at, ${isoZ(sql`${e}.updated_at`)} AS updated_at`;

const enrollmentView = (r: EnrollmentRecord) => ({
  enrollment_id: r.id, sequence_id: r.sequence_id, sequence_name: r.sequence_name, contact_id: r.contact_id,
  email: r.to_email, current_email: r.current_email, total_emails: r.total_emails, next_email_at: r.next_email_at,
  status: r.status, thread_id: r.thread_id, created_at: r.created_at, updated_at: r.updated_at,
});
export type EnrollmentView = ReturnType<typeof enrollmentView>;

export type ActiveSequence = {
  enrollment_id: string; sequence_id: string; sequence_name: string; status: 'active';
  current_email: number; total_emails: number; next_email_at: string;
};

/**
 * The contact's active enrollments as `GET /v1/contacts/{id}/` shows them (`active_sequences`),
 * for the contact row `contactId` names — a subquery of the contact's own statement.
 */
export const activeSequencesOf = (inboxId: SQL, contactId: SQL): SQL => sql`(
  SELECT coalesce(json_agg(json_build_object(
    'enrollment_id', e.id, 'sequence_id', e.sequence_id, 'sequence_name', e.sequence_name, 'status', e.status,
    'current_email', e.current_email, 'total_emails', jsonb_array_length(e.emails),
    'next_email_at', ${isoZ(sql`e.next_email_at`)}) ORDER BY e.id), '[]'::json)
  FROM sequence_enrollments e WHERE e.inbox_id = ${inboxId} AND e.contact_id = ${contactId} AND e.status = 'active')`;

/**
 * Two round trips: the sequence and the contact are read (404 / 400 before anything is written),
 * then the enrollment inserted; the partial unique index makes a second active enrollment of the
 * same contact in the same sequence a 409, however close together they come.
 */
export async function enroll(db: Queryable, inbox: Inbox, input: EnrollInput, now: Date): Promise<EnrollmentView> {
  const found = await firstRowOf<{ sequence: { name: string; exit_on_reply: boolean; emails: SequenceEmail[] } | null; contact: { email: string | null; name: string } | null }>(db, sql`
    SELECT (SELECT json_build_object('name', s.name, 'exit_on_reply', s.exit_on_reply, 'emails', s.emails)
            FROM sequences s WHERE s.id = ${input.sequence_id} AND s.inbox_id = ${inbox.id}) AS sequence,
           (SELECT json_build_object('email', lower(c.emails->0->>'address'), 'name', c.full_name)
            FROM contacts c WHERE c.id = ${input.contact_id} AND c.inbox_id = ${inbox.id}) AS contact`);
  const { sequence, contact } = found ?? { sequence: null, contact: null };
  if (!sequence) throw ApiError.notFound('Sequence');
  if (!contact) throw ApiError.notFound('Contact');
  if (!contact.email) throw ApiError.field('contact_id', 'the contact has no email address to send the sequence to');
  const zone = inbox.defaultTimezone ?? 'UTC';
  const anchor = anchorOf(now, zone);
  const first = emailDueAt(anchor, zone, sequence.emails, 1);
  try {
    const row = await firstRowOf<EnrollmentRecord>(db, sql`
      WITH e AS (
        INSERT INTO sequence_enrollments (id, inbox_id, sequence_id, sequence_name, contact_id, to_email, to_name, exit_on_reply, emails,
                                          status, current_email, next_email_at, anchor_local, time_zone, created_at, updated_at)
        VALUES (${newId('enr', now.getTime())}, ${inbox.id}, ${input.sequence_id}, ${sequence.name}, ${input.contact_id}, ${contact.email}, ${contact.name},
                ${sequence.exit_on_reply}, ${JSON.stringify(sequence.emails)}::jsonb, 'active', 1, ${first.toISOString()}, ${anchor}, ${zone},
                ${now.toISOString()}, ${now.toISOString()})
        RETURNING *
      )
      SELECT ${enrollmentColumns(sql`e`)} FROM e`);
    return enrollmentView(row!);
  } catch (err) {
    if (sqlState(err) === '23505') throw new ApiError(409, 'conflict', 'The contact is already active in this sequence.');
    throw err;
  }
}

export interface EnrollmentFilter {
  sequenceId?: string;
  contactId?: string;
  status?: EnrollmentStatus;
}

/** Oldest first (by id, which is time-sortable). */
export async function listEnrollments(db: Queryable, inbox: Inbox, f: EnrollmentFilter, page: Page) {
  const where = allOf([
    sql`e.inbox_id = ${inbox.id}`,
    f.sequenceId ? sql`e.sequence_id = ${f.sequenceId}` : undefined,
    f.contactId ? sql`e.contact_id = ${f.contactId}` : undefined,
    f.status ? sql`e.status = ${f.status}` : undefined,
  ]);
  const { total, results } = await pageOfRows<EnrollmentRecord>(db, {
    total: sql`SELECT count(*)::int FROM sequence_enrollments e WHERE ${where}`,
    rows: sql`SELECT ${enrollmentColumns(sql`e`)} FROM sequence_enrollments e WHERE ${where} ORDER BY e.id`,
    page,
  });
  return { total, results: results.map(enrollmentView) };
}

export async function getEnrollment(db: Queryable, inbox: Inbox, id: string): Promise<EnrollmentView> {
  const row = await firstRowOf<EnrollmentRecord>(db, sql`
    SELECT ${enrollmentColumns(sql`e`)} FROM sequence_enrollments e WHERE e.id = ${id} AND e.inbox_id = ${inbox.id}`);
  if (!row) throw ApiError.notFound('Enrollment');
  return enrollmentView(row);
}

/** Cancels an active enrollment and its unsent email; one that already ended is answered as it is. */
export async function cancelEnrollment(db: Queryable, inbox: Inbox, id: string, now: Date): Promise<EnrollmentView> {
  // The outer SELECT sees the rows as they were before the statement: the changed row comes from
  // `ended`, an unchanged one from the table.
  const row = await firstRowOf<EnrollmentRecord>(db, sql`
    WITH ${endEnrollments(sql`e.id = ${id} AND e.inbox_id = ${inbox.id}`, 'cancelled', now)}
    SELECT ${enrollmentColumns(sql`e`)} FROM ended e
    UNION ALL
    SELECT ${enrollmentColumns(sql`e`)} FROM sequence_enrollments e
    WHERE e.id = ${id} AND e.inbox_id = ${inbox.id} AND NOT EXISTS (SELECT 1 FROM ended)`);
  if (!row) throw ApiError.notFound('Enrollment');
  return enrollmentView(row);
}

/**
 * A live inbound message in a sequence's thread from one of the contact's addresses (the one it
 * was sent to, or any the contact has now) ends an `exit_on_reply` enrollment (docs/mail.md).
 */
export async function exitOnReply(db: Queryable, inbox: Inbox, message: { thread_id: string; from_email: string }, now: Date): Promise<number> {
  const from = message.from_email.toLowerCase();
  const rows = await rowsOf<{ id: string }>(db, sql`
    WITH ${endEnrollments(sql`e.inbox_id = ${inbox.id} AND e.thread_id = ${message.thread_id} AND e.exit_on_reply
      AND (e.to_email = ${from} OR EXISTS (
        SELECT 1 FROM contacts c WHERE c.id = e.contact_id AND c.inbox_id = e.inbox_id
          AND string_to_array(c.search_emails, ' ') @> ARRAY[${from}]::text[]))`, 'exited_on_reply', now)}
    SELECT id FROM ended`);
  return rows.length;
}
