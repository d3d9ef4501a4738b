import os from 'node:os';
import path from 'node:path';
import {
  packageCommand,
  withholdsArgument,
  type ClientEnforcement,
  type ServerJson,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { Platform } from '../scan/clientTable';
import { resolveBases } from '../scan/locations';
import {
  byReason,
  deployedServers,
  NOTHING_TO_MATCH,
} from './serverDeployment';
import {
  SYSTEM_SETTINGS_CLIENTS,
  SystemSettingsClient,
  systemSettingsEnforcement,
  systemSettingsFile,
  systemSettingsPolicy,
} from './systemSettings';

/** Where a client's managed policy files are on one machine. */
export interface PolicyMachine {
  platform: Platform;
  /** `--system-root`: the machine's folders under this one (tests, a mounted disk). */
  systemRoot?: string;
  env: Record<string, string | undefined>;
}

/** What the administrator asked `mcpeeker-agent policy` for. */
export interface PolicyChoice {
  /** The backend's MCPeeker base, which is also the registry VS Code is pointed at. */
  registryUrl: string;
  /** Only approved servers run: Claude Code's `allowManagedMcpServersOnly`, VS Code's `ChatMCP: registry`. */
  denyOthers: boolean;
  /** Also deploy the approved servers (Claude Code's `managed-mcp.json`): every user gets exactly them. */
  deploy: boolean;
}

/**
 * One managed file a client reads: how its next content follows from what
 * is there now (`undefined`: no file; the parsed JSON otherwise), `null` to
 * have no file.
 */
export interface PolicyFile {
  client: string;
  path: string;
  next(
    current: Record<string, unknown> | undefined,
  ): Record<string, unknown> | null;
}

/** The clients `policy` writes for, and where their managed files are (each says where that is documented). */
export const POLICY_CLIENTS = [
  'claude-code',
  'vscode',
  'gemini-cli',
  'qwen-code',
] as const;
export type PolicyClient = (typeof POLICY_CLIENTS)[number];

function bases(machine: PolicyMachine) {
  return resolveBases({
    home: os.homedir(),
    platform: machine.platform,
    env: machine.env,
    systemRoot: machine.systemRoot,
  });
}

/**
 * Claude Code's managed folder (code.claude.com/docs/en/managed-mcp and
 * /settings): `/etc/claude-code`, `/Library/Application Support/ClaudeCode`,
 * `C:\Program Files\ClaudeCode` (the `C:\ProgramData\ClaudeCode` of older
 * versions is no longer read).
 */
export function claudeCodeFolder(machine: PolicyMachine): string {
  const b = bases(machine);
  if (machine.platform === 'win32')
    return path.join(b.programFiles[0], 'ClaudeCode');
  if (machine.platform === 'darwin')
    return path.join(b.managed[0], 'ClaudeCode');
  return path.join(b.etc[0], 'claude-code');
}

/**
 * VS Code's policy file, on Linux only (`FilePolicyService` reads
 * `/etc/vscode/policy.json`, keys are policy names). macOS takes policies
 * from a configuration profile and Windows from the registry: MDM, not files.
 */
export function vscodePolicyFile(machine: PolicyMachine): string | undefined {
  if (machine.platform !== 'linux') return undefined;
  return path.join(bases(machine).etc[0], 'vscode', 'policy.json');
}

/** A registry URL template (`{port}`) as a Claude Code URL pattern (`*`). */
const urlPattern = (url: string) => url.replace(/\{[^{}]*\}/g, '*');

/** A Claude Code allowlist entry: exactly one of these keys (managed-mcp docs). */
export type ClaudeCodeServerMatch =
  | { serverUrl: string }
  | { serverCommand: string[] };

/**
 * How Claude Code recognises an approved server: by its remote URL and by
 * the command of its stdio package, never by name alone (a name is what the
 * user types in `claude mcp add`: the docs say a name-only allowlist is not
 * a security control). Empty when the server has neither.
 */
export function claudeCodeMatches(server: ServerJson): ClaudeCodeServerMatch[] {
  const matches: ClaudeCodeServerMatch[] = [];
  for (const remote of server.remotes ?? [])
    matches.push({ serverUrl: urlPattern(remote.url) });
  for (const pkg of server.packages ?? []) {
    if (pkg.transport.type !== 'stdio') {
      if (pkg.transport.url)
        matches.push({ serverUrl: urlPattern(pkg.transport.url) });
      continue;
    }
    const command = packageCommand(pkg);
    if (command) matches.push({ serverCommand: command });
  }
  const seen = new Set<string>();
  return matches.filter(m => {
    const key = JSON.stringify(m);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Why a package's exact command cannot be allowlisted: Claude Code matches every argument. */
const WITHHELD_ARGUMENT =
  'it runs with an argument the registry does not serve (a secret, or a value its user gives), so its exact command cannot be allowlisted';

/** Why a server is not in Claude Code's allowlist: undefined when it is. */
function notAllowedBecause(server: ServerJson): string | undefined {
  if (claudeCodeMatches(server).length > 0) return undefined;
  if (!server.packages?.length && !server.remotes?.length)
    return NOTHING_TO_MATCH;
  if (
    (server.packages ?? []).some(
      p => p.transport.type === 'stdio' && withholdsArgument(p),
    )
  )
    return WITHHELD_ARGUMENT;
  return 'no remote URL or package command to match on';
}

/**
 * `managed-mcp.json`'s `mcpServers`: each approved server Claude Code can run
 * for everyone (a remote URL without templates, or a stdio package), without
 * a secret only its user has. The others are in `skipped`, each with why.
 */
export function claudeCodeDeployment(servers: ServerJson[]): {
  mcpServers: Record<string, Record<string, unknown>>;
  skipped: Array<{ name: string; why: string }>;
} {
  const { deployed, skipped } = deployedServers(servers);
  const mcpServers: Record<string, Record<string, unknown>> = {};
  for (const { key, run } of deployed)
    mcpServers[key] =
      run.transport === 'stdio'
        ? { type: 'stdio', command: run.command[0], args: run.command.slice(1) }
        : { type: run.transport === 'sse' ? 'sse' : 'http', url: run.url };
  return { mcpServers, skipped };
}

/** Sets or removes one key of a JSON object, keeping the others and their order. */
function withKey(
  doc: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const out = { ...doc };
  if (value === undefined) delete out[key];
  else out[key] = value;
  return out;
}

/**
 * The files `policy` writes for each client on this machine, from the
 * approved servers. Claude Code: `managed-settings.json` (the allowlist, and
 * with `denyOthers` the managed-only switch) and, with `deploy`,
 * `managed-mcp.json`; keys of `managed-settings.json` that are not MCPeeker's
 * (an administrator's `permissions`, `deniedMcpServers`) are kept. VS Code
 * (Linux): `/etc/vscode/policy.json`'s `McpGalleryServiceUrl` and, with
 * `denyOthers`, `ChatMCP: registry`.
 */
export function policyFiles(
  clients: readonly PolicyClient[],
  machine: PolicyMachine,
  servers: ServerJson[],
  choice: PolicyChoice,
): { files: PolicyFile[]; notes: string[] } {
  const files: PolicyFile[] = [];
  const notes: string[] = [];
  if (clients.includes('claude-code')) {
    const folder = claudeCodeFolder(machine);
    const allowed = servers.flatMap(claudeCodeMatches);
    // Left out of the allowlist, so not allowed; the others are still written.
    const unmatched = servers.flatMap(server => {
      const why = notAllowedBecause(server);
      return why ? [{ name: server.name, why }] : [];
    });
    for (const { why, names } of byReason(unmatched))
      notes.push(`claude-code: ${names.join(', ')} not allowed: ${why}`);
    files.push({
      client: 'claude-code',
      path: path.join(folder, 'managed-settings.json'),
      next: current => {
        let doc = withKey(current ?? {}, 'allowedMcpServers', allowed);
        doc = withKey(
          doc,
          'allowManagedMcpServersOnly',
          choice.denyOthers ? true : undefined,
        );
        return doc;
      },
    });
    const deployment = claudeCodeDeployment(servers);
    if (choice.deploy)
      for (const { why, names } of byReason(deployment.skipped))
        notes.push(
          `claude-code: ${names.join(
            ', ',
          )} not deployed in managed-mcp.json: ${why}`,
        );
    files.push({
      client: 'claude-code',
      path: path.join(folder, 'managed-mcp.json'),
      // Without --deploy a managed-mcp.json MCPeeker wrote goes: it would keep exclusive control.
      next: () =>
        choice.deploy ? { mcpServers: deployment.mcpServers } : null,
    });
  }
  if (clients.includes('vscode')) {
    const file = vscodePolicyFile(machine);
    if (file)
      files.push({
        client: 'vscode',
        path: file,
        next: current => {
          const doc = withKey(
            current ?? {},
            'McpGalleryServiceUrl',
            choice.registryUrl,
          );
          return withKey(
            doc,
            'ChatMCP',
            choice.denyOthers ? 'registry' : undefined,
          );
        },
      });
    else
      notes.push(
        `vscode: on ${
          machine.platform === 'darwin' ? 'macOS' : 'Windows'
        } VS Code takes policy from ${
          machine.platform === 'darwin'
            ? 'a configuration profile'
            : 'the registry (Group Policy, Intune)'
        }, not a file: set McpGalleryServiceUrl=${choice.registryUrl}${
          choice.denyOthers ? ' and ChatMCP=registry' : ''
        } there (docs/agent.md, "Enforcing the approved servers")`,
      );
  }
  for (const client of Object.keys(
    SYSTEM_SETTINGS_CLIENTS,
  ) as SystemSettingsClient[]) {
    if (!clients.includes(client)) continue;
    const settings = systemSettingsPolicy(servers, choice);
    if (!choice.deploy && !choice.denyOthers) {
      notes.push(
        `${client}: its allowlist is of server names, so the approved servers are written (defined in mcpServers) with --deploy or --deny-others only; nothing written`,
      );
    } else
      for (const { why, names } of byReason(settings.skipped))
        notes.push(
          `${client}: ${names.join(', ')} not ${
            choice.denyOthers ? 'allowed' : 'deployed'
          }: ${why}`,
        );
    files.push({
      client,
      path: systemSettingsFile(client, machine),
      next: settings.next,
    });
  }
  return { files, notes };
}

/** What a client's managed policy, as it is on disk, enforces (see `clientEnforcementSchema`). */
export function enforcementOf(
  client: PolicyClient,
  documents: Record<string, Record<string, unknown> | undefined>,
): Pick<ClientEnforcement, 'mode' | 'allowed'> | undefined {
  if (client === 'claude-code') {
    const fixed = documents['managed-mcp.json'];
    if (fixed && typeof fixed.mcpServers === 'object' && fixed.mcpServers)
      return {
        mode: 'fixed',
        allowed: Object.keys(fixed.mcpServers).length,
      };
    const settings = documents['managed-settings.json'];
    if (settings && Array.isArray(settings.allowedMcpServers))
      return {
        mode:
          settings.allowManagedMcpServersOnly === true
            ? 'managed-only'
            : 'allowlist',
        allowed: settings.allowedMcpServers.length,
      };
    return undefined;
  }
  if (client in SYSTEM_SETTINGS_CLIENTS)
    return systemSettingsEnforcement(documents['settings.json']);
  const policy = documents['policy.json'];
  if (policy && typeof policy.McpGalleryServiceUrl === 'string')
    return {
      mode: policy.ChatMCP === 'registry' ? 'registry-only' : 'registry',
    };
  return undefined;
}
