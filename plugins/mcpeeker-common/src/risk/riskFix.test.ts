import { fixForRegistry, fixRegistryStanding, registryAdvice } from './riskFix';

const remote = {
  fix: `Check who operates mcp.example.org before sending it data; if your organisation runs or trusts it, ${registryAdvice(
    'filesystem',
  )}.`,
};
const pkg = {
  fix: `Check who publishes @acme/fs-mcp (repository, maintainers, downloads) before trusting it; prefer a server listed in the MCP registry, or ${registryAdvice(
    'filesystem',
  )}.`,
};
const future = '2099-01-01T00:00:00.000Z';

describe('fixForRegistry', () => {
  it('drops the advice to register once an approval stands', () => {
    const standing = fixRegistryStanding({
      status: 'approved',
      expiresAt: future,
    });
    expect(fixForRegistry(remote, standing)).toBe(
      'Check who operates mcp.example.org before sending it data.',
    );
    expect(fixForRegistry(pkg, standing)).toBe(
      'Check who publishes @acme/fs-mcp (repository, maintainers, downloads) before trusting it; prefer a server listed in the MCP registry.',
    );
  });

  it('says the entry awaits approval while it is pending', () => {
    const standing = fixRegistryStanding({
      status: 'pending',
      expiresAt: future,
    });
    expect(fixForRegistry(remote, standing)).toBe(
      "Check who operates mcp.example.org before sending it data; its entry in MCPeeker's registry awaits an admin's approval.",
    );
  });

  it('keeps the advice with no entry, or one that lapsed or was denied', () => {
    for (const entry of [
      undefined,
      { status: 'approved' as const, expiresAt: '2020-01-01T00:00:00.000Z' },
      { status: 'denied' as const, expiresAt: future },
    ]) {
      expect(fixForRegistry(pkg, fixRegistryStanding(entry))).toBe(pkg.fix);
    }
  });

  it('leaves a fix without that advice as it is, and reads an older agent’s apostrophe', () => {
    const other = { fix: 'Pin an exact version.' };
    expect(fixForRegistry(other, 'approved')).toBe(other.fix);
    expect(
      fixForRegistry(
        {
          fix: "Check it, or declare 'x' in MCPeeker’s registry with its purpose and owner.",
        },
        'approved',
      ),
    ).toBe('Check it.');
  });
});
