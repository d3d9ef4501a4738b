import { Content, Header, HeaderTabs, Page } from '@backstage/core-components';
import { Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { HealthPage } from './HealthPage';
import { FindingDetail } from './Findings/FindingDetail';
import { FindingsTable } from './Findings/FindingsTable';

const TABS = [
  { id: 'findings', label: 'Findings' },
  { id: 'health', label: 'Health' },
];

/** The MCPeeker page: findings for analysts, and the backend's health. */
export function McpeekerPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const selected = location.pathname.replace(/\/$/, '').endsWith('/health')
    ? 1
    : 0;
  return (
    <Page themeId="tool">
      <Header
        title="MCPeeker"
        subtitle="Every MCP server your people run, found, scored and governed"
      />
      <HeaderTabs
        tabs={TABS}
        selectedIndex={selected}
        onChange={index => navigate(index === 1 ? 'health' : '.')}
      />
      <Content>
        <Routes>
          <Route path="/" element={<FindingsTable />} />
          <Route path="/findings/:id" element={<FindingDetail />} />
          <Route path="/health" element={<HealthPage />} />
        </Routes>
      </Content>
    </Page>
  );
}
