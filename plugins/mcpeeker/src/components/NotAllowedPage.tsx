import { EmptyState } from '@backstage/core-components';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import { RequirePermission } from '@backstage/plugin-permission-react';
import { ReactNode } from 'react';

/**
 * A tab only some roles may open, and who they are in words: what the tab's
 * page shows to anyone else (who follows a link to it, or types its path)
 * instead of Backstage's "page not found".
 */
export interface GatedTab {
  /** The tab's name, as on the tab bar: "Suppressions". */
  tab: string;
  permission: BasicPermission;
  /** The roles that have the permission: "security analysts and platform admins". */
  who: string;
}

/** What a tab's page says to someone whose role may not open it: who may, and the permission it takes. */
export function NotAllowedPage({ tab, permission, who }: GatedTab) {
  return (
    <EmptyState
      missing="info"
      title={`The ${tab} tab is for ${who}`}
      description={`Opening it takes the permission ${permission.name}, which your role does not have. Ask a platform admin if you need it.`}
    />
  );
}

/** The tab's page for those whose role may open it, else who may (`NotAllowedPage`). */
export function RequireTabPermission({
  gate,
  children,
}: {
  gate: GatedTab;
  children: ReactNode;
}) {
  return (
    <RequirePermission
      permission={gate.permission}
      errorPage={<NotAllowedPage {...gate} />}
    >
      {children}
    </RequirePermission>
  );
}
