// `npm run lint` (and so CI): the schema in src/db/schema and the migrations agree. drizzle-kit
// generates into a scratch copy of migrations/; any file it writes there is a schema change
// without its migration (run `npm run db:generate -- --name <what>` and commit the result).
// Landed migrations are never rewritten: db:generate only ever adds one.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

// drizzle-kit reads `--out` relative to the project, so the scratch copy lives in it (git-ignored).
const scratch = `.data/migrations-check-${process.pid}`;
try {
  mkdirSync('.data', { recursive: true });
  cpSync('migrations', scratch, { recursive: true });
  const before = new Set(readdirSync(scratch));
  const output = execFileSync('npx', ['drizzle-kit', 'generate', '--dialect', 'postgresql', '--schema', './src/db/schema/index.ts', '--out', scratch, '--name', 'unmigrated'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // drizzle-kit may report a failure and still exit 0: only its plain "nothing to do" counts as agreement.
  if (!existsSync(`${scratch}/meta/_journal.json`) || !/No schema changes/i.test(output) && readdirSync(scratch).length === before.size) {
    console.error(`drizzle-kit did not check the schema:\n${output}`);
    process.exitCode = 1;
  }
  const added = readdirSync(scratch).filter((f) => !before.has(f));
  if (added.length > 0) {
    console.error(`The schema (src/db/schema) has changes no migration holds: drizzle-kit would add ${added.join(', ')}.`);
    console.error('Run `npm run db:generate -- --name <what changed>` and commit the new migration.');
    process.exitCode = 1;
  } else if (!process.exitCode) {
    console.log('migrations: the schema and migrations/ agree');
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
