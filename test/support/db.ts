// Direct database access for asserting side effects (the same database the Worker uses).
import type { sql } from 'drizzle-orm';
import { openDb } from '../../src/db/client';
import { loadConfig } from '../../src/config';
import { testEnv } from './env';

type Db = ReturnType<typeof openDb>['db'];

/** Runs `fn` on a fresh connection, closed afterwards. */
export async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const h = openDb(loadConfig(testEnv));
  try {
    return await fn(h.db);
  } finally {
    await h.close();
  }
}

/** The rows of one raw SQL query. */
export async function rowsOf(query: ReturnType<typeof sql>): Promise<Record<string, any>[]> {
  return withDb(async (db) => (await db.execute(query)).rows as Record<string, any>[]);
}
