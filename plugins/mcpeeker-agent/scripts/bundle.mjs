#!/usr/bin/env node
// Bundles the agent into one file that runs on Node 20+ with nothing else
// installed: what gets copied to laptops and servers.
//   yarn workspace @mcpeeker/mcpeeker-agent bundle [outfile]
import { buildSync } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.resolve(
  process.argv[2] ?? path.join(pkg, 'dist-bundle', 'mcpeeker-agent.cjs'),
);
buildSync({
  entryPoints: [path.join(pkg, 'src', 'bundleEntry.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's UMD build can't be bundled; its ESM build can.
  mainFields: ['module', 'main'],
  banner: { js: '#!/usr/bin/env node' },
  outfile,
  logLevel: 'warning',
});
console.log(outfile);
