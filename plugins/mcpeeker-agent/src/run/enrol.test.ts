import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { hashIdentifier } from '@mcpeeker/plugin-mcpeeker-common';
import { buildLinuxHome, makeTempDir } from '../__testUtils__/fixtures';
import { readHostId } from '../host';

jest.setTimeout(60_000);

const SALT = 'enrol-test-salt-0123456789';
const BIN = path.resolve(__dirname, '../../bin/mcpeeker-agent');
const SECRET = 'mcpe_the-secret-an-admin-issued-0123456789ab';
const CREDENTIAL = 'mcpa_this-agents-own-credential-0123456789';

/** The two routes of the portal an agent uses, as the backend answers them. */
function fakePortal() {
  const state = {
    enrolments: [] as any[],
    batches: [] as Array<{ headers: http.IncomingHttpHeaders; events: any[] }>,
    revoked: false,
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', d => (body += d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      const json = JSON.parse(body || '{}');
      if (req.url === '/api/mcpeeker/agents/enrol') {
        state.enrolments.push(json);
        if (json.secret !== SECRET) {
          res.writeHead(401);
          res.end(
            JSON.stringify({
              error: {
                name: 'AuthenticationError',
                message: 'Enrolment refused: the secret is not valid',
              },
            }),
          );
          return;
        }
        res.writeHead(201);
        res.end(
          JSON.stringify({
            id: 'agent-1',
            hostIdHash: json.hostIdHash,
            owner: 'user:default/dana',
            enrolmentId: 'e-1',
            enrolledAt: '2026-11-23T10:00:00.000Z',
            credential: CREDENTIAL,
          }),
        );
        return;
      }
      state.batches.push({ headers: req.headers, events: json.events });
      if (
        state.revoked ||
        req.headers['x-mcpeeker-agent-credential'] !== CREDENTIAL
      ) {
        res.writeHead(401);
        res.end(
          JSON.stringify({
            error: {
              name: 'AuthenticationError',
              // As the backend words it (agentsRouter.agentCredentials).
              message:
                'Agent credential refused: unknown or revoked; enrol the agent again (mcpeeker-agent enrol)',
            },
          }),
        );
        return;
      }
      res.writeHead(202);
      res.end(
        JSON.stringify({
          accepted: json.events.length,
          duplicates: 0,
          rejected: [],
        }),
      );
    });
  });
  return { server, state };
}

describe('mcpeeker-agent enrol, then run with its own credential', () => {
  let portal: ReturnType<typeof fakePortal>;
  let base: string;
  let home: string;
  let work: string;
  beforeAll(async () => {
    portal = fakePortal();
    await new Promise<void>(r => portal.server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${
      (portal.server.address() as AddressInfo).port
    }/api/mcpeeker`;
    home = makeTempDir();
    work = makeTempDir();
    buildLinuxHome(home, makeTempDir());
  });
  afterAll(async () => {
    portal.server.closeAllConnections();
    await new Promise(r => portal.server.close(r));
  });

  const config = () => {
    const file = path.join(work, 'agent.yaml');
    fs.writeFileSync(
      file,
      JSON.stringify({
        processes: false,
        ports: false,
        spool: { dir: path.join(work, 'spool') },
      }),
    );
    return file;
  };
  // Asynchronous: the portal answers from this process.
  const agent = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>(
      resolve => {
        const child = spawn(
          process.execPath,
          [BIN, ...args, '--config', config()],
          {
            env: {
              PATH: process.env.PATH,
              HOME: home,
              MCPEEKER_HOST_ID_SALT: SALT,
              ...env,
            },
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', d => (stdout += d));
        child.stderr.on('data', d => (stderr += d));
        child.on('close', status => resolve({ status, stdout, stderr }));
      },
    );
  const spooled = () =>
    fs.readdirSync(path.join(work, 'spool')).filter(f => f.endsWith('.json'));

  it('refuses a wrong secret, saying why, and saves nothing', async () => {
    const out = await agent(['enrol', '--url', base], {
      MCPEEKER_ENROLMENT_SECRET: 'mcpe_wrong',
    });
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/enrolment refused \(HTTP 401\)/);
    expect(fs.existsSync(path.join(work, 'spool', 'agent-credential'))).toBe(
      false,
    );
  });

  it('stores the credential 0600, never prints the secret, and run reports with it', async () => {
    const enrolled = await agent(['enrol', '--url', `${base}/`], {
      MCPEEKER_ENROLMENT_SECRET: SECRET,
    });
    expect(enrolled.stderr).toBe('');
    expect(enrolled.status).toBe(0);
    expect(enrolled.stdout).toMatch(/reports for user:default\/dana/);
    expect(enrolled.stdout + enrolled.stderr).not.toContain(SECRET);
    expect(enrolled.stdout + enrolled.stderr).not.toContain(CREDENTIAL);
    // The host id hash as run computes it.
    const hostIdHash = hashIdentifier(readHostId(), SALT);
    expect(portal.state.enrolments.at(-1)).toEqual({
      secret: SECRET,
      hostIdHash,
    });
    const file = path.join(work, 'spool', 'agent-credential');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({
      agentId: 'agent-1',
      credential: CREDENTIAL,
      url: base,
    });

    // No URL nor token configured: the credential says where and who.
    const ran = await agent(['run', '--once']);
    expect(ran.status).toBe(0);
    const batch = portal.state.batches.at(-1)!;
    expect(batch.headers['x-mcpeeker-agent-credential']).toBe(CREDENTIAL);
    expect(batch.headers.authorization).toBeUndefined();
    expect(batch.events.length).toBeGreaterThan(0);
    expect(batch.events[0].host.idHash).toBe(hostIdHash);
    expect(spooled()).toEqual([]);
  });

  it('says the portal refused its revoked credential, keeps the batch in the spool, and run --once exits 1', async () => {
    portal.state.revoked = true;
    const ran = await agent(['run', '--once']);
    expect(ran.status).toBe(1);
    const refusal = ran.stderr
      .split('\n')
      .find(line => line.includes('HTTP 401'));
    expect(refusal).toMatch(
      new RegExp(
        `^mcpeeker-agent: \\S+ the portal at ${base} refused this agent's credential \\(HTTP 401\\): it was revoked or expired; enrol again with mcpeeker-agent enrol --url ${base}; \\d+ events wait in the spool \\(`,
      ),
    );
    // The portal was reached: no "cannot reach"; the advice said once.
    expect(ran.stderr).not.toContain('cannot reach');
    expect(refusal!.match(/enrol (the agent )?again/g)).toHaveLength(1);
    expect(spooled().length).toBe(portal.state.batches.at(-1)!.events.length);
    expect(spooled().length).toBeGreaterThan(0);
  });
});
