import { Header, Page } from '@backstage/core-components';
import { HealthPage } from './HealthPage';

/** The MCPeeker page: for now the backend's health; findings and the registry join it. */
export function McpeekerPage() {
  return (
    <Page themeId="tool">
      <Header
        title="MCPeeker"
        subtitle="Every MCP server your people run, found, scored and governed"
      />
      <HealthPage />
    </Page>
  );
}
