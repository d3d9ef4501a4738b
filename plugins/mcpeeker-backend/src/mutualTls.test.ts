import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { endpointEvent } from './__testUtils__/events';
import { freePort } from './__testUtils__/freePort';
import { mcpeekerPlugin } from './plugin';

jest.setTimeout(60_000);

/** A CA, a server certificate for localhost, a client certificate it signed, and one another CA signed. */
let certs: Record<string, string>;
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-mtls-'));
  execFileSync('bash', [
    path.resolve(__dirname, '../../../scripts/test-certificates.sh'),
    dir,
  ]);
  certs = Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter(f => f.endsWith('.pem'))
      .map(f => [
        f.replace(/\.pem$/, ''),
        fs.readFileSync(path.join(dir, f), 'utf8'),
      ]),
  );
});

async function startBackend(mtls: Record<string, unknown>) {
  return startTestBackend({
    features: [
      mcpeekerPlugin,
      mockServices.rootConfig.factory({
        data: { mcpeeker: { ingest: { http: { mtls } } } } as any,
      }),
    ],
  });
}

/** POSTs a batch over HTTPS as an agent would, with or without a client certificate. */
function postEvents(
  port: number,
  client: { cert: string; key: string } | undefined,
  events: unknown[],
) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        path: '/api/mcpeeker/events',
        method: 'POST',
        ca: certs.ca,
        ...client,
        headers: {
          'content-type': 'application/json',
          authorization: mockCredentials.service.header(),
        },
      },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ events }));
  });
}

describe('mcpeeker.ingest.http.mtls: agents report over mutual TLS', () => {
  it('takes events from a certificate its CA signed, and from nobody else', async () => {
    const port = await freePort();
    const backend = await startBackend({
      port,
      host: '127.0.0.1',
      certificate: { cert: certs.server, key: certs['server-key'] },
      ca: certs.ca,
    });
    try {
      const agent = { cert: certs.client, key: certs['client-key'] };
      const reported = endpointEvent({ port: 1 });
      const accepted = await postEvents(port, agent, [reported]);
      expect(accepted).toMatchObject({ status: 202, body: { accepted: 1 } });

      // No certificate, or one another CA signed: the handshake is refused.
      await expect(
        postEvents(port, undefined, [endpointEvent({ port: 2 })]),
      ).rejects.toThrow(/certificate|socket hang up|ECONNRESET|EPIPE/i);
      await expect(
        postEvents(
          port,
          { cert: certs['rogue-client'], key: certs['rogue-client-key'] },
          [endpointEvent({ port: 3 })],
        ),
      ).rejects.toThrow(/unknown ca|certificate|socket hang up|ECONNRESET/i);

      // The portal's own listener refuses events and enrolments, naming the way in.
      const direct = await request(backend.server)
        .post('/api/mcpeeker/events')
        .set('Authorization', mockCredentials.service.header())
        .send({ events: [endpointEvent({ port: 4 })] });
      expect(direct.status).toBe(403);
      expect(direct.body.error.message).toContain(
        `agents' listener (port ${port})`,
      );
      const enrol = await request(backend.server)
        .post('/api/mcpeeker/agents/enrol')
        .send({ secret: 'mcpe_x', hostIdHash: 'a'.repeat(64) });
      expect(enrol.status).toBe(403);

      // Only the verified agent's event was stored; the portal itself still answers.
      const findings = await request(backend.server)
        .get('/api/mcpeeker/findings')
        .set('Authorization', mockCredentials.user.header());
      expect(findings.status).toBe(200);
      expect(findings.body.items).toHaveLength(1);
      expect(findings.body.items[0].compositeId).toBe(reported.compositeId);
    } finally {
      await backend.stop();
    }
  });

  it('serves the agents their paths only', async () => {
    const port = await freePort();
    const backend = await startBackend({
      port,
      host: '127.0.0.1',
      certificate: { cert: certs.server, key: certs['server-key'] },
      ca: certs.ca,
    });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        https
          .get(
            {
              host: '127.0.0.1',
              port,
              servername: 'localhost',
              path: '/api/mcpeeker/findings',
              ca: certs.ca,
              cert: certs.client,
              key: certs['client-key'],
              headers: { authorization: mockCredentials.user.header() },
            },
            res => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          )
          .on('error', reject);
      });
      expect(status).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('stops the backend at start naming a missing or unreadable part', async () => {
    await expect(
      startBackend({
        port: 7701,
        certificate: { cert: certs.server, key: certs['server-key'] },
      }),
    ).rejects.toThrow(
      'mcpeeker.ingest.http.mtls.ca is required when mcpeeker.ingest.http.mtls is set',
    );
    await expect(
      startBackend({
        port: 7701,
        certificate: { cert: '/etc/tls/server.pem', key: certs['server-key'] },
        ca: certs.ca,
      }),
    ).rejects.toThrow(
      'mcpeeker.ingest.http.mtls.certificate.cert must be PEM text',
    );
  });
});
