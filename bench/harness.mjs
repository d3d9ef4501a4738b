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

/** A positive whole number from `--name` (or the fallback); anything else stops the bench naming the flag. */
export function countArg(name, fallback) {
  const raw = arg(name, fallback);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(
      `${path.basename(
        process.argv[1],
      )}: ${name} must be a positive whole number, got '${raw}'`,
    );
    process.exit(2);
  }
  return n;
}

/** The stores named by `--stores` (default: all), each one the benches know. */
export function storesArg() {
  const known = ['sqlite', 'postgres', 'clickhouse'];
  const stores = arg('--stores', known.join(',')).split(',');
  const unknown = stores.filter(s => !known.includes(s));
  if (unknown.length > 0) {
    console.error(
      `${path.basename(process.argv[1])}: --stores takes ${known.join(
        ', ',
      )}; got '${unknown.join(',')}'`,
    );
    process.exit(2);
  }
  return stores;
}
