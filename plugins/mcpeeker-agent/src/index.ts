/**
 * The MCPeeker endpoint agent CLI.
 *
 * @packageDocumentation
 */
import { runCli } from './cli';

export { runCli, USAGE } from './cli';
export type { CliIo } from './cli';

/** Entry point of `bin/mcpeeker-agent`. */
export function main(args: string[]): void {
  runCli(args, {
    isTTY: process.stdout.isTTY,
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
  }).then(
    code => {
      process.exitCode = code;
    },
    error => {
      process.stderr.write(`mcpeeker-agent: ${error?.stack ?? error}\n`);
      process.exitCode = 1;
    },
  );
}
