// The typed client (client/): its README's walkthrough is client/examples/walkthrough.ts
// verbatim; that file holds no cast; the client, the example and every TypeScript block of the
// README type-check under `tsc --strict`; and the walkthrough, run against the local stack with
// an agent token, does what it says. Run by scripts/check-ecosystem.mjs (`npm run check:client`),
// which starts the stack and makes the token; the static part (checkClientSources) needs neither.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const client = join(root, 'client');
const WALKTHROUGH = 'examples/walkthrough.ts';
const MARKER = `<!-- walkthrough: ${WALKTHROUGH} -->`;

class CheckFailed extends Error {}
const fail = (message) => {
  throw new CheckFailed(message);
};

/** The ```ts blocks of the README, in order. */
const tsBlocks = (readme) => [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

/** Every cast in a TypeScript source: `x as T`, `<T>x`, `x!`, and `@ts-` directives. */
function castsIn(file, source) {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const at = (node) => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
  const visit = (node) => {
    if (ts.isAsExpression(node)) found.push(`${at(node)}: \`${node.getText(sf)}\``);
    else if (ts.isTypeAssertionExpression(node)) found.push(`${at(node)}: \`${node.getText(sf)}\``);
    else if (ts.isNonNullExpression(node)) found.push(`${at(node)}: non-null assertion \`${node.getText(sf)}\``);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  for (const m of source.matchAll(/@ts-(ignore|expect-error|nocheck)/g)) found.push(`${file}: @ts-${m[1]}`);
  return found;
}

const tsc = (args) => {
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    fail(`tsc ${args.join(' ')}:\n${(e.stdout || '') + (e.stderr || '')}`.trim());
  }
};

/** What needs no stack: the README holds the walkthrough, no casts, and tsc --strict passes. */
export function checkClientSources({ log }) {
  const walkthrough = readFileSync(join(client, WALKTHROUGH), 'utf8');
  const readme = readFileSync(join(client, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  if (at < 0) fail(`client/README.md has no ${MARKER} line before the walkthrough`);
  const shown = tsBlocks(readme.slice(at))[0];
  if (shown !== walkthrough) fail(`the walkthrough in client/README.md is not client/${WALKTHROUGH}: copy the file into the block after ${MARKER}`);
  const casts = castsIn(`client/${WALKTHROUGH}`, walkthrough);
  if (casts.length) fail(`the walkthrough must type-check without casts:\n  ${casts.join('\n  ')}`);

  tsc(['-p', 'client/tsconfig.json', '--strict', '--noEmit']);
  // The README's blocks, one after the other as one module (set-up, walkthrough, use), checked
  // with the client's settings.
  const dir = join(root, `.data/client-readme-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, 'readme.ts'), `${tsBlocks(readme).join('\n')}\nexport {};\n`);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      extends: join(client, 'tsconfig.json'),
      compilerOptions: { types: ['node'], noUnusedLocals: false },
      include: ['readme.ts'],
    }));
    tsc(['-p', join(dir, 'tsconfig.json'), '--strict', '--noEmit']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log(`client: README walkthrough = client/${WALKTHROUGH}, no casts, tsc --strict clean (client, example, README blocks)`);
}

const check = (ok, what) => {
  if (!ok) fail(`walkthrough: ${what}`);
};

/** Runs the walkthrough through the client against the stack at `base` and checks what it returns. */
export async function checkClientRun({ base, token, log }) {
  const started = Date.now();
  // One bundle of the client and the walkthrough (so both share one InboxError), imported.
  const out = join(root, `.data/client-walkthrough-${process.pid}.mjs`);
  await build({
    stdin: { contents: `export * from './src/index.ts';\nexport { walkthrough } from './${WALKTHROUGH}';\n`, resolveDir: client, loader: 'ts' },
    bundle: true, platform: 'node', format: 'esm', outfile: out, tsconfig: join(client, 'tsconfig.json'), logLevel: 'error',
  });
  let index;
  try {
    index = await import(pathToFileURL(out).href);
  } finally {
    rmSync(out, { force: true });
  }

  const inbox = index.createInboxClient({ baseUrl: `${base}/`, token });
  const r = await index.walkthrough(inbox);
  check(/^ctc_/.test(r.ada.id) && r.ada.full_name === 'Ada Lovelace', `created contact ${JSON.stringify(r.ada)}`);
  check(r.ada.emails[0]?.address === 'ada@example.com' && r.ada.anniversaries[0]?.date === '1815-12-10', 'the contact keeps its email and birthday');
  check(r.found.some((c) => c.id === r.ada.id), `searching "lovel" does not find ${r.ada.id}: ${JSON.stringify(r.found.map((c) => c.id))}`);
  check(r.review.title === 'Analytical Engine review' && r.review.duration === 'PT1H30M', `created event ${JSON.stringify(r.review)}`);
  check(r.review.participants[0]?.contact_id === r.ada.id, 'the participant is matched to the contact by email');
  check(r.week.some((e) => e.event_id === r.review.event_id), `the 7-day window does not hold ${r.review.event_id}`);
  check(r.agenda.items.some((i) => i.type === 'event' && i.id === r.review.event_id), `the agenda does not list ${r.review.event_id}`);
  check(r.events.some((line) => line.endsWith(' Analytical Engine review')), `the agenda's events: ${JSON.stringify(r.events)}`);

  // The errors are typed too: a problem answer is an InboxError carrying the problem.
  const bad = await inbox.POST('/v1/contacts/', { body: { full_name: '' } });
  let thrown;
  try {
    index.unwrap(bad);
  } catch (e) {
    thrown = e;
  }
  check(thrown instanceof index.InboxError && thrown.status === 400 && thrown.problem?.code === 'validation_failed'
    && thrown.problem.errors?.[0]?.path === 'full_name', `an invalid contact did not throw the 400 problem: ${thrown}`);
  check(index.unwrap(await inbox.DELETE('/v1/contacts/{id}/', { params: { path: { id: r.ada.id } } })) === undefined, 'a DELETE unwraps to undefined');
  log(`client: walkthrough ran against ${base} and every result checks out (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

export { CheckFailed };
