import { Pool, neonConfig } from '@neondatabase/serverless';
import { drizzle, type NeonDatabase } from 'drizzle-orm/neon-serverless';
import * as schema from './schema';
import type { Env } from '../env';

export type Db = NeonDatabase<typeof schema>;

export interface DbHandle {
  db: Db;
  close(): Promise<void>;
}

/**
 * A pool lives for one request (or one scheduled/queue invocation): Workers may not share
 * sockets across requests, so nothing database-related is module-scoped.
 */
export function openDb(env: Env): DbHandle {
  if (env.PG_WS_PROXY) {
    // Local stack: plain WebSocket to our proxy, which pipes to a TCP Postgres.
    const proxy = env.PG_WS_PROXY;
    neonConfig.wsProxy = () => `${proxy}/`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 4 });
  // An idle client erroring (socket closed by the server) must not crash the isolate.
  pool.on('error', () => {});
  const db = drizzle({ client: pool, schema });
  return { db, close: () => pool.end() };
}
