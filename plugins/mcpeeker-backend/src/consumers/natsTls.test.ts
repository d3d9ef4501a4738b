import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import request from 'supertest';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { endpointEvent } from '../__testUtils__/events';
import { mcpeekerPlugin } from '../plugin';

jest.setTimeout(90_000);

const NATS_SERVER = '/usr/sbin/nats-server';

let dir: string;
let certs: Record<string, string>;
let server: ChildProcess;
let url: string;

/** A free loopback port in 4300-4399, the range this test may use. */
async function portInRange(): Promise<number> {
  const start = 4300 + Math.floor(Math.random() * 100);
  for (let i = 0; i < 100; i++) {
    const port = 4300 + ((start - 4300 + i) % 100);
    const free = await new Promise<boolean>(resolve => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 4300-4399');
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-nats-tls-'));
  execFileSync('bash', [
    path.resolve(__dirname, '../../../../scripts/test-certificates.sh'),
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
  const port = await portInRange();
  // TLS with verify: a client must show a certificate the CA signed.
  const conf = path.join(dir, 'nats.conf');
  fs.writeFileSync(
    conf,
    `listen: "127.0.0.1:${port}"
jetstream { store_dir: "${path.join(dir, 'js')}" }
tls {
  cert_file: "${path.join(dir, 'server.pem')}"
  key_file: "${path.join(dir, 'server-key.pem')}"
  ca_file: "${path.join(dir, 'ca.pem')}"
  verify: true
  timeout: 5
}
`,
  );
  server = spawn(NATS_SERVER, ['-c', conf, '-l', path.join(dir, 'nats.log')], {
    stdio: 'ignore',
  });
  url = `tls://localhost:${port}`;
  for (let i = 0; i < 300; i++) {
    const up = await new Promise<boolean>(resolve => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) return;
    if (server.exitCode !== null) break;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error('nats-server with TLS did not start');
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise(r => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
});

async function startBackend(tls: Record<string, string>, stream: string) {
  return startTestBackend({
    features: [
      mcpeekerPlugin,
      mockServices.rootConfig.factory({
        data: {
          mcpeeker: {
            ingest: {
              nats: {
                enabled: true,
                servers: [url],
                stream,
                consumer: 'mcpeeker-tls-test',
                subjectPrefix: stream.toLowerCase(),
                tls,
              },
            },
          },
        },
      }),
    ],
  });
}

async function natsHealth(backend: { server: any }) {
  const res = await request(backend.server).get('/api/mcpeeker/health');
  return res.body.dependencies.nats;
}

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean) {
  let last: T | undefined;
  for (let i = 0; i < 300; i++) {
    last = await read();
    if (done(last)) return last;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`timed out; last seen: ${JSON.stringify(last)}`);
}

describe('NATS over TLS with verified clients (mcpeeker.ingest.nats.tls)', () => {
  it('is refused without a client certificate: NATS is down on /health and nothing is consumed', async () => {
    const backend = await startBackend({ ca: certs.ca }, 'TLS_REFUSED');
    try {
      const nats = await waitFor(
        () => natsHealth(backend),
        h => h.status === 'down' && h.error !== 'not connected',
      );
      expect(nats.status).toBe('down');
      // The server's own verdict, in its log.
      expect(fs.readFileSync(path.join(dir, 'nats.log'), 'utf8')).toContain(
        "TLS handshake error: tls: client didn't provide a certificate",
      );
    } finally {
      await backend.stop();
    }
    // The server refused it before it could make its stream.
    const peer = await connect({
      servers: url,
      tls: { ca: certs.ca, cert: certs.client, key: certs['client-key'] },
    });
    try {
      const jsm = await jetstreamManager(peer);
      await expect(jsm.streams.info('TLS_REFUSED')).rejects.toThrow(
        /stream not found/,
      );
    } finally {
      await peer.close();
    }
  });

  it('consumes with the client certificate the CA signed', async () => {
    const backend = await startBackend(
      { ca: certs.ca, cert: certs.client, key: certs['client-key'] },
      'TLS_ACCEPTED',
    );
    try {
      await waitFor(
        () => natsHealth(backend),
        h => h.status === 'ok',
      );
      const publisher = await connect({
        servers: url,
        tls: { ca: certs.ca, cert: certs.client, key: certs['client-key'] },
      });
      const event = endpointEvent({ port: 7 });
      await jetstream(publisher).publish(
        'tls_accepted.endpoint.host',
        JSON.stringify(event),
        { msgID: event.eventId },
      );
      await publisher.close();
      const findings = await waitFor(
        async () =>
          (
            await request(backend.server)
              .get('/api/mcpeeker/findings')
              .set('Authorization', mockCredentials.user.header())
          ).body.items ?? [],
        items => items.length > 0,
      );
      expect(findings.map((f: any) => f.compositeId)).toEqual([
        event.compositeId,
      ]);
    } finally {
      await backend.stop();
    }
  });
});
