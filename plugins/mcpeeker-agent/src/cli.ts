import fs from 'node:fs';
import os from 'node:os';
import {
  DEVELOPMENT_HOST_ID_SALT,
  EVENT_SCHEMA_VERSION,
  hashIdentifier,
} from '@mcpeeker/plugin-mcpeeker-common';
import packageJson from '../package.json';
import { currentPlatform, readHostId } from './host';
import type { Platform } from './scan/clientTable';
import { Detection, scanConfigs } from './scan/scanConfigs';
import { formatScanTable } from './scan/formatScanTable';
import { ProcessDetection, scanProcesses } from './scan/scanProcesses';
import { PortDetection, scanPorts } from './scan/scanPorts';

/** Where the CLI writes and what it knows of its surroundings, so tests can stand in. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (table by default, progress on stderr). */
  isTTY?: boolean;
  env?: Record<string, string | undefined>;
}

export const USAGE = `Usage: mcpeeker-agent <command> [options]

Finds the MCP servers on this machine and reports them to MCPeeker,
with every secret redacted before anything is printed or sent.

Commands:
  scan       Scan once and print what was found
  help       Show this help
  version    Show the agent and event schema versions

Options of scan:
  --home DIR                    Treat DIR as the user's home (default: your home)
  --platform linux|darwin|win32 Which OS's locations to read (default: this OS)
  --root DIR                    Also walk DIR for project configs and MCP servers
                                being built (repeatable)
  --managed-dir DIR             Machine-wide managed folder (default: /etc,
                                /Library/Application Support, C:\\ProgramData)
  --no-processes                Don't look at running processes
  --no-ports                    Don't probe listening ports
  --ports P1,P2                 Probe only these listening ports
  --format table|json           Output format (default: table on a terminal, else json)

Environment:
  MCPEEKER_HOST_ID_SALT         Salt of host-id hashes and redaction markers; must
                                match the backend's mcpeeker.hostIdSalt

Exit codes: 0 the scan ran (found or not), 2 bad usage.
`;

class UsageError extends Error {}

interface ScanArgs {
  home?: string;
  platform?: Platform;
  roots: string[];
  managedDir?: string;
  processes: boolean;
  ports: boolean;
  onlyPorts?: number[];
  format?: 'table' | 'json';
}

function parseScanArgs(args: string[]): ScanArgs {
  const parsed: ScanArgs = { roots: [], processes: true, ports: true };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline =
      arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = () => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--'))
        throw new UsageError(`option '${name}' needs a value`);
      i++;
      return next;
    };
    const directory = (option: string) => {
      const dir = value();
      let stat;
      try {
        stat = fs.statSync(dir);
      } catch {
        throw new UsageError(`${option} ${dir}: no such directory`);
      }
      if (!stat.isDirectory())
        throw new UsageError(`${option} ${dir}: not a directory`);
      return dir;
    };
    switch (name) {
      case '--home':
        parsed.home = directory('--home');
        break;
      case '--root':
        parsed.roots.push(directory('--root'));
        break;
      case '--managed-dir':
        parsed.managedDir = value();
        break;
      case '--platform': {
        const platform = value();
        if (!['linux', 'darwin', 'win32'].includes(platform)) {
          throw new UsageError(
            `--platform must be linux, darwin or win32, got '${platform}'`,
          );
        }
        parsed.platform = platform as Platform;
        break;
      }
      case '--format': {
        const format = value();
        if (format !== 'table' && format !== 'json') {
          throw new UsageError(
            `--format must be table or json, got '${format}'`,
          );
        }
        parsed.format = format;
        break;
      }
      case '--no-processes':
        parsed.processes = false;
        break;
      case '--no-ports':
        parsed.ports = false;
        break;
      case '--ports': {
        const list = value();
        const ports = list.split(',').map(p => Number(p.trim()));
        if (ports.some(p => !Number.isInteger(p) || p < 1 || p > 65535)) {
          throw new UsageError(
            `--ports takes TCP ports separated by commas, got '${list}'`,
          );
        }
        parsed.onlyPorts = ports;
        break;
      }
      default:
        throw new UsageError(
          arg.startsWith('-')
            ? `unknown option '${arg}' for scan`
            : `unexpected argument '${arg}'`,
        );
    }
  }
  return parsed;
}

async function scan(args: string[], io: CliIo): Promise<number> {
  const options = parseScanArgs(args);
  const env = io.env ?? process.env;
  const started = Date.now();
  const salt = env.MCPEEKER_HOST_ID_SALT || DEVELOPMENT_HOST_ID_SALT;
  if (!env.MCPEEKER_HOST_ID_SALT) {
    io.stderr(
      'mcpeeker-agent: MCPEEKER_HOST_ID_SALT is not set: using the development salt\n',
    );
  }
  const platform = options.platform ?? currentPlatform();
  const format = options.format ?? (io.isTTY ? 'table' : 'json');
  const hostIdHash = hashIdentifier(readHostId(), salt);
  const result = await scanConfigs({
    home: options.home ?? os.homedir(),
    platform,
    // Another home's locations derive from that home, not from this user's environment.
    env: options.home ? {} : env,
    managedDir: options.managedDir,
    roots: options.roots,
    hostIdHash,
    salt,
    onProgress: io.isTTY
      ? p =>
          io.stderr(
            `\rscanning: ${p.directories} folders, ${p.files} config files read`,
          )
      : undefined,
  });
  const skipped: Array<{ layer: string; reason: string }> = [];
  const detections: Array<Detection | ProcessDetection | PortDetection> = [
    ...result.detections,
  ];
  if (options.processes) {
    const processes = await scanProcesses({ platform, hostIdHash, salt });
    if ('skipped' in processes) {
      skipped.push({ layer: 'processes', reason: processes.skipped });
    } else {
      detections.push(...processes.detections);
    }
  }
  if (options.ports) {
    const ports = await scanPorts({
      platform,
      hostIdHash,
      salt,
      onlyPorts: options.onlyPorts,
    });
    if ('skipped' in ports) {
      skipped.push({ layer: 'ports', reason: ports.skipped });
    } else {
      detections.push(...ports.detections);
    }
  }
  const report = {
    schemaVersion: EVENT_SCHEMA_VERSION,
    agentVersion: packageJson.version,
    scannedAt: new Date(started).toISOString(),
    host: { idHash: hostIdHash, os: platform },
    detections,
    errors: result.errors,
    skipped,
    stats: { ...result.stats, durationMs: Date.now() - started },
  };
  if (io.isTTY && result.stats.directoriesWalked >= 500) io.stderr('\n');
  io.stdout(
    format === 'json'
      ? `${JSON.stringify(report, null, 2)}\n`
      : formatScanTable(report),
  );
  return 0;
}

/** Runs the CLI; returns the process exit code (0 ok, 2 bad usage). */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '-h':
      case '--help':
        io.stdout(USAGE);
        return 0;
      case 'version':
      case '-V':
      case '--version':
        io.stdout(
          `mcpeeker-agent ${packageJson.version} (event schema ${EVENT_SCHEMA_VERSION})\n`,
        );
        return 0;
      case 'scan':
        return await scan(rest, io);
      default: {
        const what = command.startsWith('-')
          ? `option '${command}'`
          : `command '${command}'`;
        throw new UsageError(
          `unknown ${what}${rest.length ? ` (with ${rest.join(' ')})` : ''}`,
        );
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mcpeeker-agent: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}
