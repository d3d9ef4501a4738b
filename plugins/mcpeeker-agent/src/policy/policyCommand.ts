import { currentPlatform } from '../host';
import {
  forEachOption,
  SYSTEM_ROOT_OPTION,
  unknownArgument,
  UsageError,
} from '../cliOptions';
import { AgentConfigError, loadAgentConfig } from '../run/agentConfig';
import type { Platform } from '../scan/clientTable';
import { fetchApprovedServers, RegistryApiError } from './approvedServers';
import { POLICY_CLIENTS, PolicyClient, policyFiles } from './clientPolicies';
import { readEnforcement } from './enforcement';
import {
  applyPolicy,
  planDiff,
  planPolicy,
  PolicyFileError,
} from './policyWriter';
import { plural } from '../plural';

export const POLICY_USAGE = `Options of policy (writes each client's managed MCP policy from the
portal's approved servers; run it as root, e.g. from MDM, see docs/agent.md):
  --url URL                     The portal backend's MCPeeker base, e.g.
                                https://portal.example.com/api/mcpeeker (its
                                Registry API URL, .../v0.1, means the same; default:
                                MCPEEKER_HTTP_URL / report.http.url without /events,
                                else the portal the agent enrolled with)
  --config FILE                 The run config: report.http.url and .token (an
                                enrolled agent reads with its own credential)
  --client claude-code,vscode,gemini-cli,qwen-code
                                Which clients (default: all four)
  --deny-others                 Nothing else runs: Claude Code's
                                allowManagedMcpServersOnly, VS Code's ChatMCP=registry,
                                Gemini CLI's and Qwen Code's mcp.allowed (the
                                approved servers defined in their system settings)
                                (without it users may add to the allowlist in
                                their own settings)
  --deploy                      Also write Claude Code's managed-mcp.json: every
                                user gets exactly the approved servers; Gemini
                                CLI and Qwen Code get them in their system settings
  --dry-run                     Print the unified diff of each file; write nothing
  --force                       Take over a file mcpeeker-agent did not write
                                (its other keys are kept; the old one is backed up)
  --platform linux|darwin|win32 Whose folders (default: this OS)
${SYSTEM_ROOT_OPTION.usage}`;

/**
 * The MCPeeker base a `--url` means: the Registry API's URL (`…/v0.1`,
 * `…/v0.1/servers`), an easy mistake since VS Code is given the base and
 * appends `/v0.1/servers` itself, means its base.
 */
export function mcpeekerBase(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v0\.1(\/servers)?\/*$/, '');
}

interface PolicyArgs {
  url?: string;
  config?: string;
  clients: PolicyClient[];
  denyOthers: boolean;
  deploy: boolean;
  dryRun: boolean;
  force: boolean;
  platform?: Platform;
  systemRoot?: string;
}

function parsePolicyArgs(args: string[]): PolicyArgs {
  const parsed: PolicyArgs = {
    clients: [...POLICY_CLIENTS],
    denyOthers: false,
    deploy: false,
    dryRun: false,
    force: false,
  };
  forEachOption(args, (arg, name, value) => {
    switch (name) {
      case '--url': {
        const url = value();
        try {
          if (!/^https?:$/.test(new URL(url).protocol)) throw new Error();
        } catch {
          throw new UsageError(`--url ${url}: not an http(s) URL`);
        }
        parsed.url = mcpeekerBase(url);
        break;
      }
      case '--config':
        parsed.config = value();
        break;
      case '--client': {
        const list = value()
          .split(',')
          .map(c => c.trim());
        const unknown = list.filter(
          c => !POLICY_CLIENTS.includes(c as PolicyClient),
        );
        if (unknown.length > 0 || list.length === 0)
          throw new UsageError(
            `--client takes ${POLICY_CLIENTS.join(
              ', ',
            )} separated by commas, got '${unknown.join(',')}'`,
          );
        parsed.clients = list as PolicyClient[];
        break;
      }
      case '--deny-others':
        parsed.denyOthers = true;
        break;
      case '--deploy':
        parsed.deploy = true;
        break;
      case '--dry-run':
        parsed.dryRun = true;
        break;
      case '--force':
        parsed.force = true;
        break;
      case '--platform': {
        const platform = value();
        if (!['linux', 'darwin', 'win32'].includes(platform))
          throw new UsageError(
            `--platform must be linux, darwin or win32, got '${platform}'`,
          );
        parsed.platform = platform as Platform;
        break;
      }
      case SYSTEM_ROOT_OPTION.name:
        parsed.systemRoot = SYSTEM_ROOT_OPTION.parse(value());
        break;
      default:
        throw unknownArgument(arg, 'policy');
    }
  });
  return parsed;
}

/**
 * `policy`: the portal's approved servers (its MCP Registry API) → each
 * client's managed policy on this machine. Exit 0 written or nothing to
 * change (a dry run: printed), 1 the portal could not be read or a file is
 * not MCPeeker's (nothing is written then), 2 bad usage.
 */
export async function policy(
  args: string[],
  io: {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
    env?: Record<string, string | undefined>;
  },
  options: { fetch?: typeof fetch; now?: () => Date } = {},
): Promise<number> {
  const parsed = parsePolicyArgs(args);
  const env = io.env ?? process.env;
  let config;
  try {
    // An enrolled agent reads the Registry API with its own credential, from
    // the portal it enrolled with.
    config = loadAgentConfig(parsed.config, env, {
      requireReportCredentials: false,
    });
  } catch (error) {
    if (error instanceof AgentConfigError)
      throw new UsageError(error.message, false);
    throw error;
  }
  const base = (
    parsed.url ?? config.report.http?.url.replace(/\/events\/?$/, '')
  )?.replace(/\/+$/, '');
  if (!base)
    throw new UsageError(
      "option '--url' is required (or MCPEEKER_HTTP_URL): the portal backend's MCPeeker base, e.g. https://portal.example.com/api/mcpeeker",
    );
  const say = (line: string) => io.stderr(`mcpeeker-agent policy: ${line}\n`);

  let servers;
  try {
    servers = await fetchApprovedServers({
      base,
      // The service token, also when --url says where the portal is; else
      // the agent's own credential.
      token: env.MCPEEKER_TOKEN || config.report.http?.token,
      credential: config.report.http?.credential,
      fetch: options.fetch,
    });
  } catch (error) {
    if (error instanceof RegistryApiError) {
      say(`${error.message}; nothing written`);
      return 1;
    }
    throw error;
  }
  const machine = {
    platform: parsed.platform ?? currentPlatform(),
    systemRoot: parsed.systemRoot,
    env,
  };
  const { files, notes } = policyFiles(parsed.clients, machine, servers, {
    registryUrl: base,
    denyOthers: parsed.denyOthers,
    deploy: parsed.deploy,
  });
  for (const note of notes) say(note);

  let plan;
  try {
    plan = planPolicy(files, { force: parsed.force });
  } catch (error) {
    if (error instanceof PolicyFileError) {
      say(`${error.message}; nothing written`);
      return 1;
    }
    throw error;
  }
  const counted = `${plural(servers.length, 'approved server')} from ${base}`;
  const refused = plan.filter(c => c.refusal);
  if (parsed.dryRun) {
    io.stdout(planDiff(plan));
    for (const c of refused)
      say(`would refuse ${c.path}: ${c.refusal} (--force to take it over)`);
    say(
      plan.length === 0
        ? `no change (${counted})`
        : `dry run: ${plural(
            plan.length,
            'file',
          )} would change (${counted}); nothing written`,
    );
    return refused.length > 0 ? 1 : 0;
  }
  if (refused.length > 0) {
    for (const c of refused)
      say(`refused ${c.path}: ${c.refusal} (--force to take it over)`);
    say('nothing written');
    return 1;
  }
  let done;
  try {
    done = applyPolicy(plan, options.now);
  } catch (error) {
    if (error instanceof PolicyFileError) {
      say(error.message);
      return 1;
    }
    throw error;
  }
  for (const file of done) {
    const change = plan.find(c => c.path === file.path)!;
    say(
      `${change.client}: ${change.after === null ? 'removed' : 'wrote'} ${
        file.path
      }${file.backup ? ` (the previous one is ${file.backup})` : ''}`,
    );
  }
  const enforced = readEnforcement(machine)
    .filter(e => parsed.clients.includes(e.client as PolicyClient))
    .map(e => `${e.client} ${e.mode}`)
    .join(', ');
  say(
    `${
      done.length === 0 ? 'no change' : `${plural(done.length, 'file')} written`
    } (${counted})${enforced ? `; enforced: ${enforced}` : ''}`,
  );
  return 0;
}
