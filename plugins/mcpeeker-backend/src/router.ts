import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HealthService } from './services/HealthService';
import { IngestService } from './services/IngestService';

/** Most events one HTTP batch may carry. */
export const MAX_BATCH = 1000;

const batchSchema = z.object({
  events: z
    .array(z.unknown())
    .min(1, 'must hold at least one event')
    .max(MAX_BATCH, `must hold at most ${MAX_BATCH} events`),
});

export async function createRouter(options: {
  health: HealthService;
  ingest: IngestService;
  httpAuth: HttpAuthService;
  httpIngestEnabled: boolean;
}): Promise<express.Router> {
  const { health, ingest, httpAuth } = options;
  const router = Router();
  router.use(express.json({ limit: '5mb' }));

  // Unauthenticated (see plugin.ts): load balancers and the status page poll it.
  router.get('/health', async (_req, res) => {
    const report = await health.report();
    res.status(report.status === 'down' ? 503 : 200).json(report);
  });

  // Agents, network adapters and gateways post batches with a service token.
  router.post('/events', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    if (!options.httpIngestEnabled) {
      throw new InputError(
        'HTTP ingest is turned off (mcpeeker.ingest.http.enabled: false): publish to NATS instead',
      );
    }
    const parsed = batchSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(
        `Invalid event batch: ${issue.path.join('.') || 'body'} ${
          issue.message
        }; expected { "events": [ ... ] }`,
      );
    }
    const result = await ingest.ingest(parsed.data.events, 'http');
    if (result.rejected.length === 0) {
      res.status(202).json(result);
      return;
    }
    // A partial success: the valid events are stored, and the sender learns
    // exactly which items were wrong and why. Shaped like Backstage's error
    // responses so generic clients still find `error.message`.
    const first = result.rejected[0];
    res.status(400).json({
      error: {
        name: 'InputError',
        message: `${result.rejected.length} of ${
          parsed.data.events.length
        } events are invalid (first: item ${first.index}, ${first.issues
          .map(i => `${i.field || 'event'}: ${i.message}`)
          .join('; ')}); the ${
          result.accepted + result.duplicates
        } valid ones were kept`,
      },
      ...result,
    });
  });

  return router;
}
