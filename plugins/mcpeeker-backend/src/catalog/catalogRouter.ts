import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { stringifyEntityRef } from '@backstage/catalog-model';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { FindingStore } from '../database/FindingStore';
import { parseOr400 } from '../parseOr400';
import type { RegistryStore } from '../registry/RegistryStore';
import { buildCatalogEntities } from './catalogEntities';

/** Most server names a full reconcile turns into entities. */
export const MAX_CATALOG_SERVERS = 5000;

/**
 * `GET /catalog/entities` for the catalog module's entity provider (the
 * catalog plugin's own service token only): every MCPServer entity, or with
 * `?entry=<id>` the one for a registry entry (and, once deleted, its ref to
 * remove) for delta updates.
 */
export function createCatalogRouter(options: {
  registry: RegistryStore;
  findings: FindingStore;
  httpAuth: HttpAuthService;
}): express.Router {
  const router = Router();
  router.get('/catalog/entities', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['service'],
    });
    if (credentials.principal.subject !== 'plugin:catalog')
      throw new NotAllowedError('Only the catalog reads MCPServer entities');
    const q = parseOr400(
      z.object({ entry: z.string().max(64).optional() }).strict(),
      req.query,
      'query',
    );
    const summaries = await options.findings.summarizeServers(
      MAX_CATALOG_SERVERS,
    );
    if (!q.entry) {
      res.json({
        entities: buildCatalogEntities(
          await options.registry.allEntries(),
          summaries,
        ),
      });
      return;
    }
    const found = await options.registry.getAny(q.entry);
    if (!found) {
      res.json({ entities: [], removed: [] });
      return;
    }
    const [entity] = buildCatalogEntities([found.entry], summaries);
    res.json(
      found.deleted
        ? {
            entities: [],
            removed: [
              stringifyEntityRef({
                kind: entity.kind,
                namespace: entity.metadata.namespace,
                name: entity.metadata.name,
              }),
            ],
          }
        : { entities: [entity], removed: [] },
    );
  });
  return router;
}
