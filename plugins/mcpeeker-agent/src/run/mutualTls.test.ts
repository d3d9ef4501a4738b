import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildLinuxHome, makeTempDir } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

const BIN = path.resolve(__dirname, '../../bin/mcpeeker-agent');

let certDir: string;
const cert = (name: string) => path.join(certDir, `${name}.pem`);

beforeAll(() => {
  certDir = makeTempDir();
  execFileSync('bash', [
    path.resolve(__dirname, '../../../../scripts/test-certificates.sh'),
    certDir,
  ]);
});

/** A stand-in for the portal's agents' listener: HTTPS that completes a handshake only with a client certificate the CA signed. */
async function agentsListener() {
  const batches: Array<{ subject: string; events: number }> = [];
  const server = https.createServer(
    {
      cert: fs.readFileSync(cert('server')),
      key: fs.readFileSync(cert('server-key')),
      ca: fs.readFileSync(cert('ca')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        const subject = (req.socket as any).getPeerCertificate().subject.CN;
        const events = JSON.parse(body).events.length;
        batches.push({ subject, events });
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            accepted: events,
            duplicates: 0,
            rejected: [],
            redactedValues: 0,
          }),
        );
      });
    },
  );
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}/api/mcpeeker/events`,
    batches,
    close: () => new Promise(r => server.close(r)),
  };
}

function runOnce(config: object, env: Record<string, string> = {}) {
  const work = makeTempDir();
  const home = makeTempDir();
  buildLinuxHome(home, makeTempDir());
  const file = path.join(work, 'agent.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      processes: false,
      ports: false,
      spool: { dir: path.join(work, 'spool') },
      ...config,
    }),
  );
  return new Promise<{
    status: number | null;
    stderr: string;
    spooled: number;
  }>(resolve => {
    const child = spawn(
      process.execPath,
      [BIN, 'run', '--once', '--config', file],
      {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          MCPEEKER_HOST_ID_SALT: 'mtls-test-salt-0123456789',
          ...env,
        },
      },
    );
    let stderr = '';
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('close', status => {
      const spool = path.join(work, 'spool');
      const spooled = fs.existsSync(spool)
        ? fs.readdirSync(spool).filter(f => f.endsWith('.json')).length
        : 0;
      resolve({ status, stderr, spooled });
    });
  });
}

describe('mcpeeker-agent run over mutual TLS (report.tls)', () => {
  it('reports with its client certificate; without one nothing is taken and the events wait in the spool', async () => {
    const listener = await agentsListener();
    try {
      const withCertificate = await runOnce({
        report: {
          http: { url: listener.url, token: 'agent-token' },
          tls: {
            ca: cert('ca'),
            cert: cert('client'),
            key: cert('client-key'),
          },
        },
      });
      expect(withCertificate.stderr).not.toContain('cannot reach');
      expect(withCertificate.status).toBe(0);
      expect(withCertificate.spooled).toBe(0);
      expect(listener.batches.length).toBeGreaterThan(0);
      expect(listener.batches[0].subject).toBe('mcpeeker-agent-test');
      const taken = listener.batches.length;

      // The CA alone, from the environment: the listener refuses the handshake.
      const withoutCertificate = await runOnce(
        { report: { http: { url: listener.url, token: 'agent-token' } } },
        { MCPEEKER_TLS_CA: cert('ca') },
      );
      expect(withoutCertificate.stderr).toContain(
        `cannot reach http ${new URL(listener.url).origin}`,
      );
      expect(withoutCertificate.spooled).toBeGreaterThan(0);

      // A certificate another CA signed is refused too.
      const rogue = await runOnce(
        { report: { http: { url: listener.url, token: 'agent-token' } } },
        {
          MCPEEKER_TLS_CA: cert('ca'),
          MCPEEKER_TLS_CERT: cert('rogue-client'),
          MCPEEKER_TLS_KEY: cert('rogue-client-key'),
        },
      );
      expect(rogue.spooled).toBeGreaterThan(0);
      expect(listener.batches.length).toBe(taken);
    } finally {
      await listener.close();
    }
  });

  it.each([
    [
      { tls: { cert: 'CERT' } },
      /report\.tls: a client certificate needs its key/,
    ],
    [
      { tls: { ca: '/nonexistent/ca.pem' } },
      /report\.tls\.ca: \/nonexistent\/ca\.pem cannot be read \(ENOENT\)/,
    ],
    [{ tls: { pem: 'x' } }, /report\.tls\.pem: not a known setting/],
  ])('names what is wrong in %j', async (report, message) => {
    const withCert = JSON.parse(
      JSON.stringify(report).replace('"CERT"', JSON.stringify(cert('client'))),
    );
    const result = await runOnce({
      report: {
        http: { url: 'https://localhost:1/api/mcpeeker/events', token: 't' },
        ...withCert,
      },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
