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
} from '@mcpeeker/plugin-mcpeeker-common';
import type { RegistryStore } from '../database/RegistryStore';
import { requireInCatalog } from './catalogRefs';

/** Told of every registration once it is stored: notifications, webhooks, the catalog. */
export type RegistryChangeListener = (change: {
  action: string;
  entry: RegistryEntry;
  actor: string;
}) => Promise<void>;

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
    const input = parse();
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
