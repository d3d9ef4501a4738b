import type { AuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Refuses an owner or team the catalog does not know (read with the
 * plugin's own credentials: whether it exists is not the caller's to see
 * differently): `Invalid <what> <ref> is not in the catalog`.
 */
export async function requireInCatalog(
  services: { catalog: CatalogService; auth: AuthService },
  ref: string,
  what: string,
): Promise<void> {
  const entity = await services.catalog.getEntityByRef(ref, {
    credentials: await services.auth.getOwnServiceCredentials(),
  });
  if (!entity)
    throw new InputError(`Invalid ${what} ${ref} is not in the catalog`);
}
