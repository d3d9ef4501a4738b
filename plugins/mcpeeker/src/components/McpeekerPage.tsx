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
import {
  matchPath,
  Route,
  Routes,
  useNavigate,
  useParams,
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
import { GatedTab, RequireTabPermission } from './NotAllowedPage';

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
    {
      label: 'Findings',
      routeRef: findingsRouteRef,
      link: useRouteRef(findingsRouteRef),
    },
    {
      label: 'Registry',
      routeRef: registryRouteRef,
      link: useRouteRef(registryRouteRef),
    },
    {
      id: GATED.approvals.tab,
      label: approvalsLabel(pendingCount),
      routeRef: approvalsRouteRef,
      link: useRouteRef(approvalsRouteRef),
      shown: mayApprove,
    },
    {
      label: GATED.suppressions.tab,
      routeRef: suppressionsRouteRef,
      link: useRouteRef(suppressionsRouteRef),
      shown: mayReadSuppressions,
    },
    {
      label: GATED.agents.tab,
      routeRef: agentsRouteRef,
      link: useRouteRef(agentsRouteRef),
      shown: mayManageAgents,
      // Admins see the hosts here: /hosts, opened directly, is this tab's.
      alsoRouteRefs: [hostsRouteRef],
    },
    {
      // Admins see the hosts in the Agents tab, beside the agents.
      label: 'Hosts',
      routeRef: hostsRouteRef,
      link: useRouteRef(hostsRouteRef),
      shown: !mayManageAgents,
    },
    {
      label: 'Settings',
      routeRef: settingsRouteRef,
      link: useRouteRef(settingsRouteRef),
    },
    {
      label: 'Health',
      routeRef: healthRouteRef,
      link: useRouteRef(healthRouteRef),
    },
  ]
    .filter(tab => tab.shown !== false)
    // The id stays as the count in a label changes.
    .map(tab => ({ ...tab, id: tab.id ?? tab.label, tabProps }));
  // Where we are below the page's own mount path, wherever it is mounted:
  // the tab whose pages those are (a finding's detail is Findings'), else
  // the Dashboard.
  const here = `/${useParams()['*'] ?? ''}`;
  const selected = Math.max(
    0,
    tabs.findIndex(tab =>
      [tab.routeRef, ...(tab.alsoRouteRefs ?? [])].some(
        ref => ref && matchPath({ path: ref.path, end: false }, here),
      ),
    ),
  );
  return (
    <Page themeId="tool">
      <Header
        title="MCPeeker"
        // The browser tab names the tab: "Registry | MCPeeker".
        pageTitleOverride={tabsKnown ? tabs[selected].id : undefined}
        subtitle="Every MCP server your people run, found, scored and governed"
      />
      {tabsKnown ? (
        <HeaderTabs
          tabs={tabs}
          selectedIndex={selected}
          onChange={index => {
            const link = tabs[index].link;
            if (link) navigate(link());
          }}
        />
      ) : (
        <Progress aria-label="Loading your tabs" />
      )}
      <Content>
        <Routes>
          <Route path="/" element={<DashboardPage />} />
          <Route path={findingsRouteRef.path} element={<FindingsTable />} />
          <Route path={findingRouteRef.path} element={<FindingDetail />} />
          <Route path={registryRouteRef.path} element={<RegistryPage />} />
          <Route path={registerRouteRef.path} element={<RegisterForm />} />
          <Route path={registryEntryRouteRef.path} element={<EntryPage />} />
          <Route
            path={approvalsRouteRef.path}
            element={
              <RequireTabPermission gate={GATED.approvals}>
                <ApprovalsPage />
              </RequireTabPermission>
            }
          />
          <Route
            path={suppressionsRouteRef.path}
            element={
              <RequireTabPermission gate={GATED.suppressions}>
                <SuppressionsPage />
              </RequireTabPermission>
            }
          />
          <Route
            path={agentsRouteRef.path}
            element={
              <RequireTabPermission gate={GATED.agents}>
                <AgentsPage />
              </RequireTabPermission>
            }
          />
          <Route path={hostsRouteRef.path} element={<HostsPage />} />
          <Route path={settingsRouteRef.path} element={<SettingsPage />} />
          <Route path={healthRouteRef.path} element={<HealthPage />} />
        </Routes>
      </Content>
    </Page>
  );
}
