// The local stand-in for Neon's endpoint, used by `npm run dev`, the test suite and the
// benchmarks. Neon serves the serverless driver two ways, and so does this, on one port:
//
// - WebSocket (the driver's `Pool`, interactive transactions): each socket is piped to the TCP
//   Postgres server, byte for byte (the Postgres wire protocol inside WebSocket messages).
// - HTTP `POST /sql` (the driver's `neon()`, one-shot statements and batches): what the driver
//   sends — `{query, params}` or `{queries: [...]}` with the `Neon-*` headers — is run on a
//   pooled connection, and the answer is what Neon answers: every value as Postgres text (the
//   driver parses them itself, `Neon-Raw-Text-Output`), rows as arrays (`Neon-Array-Mode`), a
//   batch in one transaction with its isolation / read-only / deferrable headers, and a failed
//   statement as a 400 carrying Postgres' error fields (code, detail, position, …).
//
// Neon's endpoint is not published, so this implements the protocol as the driver speaks it
// (@neondatabase/serverless `neon()`); test/db-endpoint.test.ts holds it to the real driver.
//
// It always connects to `target`'s host and port, whatever host the client names, so it cannot
// be used as an open relay; the user, password and database come from the connection string the
// driver sends (`Neon-Connection-String`), as on Neon.
//
// DB_RTT_MS puts a round trip between the Worker and its database on both paths, as a far-away
// database would: every WebSocket message waits half of it on the way in and half on the way out
// (in order: timers of equal delay fire in the order they were set), and every HTTP request
// waits half before it runs and half before it is answered.
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import pg from 'pg';

// Loaded through Node's resolver: bundlers (vite in tests) would pick ws's browser stub.
const { WebSocketServer } = createRequire(import.meta.url)('ws');

/** Every value as the text Postgres sent: the driver applies its own type parsers. */
const RAW_TEXT = { getTypeParser: () => (value) => value };

/** Neon's names for the batch isolation levels (the driver's `isolationLevel` option). */
const ISOLATION = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

/** The fields of a Postgres error the driver copies onto its NeonDbError. */
const ERROR_FIELDS = ['severity', 'code', 'detail', 'hint', 'position', 'internalPosition', 'internalQuery', 'where',
  'schema', 'table', 'column', 'dataType', 'constraint', 'file', 'line', 'routine'];

const MAX_BODY = 64 * 1024 * 1024;

class BadRequest extends Error {}

/** A pg pool per (user, password, database) the driver names, all on the target server. */
function poolsOn(target) {
  const { hostname, port } = new URL(target);
  const pools = new Map();
  return {
    for(connectionString) {
      let url;
      try {
        url = new URL(connectionString);
      } catch {
        throw new BadRequest('Neon-Connection-String is not a connection string');
      }
      const key = `${url.username}\n${url.password}\n${url.pathname}`;
      let pool = pools.get(key);
      if (!pool) {
        pool = new pg.Pool({
          host: hostname,
          port: Number(port || 5432),
          user: decodeURIComponent(url.username) || 'postgres',
          password: decodeURIComponent(url.password) || undefined,
          database: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
          max: 20,
        });
        pool.on('error', () => {});
        pools.set(key, pool);
      }
      return pool;
    },
    end: () => Promise.all([...pools.values()].map((p) => p.end())),
  };
}

/** Runs one statement the way Neon does: extended protocol (one statement), text values, arrays. */
async function run(client, { query, params }) {
  if (typeof query !== 'string') throw new BadRequest('each query needs a "query" string');
  if (params !== undefined && !Array.isArray(params)) throw new BadRequest('"params" must be an array');
  const r = await client.query({ text: query, values: params ?? [], rowMode: 'array', types: RAW_TEXT, queryMode: 'extended' });
  return {
    command: r.command,
    rowCount: r.rowCount,
    rows: r.rows,
    fields: r.fields.map((f) => ({
      name: f.name, tableID: f.tableID, columnID: f.columnID, dataTypeID: f.dataTypeID,
      dataTypeSize: f.dataTypeSize, dataTypeModifier: f.dataTypeModifier, format: 'text',
    })),
    rowAsArray: true,
  };
}

/** BEGIN with the batch's characteristics, from the `Neon-Batch-*` headers. */
function beginFor(headers) {
  const parts = ['BEGIN'];
  const level = headers['neon-batch-isolation-level'];
  if (level !== undefined) {
    if (!ISOLATION[level]) throw new BadRequest(`unknown Neon-Batch-Isolation-Level ${level}`);
    parts.push(`ISOLATION LEVEL ${ISOLATION[level]}`);
  }
  const flag = (name, yes, no) => {
    const v = headers[name];
    if (v === undefined) return;
    if (v !== 'true' && v !== 'false') throw new BadRequest(`${name} must be true or false`);
    parts.push(v === 'true' ? yes : no);
  };
  flag('neon-batch-read-only', 'READ ONLY', 'READ WRITE');
  flag('neon-batch-deferrable', 'DEFERRABLE', 'NOT DEFERRABLE');
  return parts.join(' ');
}

async function answerSql(pools, headers, body) {
  const connection = headers['neon-connection-string'];
  if (!connection) throw new BadRequest('missing Neon-Connection-String');
  if (headers['neon-raw-text-output'] !== 'true' || headers['neon-array-mode'] !== 'true') {
    // The driver always asks for both; the other modes are not implemented here.
    throw new BadRequest('this endpoint answers only Neon-Raw-Text-Output: true with Neon-Array-Mode: true');
  }
  let payload;
  try {
    payload = JSON.parse(body);
  } catch {
    throw new BadRequest('the body is not JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new BadRequest('the body must be a JSON object');
  const client = await pools.for(connection).connect();
  let broken = false;
  try {
    if (!Array.isArray(payload.queries)) return await run(client, payload);
    await client.query(beginFor(headers));
    try {
      const results = [];
      for (const q of payload.queries) results.push(await run(client, q));
      await client.query('COMMIT');
      return { results };
    } catch (e) {
      await client.query('ROLLBACK').catch(() => { broken = true; });
      throw e;
    }
  } catch (e) {
    if (!(e instanceof pg.DatabaseError)) broken = true;
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * Starts the stand-in on `port` (127.0.0.1). Resolves to `{ url: 'host:port', setRtt(ms),
 * stats(), stop() }`; `stats()` counts HTTP requests, the statements they carried and WebSocket
 * connections since the start, so a benchmark can count what a route costs.
 */
export function startDbEndpoint({ target, port, rttMs = Number(process.env.DB_RTT_MS) || 0 }) {
  const { hostname, port: pgPort } = new URL(target);
  let half = rttMs / 2;
  const after = (fn) => (half > 0 ? setTimeout(fn, half) : fn());
  const delay = () => new Promise((r) => after(r));
  const counts = { httpRequests: 0, httpStatements: 0, wsConnections: 0 };
  const pools = poolsOn(target);

  const server = createServer(async (req, res) => {
    const reply = (status, json) => after(() => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    });
    if (req.method !== 'POST' || new URL(req.url, 'http://x').pathname !== '/sql') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { 'content-type': 'text/plain' }).end('request too large');
        return;
      }
      chunks.push(chunk);
    }
    await delay();
    counts.httpRequests += 1;
    try {
      const body = Buffer.concat(chunks).toString('utf8');
      const result = await answerSql(pools, req.headers, body);
      counts.httpStatements += result.results ? result.results.length : 1;
      reply(200, result);
    } catch (e) {
      if (e instanceof pg.DatabaseError) {
        const fields = { message: e.message };
        for (const f of ERROR_FIELDS) if (e[f] !== undefined) fields[f] = e[f];
        reply(400, fields);
      } else if (e instanceof BadRequest) {
        reply(400, { message: e.message });
      } else {
        after(() => res.writeHead(502, { 'content-type': 'text/plain' }).end(`cannot reach the database: ${e?.message ?? e}`));
      }
    }
  });

  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    counts.wsConnections += 1;
    const sock = connect(Number(pgPort || 5432), hostname);
    sock.setNoDelay(true);
    const pending = [];
    let open = false;
    sock.on('connect', () => {
      open = true;
      for (const chunk of pending) sock.write(chunk);
      pending.length = 0;
    });
    ws.on('message', (data) => after(() => (open ? sock.write(data) : pending.push(data))));
    sock.on('data', (data) => after(() => ws.readyState === ws.OPEN && ws.send(data)));
    const end = () => { sock.destroy(); if (ws.readyState <= ws.OPEN) ws.close(); };
    ws.on('close', end);
    ws.on('error', end);
    sock.on('close', end);
    sock.on('error', end);
  });

  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok({
      url: `127.0.0.1:${port}`,
      /** Changes the simulated round trip for every message and request from now on. */
      setRtt: (ms) => { half = ms / 2; },
      stats: () => ({ ...counts }),
      stop: async () => {
        for (const c of wss.clients) c.terminate();
        await new Promise((r) => wss.close(() => r()));
        server.closeAllConnections();
        await new Promise((r) => server.close(() => r()));
        await pools.end();
      },
    }));
  });
}
