import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type { FindingDetail as Detail } from '@mcpeeker/plugin-mcpeeker-common';
import { Route, Routes } from 'react-router-dom';
import { SWRConfig } from 'swr';
import { mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { findingDetail, gatewayEvidence } from '../../__testUtils__/fixtures';
import { renderUnstyled, testClient } from '../../__testUtils__/renderPage';
import { FindingDetail } from './FindingDetail';

// The OpenAI fixture's request, offering only `get_weather`: the Judge says
// it is no MCP server. Its page says so, and offers nothing to register.

const server = setupServer(...backendDefaults);
registerMswTestHooks(server);

const EXPLANATION =
  'The request offers the tools "get_weather", which follow no MCP naming and name no MCP package or connector. They look like the application\'s own function tools.';

const weather: Detail = {
  ...findingDetail,
  compositeId: 'mcp_eb97cfe153b54edec95da65a5cc9a4b6',
  serverName: undefined,
  hostIdHash: undefined,
  score: 0,
  classification: 'authorized',
  layers: ['gateway'],
  registryStatus: 'unregistered',
  signals: {
    counts: { gateway: { request: 1 } },
    judge: {
      verdict: 'not-mcp',
      confidence: 0.6,
      explanation: EXPLANATION,
      judgedBy: 'offline',
    },
    judgeUnavailable: false,
    highSeveritySignatures: 0,
  },
  breakdown: {
    score: 0,
    classification: 'authorized',
    contributions: [
      {
        layer: 'gateway',
        points: 0,
        reason: `the Judge says not-mcp (confidence 0.60): ${EXPLANATION}`,
      },
    ],
    rules: [],
    tags: [],
  },
  evidence: { endpoint: [], network: [], gateway: [gatewayEvidence()] },
};

function renderFinding(detail: Detail) {
  server.use(
    http.get('*/api/mcpeeker/findings/:id', () => HttpResponse.json(detail)),
  );
  const authorize = async () => ({ result: AuthorizeResult.ALLOW });
  return renderUnstyled(
    <SWRConfig value={{ provider: () => new Map() }}>
      <Routes>
        <Route path="/mcpeeker/findings/:id" element={<FindingDetail />} />
      </Routes>
    </SWRConfig>,
    {
      apis: [
        [mcpeekerApiRef, testClient],
        [permissionApiRef, { authorize, authorizeConditional: authorize }],
        mockApis.identity({ userEntityRef: 'user:default/sam' }),
      ],
      mountedRoutes: { '/mcpeeker': rootRouteRef },
      initialRouteEntries: [`/mcpeeker/findings/${detail.compositeId}`],
    },
  );
}

describe('A finding the Judge judged not an MCP server', () => {
  it('says so plainly, with who judged, how sure and why; no "authorized", nothing to register', async () => {
    renderFinding(weather);
    expect(
      await screen.findByRole(
        'heading',
        { name: 'Judged not an MCP server' },
        { timeout: 30_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Offline judge \(rule-based\) judged the LLM-gateway requests behind it not to be an MCP server's \(60% sure\)/,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText(EXPLANATION, { exact: false })[0]).toBeVisible();
    expect(
      screen.getByText(/it is not one of the MCP servers found/),
    ).toBeInTheDocument();
    // Where the class was: not "0 · authorized", which reads as approved.
    expect(screen.getByText('not an MCP server')).toBeInTheDocument();
    expect(screen.queryByText('0 · authorized')).toBeNull();
    expect(
      screen.getByText('nothing to register: judged not an MCP server'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Register this server')).toBeNull();
  });

  it('an MCP server only a gateway saw is still offered for registration (the control)', async () => {
    renderFinding({
      ...weather,
      score: 5,
      classification: 'suspect',
      signals: {
        ...weather.signals,
        judge: {
          verdict: 'mcp',
          confidence: 0.9,
          explanation: 'tools named mcp__github__*',
          judgedBy: 'offline',
        },
      },
    });
    expect(
      await screen.findByText('Register this server', {}, { timeout: 30_000 }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Judged not an MCP server')).toBeNull();
    expect(screen.getByText('5 · suspect')).toBeInTheDocument();
  });
});
