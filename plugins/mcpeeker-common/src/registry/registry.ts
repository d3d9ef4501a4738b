import { z } from 'zod';
import type { PermissionCondition } from '@backstage/plugin-permission-common';
import { COMPOSITE_ID_PATTERN } from '../identity/compositeId';
import { OWNER_REF_PATTERN } from '../identity/entityRefs';
import { ServerJson, serverJsonSchema } from './serverJson';
import { serverUrlSchema } from './serverUrl';
import type { ToolRef } from '../identity/toolSet';
import { RISK_KIND_IDS, RiskKind } from '../risk/risk';

/** Longest time an entry may be approved for, from today. @public */
export const MAX_REGISTRY_DAYS = 365;

/** Where an entry stands. @public */
export const REGISTRY_STATUSES = [
  'pending',
  'approved',
  'denied',
  'revoked',
  'expired',
] as const;
/** @public */
export type RegistryStatus = (typeof REGISTRY_STATUSES)[number];

const entityRef = z
  .string()
  .regex(
    OWNER_REF_PATTERN,
    'must be an entity ref such as user:default/dana or group:default/team-a',
  );

/** A host id as every layer reports it: the salted hash, 64 lowercase hex. @public */
export const hostIdHashSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a host id hash (64 hex)');

const PORT_RULE = 'must be a port number from 1 to 65535';

/**
 * A package's version as a registration names it: what a command pins
 * (`1.2.3`, `v2`, `2025.1.0-rc.1`, `1.0.0+build.5`), never a range, a
 * command or anything else a person might paste into the field.
 *
 * @public
 */
export const packageVersionSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._+-]*$/,
    'must be a version such as 1.2.3: letters, digits and . _ + - only, starting with a letter or digit',
  );

/** What identifies the server; any of these, at least one. @public */
export const registryIdentitySchema = z
  .object({
    hostIdHash: hostIdHashSchema.optional(),
    port: z
      .number({ error: PORT_RULE })
      .int(PORT_RULE)
      .min(1, PORT_RULE)
      .max(65535, PORT_RULE)
      .optional(),
    packageId: z
      .string()
      .min(1, 'must not be empty')
      .max(214, 'must be at most 214 characters')
      .optional(),
    packageVersion: packageVersionSchema.optional(),
    remoteUrl: serverUrlSchema.optional(),
    commandSignature: z
      .string()
      .min(1, 'must not be empty')
      .max(512, 'must be at most 512 characters')
      .optional(),
    /**
     * The arguments after the package in the command its finding ran
     * (`npx -y @scope/pkg /` → `['/']`), secrets redacted: what makes the
     * command enforcement allows exact.
     */
    packageArguments: z
      .array(
        z
          .string()
          .min(1, 'must not be empty')
          .max(512, 'must be at most 512 characters'),
      )
      .max(64, 'must be at most 64 arguments')
      .optional(),
    compositeId: z
      .string()
      .regex(COMPOSITE_ID_PATTERN, 'must be a composite id (mcp_ + 32 hex)')
      .optional(),
  })
  .strict()
  .refine(i => Object.values(i).some(v => v !== undefined), {
    message:
      'needs at least one of hostIdHash, port, packageId, remoteUrl, commandSignature, compositeId',
  })
  .refine(i => i.port === undefined || i.hostIdHash !== undefined, {
    message: 'port identifies a server only with hostIdHash',
    path: ['port'],
  })
  .refine(i => i.packageArguments === undefined || i.packageId !== undefined, {
    message: 'packageArguments are the arguments of a package: give packageId',
    path: ['packageArguments'],
  });
/** @public */
export type RegistryIdentity = z.infer<typeof registryIdentitySchema>;

const purpose = z
  .string()
  .trim()
  .min(10, 'must be at least 10 characters')
  .max(1024, 'must be at most 1024 characters');
const expiresAt = z.iso.datetime({
  offset: true,
  error: 'must be a date and time such as 2026-11-21T10:00:00Z',
});

/** Why a stdio registration that names only a remote URL is refused. */
const STDIO_WITHOUT_COMMAND =
  'stdio runs a command on the host: give its package, or choose Streamable HTTP or SSE for a server at a remote URL';

/**
 * A stdio server is a command its client runs on the host: a registration
 * that says stdio names what it runs (its package, its command, or the
 * finding it was seen as), never only a remote URL, which is a server
 * reached over HTTP (Streamable HTTP or SSE). With a package, a remote URL
 * may come too (a server.json that publishes both).
 */
function stdioRunsSomething(r: {
  transport: string;
  identity: RegistryIdentity;
}): boolean {
  if (r.transport !== 'stdio' || !r.identity.remoteUrl) return true;
  const { packageId, commandSignature, compositeId } = r.identity;
  return !!(packageId || commandSignature || compositeId);
}

/** A registration as a developer submits it. @public */
export const registryEntryCreateSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(128, 'must be at most 128 characters')
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._/@-]*$/,
        'must start with a letter or digit and hold only letters, digits, . _ / @ -',
      ),
    owner: entityRef.optional(),
    team: entityRef,
    purpose,
    identity: registryIdentitySchema,
    transport: z.enum(['stdio', 'http', 'sse'], {
      error: 'must be stdio, http (Streamable HTTP) or sse',
    }),
    expiresAt,
    fromFinding: z
      .string()
      .regex(COMPOSITE_ID_PATTERN, 'must be a composite id (mcp_ + 32 hex)')
      .optional(),
    /** The server's official server.json, served by the MCP Registry API view. */
    serverJson: serverJsonSchema.optional(),
  })
  .strict()
  .refine(stdioRunsSomething, {
    message: STDIO_WITHOUT_COMMAND,
    path: ['transport'],
  });

/** Importing an official server.json: the registry's own fields come with it. @public */
export const registryImportSchema = z
  .object({
    serverJson: serverJsonSchema,
    team: entityRef,
    owner: entityRef.optional(),
    /** Defaults to the server.json description. */
    purpose: purpose.optional(),
    expiresAt,
  })
  .strict();
/** @public */
export type RegistryEntryCreate = z.infer<typeof registryEntryCreateSchema>;

/** What an owner may change: purpose, expiry (renewing it, at most 365 days ahead) and team. @public */
export const registryEntryUpdateSchema = z
  .object({
    purpose: purpose.optional(),
    expiresAt: expiresAt.optional(),
    team: entityRef.optional(),
  })
  .strict()
  .refine(
    u =>
      u.purpose !== undefined ||
      u.expiresAt !== undefined ||
      u.team !== undefined,
    { message: 'nothing to change: give purpose, expiresAt or team' },
  );
/** @public */
export type RegistryEntryUpdate = z.infer<typeof registryEntryUpdateSchema>;

/**
 * `POST /registry/:id/renew`: a new expiry for an entry that ran out (at
 * most 365 days ahead) and, optionally, why it is still needed. Its owner's
 * renewal goes back to the admins for approval; an admin's approves it.
 *
 * @public
 */
export const registryRenewalSchema = z
  .object({
    expiresAt,
    reason: z
      .string()
      .trim()
      .max(1024, 'must be at most 1024 characters')
      .optional(),
  })
  .strict();
/** @public */
export type RegistryRenewal = z.infer<typeof registryRenewalSchema>;

/**
 * Whether an entry ran out: expired, or pending or approved past its date
 * before the expiry job marked it. Such an entry is renewed (`POST
 * /registry/:id/renew`), never edited back to life.
 *
 * @public
 */
export function hasLapsed(
  entry: Pick<RegistryEntry, 'status' | 'expiresAt'>,
  now = new Date(),
): boolean {
  if (entry.status === 'expired') return true;
  return (
    (entry.status === 'pending' || entry.status === 'approved') &&
    Date.parse(entry.expiresAt) <= now.getTime()
  );
}

/**
 * Whether an entry's approval stands now: approved and not lapsed. The one
 * decision behind the registry discount (−6), the MCP Registry API view,
 * accepting a risk and the catalog's open entity: an approved entry past its
 * date counts for nothing, before and after the expiry job marks it.
 *
 * @public
 */
export function approvalStands(
  entry: Pick<RegistryEntry, 'status' | 'expiresAt'>,
  now = new Date(),
): boolean {
  return standingStatus(entry, now) === 'approved';
}

/**
 * Where an entry stands now: its status, or `expired` once it lapsed (see
 * `hasLapsed`) even before the expiry job wrote that down. What a person is
 * shown and what the scoring counts.
 *
 * @public
 */
export function standingStatus(
  entry: Pick<RegistryEntry, 'status' | 'expiresAt'>,
  now = new Date(),
): RegistryStatus {
  return hasLapsed(entry, now) ? 'expired' : entry.status;
}

/**
 * Days before its expiry an entry warns: its owner and team are reminded
 * (then again a day before), its date shows in orange, and Renew is offered.
 *
 * @public
 */
export const EXPIRY_WARNING_DAYS = 14;

/**
 * How many calendar days (UTC, as notices print dates) from `now` to an
 * entry's expiry date: 0 when it expires today, 1 tomorrow, 10 when its date
 * is ten days after today's, whatever the hour. Negative once its date passed.
 *
 * @public
 */
export function calendarDaysUntil(expiry: string, now = new Date()): number {
  const day = (t: number) => Math.floor(t / 86_400_000);
  return day(Date.parse(expiry)) - day(now.getTime());
}

/**
 * Whether an entry is renewed rather than only edited: it ran out (see
 * `hasLapsed`), or it is pending or approved and expires within
 * `EXPIRY_WARNING_DAYS`. Renewing one that has not lapsed moves its date (an
 * edit); one that lapsed goes through `POST /registry/:id/renew`.
 *
 * @public
 */
export function isRenewable(
  entry: Pick<RegistryEntry, 'status' | 'expiresAt'>,
  now = new Date(),
): boolean {
  if (hasLapsed(entry, now)) return true;
  return (
    (entry.status === 'pending' || entry.status === 'approved') &&
    Date.parse(entry.expiresAt) <=
      now.getTime() + EXPIRY_WARNING_DAYS * 86_400_000
  );
}

/** A registry entry as the API returns it. @public */
export interface RegistryEntry {
  id: string;
  name: string;
  owner: string;
  team: string;
  purpose: string;
  identity: RegistryIdentity;
  transport: 'stdio' | 'http' | 'sse';
  expiresAt: string;
  status: RegistryStatus;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionReason?: string;
  serverJson?: ServerJson;
  /**
   * The server's tools when it was approved (names and definition hashes),
   * when a port probe or a gateway had reported them; a later detection with
   * another set loses the registry discount until an admin approves again.
   */
  pinnedTools?: PinnedTools;
  /**
   * Kinds of risk an admin accepted on this approved entry, each with why:
   * its findings' scores stop counting them while the approval holds.
   */
  acceptedRisks?: AcceptedRisk[];
}

/** A kind of risk accepted on an approved entry. @public */
export interface AcceptedRisk {
  kind: RiskKind;
  reason: string;
  /** The admin who accepted it (a user entity ref). */
  by: string;
  /** When (ISO 8601). */
  at: string;
}

/** `POST /registry/:id/accept-risk`: the kind, and why it is acceptable here. @public */
export const acceptRiskSchema = z
  .object({
    kind: z.enum(RISK_KIND_IDS, {
      error: `must be one of ${RISK_KIND_IDS.join(', ')}`,
    }),
    reason: z
      .string()
      .trim()
      .min(10, 'must be at least 10 characters: say why the risk is acceptable')
      .max(1024, 'must be at most 1024 characters'),
  })
  .strict();
/** @public */
export type AcceptRisk = z.infer<typeof acceptRiskSchema>;

/** A tool set pinned on an approved entry. @public */
export interface PinnedTools {
  definitions: ToolRef[];
  pinnedAt: string;
  /** Who pinned it: the approving admin, or `system:mcpeeker-tool-pins` for the first set seen after an approval without one. */
  pinnedBy: string;
  /** The finding whose reported set was pinned, and which layer reported it. */
  fromFinding: string;
  from: string;
}

/**
 * Why an expiry at most `maxDays` ahead is refused, or undefined when it is
 * fine: a registry entry's, a suppression's. An expiry is a day (the forms
 * send the end of the chosen day, UTC): the latest allowed is the end of the
 * UTC day `maxDays` after today, so the last day a form offers is taken
 * whatever the hour it is chosen at. @public
 */
export function daysAheadProblem(
  date: string,
  maxDays: number,
  now = new Date(),
): string | undefined {
  const at = Date.parse(date);
  if (at <= now.getTime()) return 'must be in the future';
  const latest = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate() + maxDays,
    23,
    59,
    59,
    999,
  );
  if (at > latest) return `must be at most ${maxDays} days ahead`;
  return undefined;
}

/** Why a registry entry's expiry is refused, or undefined when it is fine. @public */
export function expiryProblem(
  date: string,
  now = new Date(),
): string | undefined {
  return daysAheadProblem(date, MAX_REGISTRY_DAYS, now);
}

/** Rule names of MCPeeker's permission conditions. @public */
export const MCPEEKER_RULES = {
  findingOnOwnEndpoint: 'IS_ON_OWN_ENDPOINT',
  ownRegistryEntry: 'IS_OWN_REGISTRY_ENTRY',
  /** A catalog rule (resource type `catalog-entity`), registered by the catalog module. */
  mcpServerEntityVisible: 'IS_MCP_SERVER_ENTITY_VISIBLE',
} as const;

/**
 * The catalog condition a permission policy gives (the findings' and
 * registry entries' conditions come from the backend plugin's condition
 * exports). Plain data, so a policy needs nothing from the catalog module.
 *
 * @public
 */
export const mcpeekerConditions = {
  /**
   * For the catalog's `catalog.entity.read`: every entity, except MCPServer
   * entities MCPeeker restricted to someone (annotation
   * `mcpeeker.io/restricted-to`) other than these refs.
   */
  mcpServerEntityVisible: (params: {
    claims: string[];
  }): PermissionCondition<'catalog-entity', { claims: string[] }> => ({
    rule: MCPEEKER_RULES.mcpServerEntityVisible,
    resourceType: 'catalog-entity',
    params,
  }),
};
