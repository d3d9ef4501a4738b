import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { NotAllowedError } from '@backstage/errors';
import express from 'express';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { MutualTlsListenerConfig } from '../services/ingestConfig';

/** What agents call: the paths the agents' listener serves, and the only ones mutual TLS guards. */
const AGENT_PATHS = new Set(['/events', '/agents/enrol']);

/** The certificate subject of a client its TLS connection verified, or undefined. */
function verifiedClient(req: express.Request): string | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.authorized !== true || !socket.getPeerCertificate)
    return undefined;
  const peer = socket.getPeerCertificate();
  if (!peer?.subject) return undefined;
  return [peer.subject.CN].flat()[0] ?? 'a verified client';
}

/**
 * With `mcpeeker.ingest.http.mtls` set, events and enrolments are taken only
 * from a client whose certificate the TLS handshake verified against the
 * configured CA — on the agents' listener; anywhere else (the portal's own
 * listener, behind any proxy) they are refused with 403 naming the listener.
 */
export function requireClientCertificate(
  mtls: MutualTlsListenerConfig | undefined,
): express.RequestHandler {
  return (req, _res, next) => {
    if (mtls && AGENT_PATHS.has(req.path) && !verifiedClient(req)) {
      throw new NotAllowedError(
        `This portal takes agents' requests over mutual TLS only: send them to its agents' listener (port ${mtls.port}) with a client certificate its CA signed (mcpeeker.ingest.http.mtls)`,
      );
    }
    next();
  };
}

/**
 * The agents' listener: HTTPS on its own port that completes a handshake
 * only with a client certificate signed by `ca` (Backstage's own listener
 * cannot ask for one), serving the plugin's router for the agents' paths
 * under `/api/mcpeeker`, and nothing else.
 */
export async function startAgentListener(options: {
  mtls: MutualTlsListenerConfig;
  router: express.Router;
  config: RootConfigService;
  logger: LoggerService;
  lifecycle: LifecycleService;
}): Promise<https.Server> {
  const { mtls, router, config, logger, lifecycle } = options;
  const app = express();
  const agentPaths = express.Router();
  agentPaths.use((req, _res, next) => {
    if (req.method === 'POST' && AGENT_PATHS.has(req.path)) next();
    else next('router');
  });
  agentPaths.use(router);
  app.use('/api/mcpeeker', agentPaths);
  const middleware = MiddlewareFactory.create({ config, logger });
  app.use(middleware.notFound());
  app.use(middleware.error());

  const server = https.createServer(
    {
      cert: mtls.cert,
      key: mtls.key,
      ca: mtls.ca,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    app,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(mtls.port, mtls.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  logger.info(`Agents' listener (mutual TLS) on port ${port}`);
  lifecycle.addShutdownHook(
    () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return server;
}
