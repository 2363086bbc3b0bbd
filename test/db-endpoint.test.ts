// The local stand-in for Neon's endpoint (scripts/lib/db-endpoint.mjs), held to the real
// driver: `neon()` from @neondatabase/serverless, inside workerd, over HTTP — what the Worker's
// every one-shot statement goes through in the suite and in `npm run dev`.
import { describe, expect, it } from 'vitest';
import { neon, neonConfig, NeonDbError } from '@neondatabase/serverless';
import { openDb } from '../src/db/client';
import { loadConfig } from '../src/config';
import { testEnv } from './support/env';

const config = loadConfig(testEnv);
// openDb points the driver's fetchEndpoint at the stand-in (once per isolate).
openDb(config);
const sql = neon(config.databaseUrl);
const full = neon(config.databaseUrl, { fullResults: true });

async function failure(p: Promise<unknown>): Promise<NeonDbError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(NeonDbError);
    return e as NeonDbError;
  }
  throw new Error('expected the statement to fail');
}

describe('local Neon endpoint: the HTTP path, through the real driver', () => {
  it('is where the driver sends one-shot statements', () => {
    expect(typeof neonConfig.fetchEndpoint === 'function' && neonConfig.fetchEndpoint('db.example', 5432)).toBe(`http://${config.localEndpoint}/sql`);
  });

  it('a single query with parameters: rows as objects, values parsed by the driver from raw text', async () => {
    const rows = await sql`SELECT ${41}::int + 1 AS n, ${'a\u00e9\u{1F600}'}::text AS s, '2024-06-03 13:00:00+00'::timestamptz AS t,
      '{"a":[1,2]}'::jsonb AS j, ARRAY[1,2,3]::int[] AS arr, 9007199254740993::int8 AS big, NULL::text AS nothing, true AS yes,
      '\\x00ff'::bytea AS bytes`;
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect(r.n).toBe(42);
    expect(r.s).toBe('a\u00e9\u{1F600}');
    // Timestamps stay Postgres' text: drizzle sets the driver's parsers for them so (src/db/sql.ts asDate).
    expect(r.t).toBe('2024-06-03 13:00:00+00');
    expect(r.j).toEqual({ a: [1, 2] });
    expect(r.arr).toEqual([1, 2, 3]);
    // int8 stays text (the driver's default parser), as on Neon: no precision is lost.
    expect(r.big).toBe('9007199254740993');
    expect(r.nothing).toBeNull();
    expect(r.yes).toBe(true);
    expect([...(r.bytes as Uint8Array)]).toEqual([0, 255]);
  });

  it('array mode and full results: fields with type ids, command and row count', async () => {
    const rows = await sql.query('SELECT x, x * 2 AS y FROM generate_series(1, $1::int) AS x', [3], { arrayMode: true });
    expect(rows).toEqual([[1, 2], [2, 4], [3, 6]]);
    const res = await full.query('SELECT x FROM generate_series(1, 4) AS x WHERE x > $1', [2]);
    expect(res.command).toBe('SELECT');
    expect(res.rowCount).toBe(2);
    expect(res.fields.map((f) => [f.name, f.dataTypeID])).toEqual([['x', 23]]);
    expect(res.rows).toEqual([{ x: 3 }, { x: 4 }]);
  });

  it('a bytea parameter arrives as bytes', async () => {
    const [r] = await sql`SELECT length(${new Uint8Array([1, 2, 3, 0])}::bytea) AS n, ${new Uint8Array([7, 8])}::bytea AS back`;
    expect(r!.n).toBe(4);
    expect([...(r!.back as Uint8Array)]).toEqual([7, 8]);
  });

  it('one statement per query, as on Neon (the extended protocol)', async () => {
    const e = await failure(sql.query('SELECT 1; SELECT 2'));
    expect(e.code).toBe('42601');
  });

  it('errors carry Postgres\' code, detail, position and the names of what they concern', async () => {
    const syntax = await failure(sql.query('SELECT * FROM nowhere_at_all'));
    expect(syntax.code).toBe('42P01');
    expect(syntax.message).toContain('nowhere_at_all');
    expect(syntax.position).toBe('15');
    expect(syntax.severity).toBe('ERROR');

    const table = `endpoint_probe_${crypto.randomUUID().replace(/-/g, '')}`;
    await sql.query(`CREATE TABLE ${table} (id int PRIMARY KEY, note text NOT NULL)`);
    try {
      await sql.query(`INSERT INTO ${table} VALUES (1, 'a')`);
      const dup = await failure(sql.query(`INSERT INTO ${table} VALUES (1, 'b')`));
      expect(dup.code).toBe('23505');
      expect(dup.detail).toBe('Key (id)=(1) already exists.');
      expect(dup.table).toBe(table);
      expect(dup.constraint).toBe(`${table}_pkey`);
      const nul = await failure(sql.query(`INSERT INTO ${table} VALUES (2, NULL)`));
      expect(nul.code).toBe('23502');
      expect(nul.column).toBe('note');
    } finally {
      await sql.query(`DROP TABLE ${table}`);
    }
  });

  it('a batch is one transaction: all statements or none', async () => {
    const table = `endpoint_batch_${crypto.randomUUID().replace(/-/g, '')}`;
    await sql.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    try {
      const [inserted, counted] = await sql.transaction([
        sql.query(`INSERT INTO ${table} VALUES (1), (2) RETURNING id`),
        sql.query(`SELECT count(*)::int AS n FROM ${table}`),
      ]);
      expect(inserted).toEqual([{ id: 1 }, { id: 2 }]);
      // The second statement sees the first: they ran in one transaction, in order.
      expect(counted).toEqual([{ n: 2 }]);

      const e = await failure(sql.transaction([
        sql.query(`INSERT INTO ${table} VALUES (3)`),
        sql.query(`INSERT INTO ${table} VALUES (1)`),
      ]));
      expect(e.code).toBe('23505');
      expect(await sql.query(`SELECT id FROM ${table} ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await sql.query(`DROP TABLE ${table}`);
    }
  });

  it('a batch honours its isolation level, read-only and deferrable settings', async () => {
    const settings = await sql.transaction([
      sql`SELECT current_setting('transaction_isolation') AS v`,
      sql`SELECT current_setting('transaction_read_only') AS v`,
      sql`SELECT current_setting('transaction_deferrable') AS v`,
    ], { isolationLevel: 'Serializable', readOnly: true, deferrable: true });
    expect(settings).toEqual([[{ v: 'serializable' }], [{ v: 'on' }], [{ v: 'on' }]]);

    const repeatable = await sql.transaction([sql`SELECT current_setting('transaction_isolation') AS v`], { isolationLevel: 'RepeatableRead' });
    expect(repeatable).toEqual([[{ v: 'repeatable read' }]]);

    const e = await failure(sql.transaction([sql`CREATE TEMP TABLE never_made (x int)`], { readOnly: true }));
    expect(e.code).toBe('25006');
  });

  it('the Worker\'s own handle: drizzle over HTTP, and an interactive transaction over the WebSocket Pool', async () => {
    const handle = openDb(config);
    try {
      const { rows } = await handle.db.execute<{ n: number }>('SELECT 7 AS n');
      expect(rows).toEqual([{ n: 7 }]);
      const seen = await handle.db.transaction(async (tx) => {
        const a = await tx.execute<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        const b = await tx.execute<{ pid: number }>('SELECT pg_backend_pid() AS pid, txid_current_if_assigned() AS x');
        // Both statements on one connection, inside one transaction.
        return [a.rows[0]!.pid, b.rows[0]!.pid];
      });
      expect(seen[0]).toBe(seen[1]);
    } finally {
      await handle.close();
    }
  });
});
