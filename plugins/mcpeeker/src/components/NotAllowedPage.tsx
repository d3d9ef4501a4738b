import { EmptyState, Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import { RequirePermission } from '@backstage/plugin-permission-react';
import { ReactNode } from 'react';
import { useLocation } from 'react-router-dom';

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

/** A page the viewer may open: a tab of theirs. */
export interface PageLink {
  label: string;
  to: string;
}

/** "Go to: Dashboard · Findings · …": where the viewer may go instead. */
function Elsewhere({ links }: { links: readonly PageLink[] }) {
  return (
    <Box
      component="nav"
      aria-label="Where you can go"
      display="flex"
      flexWrap="wrap"
      gridGap={16}
      alignItems="baseline"
    >
      <Typography variant="body2" component="span">
        Go to:
      </Typography>
      {links.map(link => (
        <Link key={link.to} to={link.to}>
          {link.label}
        </Link>
      ))}
    </Box>
  );
}

/** What a tab's page says to someone whose role may not open it: who may, the permission it takes, and where they can go. */
export function NotAllowedPage({
  gate: { tab, permission, who },
  elsewhere,
}: {
  gate: GatedTab;
  elsewhere: readonly PageLink[];
}) {
  return (
    <EmptyState
      missing="info"
      title={`The ${tab} tab is for ${who}`}
      description={`Opening it takes the permission ${permission.name}, which your role does not have. Ask a platform admin if you need it.`}
      action={<Elsewhere links={elsewhere} />}
    />
  );
}

/** The tab's page for those whose role may open it, else who may (`NotAllowedPage`). */
export function RequireTabPermission({
  gate,
  elsewhere,
  children,
}: {
  gate: GatedTab;
  elsewhere: readonly PageLink[];
  children: ReactNode;
}) {
  return (
    <RequirePermission
      permission={gate.permission}
      errorPage={<NotAllowedPage gate={gate} elsewhere={elsewhere} />}
    >
      {children}
    </RequirePermission>
  );
}

/** What a path below the MCPeeker page that is no page of it shows: that, and the pages there are. */
export function NotFoundPage({
  elsewhere,
}: {
  elsewhere: readonly PageLink[];
}) {
  const { pathname } = useLocation();
  return (
    <EmptyState
      missing="content"
      title="Page not found"
      description={`MCPeeker has no page at ${pathname}. The link may be mistyped or out of date.`}
      action={<Elsewhere links={elsewhere} />}
    />
  );
}
