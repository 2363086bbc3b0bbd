// `npm run dev`: the whole local stack in one command, no prior set-up.
// Embedded PostgreSQL (unless DATABASE_URL is set) → migrations → local Neon endpoint (HTTP + WebSocket) → wrangler dev
// on 127.0.0.1:8787 with --test-scheduled, plus a ticker that fires the scheduled handler every
// minute so alerts really fire. Ctrl-C stops all of it.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { relative } from 'node:path';
import { StackError, freePort, migrate, startEmbeddedPostgres, startDbEndpoint } from './lib/stack.mjs';

const PORT = Number(process.env.PORT ?? 8787);
const log = (...a) => console.log('[dev]', ...a);
const stops = [];
const started = Date.now();

if (!existsSync('.dev.vars')) copyFileSync('.dev.vars.example', '.dev.vars');

// A stack failure the user can fix is one sentence, not a stack trace.
const fatal = (e) => {
  if (!(e instanceof StackError)) throw e;
  console.error(`[dev] ${e.message}`);
  return Promise.all(stops.map((stop) => stop().catch(() => {}))).then(() => process.exit(1));
};

let databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  const pgPort = Number(process.env.PG_PORT ?? 0) || (await freePort());
  log(`starting embedded PostgreSQL on 127.0.0.1:${pgPort}`);
  const pg = await startEmbeddedPostgres({ dataDir: '.data/dev-pg', port: pgPort, persistent: true }).catch(fatal);
  stops.push(pg.stop);
  databaseUrl = pg.url;
  const where = relative(process.cwd(), pg.dataDir);
  log(`PostgreSQL ready (data in ${where.startsWith('..') ? pg.dataDir : where})`);
}
await migrate(databaseUrl);
log('migrations applied');
const endpoint = await startDbEndpoint({ target: databaseUrl, port: await freePort() });
stops.push(endpoint.stop);

const wrangler = spawn('wrangler', [
  'dev', '--ip', '127.0.0.1', '--port', String(PORT), '--test-scheduled',
  '--var', `DATABASE_URL:${databaseUrl}`, '--var', `DB_LOCAL_ENDPOINT:${endpoint.url}`,
], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });

const base = `http://127.0.0.1:${PORT}`;
let ready = false;
const waitReady = setInterval(async () => {
  try {
    const r = await fetch(`${base}/health`);
    if (r.ok && !ready) {
      ready = true;
      clearInterval(waitReady);
      log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${base}  (docs: ${base}/docs, admin token: see .dev.vars)`);
    }
  } catch { /* not up yet */ }
}, 500);

// Cron Triggers do not run by themselves under `wrangler dev`: fire the scan at the start of
// every minute, as the deployed `* * * * *` trigger does.
const tick = () => {
  if (ready) fetch(`${base}/__scheduled?cron=*+*+*+*+*`).catch(() => {});
};
let ticker;
const firstTick = setTimeout(() => {
  tick();
  ticker = setInterval(tick, 60_000);
}, 60_000 - (Date.now() % 60_000));

let stopping = false;
async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  clearTimeout(firstTick);
  clearInterval(ticker);
  clearInterval(waitReady);
  wrangler.kill('SIGTERM');
  for (const stop of stops.reverse()) await stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
wrangler.on('exit', (code) => shutdown(code ?? 0));
