import fs from 'node:fs';
import path from 'node:path';
import type { ClientEnforcement } from '@mcpeeker/plugin-mcpeeker-common';
import {
  claudeCodeFolder,
  enforcementOf,
  PolicyClient,
  PolicyMachine,
  vscodePolicyFile,
} from './clientPolicies';
import {
  SYSTEM_SETTINGS_CLIENTS,
  SystemSettingsClient,
  systemSettingsFile,
} from './systemSettings';
import { writtenByPolicy } from './policyWriter';

function readJson(
  file: string,
): { text: string; doc: Record<string, unknown> } | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const doc = JSON.parse(text);
    return doc && typeof doc === 'object' && !Array.isArray(doc)
      ? { text, doc }
      : undefined;
  } catch {
    // Absent or unreadable: the client enforces nothing from it either.
    return undefined;
  }
}

/**
 * The managed MCP policy each client on this machine is under, read from
 * the files the clients read (whoever wrote them): what the agent reports
 * with each endpoint event, so the portal tells hosts that enforce from
 * hosts that only report.
 */
export function readEnforcement(machine: PolicyMachine): ClientEnforcement[] {
  const found: ClientEnforcement[] = [];
  const add = (client: PolicyClient, files: Record<string, string>) => {
    const read = Object.fromEntries(
      Object.entries(files).map(([name, file]) => [name, readJson(file)]),
    );
    const enforced = enforcementOf(
      client,
      Object.fromEntries(Object.entries(read).map(([n, r]) => [n, r?.doc])),
    );
    if (!enforced) return;
    // The file the mode comes from says who wrote the policy.
    let source = Object.keys(files)[0];
    if (client === 'claude-code')
      source =
        enforced.mode === 'fixed'
          ? 'managed-mcp.json'
          : 'managed-settings.json';
    let written: { writtenAt: string } | undefined;
    try {
      written = writtenByPolicy(files[source], read[source]!.text);
    } catch {
      // A damaged record: not a policy MCPeeker can vouch for.
    }
    found.push({
      client,
      ...enforced,
      byMcpeeker: Boolean(written),
      ...(written ? { appliedAt: written.writtenAt } : {}),
    });
  };
  const claude = claudeCodeFolder(machine);
  add('claude-code', {
    'managed-mcp.json': path.join(claude, 'managed-mcp.json'),
    'managed-settings.json': path.join(claude, 'managed-settings.json'),
  });
  const vscode = vscodePolicyFile(machine);
  if (vscode) add('vscode', { 'policy.json': vscode });
  for (const client of Object.keys(
    SYSTEM_SETTINGS_CLIENTS,
  ) as SystemSettingsClient[])
    add(client, { 'settings.json': systemSettingsFile(client, machine) });
  return found;
}
