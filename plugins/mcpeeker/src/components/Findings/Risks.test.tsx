import { screen, within } from '@testing-library/react';
import type { Finding, RiskFact } from '@mcpeeker/plugin-mcpeeker-common';
import { renderUnstyled } from '../../__testUtils__/renderPage';
import { finding } from '../../__testUtils__/fixtures';
import { RisksCard } from './RisksCard';

// What a developer reads to fix their server: each risk the agent found,
// where, and what to change.

const secret: RiskFact = {
  kind: 'inline-secret',
  severity: 'high',
  title: 'Secret written in the config',
  evidence: 'env GITHUB_TOKEN holds a GitHub token',
  fix: 'Set GITHUB_TOKEN in the environment and refer to it as ${GITHUB_TOKEN}, then rotate the GitHub token.',
  location: {
    file: '/home/dana/.cursor/mcp.json',
    jsonPath: '$.mcpServers.github.env.GITHUB_TOKEN',
    line: 7,
    column: 9,
  },
};
const unpinned: RiskFact = {
  kind: 'unpinned-package',
  severity: 'medium',
  title: 'Unpinned package',
  evidence:
    'npx -y @modelcontextprotocol/server-github runs whatever version is latest',
  fix: 'Pin an exact version: @modelcontextprotocol/server-github@1.2.3.',
};

const withRisks = (risks?: RiskFact[]): Finding => ({
  ...finding,
  signals: { ...finding.signals, risks },
});

describe('RisksCard', () => {
  it('lists each risk with its severity, evidence, place and fix, most severe first as stored', async () => {
    await renderUnstyled(<RisksCard finding={withRisks([secret, unpinned])} />);
    expect(
      screen.getByText(
        "2 risks found in the server's configuration or on its port",
      ),
    ).toBeInTheDocument();
    const sections = screen.getAllByRole('region', { name: / risk: / });
    expect(sections.map(s => s.getAttribute('aria-label'))).toEqual([
      'high risk: Secret written in the config',
      'medium risk: Unpinned package',
    ]);
    const first = within(sections[0]);
    expect(
      first.getByText('env GITHUB_TOKEN holds a GitHub token'),
    ).toBeInTheDocument();
    expect(
      first.getByText(
        '/home/dana/.cursor/mcp.json:7:9 ($.mcpServers.github.env.GITHUB_TOKEN)',
      ),
    ).toBeInTheDocument();
    expect(sections[0]).toHaveTextContent(`Fix: ${secret.fix}`);
    // A port probe's fact has no file: no place line.
    expect(sections[1]).toHaveTextContent(`Fix: ${unpinned.fix}`);
    expect(
      sections[1].querySelectorAll('p.MuiTypography-caption'),
    ).toHaveLength(0);
  });

  it('shows nothing for a server without risks', async () => {
    await renderUnstyled(<RisksCard finding={withRisks(undefined)} />);
    expect(screen.queryAllByRole('region', { name: / risk: / })).toEqual([]);
    expect(screen.queryByText(/Risks and how to fix them/)).toBeNull();
  });
});
