import { ChildProcess, spawn } from 'node:child_process';
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
    /** The credentials it takes: each enrolment issues one, an admin's revoke takes it away. */
    valid: new Set<string>(),
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
        const n = state.enrolments.filter(e => e.secret === SECRET).length;
        const credential = n === 1 ? CREDENTIAL : `${CREDENTIAL}-${n}`;
        state.valid.add(credential);
        res.writeHead(201);
        res.end(
          JSON.stringify({
            id: `agent-${n}`,
            hostIdHash: json.hostIdHash,
            owner: 'user:default/dana',
            enrolmentId: 'e-1',
            enrolledAt: '2026-11-23T10:00:00.000Z',
            credential,
          }),
        );
        return;
      }
      state.batches.push({ headers: req.headers, events: json.events });
      if (
        !state.valid.has(String(req.headers['x-mcpeeker-agent-credential']))
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
  /** Every agent started, to end one that would not stop on its own. */
  const runChildren: ChildProcess[] = [];
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
    for (const child of runChildren)
      if (child.exitCode === null) child.kill('SIGKILL');
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
        runChildren.push(child);
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
    portal.state.valid.delete(CREDENTIAL);
    const ran = await agent(['run', '--once']);
    expect(ran.status).toBe(1);
    const refusal = ran.stderr
      .split('\n')
      .find(line => line.includes('HTTP 401'));
    expect(refusal).toMatch(
      new RegExp(
        `^mcpeeker-agent: \\S+ the portal at ${base} refused this agent's credential \\(HTTP 401\\): it was revoked, or the portal does not know it; enrol again with a new enrolment secret from an admin: MCPEEKER_ENROLMENT_SECRET=<secret> mcpeeker-agent enrol --url ${base} --config ${config()}; \\d+ events wait in the spool \\(`,
      ),
    );
    // The portal was reached: no "cannot reach"; the advice said once.
    expect(ran.stderr).not.toContain('cannot reach');
    expect(refusal!.match(/enrol (the agent )?again/g)).toHaveLength(1);
    expect(spooled().length).toBe(portal.state.batches.at(-1)!.events.length);
    expect(spooled().length).toBeGreaterThan(0);
  });

  it('run, the daemon, stops at once with exit 1 on its revoked credential, keeps the spool, and the agent enrolled again sends it first', async () => {
    const waiting = spooled();
    const batchesBefore = portal.state.batches.length;
    const started = Date.now();
    // It does not retry every 30 s: it is done well before that.
    const ran = await Promise.race([
      agent(['run']),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('run still running')), 25_000),
      ),
    ]).catch(error => {
      runChildren.forEach(c => c.kill('SIGKILL'));
      throw error;
    });
    expect(ran.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(25_000);
    // One attempt: the scan's batch (the backlog with the new scan's events).
    expect(portal.state.batches.length).toBe(batchesBefore + 1);
    const lines = ran.stderr.trim().split('\n');
    expect(lines.at(-3)).toMatch(
      /refused this agent's credential \(HTTP 401\): it was revoked, or the portal does not know it; enrol again with a new enrolment secret from an admin: MCPEEKER_ENROLMENT_SECRET=<secret> mcpeeker-agent enrol --url \S+ --config \S+agent\.yaml; \d+ events wait in the spool/,
    );
    const kept = spooled();
    expect(lines.at(-2)).toMatch(
      new RegExp(
        `not trying again: the portal will take nothing with this agent's credential until it is replaced \\(above\\); ${
          kept.length
        } events in the spool \\(${path.join(
          work,
          'spool',
        )}\\) are kept and sent first when run starts again$`,
      ),
    );
    expect(lines.at(-1)).toMatch(/ stopped$/);
    // Nothing was dropped: what waited before, and this scan's events behind it.
    expect(kept.slice(0, waiting.length)).toEqual(waiting);
    expect(kept.length).toBeGreaterThan(waiting.length);

    // As the message says: enrolled again, the agent sends the backlog first.
    const enrolled = await agent(['enrol', '--url', base], {
      MCPEEKER_ENROLMENT_SECRET: SECRET,
    });
    expect(enrolled.status).toBe(0);
    const spooledIds = kept.map(
      f =>
        JSON.parse(fs.readFileSync(path.join(work, 'spool', f), 'utf8'))
          .eventId,
    );
    const again = await agent(['run', '--once']);
    expect(again.status).toBe(0);
    expect(spooled()).toEqual([]);
    const sent = portal.state.batches
      .slice(batchesBefore + 1)
      .filter(b => b.headers['x-mcpeeker-agent-credential'] !== CREDENTIAL)
      .flatMap(b => b.events.map(e => e.eventId));
    expect(sent.slice(0, spooledIds.length)).toEqual(spooledIds);
  });
});
