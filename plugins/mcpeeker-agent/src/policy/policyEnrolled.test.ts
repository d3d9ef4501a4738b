import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import type { RegistryServerList } from '@mcpeeker/plugin-mcpeeker-common';
import { makeTempDir } from '../__testUtils__/fixtures';
import { runCli } from '../cli';
import { writeAgentCredential } from '../run/agentCredential';

jest.setTimeout(60_000);

const CREDENTIAL = 'mcpa_policy-test-agent-credential';

/** A portal whose Registry API takes this agent's credential, or a service token. */
async function portal() {
  const seen: Array<{ credential?: string; authorization?: string }> = [];
  const server = http.createServer((req, res) => {
    const credential = req.headers['x-mcpeeker-agent-credential'] as
      | string
      | undefined;
    seen.push({ credential, authorization: req.headers.authorization });
    res.setHeader('content-type', 'application/json');
    if (
      credential !== CREDENTIAL &&
      req.headers.authorization !== 'Bearer service-token'
    ) {
      res.writeHead(401);
      res.end(
        JSON.stringify({
          error: {
            name: 'AuthenticationError',
            message: 'Missing credentials',
          },
        }),
      );
      return;
    }
    const body: RegistryServerList = {
      servers: [
        {
          server: {
            name: 'io.mcpeeker.team-a/weather',
            description: 'Weather',
            version: '1.0.0',
            remotes: [
              { type: 'streamable-http', url: 'https://weather.example/mcp' },
            ],
          },
        },
      ],
      metadata: { count: 1 },
    };
    res.end(JSON.stringify(body));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    base: `http://127.0.0.1:${port}/api/mcpeeker`,
    close: () => new Promise(r => server.close(r)),
  };
}

async function policy(env: Record<string, string>, ...args: string[]) {
  const err: string[] = [];
  const code = await runCli(['policy', '--platform', 'linux', ...args], {
    stdout: () => {},
    stderr: t => err.push(t),
    env,
  });
  return { code, stderr: err.join('') };
}

describe('mcpeeker-agent policy on an enrolled machine', () => {
  it('reads the approved servers from the portal it enrolled with, with its own credential', async () => {
    const registry = await portal();
    try {
      const work = makeTempDir();
      const credentialFile = path.join(work, 'agent-credential');
      writeAgentCredential(credentialFile, {
        agentId: 'ag1',
        owner: 'user:default/dana',
        hostIdHash: 'a'.repeat(64),
        url: registry.base,
        enrolledAt: '2026-11-21T10:00:00Z',
        credential: CREDENTIAL,
      });
      const root = makeTempDir();
      const env = {
        MCPEEKER_CREDENTIAL_FILE: credentialFile,
        MCPEEKER_SPOOL_DIR: path.join(work, 'spool'),
      };
      // No --url, no token: the enrolment says where and who.
      const { code, stderr } = await policy(env, '--system-root', root);
      expect(stderr).not.toMatch(/HTTP 401/);
      expect(code).toBe(0);
      expect(registry.seen).toEqual([
        { credential: CREDENTIAL, authorization: undefined },
      ]);
      const settings = JSON.parse(
        fs.readFileSync(
          path.join(root, 'etc', 'claude-code', 'managed-settings.json'),
          'utf8',
        ),
      );
      expect(settings.allowedMcpServers).toEqual([
        { serverUrl: 'https://weather.example/mcp' },
      ]);

      // A service token given explicitly is used instead.
      registry.seen.length = 0;
      await policy(
        { ...env, MCPEEKER_TOKEN: 'service-token' },
        '--system-root',
        makeTempDir(),
      );
      expect(registry.seen).toEqual([
        { credential: undefined, authorization: 'Bearer service-token' },
      ]);
    } finally {
      await registry.close();
    }
  });

  it('says how to get in when the portal refuses', async () => {
    const registry = await portal();
    try {
      const work = makeTempDir();
      const { code, stderr } = await policy(
        {
          MCPEEKER_CREDENTIAL_FILE: path.join(work, 'none'),
          MCPEEKER_SPOOL_DIR: path.join(work, 'spool'),
        },
        '--url',
        registry.base,
        '--system-root',
        makeTempDir(),
      );
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /HTTP 401: Missing credentials \(set MCPEEKER_TOKEN to the agents’ service token, enrol the agent with mcpeeker-agent enrol,/,
      );
    } finally {
      await registry.close();
    }
  });
});
