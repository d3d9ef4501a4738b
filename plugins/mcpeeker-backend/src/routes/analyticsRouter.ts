import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  mcpeekerFeedbackCreatePermission,
  TREND_BUCKETS,
  TRENDLINE_MAX_DAYS,
  TrendBucket,
} from '@mcpeeker/plugin-mcpeeker-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { FindingStore } from '../database/FindingStore';
import { findingReadScope } from '../permissions/conditions';
import { parseOr400 } from './parseOr400';
import { checkRange } from './queryParameters';

const DAY = 86_400_000;

/** A trendline covers the last 30 days unless asked otherwise (14 with hours: their longest range). */
const DEFAULT_TREND_DAYS = 30;

const trendQuerySchema = z
  .object({
    bucket: z.enum(TREND_BUCKETS).default('day'),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/** The range a trendline query asks for, checked: a 400 names the parameter. */
function trendRangeOf(
  q: z.infer<typeof trendQuerySchema>,
  now: Date,
): { bucket: TrendBucket; since: Date; until: Date } {
  const until = q.until ? new Date(q.until) : now;
  const maxDays = TRENDLINE_MAX_DAYS[q.bucket];
  const since = q.since
    ? new Date(q.since)
    : new Date(until.getTime() - Math.min(DEFAULT_TREND_DAYS, maxDays) * DAY);
  // The format is checked; a date that does not exist (February 30) is not.
  for (const [name, date] of [
    ['since', since],
    ['until', until],
  ] as const)
    if (Number.isNaN(date.getTime()))
      throw new InputError(`Invalid query: ${name} is not a date`);
  checkRange(
    { name: 'since', value: since },
    { name: 'until', value: until },
    { strict: true },
  );
  if (until.getTime() - since.getTime() > maxDays * DAY)
    throw new InputError(
      `Invalid query: since must be at most ${maxDays} days before until with bucket=${q.bucket} (hour: ${TRENDLINE_MAX_DAYS.hour} days, day: ${TRENDLINE_MAX_DAYS.day}, week: ${TRENDLINE_MAX_DAYS.week})`,
    );
  return { bucket: q.bucket, since, until };
}

/**
 * The dashboard's analytics: `GET /analytics/summary`,
 * `/analytics/score-distribution` and `/analytics/trendlines`. Each counts
 * the findings the caller may read, decided as for `GET /findings`
 * (`findingReadScope`): a developer's own, in the query; analysts' and
 * admins' the fleet. The summary says which (`scope`), and holds the
 * feedback backlog only for those who may give feedback.
 */
export function createAnalyticsRouter(options: {
  findings: FindingStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): express.Router {
  const { findings, httpAuth, permissions } = options;
  const router = Router();

  // People only: the agents' service token sends events, it reads nothing.
  const credentialsOf = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });
  const scopeOf = async (req: express.Request) =>
    findingReadScope(permissions, await credentialsOf(req));
  const noParameters = z.object({}).strict();

  router.get('/analytics/summary', async (req, res) => {
    const credentials = await credentialsOf(req);
    const scope = await findingReadScope(permissions, credentials);
    parseOr400(noParameters, req.query, 'query');
    const [feedback] = await permissions.authorize(
      [{ permission: mcpeekerFeedbackCreatePermission }],
      { credentials },
    );
    res.json(
      await findings.analyticsSummary(scope, new Date(), {
        feedbackBacklog: feedback.result === AuthorizeResult.ALLOW,
      }),
    );
  });

  router.get('/analytics/score-distribution', async (req, res) => {
    const scope = await scopeOf(req);
    parseOr400(noParameters, req.query, 'query');
    res.json(await findings.scoreDistribution(scope));
  });

  router.get('/analytics/trendlines', async (req, res) => {
    const scope = await scopeOf(req);
    const range = trendRangeOf(
      parseOr400(trendQuerySchema, req.query, 'query'),
      new Date(),
    );
    res.json(await findings.trendlines({ ...scope, ...range }));
  });

  return router;
}
