import { Pool, neon, neonConfig } from '@neondatabase/serverless';
import { drizzle as overHttp } from 'drizzle-orm/neon-http';
import { drizzle as overWebSocket } from 'drizzle-orm/neon-serverless';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import type { Config } from '../config';

/**
 * What a raw statement answers on either path of the driver (HTTP answers a FullQueryResults,
 * the Pool a pg QueryResult): both carry these.
 */
type RowsResult<T> = { rows: T[]; rowCount: number | null };
export interface RowsResultHKT extends PgQueryResultHKT {
  type: RowsResult<this['row']>;
}

/** The database or a transaction on it: whatever runs a statement. */
export type Queryable = PgDatabase<RowsResultHKT, typeof schema>;

/**
 * The request's database. Statements go over Neon's HTTP path, one round trip each (no
 * connection to open, no login). `transaction(fn)` — an interactive transaction, where a
 * statement depends on what an earlier one in the same transaction read — opens the WebSocket
 * Pool on first use and runs there.
 */
export type Db = Queryable;

export interface DbHandle {
  db: Db;
  close(): Promise<void>;
}

/**
 * The driver's endpoint settings are global to the isolate (its design), so they are set once,
 * when the first handle of an isolate that talks to the local stand-in opens, not per request.
 * The stand-in (scripts/lib/db-endpoint.mjs) serves both paths on one `host:port`.
 */
let localEndpointSet: string | null = null;
function useLocalEndpoint(endpoint: string): void {
  if (localEndpointSet === endpoint) return;
  localEndpointSet = endpoint;
  neonConfig.fetchEndpoint = () => `http://${endpoint}/sql`;
  // Plain WebSocket to the stand-in, which pipes to a TCP Postgres (no TLS to pipeline, and the
  // local server may use trust auth, which a pipelined password would confuse).
  neonConfig.wsProxy = () => `${endpoint}/`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}

/**
 * A handle lives for one request (or one scheduled/queue invocation): Workers may not share
 * sockets across requests, so no connection is module-scoped. The HTTP path holds none; the
 * Pool exists only once a transaction asks for it and is closed with the handle.
 */
export function openDb(config: Pick<Config, 'databaseUrl' | 'localEndpoint'>): DbHandle {
  if (config.localEndpoint) useLocalEndpoint(config.localEndpoint);
  const http = overHttp({ client: neon(config.databaseUrl), schema });
  let pool: Pool | null = null;
  const poolDb = () => {
    if (!pool) {
      pool = new Pool({ connectionString: config.databaseUrl, max: 1 });
      // An idle client erroring (socket closed by the server) must not crash the isolate.
      pool.on('error', () => {});
    }
    return overWebSocket({ client: pool, schema });
  };
  const db: Db = Object.assign(http, {
    transaction: ((fn, txConfig) => poolDb().transaction(fn, txConfig)) satisfies Queryable['transaction'],
  });
  return { db, close: async () => { if (pool) await pool.end(); } };
}
