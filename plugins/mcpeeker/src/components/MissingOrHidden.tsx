import { EmptyState, Link } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { usePageTitle } from './PageTitle';

/**
 * Whether the backend answered "not found" or "not allowed" for one thing.
 * Both read the same to the viewer: a page never tells whether something
 * they may not see exists.
 */
export function isMissingOrHidden(error: unknown): boolean {
  return (
    error instanceof ResponseError && [403, 404].includes(error.statusCode)
  );
}

/**
 * What a page of one thing (a finding, a registry entry) shows when there is
 * none the viewer may see by that id, and the way back to its list.
 */
export function MissingOrHidden({
  what,
  back,
}: {
  /** "finding", "registry entry". */
  what: string;
  back?: { to: string; label: string };
}) {
  // The browser's tab says so too: "Finding not found | MCPeeker".
  usePageTitle(`${what.charAt(0).toUpperCase()}${what.slice(1)} not found`);
  return (
    <EmptyState
      missing="data"
      title={`No ${what} with this id, or you may not see it`}
      description={`The link may be old, the ${what} removed, or it belongs to someone else.`}
      action={back && <Link to={back.to}>{back.label}</Link>}
    />
  );
}
