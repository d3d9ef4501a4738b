import crypto from 'node:crypto';
import {
  AuditorService,
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { agentCredentials, createAgentsRouter } from './agentsRouter';
import { requireClientCertificate } from './agentListener';
import { createPreferencesRouter } from './preferencesRouter';
import { PreferencesStore } from '../database/PreferencesStore';
import { createCatalogRouter } from './catalogRouter';
import type { McpeekerContext } from '../context';
import { createAnalyticsRouter } from './analyticsRouter';
import { createDeadLettersRouter } from './deadLettersRouter';
import { internalErrorFilter } from './internalErrors';
import { createMcpRegistryApiRouter } from './mcpRegistryApiRouter';
import { createRegistryRouter } from './registryRouter';
import { requestGuards } from './requestGuards';
import { createRouter } from './findingsRouter';
import { createJudgeRouter } from './judgeRouter';
import { createTriageRouter } from './triageRouter';
import { catalogTeamMembers } from '../services/teamMembers';
import { HealthService } from '../services/HealthService';
import { ToolChangeLog } from '../services/toolPins';

/** The largest JSON body each path takes: event batches are large, everything else is a form. */
export function bodyLimitOf(path: string): string {
  return path === '/events' ? '5mb' : '64kb';
}

/**
 * The plugin's one router: one body parser and the request guards in front,
 * then every sub-router (ingest and findings, registry, the MCP Registry
 * API, catalog, preferences, agents, analytics), then the error filter that keeps
 * internals out of error bodies.
 */
export async function createRootRouter(
  context: McpeekerContext,
  services: {
    httpAuth: HttpAuthService;
    auth: AuthService;
    permissions: PermissionsService;
    catalog: CatalogService;
    auditor: AuditorService;
    health: HealthService;
    preferences: PreferencesStore;
    onRegistryChange: Parameters<typeof createRegistryRouter>[0]['onChange'];
  },
): Promise<express.Router> {
  const { config, registry, findings, audit, db, cursors, agents } = context;
  const { httpAuth, auth, permissions, catalog, auditor } = services;
  const router = Router();
  router.use(requireClientCertificate(config.ingest.http.mtls));
  router.use(requestGuards({ bodyLimit: bodyLimitOf }));
  router.use(
    await createRouter({
      health: services.health,
      ingest: context.ingest,
      findings,
      permissions,
      httpAuth,
      httpIngestEnabled: config.ingest.http.enabled,
      agentOf: agentCredentials(agents),
      cursors,
      ingestRateLimits: config.rateLimits.ingest,
      toolChanges: new ToolChangeLog(db),
      auditor,
      registryRouter: createRegistryRouter({
        registry,
        findings,
        audit,
        db,
        httpAuth,
        auth,
        permissions,
        catalog,
        cursors,
        auditor,
        onChange: services.onRegistryChange,
      }),
    }),
  );
  router.use(
    createMcpRegistryApiRouter({
      registry,
      cursors,
      httpAuth,
      rateLimits: config.rateLimits.registryApi,
      allowUnauthenticated: config.registryApi.allowUnauthenticated,
      agentOf: agentCredentials(agents),
    }),
  );
  router.use(
    createCatalogRouter({
      registry,
      findings,
      httpAuth,
      nameKey: crypto
        .createHmac('sha256', config.auditKey)
        .update('mcpeeker-catalog-names')
        .digest('hex'),
    }),
  );
  router.use(
    createPreferencesRouter({ preferences: services.preferences, httpAuth }),
  );
  router.use(
    createAgentsRouter({
      agents,
      hostOwners: context.hostOwners,
      hosts: context.hosts,
      httpAuth,
      auth,
      permissions,
      catalog,
      auditor,
    }),
  );
  router.use(
    createDeadLettersRouter({
      deadLetters: context.deadLetters,
      httpAuth,
      permissions,
    }),
  );
  router.use(
    createJudgeRouter({
      judge: context.judge,
      httpAuth,
      rateLimits: context.config.rateLimits.ingest,
    }),
  );
  router.use(createAnalyticsRouter({ findings, httpAuth, permissions }));
  router.use(
    createTriageRouter({
      triage: context.triage,
      findings,
      history: context.history,
      registry,
      audit,
      db,
      toolChanges: new ToolChangeLog(db),
      httpAuth,
      auth,
      permissions,
      catalog,
      teamMembers: catalogTeamMembers({ catalog, auth }),
      auditor,
    }),
  );
  router.use(internalErrorFilter({ logger: context.logger }));
  return router;
}
