/**
 * Rows and SQL: the rule.
 *
 * - Single-table CRUD goes through the query builder (`db.select/insert/update/delete`): its rows
 *   are the tables' inferred types (`XRow = typeof x.$inferSelect`, exported next to each table in
 *   src/db/schema), status-like columns included (Postgres enums, `pgEnum`).
 * - Raw `sql` is kept for the one-round-trip composites the builder cannot say: CTEs, json_agg,
 *   INSERT … SELECT, jsonb_to_recordset, UPDATE … FROM. Such a statement names the shape of its
 *   rows once, where it is written, and is read through `rowsOf<T>` / `firstRowOf<T>` (or
 *   `jsonRowsOf<T>` for rows that arrive in a JSON array); its timestamps arrive in text and
 *   become Dates through `asDate`.
 * - No `Record<string, unknown>` decoded field by field, no `as` on rows.
 * - A change that must see the row it changes (a precondition, a value computed from the old
 *   one) is a read and one write guarded by the row version read (`rowVersion`: selected with
 *   the row, then `WHERE … AND ${rowVersion()} = …`), run by `guardedChange`: two round trips on
 *   the HTTP path, no interactive transaction. A guarded write that matches nothing means another
 *   write landed in between; the change starts again from a fresh read, at most
 *   GUARDED_WRITE_ATTEMPTS times, then is a 409.
 * - A raw statement that writes a computed value (CASE, a recordset column) into an enum column
 *   casts it (`'failed'::delivery_status`): Postgres casts a bare literal or parameter to the
 *   column's enum by itself, but not a text expression.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Queryable } from './client';

export type { Queryable };

const codeOf = (e: unknown): unknown => (typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined);
const causeOf = (e: unknown): unknown => (typeof e === 'object' && e !== null && 'cause' in e ? e.cause : undefined);

/** The SQLSTATE of a failed statement: on the driver's error, or the one drizzle wraps it in. */
export function sqlState(e: unknown): string | undefined {
  const code = codeOf(e) ?? codeOf(causeOf(e));
  return typeof code === 'string' ? code : undefined;
}

/** How often a guarded change is tried before it answers 409 (see the rule above). */
const GUARDED_WRITE_ATTEMPTS = 5;

/** A row's version as a guarded write checks it: Postgres' `xmin`, new with every write to the row. */
export const rowVersion = (row?: SQL) => (row ? sql`${row}.xmin::text` : sql`xmin::text`);

/**
 * Runs `attempt` — a read, then one write guarded by the version it read, answering null when
 * the guard matched nothing — until it writes, at most GUARDED_WRITE_ATTEMPTS times; then throws
 * what `conflict` makes (the resource's 409).
 */
export async function guardedChange<T>(attempt: () => Promise<T | null>, conflict: () => Error): Promise<T> {
  for (let i = 1; i <= GUARDED_WRITE_ATTEMPTS; i++) {
    const done = await attempt();
    if (done !== null) return done;
  }
  throw conflict();
}

/** The rows of a raw statement, in the shape the statement produces (`T` is its column list). */
// (Row shapes are type aliases, not interfaces: the driver's row type is an index signature.)
export async function rowsOf<T extends Record<string, unknown>>(db: Queryable, query: SQL) {
  const { rows } = await db.execute<T>(query);
  return rows;
}

/** The first row of a raw statement (undefined when it returned none). */
export async function firstRowOf<T extends Record<string, unknown>>(db: Queryable, query: SQL) {
  const rows = await rowsOf<T>(db, query);
  return rows[0];
}

/**
 * Rows that arrived in a JSON array (a json_agg subquery read elsewhere): the statement that
 * built them names their shape, which JSON itself cannot carry. The one place such rows are typed.
 */
export function jsonRowsOf<T>(rows: readonly unknown[]): T[] {
  return rows as T[];
}

/** An instant as the API renders it (UTC, seconds, `Z`), computed in SQL. */
export const isoZ = (col: SQL) => sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * The driver hands timestamptz over as text ('2024-06-03 13:00:00+00'); json_agg renders it as
 * ISO ('2024-06-03T13:00:00+00:00'). Both become a Date here.
 */
export function asDate(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v);
  const s = String(v).trim().replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new TypeError(`unreadable timestamp '${String(v)}'`);
  return d;
}

/** `asDate` for a nullable column. */
export function asDateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : asDate(v);
}

/**
 * A text[] value from a JS list, as one JSON parameter: drizzle's `sql` would spread an array
 * parameter into a list of parameters, which is not an array.
 */
export const textArray = (list: readonly string[]) => sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(list)}::jsonb))`;

/** The conditions that are given, joined by AND (a filter's optional parts). */
export const allOf = (conds: readonly (SQL | undefined)[]): SQL =>
  sql.join(conds.filter((c): c is SQL => c !== undefined), sql` AND `);

/**
 * A page of a listing and its exact total in one statement: `total` is a scalar count, `rows` a
 * filtered and ordered SELECT (the page's LIMIT / OFFSET are added here).
 */
export async function pageOfRows<T>(db: Queryable, q: { total: SQL; rows: SQL; page: { limit: number; offset: number } }): Promise<{ total: number; results: T[] }> {
  const row = await firstRowOf<{ total: number; results: T[] | null }>(db, sql`
    SELECT (${q.total}) AS total,
           (SELECT json_agg(p) FROM (${q.rows} LIMIT ${q.page.limit} OFFSET ${q.page.offset}) p) AS results`);
  return { total: row?.total ?? 0, results: row?.results ?? [] };
}
