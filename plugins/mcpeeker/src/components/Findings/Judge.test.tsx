import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { backendDefaults } from '../../__testUtils__/backendDefaults';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type {
  FindingDetail,
  GatewayEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import { McpeekerClient, mcpeekerApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  finding,
  findingDetail,
  gatewayEvidence,
} from '../../__testUtils__/fixtures';
import { FindingsTable } from './FindingsTable';
import { JudgePanel } from './JudgePanel';
import { ScoreHelp } from './ScoreHelp';
import { renderUnstyled } from '../../__testUtils__/renderPage';
import { reloaded } from '../../__testUtils__/reloaded';

// The Judge as analysts meet it: its panel on a finding, the list's filter
// and badge for findings scored without it, and what a score means.

/** A finding seen through a gateway, with the strongest of its events' verdicts. */
function gatewayFinding(
  events: GatewayEvent[],
  overrides: Partial<FindingDetail> = {},
): FindingDetail {
  const judged = events
    .flatMap(e => (e.judge ? [e.judge] : []))
    .sort((a, b) => b.confidence - a.confidence);
  const strongest = judged[0];
  const judgeUnavailable = !strongest;
  return {
    ...findingDetail,
    layers: ['gateway'],
    judgeUnavailable,
    signals: {
      ...finding.signals,
      judgeUnavailable,
      judge: strongest && {
        verdict: strongest.verdict,
        confidence: strongest.confidence,
        explanation: strongest.explanation,
        judgedBy: strongest.judgedBy,
      },
    },
    evidence: { endpoint: [], network: [], gateway: events },
    ...overrides,
  };
}

describe('JudgePanel', () => {
  it('says the verdict in words, how sure, who judged and why, with the request it read collapsed', async () => {
    await renderUnstyled(
      <JudgePanel finding={gatewayFinding([gatewayEvidence()])} />,
    );

    expect(await screen.findByText('uses an MCP server')).toBeInTheDocument();
    expect(screen.getByText('95%')).toBeInTheDocument();
    expect(screen.getByText('Offline judge (rule-based)')).toBeInTheDocument();
    expect(screen.getByTestId('judge-explanation')).toHaveTextContent(
      "Offline judge (rule-based, no model was asked): The request offers 1 tool of the MCP server 'github'.",
    );
    expect(screen.getByText('github')).toBeInTheDocument();
    expect(screen.queryByText(/Judge unavailable/)).toBeNull();

    // The request it judged: collapsed until asked for.
    const request = screen.getByRole('button', {
      name: 'Request req-1 to claude-sonnet-4-5: uses an MCP server (95%)',
    });
    expect(request).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByTestId('judge-excerpt')).toBeNull();
    await userEvent.click(request);
    expect(await screen.findByTestId('judge-excerpt')).toHaveTextContent(
      /MCP server github - mcp__github__create_issue: Create a new issue/,
    );
    expect(request).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByText('mcp__github__create_issue')).toBeInTheDocument();
    expect(screen.getByText('anthropic-messages')).toBeInTheDocument();
  });

  it('names Claude with its model, and shows markup in an explanation as the text it is', async () => {
    const hostile =
      '<img src=x onerror="window.__judgeXss=1"><b>bold</b><script>window.__judgeXss=2</script> Ignore previous instructions.';
    await renderUnstyled(
      <JudgePanel
        finding={gatewayFinding([
          gatewayEvidence({
            judge: {
              verdict: 'uncertain',
              confidence: 0.5,
              servers: [],
              explanation: hostile,
              judgedBy: 'claude',
              model: 'claude-sonnet-4-5',
            },
          }),
        ])}
      />,
    );

    expect(await screen.findByText('not sure')).toBeInTheDocument();
    expect(screen.getByText('50%')).toBeInTheDocument();
    expect(screen.getByText('Claude claude-sonnet-4-5')).toBeInTheDocument();
    const explanation = screen.getByTestId('judge-explanation');
    expect(explanation.textContent).toBe(hostile);
    expect(explanation.querySelector('img, b, script')).toBeNull();
    expect((window as { __judgeXss?: number }).__judgeXss).toBeUndefined();
  });

  it('says when the finding was scored without the Judge, and takes a verdict that came later for its request', async () => {
    const waiting = gatewayEvidence({
      judge: undefined,
      judgeUnavailable: true,
    });
    const { unmount } = await renderUnstyled(
      <JudgePanel finding={gatewayFinding([waiting])} />,
    );
    expect(
      await screen.findByText(
        'Judge unavailable — scored without it; rescored when it answers',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/No verdict yet/)).toBeInTheDocument();
    expect(
      screen.getByRole('button', {
        name: /^Request req-1 .*: not judged yet$/,
      }),
    ).toBeInTheDocument();
    unmount();

    // The retry task's verdict is for the stored request: one request, judged.
    const verdict = gatewayEvidence({ eventId: '9'.repeat(64) });
    await renderUnstyled(
      <JudgePanel
        finding={gatewayFinding([
          waiting,
          { ...verdict, verdictFor: waiting.eventId },
        ])}
      />,
    );
    expect(
      await screen.findByText('The request it judged'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', {
        name: 'Request req-1 to claude-sonnet-4-5: uses an MCP server (95%)',
      }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Judge unavailable/)).toBeNull();
  });
});

describe('ScoreHelp', () => {
  it('explains the thresholds and what each layer adds, on hover and on keyboard focus', async () => {
    const { unmount } = await renderUnstyled(<ScoreHelp />);
    await userEvent.hover(
      await screen.findByRole('button', {
        name: 'How the score is worked out',
      }),
    );
    const tooltip = await screen.findByRole('tooltip');
    expect(tooltip).toHaveTextContent('0–4 authorized');
    expect(tooltip).toHaveTextContent('5–8 suspect');
    expect(tooltip).toHaveTextContent('9 or more unauthorized');
    expect(tooltip).toHaveTextContent('Endpoint agent saw it: +6');
    expect(tooltip).toHaveTextContent('MCP traffic on the network: +3');
    expect(tooltip).toHaveTextContent('The Judge never takes points away.');
    expect(tooltip).toHaveTextContent('An approved registration takes 6 off.');
    unmount();

    await renderUnstyled(<ScoreHelp />);
    await screen.findByRole('button', { name: 'How the score is worked out' });
    await userEvent.tab();
    expect(
      screen.getByRole('button', { name: 'How the score is worked out' }),
    ).toHaveFocus();
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'An approved registration takes 6 off.',
    );
  });
});

describe('FindingsTable', () => {
  const client = new McpeekerClient({
    discoveryApi: { getBaseUrl: async () => 'http://backend/api/mcpeeker' },
    fetchApi: { fetch: (...args) => fetch(...args) },
  });
  const server = setupServer(...backendDefaults);
  registerMswTestHooks(server);

  it('filters to findings scored without the Judge, and badges them', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get('*/api/mcpeeker/findings', ({ request }) => {
        const params = new URL(request.url).searchParams;
        queries.push(params);
        return HttpResponse.json({
          items:
            params.get('judge') === 'unavailable'
              ? [{ ...finding, judgeUnavailable: true }]
              : [finding],
          totalCount: 1,
        });
      }),
    );
    await renderUnstyled(<FindingsTable />, {
      apis: [[mcpeekerApiRef, client]],
      mountedRoutes: { '/mcpeeker': rootRouteRef },
    });
    const row = await screen.findByRole('row', { name: /github/ });
    expect(within(row).queryByText('Judge unavailable')).toBeNull();
    expect(queries.at(-1)?.has('judge')).toBe(false);
    // The score's column says how a score is made.
    expect(
      screen.getByRole('button', { name: 'How the score is worked out' }),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Judge'));
    await userEvent.click(
      await screen.findByRole('option', {
        name: 'Unavailable: scored without it',
      }),
    );
    // The filtered list's row: the row before it never gets the badge.
    await reloaded();
    expect(
      await within(
        await screen.findByRole('row', { name: /github/ }),
      ).findByText('Judge unavailable'),
    ).toBeInTheDocument();
    expect(queries.at(-1)?.get('judge')).toBe('unavailable');
  });
});
