/**
 * Where every MCP client keeps its server list, as data: one place to read,
 * review and extend. docs/agent.md documents each row and where the path
 * comes from.
 *
 * A location's `base` is resolved per platform by `resolveBases`:
 * - `home`: the user's home;
 * - `appSupport`: macOS `~/Library/Application Support`, Linux
 *   `$XDG_CONFIG_HOME` or `~/.config`, Windows `%APPDATA%`
 *   (`<home>/AppData/Roaming` unless set);
 * - `xdgConfig`: `$XDG_CONFIG_HOME` or `~/.config` on every platform (CLIs
 *   that follow XDG even on macOS), `%APPDATA%` on Windows;
 * - `localAppData`: Windows `%LOCALAPPDATA%` (`<home>/AppData/Local`);
 * - `vscodeUser`: the `User` folder of VS Code, VS Code Insiders and VSCodium
 *   (each one yields a location), under `appSupport`;
 * - `managed`: the machine-wide folder an administrator manages (`/etc`,
 *   `/Library/Application Support`, `C:\ProgramData`);
 * - `project`: a project root found under `--root`.
 */

export type Platform = 'linux' | 'darwin' | 'win32';
export type Scope = 'user' | 'project' | 'managed';
export type ConfigFormat = 'json' | 'toml' | 'yaml';

/**
 * How to find the server entries inside a parsed file:
 * - `mcpServers` / `servers` / `context_servers` / `mcp_servers`: an object of
 *   name → entry at that key;
 * - `vscodeSettings`: `mcp.servers` (nested or as the dotted key) in a VS Code
 *   `settings.json`, plus Amp's dotted `amp.mcpServers`;
 * - `claudeCodeUser`: `~/.claude.json`, top-level `mcpServers` and each
 *   `projects.<path>.mcpServers`;
 * - `opencode`: `mcp`, entries `{ type: local, command: [...] }` or `{ type: remote, url }`;
 * - `continue`: `mcpServers` as a list of `{ name, ... }`;
 * - `goose`: `extensions`, entries with `cmd`/`args`/`envs` or `uri`;
 * - `devcontainer`: `customizations.vscode.mcp.servers`;
 * - `ampSettings`: the dotted key `amp.mcpServers`.
 */
export type Extractor =
  | 'mcpServers'
  | 'servers'
  | 'serversOrMcpServers'
  | 'context_servers'
  | 'mcp_servers'
  | 'vscodeSettings'
  | 'claudeCodeUser'
  | 'opencode'
  | 'continue'
  | 'goose'
  | 'devcontainer'
  | 'ampSettings';

export type Base =
  | 'home'
  | 'appSupport'
  | 'xdgConfig'
  | 'localAppData'
  | 'vscodeUser'
  | 'managed'
  | 'project';

export interface ClientLocation {
  /** Platforms the location exists on; all when absent. */
  platforms?: Platform[];
  scope: Scope;
  base: Base;
  /** Path below the base; `*` matches one directory level (VS Code profiles, Continue blocks). */
  path: string[];
  format: ConfigFormat;
  extract: Extractor;
  /** Transport of a bare `url` entry (Gemini: `url` is SSE, `httpUrl` is Streamable HTTP). */
  urlTransport?: 'http' | 'sse';
}

export interface ClientDefinition {
  id: string;
  name: string;
  locations: ClientLocation[];
}

const ALL: Platform[] = ['linux', 'darwin', 'win32'];

export const CLIENTS: ClientDefinition[] = [
  {
    id: 'claude-desktop',
    name: 'Claude Desktop',
    locations: [
      {
        scope: 'user',
        base: 'appSupport',
        path: ['Claude', 'claude_desktop_config.json'],
        format: 'json',
        extract: 'mcpServers',
      },
    ],
  },
  {
    id: 'claude-code',
    name: 'Claude Code',
    locations: [
      {
        scope: 'user',
        base: 'home',
        path: ['.claude.json'],
        format: 'json',
        extract: 'claudeCodeUser',
      },
      {
        scope: 'user',
        base: 'home',
        path: ['.claude', 'mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
      {
        platforms: ['linux'],
        scope: 'managed',
        base: 'managed',
        path: ['claude-code', 'managed-mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
      {
        platforms: ['darwin', 'win32'],
        scope: 'managed',
        base: 'managed',
        path: ['ClaudeCode', 'managed-mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
    ],
  },
  {
    id: 'vscode',
    name: 'VS Code',
    locations: [
      {
        scope: 'user',
        base: 'vscodeUser',
        path: ['mcp.json'],
        format: 'json',
        extract: 'servers',
      },
      {
        scope: 'user',
        base: 'vscodeUser',
        path: ['settings.json'],
        format: 'json',
        extract: 'vscodeSettings',
      },
      {
        scope: 'user',
        base: 'vscodeUser',
        path: ['profiles', '*', 'mcp.json'],
        format: 'json',
        extract: 'servers',
      },
      {
        scope: 'user',
        base: 'vscodeUser',
        path: ['profiles', '*', 'settings.json'],
        format: 'json',
        extract: 'vscodeSettings',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.vscode', 'mcp.json'],
        format: 'json',
        extract: 'servers',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.vscode', 'settings.json'],
        format: 'json',
        extract: 'vscodeSettings',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.devcontainer', 'devcontainer.json'],
        format: 'json',
        extract: 'devcontainer',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.devcontainer', '*', 'devcontainer.json'],
        format: 'json',
        extract: 'devcontainer',
      },
    ],
  },
  {
    id: 'cursor',
    name: 'Cursor',
    locations: [
      {
        scope: 'user',
        base: 'home',
        path: ['.cursor', 'mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.cursor', 'mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
    ],
  },
  {
    id: 'windsurf',
    name: 'Windsurf',
    locations: [
      {
        scope: 'user',
        base: 'home',
        path: ['.codeium', 'windsurf', 'mcp_config.json'],
        format: 'json',
        extract: 'mcpServers',
      },
    ],
  },
  {
    id: 'cline',
    name: 'Cline',
    locations: [
      {
        scope: 'user',
        base: 'vscodeUser',
        path: [
          'globalStorage',
          'saoudrizwan.claude-dev',
          'settings',
          'cline_mcp_settings.json',
        ],
        format: 'json',
        extract: 'mcpServers',
      },
      {
        scope: 'user',
        base: 'home',
        path: ['.cline', 'data', 'settings', 'cline_mcp_settings.json'],
        format: 'json',
        extract: 'mcpServers',
      },
    ],
  },
  {
    id: 'roo-code',
    name: 'Roo Code',
    locations: [
      {
        scope: 'user',
        base: 'vscodeUser',
        path: [
          'globalStorage',
          'rooveterinaryinc.roo-cline',
          'settings',
          'mcp_settings.json',
        ],
        format: 'json',
        extract: 'mcpServers',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.roo', 'mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
    ],
  },
  {
    id: 'kiro',
    name: 'Kiro',
    locations: [
      {
        scope: 'user',
        base: 'home',
        path: ['.kiro', 'settings', 'mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.kiro', 'settings', 'mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
    ],
  },
  {
    id: 'trae',
    name: 'Trae',
    locations: [
      {
        scope: 'user',
        base: 'appSupport',
        path: ['Trae', 'User', 'mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.trae', 'mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
    ],
  },
  {
    id: 'gemini-cli',
    name: 'Gemini CLI',
    locations: [
      {
        scope: 'user',
        base: 'home',
        path: ['.gemini', 'settings.json'],
        format: 'json',
        extract: 'mcpServers',
        urlTransport: 'sse',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.gemini', 'settings.json'],
        format: 'json',
        extract: 'mcpServers',
        urlTransport: 'sse',
      },
      {
        platforms: ['linux'],
        scope: 'managed',
        base: 'managed',
        path: ['gemini-cli', 'settings.json'],
        format: 'json',
        extract: 'mcpServers',
        urlTransport: 'sse',
      },
      {
        platforms: ['darwin'],
        scope: 'managed',
        base: 'managed',
        path: ['GeminiCli', 'settings.json'],
        format: 'json',
        extract: 'mcpServers',
        urlTransport: 'sse',
      },
      {
        platforms: ['win32'],
        scope: 'managed',
        base: 'managed',
        path: ['gemini-cli', 'settings.json'],
        format: 'json',
        extract: 'mcpServers',
        urlTransport: 'sse',
      },
    ],
  },
  {
    id: 'antigravity',
    name: 'Antigravity',
    locations: [
      {
        scope: 'user',
        base: 'home',
        path: ['.gemini', 'antigravity', 'mcp_config.json'],
        format: 'json',
        extract: 'mcpServers',
      },
    ],
  },
  {
    id: 'codex',
    name: 'OpenAI Codex',
    locations: [
      {
        scope: 'user',
        base: 'home',
        path: ['.codex', 'config.toml'],
        format: 'toml',
        extract: 'mcp_servers',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.codex', 'config.toml'],
        format: 'toml',
        extract: 'mcp_servers',
      },
    ],
  },
  {
    id: 'opencode',
    name: 'opencode',
    locations: [
      // On Windows opencode reads %USERPROFILE%\.config\opencode when it
      // exists, as on Linux and macOS, before %APPDATA%\opencode: both are read.
      {
        platforms: ['win32'],
        scope: 'user',
        base: 'home',
        path: ['.config', 'opencode', 'opencode.json'],
        format: 'json',
        extract: 'opencode',
      },
      {
        platforms: ['win32'],
        scope: 'user',
        base: 'home',
        path: ['.config', 'opencode', 'opencode.jsonc'],
        format: 'json',
        extract: 'opencode',
      },
      {
        scope: 'user',
        base: 'xdgConfig',
        path: ['opencode', 'opencode.json'],
        format: 'json',
        extract: 'opencode',
      },
      {
        scope: 'user',
        base: 'xdgConfig',
        path: ['opencode', 'opencode.jsonc'],
        format: 'json',
        extract: 'opencode',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['opencode.json'],
        format: 'json',
        extract: 'opencode',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['opencode.jsonc'],
        format: 'json',
        extract: 'opencode',
      },
    ],
  },
  {
    id: 'amp',
    name: 'Amp',
    locations: [
      {
        scope: 'user',
        base: 'xdgConfig',
        path: ['amp', 'settings.json'],
        format: 'json',
        extract: 'ampSettings',
      },
    ],
  },
  {
    id: 'amazon-q',
    name: 'Amazon Q Developer',
    locations: [
      {
        scope: 'user',
        base: 'home',
        path: ['.aws', 'amazonq', 'mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.amazonq', 'mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
    ],
  },
  {
    id: 'continue',
    name: 'Continue',
    locations: [
      {
        scope: 'user',
        base: 'home',
        path: ['.continue', 'config.yaml'],
        format: 'yaml',
        extract: 'continue',
      },
      {
        scope: 'user',
        base: 'home',
        path: ['.continue', 'mcpServers', '*'],
        format: 'yaml',
        extract: 'continue',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.continue', 'mcpServers', '*'],
        format: 'yaml',
        extract: 'continue',
      },
    ],
  },
  {
    id: 'goose',
    name: 'Goose',
    locations: [
      {
        platforms: ['linux', 'darwin'],
        scope: 'user',
        base: 'xdgConfig',
        path: ['goose', 'config.yaml'],
        format: 'yaml',
        extract: 'goose',
      },
      {
        platforms: ['win32'],
        scope: 'user',
        base: 'appSupport',
        path: ['Block', 'goose', 'config', 'config.yaml'],
        format: 'yaml',
        extract: 'goose',
      },
    ],
  },
  {
    id: 'zed',
    name: 'Zed',
    locations: [
      {
        platforms: ['linux', 'darwin'],
        scope: 'user',
        base: 'xdgConfig',
        path: ['zed', 'settings.json'],
        format: 'json',
        extract: 'context_servers',
      },
      {
        platforms: ['win32'],
        scope: 'user',
        base: 'appSupport',
        path: ['Zed', 'settings.json'],
        format: 'json',
        extract: 'context_servers',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.zed', 'settings.json'],
        format: 'json',
        extract: 'context_servers',
      },
    ],
  },
  {
    id: 'lm-studio',
    name: 'LM Studio',
    locations: [
      {
        scope: 'user',
        base: 'home',
        path: ['.lmstudio', 'mcp.json'],
        format: 'json',
        extract: 'mcpServers',
      },
    ],
  },
  {
    id: 'copilot-cli',
    name: 'GitHub Copilot CLI',
    locations: [
      {
        scope: 'user',
        base: 'home',
        path: ['.copilot', 'mcp-config.json'],
        format: 'json',
        extract: 'mcpServers',
      },
    ],
  },
  {
    id: 'generic',
    name: 'Project MCP file',
    locations: [
      {
        scope: 'project',
        base: 'project',
        path: ['mcp.json'],
        format: 'json',
        extract: 'serversOrMcpServers',
      },
      {
        scope: 'project',
        base: 'project',
        path: ['.mcp', '*'],
        format: 'json',
        extract: 'serversOrMcpServers',
      },
    ],
  },
];

export const VSCODE_FLAVOURS = ['Code', 'Code - Insiders', 'VSCodium'];

/** Every platform, for locations without `platforms`. */
export const ALL_PLATFORMS = ALL;
