// Writes the OpenAPI document the Worker serves at /openapi.json to a file (default
// .data/openapi.json), without a database or wrangler: the app is bundled for Node with esbuild
// and asked for the document in-process. Used by the OpenAPI lint and the client generator.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const out = resolve(process.argv[2] ?? '.data/openapi.json');
const bundle = resolve(`.data/openapi-app-${process.pid}.mjs`);
mkdirSync(dirname(bundle), { recursive: true });
await build({ entryPoints: ['src/app.ts'], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'error', packages: 'external' });
try {
  const { app } = await import(pathToFileURL(bundle).href);
  // No statement runs for the document, so the database URL is never dialled.
  const res = await app.request('http://127.0.0.1:8787/openapi.json', {}, { DATABASE_URL: 'postgres://document-only@127.0.0.1:1/none' });
  if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}: ${await res.text()}`);
  const doc = await res.json();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`wrote ${out} (${Object.keys(doc.paths).length} paths)`);
} finally {
  rmSync(bundle, { force: true });
}
