/**
 * Where every MCP client keeps its server list, as data: one place to read,
 * review and extend. The client table of docs/agent.md is generated from it
 * (`clientTableDoc.ts`; a test fails when the two differ).
 *
 * A location's `base` is resolved per platform by `resolveBases`:
 * - `home`: the user's home;
 * - `appSupport`: macOS `~/Library/Application Support`, Linux
 *   `$XDG_CONFIG_HOME` or `~/.config`, Windows `%APPDATA%`
 *   (`<home>/AppData/Roaming` unless set);
 * - `xdgConfig`: `$XDG_CONFIG_HOME` or `~/.config` on Linux and macOS (CLIs
 *   that follow XDG even on macOS), `%APPDATA%` on Windows;
 * - `dotConfig`: `$XDG_CONFIG_HOME` or `~/.config` on every platform,
 *   Windows included (`%USERPROFILE%\.config`), as Go's and Node's
 *   xdg-basedir libraries resolve it;
 * - `xdgData`: `$XDG_DATA_HOME` or `~/.local/share` (Linux and macOS);
 * - `localAppData`: Windows `%LOCALAPPDATA%` (`<home>/AppData/Local`);
 * - `vscodeUser`: the `User` folder of VS Code, VS Code Insiders and VSCodium
 *   (each one yields a location), under `appSupport`;
 * - `managed`: the machine-wide folder an administrator manages (`/etc`,
 *   `/Library/Application Support`, `C:\ProgramData`);
 * - `etc`: `/etc` (Linux and macOS);
 * - `programFiles`: Windows `%ProgramFiles%` (`C:\Program Files`);
 * - `systemRoot`: the file system's root (`/`, `C:\`);
 * - `project`: a project root found under `--root`.
 *
 * A path segment may hold `*` (any name, e.g. `<Product><Version>` folders,
 * `AndroidStudio*`, `.warp-*` channels) and `{a,b}` (either name). A last
 * segment that is only `*` matches the files of the location's format.
 */

export type Platform = 'linux' | 'darwin' | 'win32';
export type Scope = 'user' | 'project' | 'managed';
/**
 * - `json`: JSON read as JSONC (comments, trailing commas), as every JSON client tolerates;
 * - `json5`: JSON5 (unquoted keys, single quotes), for clients that accept it;
 * - `xml`: an XML options file (JetBrains);
 * - `properties`: a Java properties file (an Eclipse preference store);
 * - `crushrc`: Crush's Bash config, read statically (never run).
 */
export type ConfigFormat =
  | 'json'
  | 'json5'
  | 'toml'
  | 'yaml'
  | 'xml'
  | 'properties'
  | 'crushrc';

/**
 * How to find the server entries inside a parsed file (`EXTRACTOR_KEYS`
 * says it in words for the docs).
 */
export type Extractor =
  | 'mcpServers'
  | 'servers'
  | 'serversOrMcpServers'
  | 'context_servers'
  | 'mcp_servers'
  | 'mcp'
  | 'vscodeSettings'
  | 'claudeCodeUser'
  | 'continue'
  | 'goose'
  | 'devcontainer'
  | 'ampSettings'
  | 'warp'
  | 'mcpServersOrFlat'
  | 'mcphub'
  | 'singleServer'
  | 'mcpServersOrList'
  | 'augmentVscode'
  | 'codySettings'
  | 'fiveire'
  | 'jetbrainsXml'
  | 'eclipseCopilot'
  | 'crushrc'
  | 'dockerToolkit';

/** What each extractor reads, in the words docs/agent.md uses. */
export const EXTRACTOR_KEYS: Record<Extractor, string> = {
  mcpServers: '`mcpServers`',
  servers: '`servers`',
  serversOrMcpServers: '`servers` or `mcpServers`',
  context_servers:
    '`context_servers`: `command` as string or `{ path, args, env }`, or `url`',
  mcp_servers: '`[mcp_servers.<name>]`: `command`/`args`/`env` or `url`',
  mcp: '`mcp`: `{ type: local, command: [...] }`, `{ type: remote, url }` or `command` + `args`',
  vscodeSettings: '`mcp.servers` (nested or dotted), `amp.mcpServers`',
  claudeCodeUser: '`mcpServers` and `projects.<path>.mcpServers`',
  continue:
    '`mcpServers` as a **list** of `{ name, command, args, env }` or `{ type, url }`',
  goose:
    '`extensions`: `cmd`/`args`/`envs` or `uri`; `builtin` extensions are skipped',
  devcontainer: '`customizations.vscode.mcp.servers`',
  ampSettings: 'dotted key `amp.mcpServers`',
  warp: 'the first of `mcpServers`, `mcp_servers`, `servers`, `mcp.servers`; else the file is the map of servers',
  mcpServersOrFlat: '`mcpServers`, else the file is the map of servers',
  mcphub: '`servers` when present, else `mcpServers`',
  singleServer: 'the file is one server; its name is the file name',
  mcpServersOrList:
    '`mcpServers` (object, or the older list of `{ name, ... }`)',
  augmentVscode: '`augment.advanced.mcpServers`: a list of `{ name, ... }`',
  codySettings: 'dotted key `cody.mcpServers`',
  fiveire: '`mcpServers`; very old files: a `servers` list',
  jetbrainsXml:
    'component `McpApplicationServerCommands` / `McpProjectServerCommands`: `programPath` or `command`, `arguments` or `args`, `envs`/`env`, `url`, `headers`',
  eclipseCopilot: 'preference `mcp`: JSON with `servers`',
  crushrc:
    '`mcp add <name> --command … --args … --env K V --url … --header K V`; `mcp remove`',
  dockerToolkit:
    '`registry`: enabled servers, defined in `catalogs/*.yaml` (`image`, `command`, `secrets`, `env`, `remote.url`)',
};

export type Base =
  | 'home'
  | 'appSupport'
  | 'xdgConfig'
  | 'dotConfig'
  | 'xdgData'
  | 'localAppData'
  | 'vscodeUser'
  | 'managed'
  | 'etc'
  | 'programFiles'
  | 'systemRoot'
  | 'project';

export interface ClientLocation {
  /** Platforms the location exists on; all when absent. */
  platforms?: Platform[];
  scope: Scope;
  base: Base;
  /** Path below the base; segments may hold `*` and `{a,b}` (see above). */
  path: string[];
  format: ConfigFormat;
  extract: Extractor;
  /** Transport of a bare `url` entry (Gemini: `url` is SSE, `httpUrl` is Streamable HTTP). */
  urlTransport?: 'http' | 'sse';
  /** Where this path comes from, when not the client's `source`. */
  source?: string;
  /**
   * The same file and key another client's location reads: reported once,
   * as that client's (`client` of the detection), and listed here so the
   * docs say this client reads it too.
   */
  sharedWith?: string;
  /**
   * The folder `path` is under is named by `key` in the JSON file at
   * `base`/`folderFrom.path` (a client whose data folder can be moved).
   */
  folderFrom?: { path: string[]; key: string };
}

export interface ClientDefinition {
  id: string;
  name: string;
  /** Where the paths come from (docs, source files); a location may name its own. */
  source: string;
  /** Servers this client keeps somewhere the agent cannot read as a file, and other limits, in words. */
  notRead?: string;
  locations: ClientLocation[];
}

const ALL: Platform[] = ['linux', 'darwin', 'win32'];

const FORMAT_OF_NAME: Array<[RegExp, ConfigFormat]> = [
  [/\.ya?ml$/i, 'yaml'],
  [/\.toml$/i, 'toml'],
  [/\.xml$/i, 'xml'],
  [/\.prefs$/i, 'properties'],
  [/(^|[\\/])\.?crushrc$/, 'crushrc'],
];

/**
 * One location; `path` is written with `/`. The format follows the file name
 * (`.yaml`, `.toml`, `.xml`, `.prefs`, `crushrc`; JSON otherwise) unless given.
 */
function at(
  scope: Scope,
  base: Base,
  path: string,
  extract: Extractor,
  more: Partial<ClientLocation> = {},
): ClientLocation {
  const format =
    FORMAT_OF_NAME.find(([pattern]) => pattern.test(path))?.[1] ?? 'json';
  return { scope, base, path: path.split('/'), format, extract, ...more };
}
const user = (base: Base, path: string, extract: Extractor, more = {}) =>
  at('user', base, path, extract, more);
const project = (path: string, extract: Extractor, more = {}) =>
  at('project', 'project', path, extract, more);
const managed = (base: Base, path: string, extract: Extractor, more = {}) =>
  at('managed', base, path, extract, more);
const on = (...platforms: Platform[]) => ({ platforms });

export const CLIENTS: ClientDefinition[] = [
  {
    id: 'claude-desktop',
    name: 'Claude Desktop',
    source: 'MCP quickstart for Claude Desktop',
    notRead:
      'Installed desktop extensions are read from `appSupport/Claude/Claude Extensions/<id>/manifest.json` (`server.mcp_config`; MCPB manifest spec).',
    locations: [
      user('appSupport', 'Claude/claude_desktop_config.json', 'mcpServers'),
    ],
  },
  {
    id: 'claude-code',
    name: 'Claude Code',
    source: 'Claude Code docs: MCP scopes, managed MCP configuration',
    notRead:
      'Plugin `.mcp.json` files under `~/.claude/plugins` are read too. `managed-settings.json` and `managed-settings.d/*.json` hold policy (`allowedMcpServers`, `deniedMcpServers`), not servers; settings delivered by MDM (a plist, the registry) or by the server are not files.',
    locations: [
      user('home', '.claude.json', 'claudeCodeUser'),
      user('home', '.claude/mcp.json', 'mcpServers'),
      project('.mcp.json', 'mcpServers'),
      managed(
        'managed',
        'claude-code/managed-mcp.json',
        'mcpServers',
        on('linux'),
      ),
      managed(
        'managed',
        'ClaudeCode/managed-mcp.json',
        'mcpServers',
        on('darwin'),
      ),
      managed('programFiles', 'ClaudeCode/managed-mcp.json', 'mcpServers', {
        ...on('win32'),
        source:
          'Claude Code CHANGELOG: the Windows managed folder is C:\\Program Files\\ClaudeCode',
      }),
      managed('managed', 'ClaudeCode/managed-mcp.json', 'mcpServers', {
        ...on('win32'),
        source:
          'Claude Code CHANGELOG: C:\\ProgramData\\ClaudeCode, deprecated, read by older versions',
      }),
    ],
  },
  {
    id: 'vscode',
    name: 'VS Code, Insiders, VSCodium',
    source:
      'VS Code docs: MCP servers in VS Code, dev container customizations',
    locations: [
      user('vscodeUser', 'mcp.json', 'servers'),
      user('vscodeUser', 'settings.json', 'vscodeSettings'),
      user('vscodeUser', 'profiles/*/mcp.json', 'servers'),
      user('vscodeUser', 'profiles/*/settings.json', 'vscodeSettings'),
      project('.vscode/mcp.json', 'servers'),
      project('.vscode/settings.json', 'vscodeSettings'),
      project('.devcontainer/devcontainer.json', 'devcontainer'),
      project('.devcontainer/*/devcontainer.json', 'devcontainer'),
    ],
  },
  {
    id: 'cursor',
    name: 'Cursor',
    source: 'Cursor docs: Model Context Protocol',
    notRead: 'Plugin `.mcp.json` files under `~/.cursor/plugins` are read too.',
    locations: [
      user('home', '.cursor/mcp.json', 'mcpServers'),
      project('.cursor/mcp.json', 'mcpServers'),
    ],
  },
  {
    id: 'windsurf',
    name: 'Windsurf',
    source: 'Windsurf docs: Cascade MCP',
    locations: [
      user('home', '.codeium/windsurf/mcp_config.json', 'mcpServers'),
    ],
  },
  {
    id: 'cline',
    name: 'Cline',
    source: 'Cline docs: MCP configuration',
    locations: [
      user(
        'vscodeUser',
        'globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
        'mcpServers',
      ),
      user(
        'home',
        '.cline/data/settings/cline_mcp_settings.json',
        'mcpServers',
      ),
    ],
  },
  {
    id: 'roo-code',
    name: 'Roo Code',
    source: 'Roo Code docs: using MCP',
    locations: [
      user(
        'vscodeUser',
        'globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json',
        'mcpServers',
      ),
      project('.roo/mcp.json', 'mcpServers'),
    ],
  },
  {
    id: 'kiro',
    name: 'Kiro',
    source: 'Kiro docs: MCP configuration',
    locations: [
      user('home', '.kiro/settings/mcp.json', 'mcpServers'),
      project('.kiro/settings/mcp.json', 'mcpServers'),
    ],
  },
  {
    id: 'trae',
    name: 'Trae',
    source: 'Trae docs: MCP',
    locations: [
      user('appSupport', 'Trae/User/mcp.json', 'mcpServers'),
      project('.trae/mcp.json', 'mcpServers'),
    ],
  },
  {
    id: 'gemini-cli',
    name: 'Gemini CLI',
    source: 'Gemini CLI docs: configuration, MCP servers',
    locations: [
      user('home', '.gemini/settings.json', 'mcpServers', {
        urlTransport: 'sse',
      }),
      project('.gemini/settings.json', 'mcpServers', { urlTransport: 'sse' }),
      managed('managed', 'gemini-cli/settings.json', 'mcpServers', {
        ...on('linux', 'win32'),
        urlTransport: 'sse',
      }),
      managed('managed', 'GeminiCli/settings.json', 'mcpServers', {
        ...on('darwin'),
        urlTransport: 'sse',
      }),
    ],
  },
  {
    id: 'antigravity',
    name: 'Antigravity',
    source: 'Antigravity MCP settings ("view raw config")',
    locations: [
      user('home', '.gemini/antigravity/mcp_config.json', 'mcpServers'),
    ],
  },
  {
    id: 'codex',
    name: 'OpenAI Codex',
    source: 'Codex docs: config.toml, MCP',
    locations: [
      user('home', '.codex/config.toml', 'mcp_servers'),
      project('.codex/config.toml', 'mcp_servers'),
    ],
  },
  {
    id: 'opencode',
    name: 'opencode',
    source: 'opencode docs: MCP servers',
    locations: [
      // On Windows opencode reads %USERPROFILE%\.config\opencode when it
      // exists, as on Linux and macOS, before %APPDATA%\opencode: both are read.
      user(
        'home',
        '.config/opencode/opencode.{json,jsonc}',
        'mcp',
        on('win32'),
      ),
      user('xdgConfig', 'opencode/opencode.{json,jsonc}', 'mcp'),
      project('opencode.{json,jsonc}', 'mcp'),
    ],
  },
  {
    id: 'amp',
    name: 'Amp',
    source: 'Amp manual: MCP',
    notRead:
      "`amp.mcpServers` in VS Code settings is read with VS Code's settings.",
    locations: [user('xdgConfig', 'amp/settings.json', 'ampSettings')],
  },
  {
    id: 'amazon-q',
    name: 'Amazon Q Developer',
    source: 'Amazon Q Developer docs: MCP configuration',
    locations: [
      user('home', '.aws/amazonq/mcp.json', 'mcpServers'),
      project('.amazonq/mcp.json', 'mcpServers'),
    ],
  },
  {
    id: 'continue',
    name: 'Continue',
    source:
      'Continue docs: config.yaml reference, MCP blocks; continuedev/continue core/config/workspace/workspaceBlocks.ts',
    notRead:
      'Blocks an assistant gets from Continue Hub (Mission Control) are not files.',
    locations: [
      user('home', '.continue/config.yaml', 'continue'),
      user('home', '.continue/mcpServers/*', 'continue', {
        format: 'yaml',
        source:
          'continuedev/continue core/config/loadLocalAssistants.ts (getDotContinueSubDirs reads ~/.continue/<block type> as it reads the workspace one; inferred)',
      }),
      user('home', '.continue/mcpServers/*', 'mcpServers', {
        format: 'json',
        source:
          'Continue docs: MCP (JSON files of other clients dropped in as they are); global folder inferred as above',
      }),
      project('.continue/mcpServers/*', 'continue', { format: 'yaml' }),
      project('.continue/mcpServers/*', 'mcpServers', {
        format: 'json',
        source:
          'Continue docs: MCP (Claude, Cursor or Cline JSON files dropped in as they are)',
      }),
    ],
  },
  {
    id: 'goose',
    name: 'Goose',
    source: 'Goose docs: configuration file',
    locations: [
      user('xdgConfig', 'goose/config.yaml', 'goose', on('linux', 'darwin')),
      user(
        'appSupport',
        'Block/goose/config/config.yaml',
        'goose',
        on('win32'),
      ),
    ],
  },
  {
    id: 'zed',
    name: 'Zed',
    source: 'Zed docs: Model Context Protocol',
    locations: [
      user(
        'xdgConfig',
        'zed/settings.json',
        'context_servers',
        on('linux', 'darwin'),
      ),
      user('appSupport', 'Zed/settings.json', 'context_servers', on('win32')),
      project('.zed/settings.json', 'context_servers'),
    ],
  },
  {
    id: 'lm-studio',
    name: 'LM Studio',
    source: 'LM Studio docs: MCP',
    locations: [user('home', '.lmstudio/mcp.json', 'mcpServers')],
  },
  {
    id: 'copilot-cli',
    name: 'GitHub Copilot CLI',
    source: 'Copilot CLI docs',
    locations: [user('home', '.copilot/mcp-config.json', 'mcpServers')],
  },
  {
    id: 'generic',
    name: 'Project MCP file',
    source: 'common convention',
    locations: [
      project('mcp.json', 'serversOrMcpServers'),
      project('.mcp/*', 'serversOrMcpServers'),
    ],
  },

  // ---- clients added from shared/clients-extra.json (issue #17) ----
  {
    id: 'visual-studio',
    name: 'Visual Studio (GitHub Copilot agent mode)',
    source:
      'Visual Studio docs: Use MCP servers (discovery order); MicrosoftDocs/visualstudio-docs docs/ide/mcp-servers.md',
    notRead:
      'Organisation control is GitHub Copilot policy, not a local file. Whether Visual Studio also reads `mcpServers` in its own files is not stated: both keys are read.',
    locations: [
      user('home', '.mcp.json', 'serversOrMcpServers', on('win32')),
      project('.vs/mcp.json', 'serversOrMcpServers', on('win32')),
      project('.mcp.json', 'servers', on('win32')),
      project('.mcp.json', 'mcpServers', {
        ...on('win32'),
        sharedWith: 'claude-code',
      }),
      project('.vscode/mcp.json', 'servers', {
        ...on('win32'),
        sharedWith: 'vscode',
      }),
      project('.cursor/mcp.json', 'mcpServers', {
        ...on('win32'),
        sharedWith: 'cursor',
      }),
    ],
  },
  {
    id: 'jetbrains-ai',
    name: 'JetBrains AI Assistant',
    source:
      "JetBrains AI Assistant docs: MCP (the JSON shape); the paths and XML components from third-party scanners citing the plugin's settings classes and YouTrack LLM-16145, LLM-22682",
    notRead:
      'One IDE configuration folder per product and version: every `JetBrains/<Product><Version>` found is read. Since 2025.3 the XML keeps only state (name, enabled, allowed tools) and the definitions are in `.ai/mcp/mcp.json`; an XML entry without a command or URL is not reported. A registry key (`llm.mcp.client.global.mcp.json.path`) that moves `mcp.json` is not followed; servers an organisation pushes through JetBrains Central Console are not files.',
    locations: [
      user(
        'appSupport',
        'JetBrains/*/options/llm.mcpServers.xml',
        'jetbrainsXml',
      ),
      user('home', '.ai/mcp/mcp.json', 'mcpServersOrFlat', {
        source:
          'YouTrack LLM-22682 (2025.3 and later), plugin.xml registry key llm.mcp.client.global.mcp.json.path',
      }),
      project('.ai/mcp/mcp.json', 'mcpServersOrFlat', {
        source:
          'YouTrack LLM-22682, registry key llm.mcp.client.project.mcp.json.path',
      }),
      project('.idea/workspace.xml', 'jetbrainsXml'),
      project('.idea/.idea.*/.idea/workspace.xml', 'jetbrainsXml', {
        source: 'committed Rider projects (one .idea.<Solution> per solution)',
      }),
    ],
  },
  {
    id: 'junie',
    name: 'JetBrains Junie',
    source:
      'Junie docs: MCP; laravel/boost src/Install/Agents/Junie.php (project path); Windows: the home-relative path (inferred)',
    notRead:
      'One source reports other `*.json` files in `.junie/mcp/` are read too (unverified): only `mcp.json` is read.',
    locations: [
      user('home', '.junie/mcp/mcp.json', 'mcpServers'),
      project('.junie/mcp/mcp.json', 'mcpServers'),
    ],
  },
  {
    id: 'warp',
    name: 'Warp',
    source:
      'warpdotdev/warp crates/warp_core/src/paths.rs, app/src/ai/mcp/mod.rs (file-based MCP servers)',
    notRead:
      "Servers added in Warp's UI or Warp Drive are kept in Warp's own database and cloud objects, not in a file. The Agent TUI's file on Linux and Windows is under a folder named by the app id (not established). With file-based servers on, Warp also starts the servers of `~/.claude.json`, `.mcp.json` and `.codex/config.toml`: reported as Claude Code's and Codex's.",
    locations: [
      user('home', '.warp/.mcp.json', 'warp'),
      user('home', '.warp-*/.mcp.json', 'warp', {
        source:
          'warpdotdev/warp crates/warp_core/src/paths.rs (channel folders .warp-dev, .warp-local, .warp-oss, .warp-integration)',
      }),
      user('home', '.warp_cli*/.mcp.json', 'warp', {
        ...on('darwin'),
        source:
          'warpdotdev/warp crates/warp_core/src/paths.rs (tui_mcp_config_file_path)',
      }),
      user('home', '.agents/.mcp.json', 'warp'),
      user('home', '.claude.json', 'claudeCodeUser', {
        sharedWith: 'claude-code',
      }),
      user('home', '.codex/config.toml', 'mcp_servers', {
        sharedWith: 'codex',
      }),
      project('.warp/.mcp.json', 'warp'),
      project('.agents/.mcp.json', 'warp'),
      project('.mcp.json', 'mcpServers', { sharedWith: 'claude-code' }),
      project('.codex/config.toml', 'mcp_servers', { sharedWith: 'codex' }),
    ],
  },
  {
    id: 'qwen-code',
    name: 'Qwen Code',
    source:
      'QwenLM/qwen-code docs/users/features/mcp.md, docs/users/configuration/settings.md (system settings paths)',
    notRead:
      "`QWEN_CODE_SYSTEM_SETTINGS_PATH`, `QWEN_HOME` and `--config-dir` can move the files; the running user's environment is not read for them.",
    locations: [
      user('home', '.qwen/settings.json', 'mcpServers', {
        urlTransport: 'sse',
      }),
      project('.qwen/settings.json', 'mcpServers', { urlTransport: 'sse' }),
      project('.qwen/settings.local.json', 'mcpServers', {
        urlTransport: 'sse',
        source: 'Qwen Code 1.x docs: MCP scopes (local)',
      }),
      project('.mcp.json', 'mcpServers', {
        sharedWith: 'claude-code',
        source: 'Qwen Code 1.x docs: MCP scopes (project)',
      }),
      managed(
        'managed',
        'qwen-code/{settings,system-defaults}.json',
        'mcpServers',
        {
          ...on('linux', 'win32'),
          urlTransport: 'sse',
        },
      ),
      managed(
        'managed',
        'QwenCode/{settings,system-defaults}.json',
        'mcpServers',
        {
          ...on('darwin'),
          urlTransport: 'sse',
        },
      ),
    ],
  },
  {
    id: 'crush',
    name: 'Crush',
    source:
      'charmbracelet/crush docs/config/README.md, internal/config/load.go',
    notRead:
      '`crushrc` is Bash that Crush runs: the agent reads its `mcp add` and `mcp remove` commands without running anything, whatever condition surrounds them; servers added by a `source`d file, a loop or a function are not seen. `CRUSH_GLOBAL_CONFIG` and `CRUSH_GLOBAL_DATA` can move the files.',
    locations: [
      user('dotConfig', 'crush/crushrc', 'crushrc'),
      user('dotConfig', 'crush/crush.json', 'mcp'),
      user('xdgData', 'crush/crush.json', 'mcp', {
        ...on('linux', 'darwin'),
        source:
          'charmbracelet/crush internal/config/load.go (GlobalConfigData: machine-written state merged into the config)',
      }),
      user('localAppData', 'crush/crush.json', 'mcp', {
        ...on('win32'),
        source:
          'charmbracelet/crush internal/config/load.go (GlobalConfigData; the user config before 2025-11-03)',
      }),
      project('.crushrc', 'crushrc'),
      project('crushrc', 'crushrc'),
      project('.crush.json', 'mcp'),
      project('crush.json', 'mcp'),
      project('.crush/crush.json', 'mcp'),
      managed('etc', 'crush/crush.json', 'mcp', {
        ...on('linux', 'darwin'),
        source:
          'charmbracelet/crush internal/config/config_unix.go (systemConfigPath)',
      }),
    ],
  },
  {
    id: 'factory-droid',
    name: 'Factory Droid',
    source: 'Factory-AI/factory docs/cli/configuration/mcp.mdx',
    notRead:
      'The managed `settings.json` (`/etc/factory`, `/Library/Application Support/Factory`, `C:\\Program Files\\Factory`) holds policy (`mcpPolicy`), not servers; organisation settings can also come from the Factory app.',
    locations: [
      user('home', '.factory/mcp.json', 'mcpServers'),
      project('.factory/mcp.json', 'mcpServers'),
      user('appSupport', 'Factory Bridge/mcp.json', 'mcpServers', {
        ...on('darwin', 'win32'),
        source: 'Factory docs (the older Factory Bridge desktop app)',
      }),
    ],
  },
  {
    id: 'kilo-code',
    name: 'Kilo Code',
    source:
      'Kilo-Org/kilocode packages/opencode/src/config (config.ts, paths.ts), src/kilocode/mcp-migrator.ts, src/global (xdg-basedir, app kilo)',
    notRead:
      "`KILO_CONFIG`, `KILO_CONFIG_DIR` and `KILO_CONFIG_CONTENT` add sources the agent does not read; the older extension inside Cursor's folder is not read.",
    locations: [
      user('dotConfig', 'kilo/{kilo,opencode}.{json,jsonc}', 'mcp'),
      user('dotConfig', 'kilo/config.json', 'mcp'),
      user(
        'vscodeUser',
        'globalStorage/kilocode.kilo-code/settings/mcp_settings.json',
        'mcpServers',
        {
          source:
            'Kilo Code docs: using MCP (global mcp_settings.json); src/kilocode/paths.ts',
        },
      ),
      user('home', '.{kilocode,kilo}/mcp.json', 'mcpServers'),
      user('home', '.{kilocode,kilo}/mcp/*', 'singleServer', {
        format: 'json',
      }),
      user(
        'home',
        '.kilocode/cli/global/settings/mcp_settings.json',
        'mcpServers',
        {
          source: 'Kilo docs: using MCP in the CLI (older CLI)',
        },
      ),
      project('kilo.{json,jsonc}', 'mcp'),
      project('opencode.{json,jsonc}', 'mcp', { sharedWith: 'opencode' }),
      project('.{kilo,kilocode}/kilo.{json,jsonc}', 'mcp'),
      project('.opencode/opencode.{json,jsonc}', 'mcp'),
      project('.{kilocode,kilo}/mcp.json', 'mcpServers'),
      project('.{kilocode,kilo}/mcp/*', 'singleServer', { format: 'json' }),
      managed(
        'managed',
        'kilo/{kilo,opencode}.{json,jsonc}',
        'mcp',
        on('linux'),
      ),
      managed(
        'managed',
        'kilo/kilo.{json,jsonc}',
        'mcp',
        on('darwin', 'win32'),
      ),
      managed('managed', 'opencode/{kilo,opencode}.{json,jsonc}', 'mcp', {
        source:
          "Kilo-Org/kilocode managed.ts (the newer one returns opencode's managed folders)",
      }),
    ],
  },
  {
    id: 'augment',
    name: 'Augment Code',
    source:
      'augmentcode/auggie CHANGELOG (~/.augment/settings.json, record-based mcpServers); key and project file from third-party integrations; Windows: the home-relative path (inferred)',
    notRead:
      'Servers added in the newer IDE extensions\' settings panel ("Easy MCP") are kept in extension state (not established); `--mcp-config FILE` can name any file.',
    locations: [
      user('home', '.augment/settings.json', 'mcpServersOrList'),
      project('.augment/settings.json', 'mcpServersOrList'),
      user('vscodeUser', 'settings.json', 'augmentVscode', {
        source: 'third-party integrations (the older VS Code extension)',
      }),
      project('.vscode/settings.json', 'augmentVscode', {
        source: 'third-party integrations (the older VS Code extension)',
      }),
    ],
  },
  {
    id: 'mcphub-nvim',
    name: 'mcphub.nvim',
    source:
      'ravitemer/mcphub.nvim lua/mcphub/config.lua, doc/mcp/servers_json.md, doc/workspace.md',
    notRead:
      '`setup({ config = ... })` can name another file. `nativeMCPServers` are Lua servers inside Neovim, not processes.',
    locations: [
      user('home', '.config/mcphub/servers.json', 'mcphub', {
        format: 'json5',
      }),
      project('.mcphub/servers.json', 'mcphub', { format: 'json5' }),
      project('.vscode/mcp.json', 'servers', { sharedWith: 'vscode' }),
      project('.cursor/mcp.json', 'mcpServers', { sharedWith: 'cursor' }),
    ],
  },
  {
    id: 'docker-mcp',
    name: 'Docker MCP Toolkit',
    source:
      'docker/mcp-gateway pkg/config/readwrite.go, pkg/config/registry.go, pkg/catalog (catalogs/<name>.yaml, docker-mcp.yaml first)',
    notRead:
      "Profiles (`docker mcp gateway run --profile`, the newer toolkit) are kept in the SQLite database `~/.docker/mcp/mcp-toolkit.db`, and secrets in Docker Desktop's secret store: neither is read. Older versions kept these files in a Docker volume.",
    locations: [user('home', '.docker/mcp/registry.yaml', 'dockerToolkit')],
  },
  {
    id: 'librechat',
    name: 'LibreChat',
    source: 'LibreChat docs: librechat.yaml, mcpServers object structure',
    notRead:
      "Servers users create in LibreChat's UI are kept in MongoDB. `CONFIG_PATH` can name another file or a URL. `interface.mcpServers` is a permissions block, not servers.",
    locations: [
      project('librechat.yaml', 'mcpServers', {
        source:
          'LibreChat docs: setup (librechat.yaml at the install root, next to .env)',
      }),
      managed('systemRoot', 'app/librechat.yaml', 'mcpServers', {
        ...on('linux'),
        source:
          'LibreChat docs: the official Docker image reads /app/librechat.yaml',
      }),
    ],
  },
  {
    id: 'jan',
    name: 'Jan',
    source:
      'janhq/jan src-tauri/src/core/mcp/commands.rs (mcp_config.json in the data folder), src-tauri/src/core/app/commands.rs (data_folder in settings.json)',
    notRead:
      'A Linux install older than the XDG data folder may keep its files under `~/.config/Jan` (not read).',
    locations: [
      user('xdgData', 'Jan/data/mcp_config.json', 'mcpServers', on('linux')),
      user(
        'appSupport',
        'Jan/data/mcp_config.json',
        'mcpServers',
        on('darwin', 'win32'),
      ),
      user('xdgData', 'mcp_config.json', 'mcpServers', {
        ...on('linux'),
        folderFrom: {
          path: ['{Jan,jan.ai.app}', 'settings.json'],
          key: 'data_folder',
        },
      }),
      user('appSupport', 'mcp_config.json', 'mcpServers', {
        ...on('darwin', 'win32'),
        folderFrom: {
          path: ['{Jan,jan.ai.app}', 'settings.json'],
          key: 'data_folder',
        },
      }),
    ],
  },
  {
    id: '5ire',
    name: '5ire',
    source:
      "nanbingxyz/5ire src/main/mcp.ts (userData/mcp.json), legacy-servers-config-loader.ts; the per-OS folders are Electron's userData (inferred)",
    notRead:
      "Since v0.15 (late 2025) servers move into the app's database under `userData/Database`, which is not read; `mcp.json` may then be stale.",
    locations: [user('appSupport', '5ire/mcp.json', 'fiveire')],
  },
  {
    id: 'boltai',
    name: 'BoltAI',
    source:
      'BoltAI docs: MCP servers (FAQ), as cited by third-party installers',
    locations: [user('home', '.boltai/mcp.json', 'mcpServers', on('darwin'))],
  },
  {
    id: 'void',
    name: 'Void',
    source:
      'voideditor/void src/vs/workbench/contrib/void/common/mcpService.ts, product.json (dataFolderName .void-editor)',
    notRead:
      "Whether VS Code's own MCP files under Void's user-data folder are active too is not established (not read).",
    locations: [user('home', '.void-editor/mcp.json', 'mcpServers')],
  },
  {
    id: 'copilot-jetbrains',
    name: 'GitHub Copilot for JetBrains',
    source:
      'Adobe AEM guide to Copilot in JetBrains (the servers key); laravel/boost PhpStorm Copilot installer and microsoft/apm issue #1225 (the paths)',
    notRead:
      "Organisation policy (an MCP registry, allowlists) is server-side. The same folder holds Copilot's tokens (`apps.json`, `hosts.json`): never read.",
    locations: [
      user(
        'dotConfig',
        'github-copilot/intellij/mcp.json',
        'servers',
        on('linux', 'darwin'),
      ),
      user(
        'localAppData',
        'github-copilot/intellij/mcp.json',
        'servers',
        on('win32'),
      ),
      user('appSupport', 'github-copilot/intellij/mcp.json', 'servers', {
        ...on('darwin'),
        source: 'third-party sources (an unverified macOS variant)',
      }),
    ],
  },
  {
    id: 'copilot-xcode',
    name: 'GitHub Copilot for Xcode',
    source:
      'github/CopilotForXcode Core/Sources/HostApp/ToolsSettings/MCPConfigConstants.swift',
    locations: [
      user(
        'home',
        '.config/github-copilot/xcode/mcp.json',
        'servers',
        on('darwin'),
      ),
    ],
  },
  {
    id: 'copilot-eclipse',
    name: 'GitHub Copilot for Eclipse',
    source:
      "microsoft/copilot-for-eclipse Constants.java (key mcp), CopilotPreferenceInitializer.java; the .prefs file is Eclipse's instance-scope preference store (inferred)",
    notRead:
      'Workspaces are found directly in the home (`~/eclipse-workspace`) and under `--root`; one elsewhere is not. Issue #127 proposes `mcp.json` files; no released code reads them.',
    locations: [
      user(
        'home',
        '*/.metadata/.plugins/org.eclipse.core.runtime/.settings/com.microsoft.copilot.eclipse.ui.prefs',
        'eclipseCopilot',
      ),
      project(
        '.metadata/.plugins/org.eclipse.core.runtime/.settings/com.microsoft.copilot.eclipse.ui.prefs',
        'eclipseCopilot',
      ),
    ],
  },
  {
    id: 'gemini-code-assist',
    name: 'Gemini Code Assist',
    source:
      'Gemini Code Assist docs: agent mode ("Agent mode in VS Code is powered by Gemini CLI")',
    notRead:
      'Agent mode in IntelliJ does not use Gemini CLI; where it keeps servers is not established.',
    locations: [
      user('home', '.gemini/settings.json', 'mcpServers', {
        urlTransport: 'sse',
        sharedWith: 'gemini-cli',
      }),
      project('.gemini/settings.json', 'mcpServers', {
        urlTransport: 'sse',
        sharedWith: 'gemini-cli',
      }),
    ],
  },
  {
    id: 'android-studio-gemini',
    name: 'Gemini in Android Studio',
    source:
      'Android Studio docs: Add an MCP server (mcp.json in the configuration folder); the per-OS folders are the IntelliJ-platform ones (inferred)',
    locations: [
      user('appSupport', 'Google/AndroidStudio*/mcp.json', 'mcpServers'),
    ],
  },
  {
    id: 'tabnine',
    name: 'Tabnine',
    source:
      'Tabnine docs: Agent MCP server config, CLI MCP server config; Windows: the home-relative paths (inferred)',
    notRead:
      'The Windows machine-wide file is not documented; team-level MCP governance is server-side.',
    locations: [
      user('home', '.tabnine/agent/settings.json', 'mcpServers'),
      user('home', '.tabnine/mcp_servers.json', 'mcpServers', {
        source: 'third-party catalogs (the older IDE agent)',
      }),
      project('.tabnine/agent/settings.json', 'mcpServers'),
      project('.tabnine/mcp_servers.json', 'mcpServers', {
        source: 'third-party catalogs (the older IDE agent)',
      }),
      managed(
        'managed',
        'tabnine-cli/{settings,system-defaults}.json',
        'mcpServers',
        {
          ...on('linux'),
          source:
            'Tabnine docs: CLI settings (system-defaults.json beside it, as in Gemini CLI: inferred)',
        },
      ),
      managed(
        'managed',
        'TabnineCli/{settings,system-defaults}.json',
        'mcpServers',
        {
          ...on('darwin'),
          source:
            'Tabnine docs: CLI settings (system-defaults.json beside it, as in Gemini CLI: inferred)',
        },
      ),
    ],
  },
  {
    id: 'cody',
    name: 'Sourcegraph Cody',
    source:
      'Sourcegraph changelog: MCP context gathering (extension settings); the key from third-party install docs',
    notRead:
      "The JetBrains extension's `cody_settings.json`: location not established.",
    locations: [
      user('vscodeUser', 'settings.json', 'codySettings'),
      project('.vscode/settings.json', 'codySettings'),
    ],
  },
  {
    id: 'rovo-dev',
    name: 'Atlassian Rovo Dev CLI',
    source:
      'Atlassian docs: Connect to an MCP server in Rovo Dev CLI; Windows: the home-relative path (inferred)',
    locations: [user('home', '.rovodev/mcp.json', 'mcpServers')],
  },
  {
    id: 'kimi-code',
    name: 'Kimi Code CLI',
    source: 'Kimi Code docs: customization, MCP',
    notRead: '`KIMI_CODE_HOME` can move `~/.kimi-code`.',
    locations: [
      user('home', '.kimi-code/mcp.json', 'mcpServers'),
      user('home', '.kimi/mcp.json', 'mcpServers', {
        source: 'kimi-cli docs and third-party catalogs (the older kimi-cli)',
      }),
      project('.kimi-code/mcp.json', 'mcpServers'),
    ],
  },
  {
    id: 'sema4-studio',
    name: 'Sema4.ai Studio',
    source:
      "docker/mcp-gateway pkg/client/config.yml (client sema4; Docker's, not Sema4.ai's docs)",
    locations: [
      user(
        'home',
        '.sema4ai/sema4ai-studio/mcp_servers.json',
        'mcpServers',
        on('linux', 'darwin'),
      ),
      user(
        'localAppData',
        'sema4ai/sema4ai-studio/mcp_servers.json',
        'mcpServers',
        on('win32'),
      ),
    ],
  },
];

export const VSCODE_FLAVOURS = ['Code', 'Code - Insiders', 'VSCodium'];

/** Every platform, for locations without `platforms`. */
export const ALL_PLATFORMS = ALL;
