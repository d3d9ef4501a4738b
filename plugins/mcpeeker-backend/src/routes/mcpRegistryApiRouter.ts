import {
  registeredPackage,
  type RegistryEntry,
  type RegistryEntryCreate,
  type ServerJson,
} from '@mcpeeker/plugin-mcpeeker-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseOr400 } from './parseOr400';
import { PageCursors } from './pageCursors';
import { RouteRateLimiter, RouteRateLimits } from './rateLimits';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { RegistryStore } from '../database/RegistryStore';
import type { IngestingAgent } from '../services/IngestService';
import { withoutSecrets } from '../services/registryApiSecrets';

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

/** A server name as the v0.1 specification has it: reverse-DNS, one slash. */
const SERVER_NAME = /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/;

/** The reverse-DNS name the MCP Registry API wants, for an entry registered without server.json. */
function registryName(entry: RegistryEntry) {
  if (entry.serverJson) return entry.serverJson.name;
  if (SERVER_NAME.test(entry.name)) return entry.name;
  const team = entry.team
    .split('/')
    .pop()!
    .replace(/[^a-zA-Z0-9.-]/g, '-');
  const namespace = `io.mcpeeker.${team}`;
  // The specification's 200 characters at most.
  return `${namespace}/${entry.name
    .replace(/[^a-zA-Z0-9._-]/g, '-')
    .slice(0, 199 - namespace.length)}`;
}

/** A URL as served to anyone who asks: never with the credentials a registration may have carried in it. */
function withoutCredentials(url: string) {
  return url.replace(/^(https?:\/\/)[^/?#@]*@/i, '$1');
}

/** An approved entry as an MCP Registry API v0.1 ServerResponse. */
export function toServerResponse(entry: RegistryEntry, isLatest: boolean) {
  const remoteUrl =
    entry.identity.remoteUrl && withoutCredentials(entry.identity.remoteUrl);
  const pkg = registeredPackage(entry.identity);
  const server: Record<string, unknown> = entry.serverJson
    ? { ...entry.serverJson }
    : {
        name: registryName(entry),
        description: entry.purpose.slice(0, 100),
        title: entry.name.slice(0, 100),
        version: entry.identity.packageVersion ?? '0.0.0',
        ...(pkg ? { packages: [pkg] } : {}),
        ...(remoteUrl
          ? {
              remotes: [
                {
                  type: entry.transport === 'sse' ? 'sse' : 'streamable-http',
                  url: remoteUrl,
                },
              ],
            }
          : {}),
      };
  return {
    // Often served to anyone: no secret an imported server.json carried.
    server: withoutSecrets(server),
    _meta: {
      'io.modelcontextprotocol.registry/official': {
        status: 'active',
        publishedAt: entry.decidedAt ?? entry.createdAt,
        updatedAt: entry.updatedAt,
        isLatest,
      },
      // Served to anyone the API is open to: which entry, until when; not whose.
      'io.mcpeeker/registry': {
        entryId: entry.id,
        expiresAt: entry.expiresAt,
      },
    },
  };
}

/**
 * An RFC 3339 time as clients send it: in either case (RFC 3339 allows `t`
 * and `z`), its offset's `+` sent unencoded, which a query decodes to a space.
 */
function rfc3339(value: unknown) {
  if (typeof value !== 'string') return value;
  return value.toUpperCase().replace(/ (?=\d\d:\d\d$)/, '+');
}

const listSchema = z
  .object({
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(30),
    search: z.string().max(200).optional(),
    version: z.string().max(255).optional(),
    updated_since: z
      .preprocess(rfc3339, z.iso.datetime({ offset: true }))
      .optional(),
    include_deleted: z.enum(['true', 'false']).optional(),
  })
  .strict();

const oneServerSchema = z
  .object({ include_deleted: z.enum(['true', 'false']).optional() })
  .strict();

/** The list the v0.1 cursors belong to. */
const LIST = 'v0.1/servers';
/** How much of a server's name a cursor keeps. */
const CURSOR_NAME_LENGTH = 80;

/**
 * A read-only MCP Registry API (v0.1) of the approved, unexpired entries, at
 * `/api/mcpeeker/v0.1/servers`, so client allowlists (GitHub Copilot's
 * registry policy, Claude Code's managed settings) can point at the portal.
 * Every answer follows the official registry's OpenAPI document
 * (`__fixtures__/mcp-registry-openapi.yaml`, checked by
 * mcpRegistryApiRouter.test.ts), its 404 body (`{ "error": "…" }`) too.
 */
export function createMcpRegistryApiRouter(options: {
  registry: RegistryStore;
  /** The codec of every paged route's cursor. */
  cursors: PageCursors;
  httpAuth: HttpAuthService;
  rateLimits: RouteRateLimits;
  /** Served to anyone (`mcpeeker.registryApi.allowUnauthenticated`); else to users, services and enrolled agents. */
  allowUnauthenticated?: boolean;
  /**
   * The enrolled agent whose credential a request carries (a 401 for an
   * unknown or revoked one): `mcpeeker-agent policy` reads the approved
   * servers with the agent's own enrolment, as it reports with it.
   */
  agentOf?: (req: express.Request) => Promise<IngestingAgent | undefined>;
}): express.Router {
  const router = Router();
  const limits = new RouteRateLimiter('registryApi', options.rateLimits);
  // Often open to anyone (allowUnauthenticated): limited by address, and by credential when there is one.
  router.use('/v0.1', async (req, res, next) => {
    // GitHub Copilot asks for these CORS headers on every /v0.1/servers
    // answer. An origin the portal's backend.cors allows keeps its own.
    if (!res.getHeader('Access-Control-Allow-Origin'))
      res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Methods', 'GET, OPTIONS');
    res.setHeader(
      'Access-Control-Allow-Headers',
      'Authorization, Content-Type',
    );
    limits.byAddress(req, res);
    await limits.byCredential(req, res, options.httpAuth);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    // Backstage lets every request through here (plugin.ts): who may read
    // is decided now. The routes below only read approved entries.
    if (!options.allowUnauthenticated) {
      const agent = await options.agentOf?.(req);
      if (agent) limits.byKey(`agent:${agent.id}`, res);
      else
        await options.httpAuth.credentials(req, {
          allow: ['user', 'service'],
        });
    }
    next();
  });

  async function servers() {
    const byName = new Map<string, RegistryEntry[]>();
    for (const entry of await options.registry.approvedEntries()) {
      const name = registryName(entry);
      byName.set(name, [...(byName.get(name) ?? []), entry]);
    }
    // Newest registration last: that version is the latest.
    return [...byName.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  router.get('/v0.1/servers', async (req, res) => {
    const { limit, cursor, ...q } = parseOr400(listSchema, req.query, 'query');
    const all = (await servers())
      .flatMap(([name, versions]) =>
        versions.map((entry, i) => ({
          name,
          entry,
          isLatest: i === versions.length - 1,
        })),
      )
      .map((item, rank) => ({ ...item, rank }));
    let items = all;
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
    let start = 0;
    if (cursor !== undefined) {
      // After the item the last page ended with, in the unfiltered order, so
      // that a client changing the filters between pages goes on from there;
      // if that item is gone, after its name.
      const after = options.cursors.decodeAfter(LIST, cursor);
      const cut = after.indexOf('\n');
      const [entryId, name] = [after.slice(0, cut), after.slice(cut + 1)];
      const at = all.findIndex(i => i.entry.id === entryId);
      start = items.findIndex(i =>
        at >= 0 ? i.rank > at : i.name.localeCompare(name) > 0,
      );
      if (start < 0) start = items.length;
    }
    const page = items.slice(start, start + limit);
    const last = page.at(-1);
    const nextCursor =
      last && start + limit < items.length
        ? options.cursors.encodeAfter(
            LIST,
            // The entry, and enough of its name to go on after it should it
            // go: a cursor stays short (clients keep it within 200 characters).
            `${last.entry.id}\n${last.name.slice(0, CURSOR_NAME_LENGTH)}`,
          )
        : undefined;
    res.json({
      servers: page.map(i => toServerResponse(i.entry, i.isLatest)),
      metadata: {
        count: page.length,
        ...(nextCursor ? { nextCursor } : {}),
      },
    });
  });

  /** The versions of a server, oldest first; undefined when nothing approved has that name. */
  async function versionsOf(name: string) {
    const found = (await servers()).find(([n]) => n === name);
    return found?.[1].map((entry, i, all) =>
      toServerResponse(entry, i === all.length - 1),
    );
  }

  // The specification's 404 body is `{ "error": "…" }`: not Backstage's
  // error shape, so written here. An unapproved name is not found either.
  const notFound = (res: express.Response, error: string) =>
    res.status(404).json({ error });

  async function listVersions(
    req: express.Request,
    res: express.Response,
    name: string,
  ) {
    parseOr400(oneServerSchema, req.query, 'query');
    const versions = await versionsOf(name);
    if (!versions) {
      notFound(res, 'Server not found');
      return;
    }
    res.json({
      servers: [...versions].reverse(),
      metadata: { count: versions.length },
    });
  }

  async function getVersion(
    req: express.Request,
    res: express.Response,
    name: string,
    version: string,
  ) {
    parseOr400(oneServerSchema, req.query, 'query');
    const versions = await versionsOf(name);
    if (!versions) {
      notFound(res, 'Server not found');
      return;
    }
    const found =
      version === 'latest'
        ? versions.at(-1)
        : [...versions].reverse().find(v => v.server.version === version);
    if (!found) {
      notFound(res, 'Server version not found');
      return;
    }
    res.json(found);
  }

  // The name URL-encoded, as the specification says (`io.github.acme%2Fweather`)…
  router.get('/v0.1/servers/:name/versions', (req, res) =>
    listVersions(req, res, req.params.name),
  );
  router.get('/v0.1/servers/:name/versions/:version', (req, res) =>
    getVersion(req, res, req.params.name, req.params.version),
  );
  // …or with its slash as is, as some clients send it.
  router.get('/v0.1/servers/:namespace/:server/versions', (req, res) =>
    listVersions(req, res, `${req.params.namespace}/${req.params.server}`),
  );
  router.get('/v0.1/servers/:namespace/:server/versions/:version', (req, res) =>
    getVersion(
      req,
      res,
      `${req.params.namespace}/${req.params.server}`,
      req.params.version,
    ),
  );

  return router;
}
