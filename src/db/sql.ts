/** Small SQL and row helpers shared by every service that reads timestamps. */
import { sql, type SQL } from 'drizzle-orm';

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
