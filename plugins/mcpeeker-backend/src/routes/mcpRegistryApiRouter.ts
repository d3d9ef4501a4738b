import { NotFoundError } from '@backstage/errors';
import type {
  RegistryEntry,
  RegistryEntryCreate,
  ServerJson,
} from '@mcpeeker/plugin-mcpeeker-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseOr400 } from './parseOr400';
import { PageCursors } from './pageCursors';
import { RouteRateLimiter, RouteRateLimits } from './rateLimits';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { RegistryStore } from '../database/RegistryStore';

const TRANSPORTS: Record<string, RegistryEntryCreate['transport']> = {
  stdio: 'stdio',
  'streamable-http': 'http',
  sse: 'sse',
};

const isHttpUrl = (url: string) => /^https?:\/\/[^\s{}]+$/.test(url);

/** A registration from an official server.json: its name, what identifies it, how it talks. */
export function registrationFromServerJson(input: {
  serverJson: ServerJson;
  team: string;
  owner?: string;
  purpose?: string;
  expiresAt: string;
}): RegistryEntryCreate {
  const { serverJson } = input;
  const pkg = serverJson.packages?.[0];
  const remote = serverJson.remotes?.find(r => isHttpUrl(r.url));
  return {
    name: serverJson.name,
    team: input.team,
    ...(input.owner ? { owner: input.owner } : {}),
    purpose: input.purpose ?? serverJson.description,
    expiresAt: input.expiresAt,
    transport: pkg
      ? TRANSPORTS[pkg.transport.type]
      : TRANSPORTS[remote?.type ?? 'streamable-http'],
    identity: {
      ...(pkg
        ? {
            packageId: pkg.identifier,
            packageVersion: pkg.version ?? serverJson.version,
          }
        : {}),
      ...(remote ? { remoteUrl: remote.url } : {}),
    },
    serverJson,
  };
}

/** The reverse-DNS name the MCP Registry API wants, for an entry registered without server.json. */
function registryName(entry: RegistryEntry) {
  if (entry.serverJson) return entry.serverJson.name;
  if (
    entry.name.includes('/') &&
    /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/.test(entry.name)
  )
    return entry.name;
  const team = entry.team
    .split('/')
    .pop()!
    .replace(/[^a-zA-Z0-9.-]/g, '-');
  return `io.mcpeeker.${team}/${entry.name.replace(/[^a-zA-Z0-9._-]/g, '-')}`;
}

/** An approved entry as an MCP Registry API v0.1 ServerResponse. */
export function toServerResponse(entry: RegistryEntry, isLatest: boolean) {
  const server: Record<string, unknown> = entry.serverJson
    ? { ...entry.serverJson }
    : {
        name: registryName(entry),
        description: entry.purpose.slice(0, 100),
        title: entry.name.slice(0, 100),
        version: entry.identity.packageVersion ?? '0.0.0',
        ...(entry.identity.packageId
          ? {
              packages: [
                {
                  registryType: entry.identity.packageId.startsWith('oci:')
                    ? 'oci'
                    : 'npm',
                  identifier: entry.identity.packageId.replace(/^oci:/, ''),
                  ...(entry.identity.packageVersion
                    ? { version: entry.identity.packageVersion }
                    : {}),
                  transport: { type: 'stdio' },
                },
              ],
            }
          : {}),
        ...(entry.identity.remoteUrl
          ? {
              remotes: [
                {
                  type: entry.transport === 'sse' ? 'sse' : 'streamable-http',
                  url: entry.identity.remoteUrl,
                },
              ],
            }
          : {}),
      };
  return {
    server,
    _meta: {
      'io.modelcontextprotocol.registry/official': {
        status: 'active',
        publishedAt: entry.decidedAt ?? entry.createdAt,
        updatedAt: entry.updatedAt,
        isLatest,
      },
      'io.mcpeeker/registry': {
        entryId: entry.id,
        owner: entry.owner,
        team: entry.team,
        expiresAt: entry.expiresAt,
      },
    },
  };
}

const listSchema = z
  .object({
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(30),
    search: z.string().max(200).optional(),
    version: z.string().max(255).optional(),
    updated_since: z.iso.datetime({ offset: true }).optional(),
    include_deleted: z.enum(['true', 'false']).optional(),
  })
  .strict();

/**
 * A read-only MCP Registry API (v0.1) of the approved, unexpired entries, at
 * `/api/mcpeeker/v0.1/servers`, so client allowlists (GitHub Copilot's
 * registry policy, Claude Code's managed settings) can point at the portal.
 */
export function createMcpRegistryApiRouter(options: {
  registry: RegistryStore;
  /** The codec of every paged route's cursor. */
  cursors: PageCursors;
  httpAuth: HttpAuthService;
  rateLimits: RouteRateLimits;
}): express.Router {
  const router = Router();
  const limits = new RouteRateLimiter('registryApi', options.rateLimits);
  // Often open to anyone (allowUnauthenticated): limited by address, and by credential when there is one.
  router.use('/v0.1', async (req, res, next) => {
    limits.byAddress(req, res);
    await limits.byCredential(req, res, options.httpAuth);
    next();
  });

  async function servers() {
    const byName = new Map<string, RegistryEntry[]>();
    for (const entry of await options.registry.approvedEntries()) {
      const name = registryName(entry);
      byName.set(name, [...(byName.get(name) ?? []), entry]);
    }
    // Newest decision last: that version is the latest.
    return [...byName.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  router.get('/v0.1/servers', async (req, res) => {
    const { limit, cursor, ...q } = parseOr400(listSchema, req.query, 'query');
    const offset = options.cursors.decode('v0.1/servers', q, cursor);
    let items = (await servers()).flatMap(([name, versions]) =>
      versions.map((entry, i) => ({
        name,
        entry,
        isLatest: i === versions.length - 1,
      })),
    );
    if (q.search)
      items = items.filter(i =>
        i.name.toLowerCase().includes(q.search!.toLowerCase()),
      );
    if (q.version === 'latest') items = items.filter(i => i.isLatest);
    else if (q.version)
      items = items.filter(
        i => toServerResponse(i.entry, i.isLatest).server.version === q.version,
      );
    if (q.updated_since)
      items = items.filter(
        i => i.entry.updatedAt >= new Date(q.updated_since!).toISOString(),
      );
    const page = items.slice(offset, offset + limit);
    const nextCursor =
      offset + limit < items.length
        ? options.cursors.encode('v0.1/servers', q, offset + limit)
        : undefined;
    res.json({
      servers: page.map(i => toServerResponse(i.entry, i.isLatest)),
      metadata: {
        count: page.length,
        ...(nextCursor ? { nextCursor } : {}),
      },
    });
  });

  async function versionsOf(name: string) {
    const found = (await servers()).find(([n]) => n === name);
    if (!found) throw new NotFoundError('Server not found');
    return found[1].map((entry, i, all) =>
      toServerResponse(entry, i === all.length - 1),
    );
  }

  router.get('/v0.1/servers/:name/versions', async (req, res) => {
    const versions = await versionsOf(req.params.name);
    res.json({
      servers: [...versions].reverse(),
      metadata: { count: versions.length },
    });
  });

  router.get('/v0.1/servers/:name/versions/:version', async (req, res) => {
    const versions = await versionsOf(req.params.name);
    const found =
      req.params.version === 'latest'
        ? versions.at(-1)
        : versions.find(v => v.server.version === req.params.version);
    if (!found) throw new NotFoundError('Server version not found');
    res.json(found);
  });

  return router;
}
