import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  commandSignature,
  compositeId,
  redactSecrets,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { Platform } from './clientTable';
import {
  classifyProcesses,
  listLinuxProcesses,
  parsePsOutput,
  parseWin32ProcessJson,
  ProcessFinding,
  ProcessInfo,
} from './processes';
import { currentPlatform } from '../host';

const run = promisify(execFile);

export interface ProcessDetection
  extends Omit<ProcessFinding, 'command' | 'args'> {
  source: 'process';
  command: string;
  args: string[];
  /** The config entry it was started from, when one matches. */
  configRef?: { client: string; serverName: string; configPath: string };
  compositeId: string;
}

async function listProcesses(platform: Platform): Promise<ProcessInfo[]> {
  if (platform === 'linux') return listLinuxProcesses();
  if (platform === 'darwin') {
    const { stdout } = await run('ps', ['-axww', '-o', 'pid=,ppid=,args='], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return parsePsOutput(stdout);
  }
  const { stdout } = await run(
    'powershell.exe',
    [
      '-NoProfile',
      '-Command',
      'Get-CimInstance Win32_Process | Select-Object ProcessId,ParentProcessId,Name,CommandLine | ConvertTo-Json -Compress',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return parseWin32ProcessJson(stdout);
}

/** Turns classified processes into detections: arguments redacted, identity from the command signature. */
export function toProcessDetections(
  findings: ProcessFinding[],
  options: { hostIdHash: string; salt: string },
): ProcessDetection[] {
  return findings.map(finding => {
    const { command, args } = redactSecrets(
      { command: finding.command, args: finding.args },
      { salt: options.salt },
    ).value;
    return {
      source: 'process',
      ...finding,
      command,
      args,
      compositeId: compositeId({
        hostIdHash: options.hostIdHash,
        processSignature: commandSignature(command, args),
      }),
    };
  });
}

/**
 * The running MCP servers of this machine. Processes are only listed for the
 * OS the agent runs on: a scan of another platform's home skips them.
 */
export async function scanProcesses(options: {
  platform: Platform;
  hostIdHash: string;
  salt: string;
}): Promise<
  | {
      detections: ProcessDetection[];
      /** Every listed process's parent (pid → ppid), to join a server with its wrapper and listener. */
      parents: Map<number, number>;
    }
  | { skipped: string }
> {
  if (options.platform !== currentPlatform()) {
    return {
      skipped: `processes are only listed for the running OS (${currentPlatform()})`,
    };
  }
  let processes: ProcessInfo[];
  try {
    processes = await listProcesses(options.platform);
  } catch (error) {
    return {
      skipped: `the process list could not be read: ${
        (error as Error).message
      }`,
    };
  }
  return {
    detections: toProcessDetections(
      classifyProcesses(processes, { selfPid: process.pid }),
      options,
    ),
    parents: new Map(processes.map(p => [p.pid, p.ppid])),
  };
}
