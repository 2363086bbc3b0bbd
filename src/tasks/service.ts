import type { Queryable } from '../db/sql';
import { and, asc, eq, isNotNull, lt, sql } from 'drizzle-orm';
import type { PgInsertValue, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { tasks, type TaskRow } from '../db/schema';
import type { Inbox } from '../http/context';
import { ApiError } from '../http/errors';
import { newId } from '../http/ids';
import { toUtcBasic } from '../time/zones';
import { MAX_SUMMARY, type CreateTaskInput, type PatchTaskInput } from './schemas';

/** A task as the API shows it: VTODO semantics, timestamps in iCalendar basic UTC. */
export function taskView(r: TaskRow) {
  return {
    uid: r.uid,
    summary: r.summary,
    status: r.status,
    due_date: r.dueDate,
    description: r.description,
    categories: r.categories,
    created: toUtcBasic(r.createdAt),
    completed: r.completedAt ? toUtcBasic(r.completedAt) : null,
    calendar_id: r.calendarId,
  };
}
export type TaskView = ReturnType<typeof taskView>;

/** Called with the current representation before a change (If-Match); throws to refuse it. */
export type Precondition = (current: TaskView) => Promise<void>;

/** Duplicates would only repeat themselves in the VTODO CATEGORIES list. */
function uniqueCategories(list: string[] | undefined): string[] {
  return [...new Set(list ?? [])];
}

export async function listTasks(db: Queryable, inbox: Inbox, q: { includeCompleted: boolean; dueBefore?: string }) {
  const rows = await db.select().from(tasks)
    .where(and(
      eq(tasks.inboxId, inbox.id),
      q.includeCompleted ? undefined : eq(tasks.status, 'NEEDS-ACTION'),
      q.dueBefore ? and(isNotNull(tasks.dueDate), lt(tasks.dueDate, q.dueBefore)) : undefined,
    ))
    .orderBy(sql`${tasks.dueDate} ASC NULLS LAST`, asc(tasks.createdAt), asc(tasks.uid));
  return { count: rows.length, results: rows.map(taskView) };
}

/**
 * Creates a task in the inbox's Tasks calendar. With `firingId` (an alert's task delivery) the
 * insert is idempotent: a redelivered firing returns the task the first delivery made, so there
 * is exactly one task per firing however often the queue hands it over.
 */
export async function createTask(
  db: Queryable, inbox: Inbox, input: CreateTaskInput, now: Date, opts: { firingId?: string } = {},
): Promise<TaskView> {
  const values: PgInsertValue<typeof tasks> = {
    uid: newId('tsk', now.getTime()),
    inboxId: inbox.id,
    // The Tasks calendar is made with the inbox; reading it inside the INSERT saves a round trip.
    calendarId: sql<string>`(SELECT id FROM calendars WHERE inbox_id = ${inbox.id} AND kind = 'tasks' ORDER BY id LIMIT 1)`,
    // Alert templates can expand past the API's limit; the stored task keeps the API's shape.
    summary: input.summary.slice(0, MAX_SUMMARY),
    description: input.description ?? null,
    dueDate: input.due_date ?? null,
    categories: uniqueCategories(input.categories),
    firingId: opts.firingId ?? null,
    status: 'NEEDS-ACTION',
    createdAt: now,
    updatedAt: now,
  };
  if (!opts.firingId) {
    const [row] = await db.insert(tasks).values(values).returning();
    return taskView(row!);
  }
  const [row] = await db.insert(tasks).values(values).onConflictDoNothing({ target: tasks.firingId }).returning();
  if (row) return taskView(row);
  // Already delivered (perhaps by a concurrent consumer whose insert we waited on).
  const [existing] = await db.select().from(tasks).where(and(eq(tasks.firingId, opts.firingId), eq(tasks.inboxId, inbox.id)));
  if (!existing) throw new Error(`firing ${opts.firingId} already made a task in another inbox`);
  return taskView(existing);
}

export async function getTask(db: Queryable, inbox: Inbox, uid: string): Promise<TaskView> {
  const [row] = await db.select().from(tasks).where(and(eq(tasks.uid, uid), eq(tasks.inboxId, inbox.id)));
  if (!row) throw ApiError.notFound('Task');
  return taskView(row);
}

function changesOf(patch: PatchTaskInput, now: Date): PgUpdateSetSource<typeof tasks> {
  const set: PgUpdateSetSource<typeof tasks> = { updatedAt: now };
  if (patch.summary !== undefined) set.summary = patch.summary;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.due_date !== undefined) set.dueDate = patch.due_date;
  if (patch.categories !== undefined) set.categories = uniqueCategories(patch.categories);
  if (patch.completed === true) {
    set.status = 'COMPLETED';
    // Completing a completed task keeps the moment it was first completed.
    set.completedAt = sql`COALESCE(${tasks.completedAt}, ${now.toISOString()}::timestamptz)`;
  } else if (patch.completed === false) {
    set.status = 'NEEDS-ACTION';
    set.completedAt = null;
  }
  return set;
}

/**
 * Without a precondition the change is one UPDATE. With one (If-Match), the row is locked, the
 * precondition checked against it, and only then changed, so a concurrent writer cannot slip in
 * between the check and the change.
 */
export async function updateTask(
  db: Queryable, inbox: Inbox, uid: string, patch: PatchTaskInput, now: Date, precondition?: Precondition,
): Promise<TaskView> {
  const where = and(eq(tasks.uid, uid), eq(tasks.inboxId, inbox.id));
  if (!precondition) {
    const [row] = await db.update(tasks).set(changesOf(patch, now)).where(where).returning();
    if (!row) throw ApiError.notFound('Task');
    return taskView(row);
  }
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(tasks).where(where).for('update');
    if (!current) throw ApiError.notFound('Task');
    await precondition(taskView(current));
    const [row] = await tx.update(tasks).set(changesOf(patch, now)).where(where).returning();
    return taskView(row!);
  });
}

export async function deleteTask(db: Queryable, inbox: Inbox, uid: string, precondition?: Precondition): Promise<void> {
  const where = and(eq(tasks.uid, uid), eq(tasks.inboxId, inbox.id));
  if (!precondition) {
    const rows = await db.delete(tasks).where(where).returning({ uid: tasks.uid });
    if (rows.length === 0) throw ApiError.notFound('Task');
    return;
  }
  await db.transaction(async (tx) => {
    const [current] = await tx.select().from(tasks).where(where).for('update');
    if (!current) throw ApiError.notFound('Task');
    await precondition(taskView(current));
    await tx.delete(tasks).where(where);
  });
}
