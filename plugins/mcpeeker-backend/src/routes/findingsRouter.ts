import crypto from 'node:crypto';
import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AGENT_CREDENTIAL_HEADER,
  hostStatusSchema,
  mcpeekerFindingReadPermission,
} from '@mcpeeker/plugin-mcpeeker-common';
import { FindingStore } from '../database/FindingStore';
import { findingFilterOf, findingFilterSchema } from './findingFilterQuery';
import {
  EXPORT_FORMATS,
  EXPORT_WRITERS,
  ExportMeta,
} from '../services/findingExport';
import {
  authorizeItem,
  findingReadScope,
  ownerFilterOf,
} from '../permissions/conditions';
import { parseOr400 } from './parseOr400';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HealthService } from '../services/HealthService';
import { IngestingAgent, IngestService } from '../services/IngestService';
import { PageCursors } from './pageCursors';
import { RouteRateLimiter, RouteRateLimits } from './rateLimits';
import type { ToolChangeLog } from '../services/toolPins';

/** Most events one HTTP batch may carry. */
export const MAX_BATCH = 1000;

const batchSchema = z
  .object({
    events: z
      .array(z.unknown())
      .max(MAX_BATCH, `must hold at most ${MAX_BATCH} events`),
    /** The sending agent's host status: what its clients enforce, servers found or not. */
    host: hostStatusSchema.optional(),
  })
  .strict()
  .refine(batch => batch.events.length > 0 || batch.host, {
    path: ['events'],
    message: 'must hold at least one event (or come with a host status)',
  });

const findingQuerySchema = findingFilterSchema
  .extend({
    sort: z.enum(['score', 'lastSeen']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

/** An export takes the list's filters (not its paging or sort) and a format. */
const exportQuerySchema = findingFilterSchema
  .extend({ format: z.enum(EXPORT_FORMATS).default('json') })
  .strict();

export async function createRouter(options: {
  health: HealthService;
  ingest: IngestService;
  findings: FindingStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  httpIngestEnabled: boolean;
  /** The codec of every paged route's cursor. */
  cursors: PageCursors;
  /** Limits of `POST /events`. */
  ingestRateLimits: RouteRateLimits;
  /** The registry's routes, mounted after the JSON body parser. */
  registryRouter?: express.Router;
  /** The enrolled agent whose credential the request carries, if it carries one (401 when it is not valid). */
  agentOf?: (req: express.Request) => Promise<IngestingAgent | undefined>;
  /** Explanations of changed tool sets, shown on a finding whose tools changed since approval. */
  toolChanges?: Pick<ToolChangeLog, 'explanationFor'>;
  /** Backstage's auditor: every export is recorded (who, format, filters, how many). */
  auditor?: AuditorService;
}): Promise<express.Router> {
  const { health, ingest, httpAuth, findings, permissions, cursors } = options;

  /** Who may read findings: people only (the agents' service token sends events, it reads nothing). */
  async function findingReadFilter(
    req: express.Request,
  ): Promise<{ ownerRefs?: string[] }> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    return findingReadScope(permissions, credentials);
  }
  const router = Router();
  const ingestLimits = new RouteRateLimiter('ingest', options.ingestRateLimits);
  // Before the body is read: a flood costs as little as possible.
  router.post('/events', async (req, res, next) => {
    ingestLimits.byAddress(req, res);
    const agentCredential = req.get(AGENT_CREDENTIAL_HEADER);
    if (agentCredential)
      // Before it is looked up: keyed by its hash, a forged one only drains its own bucket.
      ingestLimits.byKey(
        `agent:${crypto
          .createHash('sha256')
          .update(agentCredential)
          .digest('hex')}`,
        res,
      );
    else await ingestLimits.byCredential(req, res, httpAuth);
    next();
  });

  // Unauthenticated (see plugin.ts): load balancers and the status page poll it.
  router.get('/health', async (_req, res) => {
    const report = await health.report();
    res.status(report.status === 'down' ? 503 : 200).json(report);
  });

  // Agents, network adapters and gateways post batches with a service token.
  // Or an enrolled agent with its own credential (header, see plugin.ts).
  router.post('/events', async (req, res) => {
    const agent = await options.agentOf?.(req);
    if (!agent) await httpAuth.credentials(req, { allow: ['service'] });
    if (!options.httpIngestEnabled) {
      throw new InputError(
        'HTTP ingest is turned off (mcpeeker.ingest.http.enabled: false): publish to NATS instead',
      );
    }
    const batch = parseOr400(batchSchema, req.body, 'event batch', {
      hint: 'expected { "events": [ ... ] }',
    });
    if (batch.host) await ingest.reportHost(batch.host, agent);
    const result =
      batch.events.length > 0
        ? await ingest.ingest(batch.events, 'http', { agent })
        : { accepted: 0, duplicates: 0, rejected: [], redactedValues: 0 };
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
          batch.events.length
        } events are invalid (first: item ${first.index}, ${first.issues
          .map(i => `${i.field || 'event'}: ${i.message}`)
          .join('; ')}); the ${
          result.accepted + result.duplicates
        } valid ones were kept`,
      },
      ...result,
    });
  });

  router.get('/findings', async (req, res) => {
    const { ownerRefs } = await findingReadFilter(req);
    const parsed = parseOr400(findingQuerySchema, req.query, 'query');
    // The filters and sort a cursor is tied to: everything but page size and the cursor.
    const { limit, cursor, ...q } = parsed;
    const { nextOffset, ...page } = await findings.list({
      ...findingFilterOf(q),
      sort: q.sort,
      limit,
      offset: cursors.decode('findings', q, cursor),
      ownerRefs,
    });
    const nextCursor =
      nextOffset !== undefined
        ? cursors.encode('findings', q, nextOffset)
        : undefined;
    res.json({ ...page, ...(nextCursor ? { nextCursor } : {}) });
  });

  // Every finding the filters select, streamed page by page as it is read:
  // JSON, CSV or SARIF, for a SIEM or a spreadsheet (docs/export.md).
  router.get('/findings/export', async (req, res) => {
    const { ownerRefs } = await findingReadFilter(req);
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { format, ...q } = parseOr400(exportQuerySchema, req.query, 'query');
    const writer = EXPORT_WRITERS[format];
    const meta: ExportMeta = {
      exportedAt: new Date().toISOString(),
      exportedBy: credentials.principal.userEntityRef,
      filters: q,
    };
    const audit = await options.auditor?.createEvent({
      eventId: 'findings-export',
      severityLevel: 'medium',
      request: req,
      meta: { format, filters: q },
    });
    const pages = findings
      .scan({ ...findingFilterOf(q), ownerRefs })
      [Symbol.asyncIterator]();
    // The first page before any byte is sent: a store that is down is still a 503.
    let next = await pages.next();
    res.status(200);
    res.setHeader('Content-Type', writer.contentType);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="mcpeeker-findings-${meta.exportedAt.slice(
        0,
        10,
      )}.${writer.extension}"`,
    );
    res.setHeader('Cache-Control', 'no-store');
    let count = 0;
    const write = async (chunk: string) => {
      if (chunk && !res.write(chunk))
        await new Promise<void>((resolve, reject) => {
          res.once('drain', resolve);
          res.once('close', () =>
            reject(new Error('export: client went away')),
          );
        });
    };
    try {
      await write(writer.head(meta));
      while (!next.done) {
        await write(writer.page(next.value, count === 0));
        count += next.value.length;
        next = await pages.next();
      }
      await write(writer.tail(meta, count));
      res.end();
      await audit?.success({ meta: { count } });
    } catch (error) {
      // Headers are gone: the only honest signal left is a broken transfer
      // (the JSON and SARIF tails, which say "complete", are never written).
      await pages.return?.(undefined);
      res.destroy();
      await audit?.fail({ error: error as Error, meta: { count } });
    }
  });

  router.get('/findings/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const notFound = `No finding ${req.params.id}`;
    // Someone else's finding is as absent as one that does not exist.
    const decision = await authorizeItem(
      permissions,
      credentials,
      {
        permission: mcpeekerFindingReadPermission,
        resourceRef: req.params.id,
      },
      { notAllowed: 'You may not read MCP findings', notFound },
    );
    // A shared host's endpoint (and gateway) evidence, and its risk facts, are each owner's own.
    const visibleTo =
      decision.result === AuthorizeResult.CONDITIONAL
        ? ownerFilterOf(decision)
        : {};
    const finding = await findings.get(req.params.id, visibleTo);
    if (!finding) throw new NotFoundError(notFound);
    const [evidence, detections, toolChangeExplanation] = await Promise.all([
      findings.evidence(finding.compositeId, 20, visibleTo),
      findings.detections(finding.compositeId),
      options.toolChanges?.explanationFor(finding),
    ]);
    res.json({
      ...finding,
      evidence,
      detections,
      ...(toolChangeExplanation ? { toolChangeExplanation } : {}),
    });
  });

  if (options.registryRouter) router.use(options.registryRouter);
  return router;
}
