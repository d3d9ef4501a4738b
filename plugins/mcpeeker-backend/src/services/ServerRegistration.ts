import type {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  mcpeekerRegistryApprovePermission,
  mcpeekerRegistryCreatePermission,
  RegistryEntry,
  RegistryEntryCreate,
  splitPackageSpec,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { RegistryStore } from '../database/RegistryStore';
import { requireInCatalog } from './catalogRefs';

/** Told of every registration once it is stored: notifications, webhooks, the catalog. */
export type RegistryChangeListener = (change: {
  action: string;
  entry: RegistryEntry;
  actor: string;
  /** Why, when the person gave a reason the entry does not keep (a renewal request's). */
  reason?: string;
}) => Promise<void>;

/**
 * A package given with the version it pins (`@scope/pkg@1.2.3`, `pkg==1.0`)
 * is kept as the entry schema has it: the package in `packageId` (what
 * findings are matched by) and the version in `packageVersion`. A version
 * given in both places must agree. An OCI reference, a tag or a range stays
 * as given.
 */
export function withPinnedVersion(
  input: RegistryEntryCreate,
): RegistryEntryCreate {
  const { packageId, packageVersion } = input.identity;
  if (!packageId || packageId.startsWith('oci:')) return input;
  const { name, version } = splitPackageSpec(packageId);
  if (!version) return input;
  if (packageVersion !== undefined && packageVersion !== version)
    throw new InputError(
      `Invalid registration: identity.packageVersion: ${packageVersion} is not the version the package pins (${version})`,
    );
  return {
    ...input,
    identity: { ...input.identity, packageId: name, packageVersion: version },
  };
}

/**
 * Registering an MCP server, however it comes: the registry's form
 * (`POST /registry`), an official server.json (`POST /registry/import`) or
 * the `register-mcp-server` MCP tool. One path, so each way in checks the
 * same right, the same fields, the same catalog refs, and is audited alike
 * (the store writes the entry with its audit row).
 */
export class ServerRegistration {
  constructor(
    private readonly options: {
      registry: RegistryStore;
      permissions: PermissionsService;
      catalog: CatalogService;
      auth: AuthService;
      onChange?: RegistryChangeListener;
    },
  ) {}

  /**
   * A pending entry from what `parse` reads (it throws the InputError that
   * names a bad field), registered by this person: for themselves, or for
   * someone else when they are an admin.
   */
  async register(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    parse: () => RegistryEntryCreate,
  ): Promise<RegistryEntry> {
    const { registry, permissions, catalog, auth } = this.options;
    const [create] = await permissions.authorize(
      [{ permission: mcpeekerRegistryCreatePermission }],
      { credentials },
    );
    if (create.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError('You may not register MCP servers');
    const input = withPinnedVersion(parse());
    const actor = credentials.principal.userEntityRef;
    const owner = input.owner ?? actor;
    await requireInCatalog({ catalog, auth }, owner, 'registration: owner');
    await requireInCatalog({ catalog, auth }, input.team, 'registration: team');
    if (owner !== actor) {
      // Registering for someone else is an admin's act.
      const [approve] = await permissions.authorize(
        [{ permission: mcpeekerRegistryApprovePermission }],
        { credentials },
      );
      if (approve.result !== AuthorizeResult.ALLOW)
        throw new InputError(
          `Invalid registration: owner must be you (${actor}); only admins register for others`,
        );
    }
    const entry = await registry.create({ ...input, owner }, actor);
    await this.options.onChange?.({ action: 'create', entry, actor });
    return entry;
  }
}
