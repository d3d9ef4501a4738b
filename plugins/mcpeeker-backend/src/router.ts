import express from 'express';
import Router from 'express-promise-router';
import { HealthService } from './services/HealthService';

export async function createRouter(options: {
  health: HealthService;
}): Promise<express.Router> {
  const { health } = options;
  const router = Router();
  router.use(express.json({ limit: '5mb' }));

  // Unauthenticated (see plugin.ts): load balancers and the status page poll it.
  router.get('/health', async (_req, res) => {
    const report = await health.report();
    res.status(report.status === 'down' ? 503 : 200).json(report);
  });

  return router;
}
