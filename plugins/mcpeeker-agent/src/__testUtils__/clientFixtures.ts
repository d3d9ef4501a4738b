import type { Platform } from '../scan/clientTable';
import type { ConfigDetection } from '../scan/scanConfigs';
import { write } from './fixtures';

/**
 * Config files of the clients added for issue #17, each in the format its
 * client documents, laid out the way each OS keeps them under a fixture
 * home, machine root (`--system-root`) and project root (`--root`). Every
 * client's file holds a secret (in `args`, `env`, a header or a URL) and a
 * decoy beside its servers: a key, file or folder the client does not read
 * as servers, whose names start with `decoy`.
 */

/** Where a fixture file goes: a folder of the fixture machine, per OS. */
type Place =
  | 'home'
  | 'appSupport'
  | 'dotConfig'
  | 'xdgData'
  | 'localAppData'
  | 'vscodeUser'
  | 'managed'
  | 'etc'
  | 'programFiles'
  | 'systemRoot'
  | 'project';

const LAYOUT: Record<Platform, Partial<Record<Place, string>>> = {
  linux: {
    home: 'home',
    appSupport: 'home/.config',
    dotConfig: 'home/.config',
    xdgData: 'home/.local/share',
    vscodeUser: 'home/.config/Code/User',
    managed: 'system/etc',
    etc: 'system/etc',
    systemRoot: 'system',
    project: 'projects/acme',
  },
  darwin: {
    home: 'home',
    appSupport: 'home/Library/Application Support',
    dotConfig: 'home/.config',
    xdgData: 'home/.local/share',
    vscodeUser: 'home/Library/Application Support/Code/User',
    managed: 'system/Library/Application Support',
    etc: 'system/etc',
    systemRoot: 'system',
    project: 'projects/acme',
  },
  win32: {
    home: 'home',
    appSupport: 'home/AppData/Roaming',
    dotConfig: 'home/.config',
    localAppData: 'home/AppData/Local',
    vscodeUser: 'home/AppData/Roaming/Code/User',
    managed: 'system/ProgramData',
    programFiles: 'system/Program Files',
    systemRoot: 'system',
    project: 'projects/acme',
  },
};

/** A GitHub token (a shape the redaction knows) unique to `tag`. */
export function plantedToken(tag: string): string {
  return `ghp_${`${tag.replace(
    /[^A-Za-z0-9]/g,
    '',
  )}Planted0123456789abcdefghijklmnopqrstuvwxyz`.slice(0, 36)}`;
}

interface FixtureFile {
  os?: Platform[];
  place: Place;
  path: string;
  content: string | object;
}

export interface Expected {
  os?: Platform[];
  client: string;
  serverName: string;
  scope: 'user' | 'project' | 'managed';
  fields: Partial<ConfigDetection>;
}

/** Every planted secret: none may appear in any output. */
export const PLANTED_TOKENS: string[] = [];
const token = (tag: string) => {
  const value = plantedToken(tag);
  PLANTED_TOKENS.push(value);
  return value;
};
const REDACTED = expect.stringMatching(/^\[redacted:[0-9a-f]{12}\]$/);

const files: FixtureFile[] = [];
export const EXPECTED: Expected[] = [];
const file = (
  place: Place,
  path: string,
  content: string | object,
  os?: Platform[],
) => files.push({ place, path, content, os });
const expectServer = (
  client: string,
  serverName: string,
  scope: Expected['scope'],
  fields: Partial<ConfigDetection>,
  os?: Platform[],
) => EXPECTED.push({ client, serverName, scope, fields, os });

// Visual Studio (Windows): %USERPROFILE%\.mcp.json and <solution>\.vs\mcp.json, `servers`.
file(
  'home',
  '.mcp.json',
  {
    servers: {
      'vs-github': {
        url: 'https://api.githubcopilot.com/mcp/',
        headers: { Authorization: `Bearer ${token('vsheader')}` },
      },
    },
  },
  ['win32'],
);
file('home', '.mcp.json.bak', { servers: { 'decoy-vs': { command: 'x' } } }, [
  'win32',
]);
file(
  'project',
  '.vs/mcp.json',
  {
    servers: {
      'vs-solution': {
        type: 'stdio',
        command: 'python',
        args: ['-m', 'my_mcp.server', '--token', token('vssolution')],
      },
    },
  },
  ['win32'],
);
expectServer(
  'visual-studio',
  'vs-github',
  'user',
  {
    transport: 'http',
    url: 'https://api.githubcopilot.com/mcp/',
    headerNames: ['Authorization'],
  },
  ['win32'],
);
expectServer(
  'visual-studio',
  'vs-solution',
  'project',
  { command: 'python', args: ['-m', 'my_mcp.server', '--token', REDACTED] },
  ['win32'],
);

// JetBrains AI Assistant: llm.mcpServers.xml in every <Product><Version> folder, 2025.1 and 2026.x layouts.
file(
  'appSupport',
  'JetBrains/PyCharm2025.1/options/llm.mcpServers.xml',
  `<application>
  <component name="McpApplicationServerCommands" modifiable="true">
    <McpServerCommand sourceId="UserConfigurationSource">
      <option name="allowedToolsNames" />
      <option name="enabled" value="true" />
      <option name="name" value="jb-github" />
      <option name="programPath" value="/usr/local/bin/npx" />
      <option name="arguments" value="-y @modelcontextprotocol/server-github --token ${token(
        'jbarg',
      )}" />
      <option name="workingDirectory" value="" />
      <envs>
        <env name="GITHUB_TOKEN" value="${token('jbenv')}" />
        <env name="LOG_LEVEL" value="debug" />
      </envs>
    </McpServerCommand>
  </component>
  <component name="decoy-RunManager">
    <option name="name" value="decoy-run" />
    <option name="programPath" value="/bin/decoy" />
  </component>
</application>
`,
);
file(
  'appSupport',
  'JetBrains/IntelliJIdea2026.2/options/llm.mcpServers.xml',
  `<application>
  <component name="McpApplicationServerCommands" modifiable="true" autoEnableExternalChanges="false">
    <commands>
      <McpServerConfigurationProperties>
        <option name="allowedToolsNames" />
        <option name="command" value="node" />
        <option name="args">
          <list>
            <option value="/opt/bridge/mcp-http-bridge.mjs" />
          </list>
        </option>
        <option name="enabled" value="false" />
        <option name="env">
          <map>
            <entry key="BRIDGE_KEY" value="${token('jbmap')}" />
          </map>
        </option>
        <option name="name" value="jb-bridge" />
      </McpServerConfigurationProperties>
      <McpServerConfigurationProperties>
        <option name="enabled" value="true" />
        <option name="name" value="decoy-state-only" />
      </McpServerConfigurationProperties>
    </commands>
    <urls>
      <McpServerURL>
        <option name="name" value="jb-remote" />
        <option name="url" value="https://mcp.example.com/jb/mcp" />
        <option name="headers"><map><entry key="Authorization" value="Bearer ${token(
          'jburl',
        )}" /></map></option>
      </McpServerURL>
    </urls>
  </component>
</application>
`,
);
file('home', '.ai/mcp/mcp.json', {
  mcpServers: {
    'jb-json': {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/dana'],
      env: { TOKEN: token('jbjson') },
    },
  },
});
file(
  'project',
  '.idea/workspace.xml',
  `<?xml version="1.0" encoding="UTF-8"?>
<project version="4">
  <component name="RunManager">
    <configuration name="decoy-run-config" type="Application">
      <option name="command" value="decoy" />
    </configuration>
  </component>
  <component name="McpProjectServerCommands">
    <McpServerCommand>
      <option name="name" value="jb-nx" />
      <option name="programPath" value="npx.cmd" />
      <option name="arguments" value="-y nx-mcp@latest &quot;my workspace&quot;" />
      <envs><env name="NX_TOKEN" value="${token('jbnx')}" /></envs>
    </McpServerCommand>
  </component>
</project>
`,
);
file(
  'project',
  '.idea/.idea.Acme/.idea/workspace.xml',
  `<project version="4"><component name="McpProjectServerCommands"><McpServerCommand><option name="name" value="jb-rider" /><option name="programPath" value="dotnet" /><option name="arguments" value="run --project Mcp" /></McpServerCommand></component></project>`,
);
expectServer('jetbrains-ai', 'jb-github', 'user', {
  transport: 'stdio',
  command: '/usr/local/bin/npx',
  args: ['-y', '@modelcontextprotocol/server-github', '--token', REDACTED],
  envNames: ['GITHUB_TOKEN', 'LOG_LEVEL'],
});
expectServer('jetbrains-ai', 'jb-bridge', 'user', {
  command: 'node',
  args: ['/opt/bridge/mcp-http-bridge.mjs'],
  envNames: ['BRIDGE_KEY'],
  disabled: true,
});
expectServer('jetbrains-ai', 'jb-remote', 'user', {
  transport: 'http',
  url: 'https://mcp.example.com/jb/mcp',
  headerNames: ['Authorization'],
});
expectServer('jetbrains-ai', 'jb-json', 'user', {
  command: 'npx',
  envNames: ['TOKEN'],
});
expectServer('jetbrains-ai', 'jb-nx', 'project', {
  command: 'npx.cmd',
  args: ['-y', 'nx-mcp@latest', 'my workspace'],
  envNames: ['NX_TOKEN'],
});
expectServer('jetbrains-ai', 'jb-rider', 'project', {
  command: 'dotnet',
  args: ['run', '--project', 'Mcp'],
});

// Junie.
file('home', '.junie/mcp/mcp.json', {
  mcpServers: {
    semlith: {
      command: '/home/dana/.cargo/bin/semlith',
      args: ['mcp', '--api-key', token('junie')],
    },
  },
});
file('home', '.junie/mcp/mcp.json.bak', {
  mcpServers: { 'decoy-junie': { command: 'x' } },
});
file('project', '.junie/mcp/mcp.json', {
  mcpServers: { 'junie-project': { command: 'uvx', args: ['junie-mcp'] } },
});
expectServer('junie', 'semlith', 'user', {
  command: '/home/dana/.cargo/bin/semlith',
  args: ['mcp', '--api-key', REDACTED],
});
expectServer('junie', 'junie-project', 'project', { command: 'uvx' });

// Warp: .warp and its channel folders, .agents; a flat map too.
file('home', '.warp/.mcp.json', {
  mcpServers: {
    'warp-stable': {
      command: 'npx',
      args: ['-y', '@scope/package-name'],
      env: { API_KEY: token('warp') },
      working_directory: '/home/dana/repo',
    },
  },
});
file('home', '.warp-dev/.mcp.json', {
  'warp-dev-flat': {
    url: 'https://example.com/mcp',
    headers: { Authorization: `Bearer ${token('warpdev')}` },
  },
});
file('home', '.warp/mcp.json', {
  mcpServers: { 'decoy-warp-no-dot': { command: 'x' } },
});
file('home', '.warping/.mcp.json', {
  mcpServers: { 'decoy-warping': { command: 'x' } },
});
file('home', '.agents/.mcp.json', {
  mcp_servers: { 'agents-server': { command: 'uvx', args: ['agents-mcp'] } },
});
file(
  'home',
  '.warp_cli/.mcp.json',
  { servers: { 'warp-tui': { command: 'npx', args: ['tui-mcp'] } } },
  ['darwin'],
);
file('project', '.warp/.mcp.json', {
  'mcp.servers': { 'warp-project': { command: 'node', args: ['s.js'] } },
});
expectServer('warp', 'warp-stable', 'user', {
  command: 'npx',
  envNames: ['API_KEY'],
});
expectServer('warp', 'warp-dev-flat', 'user', {
  transport: 'http',
  headerNames: ['Authorization'],
});
expectServer('warp', 'agents-server', 'user', { command: 'uvx' });
expectServer('warp', 'warp-tui', 'user', { command: 'npx' }, ['darwin']);
expectServer('warp', 'warp-project', 'project', { command: 'node' });

// Qwen Code: url is SSE, httpUrl Streamable HTTP; system settings.
file(
  'home',
  '.qwen/settings.json',
  `{
  // comments are tolerated
  "mcp": { "excluded": ["decoy-excluded"] },
  "mcpServers": {
    "pythonTools": {
      "command": "python",
      "args": ["-m", "my_mcp_server", "--port", "8080"],
      "cwd": "./mcp-servers/python",
      "env": { "API_KEY": "${token('qwen')}" },
      "timeout": 15000
    },
    "httpServerWithAuth": {
      "httpUrl": "http://localhost:3000/mcp",
      "headers": { "Authorization": "Bearer ${token('qwenhttp')}" }
    },
    "sseServer": { "url": "http://localhost:8080/events" }
  }
}`,
);
file('project', '.qwen/settings.local.json', {
  mcpServers: { 'qwen-local': { command: 'npx', args: ['qwen-local-mcp'] } },
});
const qwenManaged: Record<Platform, string> = {
  linux: 'qwen-code',
  darwin: 'QwenCode',
  win32: 'qwen-code',
};
for (const os of ['linux', 'darwin', 'win32'] as Platform[])
  file(
    'managed',
    `${qwenManaged[os]}/system-defaults.json`,
    {
      mcpServers: {
        'qwen-company': { httpUrl: 'https://mcp.corp.example/qwen' },
      },
    },
    [os],
  );
expectServer('qwen-code', 'pythonTools', 'user', {
  command: 'python',
  envNames: ['API_KEY'],
});
expectServer('qwen-code', 'httpServerWithAuth', 'user', {
  transport: 'http',
  url: 'http://localhost:3000/mcp',
  headerNames: ['Authorization'],
});
expectServer('qwen-code', 'sseServer', 'user', {
  transport: 'sse',
  url: 'http://localhost:8080/events',
});
expectServer('qwen-code', 'qwen-local', 'project', { command: 'npx' });
expectServer('qwen-code', 'qwen-company', 'managed', { transport: 'http' });

// Crush: crushrc (Bash, read statically) and the older crush.json.
file(
  'dotConfig',
  'crush/crushrc',
  `# Crush config
provider add ollama --type ollama --base-url "http://localhost:11434/v1"
lsp add decoy-gopls --command gopls

mcp add github \\
  --type http \\
  --url "https://api.githubcopilot.com/mcp/" \\
  --header Authorization "Bearer ${token('crushrc')}"

if [[ $HOSTNAME == "babysquid" ]]; then
    mcp add filesystem --command node --args /path/to/mcp-server.js --args '--token' --args ${token(
      'crusharg',
    )} --env NODE_ENV production
fi
mcp add decoy-removed --command npx --args old-mcp
mcp rm decoy-removed
mcp add streaming-service --type sse --url "https://example.com/mcp/sse" --header API-Key "$(op read op://vault/key)" --disabled
`,
);
file('dotConfig', 'crush/crush.json', {
  $schema: 'https://charm.land/crush.json',
  lsp: { 'decoy-lsp': { command: 'gopls' } },
  mcp: {
    'crush-json': {
      type: 'stdio',
      command: 'node',
      args: ['/path/to/mcp-server.js'],
      env: { NODE_ENV: 'production', SECRET: token('crushjson') },
    },
  },
});
file(
  'xdgData',
  'crush/crush.json',
  { mcp: { 'crush-data': { type: 'http', url: 'https://data.example/mcp' } } },
  ['linux', 'darwin'],
);
file(
  'localAppData',
  'crush/crush.json',
  { mcp: { 'crush-data': { type: 'http', url: 'https://data.example/mcp' } } },
  ['win32'],
);
file('project', '.crush.json', {
  mcp: { 'crush-project': { type: 'stdio', command: 'uvx', args: ['p-mcp'] } },
});
file(
  'etc',
  'crush/crush.json',
  { mcp: { 'crush-system': { type: 'sse', url: 'https://sys.example/sse' } } },
  ['linux', 'darwin'],
);
expectServer('crush', 'github', 'user', {
  transport: 'http',
  url: 'https://api.githubcopilot.com/mcp/',
  headerNames: ['Authorization'],
});
expectServer('crush', 'filesystem', 'user', {
  command: 'node',
  args: ['/path/to/mcp-server.js', '--token', REDACTED],
  envNames: ['NODE_ENV'],
});
expectServer('crush', 'streaming-service', 'user', {
  transport: 'sse',
  headerNames: ['API-Key'],
  disabled: true,
});
expectServer('crush', 'crush-json', 'user', {
  command: 'node',
  envNames: ['NODE_ENV', 'SECRET'],
});
expectServer('crush', 'crush-data', 'user', { transport: 'http' });
expectServer('crush', 'crush-project', 'project', { command: 'uvx' });
expectServer('crush', 'crush-system', 'managed', { transport: 'sse' }, [
  'linux',
  'darwin',
]);

// Factory Droid: user and project mcp.json; the managed settings.json is policy.
file('home', '.factory/mcp.json', {
  mcpServers: {
    linear: {
      type: 'http',
      url: 'https://mcp.linear.app/mcp',
      disabled: false,
    },
    'example-sse': {
      type: 'sse',
      url: `https://mcp.example.com/sse?api_key=${token('factory')}`,
      headers: { Authorization: 'Bearer YOUR_TOKEN' },
      disabled: true,
    },
    playwright: { command: 'npx', args: ['-y', '@playwright/mcp@latest'] },
  },
});
file('managed', 'factory/settings.json', {
  mcpPolicy: { allow: ['decoy-policy'] },
});
file('project', '.factory/mcp.json', {
  mcpServers: { 'droid-project': { command: 'npx', args: ['droid-mcp'] } },
});
expectServer('factory-droid', 'linear', 'user', {
  transport: 'http',
  url: 'https://mcp.linear.app/mcp',
});
expectServer('factory-droid', 'example-sse', 'user', {
  transport: 'sse',
  url: expect.stringContaining('[redacted:'),
  disabled: true,
});
expectServer('factory-droid', 'playwright', 'user', { command: 'npx' });
expectServer('factory-droid', 'droid-project', 'project', { command: 'npx' });

// Kilo Code: kilo.jsonc (opencode's dialect), the older files and one-server files.
file(
  'dotConfig',
  'kilo/kilo.jsonc',
  `{
  // Kilo is an opencode fork
  "mcp": {
    "my-local-server": {
      "type": "local",
      "command": ["node", "/path/to/server.js", "--token", "${token('kilo')}"],
      "environment": { "API_KEY": "your_api_key" },
      "enabled": true,
    },
    "my-remote-server": { "type": "remote", "url": "https://kilo.example.com/mcp", "enabled": false },
  },
}`,
);
file(
  'vscodeUser',
  'globalStorage/kilocode.kilo-code/settings/mcp_settings.json',
  {
    mcpServers: {
      server1: {
        command: 'python',
        args: ['/path/to/server.py'],
        env: { API_KEY: token('kilolegacy') },
        alwaysAllow: ['tool1'],
        disabled: false,
      },
    },
  },
);
file('home', '.kilocode/mcp/one-file.json', {
  type: 'streamable-http',
  url: 'https://one.example/mcp',
});
file('home', '.kilocode/mcp/decoy-notes.txt', 'not a server');
file('project', 'kilo.json', {
  mcp: { 'kilo-project': { type: 'local', command: ['bunx', 'k-mcp'] } },
});
file('project', '.kilocode/mcp.json', {
  mcpServers: { 'kilo-legacy-project': { command: 'npx', args: ['l-mcp'] } },
});
expectServer('kilo-code', 'my-local-server', 'user', {
  command: 'node',
  args: ['/path/to/server.js', '--token', REDACTED],
  envNames: ['API_KEY'],
});
expectServer('kilo-code', 'my-remote-server', 'user', {
  transport: 'http',
  disabled: true,
});
expectServer('kilo-code', 'server1', 'user', {
  command: 'python',
  envNames: ['API_KEY'],
});
expectServer('kilo-code', 'one-file', 'user', {
  transport: 'http',
  url: 'https://one.example/mcp',
});
expectServer('kilo-code', 'kilo-project', 'project', { command: 'bunx' });
expectServer('kilo-code', 'kilo-legacy-project', 'project', {
  command: 'npx',
});

// Augment: ~/.augment/settings.json and the older VS Code setting (a list).
file('home', '.augment/settings.json', {
  model: 'decoy-model',
  mcpServers: {
    'ai-ddtk': {
      command: 'node',
      args: ['/path/to/index.js', '--token', token('augment')],
      cwd: '/path/to/AI-DDTK',
    },
    'legal-hub': { url: 'http://host:8000/mcp' },
  },
});
file('vscodeUser', 'settings.json', {
  'editor.fontSize': 13,
  'augment.advanced': {
    mcpServers: [
      {
        name: 'gg-mcp',
        command: 'uvx',
        args: ['gg-mcp'],
        env: { GITGUARDIAN_API_KEY: token('augmentvsc') },
      },
    ],
    decoyMcpServers: [{ name: 'decoy-augment', command: 'x' }],
  },
  'cody.mcpServers': {
    'godot-mcp': {
      command: 'npx',
      args: ['-y', '@yanhuifair/godot-mcp', '-p', '/path/to/project'],
      disabledTools: [],
    },
  },
  'cody.decoy': { 'decoy-cody': { command: 'x' } },
});
expectServer('augment', 'ai-ddtk', 'user', {
  command: 'node',
  args: ['/path/to/index.js', '--token', REDACTED],
});
expectServer('augment', 'legal-hub', 'user', { transport: 'http' });
expectServer('augment', 'gg-mcp', 'user', {
  command: 'uvx',
  envNames: ['GITGUARDIAN_API_KEY'],
});
// Sourcegraph Cody, in the same VS Code settings.
expectServer('cody', 'godot-mcp', 'user', { command: 'npx' });

// mcphub.nvim: JSON5, `servers` wins over `mcpServers`; nativeMCPServers are not processes.
file(
  'home',
  '.config/mcphub/servers.json',
  `{
  // mcphub.nvim with lua-json5
  servers: {
    'local-server': {
      command: '\${MCP_BINARY_PATH}/server',
      args: ['--token', '${token('mcphub')}'],
      env: { DB_PASSWORD: 'password123', FALLBACK_VAR: null },
      cwd: '/home/ubuntu/server-dir/',
    },
    'remote-server': {
      url: 'https://\${PRIVATE_DOMAIN}/mcp',
      headers: { Authorization: 'Bearer \${cmd: op read op://vault/api/token}' },
    },
  },
  mcpServers: { 'decoy-hub-shadowed': { command: 'x' } },
  nativeMCPServers: { 'decoy-native': { disabled: false } },
}`,
);
expectServer('mcphub-nvim', 'local-server', 'user', {
  command: '${MCP_BINARY_PATH}/server',
  args: ['--token', REDACTED],
  envNames: ['DB_PASSWORD', 'FALLBACK_VAR'],
});
expectServer('mcphub-nvim', 'remote-server', 'user', {
  transport: 'http',
  headerNames: ['Authorization'],
});

// Docker MCP Toolkit: enabled servers in registry.yaml, defined in the catalogs; MCP_DOCKER in Claude Code.
file(
  'home',
  '.docker/mcp/registry.yaml',
  `registry:
  github-official:
    ref: ""
  my-custom-server:
    ref: ""
    config:
      password: ${token('dockerconfig')}
  atlassian-remote:
    ref: ""
  not-in-any-catalog:
    ref: ""
`,
);
file(
  'home',
  '.docker/mcp/catalogs/docker-mcp.yaml',
  `registry:
  github-official:
    description: Official GitHub MCP Server
    title: GitHub Official
    type: server
    image: ghcr.io/github/github-mcp-server@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    secrets:
      - name: github.personal_access_token
        env: GITHUB_PERSONAL_ACCESS_TOKEN
  atlassian-remote:
    type: remote
    remote:
      url: https://mcp.atlassian.com/v1/sse
      transport_type: sse
  decoy-not-enabled:
    type: server
    image: mcp/decoy
`,
);
file(
  'home',
  '.docker/mcp/catalogs/my-catalog.yaml',
  `registry:
  my-custom-server:
    description: My custom MCP server
    title: Database Helper
    type: server
    image: myorg/db-server:latest
    command: ["--transport=stdio"]
    env:
      - name: DB_URL
        value: "{{my-custom-server.url}}"
`,
);
file('home', '.docker/mcp/config.yaml', {
  'my-custom-server': { url: 'postgres://decoy', token: token('dockercfg') },
});
file('home', '.claude/mcp.json', {
  mcpServers: {
    MCP_DOCKER: { command: 'docker', args: ['mcp', 'gateway', 'run'] },
  },
});
expectServer('docker-mcp', 'github-official', 'user', {
  command: 'docker',
  args: [
    'run',
    '-i',
    '--rm',
    'ghcr.io/github/github-mcp-server@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  ],
  envNames: ['GITHUB_PERSONAL_ACCESS_TOKEN'],
  via: [
    {
      client: 'claude-code',
      serverName: 'MCP_DOCKER',
      configPath: expect.stringMatching(/\.claude[\\/]mcp\.json$/),
    },
  ],
});
expectServer('docker-mcp', 'my-custom-server', 'user', {
  command: 'docker',
  args: ['run', '-i', '--rm', 'myorg/db-server:latest', '--transport=stdio'],
  envNames: ['DB_URL'],
});
expectServer('docker-mcp', 'atlassian-remote', 'user', {
  transport: 'sse',
  url: 'https://mcp.atlassian.com/v1/sse',
});
expectServer('docker-mcp', 'not-in-any-catalog', 'user', {
  command: 'docker',
  args: ['mcp', 'gateway', 'run', '--servers', 'not-in-any-catalog'],
});
expectServer('claude-code', 'MCP_DOCKER', 'user', {
  command: 'docker',
  args: ['mcp', 'gateway', 'run'],
});

// LibreChat: librechat.yaml at the install root; interface.mcpServers is permissions.
file(
  'project',
  'librechat.yaml',
  `version: 1.2.1
interface:
  mcpServers:
    use: true
    decoy-permission: { create: true }
mcpServers:
  everything:
    url: http://localhost:3001/sse
  puppeteer:
    type: stdio
    command: npx
    args: ["-y", "@modelcontextprotocol/server-puppeteer"]
  streamable-http-server:
    type: streamable-http
    url: https://example.com/api/
    headers:
      X-Auth-Token: "${token('librechat')}"
`,
);
file(
  'systemRoot',
  'app/librechat.yaml',
  `mcpServers:\n  librechat-image:\n    command: npx\n    args: ["-y", "image-mcp"]\n`,
  ['linux'],
);
expectServer('librechat', 'everything', 'project', { transport: 'sse' });
expectServer('librechat', 'puppeteer', 'project', { command: 'npx' });
expectServer('librechat', 'streamable-http-server', 'project', {
  transport: 'http',
  headerNames: ['X-Auth-Token'],
});
expectServer('librechat', 'librechat-image', 'managed', { command: 'npx' }, [
  'linux',
]);

// Jan: <data folder>/mcp_config.json; `active`, and `"command": ""` beside a url.
const janConfig = {
  mcpServers: {
    fetch: {
      command: 'uvx',
      args: ['mcp-server-fetch'],
      env: {},
      active: false,
    },
    exa: {
      type: 'http',
      url: 'https://mcp.exa.ai/mcp',
      command: '',
      args: [],
      env: { EXA_API_KEY: token('jan') },
      active: true,
    },
  },
  mcpSettings: { toolCallTimeoutSeconds: 30 },
};
file('xdgData', 'Jan/data/mcp_config.json', janConfig, ['linux']);
file('appSupport', 'Jan/data/mcp_config.json', janConfig, ['darwin', 'win32']);
file('home', 'jan-data/mcp_config.json', {
  mcpServers: { 'jan-moved': { command: 'npx', args: ['moved-mcp'] } },
});
const janSettings = (home: string) => ({ data_folder: `${home}/jan-data` });
expectServer('jan', 'fetch', 'user', { command: 'uvx', disabled: true });
expectServer('jan', 'exa', 'user', {
  transport: 'http',
  url: 'https://mcp.exa.ai/mcp',
  envNames: ['EXA_API_KEY'],
});
expectServer('jan', 'jan-moved', 'user', { command: 'npx' });

// 5ire: userData/mcp.json; isActive; dev builds' __DEV__ is not read.
file('appSupport', '5ire/mcp.json', {
  mcpServers: {
    fetch: {
      name: 'fetch',
      command: 'uvx',
      args: ['mcp-server-fetch'],
      env: { FETCH_KEY: token('fiveire') },
      isActive: true,
    },
    remote: {
      url: 'https://example.com/mcp',
      headers: { Authorization: 'Bearer ...' },
      isActive: false,
    },
  },
});
file('appSupport', '5ire/__DEV__/mcp.json', {
  mcpServers: { 'decoy-dev-build': { command: 'x' } },
});
expectServer('5ire', 'fetch', 'user', {
  command: 'uvx',
  envNames: ['FETCH_KEY'],
});
expectServer('5ire', 'remote', 'user', { transport: 'http', disabled: true });

// BoltAI (macOS only): the same file elsewhere is not BoltAI's.
file('home', '.boltai/mcp.json', {
  mcpServers: {
    filesystem: {
      command: 'npx',
      args: [
        '-y',
        '@modelcontextprotocol/server-filesystem',
        '--token',
        token('bolt'),
      ],
    },
  },
});
expectServer(
  'boltai',
  'filesystem',
  'user',
  {
    args: [
      '-y',
      '@modelcontextprotocol/server-filesystem',
      '--token',
      REDACTED,
    ],
  },
  ['darwin'],
);

// Void: ~/.void-editor/mcp.json (a third-party claim of ~/.config/void is contradicted by its source).
file('home', '.void-editor/mcp.json', {
  mcpServers: {
    local: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'],
      env: { VOID_TOKEN: token('void') },
    },
    remote: {
      url: 'https://example.com/mcp',
      headers: { Authorization: 'Bearer x' },
    },
  },
});
file('home', '.config/void/mcp_servers.json', {
  mcpServers: { 'decoy-void': { command: 'x' } },
});
expectServer('void', 'local', 'user', {
  command: 'npx',
  envNames: ['VOID_TOKEN'],
});
expectServer('void', 'remote', 'user', { transport: 'http' });

// GitHub Copilot for JetBrains and Xcode: `servers`; Copilot's token files beside them are never read.
const copilotJetbrains = {
  servers: {
    aem: { url: 'https://mcp.adobeaemcloud.com/adobe/mcp/content' },
    'bridge-mcp': {
      type: 'stdio',
      command: '/path/.venv/bin/python3',
      args: ['/path/bridge_mcp_server.py'],
      env: { JIRA_TOKEN: token('copilotjb') },
    },
    'my-local-server': {
      url: 'http://localhost:8090/mcp',
      requestInit: {
        headers: { Authorization: `Bearer ${token('copilotreq')}` },
      },
    },
  },
};
file('dotConfig', 'github-copilot/intellij/mcp.json', copilotJetbrains, [
  'linux',
  'darwin',
]);
file('localAppData', 'github-copilot/intellij/mcp.json', copilotJetbrains, [
  'win32',
]);
file('dotConfig', 'github-copilot/hosts.json', {
  'github.com': { oauth_token: token('copilothosts'), user: 'decoy-hosts' },
});
file('dotConfig', 'github-copilot/apps.json', {
  'github.com:Iv1': { oauth_token: token('copilotapps') },
});
expectServer('copilot-jetbrains', 'aem', 'user', { transport: 'http' });
expectServer('copilot-jetbrains', 'bridge-mcp', 'user', {
  command: '/path/.venv/bin/python3',
  envNames: ['JIRA_TOKEN'],
});
expectServer('copilot-jetbrains', 'my-local-server', 'user', {
  transport: 'http',
  headerNames: ['Authorization'],
});
file('home', '.config/github-copilot/xcode/mcp.json', {
  servers: {
    'my-mcp-server': {
      type: 'stdio',
      command: 'my-command',
      args: ['--token', token('xcode')],
      env: { TOKEN: 'my_token' },
    },
  },
});
expectServer(
  'copilot-xcode',
  'my-mcp-server',
  'user',
  { command: 'my-command', args: ['--token', REDACTED], envNames: ['TOKEN'] },
  ['darwin'],
);

// GitHub Copilot for Eclipse: the `mcp` preference of the UI bundle holds JSON, escaped as properties.
const eclipseMcp = JSON.stringify(
  {
    servers: {
      'local-mcp-server': {
        type: 'stdio',
        command: 'my-command',
        args: ['--token', token('eclipse')],
        env: { KEY: 'VALUE' },
      },
      'remote-mcp-server': {
        url: 'https://eclipse.example/mcp',
        requestInit: { headers: { Authorization: 'Bearer <TOKEN>' } },
      },
    },
  },
  null,
  2,
);
const asProperty = (key: string, value: string) =>
  `${key}=${value
    .replace(/\\/g, '\\\\')
    .replace(/:/g, '\\:')
    .replace(/=/g, '\\=')
    .replace(/\n/g, '\\n\\\n    ')}`;
file(
  'home',
  'eclipse-workspace/.metadata/.plugins/org.eclipse.core.runtime/.settings/com.microsoft.copilot.eclipse.ui.prefs',
  `#Mon Mar 02 10:00:00 CET 2026
eclipse.preferences.version=1
${asProperty(
  'mcpBackup',
  JSON.stringify({ servers: { 'decoy-eclipse': { command: 'x' } } }),
)}
${asProperty('mcp', eclipseMcp)}
chat.model=gpt-4.1
`,
);
expectServer('copilot-eclipse', 'local-mcp-server', 'user', {
  command: 'my-command',
  args: ['--token', REDACTED],
  envNames: ['KEY'],
});
expectServer('copilot-eclipse', 'remote-mcp-server', 'user', {
  transport: 'http',
  headerNames: ['Authorization'],
});

// Claude Code's managed files: managed-mcp.json (Windows: C:\Program Files\ClaudeCode); managed-settings.json is policy.
const claudeManaged: Record<Platform, [Place, string]> = {
  linux: ['managed', 'claude-code'],
  darwin: ['managed', 'ClaudeCode'],
  win32: ['programFiles', 'ClaudeCode'],
};
for (const os of ['linux', 'darwin', 'win32'] as Platform[]) {
  const [place, folder] = claudeManaged[os];
  file(
    place,
    `${folder}/managed-mcp.json`,
    {
      mcpServers: {
        'company-tools': {
          type: 'stdio',
          command: 'npx',
          args: ['-y', 'company-mcp', '--api-key', token(`claudemanaged${os}`)],
          env: {},
        },
      },
    },
    [os],
  );
  file(
    place,
    `${folder}/managed-settings.json`,
    {
      allowedMcpServers: [{ serverName: 'github' }],
      deniedMcpServers: [{ serverName: 'decoy-denied' }],
    },
    [os],
  );
}
expectServer('claude-code', 'company-tools', 'managed', {
  command: 'npx',
  args: ['-y', 'company-mcp', '--api-key', REDACTED],
});

// Gemini Code Assist (VS Code agent mode) shares Gemini CLI's file: reported once, as gemini-cli's.
file('home', '.gemini/settings.json', {
  mcpServers: {
    'assist-git': { command: 'uvx', args: ['mcp-server-git'] },
  },
});
expectServer('gemini-cli', 'assist-git', 'user', { command: 'uvx' });

// Gemini in Android Studio: every AndroidStudio<version> configuration folder.
file('appSupport', 'Google/AndroidStudio2025.1.2/mcp.json', {
  mcpServers: {
    figma: { httpUrl: 'https://mcp.figma.com/mcp' },
    github: {
      httpUrl: 'https://api.githubcopilot.com/mcp/',
      headers: { Authorization: `Bearer ${token('android')}` },
    },
  },
});
file('appSupport', 'Google/IntelliJIdea2025.1/mcp.json', {
  mcpServers: { 'decoy-not-android-studio': { command: 'x' } },
});
expectServer('android-studio-gemini', 'figma', 'user', { transport: 'http' });
expectServer('android-studio-gemini', 'github', 'user', {
  transport: 'http',
  headerNames: ['Authorization'],
});

// Tabnine: agent settings and the older mcp_servers.json; the CLI's system settings.
file('home', '.tabnine/agent/settings.json', {
  mcpServers: {
    'server-name': {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/path/to/dir'],
      env: { TOKEN: token('tabnine') },
      cwd: '/optional/working/directory',
      timeout: 30000,
    },
  },
});
file('project', '.tabnine/mcp_servers.json', {
  mcpServers: { 'tabnine-older': { command: 'uvx', args: ['t-mcp'] } },
});
file('project', '.tabnine/agent/settings.json.orig', {
  mcpServers: { 'decoy-tabnine': { command: 'x' } },
});
file(
  'managed',
  'tabnine-cli/settings.json',
  {
    mcpServers: { 'tabnine-system': { command: 'npx', args: ['sys-mcp'] } },
  },
  ['linux'],
);
file(
  'managed',
  'TabnineCli/settings.json',
  {
    mcpServers: { 'tabnine-system': { command: 'npx', args: ['sys-mcp'] } },
  },
  ['darwin'],
);
expectServer('tabnine', 'server-name', 'user', {
  command: 'npx',
  envNames: ['TOKEN'],
});
expectServer('tabnine', 'tabnine-older', 'project', { command: 'uvx' });
expectServer('tabnine', 'tabnine-system', 'managed', { command: 'npx' }, [
  'linux',
  'darwin',
]);

// Continue's block folder: JSON files of other clients dropped in as they are; other files are not read.
file('home', '.continue/mcpServers/claude-style.json', {
  mcpServers: {
    'continue-json': { command: 'npx', args: ['--token', token('continue')] },
  },
});
file(
  'project',
  '.continue/mcpServers/playwright.yml',
  `name: Playwright mcpServer
version: 0.0.1
schema: v1
mcpServers:
  - name: Browser search
    command: npx
    args:
      - "@playwright/mcp@latest"
`,
);
file('project', '.continue/mcpServers/decoy-README.md', 'mcpServers: decoy');
expectServer('continue', 'continue-json', 'user', {
  command: 'npx',
  args: ['--token', REDACTED],
});
expectServer('continue', 'Browser search', 'project', { command: 'npx' });

// Rovo Dev CLI.
file('home', '.rovodev/mcp.json', {
  mcpServers: {
    'server-name': {
      command: 'command-to-run',
      args: ['arg1', 'arg2'],
      env: { ENV_VAR: token('rovo') },
      transport: 'stdio',
    },
  },
});
file('home', '.rovodev/config.yml', 'mcp:\n  decoy-rovo: {}\n');
expectServer('rovo-dev', 'server-name', 'user', {
  command: 'command-to-run',
  envNames: ['ENV_VAR'],
});

// Kimi Code CLI, and the older kimi-cli.
file('home', '.kimi-code/mcp.json', {
  mcpServers: {
    linear: { url: 'https://mcp.linear.app/mcp', enabled: false },
    filesystem: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'],
      headers: {},
      env: { KIMI_TOKEN: token('kimi') },
    },
  },
});
file('home', '.kimi/mcp.json', {
  mcpServers: { 'kimi-older': { command: 'uvx', args: ['k-mcp'] } },
});
file('home', '.kimi/mcp-oauth/decoy.json', {
  mcpServers: { 'decoy-oauth': { command: 'x' } },
  access_token: token('kimioauth'),
});
file('project', '.kimi-code/mcp.json', {
  mcpServers: { 'kimi-project': { command: 'npx', args: ['p-mcp'] } },
});
expectServer('kimi-code', 'linear', 'user', {
  transport: 'http',
  disabled: true,
});
expectServer('kimi-code', 'filesystem', 'user', {
  command: 'npx',
  envNames: ['KIMI_TOKEN'],
});
expectServer('kimi-code', 'kimi-older', 'user', { command: 'uvx' });
expectServer('kimi-code', 'kimi-project', 'project', { command: 'npx' });

// Sema4.ai Studio (as Docker's client table writes it).
const sema4 = {
  mcpServers: {
    MCP_DOCKER: {
      command: 'docker',
      args: ['mcp', 'gateway', 'run', '--profile', 'sema4'],
      transport: 'stdio',
    },
    'sema4-tool': {
      command: 'uvx',
      args: ['sema4-mcp', '--token', token('sema4')],
      transport: 'stdio',
    },
  },
};
file('home', '.sema4ai/sema4ai-studio/mcp_servers.json', sema4, [
  'linux',
  'darwin',
]);
file('localAppData', 'sema4ai/sema4ai-studio/mcp_servers.json', sema4, [
  'win32',
]);
file('home', '.sema4ai/sema4ai-studio/mcp_servers.json.bak', {
  mcpServers: { 'decoy-sema4': { command: 'x' } },
});
expectServer('sema4-studio', 'MCP_DOCKER', 'user', {
  command: 'docker',
  args: ['mcp', 'gateway', 'run', '--profile', 'sema4'],
});
expectServer('sema4-studio', 'sema4-tool', 'user', {
  args: ['sema4-mcp', '--token', REDACTED],
});

/** Lays out every fixture file of `os` under `root` (`home`, `system`, `projects`). */
export function buildClientMachine(root: string, os: Platform) {
  for (const f of files) {
    if (f.os && !f.os.includes(os)) continue;
    const prefix = LAYOUT[os][f.place];
    if (!prefix) throw new Error(`${f.place} has no folder on ${os}`);
    write(root, `${prefix}/${f.path}`, f.content);
  }
  const home = `${root}/home`;
  const jan = os === 'linux' ? 'home/.local/share' : LAYOUT[os].appSupport!;
  write(root, `${jan}/Jan/settings.json`, janSettings(home));
  return {
    home,
    system: `${root}/system`,
    projects: `${root}/projects`,
  };
}

/** The servers the scan of `os`'s fixture machine must report. */
export function expectedOn(os: Platform): Expected[] {
  return EXPECTED.filter(e => !e.os || e.os.includes(os));
}
