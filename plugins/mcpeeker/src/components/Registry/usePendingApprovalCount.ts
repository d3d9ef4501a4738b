import { useEffect } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { mcpeekerRegistryApprovePermission } from '@mcpeeker/plugin-mcpeeker-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { mcpeekerApiRef } from '../../api';
import { REGISTRY_CHANGED_EVENT } from './EntryActions';

/**
 * How many registrations wait for an admin, for the Approvals tab's label
 * ("Approvals (3)"); undefined for whoever may not approve, and while it is
 * asked. Counted again whenever the registry changes on this page.
 */
export function usePendingApprovalCount(): number | undefined {
  const api = useApi(mcpeekerApiRef);
  const { allowed } = usePermission({
    permission: mcpeekerRegistryApprovePermission,
  });
  const { value, retry } = useAsyncRetry(
    async () =>
      allowed
        ? (await api.listRegistry({ status: ['pending'], limit: 1 })).totalCount
        : undefined,
    [api, allowed],
  );
  useEffect(() => {
    window.addEventListener(REGISTRY_CHANGED_EVENT, retry);
    return () => window.removeEventListener(REGISTRY_CHANGED_EVENT, retry);
  }, [retry]);
  return value;
}

/** The Approvals tab's label, with the count when there is one. */
export function approvalsLabel(count: number | undefined): string {
  return count ? `Approvals (${count.toLocaleString('en-US')})` : 'Approvals';
}
