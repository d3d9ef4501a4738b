import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Secrets planted in fixtures; none may appear in any output. */
export const PLANTED = {
  githubPat: 'ghp_plantedGithubToken0123456789abcdefXYZ',
  anthropic: 'sk-ant-api03-plantedAnthropicKey0123456789abcdef',
  slack: 'xoxb-planted-slack-token-123456',
  aws: 'AKIAPLANTEDAWSKEY123',
  bearer: 'planted-bearer-token-value-42',
  apiKeyArg: 'planted-api-key-argument',
  urlPassword: 'plantedUrlPassw0rd',
  queryToken: 'plantedQueryToken99',
  envPlain: 'planted-plain-env-value',
  codexEnv: 'planted-codex-env-secret',
  gooseEnv: 'planted-goose-env-secret',
  zedEnv: 'planted-zed-env-secret',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJwbGFudGVkIjoidHJ1ZSJ9.plantedSignature0123456789',
};

export function makeTempDir(prefix = 'mcpeeker-agent-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function write(
  root: string,
  relative: string,
  content: string | object,
) {
  const file = path.join(root, ...relative.split('/'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    typeof content === 'string' ? content : JSON.stringify(content, null, 2),
  );
  return file;
}

/** A Linux home with every client's user config, desktop extensions and plugins. */
export function buildLinuxHome(home: string, managedDir: string) {
  write(home, '.claude.json', {
    numStartups: 3,
    mcpServers: {
      github: {
        type: 'stdio',
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-github'],
        env: { GITHUB_PERSONAL_ACCESS_TOKEN: PLANTED.githubPat },
      },
    },
    projects: {
      '/home/dana/acme': {
        mcpServers: {
          linear: {
            type: 'http',
            url: 'https://mcp.linear.app/mcp',
            headers: { Authorization: `Bearer ${PLANTED.bearer}` },
          },
        },
      },
      '/home/dana/empty': { allowedTools: [] },
    },
  });
  write(
    home,
    '.config/Claude/claude_desktop_config.json',
    `{
    // Claude Desktop accepts comments and trailing commas
    "mcpServers": {
      "filesystem": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/dana/docs",], },
      "slack": { "command": "uvx", "args": ["slack-mcp", "--token", "${PLANTED.slack}"] },
    },
  }`,
  );
  write(
    home,
    '.config/Claude/Claude Extensions/ant.dir.gh.github/manifest.json',
    {
      manifest_version: '0.3',
      name: 'github-extension',
      version: '1.0.0',
      server: {
        type: 'node',
        entry_point: 'server/index.js',
        mcp_config: {
          command: 'node',
          args: ['${__dirname}/server/index.js'],
          env: { GITHUB_TOKEN: '${user_config.token}' },
        },
      },
    },
  );
  write(home, '.config/Claude/Claude Extensions/old.dxt/manifest.json', {
    dxt_version: '0.1',
    name: 'legacy-dxt',
    server: {
      mcp_config: { command: 'python', args: ['-m', 'legacy_server'] },
    },
  });
  write(home, '.claude/plugins/marketplaces/acme/plugins/db/.mcp.json', {
    mcpServers: { 'plugin-db': { command: 'npx', args: ['acme-db-mcp'] } },
  });
  write(managedDir, 'claude-code/managed-mcp.json', {
    mcpServers: {
      'company-docs': { type: 'http', url: 'https://docs.corp.example/mcp' },
    },
  });
  write(
    home,
    '.config/Code/User/mcp.json',
    `{
    "inputs": [{ "type": "promptString", "id": "key", "password": true }],
    "servers": {
      "playwright": { "command": "npx", "args": ["@playwright/mcp@latest"] },
      "remote": { "type": "http", "url": "https://api.example.com/mcp?token=${PLANTED.queryToken}" },
    }
  }`,
  );
  write(home, '.config/Code/User/settings.json', {
    'editor.fontSize': 14,
    mcp: {
      servers: {
        'settings-server': {
          command: 'docker',
          args: ['run', '-i', '--rm', 'mcp/fetch'],
        },
      },
    },
    'amp.mcpServers': {
      'amp-in-vscode': { command: 'npx', args: ['amp-helper-mcp'] },
    },
  });
  write(home, '.config/Code/User/profiles/5a1b/mcp.json', {
    servers: {
      'profile-server': { command: 'uvx', args: ['mcp-server-time'] },
    },
  });
  write(home, '.config/Code - Insiders/User/mcp.json', {
    servers: { insiders: { type: 'sse', url: 'http://localhost:8931/sse' } },
  });
  write(home, '.config/VSCodium/User/mcp.json', {
    servers: { codium: { command: 'node', args: ['server.js'] } },
  });
  write(
    home,
    '.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
    {
      mcpServers: {
        'cline-server': { command: 'node', args: ['cline.js'], disabled: true },
      },
    },
  );
  write(
    home,
    '.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json',
    { mcpServers: { 'roo-server': { command: 'npx', args: ['roo-mcp'] } } },
  );
  write(home, '.cursor/mcp.json', {
    mcpServers: {
      'cursor-remote': {
        url: `https://bot:${PLANTED.urlPassword}@mcp.cursor.example/sse`,
      },
    },
  });
  write(home, '.codeium/windsurf/mcp_config.json', {
    mcpServers: {
      'windsurf-remote': { serverUrl: 'https://windsurf.example/mcp' },
    },
  });
  write(home, '.kiro/settings/mcp.json', {
    mcpServers: {
      'kiro-server': {
        command: 'uvx',
        args: ['awslabs.aws-documentation-mcp-server@latest'],
      },
    },
  });
  write(home, '.config/Trae/User/mcp.json', {
    mcpServers: { 'trae-server': { command: 'npx', args: ['trae-mcp'] } },
  });
  write(home, '.gemini/settings.json', {
    theme: 'dark',
    mcpServers: {
      'gemini-sse': { url: 'http://localhost:9000/events' },
      'gemini-http': {
        httpUrl: 'https://gemini.example/mcp',
        headers: { 'X-API-Key': PLANTED.anthropic },
      },
    },
  });
  write(home, '.gemini/antigravity/mcp_config.json', {
    mcpServers: { 'antigravity-server': { command: 'npx', args: ['ag-mcp'] } },
  });
  write(
    home,
    '.codex/config.toml',
    `model = "o4-mini"

[mcp_servers.github]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-github"]
env = { "GITHUB_TOKEN" = "${PLANTED.codexEnv}" }

[mcp_servers.figma]
url = "https://mcp.figma.com/mcp"
bearer_token_env_var = "FIGMA_TOKEN"
`,
  );
  write(home, '.config/opencode/opencode.json', {
    $schema: 'https://opencode.ai/config.json',
    mcp: {
      'opencode-local': {
        type: 'local',
        command: ['bunx', 'opencode-mcp', '--api-key', PLANTED.apiKeyArg],
        environment: { TOKEN: 'x' },
      },
      'opencode-remote': {
        type: 'remote',
        url: 'https://opencode.example/mcp',
        headers: { Authorization: 'Bearer abc' },
      },
    },
  });
  write(home, '.config/amp/settings.json', {
    'amp.mcpServers': {
      'amp-cli-server': { command: 'npx', args: ['amp-mcp'] },
    },
  });
  write(home, '.aws/amazonq/mcp.json', {
    mcpServers: {
      'q-server': {
        command: 'uvx',
        args: ['q-mcp'],
        env: { AWS_ACCESS_KEY_ID: PLANTED.aws },
      },
    },
  });
  write(
    home,
    '.continue/config.yaml',
    `name: Local
version: 1.0.0
mcpServers:
  - name: SQLite
    command: npx
    args: ["-y", "mcp-sqlite", "/home/dana/db.sqlite"]
  - name: Remote
    type: streamable-http
    url: https://continue.example/mcp
`,
  );
  write(
    home,
    '.config/goose/config.yaml',
    `extensions:
  developer:
    enabled: true
    type: builtin
    name: developer
  github:
    enabled: true
    type: stdio
    cmd: npx
    args: [-y, "@modelcontextprotocol/server-github"]
    envs:
      GITHUB_TOKEN: ${PLANTED.gooseEnv}
  remote:
    enabled: false
    type: sse
    uri: http://localhost:8080/sse
`,
  );
  write(
    home,
    '.config/zed/settings.json',
    `{
    // Zed
    "context_servers": {
      "zed-old": { "command": { "path": "npx", "args": ["zed-mcp"], "env": { "KEY": "${PLANTED.zedEnv}" } } },
      "zed-new": { "source": "custom", "command": "uvx", "args": ["zed-new-mcp"] },
    },
  }`,
  );
  write(home, '.lmstudio/mcp.json', {
    mcpServers: { 'lmstudio-server': { command: 'npx', args: ['lm-mcp'] } },
  });
  write(home, '.copilot/mcp-config.json', {
    mcpServers: {
      'copilot-server': {
        type: 'local',
        command: 'npx',
        args: ['copilot-mcp'],
        tools: ['*'],
      },
    },
  });
}

/** A projects folder with every project-scope format, manifests, and things to skip. */
export function buildProjects(root: string) {
  const p = 'acme-app';
  write(root, `${p}/.mcp.json`, {
    mcpServers: {
      'project-claude': {
        command: 'npx',
        args: ['-y', 'project-mcp'],
        env: { OPENAI_API_KEY: PLANTED.envPlain },
      },
    },
  });
  write(root, `${p}/.vscode/mcp.json`, {
    servers: {
      'project-vscode': {
        type: 'stdio',
        command: 'node',
        args: ['./tools/mcp.js'],
      },
    },
  });
  write(root, `${p}/.cursor/mcp.json`, {
    mcpServers: {
      'project-cursor': { command: 'python', args: ['-m', 'project_mcp'] },
    },
  });
  write(
    root,
    `${p}/.devcontainer/devcontainer.json`,
    `{ "name": "dev", // comment
    "customizations": { "vscode": { "mcp": { "servers": { "devcontainer-server": { "command": "npx", "args": ["dc-mcp"] } } } } } }`,
  );
  write(root, `${p}/.roo/mcp.json`, {
    mcpServers: {
      'project-roo': { command: 'npx', args: ['roo-project-mcp'] },
    },
  });
  write(
    root,
    `${p}/.continue/mcpServers/db.yaml`,
    'name: db\nversion: 0.0.1\nschema: v1\nmcpServers:\n  - name: project-continue\n    command: npx\n    args: ["pg-mcp"]\n',
  );
  write(root, `${p}/.continue/mcpServers/README.md`, '# not a config');
  write(
    root,
    `${p}/opencode.jsonc`,
    '{ // opencode\n "mcp": { "project-opencode": { "type": "local", "command": ["npx", "oc-mcp"] } } }',
  );
  write(root, `${p}/.zed/settings.json`, {
    context_servers: {
      'project-zed': { command: 'npx', args: ['zed-project-mcp'] },
    },
  });
  write(root, `${p}/mcp.json`, {
    mcpServers: {
      'project-generic': { command: 'npx', args: ['generic-mcp'] },
    },
  });
  write(root, `${p}/.mcp/tools.json`, {
    servers: { 'project-dotmcp': { url: 'http://localhost:7777/mcp' } },
  });
  write(
    root,
    `${p}/.codex/config.toml`,
    '[mcp_servers.project-codex]\ncommand = "uvx"\nargs = ["codex-project-mcp"]\n',
  );
  write(root, `${p}/.gemini/settings.json`, {
    mcpServers: { 'project-gemini': { command: 'npx', args: ['gem-mcp'] } },
  });
  write(root, `${p}/.amazonq/mcp.json`, {
    mcpServers: { 'project-q': { command: 'npx', args: ['q-project-mcp'] } },
  });
  write(root, `${p}/.kiro/settings/mcp.json`, {
    mcpServers: {
      'project-kiro': { command: 'npx', args: ['kiro-project-mcp'] },
    },
  });
  write(root, `${p}/.trae/mcp.json`, {
    mcpServers: {
      'project-trae': { command: 'npx', args: ['trae-project-mcp'] },
    },
  });
  // Never active: dependencies, VCS, virtualenvs, build output.
  for (const skipped of [
    'node_modules/some-lib',
    '.git/info',
    '.venv/lib',
    'dist/pkg',
    'build',
  ]) {
    write(root, `${p}/${skipped}/.mcp.json`, {
      mcpServers: {
        [`must-not-appear-${skipped.split('/')[0]}`]: { command: 'x' },
      },
    });
  }
  // MCP servers being built here
  write(root, 'servers/registry-server/server.json', {
    $schema:
      'https://static.modelcontextprotocol.io/schemas/2025-10-17/server.schema.json',
    name: 'io.github.acme/weather',
    version: '1.2.0',
    packages: [
      {
        registryType: 'npm',
        identifier: '@acme/weather-mcp',
        version: '1.2.0',
        transport: { type: 'stdio' },
      },
    ],
  });
  write(root, 'servers/bundle/manifest.json', {
    manifest_version: '0.3',
    name: 'acme-bundle',
    version: '0.4.0',
    server: { type: 'node', mcp_config: { command: 'node', args: ['x.js'] } },
  });
  write(root, 'servers/node-server/package.json', {
    name: '@acme/node-mcp',
    version: '0.9.0',
    dependencies: { '@modelcontextprotocol/sdk': '^1.20.0', zod: '^3' },
  });
  write(
    root,
    'servers/py-server/pyproject.toml',
    '[project]\nname = "acme-py-mcp"\nversion = "0.2.0"\ndependencies = ["mcp[cli]>=1.2", "httpx"]\n',
  );
  write(
    root,
    'servers/fast/pyproject.toml',
    '[tool.poetry]\nname = "acme-fast"\nversion = "1.0"\n[tool.poetry.dependencies]\npython = "^3.11"\nfastmcp = "^2"\n',
  );
  write(root, 'plain/package.json', {
    name: 'plain-web-app',
    dependencies: { react: '^18' },
  });
  write(root, 'plain/manifest.json', {
    name: 'PWA',
    short_name: 'pwa',
    start_url: '/',
  });
  write(
    root,
    'plain/pyproject.toml',
    '[project]\nname = "mcp-unrelated"\ndependencies = ["mcpx-tools"]\n',
  );
}
