import path from 'node:path';
import { parseDockerRun } from './dockerRun';
import { packageRef } from './packageRef';
import { EntryContext, FoundFact, riskFact } from './riskFact';

/** How a root or home folder is written: `~`, `$HOME`, `${HOME}`, `%USERPROFILE%`, VS Code's `${userHome}`. */
const HOME_REFERENCE =
  /^(?:~|\$HOME|\$\{HOME\}|\$\{env:HOME\}|%USERPROFILE%|%HOMEDRIVE%%HOMEPATH%|\$\{env:USERPROFILE\}|\$\{userHome\}|\$env:USERPROFILE)[\\/]?$/i;
/** A home folder written out: `/home/dana`, `/Users/dana`, `C:\Users\dana`, `/root`. */
const HOME_PATH =
  /^(?:\/home\/[^/\\]+|\/Users\/[^/\\]+|[A-Za-z]:[\\/]+Users[\\/]+[^/\\]+|\/root)[\\/]?$/;
const DRIVE_ROOT = /^[A-Za-z]:(?:[\\/]+)?$/;

/** Flags whose value is a URL path, a prefix or a host, where `/` means something else. */
const NOT_A_FOLDER_FLAG =
  /url|uri|route|prefix|base|endpoint|host|path-?prefix|mount-?path/i;
/** Env variables that name the folders a server may use. */
const FOLDER_VARIABLE =
  /(?:^|_)(?:DIRS?|DIRECTOR(?:Y|IES)|ROOTS?|FOLDERS?|ALLOWED_PATHS?|WORKSPACE(?:_PATH)?|PROJECT_PATH)(?:_|$)/i;
const NOT_A_FOLDER_VARIABLE = /URL|URI|BASE_PATH|PREFIX|ROUTE/i;

/** What kind of broad folder a path is, or undefined for an ordinary one. */
export function broadFolder(
  value: string,
  home?: string,
): 'the filesystem root' | 'the home folder' | 'a drive root' | undefined {
  const trimmed = value.trim();
  if (trimmed === '/' || trimmed === '//') return 'the filesystem root';
  if (DRIVE_ROOT.test(trimmed)) return 'a drive root';
  if (HOME_REFERENCE.test(trimmed) || HOME_PATH.test(trimmed))
    return 'the home folder';
  if (
    home &&
    path.resolve(trimmed) === path.resolve(home) &&
    path.isAbsolute(trimmed)
  )
    return 'the home folder';
  return undefined;
}

/**
 * Servers that run shell commands or code their caller chooses, by package
 * name: each is documented by its publisher as doing so.
 */
const SHELL_PACKAGES: Record<string, string> = {
  'npm:@wonderwhy-er/desktop-commander':
    'Desktop Commander runs terminal commands and edits files',
  'npm:mcp-server-commands': 'mcp-server-commands runs shell commands',
  'npm:iterm-mcp': 'iterm-mcp types commands into an iTerm terminal',
  'npm:mcp-server-code-runner': 'mcp-server-code-runner runs code snippets',
  'pypi:mcp-shell-server': 'mcp-shell-server runs shell commands',
};
/** A package named for shell access: `mcp-shell`, `shell-mcp-server`, `terminal-mcp`, `mcp-server-bash`. */
const SHELL_NAMED =
  /(?:^|[/_-])(?:shell|terminal|bash|zsh|powershell|pwsh|code-runner|code-executor|run-command|exec-command)(?:[_-]|$)/i;

const PRIVILEGED_CAPS = /^(?:ALL|CAP_ALL|SYS_ADMIN|CAP_SYS_ADMIN)$/i;
const DOCKER_SOCKET =
  /(?:^|[\\/])docker\.sock$|^(?:\\\\\.\\pipe\\docker_engine|\/\/\.\/pipe\/docker_engine)$/i;

function dockerRisks({ server, home }: EntryContext): FoundFact[] {
  const args = server.args ?? [];
  const run = parseDockerRun(server.command, args);
  if (!run) return [];
  const facts: FoundFact[] = [];
  const at = (index: number) => server.paths.args[index];
  for (const option of run.options) {
    const written =
      option.value !== undefined
        ? `${option.name} ${option.value}`
        : option.name;
    if (option.name === '--privileged' && option.value !== 'false') {
      facts.push(
        riskFact('docker-privileged', 'docker run --privileged', {
          fix: `Remove --privileged from '${server.serverName}'; if the server needs a device or a capability, grant only that one (--device, --cap-add NAME).`,
          at: at(option.index),
        }),
      );
    } else if (
      option.name === '--cap-add' &&
      PRIVILEGED_CAPS.test(option.value ?? '')
    ) {
      facts.push(
        riskFact('docker-privileged', `docker run ${written}`, {
          fix: `Remove --cap-add ${option.value} from '${server.serverName}'; add only the specific capability the server needs, if any.`,
          at: at(option.index),
        }),
      );
    } else if (
      (option.name === '--network' || option.name === '--net') &&
      option.value === 'host'
    ) {
      facts.push(
        riskFact('docker-host-network', `docker run ${written}`, {
          fix: `Remove ${option.name} host from '${server.serverName}'; publish just the server's port on loopback (-p 127.0.0.1:PORT:PORT), or use no network if it needs none.`,
          at: at(option.index),
        }),
      );
    }
  }
  for (const mount of run.mounts) {
    const source = mount.source.trim();
    const into = mount.target ? ` at ${mount.target}` : '';
    if (DOCKER_SOCKET.test(source)) {
      facts.push(
        riskFact(
          'docker-socket',
          `the Docker socket ${source} is mounted${into}`,
          {
            fix: `Remove the ${source} mount from '${server.serverName}'. If it must manage containers, give it a Docker API proxy that allows only the calls it needs.`,
            at: at(mount.index),
          },
        ),
      );
      continue;
    }
    const broad = broadFolder(source, home);
    if (broad === 'the filesystem root' || broad === 'a drive root') {
      facts.push(
        riskFact('docker-root-mount', `${broad} ${source} is mounted${into}`, {
          fix: `Mount only the folder '${server.serverName}' works on (e.g. -v /path/to/project:/work:ro) instead of ${source}.`,
          at: at(mount.index),
        }),
      );
    } else if (broad) {
      facts.push(
        riskFact(
          'broad-filesystem',
          `${broad} ${source} is mounted into the container${into}`,
          {
            fix: `Mount only the project folder '${server.serverName}' needs (e.g. -v /path/to/project:/work:ro) instead of ${source}.`,
            at: at(mount.index),
          },
        ),
      );
    }
  }
  return facts;
}

function folderArgumentRisks({ server, home }: EntryContext): FoundFact[] {
  const args = server.args ?? [];
  const facts: FoundFact[] = [];
  args.forEach((arg, index) => {
    const eq = arg.startsWith('-') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : args[index - 1];
    const value = eq > 0 ? arg.slice(eq + 1) : arg;
    if (eq < 0 && arg.startsWith('-')) return;
    if (flag?.startsWith('-') && NOT_A_FOLDER_FLAG.test(flag)) return;
    const broad = broadFolder(value, home);
    if (!broad) return;
    facts.push(
      riskFact(
        'broad-filesystem',
        `argument ${index + 1}${
          eq > 0 ? ` (${flag})` : ''
        } gives it ${broad} (${value})`,
        {
          fix: `Replace ${value} with the folder(s) '${server.serverName}' should work in, e.g. the project's own path.`,
          at: server.paths.args[index],
        },
      ),
    );
  });
  for (const [name, raw] of Object.entries(server.env ?? {})) {
    if (typeof raw !== 'string') continue;
    if (!FOLDER_VARIABLE.test(name) || NOT_A_FOLDER_VARIABLE.test(name))
      continue;
    for (const value of raw.split(/[,;]/)) {
      const broad = broadFolder(value, home);
      if (!broad) continue;
      facts.push(
        riskFact(
          'broad-filesystem',
          `env ${name} gives it ${broad} (${value.trim()})`,
          {
            fix: `Set ${name} to the folder(s) '${
              server.serverName
            }' should work in, not ${value.trim()}.`,
            at: [...(server.paths.env ?? ['env']), name],
          },
        ),
      );
      break;
    }
  }
  return facts;
}

function shellRisks({ server }: EntryContext): FoundFact[] {
  const run = parseDockerRun(server.command, server.args);
  const ref = packageRef(server.command, server.args, run?.imageIndex);
  if (!ref) return [];
  const known = SHELL_PACKAGES[`${ref.ecosystem}:${ref.name}`];
  const named = !known && SHELL_NAMED.test(ref.name);
  if (!known && !named) return [];
  return [
    riskFact(
      'shell-or-code-execution',
      known
        ? `${known} (${ref.ecosystem} package ${ref.name})`
        : `${ref.ecosystem} package ${ref.name} is named for shell or code execution`,
      {
        fix: `Run '${server.serverName}' only in a container or VM that holds no credentials, keep the client asking before each call, or use a server whose tools do one specific thing.`,
        at: server.paths.args[ref.argIndex],
      },
    ),
  ];
}

/** `broad-filesystem`, the `docker-*` kinds and `shell-or-code-execution` (by package) for one entry. */
export function reachRisks(context: EntryContext): FoundFact[] {
  const docker = parseDockerRun(context.server.command, context.server.args);
  return [
    ...(docker ? dockerRisks(context) : folderArgumentRisks(context)),
    ...shellRisks(context),
  ];
}
