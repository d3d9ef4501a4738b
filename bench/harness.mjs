// What every benchmark entry needs: the repository root, the project's
// TypeScript loaded through Backstage's Node transform, and `--name value`
// arguments.
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);
const require = createRequire(import.meta.url);

/** Requires a TypeScript module of the repository (path relative to the root). */
export function loadTs(relativePath) {
  require(path.join(
    ROOT,
    'node_modules/@backstage/cli/config/nodeTransform.cjs',
  ));
  return require(path.join(ROOT, relativePath));
}

/** The value after `--name` on the command line, or the fallback. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}
