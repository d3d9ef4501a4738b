import { main } from './index';

export { runCli } from './cli';

// Entry of the single-file bundle (scripts/bundle.mjs): runs as a program,
// and can be required (the benchmark does) without running.
if (require.main === module) {
  main(process.argv.slice(2));
}
