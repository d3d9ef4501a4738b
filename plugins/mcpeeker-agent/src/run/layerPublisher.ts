import path from 'node:path';
import type { AgentConfig } from './agentConfig';
import { Publisher } from './publisher';
import { transportFor } from './runAgent';

/**
 * The publisher of a layer the agent reads from another sensor's log
 * (`gateway`, `network`): the config's report (service token, or NATS on
 * `<prefix>.<layer>.<sensor>` beside the endpoint events' `<prefix>.endpoint`),
 * through a spool of its own — `run` drains its folder with the enrolled
 * agent's credential, which may report endpoint events only. Throws with a
 * message for the user when the report config cannot be used.
 */
export function layerPublisher(
  config: AgentConfig,
  layer: 'gateway' | 'network',
  log: (line: string) => void,
): Publisher {
  const nats = config.report.nats;
  const transport = transportFor(
    nats
      ? {
          ...config,
          report: {
            nats: {
              ...nats,
              subjectPrefix: `${nats.subjectPrefix.replace(
                /\.endpoint$/,
                '',
              )}.${layer}`,
            },
          },
        }
      : config,
  );
  return new Publisher(
    {
      dir: path.join(config.spool.dir, layer),
      maxEvents: config.spool.maxEvents,
    },
    transport,
    log,
    `${layer} --send`,
  );
}
