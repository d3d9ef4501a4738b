import { HttpAuthService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import type { JudgeService } from '../services/judge/JudgeService';
import { judgeInputOf, judgeInputSchema } from '../services/judge/judgeInput';
import { parseOr400 } from './parseOr400';
import { RouteRateLimiter, RouteRateLimits } from './rateLimits';

/**
 * `POST /judge/classify`: a verdict inline, for a gateway that wants one
 * before it forwards a request. Service credentials only (a gateway's static
 * token); the body is the request part of a gateway event. Answers the
 * verdict (and whether it came from the cache), or 503 while the Judge is
 * unavailable — the caller decides what a missing verdict means to it.
 */
export function createJudgeRouter(options: {
  judge: Pick<JudgeService, 'classify'>;
  httpAuth: HttpAuthService;
  rateLimits: RouteRateLimits;
}): express.Router {
  const router = Router();
  const limits = new RouteRateLimiter('judge', options.rateLimits);
  router.post('/judge/classify', async (req, res) => {
    limits.byAddress(req, res);
    await options.httpAuth.credentials(req, { allow: ['service'] });
    await limits.byCredential(req, res, options.httpAuth);
    const input = parseOr400(judgeInputSchema, req.body, 'classify request', {
      hint: 'expected { "toolNames": [...], "excerpt": "...", "mcpServers": [...] }',
    });
    const outcome = await options.judge.classify(judgeInputOf(input));
    if (!outcome.ok)
      throw new ServiceUnavailableError(
        `The Judge is unavailable: ${outcome.reason}`,
      );
    res.json({ ...outcome.verdict, cached: outcome.cached });
  });
  return router;
}
