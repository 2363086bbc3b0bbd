import { Pool, neonConfig } from '@neondatabase/serverless';
import { drizzle, type NeonDatabase } from 'drizzle-orm/neon-serverless';
import * as schema from './schema';
import type { Config } from '../config';

export type Db = NeonDatabase<typeof schema>;

export interface DbHandle {
  db: Db;
  close(): Promise<void>;
}

/**
 * The Neon driver's socket settings are global to the isolate (its design), so they are set
 * once, when the first pool of an isolate that talks to a local proxy opens, not per request.
 */
function useLocalProxy(proxy: string): void {
  const target = `${proxy}/`;
  if (typeof neonConfig.wsProxy === 'function' && neonConfig.wsProxy('', '') === target) return;
  // Local stack: plain WebSocket to our proxy, which pipes to a TCP Postgres.
  neonConfig.wsProxy = () => target;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}

/**
 * A pool lives for one request (or one scheduled/queue invocation): Workers may not share
 * sockets across requests, so no connection is module-scoped.
 */
export function openDb(config: Pick<Config, 'databaseUrl' | 'wsProxy'>): DbHandle {
  if (config.wsProxy) useLocalProxy(config.wsProxy);
  const pool = new Pool({ connectionString: config.databaseUrl, max: 4 });
  // An idle client erroring (socket closed by the server) must not crash the isolate.
  pool.on('error', () => {});
  const db = drizzle({ client: pool, schema });
  return { db, close: () => pool.end() };
}
