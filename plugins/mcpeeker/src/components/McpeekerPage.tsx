import { Content, Header, HeaderTabs, Page } from '@backstage/core-components';
import {
  RequirePermission,
  usePermission,
} from '@backstage/plugin-permission-react';
import {
  mcpeekerAgentManagePermission,
  mcpeekerRegistryApprovePermission,
} from '@mcpeeker/plugin-mcpeeker-common';
import { Route, Routes, useNavigate, useParams } from 'react-router-dom';
import { findingRouteRef, registerRouteRef } from '../routes';
import { AgentsPage } from './Agents/AgentsPage';
import { HealthPage } from './HealthPage';
import { FindingDetail } from './Findings/FindingDetail';
import { FindingsTable } from './Findings/FindingsTable';
import { ApprovalsPage } from './Registry/ApprovalsPage';
import { RegisterForm } from './Registry/RegisterForm';
import { RegistryPage } from './Registry/RegistryPage';
import { SettingsPage } from './Settings/SettingsPage';

/** The MCPeeker page: findings, the registry, approvals and agents (admins), settings, health. */
export function McpeekerPage() {
  const navigate = useNavigate();
  const { allowed: mayApprove } = usePermission({
    permission: mcpeekerRegistryApprovePermission,
  });
  const { allowed: mayManageAgents } = usePermission({
    permission: mcpeekerAgentManagePermission,
  });
  const tabs = [
    { id: '.', label: 'Findings' },
    { id: 'registry', label: 'Registry' },
    ...(mayApprove ? [{ id: 'approvals', label: 'Approvals' }] : []),
    ...(mayManageAgents ? [{ id: 'agents', label: 'Agents' }] : []),
    { id: 'settings', label: 'Settings' },
    { id: 'health', label: 'Health' },
  ];
  // The first segment below the page's own mount path, wherever it is mounted.
  const section = (useParams()['*'] ?? '').split('/')[0];
  const selected = Math.max(
    0,
    tabs.findIndex(t => t.id === section),
  );
  return (
    <Page themeId="tool">
      <Header
        title="MCPeeker"
        // The browser tab names the tab: "Registry | MCPeeker".
        pageTitleOverride={tabs[selected].label}
        subtitle="Every MCP server your people run, found, scored and governed"
      />
      <HeaderTabs
        tabs={tabs}
        selectedIndex={selected}
        onChange={index => navigate(tabs[index].id)}
      />
      <Content>
        <Routes>
          <Route path="/" element={<FindingsTable />} />
          <Route path={findingRouteRef.path} element={<FindingDetail />} />
          <Route path="/registry" element={<RegistryPage />} />
          <Route path={registerRouteRef.path} element={<RegisterForm />} />
          <Route
            path="/approvals"
            element={
              <RequirePermission permission={mcpeekerRegistryApprovePermission}>
                <ApprovalsPage />
              </RequirePermission>
            }
          />
          <Route
            path="/agents"
            element={
              <RequirePermission permission={mcpeekerAgentManagePermission}>
                <AgentsPage />
              </RequirePermission>
            }
          />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="/health" element={<HealthPage />} />
        </Routes>
      </Content>
    </Page>
  );
}
