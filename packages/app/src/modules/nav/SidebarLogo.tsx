import {
  Link,
  sidebarConfig,
  useSidebarOpenState,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { makeStyles } from '@material-ui/core';
import mcpeekerPlugin from '@mcpeeker/plugin-mcpeeker';
import { LogoFull } from './LogoFull';
import { LogoIcon } from './LogoIcon';

const useSidebarLogoStyles = makeStyles({
  root: {
    width: sidebarConfig.drawerWidthClosed,
    height: 3 * sidebarConfig.logoHeight,
    display: 'flex',
    flexFlow: 'row nowrap',
    alignItems: 'center',
    marginBottom: -14,
  },
  link: {
    width: sidebarConfig.drawerWidthClosed,
    marginLeft: 24,
  },
});

export const SidebarLogo = () => {
  const classes = useSidebarLogoStyles();
  const { isOpen } = useSidebarOpenState();
  // The app's home is MCPeeker; `/` leads there too.
  const home = useRouteRef(mcpeekerPlugin.routes.root);

  return (
    <div className={classes.root}>
      <Link
        to={home?.() ?? '/'}
        underline="none"
        className={classes.link}
        aria-label="MCPeeker home"
      >
        {isOpen ? <LogoFull /> : <LogoIcon />}
      </Link>
    </div>
  );
};
