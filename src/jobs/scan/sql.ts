/** SQL pieces shared by the scan's statements. */
import { sql, type SQL } from 'drizzle-orm';
import { newId } from '../../http/ids';

/**
 * Ledger ids made inside an INSERT … SELECT: the time part of `newId` for the scan's instant
 * (every row of one scan shares it) and 64 random bits per row.
 */
export function idExpr(prefix: 'dlv' | 'msg', now: Date): SQL {
  const time = newId(prefix, now.getTime()).slice(prefix.length + 1, prefix.length + 11);
  return sql`${`${prefix}_${time}`} || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16)`;
}

export { isoZ } from '../../db/sql';

/** An instant as a wall time in `zone`, `YYYY-MM-DDTHH:mm:ss`. */
export const wallIn = (col: SQL, zone: SQL) => sql`to_char(${col} AT TIME ZONE ${zone}, 'YYYY-MM-DD"T"HH24:MI:SS')`;

/** `{ value, unit }` of an alert's offset, or null. */
export const offsetJson = (alias: string) =>
  sql.raw(`CASE WHEN ${alias}.offset_value IS NULL THEN NULL ELSE jsonb_build_object('value', ${alias}.offset_value, 'unit', ${alias}.offset_unit) END`);

export const INSERT_COLUMNS = sql.raw(
  'INSERT INTO deliveries (id, firing_id, inbox_id, alert_id, source_key, type, scheduled_for, payload, status, attempts, created_at, updated_at)',
);
