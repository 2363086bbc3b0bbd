// `npm run check:docs`, `npm run check:client`, `npm run check:ecosystem` (both, one stack; CI):
// what users of the API touch besides the API itself, checked against a real local stack.
//   docs    the /docs page in headless Chromium (scripts/check-docs.mjs)
//   client  the typed client's README walkthrough, type-checked and run (scripts/check-client.mjs)
// The stack is the one the benchmarks start (scripts/bench/lib.mjs, on scripts/lib/stack.mjs as
// `npm run dev` is): a database of its own (embedded PostgreSQL, or a scratch database on
// DATABASE_URL), the migrations, the local Neon endpoint and `wrangler dev` on a free port, all
// stopped at the end. It needs no network.
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createTenantWithToken, log, runBench, startBenchStack, api } from './bench/lib.mjs';
import { checkDocs, CheckFailed as DocsFailed } from './check-docs.mjs';
import { checkClientRun, checkClientSources, CheckFailed as ClientFailed } from './check-client.mjs';

const known = ['docs', 'client'];
const asked = process.argv.slice(2);
const which = asked.length ? asked : known;
const unknown = which.filter((w) => !known.includes(w));
if (unknown.length) {
  console.error(`usage: node scripts/check-ecosystem.mjs [${known.join('] [')}]  (unknown: ${unknown.join(', ')})`);
  process.exit(64);
}

runBench('check', { deadlineMinutes: 4 }, async () => {
  const started = performance.now();
  const failures = [];
  // A failed check is one clear line; anything else (a broken stack) is a crash with its trace.
  const attempt = async (name, fn) => {
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof DocsFailed || e instanceof ClientFailed)) throw e;
      failures.push(`${name}: ${e.message}`);
    }
  };
  // The page's script among the static assets, as `npm run dev` has it (predev).
  if (which.includes('docs')) execFileSync(process.execPath, ['scripts/docs-assets.mjs'], { stdio: 'inherit' });
  // What needs no stack first: a stale README fails in seconds.
  if (which.includes('client')) await attempt('client', () => checkClientSources({ log }));

  const { base } = await startBenchStack({ name: 'check' });
  const { token } = await createTenantWithToken(base, ['contacts:read', 'contacts:write', 'contacts:delete', 'calendar:read', 'calendar:write', 'read']);
  if (which.includes('docs')) await attempt('docs', () => checkDocs({ base, token, api, log }));
  if (which.includes('client')) await attempt('client', () => checkClientRun({ base, token, log }));

  const took = ((performance.now() - started) / 1000).toFixed(1);
  if (failures.length) {
    for (const f of failures) console.error(`[check] FAILED ${f}`);
    throw new Error(`${failures.length} check(s) failed (${took} s)`);
  }
  log(`${which.join(' and ')}: passed in ${took} s`);
});
