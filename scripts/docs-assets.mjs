// Puts the docs page's script among the Worker's static assets (wrangler.toml [assets]): Scalar's
// self-contained browser bundle, copied from node_modules to public/docs/scalar.js (git-ignored,
// 4.7 MB: built, not committed). `npm run dev`, `build`, `test` and `deploy` run this first, so
// the page never loads anything from a CDN and always matches the installed @scalar/api-reference.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// The package's exports map hides its files; its entry point locates the package directory.
const pkgDir = resolve(dirname(require.resolve('@scalar/api-reference')), '..');
const source = join(pkgDir, 'dist/browser/standalone.js');
const target = join(root, 'public/docs/scalar.js');

if (!existsSync(source)) {
  console.error(`docs assets: ${relative(root, source)} is missing; run \`npm ci\`.`);
  process.exit(1);
}
// The source map (20 MB) is not shipped, so the comment pointing at it goes too.
const bundle = readFileSync(source, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
if (!existsSync(target) || readFileSync(target, 'utf8') !== bundle) {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, bundle);
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  console.log(`docs assets: ${relative(root, target)} (Scalar ${version}, ${(bundle.length / 1e6).toFixed(1)} MB)`);
}
