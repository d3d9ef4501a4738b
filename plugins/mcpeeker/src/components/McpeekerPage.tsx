import {
  Content,
  Header,
  HeaderTabs,
  Page,
  Progress,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { useTheme } from '@material-ui/core/styles';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  mcpeekerAgentManagePermission,
  mcpeekerRegistryApprovePermission,
  mcpeekerSuppressionReadPermission,
} from '@mcpeeker/plugin-mcpeeker-common';
import { ReactElement, useState } from 'react';
import {
  matchRoutes,
  useNavigate,
  useParams,
  useRoutes,
} from 'react-router-dom';
import {
  agentsRouteRef,
  approvalsRouteRef,
  findingRouteRef,
  findingsRouteRef,
  healthRouteRef,
  hostsRouteRef,
  registerRouteRef,
  registryRouteRef,
  rootRouteRef,
  settingsRouteRef,
  suppressionsRouteRef,
} from '../routes';
import { AgentsPage } from './Agents/AgentsPage';
import { DashboardPage } from './Dashboard/DashboardPage';
import { HealthPage } from './HealthPage';
import { HostsPage } from './Hosts/HostsPage';
import { FindingDetail } from './Findings/FindingDetail';
import { FindingsTable } from './Findings/FindingsTable';
import { ApprovalsPage } from './Registry/ApprovalsPage';
import { RegisterForm } from './Registry/RegisterForm';
import { RegistryPage } from './Registry/RegistryPage';
import { EntryPage } from './Registry/EntryPage';
import { registryEntryRouteRef } from './Registry/entryRoute';
import {
  approvalsLabel,
  usePendingApprovalCount,
} from './Registry/usePendingApprovalCount';
import { SettingsPage } from './Settings/SettingsPage';
import { SuppressionsPage } from './Suppressions/SuppressionsPage';
import { GatedTab, NotFoundPage, RequireTabPermission } from './NotAllowedPage';
import { PageTitleProvider } from './PageTitle';

/** The tabs only some roles may open: who may, in the roles' words. */
const GATED: Record<'approvals' | 'suppressions' | 'agents', GatedTab> = {
  approvals: {
    tab: 'Approvals',
    permission: mcpeekerRegistryApprovePermission,
    who: 'platform admins',
  },
  suppressions: {
    tab: 'Suppressions',
    permission: mcpeekerSuppressionReadPermission,
    who: 'security analysts and platform admins',
  },
  agents: {
    tab: 'Agents',
    permission: mcpeekerAgentManagePermission,
    who: 'platform admins',
  },
};

/** One of the MCPeeker page's routes. */
interface RoutePage {
  path: string;
  /** Its name in the browser's tab: "Findings | MCPeeker". */
  title: string;
  /** The id of the tab it belongs to, underlined while it shows (if the viewer has that tab). */
  tab?: string;
  element: ReactElement;
}

/** The MCPeeker page: the dashboard, findings, the registry, approvals and agents (admins), suppressions (analysts and admins), hosts (which enforce), settings, health. */
export function McpeekerPage() {
  const navigate = useNavigate();
  const approve = usePermission({ permission: GATED.approvals.permission });
  const manageAgents = usePermission({ permission: GATED.agents.permission });
  const readSuppressions = usePermission({
    permission: GATED.suppressions.permission,
  });
  const { allowed: mayApprove } = approve;
  const { allowed: mayManageAgents } = manageAgents;
  const { allowed: mayReadSuppressions } = readSuppressions;
  // Until the viewer's permissions are known, which tabs they have is not:
  // a progress bar stands where the tabs will be, not another role's tabs.
  const tabsKnown = !(
    approve.loading ||
    manageAgents.loading ||
    readSuppressions.loading
  );
  const pendingCount = usePendingApprovalCount();
  // Each tab as wide as its label, 16 px a side instead of Backstage's 24,
  // with no minimum width: an admin's eight tabs fit a 1280 px window beside
  // the sidebar, Health too, instead of scrolling out of view (measured in
  // Chromium: 1037 px of tabs for 952 before, 855 now).
  const theme = useTheme();
  const tabProps = {
    style: {
      minWidth: 0,
      paddingLeft: theme.spacing(2),
      paddingRight: theme.spacing(2),
    },
  };
  // Every tab's link is resolved, in the same order each time; tabs the
  // viewer may not use are then left out.
  const tabs = [
    { label: 'Dashboard', link: useRouteRef(rootRouteRef) },
    { label: 'Findings', link: useRouteRef(findingsRouteRef) },
    { label: 'Registry', link: useRouteRef(registryRouteRef) },
    {
      id: GATED.approvals.tab,
      label: approvalsLabel(pendingCount),
      link: useRouteRef(approvalsRouteRef),
      shown: mayApprove,
    },
    {
      label: GATED.suppressions.tab,
      link: useRouteRef(suppressionsRouteRef),
      shown: mayReadSuppressions,
    },
    {
      label: GATED.agents.tab,
      link: useRouteRef(agentsRouteRef),
      shown: mayManageAgents,
    },
    {
      // Admins see the hosts in the Agents tab, beside the agents.
      label: 'Hosts',
      link: useRouteRef(hostsRouteRef),
      shown: !mayManageAgents,
    },
    { label: 'Settings', link: useRouteRef(settingsRouteRef) },
    { label: 'Health', link: useRouteRef(healthRouteRef) },
  ]
    .filter(tab => tab.shown !== false)
    // The id stays as the count in a label changes.
    .map(tab => ({ ...tab, id: tab.id ?? tab.label, tabProps }));
  // Where else the viewer may go, from a page they may not see or one that
  // is not there: their tabs.
  const elsewhere = tabs.flatMap(tab =>
    tab.link ? [{ label: tab.id, to: tab.link() }] : [],
  );
  // A tab's page only some roles may open: who may not learns who may
  // (`RequireTabPermission`).
  const gatedPage = (
    key: keyof typeof GATED,
    path: string,
    element: ReactElement,
  ): RoutePage => ({
    path,
    title: GATED[key].tab,
    // Underlined for who has the tab; who has not has no tab underlined.
    tab: GATED[key].tab,
    element: (
      <RequireTabPermission gate={GATED[key]} elsewhere={elsewhere}>
        {element}
      </RequireTabPermission>
    ),
  });
  // Each page: its path, its name in the browser's tab, and the tab it
  // belongs to (a finding's detail is Findings'). What shows, the tab
  // underlined and the title all follow from the one route that matches.
  const pages: RoutePage[] = [
    {
      path: '/',
      title: 'Dashboard',
      tab: 'Dashboard',
      element: <DashboardPage />,
    },
    {
      path: findingsRouteRef.path,
      title: 'Findings',
      tab: 'Findings',
      element: <FindingsTable />,
    },
    {
      path: findingRouteRef.path,
      title: 'Finding',
      tab: 'Findings',
      element: <FindingDetail />,
    },
    {
      path: registryRouteRef.path,
      title: 'Registry',
      tab: 'Registry',
      element: <RegistryPage />,
    },
    {
      path: registerRouteRef.path,
      title: 'Register a server',
      tab: 'Registry',
      element: <RegisterForm />,
    },
    {
      path: registryEntryRouteRef.path,
      title: 'Registry entry',
      tab: 'Registry',
      element: <EntryPage />,
    },
    gatedPage('approvals', approvalsRouteRef.path, <ApprovalsPage />),
    gatedPage('suppressions', suppressionsRouteRef.path, <SuppressionsPage />),
    gatedPage('agents', agentsRouteRef.path, <AgentsPage />),
    // Admins see the hosts in the Agents tab: /hosts, opened directly, is its.
    {
      path: hostsRouteRef.path,
      title: 'Hosts',
      tab: mayManageAgents ? GATED.agents.tab : 'Hosts',
      element: <HostsPage />,
    },
    {
      path: settingsRouteRef.path,
      title: 'Settings',
      tab: 'Settings',
      element: <SettingsPage />,
    },
    {
      path: healthRouteRef.path,
      title: 'Health',
      tab: 'Health',
      element: <HealthPage />,
    },
    {
      path: '*',
      title: 'Page not found',
      element: <NotFoundPage elsewhere={elsewhere} />,
    },
  ];
  const routes = pages.map(page => ({
    path: page.path,
    element: page.element,
    handle: page,
  }));
  const shown = useRoutes(routes);
  // Where we are below the page's own mount path, wherever it is mounted.
  const here = `/${useParams()['*'] ?? ''}`;
  const page: RoutePage =
    matchRoutes(routes, here)?.[0]?.route.handle ?? pages[pages.length - 1];
  // A tab the viewer has, else none: Material UI's Tabs take `false` for
  // none, where Backstage's HeaderTabs types a number.
  const selected = tabs.findIndex(tab => tab.id === page.tab);
  // What the page showing names itself (a finding, by its server), else the route's name.
  const [ownTitle, setOwnTitle] = useState<string>();
  return (
    <Page themeId="tool">
      <Header
        title="MCPeeker"
        // The browser tab names the page: "Registry | MCPeeker".
        pageTitleOverride={ownTitle ?? page.title}
        subtitle="Every MCP server your people run, found, scored and governed"
      />
      {tabsKnown ? (
        <HeaderTabs
          tabs={tabs}
          selectedIndex={
            selected >= 0 ? selected : (false as unknown as number)
          }
          onChange={index => {
            const link = tabs[index].link;
            if (link) navigate(link());
          }}
        />
      ) : (
        <Progress aria-label="Loading your tabs" />
      )}
      <Content>
        <PageTitleProvider setTitle={setOwnTitle}>{shown}</PageTitleProvider>
      </Content>
    </Page>
  );
}
