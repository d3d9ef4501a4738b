import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import type { Finding, RegistryEntry } from '@mcpeeker/plugin-mcpeeker-common';
import { findingRouteRef } from '../../routes';
import { EntryLink } from '../Registry/EntryParts';

/**
 * Whether the registration moved away from this finding: an entry of its
 * host and name that no longer stands for it (`useFormerEntryOfFinding`),
 * while the finding itself is no longer reported. Its owner updated the
 * registration to the server as it runs now (`POST /registry/:id/identity`);
 * there is nothing left to update here. While the finding is still
 * reported, the entry instead registered it before it changed.
 */
export function registrationMovedFrom(
  finding: Pick<Finding, 'breakdown'>,
  former: RegistryEntry | undefined,
): boolean {
  return !!former && !!finding.breakdown.noLongerReported;
}

/**
 * What a finding's page says of the entry that registered its server on
 * this host under its name but does not stand for it: the registration now
 * names the server as it runs now (a link to its finding), or it registered
 * this server before it changed and does not cover it as it runs now.
 */
export function FormerEntryWords({
  finding,
  former,
}: {
  finding: Pick<Finding, 'breakdown'>;
  former: RegistryEntry;
}) {
  const findingUrl = useRouteRef(findingRouteRef);
  const link = (
    <EntryLink entry={former}>registry entry {former.name}</EntryLink>
  );
  if (!registrationMovedFrom(finding, former))
    return (
      <>
        {link} registered this server before it changed and does not cover it as
        it runs now
      </>
    );
  const now = former.identity.compositeId;
  return (
    <>
      the registration moved: {link} now names the server as it runs now
      {now && findingUrl && (
        <>
          {' '}
          (<Link to={findingUrl({ id: now })}>its finding</Link>)
        </>
      )}
    </>
  );
}
