import { EVENT_SCHEMA_VERSION } from '@mcpeeker/plugin-mcpeeker-common';
import packageJson from '../package.json';

/** Where the CLI writes, so tests can read what a person would see. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const USAGE = `Usage: mcpeeker-agent <command> [options]

Finds the MCP servers on this machine and reports them to MCPeeker,
with every secret redacted before anything is printed or sent.

Commands:
  help       Show this help
  version    Show the agent and event schema versions

Options:
  -h, --help     Show this help
  -V, --version  Show the versions
`;

/** Runs the CLI; returns the process exit code (0 ok, 2 bad usage). */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (
    command === undefined ||
    command === 'help' ||
    command === '-h' ||
    command === '--help'
  ) {
    io.stdout(USAGE);
    return 0;
  }
  if (command === 'version' || command === '-V' || command === '--version') {
    io.stdout(
      `mcpeeker-agent ${packageJson.version} (event schema ${EVENT_SCHEMA_VERSION})\n`,
    );
    return 0;
  }
  const unexpected = command.startsWith('-')
    ? `option '${command}'`
    : `command '${command}'`;
  io.stderr(
    `mcpeeker-agent: unknown ${unexpected}${
      rest.length ? ` (with ${rest.join(' ')})` : ''
    }\n\n${USAGE}`,
  );
  return 2;
}
