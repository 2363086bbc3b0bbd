// Lints the OpenAPI document the Worker serves: writes it with scripts/openapi.mjs, then runs
// Redocly (redocly.yaml: the recommended rules) and Spectral (.spectral.yaml: spectral:oas) on
// it. Fails on any error of either; warnings are printed.
import { spawnSync } from 'node:child_process';
import { delimiter, resolve } from 'node:path';

const doc = '.data/openapi.json';
// The linters' binaries, also when this runs outside `npm run` (which puts them on PATH).
const env = {
  ...process.env,
  PATH: `${resolve('node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}`,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
};
const options = { stdio: 'inherit', env };

function step(name, result) {
  if (result.status === 0) return true;
  console.error(`${name} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
  return false;
}

console.log('── the document (scripts/openapi.mjs)');
if (!step('scripts/openapi.mjs', spawnSync(process.execPath, ['scripts/openapi.mjs', doc], options))) process.exit(1);
console.log('\n── redocly lint (redocly.yaml)');
const redocly = step('redocly lint', spawnSync('redocly', ['lint', doc, '--config', 'redocly.yaml', '--format', 'stylish'], options));
console.log('\n── spectral lint (.spectral.yaml)');
const spectral = step('spectral lint', spawnSync('spectral', ['lint', doc, '--ruleset', '.spectral.yaml', '--fail-severity', 'error', '--format', 'stylish'], options));
process.exit(redocly && spectral ? 0 : 1);
