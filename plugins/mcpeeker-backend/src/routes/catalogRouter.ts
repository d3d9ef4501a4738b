import { HttpAuthService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { stringifyEntityRef } from '@backstage/catalog-model';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { FindingStore } from '../database/FindingStore';
import { parseOr400 } from './parseOr400';
import type { RegistryStore } from '../database/RegistryStore';
import {
  buildCatalogEntities,
  registryEntityNames,
} from '../services/catalogEntities';

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
  /** Keys the opaque names of restricted entities (derived from the audit key). */
  nameKey: string;
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
          options.nameKey,
        ),
      });
      return;
    }
    const found = await options.registry.getAny(q.entry);
    if (!found) {
      res.json({ entities: [], removed: [] });
      return;
    }
    const [entity] = buildCatalogEntities(
      [found.entry],
      summaries,
      options.nameKey,
    );
    // An entry's entity changes its name when it opens to the organisation
    // (or closes again): the other name goes.
    const ref = (name: string) =>
      stringifyEntityRef({ kind: entity.kind, namespace: 'default', name });
    const names = Object.values(registryEntityNames(found.entry));
    res.json(
      found.deleted
        ? { entities: [], removed: names.map(ref) }
        : {
            entities: [entity],
            removed: names.filter(n => n !== entity.metadata.name).map(ref),
          },
    );
  });
  return router;
}
