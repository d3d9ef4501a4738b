import path from 'node:path';
import type { ClientEnforcement } from '@mcpeeker/plugin-mcpeeker-common';
import type { Platform } from '../scan/clientTable';
import { resolveBases } from '../scan/locations';
import { DeployedServer, deployedServers } from './serverDeployment';

/**
 * The clients whose system settings file takes MCP servers and an allowlist
 * of their names: Gemini CLI and its fork Qwen Code (one settings format).
 * Each: the variable that moves the file, and its folder on each OS, as the
 * client's `getSystemSettingsPath()` has them (google-gemini/gemini-cli
 * packages/cli/src/config/settings.ts, QwenLM/qwen-code
 * packages/cli/src/config/storage-paths-lite.ts). Windows' folder is
 * `C:\ProgramData` as written there, not `%ProgramData%`.
 */
export const SYSTEM_SETTINGS_CLIENTS = {
  'gemini-cli': {
    variable: 'GEMINI_CLI_SYSTEM_SETTINGS_PATH',
    folder: { linux: 'gemini-cli', darwin: 'GeminiCli', win32: 'gemini-cli' },
  },
  'qwen-code': {
    variable: 'QWEN_CODE_SYSTEM_SETTINGS_PATH',
    folder: { linux: 'qwen-code', darwin: 'QwenCode', win32: 'qwen-code' },
  },
} as const satisfies Record<
  string,
  { variable: string; folder: Record<Platform, string> }
>;
export type SystemSettingsClient = keyof typeof SYSTEM_SETTINGS_CLIENTS;

/**
 * The name in `mcp.allowed` and `mcp.excluded` when no server is approved:
 * Gemini CLI reads an empty `mcp.allowed` as no allowlist at all (its
 * `isBlockedBySettings` checks `allowedNames.length > 0`), so nothing
 * approved is an allowlist of one name that is also excluded, which holds
 * however a client reads an empty one.
 */
export const NO_SERVER_APPROVED = 'mcpeeker-no-server-approved';

/**
 * The system settings file a client reads on this machine: where its
 * variable says when the policy's environment sets it (a wrapper that sets
 * it for every user, as Gemini CLI's enterprise docs suggest), else its
 * folder under `/etc`, `/Library/Application Support`, `C:\ProgramData`.
 */
export function systemSettingsFile(
  client: SystemSettingsClient,
  machine: {
    platform: Platform;
    systemRoot?: string;
    env: Record<string, string | undefined>;
  },
): string {
  const { variable, folder } = SYSTEM_SETTINGS_CLIENTS[client];
  const moved = machine.env[variable];
  if (moved) return moved;
  const bases = resolveBases({
    home: '/',
    platform: machine.platform,
    env: {},
    systemRoot: machine.systemRoot,
  });
  let parent = bases.etc[0];
  if (machine.platform === 'win32')
    parent = path.join(bases.systemRoot[0], 'ProgramData');
  else if (machine.platform === 'darwin') parent = bases.managed[0];
  return path.join(parent, folder[machine.platform], 'settings.json');
}

/** A server's entry in `mcpServers` as both clients' docs give it: `httpUrl` Streamable HTTP, `url` SSE, else `command`, `args`, `env`. */
function entry({ run }: DeployedServer): Record<string, unknown> {
  if (run.transport !== 'stdio')
    return run.transport === 'sse' ? { url: run.url } : { httpUrl: run.url };
  return {
    command: run.command[0],
    args: run.command.slice(1),
    ...(run.env ? { env: run.env } : {}),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/**
 * The approved servers in a system settings file. `deploy`: defined in
 * `mcpServers`, where a definition overrides a user's or project's server
 * of the same name. `denyOthers`: also their names in `mcp.allowed`, so a
 * server of any other name does not start. Neither: the file is not wanted.
 * Keys of the file that are not MCPeeker's are kept, `mcp`'s other keys too;
 * `mcpServers` is replaced.
 */
export function systemSettingsPolicy(
  servers: Parameters<typeof deployedServers>[0],
  choice: { denyOthers: boolean; deploy: boolean },
) {
  const { deployed, skipped } = deployedServers(servers, {
    envFromUser: true,
  });
  const mcpServers = Object.fromEntries(deployed.map(d => [d.key, entry(d)]));
  const names = deployed.map(d => d.key);
  const next = (
    current: Record<string, unknown> | undefined,
  ): Record<string, unknown> | null => {
    if (!choice.deploy && !choice.denyOthers) return null;
    const doc: Record<string, unknown> = { ...(current ?? {}) };
    doc.mcpServers = mcpServers;
    const mcp: Record<string, unknown> = isObject(doc.mcp)
      ? { ...doc.mcp }
      : {};
    const excluded = (Array.isArray(mcp.excluded) ? mcp.excluded : []).filter(
      n => n !== NO_SERVER_APPROVED,
    );
    delete mcp.allowed;
    if (choice.denyOthers) {
      mcp.allowed = names.length > 0 ? names : [NO_SERVER_APPROVED];
      if (names.length === 0) excluded.push(NO_SERVER_APPROVED);
    }
    if (excluded.length > 0) mcp.excluded = excluded;
    else delete mcp.excluded;
    if (Object.keys(mcp).length > 0) doc.mcp = mcp;
    else delete doc.mcp;
    return doc;
  };
  return { next, deployed, skipped };
}

/**
 * What a system settings file enforces: `managed-only` when `mcp.allowed`
 * names servers (a server of another name does not start), with how many;
 * nothing otherwise (servers it defines run, and so does anything else).
 */
export function systemSettingsEnforcement(
  doc: Record<string, unknown> | undefined,
): Pick<ClientEnforcement, 'mode' | 'allowed'> | undefined {
  const allowed = isObject(doc?.mcp) ? doc!.mcp.allowed : undefined;
  if (!Array.isArray(allowed) || allowed.length === 0) return undefined;
  return {
    mode: 'managed-only',
    allowed: allowed.filter(n => n !== NO_SERVER_APPROVED).length,
  };
}
